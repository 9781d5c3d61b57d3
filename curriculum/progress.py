"""Officers' progress: opening a module marks it in progress, "Mark complete" completes it, and a
course's percentage counts the modules of it the officer may read.

Reading is not writing: a visit is recorded only by `ModulePage.serve`, for a request that
`counts_as_visit`; everything else (page contexts, previews, the dashboard) only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils import timezone

from wagtail.models import Page

from portal import access

if TYPE_CHECKING:  # the models import this module (ModulePage.serve)
    from curriculum.models import ModuleProgress


def _tracks(user) -> bool:
    """Progress is kept for real signed-in users, never for anonymous or "view as" visitors."""
    return not access.is_anonymous(user) and not access.is_simulated(user)


def counts_as_visit(request: HttpRequest) -> bool:
    """Does serving this request mean the reader opened the module? Only a GET: a HEAD (a link
    checker, a prefetch) reads no page. Previews render through `serve_preview` and never reach
    `serve` in Wagtail 8; the check keeps that true should one ever be served through it. (Who
    keeps progress at all, real signed-in users and no "view as" visitor, is `_tracks`.)"""
    return request.method == "GET" and not getattr(request, "is_preview", False)


def record_visit(user: access.User, module: Page) -> ModuleProgress | None:
    """Opening a module marks it in progress (once) and remembers where the officer stopped."""
    from curriculum.models import ModuleProgress

    if not _tracks(user):
        return None
    now = timezone.now()
    entry, created = ModuleProgress.objects.get_or_create(
        user=user,
        module_key=module.translation_key,
        defaults={"last_page_id": module.pk, "started_at": now, "last_viewed_at": now},
    )
    if not created:
        ModuleProgress.objects.filter(pk=entry.pk).update(last_page_id=module.pk, last_viewed_at=now)
    return entry


def entry_for(user: access.User, module: Page) -> ModuleProgress | None:
    """The user's progress entry for `module`, or None: a read, for showing it."""
    return progress_by_key(user, [module]).get(module.translation_key)


def set_complete(user, module: Page, complete: bool = True):

    if not _tracks(user):
        return None
    entry = record_visit(user, module)
    entry.completed_at = timezone.now() if complete else None
    entry.save(update_fields=["completed_at"])
    return entry


def progress_by_key(user, modules: list[Page]) -> dict:
    """The user's progress entries for `modules`, keyed by translation key."""
    from curriculum.models import ModuleProgress

    if not _tracks(user) or not modules:
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
