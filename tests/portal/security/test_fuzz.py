"""Hostile input on every form and JSON endpoint an officer can reach (hypothesis): never a 500, and a
refused request leaves nothing behind (no progress, rule, membership, device or report row).

Sign-in, the second-step and enrolment forms, "mark as completed", "view as" (refused to officers),
search and its JSON API, and the CSP report endpoint. Failed sign-ins and wrong codes are *meant* to
leave an access-log entry and a throttle count: those are the audit trail, not content.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.test import Client

from wagtail.models import Page

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curriculum.models import ModuleProgress
from portal.models import AccessRule, Cohort, CohortMembership, CspReport, Nation
from tests.conftest import authenticator_for
from tests.factories import AccessRuleFactory, CohortFactory, ModuleFactory, OfficerFactory
from tests.portal.security.conftest import sign_in

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text as a caller may send it: anything printable or not, NUL, right-to-left marks, huge.
text = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        ["", "\x00", "' OR 1=1 --", "<script>alert(1)</script>", "ــ", "\u202e", "x" * 5000, "١٢٣"]
    ),
    st.from_regex(r"[0-9 ]{0,12}", fullmatch=True),
)
form_data = st.dictionaries(
    st.sampled_from(
        ["username", "password", "code", "next", "cohorts", "nation", "date", "q", "otp_token", "x"]
    )
    | st.text(min_size=1, max_size=20),
    st.one_of(text, st.lists(text, max_size=3)),
    max_size=6,
)


def counts() -> dict[str, int]:
    return {
        "progress": ModuleProgress.objects.count(),
        "rules": AccessRule.objects.count(),
        "memberships": CohortMembership.objects.count(),
        "cohorts": Cohort.objects.count(),
        "nations": Nation.objects.count(),
        "pages": Page.objects.count(),
        "users": get_user_model().objects.count(),
        "confirmed devices": TOTPDevice.objects.filter(confirmed=True).count(),
        "recovery codes": StaticToken.objects.count(),
        "csp reports": CspReport.objects.count(),
    }


def assert_no_500(response) -> None:
    assert response.status_code < 500, response.content[:300]
    if response.get("Content-Type", "").startswith("application/json") and response.content:
        response.json()


@pytest.fixture
def world(course):
    readable = ModuleFactory(parent=course, title="Open module")
    restricted_course = ModuleFactory(parent=course, title="Closed module")
    AccessRuleFactory(page=restricted_course, cohorts=[CohortFactory(slug="closed")])
    officer = OfficerFactory(username="amal")
    return {"readable": readable, "restricted": restricted_course, "officer": officer}


@pytest.fixture
def officer_client(client, world):
    client.force_login(world["officer"])
    return client


@FUZZ
@given(data=form_data)
def test_the_sign_in_form(client, world, data):
    before = counts()
    for path in ("/accounts/login/", "/ar/accounts/login/", "/admin/login/"):
        response = client.post(path, data)
        assert_no_500(response)
        if response.status_code != 302:
            assert counts() == before
    client.logout()


@FUZZ
@given(data=form_data, path=st.sampled_from(["verify", "recovery", "setup"]))
def test_the_second_step_forms_of_an_officer_with_a_device(client, world, data, path):
    authenticator_for(world["officer"])
    sign_in(client, "amal")
    before = counts()
    response = client.post(f"/accounts/two-factor/{path}/", data)
    assert_no_500(response)
    assert counts() == before  # no code matched: nothing verified, nothing enrolled
    assert client.get("/dashboard/").status_code == 302  # still owes the second step
    client.logout()


@FUZZ
@given(data=form_data, path=st.sampled_from(["setup", "recovery-codes", "turn-off", "verify", "recovery"]))
def test_the_two_factor_forms_of_an_officer_without_one(officer_client, data, path):
    before = counts()
    response = officer_client.post(f"/accounts/two-factor/{path}/", data)
    assert_no_500(response)
    assert counts() == before


@FUZZ
@given(page=st.sampled_from(["readable", "restricted", "missing"]), action=text, data=form_data)
def test_mark_as_completed(officer_client, world, page, action, data):
    page_id = world[page].pk if page in world else 10**9
    before = counts()
    response = officer_client.post(f"/progress/{page_id}/{quote(action, safe='')}/", data)
    assert_no_500(response)
    if page == "readable" and action in ("complete", "incomplete"):
        assert response.status_code == 302
    else:
        assert response.status_code == 404
        assert counts() == before


@FUZZ
@given(data=form_data)
def test_view_as_is_refused_to_officers(officer_client, data):
    before = counts()
    response = officer_client.post("/view-as/", data)
    assert response.status_code == 403
    assert counts() == before
    assert "tabadul_view_as" not in officer_client.session


@FUZZ
@given(
    params=st.dictionaries(st.sampled_from(["q", "page", "track", "type", "locale", "course", "sort"]), text)
)
def test_search_and_its_api(officer_client, params):
    before = counts()
    for endpoint in ("/search/", "/api/v1/search/", "/api/v1/search/suggest/"):
        response = officer_client.get(endpoint, params)
        assert_no_500(response)
        assert response.status_code in (200, 400)
    assert counts() == before


@FUZZ
@given(
    body=st.one_of(st.binary(max_size=300), text.map(str.encode), st.just(b'{"csp-report": {}}')),
    content_type=st.sampled_from(
        ["application/csp-report", "application/reports+json", "application/json", "text/plain", ""]
    ),
)
def test_the_csp_report_endpoint(client, db, body, content_type):
    before = counts()
    response = client.post("/csp-report/", body, content_type=content_type)
    assert_no_500(response)
    if response.status_code != 204:
        assert counts() == before


@FUZZ
@given(
    data=form_data,
    path=st.sampled_from(
        ["/accounts/login/", "/progress/1/complete/", "/view-as/", "/accounts/two-factor/setup/"]
    ),
)
def test_forms_without_a_csrf_token_are_refused(world, data, path):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["officer"])
    before = counts()
    response = strict.post(path, data)
    assert response.status_code == 403
    assert counts() == before
