"""The `"lessons"` section of a curriculum bundle (registered with `curriculum.bundle.sections`
through the `bundle_sections` hook): lessons carried between portals, identity by `key`.

    {"key": "convoy-spacing", "title": "...", "locale": "en", "author": "username",
     "track": "slug", "event": "...", "status": "identified", "observation": "...",
     "discussion": "...", "conclusion": "...", "recommendation": "...",
     "releasable_to": ["JO", "KE"], "cohorts": ["slug"], "modules": [{"course": "slug", "module": "slug"}],
     "action": {"body": "course", "page": "course-slug", "due_on": "2027-01-31"}, "closing_note": "..."}

A lesson is written only if it differs from what the portal holds; a change of stage is recorded in
its history as made by the import. Module references name the course and module slugs of the
default language.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib.auth import get_user_model

from wagtail.models import Page

from lessons import pages
from lessons.models import Lesson, LessonTransition, Status
from lessons.models.lessons import IN_ACTION
from lessons.workflow import action_body_members
from portal.models import Cohort, Nation

DEFAULT_LOCALE = "en"
_TEXT = ("title", "event", "observation", "discussion", "conclusion", "recommendation", "closing_note")


class LessonsSection:
    key = "lessons"

    def check(self, items: list[dict], known: dict[str, set]) -> list[tuple[str, str]]:
        errors: list[tuple[str, str]] = []

        def check(path: str, value, pool: set, what: str) -> None:
            if value is not None and value not in pool:
                errors.append((path, f'unknown {what} "{value}"'))

        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            key = item.get("key")
            if key is not None and key in seen:
                errors.append((f"[{i}].key", f'lesson "{key}" appears twice (also at lessons[{seen[key]}])'))
            seen.setdefault(key, i)
            check(f"[{i}].author", item.get("author"), known["users"], "user")
            check(f"[{i}].track", item.get("track"), known["tracks"], "track")
            for j, code in enumerate(item.get("releasable_to") or []):
                check(f"[{i}].releasable_to[{j}]", code, known["nations"], "nation")
            for j, slug in enumerate(item.get("cohorts") or []):
                check(f"[{i}].cohorts[{j}]", slug, known["cohorts"], "cohort")
            action = item.get("action") if isinstance(item.get("action"), dict) else {}
            pool = known["courses"] if action.get("body") == "course" else known["programmes"]
            check(f"[{i}].action.page", action.get("page"), pool, action.get("body") or "page")
            for j, ref in enumerate(item.get("modules") or []):
                if not isinstance(ref, dict):
                    continue
                pair = (ref.get("course"), ref.get("module"))
                if None not in pair and pair not in known["modules"]:
                    errors.append(
                        (f"[{i}].modules[{j}]", f'unknown module "{pair[1]}" of course "{pair[0]}"')
                    )
        return errors

    def load(self, items: list[dict], count: Callable[[str, str], None]) -> None:
        users = {
            user.username: user
            for user in get_user_model().objects.filter(username__in={i["author"] for i in items})
        }
        tracks = Lesson._meta.get_field("track").related_model.objects.in_bulk(field_name="slug")
        nations = Nation.objects.in_bulk(field_name="code")
        cohorts = Cohort.objects.in_bulk(field_name="slug")
        modules = _modules_by_course()
        action_pages = {
            (pages.COURSE, page.slug): page
            for page in pages.of_kind(pages.COURSE).filter(locale__language_code=DEFAULT_LOCALE)
        } | {
            (pages.PROGRAMME, page.slug): page
            for page in pages.of_kind(pages.PROGRAMME).filter(locale__language_code=DEFAULT_LOCALE)
        }
        for item in items:
            lesson = Lesson.objects.filter(key=item["key"]).first() or Lesson(key=item["key"])
            before = _state(lesson) if lesson.pk else None
            previous_status = lesson.status if lesson.pk else ""
            lesson.author = users[item["author"]]
            lesson.locale = item.get("locale", DEFAULT_LOCALE)
            lesson.status = item.get("status", Status.SUBMITTED)
            lesson.track = tracks.get(item["track"]) if item.get("track") else None
            for name in _TEXT:
                setattr(lesson, name, item.get(name, ""))
            action = item.get("action") or {}
            lesson.action_body = action.get("body", "")
            kind = pages.COURSE if lesson.action_body == Lesson.ActionBody.COURSE else pages.PROGRAMME
            lesson.action_page = action_pages.get((kind, action.get("page"))) if action else None
            lesson.action_due_on = datetime.date.fromisoformat(action["due_on"]) if action else None
            audience = (
                {nations[code].pk for code in item.get("releasable_to", [])},
                {cohorts[slug].pk for slug in item.get("cohorts", [])},
                {modules[(ref["course"], ref["module"])] for ref in item.get("modules", [])},
            )
            if before is not None and before == (_fields(lesson), *audience):
                count("lesson", "unchanged")
                continue
            lesson.save()
            lesson.releasable_to.set(audience[0])
            lesson.cohorts.set(audience[1])
            lesson.modules.set(audience[2])
            lesson.tasked.set(action_body_members(lesson) if lesson.status in IN_ACTION else [])
            lesson.save()  # after the audience: what search reindexes
            if lesson.status != previous_status:
                LessonTransition.objects.create(
                    lesson=lesson,
                    from_status=previous_status,
                    to_status=lesson.status,
                    comment="Imported from a curriculum bundle.",
                )
            count("lesson", "updated" if before is not None else "created")

    def dump(self) -> list[dict]:
        slugs = _module_slugs()
        lessons = Lesson.objects.select_related("author", "track", "action_page").prefetch_related(
            "releasable_to", "cohorts", "modules"
        )
        dumped = []
        for lesson in lessons.order_by("key"):
            item = {
                "key": lesson.key,
                "title": lesson.title,
                "locale": lesson.locale,
                "author": lesson.author.username,
                "track": lesson.track.slug if lesson.track else None,
                "status": lesson.status,
                **{name: getattr(lesson, name) for name in _TEXT[1:]},
                "releasable_to": sorted(nation.code for nation in lesson.releasable_to.all()),
                "cohorts": sorted(cohort.slug for cohort in lesson.cohorts.all()),
                "action": {
                    "body": lesson.action_body,
                    "page": _source_slug(lesson.action_page),
                    "due_on": lesson.action_due_on.isoformat(),
                }
                if lesson.action_body and lesson.action_page and lesson.action_due_on
                else None,
                "modules": [
                    {"course": course, "module": module}
                    for course, module in sorted(
                        slugs[page.translation_key]
                        for page in lesson.modules.all()
                        if page.translation_key in slugs
                    )
                ],
            }
            dumped.append({key: value for key, value in item.items() if value not in ("", None, [])})
        return dumped


def _fields(lesson: Lesson) -> tuple:
    return (
        lesson.author_id,
        lesson.locale,
        lesson.status,
        lesson.track_id,
        *(getattr(lesson, name) for name in _TEXT),
    )


def _state(lesson: Lesson) -> tuple:
    return (
        _fields(lesson),
        set(lesson.releasable_to.values_list("pk", flat=True)),
        set(lesson.cohorts.values_list("pk", flat=True)),
        set(lesson.modules.values_list("pk", flat=True)),
    )


def _default_locale_modules() -> list[tuple[Page, str]]:
    """(module, its course's slug) for every module page of the default language."""
    modules = list(pages.of_kind(pages.MODULE).filter(locale__language_code=DEFAULT_LOCALE))
    parents = dict(
        Page.objects.filter(path__in={module.path[: -Page.steplen] for module in modules}).values_list(
            "path", "slug"
        )
    )
    return [(module, parents.get(module.path[: -Page.steplen], "")) for module in modules]


def _modules_by_course() -> dict[tuple[str, str], int]:
    return {(course, module.slug): module.pk for module, course in _default_locale_modules()}


def _module_slugs() -> dict:
    """translation key → (course slug, module slug), so that a lesson about a translation exports
    the module it translates."""
    return {module.translation_key: (course, module.slug) for module, course in _default_locale_modules()}


def _source_slug(page: Page) -> str:
    """The slug of the page's translation in the default language (bundles name pages by it)."""
    source = Page.objects.filter(translation_key=page.translation_key, locale__language_code=DEFAULT_LOCALE)
    return source.values_list("slug", flat=True).first() or page.slug


def section() -> LessonsSection:
    return LessonsSection()
