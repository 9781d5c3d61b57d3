"""Every response carries the security headers; officer pages get a CSP without inline script or
style, the admin its own (documented) exception; sessions end after the idle timeout."""

from __future__ import annotations

import datetime

from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
import time_machine

from tests.conftest import force_login_verified
from tests.factories import ModuleFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def directives(response, header: str = "Content-Security-Policy") -> dict[str, list[str]]:
    policy = response[header]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_security_headers(response, *, admin: bool = False) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["report-uri"] == ["/csp-report/"]
    if admin:
        assert csp["frame-ancestors"] == ["'self'"]
    else:
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
        assert csp["style-src"] == ["'self'"]


@pytest.fixture
def officer_client(client, course):
    ModuleFactory(parent=course, title="Mission Analysis")
    client.force_login(OfficerFactory(username="amal"))
    return client


def test_officer_pages_404s_and_the_api_carry_the_headers(officer_client, course):
    module = course.get_children().live().first()
    for address in (
        "/",
        "/dashboard/",
        course.url,
        module.url,
        "/glossary/",
        "/search/?q=mission",
        "/ar/dashboard/",
        "/accounts/two-factor/",
        "/curriculum/no-such-page/",
        "/api/v1/search/?q=mission",
        "/api/v1/search/suggest/?q=mis",
        "/api/v1/search/?page=-1",
    ):
        response = officer_client.get(address)
        assert response.status_code in (200, 400, 404), address
        assert_security_headers(response)


def test_anonymous_pages_sign_in_and_static_carry_the_headers(client):
    for address in ("/", "/accounts/login/", "/ar/accounts/login/", "/dashboard/", "/api/v1/search/?q=x"):
        response = client.get(address)
        assert_security_headers(response)
    response = client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    assert_security_headers(response)


def test_the_admin_has_its_own_policy_and_still_refuses_other_sites_frames(client, superuser):
    force_login_verified(client, superuser)
    for address in ("/admin/", "/admin/pages/", "/admin/reports/access-log/", "/django-admin/"):
        response = client.get(address)
        assert response.status_code == 200, address
        assert_security_headers(response, admin=True)
        csp = directives(response)
        assert "'unsafe-inline'" in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]


def test_officer_templates_have_no_inline_script_or_style(officer_client, course):
    module = course.get_children().live().first()
    for address in (
        "/",
        "/dashboard/",
        course.url,
        module.url,
        "/search/?q=mission",
        "/accounts/two-factor/",
    ):
        html = officer_client.get(address).content.decode()
        assert "<script>" not in html and "<style" not in html and " style=" not in html, address
        assert " onclick=" not in html and "javascript:" not in html, address


def test_sessions_end_after_the_idle_timeout(officer_client):
    assert django_settings.SESSION_COOKIE_AGE == django_settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 == 30 * 60
    start = datetime.datetime.now(tz=datetime.UTC)
    response = officer_client.get("/dashboard/")
    assert response.cookies["sessionid"]["max-age"] == 30 * 60
    # Activity keeps the session alive ...
    for minutes in (20, 40, 60):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes)):
            assert officer_client.get("/dashboard/").status_code == 200
    # ... and half an hour without a request ends it.
    with time_machine.travel(start + datetime.timedelta(minutes=91)):
        assert officer_client.get("/dashboard/").status_code == 302


def test_page_previews_get_the_admin_policy_to_show_in_the_editor(client, superuser, course):
    module = ModuleFactory(parent=course, title="Mission Analysis")
    force_login_verified(client, superuser)
    response = client.get(f"/admin/pages/{module.pk}/view_draft/")
    assert response.status_code == 200
    # Rendered by Wagtail through the middleware with a stand-in request for the page's own address.
    assert directives(response)["frame-ancestors"] == ["'self'"]


def test_a_session_is_renewed_at_most_once_a_minute(officer_client):
    start = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(start):
        officer_client.get("/dashboard/")
    with (
        time_machine.travel(start + datetime.timedelta(seconds=30)),
        CaptureQueriesContext(connection) as queries,
    ):
        response = officer_client.get("/dashboard/")
    assert response.status_code == 200 and "sessionid" not in response.cookies
    assert not [query for query in queries if "django_session" in query["sql"] and "UPDATE" in query["sql"]]
    with time_machine.travel(start + datetime.timedelta(seconds=61)):
        response = officer_client.get("/dashboard/")
    assert response.cookies["sessionid"]["max-age"] == 30 * 60, "renewed once the minute is over"
