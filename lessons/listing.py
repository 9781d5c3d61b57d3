"""What the lessons list shows a reader: the lessons they may read, filtered by track, stage, nation
and event, with filter choices drawn only from those lessons (a choice never names what the reader
may not read)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from lessons.models import Lesson, Status
from portal import access


def readable(user, today: datetime.date | None = None) -> QuerySet[Lesson]:
    return access.readable_by_audience(user, today, Lesson.objects.all())


def get_readable(user, lesson_id: int) -> Lesson | None:
    return readable(user).filter(pk=lesson_id).select_related("author", "track").first()


@dataclass
class Filters:
    track: str = ""
    status: str = ""
    nation: str = ""
    event: str = ""

    @classmethod
    def from_query(cls, query) -> Filters:
        return cls(
            **{name: query.get(name, "").strip()[:200] for name in ("track", "status", "nation", "event")}
        )

    def apply(self, lessons: QuerySet[Lesson]) -> QuerySet[Lesson]:
        if self.track:
            lessons = lessons.filter(track__slug=self.track)
        if self.status in Status.values:
            lessons = lessons.filter(status=self.status)
        if self.nation:
            # Releasable to the nation: named in the list, or no list (every nation).
            lessons = lessons.filter(
                Q(releasable_to__code=self.nation.upper()) | Q(releasable_to__isnull=True)
            )
        if self.event:
            lessons = lessons.filter(event=self.event)
        return lessons.distinct()

    @property
    def active(self) -> bool:
        return any((self.track, self.status, self.nation, self.event))


def choices(lessons: QuerySet[Lesson]) -> dict[str, list]:
    """The values the filters offer: those of the lessons the reader may read."""
    ids = lessons.values("pk")
    in_view = Lesson.objects.filter(pk__in=ids)
    return {
        "tracks": list(
            in_view.exclude(track=None)
            .values_list("track__slug", "track__title", "track__title_ar")
            .distinct()
        ),
        "statuses": [
            (value, label) for value, label in Status.choices if in_view.filter(status=value).exists()
        ],
        "nations": list(
            in_view.exclude(releasable_to=None)
            .values_list("releasable_to__code", "releasable_to__name", "releasable_to__name_ar")
            .distinct()
            .order_by("releasable_to__name")
        ),
        "events": list(
            in_view.exclude(event="").values_list("event", flat=True).distinct().order_by("event")
        ),
    }


def lessons_from_the_field(user, module_pages) -> list[Lesson]:
    """Released lessons about this module (any of its translations) that the reader may read."""
    return list(
        readable(user)
        .filter(released=True, modules__in=module_pages)
        .distinct()
        .select_related("track")
        .order_by("-submitted_at")[:5]
    )


def overdue(today: datetime.date | None = None) -> QuerySet[Lesson]:
    day = today or timezone.localdate()
    return (
        Lesson.objects.filter(status__in=[Status.IDENTIFIED, Status.ACTION], action_due_on__lt=day)
        .select_related("action_page", "author")
        .order_by("action_due_on", "pk")
    )
