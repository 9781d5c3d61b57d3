"""A three-node Elasticsearch cluster survives losing a node: one node is killed (SIGKILL) while an
editor's changes are being drained and officers search, and nobody notices.

The cluster is scripts/services/elasticsearch.sh with ES_NODES=3 (scripts/test.sh starts it, 256 MB
of heap per node, and passes its URLs as TABADUL_TEST_ES_CLUSTER_URLS); the portal is given all three
URLs in ELASTICSEARCH_URL and builds its index with two shards and one replica each, so every shard
keeps a copy whichever node dies. The node killed is the one holding most primaries: its writes wait
for a replica to be promoted.

Asserted: no answer is a 5xx, and every answer (the API's and the page's) counts all the documents;
the database engine answered only between the kill and the moment the cluster noticed it (measured
here: 0.3-0.5 s, and no search at all fell back); the editor went on publishing; once the node is
back the cluster is green with three nodes, nothing is left in the outbox, `search_index --check` is
clean and every module's latest title is in the index. It fails with the portal given only the node
that dies (hundreds of searches answered by the database) and with no replicas (the editor's writes
wait for a primary that is gone, searches lose a shard).

Cost: the cluster takes about 1.5 GB of memory while it runs (each node ~490 MB resident: 256 MB of
heap plus the JVM's own) and starts in 40-110 s; the test takes 2-2.5 minutes on two shared cores,
most of it the killed node starting again (70-100 s) and its shards recovering. scripts/test.sh starts
the cluster after the other passes and runs this test in a pass of its own, on PostgreSQL (the editor,
the drainer and the searchers are threads with their own connections and commits).
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

import pytest
from elasticsearch import Elasticsearch

from search import elastic, indexing
from search.models import IndexChange
from tests.conftest import require_service, service_script
from tests.factories import CourseFactory, ModuleFactory, OfficerFactory
from tests.search.conftest import PREFIX

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.elasticsearch,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

URLS = [url.strip() for url in os.environ.get("TABADUL_TEST_ES_CLUSTER_URLS", "").split(",") if url.strip()]
HARBOUR = 20  # modules every search must find, whichever engine answers
# The slowest the cluster may be to notice a node that died: a killed process's connections close at
# once, so the master (or, when the master died, the others) sees it within a follower or leader
# check round (`cluster.fault_detection.*`: every 1 s, 10 s timeout, 3 tries); well above what it
# takes here (measured: 0.3-0.5 s).
DETECTION_LIMIT = 13.0


def script(*args: str) -> str:
    port = urlsplit(URLS[0]).port
    env = {"ES_NODES": str(len(URLS)), "ES_PORT": str(port), "ES_HEAP": "256m"}
    return service_script("elasticsearch", *args, env=env)


def node_client(url: str) -> Elasticsearch:
    return Elasticsearch(url, request_timeout=2, max_retries=0)


def health(url: str) -> dict | None:
    try:
        return node_client(url).cluster.health().body
    except Exception:
        return None


@pytest.fixture
def cluster(settings):
    """The portal on the whole cluster (all URLs, two shards, one replica); every node runs again and
    the test's indices are gone afterwards."""
    answering = len(URLS) >= 3 and all(
        (state := health(url)) and state["number_of_nodes"] == len(URLS) for url in URLS
    )
    require_service(
        "es_cluster",
        answering and script("url") == ",".join(URLS),
        "run `ES_NODES=3 ES_PORT=9211 bash scripts/services/elasticsearch.sh start` and set "
        "TABADUL_TEST_ES_CLUSTER_URLS to the URLs it prints",
    )
    require_service(
        "postgres", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    )
    settings.ELASTICSEARCH_URL = ",".join(URLS)
    settings.SEARCH_INDEX_PREFIX = f"{PREFIX}-cluster"
    settings.SEARCH_INDEX_SHARDS = 2
    settings.SEARCH_INDEX_REPLICAS = 1
    yield elastic.client()
    try:
        script("start")  # whatever a failure left behind
    finally:
        node_client(URLS[0]).options(request_timeout=30).indices.delete(
            index=f"{settings.SEARCH_INDEX_PREFIX}-*", expand_wildcards="all", ignore_unavailable=True
        )


@dataclass
class Answer:
    start: float
    end: float
    path: str
    status: int
    engine: str
    count: int | None


class Load:
    """Officers searching (the API and the page, each in its own thread) and an editor publishing
    new modules and retitling them, drained as they commit (the immediate task backend runs the
    drainer on commit) and again in a loop, until `stop()`."""

    def __init__(self, officer, course):
        self.officer = officer
        self.course = course
        self.answers: list[Answer] = []
        self.errors: list[BaseException] = []
        self.drain_failures: list[str] = []
        self.edits = 0
        self.done = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, args=(self._searches, "/api/v1/search/")),
            threading.Thread(target=self._run, args=(self._searches, "/search/")),
            threading.Thread(target=self._run, args=(self._editor,)),
        ]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.done.set()
        for thread in self.threads:
            thread.join(timeout=120)

    def _run(self, work, *args):
        try:
            work(*args)
        except BaseException as error:  # reported by the test
            self.errors.append(error)
        finally:
            connections.close_all()

    def _searches(self, path: str):
        client = Client()
        client.force_login(self.officer)
        while not self.done.is_set():
            start = time.monotonic()
            response = client.get(path, {"q": "harbour"})
            end = time.monotonic()
            if path.startswith("/api/"):
                data = response.json() if response.status_code == 200 else {}
                engine, count = data.get("engine", "?"), data.get("count")
            else:
                page = response.content.decode()
                engine = "database" if "search-notice" in page else "elasticsearch"
                summary = re.search(r"(\d+) results? for", page)
                count = int(summary[1]) if summary else None
            self.answers.append(Answer(start, end, path, response.status_code, engine, count))
            time.sleep(0.02)

    def _editor(self):
        modules = []
        while not self.done.is_set():
            if len(modules) < 12:
                modules.append(ModuleFactory(parent=self.course, title=f"Convoy drill {len(modules)}"))
            else:
                module = modules[self.edits % len(modules)].specific
                module.refresh_from_db()
                module.title = f"Convoy drill {self.edits % len(modules)} edit {self.edits}"
                module.save_revision().publish()
            self.edits += 1
            report = indexing.drain()
            if report.failed:
                self.drain_failures.append(report.error)
            time.sleep(0.1)


def wait_until(condition, timeout: float, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(step)
    return None


def test_the_cluster_loses_a_node_and_nobody_notices(cluster, curriculum_index, capsys):
    harbour = CourseFactory(parent=curriculum_index, title="Port operations")
    for number in range(HARBOUR):
        ModuleFactory(parent=harbour, title=f"Harbour drill {number}")
    convoys = CourseFactory(parent=curriculum_index, title="Escort duty")
    call_command("search_index", "--rebuild", "--no-progress")
    (index,) = elastic.indices_behind_alias()
    assert cluster.indices.get_settings(index=index)[index]["settings"]["index"]["number_of_replicas"] == "1"
    waiting = cluster.options(request_timeout=150)  # for health that may take a while
    assert waiting.cluster.health(index=index, wait_for_status="green", timeout="120s")["status"] == "green"

    shards = cluster.cat.shards(index=index, format="json").body
    primaries = [shard["node"] for shard in shards if shard["prirep"] == "p"]
    victim = max(set(primaries), key=primaries.count)  # "node-K", as the script names them
    number = int(victim.rpartition("-")[2])
    survivors = [url for k, url in enumerate(URLS, start=1) if k != number]

    with Load(OfficerFactory(username="reader"), convoys) as load:
        started = wait_until(lambda: load.errors or (load.edits >= 5 and len(load.answers) >= 10), 60)
        assert started and not load.errors, (load.errors, load.edits, len(load.answers))
        killed_at = time.monotonic()
        script("kill-node", str(number))
        detected_at = wait_until(
            lambda: (
                any((h := health(url)) and h["number_of_nodes"] == len(URLS) - 1 for url in survivors)
                and time.monotonic()
            ),
            30,
            step=0.02,
        )
        assert detected_at, f"the cluster never noticed that {victim} died"
        detection = detected_at - killed_at
        edits_at_kill = load.edits
        # The editor and the officers go on while the cluster works with two nodes, then while the
        # node comes back and its shards recover.
        went_on = wait_until(lambda: load.errors or load.edits >= edits_at_kill + 10, 60)
        assert went_on and not load.errors, ("the editor went on", load.errors, load.drain_failures)
        restarted_at = time.monotonic()
        script("start-node", str(number))
        green = waiting.cluster.health(
            index=index, wait_for_status="green", wait_for_nodes=len(URLS), timeout="120s"
        )
        back_at = time.monotonic()
    assert not load.errors, load.errors
    assert green["status"] == "green" and green["number_of_nodes"] == len(URLS)

    answers = load.answers
    during = [a for a in answers if killed_at <= a.end and a.start <= back_at]
    assert len(during) > 20, "officers searched while the node was down and coming back"
    assert [a for a in answers if a.status >= 500] == []
    assert all(a.status == 200 for a in answers), {a.status for a in answers}
    assert all(a.count == HARBOUR for a in answers), "every answer complete"
    fallbacks = [a for a in answers if a.engine != "elasticsearch"]
    # The database engine may only have answered while the cluster had not yet noticed the death.
    assert detection < DETECTION_LIMIT, detection
    late = [a for a in fallbacks if not (killed_at <= a.end and a.start <= detected_at)]
    assert late == [], (detection, late)

    # No change lost: what is still pending (backed off after a failed bulk) is applied, and the
    # index then equals the database.
    pending = IndexChange.objects.filter(processed_at__isnull=True)
    if pending.exists():
        latest = max(row.available_at for row in pending)
        report = indexing.drain(now=max(latest, timezone.now()))
        assert not report.failed, report.error
    assert not pending.exists()
    call_command("search_index", "--check")
    assert "elasticsearch: in sync" in capsys.readouterr().out
    for module in convoys.get_children().specific():
        assert cluster.get(index=elastic.alias_name(), id=str(module.pk))["_source"]["title"] == module.title

    with capsys.disabled():  # the measurements, shown with -s
        print(
            f"\nkilled {victim} ({len(primaries)} primaries, {primaries.count(victim)} on it); detected in "
            f"{detection:.2f}s; {len(fallbacks)} of {len(answers)} searches answered by the database; "
            f"{load.edits} edits, {len(load.drain_failures)} failed drains; restart and green in "
            f"{back_at - restarted_at:.1f}s"
        )
