"""No step of signing in or out sends anyone to another site, whatever `next` says."""

from __future__ import annotations

import pytest

from tests.conftest import authenticator_for, force_login_verified, totp_code
from tests.factories import OfficerFactory
from tests.portal.security.conftest import sign_in

pytestmark = pytest.mark.django_db

ELSEWHERE = [
    "https://evil.example/",
    "//evil.example/x",
    "/\\evil.example",
    "javascript:alert(1)",
    "https:evil",
]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_sign_in_and_the_second_step_stay_on_the_portal(client, editor, target):
    OfficerFactory(username="amal")
    response = client.post(
        "/accounts/login/", {"username": "amal", "password": "correct-horse-battery", "next": target}
    )
    assert response["Location"] == "/dashboard/"
    client.post("/accounts/logout/")

    device = authenticator_for(editor)
    sign_in(client, "editor")
    response = client.post("/accounts/two-factor/verify/", {"code": totp_code(device), "next": target})
    assert response.status_code == 302 and response["Location"] == "/admin/"  # staff land on the admin


@pytest.mark.parametrize("target", ELSEWHERE)
def test_stopping_view_as_stays_on_the_portal(client, instructor, target):
    force_login_verified(client, instructor)
    response = client.post("/view-as/stop/", {"next": target})
    assert response["Location"] == "/view-as/"
