"""The audit trail: admin actions in Wagtail's audit log; sign-ins, failures, lockouts, sign-outs and
second-factor steps in the access log."""

from __future__ import annotations

from django.urls import reverse

from wagtail.models import ModelLogEntry, PageLogEntry

import pytest

from portal.models import Nation
from tests.conftest import force_login_verified
from tests.factories import ModuleFactory, OfficerFactory
from tests.portal.security.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_admin_actions_on_snippets_are_in_wagtails_audit_log(client, programme_admin):
    force_login_verified(client, programme_admin)
    response = client.post(
        reverse("wagtailsnippets_portal_nation:add"), {"code": "JO", "name": "Jordan", "name_ar": "الأردن"}
    )
    assert response.status_code == 302
    nation = Nation.objects.get(code="JO")
    response = client.post(
        reverse("wagtailsnippets_portal_nation:edit", args=(nation.pk,)),
        {"code": "JO", "name": "Hashemite Kingdom of Jordan", "name_ar": "الأردن"},
    )
    assert response.status_code == 302
    actions = set(
        ModelLogEntry.objects.filter(object_id=str(nation.pk), user=programme_admin).values_list(
            "action", flat=True
        )
    )
    assert {"wagtail.create", "wagtail.edit"} <= actions


def test_admin_actions_on_pages_are_in_wagtails_audit_log(client, superuser, course):
    module = ModuleFactory(parent=course, title="Mission Analysis")
    force_login_verified(client, superuser)
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=(module.pk,)))
    assert response.status_code == 302
    assert PageLogEntry.objects.filter(page=module, action="wagtail.unpublish", user=superuser).exists()


def test_sign_in_events_are_in_the_access_log(client, access_log):
    OfficerFactory(username="amal")
    sign_in(client, "amal", "wrong")
    sign_in(client, "amal")
    client.post("/accounts/logout/")
    sign_in(client, "nobody-at-all", "guess")
    assert access_log("sign_in") == [
        ("amal", "denied", "Sign-in failed: wrong username or password"),
        ("amal", "granted", "Signed in"),
        ("nobody-at-all", "denied", "Sign-in failed: wrong username or password"),
    ]
    assert access_log("sign_out") == [("amal", "granted", "Signed out")]

    from portal.models import AccessLogEntry

    entry = AccessLogEntry.objects.filter(object_type="sign_in", outcome="granted").get()
    assert entry.user.username == "amal" and entry.ip_address == "127.0.0.1"
    assert entry.path == "/accounts/login/"


def test_the_access_log_filters_sign_in_events(client, programme_admin):
    OfficerFactory(username="amal")
    sign_in(client, "amal", "wrong")
    force_login_verified(client, programme_admin)
    listing = client.get(reverse("access_log:index"), {"object_type": "sign_in", "outcome": "denied"})
    assert listing.status_code == 200
    assert [entry.username for entry in listing.context["object_list"]] == ["amal"]
