"""Reads don't write: a search that finds changes waiting for the index hands them to the task backend
and never drains them inside its own request — a queue gets the task at once, the immediate backend
only once the response has been sent."""

from __future__ import annotations

from django.core.cache import cache
from django.core.signals import request_finished
from django.db import close_old_connections

import pytest
from django_tasks import default_task_backend

from search import service
from search.models import IndexChange
from tests.factories import CourseFactory, OfficerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(curriculum_index):
    """A change recorded and not yet applied (the test's transaction never commits, so nothing was
    handed over), and the catch-up check not yet made in this period."""
    CourseFactory(parent=curriculum_index, title="Harbour logistics")
    cache.clear()
    assert IndexChange.objects.filter(processed_at__isnull=True).exists()
    yield
    request_finished.disconnect(dispatch_uid="search.catch_up")


def response_sent() -> None:
    """What a WSGI server does when it has sent a response, as Django's test client emulates it
    (without closing the test's database connection)."""
    request_finished.disconnect(close_old_connections)
    try:
        request_finished.send(sender=None)
    finally:
        request_finished.connect(close_old_connections)


def pending() -> int:
    return IndexChange.objects.filter(processed_at__isnull=True).count()


def test_with_the_immediate_backend_the_catch_up_runs_after_the_response(waiting):
    before = pending()
    service.search(OfficerFactory(username="reader"), "harbour", {}, 1)
    assert pending() == before, "the search itself applied nothing"
    response_sent()
    assert pending() == 0


def test_through_the_page_the_change_is_applied_once_the_response_is_closed(waiting, client):
    client.force_login(OfficerFactory(username="reader"))
    response = client.get("/api/v1/search/", {"q": "harbour"})
    assert response.status_code == 200
    assert response.json()["count"] == 0, "the answer came before the catch-up"
    assert pending() == 0, "the test client closes the response, as a WSGI server does"


def test_with_a_task_queue_the_catch_up_is_enqueued_and_not_run(waiting, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    before = pending()
    service.search(OfficerFactory(username="reader"), "harbour", {}, 1)
    enqueued = [result.task.name for result in default_task_backend.results]
    assert enqueued.count("drain_outbox") == 1
    assert pending() == before
    response_sent()
    assert pending() == before, "nothing waits for the response: the worker drains"
