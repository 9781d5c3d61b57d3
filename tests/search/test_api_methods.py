"""Every refusal of the JSON API is a JSON object: a method other than GET is 405 with `Allow`, a
request that fails Django's CSRF check is 403 with the reason — never an HTML page. The rest of the
site keeps its HTML pages for the same refusals."""

from __future__ import annotations

from django.test import Client

import pytest

from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = ("/api/v1/search/", "/api/v1/search/suggest/", "/ar/api/v1/search/", "/ar/api/v1/search/suggest/")
UNSAFE = ("post", "put", "patch", "delete")
TOKEN = "k" * 32  # a well-formed CSRF secret, sent as the cookie and the header


@pytest.fixture
def strict_client() -> Client:
    """A client that is checked for CSRF as a browser is (Django's test client is not, by default)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(OfficerFactory(username="reader"))
    return client


def json_of(response) -> dict:
    assert response["Content-Type"] == "application/json", response.content[:200]
    return response.json()


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("method", UNSAFE)
def test_an_unsafe_request_without_a_csrf_token_is_403_json_with_the_reason(strict_client, url, method):
    response = getattr(strict_client, method)(f"{url}?q=planning")
    assert response.status_code == 403
    data = json_of(response)
    assert data["error"]
    assert "CSRF" in data["reason"]


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("method", (*UNSAFE, "options"))
def test_a_method_other_than_get_is_405_json_with_allow(strict_client, url, method):
    strict_client.cookies["csrftoken"] = TOKEN
    response = getattr(strict_client, method)(f"{url}?q=planning", HTTP_X_CSRFTOKEN=TOKEN)
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert json_of(response)["allowed"] == ["GET"]


def test_anonymous_callers_get_json_for_a_wrong_method_too(db):
    client = Client(enforce_csrf_checks=True)
    assert json_of(client.post("/api/v1/search/?q=x")).get("reason")
    client.cookies["csrftoken"] = TOKEN
    assert client.post("/api/v1/search/?q=x", HTTP_X_CSRFTOKEN=TOKEN).status_code == 405


def test_get_still_answers(strict_client):
    response = strict_client.get("/api/v1/search/", {"q": "planning"})
    assert response.status_code == 200
    assert "results" in json_of(response)


def test_a_page_that_fails_the_csrf_check_keeps_the_portals_html_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "reader", "password": "x"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert b"The form had expired" in response.content
