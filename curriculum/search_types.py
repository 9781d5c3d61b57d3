"""What of the curriculum search finds: the declarations of its indexed types.

Registered by `CurriculumConfig.ready()` with `search.registry.register`. Each says how its document
is built (`search.schema` lists the fields); who may read a document is the access policy's answer
for the page that governs it, asked at query time.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from wagtail.models import Page

from curriculum.models import CoursePage, CultureGuidePage, GlossaryTerm, ModulePage, ProgrammePage, Track
from portal import access
from portal.i18n import in_active_language
from search import registry, text
from search.pages import PageType
from search.registry import BuildContext, IndexedType


def _courses_of_track(track: Track):
    return track.courses.values_list("pk", flat=True)


class ModuleType(PageType):
    """A module: found under its course and track (the facets), which are its parent's."""

    name = "module"
    model = ModulePage
    stream_fields = ("objectives", "body")

    def prepare(self, rows: list[dict], context: BuildContext) -> None:
        courses: dict[str, dict] = context.remembered("courses by path", dict)
        parents = {row["path"][: -ModulePage.steplen] for row in rows} - courses.keys()
        if parents:
            for course in CoursePage.objects.filter(path__in=parents).values("path", "slug", "track__slug"):
                courses[course["path"]] = course

    def content(self, row: dict, context: BuildContext) -> dict:
        course = context.memo["courses by path"].get(row["path"][: -ModulePage.steplen])
        return {
            **super().content(row, context),
            "track": course["track__slug"] if course else None,
            "course": course["slug"] if course else None,
        }


class CourseType(PageType):
    name = "course"
    model = CoursePage
    stream_fields = ("learning_objectives", "body")
    extra_columns = ("track__slug",)
    # A track's slug is a facet of its courses and of their modules.
    dependencies = {Track: _courses_of_track}

    def content(self, row: dict, context: BuildContext) -> dict:
        return {**super().content(row, context), "track": row["track__slug"], "course": row["slug"]}


class GuideType(PageType):
    name = "guide"
    model = CultureGuidePage
    text_columns = ("region",)
    stream_fields = ("topics", "body")


class ProgrammeType(PageType):
    name = "programme"
    model = ProgrammePage
    stream_fields = ("body",)


class GlossaryType(IndexedType):
    """A published glossary term, with its Arabic term, transliteration and definitions. Every
    signed-in reader may read the glossary, so no page governs a term."""

    name = "glossary"
    model = GlossaryTerm
    columns = (
        "pk",
        "slug",
        "term",
        "term_ar",
        "transliteration",
        "definition",
        "definition_ar",
        "last_published_at",
    )

    def indexable(self):
        return GlossaryTerm.objects.filter(live=True)

    def content(self, row: dict, context: BuildContext) -> dict:
        glossary_url = context.remembered("glossary url", _glossary_url)
        return {
            "locale": "en",
            "title": text.clean(row["term"]),
            "summary": text.clean(row["definition"]),
            "body": text.clean(
                "\n".join(row[name] for name in ("term_ar", "transliteration", "definition_ar"))
            ),
            "url": f"{glossary_url}#{GlossaryTerm(slug=row['slug']).anchor}",
            "published_at": row["last_published_at"],
            "page_id": None,
        }


def _glossary_url() -> str:
    from django.urls import reverse

    with translation.override("en"):
        return reverse("glossary")


TYPES = (ModuleType, CourseType, GuideType, ProgrammeType, GlossaryType)


def track_labels(user, values: list[str]) -> dict[str, str]:
    """Track titles in the reader's language (`Track.display_title`), from plain rows: every search
    names the tracks of its hits."""
    rows = Track.objects.filter(slug__in=values).values_list("slug", "title", "title_ar")
    return {slug: in_active_language(title, title_ar) for slug, title, title_ar in rows}


def course_labels(user, values: list[str]) -> dict[str, str]:
    """Course titles in the reader's language where a translation exists (and the reader may view
    it), else in the source language."""
    # A handful of courses (the page's hits, a facet's values): plain rows of pages, decided in memory
    # by the policy, which has read its rules for this request already.
    candidates = (
        Page.objects.live()
        .filter(slug__in=values, content_type=ContentType.objects.get_for_model(CoursePage))
        .order_by("path")
        .values("pk", "path", "depth", "slug", "title", "locale__language_code")
    )
    language = (translation.get_language() or "en").split("-")[0]
    labels: dict[str, str] = {}
    for course in access.filter_viewable_rows(user, candidates):
        if course["slug"] not in labels or course["locale__language_code"] == language:
            labels[course["slug"]] = course["title"]
    return labels


def register() -> None:
    """Called by `CurriculumConfig.ready()`."""
    for declared in TYPES:
        registry.register(declared())
    registry.label_facet("track", track_labels)
    registry.label_facet("course", course_labels)
