"""`search_index --rebuild` and `--check`: a new index filled in bulk and swapped in atomically while
searches keep answering, changes made meanwhile kept, drift reported with a non-zero exit."""

from __future__ import annotations

import datetime
import threading

from django.core.management import CommandError, call_command

import pytest
import time_machine
from elasticsearch import Elasticsearch

from search import elastic, indexing, service
from search.models import SearchDocument
from tests.factories import CourseFactory, ModuleFactory, OfficerFactory
from tests.search.conftest import index_now


@pytest.fixture
def modules(engine, curriculum_index):
    course = CourseFactory(parent=curriculum_index, title="Convoy course")
    pages = [ModuleFactory(parent=course, title=f"Convoy {n}") for n in range(7)]
    index_now()
    return pages


def titles(query: str = "convoy") -> set[str]:
    results = service.search(OfficerFactory(username="reader"), query, {}, 1)
    found = {hit.title for hit in results.hits}
    for number in range(2, results.num_pages + 1):
        found |= {
            hit.title for hit in service.search(OfficerFactory(username="reader"), query, {}, number).hits
        }
    return found


def test_rebuild_then_check_is_clean(modules, capsys):
    SearchDocument.objects.all().delete()
    with pytest.raises(CommandError, match="drifted"):
        call_command("search_index", "--check")
    assert "missing" in capsys.readouterr().err
    call_command("search_index", "--rebuild", "--no-progress")
    call_command("search_index", "--check")
    assert "in sync" in capsys.readouterr().out
    assert len(titles()) == 8


def test_check_reports_stale_and_extra_documents(modules, capsys):
    SearchDocument.objects.filter(page_id=modules[0].pk).update(fingerprint="0" * 40, title="Old title")
    SearchDocument.objects.create(
        key="999999",
        object_id=999_999,
        page_id=999_999,
        type="module",
        locale="en",
        title="Ghost",
        url="/",
        fingerprint="x",
    )
    with pytest.raises(CommandError):
        call_command("search_index", "--check")
    err = capsys.readouterr().err
    assert "1 stale" in err and "1 extra" in err and "999999" in err
    call_command("search_index", "--rebuild", "--no-progress")
    call_command("search_index", "--check")


@pytest.mark.elasticsearch
def test_check_reports_drift_in_the_index(es, modules, capsys):
    es.delete(index=elastic.alias_name(), id=modules[0].pk, refresh=True)
    with pytest.raises(CommandError):
        call_command("search_index", "--check")
    assert f"elasticsearch: 1 missing (page ids {modules[0].pk})" in capsys.readouterr().err


@pytest.mark.elasticsearch
def test_rebuild_swaps_a_new_index_in_while_searches_keep_answering(
    es, modules, django_capture_on_commit_callbacks
):
    old = elastic.indices_behind_alias()
    raw = Elasticsearch(es.transport.node_pool.get().base_url)
    counts: list[int] = []
    done = threading.Event()

    def search_loop():  # a second client, searching the alias as fast as it can
        while not done.is_set():
            counts.append(
                raw.count(index=elastic.alias_name(), query={"match": {"title": "convoy"}})["count"]
            )

    during: list[set[str]] = []

    def progress(_count):  # between batches of the rebuild: search, and change a page
        during.append(titles())
        if len(during) == 1:
            with django_capture_on_commit_callbacks(execute=True):
                page = modules[0]
                page.title = "Convoy renamed during the rebuild"
                page.save_revision().publish()

    searcher = threading.Thread(target=search_loop)
    searcher.start()
    try:
        report = indexing.rebuild(progress=progress, chunk_size=2)
    finally:
        done.set()
        searcher.join()

    assert counts and min(counts) == 8, "there was a moment without results"
    assert all(len(found) == 8 for found in during)
    assert elastic.indices_behind_alias() == [report.index] and report.index not in old
    assert report.removed_indices == old
    assert "Convoy renamed during the rebuild" in titles()
    assert not any(indexing.check())
    assert service.search(OfficerFactory(username="reader"), "convoy", {}, 1).engine == "elasticsearch"


@pytest.mark.elasticsearch
def test_rebuild_twice_is_safe(es, modules):
    call_command("search_index", "--rebuild", "--no-progress")
    first = elastic.indices_behind_alias()
    call_command("search_index", "--rebuild", "--no-progress")
    second = elastic.indices_behind_alias()
    assert len(first) == len(second) == 1 and first != second
    assert elastic.managed_indices() == second
    assert len(titles()) == 8


def test_a_rebuild_the_node_refuses_leaves_the_live_index_answering(es, modules):
    """The new index cannot be created (here: its name is taken): the command fails with the node's
    reason, the alias keeps the index it had, and searches still find everything."""
    call_command("search_index", "--rebuild", "--no-progress")
    live = elastic.indices_behind_alias()
    with time_machine.travel(datetime.datetime(2031, 5, 4, 3, 2, 1, tzinfo=datetime.UTC), tick=False):
        taken = elastic.new_index_name()
        es.indices.create(index=taken)
        with pytest.raises(CommandError, match="resource_already_exists"):
            call_command("search_index", "--rebuild", "--no-progress")
    es.indices.delete(index=taken)
    assert elastic.indices_behind_alias() == live
    assert len(titles()) == 8
