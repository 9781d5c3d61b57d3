"""Elasticsearch down, for real: the node is stopped with scripts/services/elasticsearch.sh, the portal
answers from the database engine with a notice, publishing still works, and once the node is started
again the changes it missed reach the index without a rebuild. The node is running again at the end."""

from __future__ import annotations

import datetime

from django.core.cache import cache

import pytest
import time_machine

from search import indexing, service
from search.models import IndexChange
from tests.conftest import require_service, service_script
from tests.factories import CourseFactory, ModuleFactory, OfficerFactory
from tests.search.conftest import index_now, node_answers

pytestmark = pytest.mark.elasticsearch


def node(action: str) -> str:
    return service_script("elasticsearch", action, check=action != "status")


@pytest.fixture
def managed_node(elasticsearch_url):
    """The test node, if scripts/services/elasticsearch.sh manages it; started again afterwards."""
    require_service(
        "elasticsearch",
        node("url") == elasticsearch_url.rstrip("/"),
        f"the outage test stops and starts the node of elasticsearch.sh, not {elasticsearch_url}",
    )
    yield
    if not node_answers(elasticsearch_url):
        node("start")


def test_outage_fallback_and_catch_up(
    es, managed_node, client, curriculum_index, django_capture_on_commit_callbacks
):
    course = CourseFactory(parent=curriculum_index, title="Port operations")
    old = ModuleFactory(parent=course, title="Harbour drill")
    index_now()
    client.force_login(OfficerFactory(username="reader"))
    assert client.get("/api/v1/search/", {"q": "harbour"}).json()["engine"] == "elasticsearch"

    node("stop")
    try:
        data = client.get("/api/v1/search/", {"q": "harbour"}).json()
        assert data["engine"] == "database" and [r["title"] for r in data["results"]] == ["Harbour drill"]
        page = client.get("/search/", {"q": "harbour"})
        assert page.status_code == 200 and "backup search" in page.content.decode()
        assert client.get("/api/v1/search/suggest/", {"q": "harb"}).json()["suggestions"]

        with django_capture_on_commit_callbacks(execute=True):  # publishing still succeeds
            ModuleFactory(parent=course, title="Harbour night drill")
            old.unpublish()
        pending = IndexChange.objects.filter(processed_at__isnull=True)
        assert pending.exists() and all(row.attempts == 1 and row.last_error for row in pending)
        data = client.get("/api/v1/search/", {"q": "harbour"}).json()
        assert (data["engine"], [r["title"] for r in data["results"]]) == (
            "database",
            ["Harbour night drill"],
        )
    finally:
        node("start")

    cache.clear()  # the catch-up check is throttled per process
    retry_at = max(row.available_at for row in IndexChange.objects.filter(processed_at__isnull=True))
    with time_machine.travel(retry_at + datetime.timedelta(seconds=1)):
        first = client.get("/api/v1/search/", {"q": "harbour"}).json()
        # The index answers again; what it has not caught up with is left out, never shown stale.
        assert first["engine"] == "elasticsearch"
        assert "Harbour drill" not in [r["title"] for r in first["results"]]
        assert not IndexChange.objects.filter(processed_at__isnull=True).exists(), "caught up"
        data = client.get("/api/v1/search/", {"q": "harbour"}).json()
    assert (data["engine"], [r["title"] for r in data["results"]]) == (
        "elasticsearch",
        ["Harbour night drill"],
    )
    assert not any(indexing.check())
    assert service.search(OfficerFactory(username="reader"), "harbour", {}, 1).notice == ""
