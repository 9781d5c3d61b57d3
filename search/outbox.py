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
from collections.abc import Iterable

from django.conf import settings
from django.core.signals import request_finished
from django.utils import timezone

from portal import change_tokens
from portal.outbox import Outbox
from search.models import IndexChange

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
    CHANGES.schedule_on_commit()


# --- handing over to the task backend ----------------------------------------------------------

# The search index's outbox (portal.outbox: claims, leases, backoff, one run waiting at a time).
CHANGES = Outbox(
    model=IndexChange,
    done_field="processed_at",
    task="search.tasks.drain_outbox",
    lease_setting="SEARCH_OUTBOX_LEASE_SECONDS",
    retry_settings=("SEARCH_RETRY_BASE_SECONDS", "SEARCH_RETRY_MAX_SECONDS"),
    label="search index changes",
)
schedule_drain = CHANGES.schedule


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


# The outbox is written on every publish and every drain: its own change-token scope, so that its churn
# drops no answer kept for the content scope (the access policy's inputs, the menu, routing).
TOKEN_SCOPE = "search outbox"  # noqa: S105 - a name, not a secret


def pending_changes(limit: int, key_of) -> tuple[frozenset[str], frozenset[int]] | None:
    """Document keys (`key_of(row)`) and subtree roots (page ids) with a change not yet applied; None
    when there are more than `limit` (an index that far behind is not to be trusted).

    Asked by every search, so kept across requests for as long as the database's change token holds
    (`portal.change_tokens`): recording a change (a new row) and applying it (`processed_at` set)
    replace the token in their own transaction (`search.apps` watches the table), so a kept answer
    is never older than the last change recorded or applied; anything else (no token, inside a
    transaction, a trigger missing) reads the table."""
    return change_tokens.kept(
        ("search.pending_changes", limit, key_of), lambda: _pending(limit, key_of), scope=TOKEN_SCOPE
    )


def _pending(limit: int, key_of) -> tuple[frozenset[str], frozenset[int]] | None:
    rows = list(
        IndexChange.objects.filter(processed_at__isnull=True).only("kind", "type", "object_id")[: limit + 1]
    )
    if len(rows) > limit:
        return None
    keys = frozenset(key_of(row) for row in rows if row.kind != Kind.SUBTREE)
    subtrees = frozenset(row.object_id for row in rows if row.kind == Kind.SUBTREE)
    return keys, subtrees


# --- the drainer's bookkeeping (the rest is CHANGES's) -----------------------------------------


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
