"""A search's course and track titles (`search.registry.facet_value_labels`) are kept across requests
for readers who may read the same pages (`portal.access.reader_key`), in the same language, while the
change token holds: a renamed track, a retitled course or a reader let into a course shows on the
next ask; one reader's labels are never another's unless they read the same pages.

Transactional tests: inside a transaction (every other test) nothing is kept, by design.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

import pytest

from portal import change_tokens
from portal.models import CohortMembership
from search.registry import facet_value_labels
from tests.factories import AccessRuleFactory, CohortFactory, CourseFactory, OfficerFactory, TrackFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def labels(name: str, user, values: list[str]) -> tuple[dict, int]:
    """The labels (outside a request: as the next request would ask) and the labeller's queries."""
    table = {"track": 'FROM "curriculum_track"', "course": '"wagtailcore_page"."slug" IN'}[name]
    with CaptureQueriesContext(connection) as queries:
        answer = facet_value_labels(name, user, values)
    return answer, sum(table in query["sql"] for query in queries.captured_queries)


@pytest.fixture
def world(curriculum_index):
    change_tokens.forget()
    translation.activate("en")  # an earlier test's request may have left another language active
    cohort = CohortFactory(starts_on=datetime.date(2000, 1, 1))
    track = TrackFactory(slug="planning", title="Planning", title_ar="التخطيط")
    closed = CourseFactory(parent=curriculum_index, title="Closed Course", slug="closed", track=track)
    AccessRuleFactory(page=closed, cohorts=[cohort])
    member, outsider = OfficerFactory(cohorts=[cohort]), OfficerFactory()
    return cohort, track, closed, member, outsider


def test_track_titles_are_kept_until_a_track_changes(world):
    _, track, _, member, outsider = world
    assert labels("track", member, ["planning"]) == ({"planning": "Planning"}, 1)
    assert labels("track", member, ["planning"]) == ({"planning": "Planning"}, 0)
    with translation.override("ar"):
        assert labels("track", member, ["planning"]) == ({"planning": "التخطيط"}, 1)
    track.title = "Operational planning"
    track.save()
    assert labels("track", member, ["planning"]) == ({"planning": "Operational planning"}, 1)
    assert labels("track", member, ["planning"]) == ({"planning": "Operational planning"}, 0)


def test_course_titles_are_the_readers_and_follow_their_access(world):
    cohort, _, closed, member, outsider = world
    assert labels("course", member, ["closed"]) == ({"closed": "Closed Course"}, 1)
    assert labels("course", outsider, ["closed"]) == ({}, 1)  # another reader's access: asked apart
    assert labels("course", member, ["closed"]) == ({"closed": "Closed Course"}, 0)
    assert labels("course", outsider, ["closed"]) == ({}, 0)

    CohortMembership.objects.create(user=outsider, cohort=cohort)  # let in: now reads what the member reads
    assert labels("course", outsider, ["closed"])[0] == {"closed": "Closed Course"}

    closed.title = "Renamed Course"
    closed.save_revision().publish()
    assert labels("course", member, ["closed"]) == ({"closed": "Renamed Course"}, 1)
