"""The store down, for real: Ralph stopped with scripts/services/lrs.sh. Progress still works (a
knowledge-check attempt is taken and earns its module meanwhile), the statements wait in the outbox,
and once the store is back they arrive, each exactly once, however often they are sent again
(`xapi_resend`). The store is running again at the end."""

from __future__ import annotations

import datetime
import re

from django.core.management import call_command
from django.utils import timezone

import pytest
import time_machine

from curriculum.models import CheckAttempt, ModuleProgress
from tests.factories import CourseFactory, ModuleFactory, OfficerFactory, check_questions
from tests.xapi.conftest import statements_of, store, unique
from xapi import sending
from xapi.models import XapiStatement

pytestmark = pytest.mark.django_db


def test_statements_wait_for_the_store_and_arrive_once(client, managed_store, committed, curriculum_index):
    course = CourseFactory(parent=curriculum_index)
    module = ModuleFactory(parent=course)
    checked = ModuleFactory(
        parent=course,
        check_questions=check_questions(
            ("single", "First?", [("Mission", True, ""), ("Budget", False, "")], "")
        ),
        check_required=True,
    )
    officer = OfficerFactory(username=unique("officer"))
    client.force_login(officer)

    store("stop")
    try:
        with committed():
            assert client.get(module.url).status_code == 200
        with committed():
            assert client.post(f"/progress/{module.pk}/complete/").status_code == 302
        with committed():
            page = client.get(checked.url).content.decode()
        token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
        with committed():  # the attempt works with the store down
            assert client.post(f"{checked.url}check/", {"form_token": token, "q0": "0"}).status_code == 303
        assert CheckAttempt.objects.get(user=officer).passed
        assert ModuleProgress.objects.filter(user=officer, completed_at__isnull=False).count() == 2
        pending = list(XapiStatement.objects.order_by("pk"))
        # experienced and completed each module, answered and passed the check, completed the course
        assert len(pending) == 7
        assert all(row.sent_at is None and row.attempts == 1 and row.last_error for row in pending)
        assert sending.send_due().sent == 0, "nothing is due before its retry time"
    finally:
        store("start")

    retry_at = max(row.available_at for row in XapiStatement.objects.all())
    with time_machine.travel(retry_at + datetime.timedelta(seconds=1)):
        assert sending.send_due().sent == 7
        assert sending.send_due().sent == 0
    assert not XapiStatement.objects.filter(sent_at__isnull=True).exists()
    ids = {str(row.statement_id) for row in pending}
    assert sorted(s["id"] for s in statements_of(officer.username)) == sorted(ids)

    # A store that lost them gets them again; this one has them, and keeps each once.
    call_command("xapi_resend", "--since", timezone.localdate().isoformat())
    assert not XapiStatement.objects.filter(sent_at__isnull=True).exists()
    assert sorted(s["id"] for s in statements_of(officer.username)) == sorted(ids)
