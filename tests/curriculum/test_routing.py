"""Routing along kept steps (curriculum.routing): a path's steps through the tree are read once and
then kept, the page served is read afresh on every request, and any change to the tree shows on the
next request.

Transactional tests: inside a transaction (every other test) nothing is kept, by design.
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from portal import change_tokens
from tests.factories import CourseFactory, ModuleFactory, OfficerFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUTING_STEP = '"wagtailcore_page"."slug" = '  # route_child's read of a level's children


@pytest.fixture
def module(curriculum_index, client):
    change_tokens.forget()
    client.force_login(OfficerFactory(username="reader"))
    course = CourseFactory(parent=curriculum_index, slug="planning")
    return ModuleFactory(parent=course, slug="mission-analysis", title="Mission analysis")


def steps_read(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, sum(ROUTING_STEP in query["sql"] for query in queries.captured_queries)


def test_a_paths_steps_are_read_once_then_kept(client, module):
    assert steps_read(client, module.url) == (200, 3)  # curriculum, course, module
    assert steps_read(client, module.url) == (200, 0)
    assert steps_read(client, module.url + "pdf/")[1] == 0


def test_the_page_served_is_always_read_afresh(client, module):
    assert "Planning starts with the mission." in client.get(module.url).content.decode()
    module.body = [{"type": "rich_text", "value": "<p>Rewritten after the exercise.</p>"}]
    module.save_revision().publish()
    html = client.get(module.url).content.decode()
    assert "Rewritten after the exercise." in html and "Planning starts" not in html


def test_a_changed_slug_moves_the_page_on_the_next_request(client, module):
    old_url = module.url
    assert client.get(old_url).status_code == 200
    module.slug = "mission-analysis-2"
    module.save_revision().publish()
    module.refresh_from_db()
    assert client.get(module.url).status_code == 200
    moved = client.get(old_url)  # no longer served there: Wagtail's automatic redirect answers
    assert (moved.status_code, moved["Location"]) == (301, module.url)


def test_a_moved_or_unpublished_page_is_not_served_where_it_was(client, module, curriculum_index):
    old_url = module.url
    assert client.get(old_url).status_code == 200
    other = CourseFactory(parent=curriculum_index, slug="logistics")
    module.move(other, pos="last-child")
    module.refresh_from_db()
    assert client.get(module.url).status_code == 200
    moved = client.get(old_url)
    assert (moved.status_code, moved["Location"]) == (301, module.url)
    module.unpublish()
    assert client.get(module.url).status_code == 404


def test_a_view_restriction_added_or_removed_applies_on_the_next_request(client, module):
    from django.contrib.auth.models import Group

    from wagtail.models import PageViewRestriction

    assert client.get(module.url).status_code == 200
    assert client.get(module.url).status_code == 200  # no restriction applies: kept, no query
    restriction = PageViewRestriction.objects.create(page=module.get_parent(), restriction_type="groups")
    restriction.groups.set([Group.objects.create(name="Exercise planners")])
    assert client.get(module.url).status_code == 302  # Wagtail's login page for the group
    restriction.delete()
    assert client.get(module.url).status_code == 200


def test_a_translation_added_to_a_group_brings_its_children(client, module, locale_ar, curriculum_index_ar):
    from tests.factories import translate

    course = module.get_parent().specific
    arabic_url = f"/ar{course.url}"
    assert "Mission analysis" in client.get(arabic_url).content.decode()  # the source, in Arabic chrome
    arabic_course = translate(course, locale_ar, title="التخطيط")
    ModuleFactory(parent=arabic_course, slug="tahlil", title="تحليل المهمة الإضافي")
    html = client.get(arabic_course.url).content.decode()
    assert "تحليل المهمة الإضافي" in html and "Mission analysis" in html
