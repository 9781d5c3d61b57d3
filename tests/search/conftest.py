"""Fixtures for the search tests: a real Elasticsearch node for the tests that opt in, and both engines.

Elasticsearch tests use the node at `TABADUL_TEST_ELASTICSEARCH_URL` (scripts/test.sh starts one)
with one index per test session under a unique prefix; each test starts from an empty index. The rest
of the suite never sees Elasticsearch: `ELASTICSEARCH_URL` is only set inside these fixtures.
"""

from __future__ import annotations

import contextlib
import os
import uuid

from django.db import transaction

import pytest
from elasticsearch import Elasticsearch, helpers

from search import elastic, indexing
from tests.conftest import require_service

ES_URL = os.environ.get("TABADUL_TEST_ELASTICSEARCH_URL", "")
PREFIX = f"test-{uuid.uuid4().hex[:10]}"


def node_answers(url: str) -> bool:
    if not url:
        return False
    try:
        return bool(Elasticsearch(url, request_timeout=5, max_retries=0).ping())
    except Exception:
        return False


@pytest.fixture(scope="session")
def elasticsearch_url():
    require_service(
        "elasticsearch",
        node_answers(ES_URL),
        "run `bash scripts/services/elasticsearch.sh start` and set TABADUL_TEST_ELASTICSEARCH_URL",
    )
    yield ES_URL
    with contextlib.suppress(Exception):
        Elasticsearch(ES_URL, request_timeout=30).indices.delete(
            index=f"{PREFIX}-*", expand_wildcards="all", ignore_unavailable=True
        )


def empty_index() -> None:
    """The session's index behind the alias, emptied (created on first use)."""
    es = elastic.client()
    if not elastic.indices_behind_alias():
        name = elastic.new_index_name()
        elastic.create_index(name)
        elastic.swap_alias(name)
        return
    ids = [hit["_id"] for hit in helpers.scan(es, index=elastic.alias_name(), query={"_source": False})]
    if ids:
        helpers.bulk(es, ({"_op_type": "delete", "_index": elastic.alias_name(), "_id": pk} for pk in ids))
    es.indices.refresh(index=elastic.alias_name())


@pytest.fixture
def es(elasticsearch_url, settings, db):
    """Elasticsearch is the search engine for this test; the index starts empty."""
    settings.ELASTICSEARCH_URL = elasticsearch_url
    settings.SEARCH_INDEX_PREFIX = PREFIX
    empty_index()
    return elastic.client()


@pytest.fixture(params=["database", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def engine(request, db) -> str:
    """Run the test once per engine (the name the API reports)."""
    if request.param == "elasticsearch":
        request.getfixturevalue("es")
    return request.param


def index_now() -> None:
    """Apply what the outbox holds, as the task does after commit (tests run inside a transaction)."""
    report = indexing.drain()
    assert not report.failed, report.error


class Rollback(Exception):
    pass


@contextlib.contextmanager
def rolled_back():
    """Build a world for one hypothesis example and undo it afterwards."""
    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass
