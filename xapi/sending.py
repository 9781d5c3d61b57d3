"""Sending the outbox to the learning record store: POST batches to `<XAPI_LRS_URL>/xAPI/statements`.

A store that does not answer (a connection error, a timeout, a 5xx, a refused login) postpones the
whole batch; a batch the store refuses (a 4xx: a statement it cannot take, an id it holds with other
content) is sent again one statement at a time, and only the refused ones are postponed, with the
store's answer in `last_error`. A statement the store already holds (same id, same content) is
accepted and ignored by the store (Ralph answers 204), so sending again never duplicates.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

import requests

from xapi import outbox
from xapi.models import XapiStatement

logger = logging.getLogger(__name__)
VERSION = "1.0.3"


class StoreUnavailable(Exception):
    """The store did not take the batch for a reason of its own: try everything again later."""


class StatementsRefused(Exception):
    """The store answered that it will not take (some of) these statements."""


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    error: str = ""


def statements_url() -> str:
    return settings.XAPI_LRS_URL.rstrip("/") + "/xAPI/statements"


def post(statements: list[dict]) -> None:
    auth = (settings.XAPI_LRS_USERNAME, settings.XAPI_LRS_PASSWORD) if settings.XAPI_LRS_USERNAME else None
    try:
        response = requests.post(
            statements_url(),
            json=statements,
            auth=auth,
            headers={"X-Experience-API-Version": VERSION},
            timeout=settings.XAPI_LRS_TIMEOUT,
        )
    except requests.RequestException as error:
        raise StoreUnavailable(f"{type(error).__name__}: {error}") from error
    if response.status_code in (200, 204):
        return
    answer = f"HTTP {response.status_code}: {response.text[:500]}"
    if response.status_code >= 500 or response.status_code in (401, 403, 404, 408, 429):
        raise StoreUnavailable(answer)
    raise StatementsRefused(answer)


def send_due(*, now: datetime.datetime | None = None, batch_size: int | None = None, max_batches: int = 100):
    """Send due statements, oldest first, until none is due (or `max_batches`); what is left (backoff,
    another sender's lease) gets a send of its own when it falls due, on a backend that can defer."""
    report = SendReport()
    if not outbox.enabled():
        return report
    batch_size = batch_size or settings.XAPI_BATCH_SIZE
    for _ in range(max_batches):
        moment = now or timezone.now()
        rows = outbox.claim(moment, batch_size)
        if not rows:
            break
        try:
            post([row.statement for row in rows])
        except StoreUnavailable as error:
            outbox.postpone(rows, moment, str(error))
            report.failed += len(rows)
            report.error = str(error)
            break
        except StatementsRefused:
            if not _send_one_by_one(rows, moment, report):
                break
            continue
        outbox.mark_sent(rows)
        report.sent += len(rows)
    outbox.purge(now)
    if retry_at := outbox.next_retry():
        outbox.schedule_send(run_after=max(retry_at, timezone.now()))
    return report


def _send_one_by_one(rows: list[XapiStatement], moment: datetime.datetime, report: SendReport) -> bool:
    for position, row in enumerate(rows):
        try:
            post([row.statement])
        except StoreUnavailable as error:
            outbox.postpone(rows[position:], moment, str(error))
            report.failed += len(rows) - position
            report.error = str(error)
            return False
        except StatementsRefused as error:
            logger.error("the learning record store refused statement %s: %s", row.statement_id, error)
            outbox.postpone([row], moment, str(error))
            report.failed += 1
            report.error = str(error)
            continue
        outbox.mark_sent([row])
        report.sent += 1
    return True
