"""The outbox: pending index changes, recorded in the transaction that makes them.

Every change that can alter what search should return (publish, unpublish, move, delete, a new
translation, an access rule added, moved or removed, any other indexed content saved or deleted) is
recorded by `record_pages` / `record_objects` as an `IndexChange` row *in the transaction that makes
the change*, and the drainer is handed over on commit (`transaction.on_commit` → the `drain_outbox`
task). django-tasks does not enqueue on commit by itself, and its immediate backend runs inside the
transaction, so the row is what makes the change durable: if the task never runs, or an engine is
down, the row stays pending and a later drain applies it (with exponential backoff between attempts).

Reads never drain: a search that finds changes waiting (after an outage) hands them to the task
backend with `schedule_catch_up`, which keeps the immediate backend from running them inside the
search's own request.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
from collections.abc import Iterable
from contextlib import nullcontext

from django.conf import settings
from django.core.signals import request_finished
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from search.models import IndexChange

logger = logging.getLogger(__name__)
Kind = IndexChange.Kind


# --- recording ---------------------------------------------------------------------------------


def record_pages(kind: str, page_ids: Iterable[int]) -> None:
    """Pages changed (`page`, `delete`) or pages and everything below them (`subtree`)."""
    _record([IndexChange(kind=kind, object_id=page_id) for page_id in set(page_ids) if page_id])


def record_objects(type_name: str, object_ids: Iterable[int]) -> None:
    """Objects of a non-page indexed type saved or deleted (applying re-reads which still exist)."""
    _record(
        [
            IndexChange(kind=Kind.OBJECT, type=type_name, object_id=object_id)
            for object_id in set(object_ids)
            if object_id
        ]
    )


def _record(rows: list[IndexChange]) -> None:
    if not rows:
        return
    IndexChange.objects.bulk_create(rows)
    transaction.on_commit(schedule_drain)


# --- handing over to the task backend ----------------------------------------------------------


def schedule_drain(run_after: datetime.datetime | None = None) -> None:
    """Hand the outbox to the task queue (at `run_after`, on a backend that can defer). Never fails
    the caller: the rows stay pending."""
    from search.tasks import drain_outbox

    task = drain_outbox
    if run_after is not None and not task.get_backend().supports_defer:
        return
    # Inside a transaction (the claim), a failed enqueue must not abort it: a savepoint keeps it apart.
    guard = transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()
    try:
        with guard:
            if _drain_waiting(task, run_after or timezone.now()):
                return
            if run_after is not None:
                task = task.using(run_after=run_after)
            task.enqueue()
    except Exception:
        logger.exception("could not enqueue the search outbox drain; the changes stay pending")


def _drain_waiting(task, by: datetime.datetime) -> bool:
    """Is a drain already queued, not started, to run no later than `by`? It will take whatever is
    due then, so another would only find nothing to do. (Only the database backend can say; a
    drain that has started is not counted, as it may have claimed its rows already.)"""
    from django_tasks import TaskResultStatus
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    return (
        DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=task.module_path, backend_name=backend.alias
        )
        .filter(Q(run_after__lte=by) | Q(run_after=get_date_max()))
        .exists()
    )


def _runs_inline() -> bool:
    """Does the task backend run a task inside `enqueue()` (django-tasks' immediate backend)?"""
    from django_tasks.backends.immediate import ImmediateBackend

    from search.tasks import drain_outbox

    return isinstance(drain_outbox.get_backend(), ImmediateBackend)


def schedule_catch_up() -> None:
    """Changes are waiting for an engine that answers again: hand them to the task backend without
    draining in the caller's request. A queue gets the task now; the immediate backend, which would
    run it there and then, gets it once the response has been sent (`request_finished`)."""
    if not _runs_inline():
        schedule_drain()
        return
    request_finished.connect(_drain_after_response, dispatch_uid="search.catch_up", weak=False)


def _drain_after_response(sender, **kwargs) -> None:
    request_finished.disconnect(dispatch_uid="search.catch_up")
    schedule_drain()


# --- reading -----------------------------------------------------------------------------------


def due_changes_exist(now: datetime.datetime | None = None) -> bool:
    return IndexChange.objects.filter(
        processed_at__isnull=True, available_at__lte=now or timezone.now()
    ).exists()


def pending_changes(limit: int, key_of) -> tuple[set[str], set[int]] | None:
    """Document keys (`key_of(row)`) and subtree roots (page ids) with a change not yet applied; None
    when there are more than `limit` (an index that far behind is not to be trusted)."""
    rows = list(
        IndexChange.objects.filter(processed_at__isnull=True).only("kind", "type", "object_id")[: limit + 1]
    )
    if len(rows) > limit:
        return None
    keys = {key_of(row) for row in rows if row.kind != Kind.SUBTREE}
    subtrees = {row.object_id for row in rows if row.kind == Kind.SUBTREE}
    return keys, subtrees


# --- the drainer's bookkeeping -----------------------------------------------------------------


def drainer_id() -> str:
    """Who claims: the host and process, as a worker's log and `ps` show it."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim(moment: datetime.datetime, batch_size: int) -> list[IndexChange]:
    """Take due rows for this drainer. Rows another drainer has locked are skipped (several workers
    drain at once on PostgreSQL); the rows taken are leased (`SEARCH_OUTBOX_LEASE_SECONDS`): hidden
    from the others until the lease ends, so a drainer that dies loses them to the next one. That
    next one is queued with the claim, in its transaction: a worker killed mid-batch leaves a drain
    due when its lease ends, which another worker runs."""
    lease_end = moment + datetime.timedelta(seconds=settings.SEARCH_OUTBOX_LEASE_SECONDS)
    with transaction.atomic():
        rows = list(
            IndexChange.objects.select_for_update(skip_locked=True)
            .filter(processed_at__isnull=True, available_at__lte=moment)
            .order_by("pk")[:batch_size]
        )
        if rows:
            IndexChange.objects.filter(pk__in=[row.pk for row in rows]).update(
                available_at=lease_end, claims=F("claims") + 1, claimed_by=drainer_id()
            )
            schedule_drain(run_after=lease_end + datetime.timedelta(seconds=1))
    return rows


def mark_processed(rows: Iterable[IndexChange]) -> None:
    IndexChange.objects.filter(pk__in=[row.pk for row in rows]).update(
        processed_at=timezone.now(), last_error=""
    )


def postpone(rows: list[IndexChange], moment: datetime.datetime, error: str) -> None:
    for row in rows:
        row.attempts += 1
        delay = min(
            settings.SEARCH_RETRY_MAX_SECONDS, settings.SEARCH_RETRY_BASE_SECONDS * 2 ** (row.attempts - 1)
        )
        row.available_at = moment + datetime.timedelta(seconds=delay)
        row.last_error = error[:2000]
    IndexChange.objects.bulk_update(rows, ["attempts", "available_at", "last_error"])
    logger.warning("search index unavailable, %d changes postponed: %s", len(rows), error)


def next_retry() -> datetime.datetime | None:
    return (
        IndexChange.objects.filter(processed_at__isnull=True)
        .order_by("available_at")
        .values_list("available_at", flat=True)
        .first()
    )


def purge() -> None:
    cutoff = timezone.now() - datetime.timedelta(hours=settings.SEARCH_OUTBOX_RETENTION_HOURS)
    IndexChange.objects.filter(processed_at__lt=cutoff).delete()


def recorded_since(moment: datetime.datetime) -> list[IndexChange]:
    return list(IndexChange.objects.filter(created_at__gte=moment))


def settle_before(recent: list[IndexChange], since: datetime.datetime) -> None:
    """After a rebuild of every engine: what was pending up to the re-applied `recent` rows is done
    (later rows stay for the drainer)."""
    last = max((row.pk for row in recent), default=None)
    done = IndexChange.objects.filter(processed_at__isnull=True, created_at__lt=since)
    if last is not None:
        done = IndexChange.objects.filter(processed_at__isnull=True, pk__lte=last)
    done.update(processed_at=timezone.now(), last_error="")
