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
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from portal.outbox import Outbox
from xapi.models import XapiStatement


def enabled() -> bool:
    return bool(settings.XAPI_LRS_URL)


def record(statements: Iterable[dict]) -> list[XapiStatement]:
    """Keep `statements` for the store, in the caller's transaction (nothing when xAPI is off)."""
    if not enabled():
        return []
    rows = [XapiStatement(statement_id=uuid.UUID(s["id"]), statement=s) for s in statements]
    if rows:
        XapiStatement.objects.bulk_create(rows)
        STATEMENTS.schedule_on_commit()
    return rows


# The statements' outbox (portal.outbox: claims, leases, backoff, one run waiting at a time).
STATEMENTS = Outbox(
    model=XapiStatement,
    done_field="sent_at",
    task="xapi.tasks.send_statements",
    lease_setting="XAPI_OUTBOX_LEASE_SECONDS",
    retry_settings=("XAPI_RETRY_BASE_SECONDS", "XAPI_RETRY_MAX_SECONDS"),
    label="xAPI statements",
)
schedule_send = STATEMENTS.schedule
claim = STATEMENTS.claim


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
