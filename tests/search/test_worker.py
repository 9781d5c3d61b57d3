"""The production task set-up, for real: django-tasks' database backend on PostgreSQL and `db_worker`
processes started as operations starts them (`manage.py db_worker` under the production settings),
draining the search outbox into a real Elasticsearch node.

A publish is searchable once a worker has run; two workers drain side by side and never apply the
same outbox row twice (each row counts its claims); a worker killed with SIGKILL in the middle of a
batch loses nothing: its rows come back when their lease ends and the other worker applies them,
because the claim queued a drain for that moment. Each test starts its own workers and stops them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.core.management import call_command
from django.db import connection, transaction

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from curriculum.models import ModulePage
from search import outbox, service
from search.models import IndexChange
from tests.conftest import require_service
from tests.factories import CourseFactory, ModuleFactory, OfficerFactory
from tests.search.conftest import PREFIX

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.elasticsearch,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
REPO = Path(__file__).resolve().parents[2]
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def database_url() -> str:
    """The test database, as a worker process reaches it."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Workers:
    """`manage.py db_worker` processes under the production settings, logging to files."""

    def __init__(self, tmp_path: Path, elasticsearch_url: str, lease_seconds: int) -> None:
        self.tmp_path = tmp_path
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tabadul.settings.production",
            "DJANGO_SECRET_KEY": "worker-test-secret-key-not-for-production-use-0123456789",
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "DATABASE_URL": database_url(),
            "ELASTICSEARCH_URL": elasticsearch_url,
            "SEARCH_INDEX_PREFIX": PREFIX,
            "SEARCH_OUTBOX_LEASE_SECONDS": str(lease_seconds),
            "SEARCH_DRAIN_BATCH_SIZE": "5",
            "PYTHONPATH": str(REPO),
        }
        self.env.pop("TASKS_BACKEND", None)
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> subprocess.Popen:
        log = (self.tmp_path / f"{name}.log").open("w")
        command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
        command += ["--interval", "0.1", "--worker-id", name, "-v", "2"]
        process = subprocess.Popen(command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        self.processes[name] = process
        return process

    def pids(self) -> dict[str, str]:
        """Drainer ids (host:pid, as `portal.outbox.worker_id` writes them) of the workers, by name."""
        return {name: f":{process.pid}" for name, process in self.processes.items()}

    def log(self, name: str) -> str:
        return (self.tmp_path / f"{name}.log").read_text()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(tmp_path, es, elasticsearch_url, settings) -> Iterator[Callable[..., Workers]]:
    """Start workers with `workers(lease_seconds=...)`; this process queues on the database backend."""
    require_service("postgres", connection.vendor == "postgresql", "set DATABASE_URL to PostgreSQL")
    settings.TASKS = DATABASE_BACKEND
    made: list[Workers] = []

    def make(lease_seconds: int = 120) -> Workers:
        made.append(Workers(tmp_path, elasticsearch_url, lease_seconds))
        return made[-1]

    yield make
    for group in made:
        group.stop()


def wait_for(condition: Callable[[], bool], seconds: float, what: str, workers: Workers) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    logs = "\n".join(f"--- {name}\n{workers.log(name)[-3000:]}" for name in workers.processes)
    pytest.fail(f"{what} within {seconds} s\n{logs}")


def due_tasks():
    """Tasks queued and due, of any kind (Wagtail queues its own for every page saved)."""
    return DBTaskResult.objects.ready()


def freeze_holding_a_batch(process: subprocess.Popen, held, workers: Workers) -> None:
    """Stop `process` (SIGSTOP) at a moment it holds claimed rows it has not applied: between seeing
    them and a kill it could finish the batch, so it is frozen first and looked at, and let go again
    until it is caught mid-batch."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        process.send_signal(signal.SIGSTOP)
        if held.exists():
            return
        process.send_signal(signal.SIGCONT)
        time.sleep(0.01)
    pytest.fail(f"the worker was never caught holding a batch\n{workers.log('worker-1')[-3000:]}")


def pending() -> int:
    return IndexChange.objects.filter(processed_at__isnull=True).count()


def search(query: str) -> service.SearchResults:
    results = service.search(OfficerFactory(username=f"reader-{time.monotonic_ns()}"), query, {}, 1)
    assert results.engine == "elasticsearch"
    return results


def titles(query: str) -> set[str]:
    return {hit.title for hit in search(query).hits}


def record_in_transactions(page_ids: list[int], rounds: int, pause: float = 0.0) -> None:
    """`rounds` editors' transactions, each changing every page (and queueing a drain on commit)."""
    for _ in range(rounds):
        with transaction.atomic():
            outbox.record_pages(IndexChange.Kind.PAGE, page_ids)
        time.sleep(pause)


def test_a_publish_is_searchable_once_the_worker_has_run(workers, curriculum_index):
    course = CourseFactory(parent=curriculum_index, title="Port operations")
    ModuleFactory(parent=course, title="Harbour convoy drill")
    drains = DBTaskResult.objects.filter(task_path="search.tasks.drain_outbox")
    assert drains.filter(status=TaskResultStatus.READY).exists(), "the publish queued a drain"
    assert pending() and titles("harbour") == set(), "nothing is applied in the web process"

    group = workers()
    group.start("worker-1")
    wait_for(lambda: pending() == 0, 60, "the worker applied the outbox", group)
    assert titles("harbour") == {"Harbour convoy drill"}
    assert drains.filter(status=TaskResultStatus.SUCCESSFUL).exists()
    assert not drains.filter(status=TaskResultStatus.FAILED).exists(), group.log("worker-1")
    assert set(IndexChange.objects.values_list("claims", flat=True)) == {1}


def test_two_workers_never_apply_the_same_row_twice(workers, curriculum_index):
    course = CourseFactory(parent=curriculum_index, title="Signals")
    modules = [ModuleFactory(parent=course, title=f"Signals drill {n}").pk for n in range(30)]
    group = workers()
    group.start("worker-1")
    group.start("worker-2")
    wait_for(lambda: not due_tasks().exists(), 120, "the workers ran the publishes' tasks", group)
    # Editors keep committing while both workers drain: each commit queues a drain the idle worker
    # takes, so the two claim from the same rows at the same time.
    record_in_transactions(modules, rounds=40, pause=0.05)
    wait_for(lambda: pending() == 0, 180, "the workers applied the outbox", group)

    claims = list(IndexChange.objects.values_list("claims", "claimed_by"))
    assert len(claims) > 1200
    twice = [row for row in claims if row[0] != 1]
    assert not twice, f"{len(twice)} rows were claimed more than once"
    by = {name: sum(1 for _, who in claims if who.endswith(pid)) for name, pid in group.pids().items()}
    assert all(by.values()), f"both workers drained (rows per worker: {by})"
    assert search("drill").count == 30


def test_a_worker_killed_mid_batch_loses_nothing(workers, curriculum_index):
    course = CourseFactory(parent=curriculum_index, title="Airlift")
    modules = [ModuleFactory(parent=course, title=f"Airlift load plan {n}").pk for n in range(30)]
    record_in_transactions(modules, rounds=20)
    for module in ModulePage.objects.filter(pk__in=modules[:10]):
        module.title = module.title.replace("load", "night")
        module.save_revision().publish()
    # Everything is queued before any worker runs: one drain is waiting (one is enough for all), and
    # the worker that takes it is killed while it runs, so no other drain is queued but the one its
    # claims leave for the end of their lease.
    group = workers(lease_seconds=4)
    doomed = group.start("worker-1")
    held = IndexChange.objects.filter(
        processed_at__isnull=True, claims=1, claimed_by__endswith=group.pids()["worker-1"]
    )
    done = IndexChange.objects.filter(processed_at__isnull=False)
    wait_for(lambda: done.count() > 100, 60, "the worker applied some batches", group)
    freeze_holding_a_batch(doomed, held, group)
    doomed.send_signal(signal.SIGKILL)
    assert doomed.wait(timeout=10) == -signal.SIGKILL
    lost = set(held.values_list("pk", flat=True))
    assert lost and pending() > len(lost), "killed mid-batch, with work left"

    group.start("worker-2")
    wait_for(lambda: pending() == 0, 120, "the second worker finished after the lease", group)
    taken_over = IndexChange.objects.filter(pk__in=lost)
    assert {row.claims for row in taken_over} == {2}, "the held rows were applied after their lease"
    assert all(row.claimed_by.endswith(group.pids()["worker-2"]) for row in taken_over)
    assert search("night").count == 10 and search("airlift").count == 31
    call_command("search_index", "--check")  # exits 1 on any drift
