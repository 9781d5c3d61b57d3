"""Officers' progress: opening a module marks it in progress, "Mark complete" completes it (or, for a
module whose knowledge check is required, passing the check does), and a course is complete when every
module of it the officer may read is: its percentage counts those modules.

Reading is not writing: a visit is recorded only by `ModulePage.serve`, for a request that
`counts_as_visit`; everything else (page contexts, previews, the dashboard) only reads.

With xAPI on, the first visit of a module on a day and each completion are also recorded as xAPI
statements, in the same transaction (`curriculum.learning_records`, docs/xapi.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from wagtail.models import Page

from curriculum import learning_records, navigation
from curriculum.signals import course_completed
from portal import access

if TYPE_CHECKING:  # the models import this module (ModulePage.serve)
    from curriculum.models import ModuleProgress


def counts_as_visit(request: HttpRequest) -> bool:
    """Does serving this request mean the reader opened the module? Only a GET: a HEAD (a link
    checker, a prefetch) reads no page. Previews render through `serve_preview` and never reach
    `serve` in Wagtail 8; the check keeps that true should one ever be served through it. (Who
    keeps progress at all, account holders only, is `access.is_account_holder`.)"""
    return request.method == "GET" and not getattr(request, "is_preview", False)


def record_visit(user: access.User, module: Page) -> ModuleProgress | None:
    """Opening a module marks it in progress (once) and remembers where the officer stopped."""
    from curriculum.models import ModuleProgress

    if not access.is_account_holder(user):
        return None
    now = timezone.now()
    mine = ModuleProgress.objects.filter(user=user, module_key=module.translation_key)
    # Visited today already (the common case): one write and the entry read back, nothing to record.
    if mine.filter(last_viewed_at__gte=_start_of_day(now)).update(last_page_id=module.pk, last_viewed_at=now):
        return mine.first()
    with transaction.atomic():
        entry, first_today = ModuleProgress.objects.get_or_create(
            user=user,
            module_key=module.translation_key,
            defaults={"last_page_id": module.pk, "started_at": now, "last_viewed_at": now},
        )
        if not first_today:
            changes = {"last_page_id": module.pk, "last_viewed_at": now}
            mine = ModuleProgress.objects.filter(pk=entry.pk)
            # Of concurrent first visits on a day, one finds the last visit before today.
            first_today = bool(mine.filter(last_viewed_at__lt=_start_of_day(now)).update(**changes))
            if not first_today:
                mine.update(**changes)
        if first_today and learning_records.enabled():
            learning_records.module_experienced(user, module, now)
    return entry


def _start_of_day(moment: datetime.datetime) -> datetime.datetime:
    """Midnight of `moment`'s day in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(moment), datetime.time()))


def entry_for(user: access.User, module: Page) -> ModuleProgress | None:
    """The user's progress entry for `module`, or None: a read, for showing it."""
    return progress_by_key(user, [module]).get(module.translation_key)


class CompletionIsEarned(Exception):
    """The module completes when its required knowledge check is passed, not by hand."""


def completes_by_hand(module: Page) -> bool:
    """Does "Mark complete" apply to `module`? Not when passing its knowledge check is required."""
    from curriculum.checks import definition

    check = definition.of_page(module)
    return check is None or not check.required


def set_complete(user, module: Page, complete: bool = True, *, earned: bool = False):
    """ "Mark complete" (or incomplete), or (`earned`) passing the module's required knowledge check.
    A module completed stays completed at its first moment; one whose check is required is neither
    completed nor "uncompleted" by hand (`CompletionIsEarned`)."""
    from curriculum.models import ModuleProgress

    if not access.is_account_holder(user):
        return None
    if not earned and not completes_by_hand(module):
        raise CompletionIsEarned
    with transaction.atomic():
        entry = record_visit(user, module)
        mine = ModuleProgress.objects.filter(pk=entry.pk)
        if not complete:
            mine.update(completed_at=None)
            entry.completed_at = None
            return entry
        now = timezone.now()
        # Completed once: a second "Mark complete" (or a concurrent one) changes nothing.
        if mine.filter(completed_at__isnull=True).update(completed_at=now):
            entry.completed_at = now
            course = completed_course(user, module)
            if learning_records.enabled():
                learning_records.module_completed(user, module, now, course=course)
            if course is not None:
                course_completed.send(sender=type(course), user=user, course=course, when=now)
        else:
            entry.refresh_from_db(fields=["completed_at"])
    return entry


def completed_course(user, module: Page) -> Page | None:
    """The course of `module`, if every module of it `user` may read is complete."""
    from curriculum.models import CoursePage

    parent = module.get_parent()
    course = parent.specific if parent is not None else None
    if not isinstance(course, CoursePage):
        return None
    done = course_progress(user, navigation.modules_for(user, course=course))
    return course if done.total and done.completed == done.total else None


def progress_by_key(user, modules: list[Page]) -> dict:
    """The user's progress entries for `modules`, keyed by translation key."""
    from curriculum.models import ModuleProgress

    if not access.is_account_holder(user) or not modules:
        return {}
    keys = [module.translation_key for module in modules]
    return {
        entry.module_key: entry for entry in ModuleProgress.objects.filter(user=user, module_key__in=keys)
    }


@dataclass(frozen=True)
class CourseProgress:
    completed: int
    started: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


def course_progress(user, modules: list[Page], entries: dict | None = None) -> CourseProgress:
    entries = progress_by_key(user, modules) if entries is None else entries
    mine = [entries.get(module.translation_key) for module in modules]
    return CourseProgress(
        completed=sum(1 for entry in mine if entry and entry.is_complete),
        started=sum(1 for entry in mine if entry),
        total=len(modules),
    )
