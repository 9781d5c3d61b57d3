"""An officer's progress becomes xAPI statements in a real learning record store (Ralph): opening a
module (once a day), completing it, completing a course (every module of it they may read), each
knowledge-check attempt (answered, then passed or failed); an account actor, ADL verbs, activity ids
shared by a page and its translation, the cohort in the context."""

from __future__ import annotations

import re

import pytest

from tests.factories import (
    AccessRuleFactory,
    CohortFactory,
    CourseFactory,
    ModuleFactory,
    OfficerFactory,
    check_questions,
    translate,
)
from tests.xapi.conftest import statements_of, unique
from xapi.models import XapiStatement

pytestmark = pytest.mark.django_db
BASE = "http://testserver"
VERB = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture
def world(curriculum_index, locale_ar):
    """A course for one cohort with two modules (each also in Arabic) and a third the officer's cohort
    may not read; an officer of the cohort."""
    cohort, other = CohortFactory(slug=unique("symposium")), CohortFactory(slug=unique("other"))
    course = CourseFactory(parent=curriculum_index, title="Defense Planning")
    AccessRuleFactory(page=course, cohorts=[cohort])
    first = ModuleFactory(parent=course, title="Mission analysis")
    second = ModuleFactory(parent=course, title="Courses of action")
    hidden = ModuleFactory(parent=course, title="Staff only")
    AccessRuleFactory(page=hidden, cohorts=[other])
    course_ar = translate(course, locale_ar, title="التخطيط الدفاعي")
    first_ar = translate(first, locale_ar, title="تحليل المهمة")
    second_ar = translate(second, locale_ar, title="مسارات العمل")
    officer = OfficerFactory(username=unique("officer"), cohorts=[cohort])
    return {
        "cohort": cohort,
        "course": course,
        "course_ar": course_ar,
        "modules": [first, second],
        "arabic": [first_ar, second_ar],
        "hidden": hidden,
        "officer": officer,
    }


def summary(statement: dict) -> tuple[str, str]:
    return statement["verb"]["id"].removeprefix(VERB), statement["object"]["id"].removeprefix(BASE)


def test_reading_and_completing_a_course_reaches_the_store(client, lrs, committed, world):
    officer, (first, second), (first_ar, second_ar) = world["officer"], world["modules"], world["arabic"]
    client.force_login(officer)
    with committed():
        assert client.get(first.url).status_code == 200
    with committed():
        assert client.get(first_ar.url).status_code == 200  # the same module, the same day: no statement
    with committed():
        client.post(f"/progress/{first.pk}/complete/")
    with committed():
        client.post(f"/progress/{first.pk}/complete/")  # completed already: nothing new
    with committed():
        assert client.get(second_ar.url).status_code == 200
    with committed():
        client.post(f"/progress/{second_ar.pk}/complete/")  # the last module they may read

    module = "/xapi/activities/module/"
    course = f"/xapi/activities/course/{world['course'].translation_key}"
    expected = [
        ("experienced", f"{module}{first.translation_key}"),
        ("completed", f"{module}{first.translation_key}"),
        ("experienced", f"{module}{second.translation_key}"),
        ("completed", f"{module}{second.translation_key}"),
        ("completed", course),
    ]
    stored = statements_of(officer.username)
    assert sorted(map(summary, stored)) == sorted(expected)
    rows = XapiStatement.objects.order_by("pk")
    assert [summary(row.statement) for row in rows] == expected
    assert all(row.sent_at and row.attempts == 0 for row in rows)
    assert {s["id"] for s in stored} == {str(row.statement_id) for row in rows}

    by_key = {summary(s): s for s in stored}
    for statement in stored:
        assert statement["actor"] == {
            "objectType": "Agent",
            "account": {"homePage": BASE, "name": officer.username},
        }
        assert "mbox" not in str(statement["actor"])
        cohort = world["cohort"]
        assert statement["context"]["contextActivities"]["grouping"] == [
            {
                "objectType": "Activity",
                "id": f"{BASE}/xapi/activities/cohort/{cohort.slug}",
                "definition": {"name": {"und": cohort.name}},
            }
        ]
    # One activity for a module and its translation, named in both languages.
    read_in_arabic = by_key[("experienced", f"{module}{second.translation_key}")]
    assert second_ar.translation_key == second.translation_key
    assert read_in_arabic["object"] == {
        "objectType": "Activity",
        "id": f"{BASE}{module}{second.translation_key}",
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/module",
            "name": {"ar": "مسارات العمل", "en": "Courses of action"},
        },
    }
    assert read_in_arabic["context"]["language"] == "ar"
    assert by_key[("experienced", f"{module}{first.translation_key}")]["context"]["language"] == "en"
    assert read_in_arabic["context"]["contextActivities"]["parent"] == [
        {
            "objectType": "Activity",
            "id": f"{BASE}{course}",
            "definition": {
                "type": "http://adlnet.gov/expapi/activities/course",
                "name": {"ar": "التخطيط الدفاعي", "en": "Defense Planning"},
            },
        }
    ]
    course_done = by_key[("completed", course)]
    assert course_done["result"] == {"completion": True}
    assert course_done["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/course"
    assert "parent" not in course_done["context"]["contextActivities"]


def test_failing_then_passing_a_check_and_completing_the_course_reaches_the_store(
    client, lrs, committed, world
):
    """answered then failed, answered then passed (the attempt's score), the module completed by the
    pass, and the course completed with it: exactly these, in the store."""
    officer, (first, second) = world["officer"], world["modules"]
    first.check_questions = check_questions(
        ("single", "First?", [("Mission", True, ""), ("Budget", False, "")], ""),
        ("multiple", "Steps?", [("Tasks", True, ""), ("Orders", False, ""), ("Constraints", True, "")], ""),
    )
    first.check_required = True
    first.save_revision().publish()
    client.force_login(officer)
    with committed():
        client.post(f"/progress/{second.pk}/complete/")
    for answers in ({"q0": "1", "q1": ["0", "2"]}, {"q0": "0", "q1": ["0", "2"]}):
        with committed():
            page = client.get(first.url).content.decode()
        token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
        with committed():
            assert client.post(f"{first.url}check/", {"form_token": token, **answers}).status_code == 303

    module, check = "/xapi/activities/module/", f"/xapi/activities/check/{first.translation_key}"
    course = f"/xapi/activities/course/{world['course'].translation_key}"
    expected = [
        ("experienced", f"{module}{second.translation_key}"),
        ("completed", f"{module}{second.translation_key}"),
        ("experienced", f"{module}{first.translation_key}"),
        ("answered", check),
        ("failed", check),
        ("answered", check),
        ("passed", check),
        ("completed", f"{module}{first.translation_key}"),
        ("completed", course),
    ]
    stored = statements_of(officer.username)
    assert sorted(map(summary, stored)) == sorted(expected)
    assert [summary(row.statement) for row in XapiStatement.objects.order_by("pk")] == expected
    judged = sorted((s for s in stored if summary(s)[1] == check), key=lambda s: s["timestamp"])
    answered_first, failed, answered_again, passed = sorted(
        judged, key=lambda s: (s["timestamp"], s["verb"]["id"].endswith("answered") is False)
    )
    assert failed["result"] == {
        "success": False,
        "completion": True,
        "score": {"scaled": 0.5, "raw": 1, "min": 0, "max": 2},
    }
    assert passed["result"]["success"] is True and passed["result"]["score"]["scaled"] == 1
    assert {answered_first["result"]["response"], answered_again["result"]["response"]} == {
        "q0=1;q1=0,2",
        "q0=0;q1=0,2",
    }
    assert passed["object"]["definition"] == {
        "type": "http://adlnet.gov/expapi/activities/assessment",
        "name": {"ar": "تحليل المهمة", "en": "Mission analysis"},
    }
    parents = [parent["id"].removeprefix(BASE) for parent in passed["context"]["contextActivities"]["parent"]]
    assert parents == [f"{module}{first.translation_key}", course]
    assert passed["context"]["contextActivities"]["grouping"][0]["id"].endswith(
        f"/cohort/{world['cohort'].slug}"
    )
