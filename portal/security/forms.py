from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """The six digits an authenticator app shows now."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=16,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "dir": "ltr"}
        ),
    )


class RecoveryCodeForm(forms.Form):
    """One of the recovery codes shown at enrolment; each works once."""

    code = forms.CharField(
        label=_("Recovery code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "dir": "ltr"}),
    )
