"""Durable outboxes: work recorded as rows in the transaction of the change it carries, handed to a
task on commit, taken by any number of workers and never lost.

Two use it: the search index's changes (`search.outbox`) and the xAPI statements (`xapi.outbox`).
Each names its model, the column that marks a row done, its task and its settings; the model has
`available_at`, `attempts`, `last_error`, `claims` and `claimed_by` columns.

- A worker **claims** due rows with `SELECT … FOR UPDATE SKIP LOCKED` (workers side by side never take
  the same row) and leases them: hidden from the others until the lease ends. The claim counts
  (`claims`, `claimed_by` = host:pid) and queues, in its own transaction, a run for the end of the
  lease, so a worker killed mid-batch leaves that run behind and another worker takes the rows again.
- A batch the far side cannot take (`unavailable`) is **postponed** whole, with exponential backoff and
  the error kept; a batch that fails for another reason (`refused`) is tried row by row, and only the
  rows that fail on their own wait.
- Whatever is left for later gets a run of its own when it falls due, on a task backend that can
  defer; one run waiting is enough, so none is queued while another waits.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass
class Report:
    done: int = 0
    failed: int = 0
    error: str = ""


def worker_id() -> str:
    """Who claims: the host and process, as a worker's log and `ps` show it."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


@dataclass(frozen=True)
class Outbox:
    model: type[models.Model]
    done_field: str  # the column set when a row is done
    task: str  # dotted path of the django-tasks task that runs `process`
    lease_setting: str  # seconds a claim holds its rows
    retry_settings: tuple[str, str]  # base and maximum seconds of the backoff
    label: str  # what the rows are, for the log

    def pending(self) -> models.QuerySet:
        return self.model.objects.filter(**{f"{self.done_field}__isnull": True})

    # --- handing over to the task backend ------------------------------------------------------

    def schedule(self, run_after: datetime.datetime | None = None) -> None:
        """Queue a run (at `run_after`, on a backend that can defer). Never fails the caller: the
        rows stay pending."""
        task = import_string(self.task)
        if run_after is not None and not task.get_backend().supports_defer:
            return
        # Inside a transaction (the claim) a failed enqueue must not abort it: a savepoint keeps it apart.
        guard = transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()
        try:
            with guard:
                if _run_waiting(task, run_after or timezone.now()):
                    return
                if run_after is not None:
                    task = task.using(run_after=run_after)
                task.enqueue()
        except Exception:
            logger.exception("could not queue %s; the %s stay pending", self.task, self.label)

    def schedule_on_commit(self) -> None:
        transaction.on_commit(self.schedule)

    # --- a worker's bookkeeping ----------------------------------------------------------------

    def claim(self, moment: datetime.datetime, batch_size: int) -> list[models.Model]:
        """Take up to `batch_size` due rows, oldest first, leased to this worker."""
        lease_end = moment + datetime.timedelta(seconds=getattr(settings, self.lease_setting))
        with transaction.atomic():
            rows = list(
                self.pending()
                .select_for_update(skip_locked=True)
                .filter(available_at__lte=moment)
                .order_by("pk")[:batch_size]
            )
            if rows:
                self.model.objects.filter(pk__in=[row.pk for row in rows]).update(
                    available_at=lease_end, claims=F("claims") + 1, claimed_by=worker_id()
                )
                self.schedule(run_after=lease_end + datetime.timedelta(seconds=1))
        return rows

    def mark_done(self, rows: Iterable[models.Model]) -> None:
        self.model.objects.filter(pk__in=[row.pk for row in rows]).update(
            **{self.done_field: timezone.now()}, last_error=""
        )

    def postpone(self, rows: list[models.Model], moment: datetime.datetime, error: str) -> None:
        base, maximum = (getattr(settings, name) for name in self.retry_settings)
        for row in rows:
            row.attempts += 1
            delay = min(maximum, base * 2 ** (row.attempts - 1))
            row.available_at = moment + datetime.timedelta(seconds=delay)
            row.last_error = error[:2000]
        self.model.objects.bulk_update(rows, ["attempts", "available_at", "last_error"])
        logger.warning("%d %s postponed: %s", len(rows), self.label, error)

    def next_retry(self) -> datetime.datetime | None:
        return self.pending().order_by("available_at").values_list("available_at", flat=True).first()

    # --- a run ---------------------------------------------------------------------------------

    def process(
        self,
        handle: Callable[[list], None],
        *,
        unavailable: type[Exception],
        refused: type[Exception] = Exception,
        batch_size: int,
        max_batches: int = 100,
        now: datetime.datetime | None = None,
        report: Report | None = None,
    ) -> Report:
        """Hand due rows to `handle` a batch at a time until none is due (or `max_batches`)."""
        report = report or Report()
        for _ in range(max_batches):
            moment = now or timezone.now()
            rows = self.claim(moment, batch_size)
            if not rows:
                break
            try:
                handle(rows)
            except unavailable as error:
                self.postpone(rows, moment, str(error))
                report.failed += len(rows)
                report.error = str(error)
                break
            except refused:
                logger.exception("a batch of %d %s failed; trying them one by one", len(rows), self.label)
                if not self._one_by_one(handle, rows, moment, report, unavailable, refused):
                    break
                continue
            self.mark_done(rows)
            report.done += len(rows)
        if retry_at := self.next_retry():
            self.schedule(run_after=max(retry_at, timezone.now()))
        return report

    def _one_by_one(self, handle, rows, moment, report, unavailable, refused) -> bool:
        """False when the far side stopped answering meanwhile (the rest of the batch waits with it)."""
        for position, row in enumerate(rows):
            try:
                handle([row])
            except unavailable as error:
                self.postpone(rows[position:], moment, str(error))
                report.failed += len(rows) - position
                report.error = str(error)
                return False
            except refused as error:
                logger.exception("%s %s failed", self.label, row)
                self.postpone([row], moment, f"{type(error).__name__}: {error}")
                report.failed += 1
                report.error = str(error)
                continue
            self.mark_done([row])
            report.done += 1
        return True


def _run_waiting(task, by: datetime.datetime) -> bool:
    """Is a run of `task` queued, not started, to run no later than `by`? It will take whatever is due
    then. (Only the database backend can say; a run that has started is not counted, as it may have
    claimed its rows already.)"""
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
