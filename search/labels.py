"""Facet groups for the search page: human labels and filter links for the facet values of a result.

Only values present in the (already trimmed) facet counts are labelled; course titles come from
course pages the access policy lets the user view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from curriculum.models import CoursePage, Track
from portal import access
from search.documents import TYPES
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
    return {type_name: str(model._meta.verbose_name).capitalize() for model, type_name in TYPES.items()}


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
    if name == "type":
        return type_labels()
    if name == "locale":  # named in the reader's language, from Django's catalogue
        return {code: str(get_language_info(code)["name_translated"]) for code, _name in settings.LANGUAGES}
    if name == "track":
        return {track.slug: track.display_title for track in Track.objects.filter(slug__in=values)}
    courses = access.viewable_pages(user, None, CoursePage.objects.live().filter(slug__in=values))
    language = (get_language() or "en").split("-")[0]
    labels: dict[str, str] = {}
    for course in courses.select_related("locale").order_by("path"):
        if course.slug not in labels or course.locale.language_code == language:
            labels[course.slug] = course.title
    return labels


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
