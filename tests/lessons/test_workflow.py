"""The lessons-learned process through the portal's pages: submit, review, return and revise,
identify with an action body and an audience, act and close; who reads a lesson at each stage; the
history and the emails each move sends."""

from __future__ import annotations

import datetime

from django.core import mail

import pytest

from lessons.models import Lesson, Status
from tests.conftest import force_login_verified
from tests.factories import AccessRuleFactory, CohortFactory, ModuleFactory, NationFactory, OfficerFactory
from tests.lessons.factories import LessonFactory

pytestmark = pytest.mark.django_db

FIELDS = {
    "title": "Net control at the phase line",
    "locale": "en",
    "observation": "Two stations transmitted at once for ten minutes.",
    "discussion": "No station was named net control.",
    "conclusion": "",
    "recommendation": "Name net control in the order.",
}


def submit(client, **extra) -> Lesson:
    response = client.post("/lessons/new/", {**FIELDS, **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Lesson.objects.latest("pk")


def move(client, lesson, name, **data):
    return client.post(
        f"/lessons/{lesson.pk}/{name}/", {f"{name}-{key}": value for key, value in data.items()}
    )


@pytest.fixture
def author(db):
    return OfficerFactory(username="author", email="author@example.org", nation=NationFactory(code="JO"))


@pytest.fixture
def course_owner(db, course):
    """The instructor who owns the course: the course's action body."""
    from tests.factories import UserFactory

    owner = UserFactory(username="course-owner", role="instructor", email="owner@example.org")
    course.owner = owner
    course.save()
    return owner


def test_submission_reaches_the_managers_and_nobody_else(client, author, manager):
    client.force_login(author)
    lesson = submit(client)
    assert lesson.status == Status.SUBMITTED and lesson.author == author and not lesson.released
    assert [m.to for m in mail.outbox] == [["manager@example.org"]]
    assert lesson.title in mail.outbox[0].subject
    assert client.get(f"/lessons/{lesson.pk}/").status_code == 200
    assert lesson.title in client.get("/lessons/").content.decode()

    client.force_login(OfficerFactory(username="other"))
    assert client.get(f"/lessons/{lesson.pk}/").status_code == 404
    assert lesson.title not in client.get("/lessons/").content.decode()
    assert client.get(f"/ar/lessons/{lesson.pk}/").status_code == 404


def test_an_empty_submission_shows_every_error_and_keeps_the_text(client, author):
    client.force_login(author)
    response = client.post("/lessons/new/", {"title": "Kept title", "locale": "en", "observation": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kept title" in body and "This field is required." in body
    assert not Lesson.objects.exists()


def test_return_needs_a_reason_then_the_author_revises_and_resubmits(client, author, manager):
    client.force_login(author)
    lesson = submit(client)
    force_login_verified(client, manager)
    assert move(client, lesson, "review").status_code == 302
    refused = move(client, lesson, "return", comment="  ")
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    lesson.refresh_from_db()
    assert lesson.status == Status.IN_REVIEW
    mail.outbox.clear()
    assert (
        move(client, lesson, "return", comment="Add what the net control should have done.").status_code
        == 302
    )
    lesson.refresh_from_db()
    assert lesson.status == Status.RETURNED
    assert mail.outbox[0].to == ["author@example.org"]
    assert "Add what the net control should have done." in mail.outbox[0].body

    client.force_login(author)
    page = client.get(f"/lessons/{lesson.pk}/").content.decode()
    assert "Add what the net control should have done." in page  # the history, with the reason
    edited = client.post(f"/lessons/{lesson.pk}/edit/", {**FIELDS, "conclusion": "Net control keeps order."})
    assert edited.status_code == 302
    assert move(client, lesson, "resubmit").status_code == 302
    lesson.refresh_from_db()
    assert lesson.status == Status.SUBMITTED and lesson.conclusion == "Net control keeps order."
    assert list(lesson.transitions.values_list("from_status", "to_status")) == [
        ("", "submitted"),
        ("submitted", "in_review"),
        ("in_review", "returned"),
        ("returned", "submitted"),
    ]
    assert all(transition.actor is not None for transition in lesson.transitions.all())


def test_the_author_cannot_widen_or_decide_the_audience(client, author, manager, course):
    jordan, kenya = NationFactory(code="JO"), NationFactory(code="KE")
    client.force_login(author)
    lesson = submit(client, proposed_nations=[jordan.pk])
    # Fields outside the form (the final audience) are ignored; the moves of managers are refused.
    client.post(
        f"/lessons/{lesson.pk}/edit/",
        {**FIELDS, "proposed_nations": [jordan.pk], "releasable_to": [kenya.pk], "status": "learned"},
    )
    refused = move(
        client, lesson, "identify", action_body="course", action_page=course.pk, action_due_on="2027-01-01"
    )
    assert refused.status_code == 400 and "not available" in refused.content.decode()
    lesson.refresh_from_db()
    assert lesson.status == Status.SUBMITTED and not lesson.released
    assert list(lesson.releasable_to.all()) == [] and list(lesson.proposed_nations.all()) == [jordan]


def test_identify_tasks_the_action_body_and_releases_to_the_audience(
    client, author, manager, course, course_owner
):
    jordan, kenya, peru = NationFactory(code="JO"), NationFactory(code="KE"), NationFactory(code="PE")
    client.force_login(author)
    lesson = submit(client)
    force_login_verified(client, manager)
    incomplete = move(client, lesson, "identify", action_body="course")
    assert incomplete.status_code == 400
    assert "This field is required." in incomplete.content.decode()
    mail.outbox.clear()
    done = move(
        client,
        lesson,
        "identify",
        action_body="course",
        action_page=course.pk,
        action_due_on="2027-02-01",
        releasable_to=[jordan.pk, kenya.pk],
    )
    assert done.status_code == 302
    lesson.refresh_from_db()
    assert lesson.status == Status.IDENTIFIED and lesson.released
    assert lesson.action_due_on == datetime.date(2027, 2, 1)
    assert sorted(to for m in mail.outbox for to in m.to) == ["author@example.org", "owner@example.org"]
    assert list(lesson.tasked.all()) == [course_owner]

    for code, status in (("JO", 200), ("KE", 200), ("PE", 404)):
        client.force_login(OfficerFactory(username=f"reader-{code}", nation=NationFactory(code=code)))
        assert client.get(f"/lessons/{lesson.pk}/").status_code == status
        listed = lesson.title in client.get("/lessons/").content.decode()
        assert listed is (status == 200)
    assert peru  # the third nation exists and is refused


def test_a_named_cohort_limits_readers_to_its_open_members(client, author, manager, course):
    today = datetime.date.today()
    open_cohort = CohortFactory()
    closed = CohortFactory(
        starts_on=today - datetime.timedelta(days=90), ends_on=today - datetime.timedelta(days=60)
    )
    lesson = LessonFactory(author=author, status=Status.IDENTIFIED, cohorts=[open_cohort, closed])
    for cohorts, status in (([open_cohort], 200), ([closed], 404), ([], 404)):
        client.force_login(OfficerFactory(cohorts=cohorts))
        assert client.get(f"/lessons/{lesson.pk}/").status_code == status
    client.force_login(author)  # the author reads it whatever the audience
    assert client.get(f"/lessons/{lesson.pk}/").status_code == 200


def test_the_action_body_starts_and_closes_with_the_changed_module(
    client, author, manager, course, course_owner
):
    module = ModuleFactory(parent=course, title="Net control drills")
    lesson = LessonFactory(
        author=author,
        status=Status.IDENTIFIED,
        action_body="course",
        action_page=course,
        action_due_on=datetime.date.today() + datetime.timedelta(days=10),
        releasable_to=[NationFactory(code="PE")],  # the action body reads it outside its audience
    )
    lesson.tasked.add(course_owner)
    force_login_verified(client, course_owner)
    assert move(client, lesson, "start").status_code == 302
    refused = move(client, lesson, "close", closing_note="Drills added.")
    assert (
        refused.status_code == 400
        and "Link the module or course" in refused.content.decode()
        or "required" in refused.content.decode()
    )
    mail.outbox.clear()
    assert (
        move(client, lesson, "close", closing_note="Drills added.", changed_pages=[module.pk]).status_code
        == 302
    )
    lesson.refresh_from_db()
    assert lesson.status == Status.LEARNED
    assert list(lesson.changed_pages.all()) == [module.page_ptr]
    assert "author@example.org" in [to for m in mail.outbox for to in m.to]
    page = client.get(f"/lessons/{lesson.pk}/").content.decode()
    assert "Net control drills" in page and "Drills added." in page

    # A reader who is not the action body cannot move it (it is released to every nation).
    other = LessonFactory(author=author, status=Status.IDENTIFIED, action_body="course", action_page=course)
    client.force_login(OfficerFactory())
    assert move(client, other, "start").status_code == 400
    other.refresh_from_db()
    assert other.status == Status.IDENTIFIED


def test_reject_records_the_reason_for_the_author(client, author, manager):
    lesson = LessonFactory(author=author)
    force_login_verified(client, manager)
    assert move(client, lesson, "reject", comment="Already covered by lesson 12.").status_code == 302
    lesson.refresh_from_db()
    assert lesson.status == Status.REJECTED
    client.force_login(author)
    assert "Already covered by lesson 12." in client.get(f"/lessons/{lesson.pk}/").content.decode()
    assert move(client, lesson, "resubmit").status_code == 400


def test_overdue_actions_are_listed_for_managers_only(client, author, manager, course):
    late = LessonFactory(
        title="Late remedy",
        status=Status.ACTION,
        action_body="course",
        action_page=course,
        action_due_on=datetime.date.today() - datetime.timedelta(days=3),
    )
    LessonFactory(
        title="On time remedy",
        status=Status.ACTION,
        action_body="course",
        action_page=course,
        action_due_on=datetime.date.today() + datetime.timedelta(days=3),
    )
    LessonFactory(title="Closed remedy", status=Status.LEARNED, action_due_on=datetime.date(2020, 1, 1))
    force_login_verified(client, manager)
    page = client.get("/lessons/overdue/").content.decode()
    assert late.title in page and "On time remedy" not in page and "Closed remedy" not in page
    client.force_login(author)
    assert client.get("/lessons/overdue/").status_code == 404


def test_history_is_shown_to_those_in_the_process_only(client, author, manager):
    lesson = LessonFactory(author=author, status=Status.LEARNED)
    client.force_login(OfficerFactory())
    page = client.get(f"/lessons/{lesson.pk}/").content.decode()
    assert page.count("History") == 0
    client.force_login(author)
    assert "History" in client.get(f"/lessons/{lesson.pk}/").content.decode()


def test_module_pages_show_the_lessons_their_reader_may_read(client, course):
    module = ModuleFactory(parent=course, title="Radio procedure")
    jordan = NationFactory(code="JO")
    LessonFactory(
        title="Released to Jordan", status=Status.IDENTIFIED, releasable_to=[jordan], modules=[module]
    )
    LessonFactory(title="Still in review", status=Status.IN_REVIEW, modules=[module])
    client.force_login(OfficerFactory(nation=jordan))
    page = client.get(module.url).content.decode()
    assert "Lessons from the field" in page and "Released to Jordan" in page and "Still in review" not in page
    client.force_login(OfficerFactory(nation=NationFactory(code="KE")))
    page = client.get(module.url).content.decode()
    assert "Released to Jordan" not in page and "Lessons from the field" not in page


def test_filters_offer_only_what_the_reader_may_read(client):
    jordan = NationFactory(code="JO")
    LessonFactory(title="Open lesson", status=Status.LEARNED, event="Exercise Falcon")
    LessonFactory(
        title="Jordan lesson", status=Status.LEARNED, releasable_to=[jordan], event="Exercise Secret"
    )
    client.force_login(OfficerFactory(nation=NationFactory(code="KE")))
    page = client.get("/lessons/").content.decode()
    assert "Exercise Falcon" in page and "Exercise Secret" not in page
    filtered = client.get("/lessons/", {"event": "Exercise Secret"}).content.decode()
    assert "Jordan lesson" not in filtered
    assert (
        "Open lesson"
        in client.get("/lessons/", {"status": "learned", "event": "Exercise Falcon"}).content.decode()
    )


@pytest.mark.parametrize("url", ["/lessons/999999/", "/lessons/999999/edit/", "/lessons/new/"])
def test_anonymous_readers_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_unknown_lessons_and_moves_are_not_found(client, author):
    lesson = LessonFactory(author=author)
    client.force_login(author)
    assert client.get("/lessons/999999/").status_code == 404
    assert client.post(f"/lessons/{lesson.pk}/fly/").status_code == 404
    assert client.get(f"/lessons/{lesson.pk}/review/").status_code == 405
    assert AccessRuleFactory  # rules do not govern lessons: no page is involved
