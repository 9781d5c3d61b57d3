"""Incremental indexing on both engines: publish, unpublish, move, delete, a changed access rule and a
new translation reach the index after the transaction commits, through the outbox and the task; rule
content (cohorts, dates) needs no reindex; the outbox retries with backoff and loses nothing."""

from __future__ import annotations

import datetime

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from wagtail.models import Page

import pytest
import time_machine

from portal import access
from search import elastic, indexing, service
from search.models import IndexChange, SearchDocument
from tests.factories import (
    AccessRuleFactory,
    CohortFactory,
    CourseFactory,
    ModuleFactory,
    OfficerFactory,
    TrackFactory,
)
from tests.search.conftest import index_now


def found(query: str, **filters) -> dict[str, dict]:
    """What a fresh officer without cohorts finds, by title."""
    reader = OfficerFactory(username="reader")
    results = service.search(reader, query, filters, 1)
    return {hit.title: hit for hit in results.hits}


@pytest.fixture
def course(engine, curriculum_index):
    course = CourseFactory(parent=curriculum_index, title="Logistics", slug="logistics", summary="Supply.")
    index_now()
    return course


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what was handed over on commit (the test itself runs inside a transaction)."""

    def commit():
        return django_capture_on_commit_callbacks(execute=True)

    return commit


def test_publishing_reaches_the_index_after_commit(course, committed):
    module = ModuleFactory(parent=course, title="Convoy drafting", live=False)
    index_now()
    assert "Convoy drafting" not in found("convoy")
    with committed():
        module.title = "Convoy planning"
        module.save_revision().publish()
        assert found("convoy") == {}, "nothing reaches the index before the commit"
    assert set(found("convoy")) == {"Convoy planning"}


def test_a_rolled_back_change_leaves_nothing_to_index(course):
    before = IndexChange.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        ModuleFactory(parent=course, title="Never committed")
        raise RuntimeError
    assert IndexChange.objects.count() == before


def test_unpublishing_removes_the_page(course, committed):
    module = ModuleFactory(parent=course, title="Fuel convoy")
    index_now()
    assert "Fuel convoy" in found("fuel")
    with committed():
        module.unpublish()
    assert found("fuel") == {}


def test_deleting_removes_the_page(course, committed):
    module = ModuleFactory(parent=course, title="Rail convoy")
    index_now()
    with committed():
        module.delete()
    assert found("rail") == {}
    assert not SearchDocument.objects.filter(page_id=module.pk).exists()


def test_moving_updates_course_url_and_access(course, curriculum_index, committed):
    closed = CourseFactory(parent=curriculum_index, title="Closed", slug="closed")
    AccessRuleFactory(page=closed, cohorts=[CohortFactory(starts_on=datetime.date(2000, 1, 1))])
    other = CourseFactory(parent=curriculum_index, title="Other", slug="other", track=TrackFactory(slug="t2"))
    module = ModuleFactory(parent=course, title="Air convoy", slug="air")
    index_now()
    with committed():
        module.move(other, pos="last-child")
    hit = found("air")["Air convoy"]
    assert (hit.course, hit.track, hit.url) == ("other", "t2", "/curriculum/other/air/")
    with committed():
        module.refresh_from_db()
        module.move(closed, pos="last-child")
    assert found("air") == {}


def test_a_renamed_course_updates_its_modules(course, committed):
    ModuleFactory(parent=course, title="Sea convoy", slug="sea")
    index_now()
    with committed():
        course.slug = "sustainment"
        course.save_revision().publish()
    hit = found("sea")["Sea convoy"]
    assert (hit.course, hit.url) == ("sustainment", "/curriculum/sustainment/sea/")


def test_a_new_rule_hides_the_subtree_and_its_removal_shows_it(course, committed):
    ModuleFactory(parent=course, title="Night convoy")
    index_now()
    assert "Night convoy" in found("night")
    with committed():
        rule = AccessRuleFactory(page=course, cohorts=[CohortFactory(starts_on=datetime.date(2000, 1, 1))])
    assert found("night") == {}
    with committed():
        rule.delete()
    assert "Night convoy" in found("night")


def test_rule_content_needs_no_reindex(course, committed):
    ModuleFactory(parent=course, title="Desert convoy")
    cohort = CohortFactory()
    with committed():
        AccessRuleFactory(page=course, cohorts=[cohort])
    assert found("desert") == {}
    pending = IndexChange.objects.filter(processed_at__isnull=True).count()
    reader = OfficerFactory(username="reader", cohorts=[cohort])  # a membership, no reindex
    assert IndexChange.objects.filter(processed_at__isnull=True).count() == pending == 0
    assert "Desert convoy" in {hit.title for hit in service.search(reader, "desert", {}, 1).hits}
    # ... and the day the cohort closes, the page is gone, again without reindexing.
    later = cohort.ends_on + datetime.timedelta(days=1)
    assert service.search(reader, "desert", {}, 1, today=later).count == 0


def test_a_new_translation_is_indexed_and_governed_by_the_source_rules(course, locale_ar, committed):
    module = ModuleFactory(parent=course, title="Mountain convoy")
    AccessRuleFactory(page=module, cohorts=[CohortFactory(starts_on=datetime.date(2000, 1, 1))])
    index_now()
    with committed():
        translated = module.copy_for_translation(locale_ar, copy_parents=True)
        translated.title = "قافلة جبلية"
        translated.save_revision().publish()
    assert found("قافلة") == {}  # the source's rule governs the translation
    superuser_hits = service.search(OfficerFactory(username="boss", is_superuser=True), "قافلة", {}, 1)
    assert [(hit.title, hit.locale) for hit in superuser_hits.hits] == [("قافلة جبلية", "ar")]


def test_documents_carry_the_rules_the_policy_says_govern_each_page(course, locale_ar):
    module = ModuleFactory(parent=course)
    AccessRuleFactory(page=course, cohorts=[CohortFactory()])
    AccessRuleFactory(page=module, cohorts=[CohortFactory()])
    translated = module.copy_for_translation(locale_ar, copy_parents=True)
    translated.save_revision().publish()
    built = indexing.documents_for_pages([course.pk, module.pk, translated.pk])
    assert len(built) == 3
    for document in built:
        page = Page.objects.get(pk=document.id)
        assert set(document.rule_ids) == access.governing_rule_ids(page)
        assert document.ancestor_ids == list(page.get_ancestors(inclusive=True).values_list("pk", flat=True))
        assert document.url == page.url


def test_draining_twice_changes_nothing(course):
    ModuleFactory(parent=course, title="Snow convoy")
    index_now()
    rows = list(IndexChange.objects.all())
    indexing.apply(rows)
    indexing.apply(rows)
    assert set(found("snow")) == {"Snow convoy"}
    assert not any(indexing.check())


@pytest.mark.elasticsearch
def test_changes_wait_for_the_first_rebuild(es, settings, curriculum_index, committed):
    """Before any rebuild there is no alias: changes stay pending, and nothing (not even a deletion
    with its external version) creates a concrete index under the alias's name."""
    settings.SEARCH_INDEX_PREFIX = f"{settings.SEARCH_INDEX_PREFIX}-fresh"
    course = CourseFactory(parent=curriculum_index, title="Logistics")
    with committed():
        module = ModuleFactory(parent=course, title="Early convoy")
        module.delete()
    pending = list(IndexChange.objects.filter(processed_at__isnull=True))
    assert pending and all(row.attempts == 1 for row in pending)
    assert not es.indices.exists(index=elastic.alias_name())
    assert service.search(OfficerFactory(username="reader"), "logistics", {}, 1).engine == "database"
    call_command("search_index", "--rebuild", "--no-progress")
    assert not IndexChange.objects.filter(processed_at__isnull=True).exists(), "the rebuild covered them"
    assert not any(indexing.check())
    es.indices.delete(index=f"{elastic.alias_name()}-*")


@pytest.mark.elasticsearch
def test_an_unreachable_node_postpones_with_backoff_and_loses_nothing(
    es, settings, curriculum_index, committed
):
    course = CourseFactory(parent=curriculum_index, title="Logistics")
    index_now()
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    with committed():
        ModuleFactory(parent=course, title="Storm convoy")
    (row,) = IndexChange.objects.filter(processed_at__isnull=True)
    assert row.attempts == 1 and row.last_error
    first_retry = row.available_at
    with time_machine.travel(first_retry + datetime.timedelta(seconds=1)):
        indexing.drain()
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.available_at - timezone.now() > first_retry - row.created_at, "the delay grows"
    # The database engine already has it; the index gets it once the node answers again.
    assert SearchDocument.objects.filter(title="Storm convoy").exists()
    settings.ELASTICSEARCH_URL = es.transport.node_pool.get().base_url
    with time_machine.travel(row.available_at + datetime.timedelta(seconds=1)):
        assert indexing.drain().applied == 1
    assert set(found("storm")) == {"Storm convoy"}
    assert found("storm")["Storm convoy"].snippet is not None


@pytest.mark.elasticsearch
def test_a_pending_change_of_a_type_no_longer_registered_breaks_no_search(es, curriculum_index):
    CourseFactory(parent=curriculum_index, title="Logistics")
    index_now()
    IndexChange.objects.create(kind=IndexChange.Kind.OBJECT, type="retired-type", object_id=7)
    results = service.search(OfficerFactory(username="reader"), "logistics", {}, 1)
    assert (results.engine, [hit.title for hit in results.hits]) == ("elasticsearch", ["Logistics"])
    assert indexing.drain().applied == 1, "the drainer marks it done and writes nothing for it"
