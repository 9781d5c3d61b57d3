"""Validation of search parameters, shared by the page and the JSON API."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from search import registry
from search.engines import FACETS, SORTS

MAX_QUERY_LENGTH = 500
_slug = RegexValidator(r"^[-\w]+\Z", _("Enter a valid slug."))


class SearchForm(forms.Form):
    # The labels name the fields in the page's error list (the API reports errors by field name).
    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY_LENGTH)
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1)
    track = forms.CharField(label=_("Track"), required=False, max_length=100, validators=[_slug])
    # The indexed types' names (search.registry), read when the form is made: apps register them.
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=lambda: [("", "")] + [(n, n) for n in registry.type_names()]
    )
    locale = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", "")] + [(code, code) for code, _name in settings.LANGUAGES],
    )
    course = forms.CharField(label=_("Course"), required=False, max_length=255, validators=[_slug])
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[("", "")] + [(name, name) for name in SORTS]
    )

    @property
    def filters(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in FACETS if self.cleaned_data.get(name)}

    @property
    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1

    @property
    def sort_order(self) -> str:
        return self.cleaned_data.get("sort") or "relevance"

    def error_reasons(self) -> dict[str, list[str]]:
        return {name: [str(message) for message in messages] for name, messages in self.errors.items()}
