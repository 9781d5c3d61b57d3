"""What of the lessons learned search finds: one document per lesson, registered by
`LessonsConfig.ready()`.

No page governs a lesson: it names its readers (`portal.access.Audience`: the author and lessons
managers until it is identified, then the nations and cohorts the manager released it to). The
document carries that audience for Elasticsearch, and the database engine asks the policy's
`readable_by_audience` at query time, so both engines trim hits, counts and suggestions alike.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed
from django.urls import reverse
from django.utils import translation

from lessons.models import Lesson
from portal import access
from search import registry, text
from search.registry import BuildContext, IndexedType

_AUDIENCE_FIELDS = ("releasable_to", "cohorts", "tasked")


class LessonType(IndexedType):
    name = "lesson"
    model = Lesson
    columns = (
        "pk",
        "title",
        "locale",
        "author_id",
        "released",
        "observation",
        "discussion",
        "conclusion",
        "recommendation",
        "event",
        "track__slug",
        "submitted_at",
    )

    def prepare(self, rows: list[dict], context: BuildContext) -> None:
        ids = [row["pk"] for row in rows]
        audiences: dict[str, dict[int, set[int]]] = {}
        for name in _AUDIENCE_FIELDS:
            through = Lesson._meta.get_field(name).remote_field.through
            target = Lesson._meta.get_field(name).m2m_reverse_field_name()
            found: dict[int, set[int]] = {}
            for lesson_id, target_id in through.objects.filter(lesson_id__in=ids).values_list(
                "lesson_id", f"{target}_id"
            ):
                found.setdefault(lesson_id, set()).add(target_id)
            audiences[name] = found
        context.memo["lesson audiences"] = audiences

    def audience(self, row: dict, context: BuildContext) -> access.Audience:
        audiences = context.memo["lesson audiences"]
        return access.Audience(
            reader_ids=frozenset({row["author_id"], *audiences["tasked"].get(row["pk"], ())}),
            released=row["released"],
            nation_ids=frozenset(audiences["releasable_to"].get(row["pk"], ())),
            cohort_ids=frozenset(audiences["cohorts"].get(row["pk"], ())),
        )

    def readable(self, user, today):
        return access.readable_by_audience(user, today, Lesson.objects.all())

    def content(self, row: dict, context: BuildContext) -> dict:
        with translation.override(row["locale"]):
            url = reverse("lessons:detail", args=[row["pk"]])
        return {
            "locale": row["locale"],
            "title": text.clean(row["title"]),
            "summary": text.clean(row["observation"]),
            "body": text.clean(
                "\n".join(row[name] for name in ("discussion", "conclusion", "recommendation", "event"))
            ),
            "url": url,
            "published_at": row["submitted_at"],
            "track": row["track__slug"],
            "course": None,
            "page_id": None,
        }

    def connect(self) -> None:
        super().connect()
        for name in _AUDIENCE_FIELDS:
            m2m_changed.connect(
                self._audience_changed,
                sender=getattr(Lesson, name).through,
                dispatch_uid=f"search.lesson.{name}",
            )

    def disconnect(self) -> None:
        super().disconnect()
        for name in _AUDIENCE_FIELDS:
            m2m_changed.disconnect(sender=getattr(Lesson, name).through, dispatch_uid=f"search.lesson.{name}")

    def _audience_changed(self, sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
        if action.startswith("post_"):
            self.record((pk_set or []) if reverse else [instance.pk])


def register() -> None:
    registry.register(LessonType())
