"""Fixtures for the xAPI tests: a real learning record store (Ralph, scripts/services/lrs.sh) for the
tests that send, at `TABADUL_TEST_LRS_URL` (scripts/test.sh starts one) with the credentials in
`TABADUL_TEST_LRS_USERNAME` / `TABADUL_TEST_LRS_PASSWORD` (lrs.sh's defaults). Every test reads as
officers of its own (a unique username), so it finds in the store only its own statements."""

from __future__ import annotations

import json
import os
import uuid

import pytest
import requests

from tests.conftest import require_service, service_script

LRS_URL = os.environ.get("TABADUL_TEST_LRS_URL", "").rstrip("/")
LRS_USERNAME = os.environ.get("TABADUL_TEST_LRS_USERNAME", "tabadul")
LRS_PASSWORD = os.environ.get("TABADUL_TEST_LRS_PASSWORD", "tabadul-lrs")


def store_answers() -> bool:
    if not LRS_URL:
        return False
    try:
        return requests.get(f"{LRS_URL}/whoami", auth=(LRS_USERNAME, LRS_PASSWORD), timeout=5).ok
    except requests.RequestException:
        return False


def store(action: str) -> str:
    return service_script("lrs", action, check=action != "status")


@pytest.fixture
def lrs(settings):
    """xAPI on, sending to the test store."""
    how = "run `bash scripts/services/lrs.sh start` and set TABADUL_TEST_LRS_URL"
    require_service("lrs", store_answers(), how)
    settings.XAPI_LRS_URL = LRS_URL
    settings.XAPI_LRS_USERNAME = LRS_USERNAME
    settings.XAPI_LRS_PASSWORD = LRS_PASSWORD
    return LRS_URL


@pytest.fixture
def managed_store(lrs):
    """The test store, if lrs.sh manages it (the outage test stops it); started again afterwards."""
    how = "the outage test stops and starts the store of lrs.sh"
    require_service("lrs", store("url") == lrs, how)
    yield
    if not store_answers():
        store("start")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what was handed over on commit (the test itself runs inside a transaction)."""

    def commit():
        return django_capture_on_commit_callbacks(execute=True)

    return commit


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}"


def statements_of(username: str, home_page: str = "http://testserver") -> list[dict]:
    """Every statement the store holds for the officer, fetched back over its API."""
    agent = {"objectType": "Agent", "account": {"homePage": home_page, "name": username}}
    found, params = [], {"agent": json.dumps(agent), "limit": 100}
    url = f"{LRS_URL}/xAPI/statements"
    while url:
        response = requests.get(
            url,
            params=params,
            auth=(LRS_USERNAME, LRS_PASSWORD),
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=10,
        )
        response.raise_for_status()
        body = response.json()
        found += body["statements"]
        url, params = (f"{LRS_URL}{body['more']}" if body.get("more") else ""), None
    return found
