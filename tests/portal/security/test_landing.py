"""Where signing in lands: staff (who can reach the admin) on the admin after the second factor,
officers on their dashboard, and wherever `next` says when it names a page of the portal."""

from __future__ import annotations

import pytest

from tests.conftest import authenticator_for, totp_code
from tests.factories import OfficerFactory
from tests.portal.security.conftest import sign_in

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/two-factor/verify/"


@pytest.mark.parametrize("path", ["/accounts/login/", "/ar/accounts/login/"])
def test_staff_land_on_the_admin_after_the_second_factor(client, editor, path):
    device = authenticator_for(editor)
    response = sign_in(client, "editor", path=path)
    assert response["Location"] == "/admin/"
    step = client.get("/admin/")
    assert step["Location"] == f"{VERIFY}?next=/admin/"
    response = client.post(VERIFY, {"code": totp_code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_second_step_without_next_lands_staff_on_the_admin(client, editor):
    device = authenticator_for(editor)
    sign_in(client, "editor")
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response["Location"] == "/admin/"


def test_next_wins_for_staff(client, editor, curriculum_index):
    device = authenticator_for(editor)
    response = sign_in(client, "editor", path="/accounts/login/?next=/curriculum/")
    assert response["Location"] == "/curriculum/"
    response = client.post(VERIFY, {"code": totp_code(device), "next": "/curriculum/"})
    assert response["Location"] == "/curriculum/"


def test_officers_still_land_on_their_dashboard(client):
    OfficerFactory(username="amal")
    assert sign_in(client, "amal")["Location"] == "/dashboard/"
