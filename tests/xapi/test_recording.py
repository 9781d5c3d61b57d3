"""What is recorded, without a store (nothing is sent: the test's transaction never commits): a module
is experienced once a day, completed once until marked incomplete, a course completed only with every
module of it the officer may read; nothing when xAPI is off or the progress is rolled back; a refused
statement is set aside without holding back the others."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

import pytest
import time_machine

from curriculum import progress
from tests.factories import AccessRuleFactory, CohortFactory, CourseFactory, ModuleFactory, OfficerFactory
from xapi import outbox, sending, statements
from xapi.models import XapiStatement

pytestmark = pytest.mark.django_db


@pytest.fixture
def xapi_on(settings):
    settings.XAPI_LRS_URL = "http://127.0.0.1:9"  # never reached: nothing here commits


def verbs() -> list[tuple[str, str]]:
    return [
        (row.statement["verb"]["id"].rsplit("/", 1)[-1], row.statement["object"]["id"].split("/")[-2])
        for row in XapiStatement.objects.order_by("pk")
    ]


def test_a_module_is_experienced_once_a_day(client, xapi_on, course):
    module = ModuleFactory(parent=course)
    officer = OfficerFactory(username="reader")
    client.force_login(officer)
    client.get(module.url)
    client.get(module.url)
    assert verbs() == [("experienced", "module")]
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        client.force_login(officer)  # the session of yesterday has timed out
        assert client.get(module.url).status_code == 200
        client.get(module.url)
    assert verbs() == [("experienced", "module")] * 2
    client.head(module.url)
    assert len(verbs()) == 2


def test_completion_is_recorded_once_until_undone(client, xapi_on, course):
    module = ModuleFactory(parent=course)
    client.force_login(OfficerFactory(username="reader"))
    client.post(f"/progress/{module.pk}/complete/")
    client.post(f"/progress/{module.pk}/complete/")
    assert verbs() == [("experienced", "module"), ("completed", "module"), ("completed", "course")]
    client.post(f"/progress/{module.pk}/incomplete/")
    client.post(f"/progress/{module.pk}/complete/")
    assert verbs()[3:] == [("completed", "module"), ("completed", "course")]


def test_a_course_is_completed_with_every_module_the_officer_may_read(client, xapi_on, curriculum_index):
    cohort, other = CohortFactory(), CohortFactory()
    course = CourseFactory(parent=curriculum_index)
    first, second, hidden = (ModuleFactory(parent=course) for _ in range(3))
    AccessRuleFactory(page=hidden, cohorts=[other])
    officer = OfficerFactory(username="reader", cohorts=[cohort])
    client.force_login(officer)
    client.post(f"/progress/{first.pk}/complete/")
    assert ("completed", "course") not in verbs()
    client.post(f"/progress/{second.pk}/complete/")
    assert verbs()[-1] == ("completed", "course")


def test_nothing_is_recorded_when_xapi_is_off(client, settings, course):
    settings.XAPI_LRS_URL = ""
    module = ModuleFactory(parent=course)
    client.force_login(OfficerFactory(username="reader"))
    client.get(module.url)
    client.post(f"/progress/{module.pk}/complete/")
    assert not XapiStatement.objects.exists()


def test_rolled_back_progress_leaves_no_statement(xapi_on, course):
    module = ModuleFactory(parent=course)
    officer = OfficerFactory(username="reader")
    with pytest.raises(RuntimeError), transaction.atomic():
        progress.set_complete(officer, module)
        assert len(verbs()) == 3
        raise RuntimeError
    assert not XapiStatement.objects.exists()


def test_a_refused_statement_waits_without_holding_back_the_rest(xapi_on, monkeypatch):
    rows = outbox.record(
        [statements.experienced(f"officer{n}", statements.Activity("module", f"key{n}")) for n in range(3)]
    )
    posted = []

    def post(batch):
        if len(batch) > 1 or batch[0]["actor"]["account"]["name"] == "officer1":
            raise sending.StatementsRefused("HTTP 409: differing statements already exist")
        posted.append(batch[0]["id"])

    monkeypatch.setattr(sending, "post", post)
    report = sending.send_due()
    assert (report.sent, report.failed) == (2, 1)
    assert posted == [str(rows[0].statement_id), str(rows[2].statement_id)]
    refused = XapiStatement.objects.get(sent_at__isnull=True)
    assert refused.pk == rows[1].pk and refused.attempts == 1 and "409" in refused.last_error
    assert refused.available_at > timezone.now()


def test_an_attempt_is_recorded_with_its_score_or_not_at_all(client, xapi_on, course, monkeypatch):
    """answered and failed (or passed) in the transaction that records the attempt: an attempt that
    fails to be recorded leaves no statement."""
    import re

    from curriculum.checks import attempts
    from curriculum.models import CheckAttempt
    from tests.factories import check_questions

    module = ModuleFactory(
        parent=course,
        check_questions=check_questions(
            ("single", "First?", [("Mission", True, ""), ("Budget", False, "")], "")
        ),
    )
    client.force_login(OfficerFactory(username="reader"))

    def token() -> str:
        return re.search(r'name="form_token" value="([^"]+)"', client.get(module.url).content.decode()).group(
            1
        )

    client.post(f"{module.url}check/", {"form_token": token(), "q0": "1"})
    assert verbs() == [("experienced", "module"), ("answered", "check"), ("failed", "check")]
    failed = XapiStatement.objects.order_by("pk").last().statement
    assert failed["result"]["score"] == {"scaled": 0, "raw": 0, "min": 0, "max": 1}

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    fresh = token()
    monkeypatch.setattr(attempts.progress, "record_visit", broken)
    with pytest.raises(RuntimeError):
        client.post(f"{module.url}check/", {"form_token": fresh, "q0": "0"})
    assert CheckAttempt.objects.count() == 1
    assert len(verbs()) == 3


def test_a_claim_is_leased_and_a_dead_senders_rows_come_back(xapi_on, settings):
    rows = outbox.record([statements.experienced("reader", statements.Activity("module", "key"))])
    now = timezone.now()
    assert [row.pk for row in outbox.claim(now, 10)] == [rows[0].pk]
    assert outbox.claim(now, 10) == [], "held by the first sender"
    later = now + datetime.timedelta(seconds=settings.XAPI_OUTBOX_LEASE_SECONDS + 1)
    assert [row.pk for row in outbox.claim(later, 10)] == [rows[0].pk]
    assert XapiStatement.objects.get().claims == 2


def test_resend_queues_again_what_was_recorded_in_the_dates(xapi_on, monkeypatch):
    from django.core.management import call_command

    with time_machine.travel(datetime.datetime(2026, 11, 3, 12, tzinfo=datetime.UTC)):
        early = outbox.record([statements.experienced("reader", statements.Activity("module", "a"))])
    with time_machine.travel(datetime.datetime(2026, 11, 10, 12, tzinfo=datetime.UTC)):
        late = outbox.record([statements.experienced("reader", statements.Activity("module", "b"))])
    XapiStatement.objects.update(sent_at=timezone.now())
    posted = []
    monkeypatch.setattr(sending, "post", lambda batch: posted.extend(s["id"] for s in batch))
    call_command("xapi_resend", "--since", "2026-11-01", "--until", "2026-11-03")
    assert posted == [str(early[0].statement_id)]
    call_command("xapi_resend", "--since", "2026-11-04")
    assert posted[1:] == [str(late[0].statement_id)]
    assert not XapiStatement.objects.filter(sent_at__isnull=True).exists()
