"""The xAPI outbox: statements recorded in the transaction of the event they describe.

`record` adds the rows and hands the sender over on commit (`transaction.on_commit` → the
`send_statements` task); a rolled-back event leaves no statement, a store that is down leaves the rows
pending, retried with exponential backoff (`XAPI_RETRY_BASE_SECONDS` doubling up to
`XAPI_RETRY_MAX_SECONDS`). The sender claims due rows with `SELECT ... FOR UPDATE SKIP LOCKED` and
leases them (`XAPI_OUTBOX_LEASE_SECONDS`), as the search outbox does (docs/search.md).

Off while `XAPI_LRS_URL` is unset: nothing is recorded.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import uuid
from collections.abc import Iterable
from contextlib import nullcontext

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from xapi.models import XapiStatement

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(settings.XAPI_LRS_URL)


def record(statements: Iterable[dict]) -> list[XapiStatement]:
    """Keep `statements` for the store, in the caller's transaction (nothing when xAPI is off)."""
    if not enabled():
        return []
    rows = [XapiStatement(statement_id=uuid.UUID(s["id"]), statement=s) for s in statements]
    if rows:
        XapiStatement.objects.bulk_create(rows)
        transaction.on_commit(schedule_send)
    return rows


def schedule_send(run_after: datetime.datetime | None = None) -> None:
    """Hand the outbox to the task queue (at `run_after`, on a backend that can defer). Never fails
    the caller: the rows stay pending."""
    from xapi.tasks import send_statements

    task = send_statements
    if run_after is not None and not task.get_backend().supports_defer:
        return
    guard = transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()
    try:
        with guard:
            if run_after is not None:
                task = task.using(run_after=run_after)
            task.enqueue()
    except Exception:
        logger.exception("could not enqueue the xAPI sender; the statements stay pending")


def sender_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim(moment: datetime.datetime, batch_size: int) -> list[XapiStatement]:
    """Take due rows, oldest first, skipping rows another sender has locked, and lease them: hidden
    from other senders until the lease ends, when a sender that died loses them to the next one
    (queued with the claim, in its transaction)."""
    lease_end = moment + datetime.timedelta(seconds=settings.XAPI_OUTBOX_LEASE_SECONDS)
    with transaction.atomic():
        rows = list(
            XapiStatement.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, available_at__lte=moment)
            .order_by("pk")[:batch_size]
        )
        if rows:
            XapiStatement.objects.filter(pk__in=[row.pk for row in rows]).update(
                available_at=lease_end, claims=F("claims") + 1, claimed_by=sender_id()
            )
            schedule_send(run_after=lease_end + datetime.timedelta(seconds=1))
    return rows


def mark_sent(rows: Iterable[XapiStatement]) -> None:
    XapiStatement.objects.filter(pk__in=[row.pk for row in rows]).update(
        sent_at=timezone.now(), last_error=""
    )


def postpone(rows: list[XapiStatement], moment: datetime.datetime, error: str) -> None:
    for row in rows:
        row.attempts += 1
        delay = min(
            settings.XAPI_RETRY_MAX_SECONDS, settings.XAPI_RETRY_BASE_SECONDS * 2 ** (row.attempts - 1)
        )
        row.available_at = moment + datetime.timedelta(seconds=delay)
        row.last_error = error[:2000]
    XapiStatement.objects.bulk_update(rows, ["attempts", "available_at", "last_error"])
    logger.warning("learning record store unavailable, %d statements postponed: %s", len(rows), error)


def next_retry() -> datetime.datetime | None:
    return (
        XapiStatement.objects.filter(sent_at__isnull=True)
        .order_by("available_at")
        .values_list("available_at", flat=True)
        .first()
    )


def purge(now: datetime.datetime | None = None) -> None:
    """Sent statements older than `XAPI_OUTBOX_RETENTION_DAYS` go (`xapi_resend` reaches no further)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.XAPI_OUTBOX_RETENTION_DAYS)
    XapiStatement.objects.filter(sent_at__lt=cutoff).delete()


def queue_again(since: datetime.datetime, until: datetime.datetime | None = None) -> int:
    """Make the statements recorded in [since, until) due again, sent or not (`xapi_resend`): the
    same ids, so the store keeps each once."""
    rows = XapiStatement.objects.filter(created_at__gte=since)
    if until is not None:
        rows = rows.filter(created_at__lt=until)
    return rows.update(sent_at=None, available_at=timezone.now(), attempts=0, last_error="")
