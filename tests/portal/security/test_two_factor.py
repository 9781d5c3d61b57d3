"""Two-factor authentication: required for everyone who can reach the admin, optional for officers,
with single-use recovery codes; every step in the access log."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse

import pytest
import time_machine
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import authenticator_for, force_login_verified, totp_code
from tests.factories import OfficerFactory, UserFactory
from tests.portal.security.conftest import sign_in

pytestmark = pytest.mark.django_db

SETUP, VERIFY, RECOVERY = (
    "/accounts/two-factor/setup/",
    "/accounts/two-factor/verify/",
    "/accounts/two-factor/recovery/",
)


def later(seconds: int = 60):
    """Time moves on (a new TOTP step; django-otp's throttle delay passes)."""
    return time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=seconds))


def enrol(client, user) -> list[str]:
    """Enrol through the pages as the user would; returns the recovery codes shown."""
    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"code": totp_code(device), "next": "/admin/"})
    assert response.status_code == 200
    return re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())


def test_staff_cannot_reach_the_admin_with_a_password_alone(client, instructor):
    response = sign_in(client, "instructor", path="/accounts/login/?next=/admin/")
    assert response.status_code == 302

    for address in ("/admin/", "/admin/pages/", "/django-admin/", "/dashboard/", "/"):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(SETUP), address
    assert client.get("/api/v1/search/", {"q": "x"}).status_code == 403
    assert client.get("/api/v1/search/", {"q": "x"}).json()["error"] == "second_factor_required"


def test_staff_enrol_see_recovery_codes_once_and_then_reach_the_admin(client, instructor, access_log):
    sign_in(client, "instructor")
    page = client.get(SETUP).content.decode()
    assert "<svg" in page and "viewBox" in page  # the QR code, drawn here
    device = TOTPDevice.objects.get(user=instructor, confirmed=False)
    assert client.get(SETUP).content.decode().count("<svg") == page.count("<svg")  # same secret on reload
    assert TOTPDevice.objects.filter(user=instructor).count() == 1

    wrong = client.post(SETUP, {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    with later():
        response = client.post(SETUP, {"code": totp_code(device), "next": "/admin/"})
        codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())
        assert len(codes) == 10 and len(set(codes)) == 10
        assert "no-store" in response["Cache-Control"]
        assert client.get("/admin/").status_code == 200

    assert TOTPDevice.objects.get(user=instructor).confirmed
    assert [title for _, _, title in access_log("two_factor")] == [
        "Enrolment refused: wrong code",
        "Authenticator app enrolled; new recovery codes",
    ]


def test_staff_with_a_device_pass_the_second_step_after_the_password(client, editor, access_log):
    device = authenticator_for(editor)
    response = sign_in(client, "editor", path="/accounts/login/?next=/admin/pages/")
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=/admin/pages/"

    assert "not right" in client.post(VERIFY, {"code": "123456", "next": "/admin/pages/"}).content.decode()
    with later():
        response = client.post(VERIFY, {"code": totp_code(device), "next": "/admin/pages/"})
    assert response.status_code == 302 and response["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200
    assert access_log("sign_in") == [("editor", "granted", "Signed in with password; second step to follow")]
    assert access_log("two_factor") == [
        ("editor", "denied", "Wrong second-step code"),
        ("editor", "granted", "Second step passed (authenticator app)"),
    ]


def test_a_code_is_not_accepted_twice_and_wrong_codes_are_throttled(client, editor):
    device = authenticator_for(editor)
    sign_in(client, "editor")
    code = totp_code(device)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post("/accounts/logout/")

    sign_in(client, "editor")
    assert "not right" in client.post(VERIFY, {"code": code}).content.decode()  # replayed
    refused = client.post(VERIFY, {"code": totp_code(device)}).content.decode()
    assert "Too many wrong codes" in refused  # django-otp's back-off after a failure
    with later():
        assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302


def test_a_recovery_code_works_once(client, instructor, access_log):
    sign_in(client, "instructor")
    codes = enrol(client, instructor)
    client.post("/accounts/logout/")

    sign_in(client, "instructor")
    response = client.post(RECOVERY, {"code": codes[0].upper().replace("-", " "), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert StaticToken.objects.filter(device__user=instructor).count() == 9
    client.post("/accounts/logout/")

    sign_in(client, "instructor")
    assert "not right" in client.post(RECOVERY, {"code": codes[0]}).content.decode()
    assert client.get("/admin/").status_code == 302
    with later():
        assert client.post(RECOVERY, {"code": codes[1]}).status_code == 302
    assert ("instructor", "granted", "Second step passed (recovery code; 9 left)") in access_log("two_factor")
    assert ("instructor", "denied", "Wrong recovery code") in access_log("two_factor")


def test_a_session_owing_its_second_step_cannot_replace_or_remove_the_device(client, editor):
    authenticator_for(editor)
    sign_in(client, "editor")
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    assert client.get("/accounts/two-factor/")["Location"].startswith(VERIFY)
    assert client.post("/accounts/two-factor/turn-off/")["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=editor, confirmed=True).count() == 1


def test_officers_sign_in_with_a_password_alone(client):
    OfficerFactory(username="amal")
    response = sign_in(client, "amal")
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/api/v1/search/", {"q": "x"}).status_code == 200
    assert client.get("/admin/").status_code == 302  # Wagtail's own refusal: no admin access
    assert not client.get("/admin/")["Location"].startswith(("/accounts/two-factor/",))


def test_officers_may_turn_two_factor_on_and_off(client, access_log):
    officer = OfficerFactory(username="amal")
    sign_in(client, "amal")
    assert "Off:" in client.get("/accounts/two-factor/").content.decode()
    enrol(client, officer)
    assert "On:" in client.get("/accounts/two-factor/").content.decode()
    client.post("/accounts/logout/")

    sign_in(client, "amal")
    assert client.get("/dashboard/")["Location"] == f"{VERIFY}?next=/dashboard/"
    with later():
        assert client.post(VERIFY, {"code": totp_code(authenticator_for(officer))}).status_code == 302
        assert client.get("/dashboard/").status_code == 200
        client.post("/accounts/two-factor/turn-off/")
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert client.get("/dashboard/").status_code == 200
    client.post("/accounts/logout/")
    sign_in(client, "amal")
    assert client.get("/dashboard/").status_code == 200
    assert ("amal", "granted", "Two-factor authentication turned off") in access_log("two_factor")


def test_staff_cannot_turn_their_second_factor_off(client, instructor):
    force_login_verified(client, instructor)
    page = client.get("/accounts/two-factor/").content.decode()
    assert "Turn off" not in page
    client.post("/accounts/two-factor/turn-off/")
    assert TOTPDevice.objects.filter(user=instructor, confirmed=True).exists()


def test_new_recovery_codes_replace_the_old_ones(client, instructor):
    sign_in(client, "instructor")
    old = enrol(client, instructor)
    response = client.post("/accounts/two-factor/recovery-codes/")
    new = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert StaticToken.objects.filter(device__user=instructor).count() == 10


def test_a_role_given_during_a_session_asks_for_the_second_factor_at_once(client):
    user = OfficerFactory(username="amal")
    sign_in(client, "amal")
    assert client.get("/dashboard/").status_code == 200
    from curriculum.roles import assign_role

    assign_role(user, "instructor")
    assert client.get("/dashboard/")["Location"].startswith(SETUP)


def test_the_second_step_pages_show_nothing_of_the_portal(client, instructor, course):
    sign_in(client, "instructor")
    page = client.get(SETUP).content.decode()
    assert course.title not in page
    assert 'class="main-nav"' not in page


def test_arabic_second_step(client, editor):
    authenticator_for(editor)
    sign_in(client, "editor", path="/ar/accounts/login/")
    response = client.get("/ar/accounts/two-factor/verify/")
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()


def test_the_login_page_keeps_its_contract(client):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="username"' in html and 'name="password"' in html and "csrfmiddlewaretoken" in html
    UserFactory(username="plain")
    assert sign_in(client, "plain")["Location"] == "/dashboard/"


def test_an_officer_whose_device_was_removed_is_not_held_at_the_second_step(client):
    officer = OfficerFactory(username="amal")
    authenticator_for(officer)
    sign_in(client, "amal")
    assert client.get("/dashboard/").status_code == 302
    TOTPDevice.objects.filter(user=officer).delete()  # a superuser removed the lost phone
    assert client.get("/dashboard/").status_code == 200


def test_the_two_factor_question_reads_the_permissions_in_one_query(django_assert_num_queries):
    """Asked on every request: the user's own and their groups' permissions in one query (Django's
    ModelBackend reads them in two), and the same answers as ModelBackend's, for the rest of the
    request too."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Group, Permission

    from curriculum.roles import assign_role
    from portal.security.two_factor import must_use_second_factor

    officer, instructor, direct = OfficerFactory(), UserFactory(), UserFactory()
    assign_role(instructor, "instructor")
    direct.user_permissions.add(Permission.objects.get(codename="access_admin"))
    readers = Group.objects.create(name="readers of cohorts")
    readers.permissions.add(Permission.objects.get(codename="view_cohort"))
    direct.groups.add(readers)
    for user, owes in ((officer, False), (instructor, True), (direct, True)):
        user = get_user_model().objects.get(pk=user.pk)  # nothing read yet
        with django_assert_num_queries(1):
            assert must_use_second_factor(user) is owes
            assert user.has_perm("wagtailadmin.access_admin") is owes  # asks no more
        fresh = get_user_model().objects.get(pk=user.pk)
        backend = ModelBackend()
        assert user._user_perm_cache == backend.get_user_permissions(fresh)
        assert user._group_perm_cache == backend.get_group_permissions(fresh)
        assert user.get_all_permissions() == fresh.get_all_permissions()
    assert get_user_model().objects.get(pk=direct.pk).has_perm("portal.view_cohort")
