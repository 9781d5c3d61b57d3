"""The cohort progress report: members × modules, percentages, completion counts, chart and CSV."""

from __future__ import annotations

import csv
import datetime
import io

from django.urls import reverse
from django.utils import timezone

import openpyxl
import pytest

from curriculum.models import ModuleProgress
from tests.conftest import force_login_verified
from tests.factories import (
    AccessRuleFactory,
    CohortFactory,
    CourseFactory,
    ModuleFactory,
    NationFactory,
    OfficerFactory,
)

pytestmark = pytest.mark.django_db

REPORT = reverse("cohort_progress_report")
DONE_AT = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world(curriculum_index, instructor):
    cohort = CohortFactory(slug="spring", name="Spring cohort")
    cohort.instructors.add(instructor)  # an instructor sees the reports of the cohorts they teach
    other = CohortFactory(
        slug="other",
        name="Other cohort",
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2020, 6, 30),
    )
    nation = NationFactory(code="JO", name="Jordan")
    amal = OfficerFactory(
        username="amal", first_name="Amal", last_name="Haddad", nation=nation, cohorts=[cohort]
    )
    ben = OfficerFactory(username="ben", first_name="Ben", last_name="Smith", cohorts=[cohort])
    course = CourseFactory(parent=curriculum_index, title="Planning", slug="planning")
    AccessRuleFactory(page=course, cohorts=[cohort])
    intro = ModuleFactory(parent=course, title="Introduction")
    mission = ModuleFactory(parent=course, title="Mission analysis")
    advanced = ModuleFactory(parent=course, title="Advanced wargaming")
    AccessRuleFactory(page=advanced, cohorts=[other])  # nobody in the spring cohort may read it
    ModuleProgress.objects.create(
        user=amal, module_key=intro.translation_key, last_page=intro, completed_at=DONE_AT
    )
    ModuleProgress.objects.create(user=amal, module_key=mission.translation_key, last_page=mission)
    ModuleProgress.objects.create(
        user=ben, module_key=intro.translation_key, last_page=intro, completed_at=timezone.now()
    )
    return {"cohort": cohort, "course": course, "modules": [intro, mission, advanced]}


def report(client, world, **extra):
    return client.get(REPORT, {"cohort": world["cohort"].pk, "course": world["course"].pk, **extra})


def test_the_table_shows_each_member_in_each_module(client, instructor, world):
    force_login_verified(client, instructor)

    response = report(client, world)

    assert response.status_code == 200
    data = response.context["report"]
    assert [row.member.username for row in data.rows] == ["amal", "ben"]
    amal = data.rows[0]
    assert [cell.state for cell in amal.cells] == ["complete", "in_progress", "no_access"]
    assert amal.cells[0].label == "Complete 2026-03-02"
    assert (amal.progress.completed, amal.progress.total, amal.progress.percent) == (1, 2, 50)
    assert [column.completed for column in data.modules] == [2, 0, 0]
    html = response.content.decode()
    assert "Mission analysis" in html and "In progress" in html and "No access" in html
    assert "50% (1 of 2)" in html
    # The chart: one bar per module, with its value in words for everyone.
    assert "Completion per module" in html
    assert "2 of 2 complete (100%)" in html
    assert "0 of 2 complete (0%)" in html
    assert "<script" not in html.split("Completion per module")[1].split("</figure>")[0]


def test_the_csv_export_has_the_same_table(client, programme_admin, world):
    force_login_verified(client, programme_admin)

    response = report(client, world, export="csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "progress-spring-planning-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Username",
        "Name",
        "Nation",
        "Introduction",
        "Mission analysis",
        "Advanced wargaming",
        "Percent",
    ]
    assert rows[1] == ["amal", "Amal Haddad", "JO", "Complete 2026-03-02", "In progress", "No access", "50"]
    assert rows[2][:3] == ["ben", "Ben Smith", ""]
    assert rows[2][4:] == ["Not started", "No access", "50"]
    assert rows[3] == ["Completed by", "", "", "2", "0", "0", ""]


def test_without_a_choice_the_report_picks_an_open_cohort_and_a_course_granted_to_it(
    client, instructor, world
):
    CourseFactory(parent=world["course"].get_parent(), title="Another course", slug="another")
    force_login_verified(client, instructor)

    response = client.get(REPORT)

    assert response.context["report"].cohort == world["cohort"]
    assert response.context["report"].course == world["course"]


def test_the_report_is_in_the_reports_menu_for_staff_who_follow_cohorts(client, editor, world):
    world["cohort"].instructors.add(editor)
    force_login_verified(client, editor)  # edits curriculum pages, teaches the cohort

    assert report(client, world).status_code == 200
    assert REPORT in client.get(reverse("wagtailadmin_home")).content.decode()


def test_officers_cannot_see_the_report(client, world):
    officer = world["cohort"].members.get(username="amal")
    client.force_login(officer)

    for response in (report(client, world), report(client, world, export="csv")):
        assert response.status_code == 302
        assert b"amal" not in response.content


def test_the_xlsx_export_has_the_same_table(client, instructor, world):
    force_login_verified(client, instructor)

    response = report(client, world, export="xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "progress-spring-planning-" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "Username",
        "Name",
        "Nation",
        "Introduction",
        "Mission analysis",
        "Advanced wargaming",
        "Percent",
    ]
    assert rows[1] == ["amal", "Amal Haddad", "JO", "Complete 2026-03-02", "In progress", "No access", 50]
    assert rows[3] == ["Completed by", "", "", 2, 0, 0, ""]


def test_the_downloads_are_of_the_cohort_and_course_on_the_screen(client, instructor, world):
    force_login_verified(client, instructor)

    html = client.get(REPORT).content.decode()  # nothing chosen: the defaults are shown

    chosen = f"cohort={world['cohort'].pk}&amp;course={world['course'].pk}"
    assert f"{REPORT}?{chosen}&amp;export=csv" in html
    assert f"{REPORT}?{chosen}&amp;export=xlsx" in html


def test_without_a_cohort_there_is_nothing_to_export(client, instructor, curriculum_index):
    CourseFactory(parent=curriculum_index, title="Planning", slug="planning")
    force_login_verified(client, instructor)

    response = client.get(REPORT, {"export": "csv"})

    assert response.status_code == 200
    assert "There is no cohort or no course to report on yet." in response.content.decode()


# --- who sees which cohort's report ------------------------------------------------------------


def test_an_instructor_sees_only_the_reports_of_the_cohorts_they_teach(client, world):
    from tests.factories import UserFactory

    other = CohortFactory(slug="autumn", name="Autumn cohort")
    OfficerFactory(username="carla", cohorts=[other])
    teacher = UserFactory(username="teaches.autumn", role="instructor")
    other.instructors.add(teacher)
    force_login_verified(client, teacher)

    own = client.get(REPORT, {"cohort": other.pk, "course": world["course"].pk})
    assert own.status_code == 200
    assert [row.member.username for row in own.context["report"].rows] == ["carla"]
    assert list(own.context["form"].fields["cohort"].queryset) == [other]
    assert b"Spring cohort" not in own.content

    for response in (report(client, world), report(client, world, export="csv")):
        assert response.status_code == 404
        assert b"amal" not in response.content
    assert client.get(REPORT).context["report"].cohort == other  # the default is one of theirs


def test_an_instructor_who_teaches_no_cohort_sees_no_report(client, world):
    from tests.factories import UserFactory

    force_login_verified(client, UserFactory(username="new.instructor", role="instructor"))

    response = client.get(REPORT)
    assert response.status_code == 200
    assert response.context["report"] is None
    assert report(client, world).status_code == 404


@pytest.mark.parametrize("who", ["programme_admin", "superuser"])
def test_programme_admins_and_superusers_see_every_cohort(client, world, who, request):
    force_login_verified(client, request.getfixturevalue(who))
    other = CohortFactory(slug="autumn", name="Autumn cohort")

    assert report(client, world).status_code == 200
    response = client.get(REPORT, {"cohort": other.pk, "course": world["course"].pk})
    assert response.status_code == 200
    cohorts = response.context["form"].fields["cohort"].queryset
    assert {cohort.slug for cohort in cohorts} == {"spring", "other", "autumn"}


def test_the_report_shows_each_members_attempts_best_score_and_verdict(client, instructor, world):
    """A module with a knowledge check: attempts, best score and pass/fail per member, in the table,
    the chart and the CSV (attempts in either language count: they are kept by translation key)."""
    from curriculum.checks import attempts, definition
    from tests.factories import check_questions

    mission = world["modules"][1]
    mission.check_questions = check_questions(
        ("single", "First?", [("Mission", True, ""), ("Budget", False, "")], ""),
        ("single", "Second?", [("Tasks", True, ""), ("Orders", False, "")], ""),
    )
    mission.check_required = True
    mission.save_revision().publish()
    mission.refresh_from_db()
    check = definition.of_page(mission)
    amal, ben = (row.member for row in report_rows(client, instructor, world))
    for user, answers in [
        (amal, {0: {1}, 1: {1}}),  # 0 %
        (amal, {0: {0}, 1: {1}}),  # 50 %
        (amal, {0: {0}, 1: {0}}),  # 100 %: passed
        (ben, {0: {0}, 1: {1}}),  # 50 %
    ]:
        attempts.submit(
            user, mission, check, attempts.new_form_token(), {q: frozenset(o) for q, o in answers.items()}
        )

    response = report(client, world)
    data = response.context["report"]
    amal_cell, ben_cell = (row.cells[1] for row in data.rows)
    assert (amal_cell.check.attempts, amal_cell.check.best_score, amal_cell.check.passed) == (3, 100, True)
    assert (ben_cell.check.attempts, ben_cell.check.best_score, ben_cell.check.passed) == (1, 50, False)
    assert amal_cell.state == "complete"  # passing a required check completed the module
    column = data.modules[1]
    assert (column.has_check, column.attempted, column.passed) == (True, 2, 1)
    assert not data.modules[0].has_check
    html = response.content.decode()
    assert "1 of 2 passed (50%), 2 attempted" in html
    assert "3 attempt(s), best 100%, passed" in html and "1 attempt(s), best 50%, not passed" in html

    rows = list(csv.reader(io.StringIO(report(client, world, export="csv").content.decode("utf-8-sig"))))
    header = rows[0]
    first = header.index("Mission analysis: attempts")
    assert header[first : first + 3] == [
        "Mission analysis: attempts",
        "Mission analysis: best score (%)",
        "Mission analysis: check passed",
    ]
    by_user = {row[0]: row for row in rows[1:]}
    assert by_user["amal"][first : first + 3] == ["3", "100", "yes"]
    assert by_user["ben"][first : first + 3] == ["1", "50", "no"]
    assert rows[-1][first : first + 3] == ["2", "", "1"]


def report_rows(client, instructor, world):
    force_login_verified(client, instructor)
    return report(client, world).context["report"].rows
