"""Sign-in lockout (django-axes): after AXES_FAILURE_LIMIT failures for one username from one
address, sign-in is refused with a clear page until the cool-off passes or an admin lifts it."""

from __future__ import annotations

import datetime

from django.core.management import call_command

import pytest
import time_machine
from axes.models import AccessAttempt

from tests.conftest import force_login_verified
from tests.factories import OfficerFactory
from tests.portal.security.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def amal(db):
    return OfficerFactory(username="amal")


def fail(client, times: int, username: str = "amal", **extra) -> list[int]:
    return [sign_in(client, username, "wrong-password", **extra).status_code for _ in range(times)]


def test_the_configured_number_of_failures_locks_the_account_from_that_address(
    client, amal, settings, access_log
):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert fail(client, 4) == [200, 200, 200, 200]  # the sign-in form again, with its error
    locked = sign_in(client, "amal", "wrong-password")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Sign-in locked for now" in html and "5 times in a row" in html and "15 minutes" in html

    # Even the right password is refused now, and nothing signs in.
    assert sign_in(client, "amal").status_code == 429
    assert client.get("/dashboard/").status_code == 302

    assert access_log("sign_in") == [("amal", "denied", "Sign-in failed: wrong username or password")] * 4
    assert (
        access_log("lockout") == [("amal", "denied", "Sign-in refused: too many failures (locked out)")] * 2
    )

    # Another address is not locked out of the same account (lockout is per username and address).
    assert sign_in(client, "amal", REMOTE_ADDR="192.0.2.44").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, amal, settings):
    fail(client, 5)
    assert sign_in(client, "amal").status_code == 429
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + settings.AXES_COOLOFF_TIME):
        response = sign_in(client, "amal")
        assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert not AccessAttempt.objects.filter(username="amal").exists()  # a success resets the count


def test_a_success_resets_the_count(client, amal):
    fail(client, 4)
    assert sign_in(client, "amal").status_code == 302
    client.post("/accounts/logout/")
    assert fail(client, 4) == [200] * 4
    assert sign_in(client, "amal").status_code == 302


def test_axes_reset_lifts_a_lockout(client, amal):
    fail(client, 5)
    call_command("axes_reset_username", "amal")
    assert sign_in(client, "amal").status_code == 302


def test_the_wagtail_admin_sign_in_is_protected_too(client, instructor):
    assert fail(client, 5, username="instructor", path="/admin/login/")[-1] == 429


def test_the_lockout_page_is_in_arabic_under_ar(client, amal):
    fail(client, 4)
    response = sign_in(client, "amal", "wrong-password", path="/ar/accounts/login/")
    assert response.status_code == 429
    html = response.content.decode()
    assert 'lang="ar"' in html and "Sign-in locked for now" not in html


def test_programme_admins_see_and_lift_lockouts_in_the_admin(client, amal, programme_admin, instructor):
    fail(client, 5)
    attempt = AccessAttempt.objects.get(username="amal")

    force_login_verified(client, instructor)
    assert client.get("/admin/reports/sign-in-lockouts/").status_code == 302  # not theirs

    force_login_verified(client, programme_admin)
    listing = client.get("/admin/reports/sign-in-lockouts/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "amal" in html and "127.0.0.1" in html
    assert "Sign-in lockouts" in client.get("/admin/").content.decode()
    assert client.get(f"/admin/reports/sign-in-lockouts/delete/{attempt.pk}/").status_code == 200
    assert client.post(f"/admin/reports/sign-in-lockouts/delete/{attempt.pk}/").status_code == 302
    assert not AccessAttempt.objects.exists()

    from wagtail.models import ModelLogEntry

    assert ModelLogEntry.objects.filter(action="wagtail.delete", user=programme_admin).exists()
    client.logout()
    assert sign_in(client, "amal").status_code == 302
