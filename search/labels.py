"""Facet groups for the search page: human labels and filter links for the facet values of a result.

Only values present in the (already trimmed) facet counts are labelled: types by their declarations,
languages by Django's catalogue, every other facet by the labeller its content app registered
(`search.registry.label_facet`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from search import registry
from search.engines import FACETS
from search.service import SearchResults

FACET_TITLES = {
    "type": _("Type"),
    "track": _("Track"),
    "course": _("Course"),
    "locale": _("Language"),
}


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    url: str
    selected: bool


@dataclass
class FacetGroup:
    name: str
    title: str
    options: list[FacetOption] = field(default_factory=list)
    clear_url: str = ""


def type_labels() -> dict[str, str]:
    return registry.facet_value_labels("type", None, [])


def page_url(results: SearchResults) -> str:
    """The URL of the result page, without the page number (append it)."""
    return _url(results) + "&page="


def clear_filters_url(results: SearchResults) -> str:
    return _url(results, **dict.fromkeys(FACETS))


def _url(results: SearchResults, **changes) -> str:
    params = QueryDict(mutable=True)
    params["q"] = results.query
    filters = {**results.filters, **changes}
    for name in FACETS:
        if filters.get(name):
            params[name] = filters[name]
    if results.sort != "relevance":
        params["sort"] = results.sort
    return "?" + params.urlencode()


def _labels(user, name: str, values: list[str]) -> dict[str, str]:
    if name == "locale":  # named in the reader's language, from Django's catalogue
        return {code: str(get_language_info(code)["name_translated"]) for code, _name in settings.LANGUAGES}
    return registry.facet_value_labels(name, user, values)


def facet_labels(user, results: SearchResults) -> list[FacetGroup]:
    groups = []
    for name in ("type", "track", "course", "locale"):
        counts = results.facets.get(name) or {}
        if not counts:
            continue
        labels = _labels(user, name, list(counts))
        selected = results.filters.get(name)
        group = FacetGroup(name=name, title=str(FACET_TITLES[name]), clear_url=_url(results, **{name: None}))
        for value, count in sorted(counts.items(), key=lambda item: (-item[1], labels.get(item[0], item[0]))):
            group.options.append(
                FacetOption(
                    value=value,
                    label=labels.get(value, value),
                    count=count,
                    url=_url(results, **{name: None if value == selected else value}),
                    selected=value == selected,
                )
            )
        groups.append(group)
    return groups
