"""A refused form (CSRF) gets the portal's own page, which keeps to the CSP (no inline style)."""

from __future__ import annotations

from django.test import Client

import pytest

pytestmark = pytest.mark.django_db


def test_a_form_without_its_token_gets_a_plain_403_page(db):
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form had expired" in html
    assert "<style" not in html and " style=" not in html and "<script" not in html
    assert "style-src 'self'" in response["Content-Security-Policy"]
