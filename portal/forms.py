from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Cohort, Nation


class ViewAsForm(forms.Form):
    cohorts = forms.ModelMultipleChoiceField(
        Cohort.objects.all(),
        label=_("Cohorts"),
        help_text=_("The officer is a member of these cohorts."),
        widget=forms.CheckboxSelectMultiple,
    )
    nation = forms.ModelChoiceField(
        Nation.objects.all(), label=_("Nation"), required=False, empty_label=_("No nation")
    )
    date = forms.DateField(
        label=_("Date"),
        required=False,
        help_text=_("Leave empty for today; pick a date to check a rule before a cohort arrives."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
