"""Sending the outbox to the learning record store: POST batches to `<XAPI_LRS_URL>/xAPI/statements`.

A store that does not answer (a connection error, a timeout, a 5xx, a refused login) postpones the
whole batch; a batch the store refuses (a 4xx: a statement it cannot take, an id it holds with other
content) is sent again one statement at a time, and only the refused ones are postponed, with the
store's answer in `last_error`. A statement the store already holds (same id, same content) is
accepted and ignored by the store (Ralph answers 204), so sending again never duplicates.
"""

from __future__ import annotations

import datetime

from django.conf import settings

import requests

from portal.outbox import Report
from xapi import outbox

VERSION = "1.0.3"


class StoreUnavailable(Exception):
    """The store did not take the batch for a reason of its own: try everything again later."""


class StatementsRefused(Exception):
    """The store answered that it will not take (some of) these statements."""


class SendReport(Report):
    @property
    def sent(self) -> int:
        return self.done


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


def send_due(
    *, now: datetime.datetime | None = None, batch_size: int | None = None, max_batches: int = 100
) -> SendReport:
    """Send due statements, oldest first, until none is due (or `max_batches`); a store that does not
    answer postpones the batch, statements it refuses wait alone (`portal.outbox`)."""
    report = SendReport()
    if not outbox.enabled():
        return report
    outbox.STATEMENTS.process(
        lambda rows: post([row.statement for row in rows]),
        unavailable=StoreUnavailable,
        refused=StatementsRefused,
        batch_size=batch_size or settings.XAPI_BATCH_SIZE,
        max_batches=max_batches,
        now=now,
        report=report,
    )
    outbox.purge(now)
    return report
