"""The CSP report endpoint: browsers' reports are logged and counted; anything else is refused and
nothing is stored."""

from __future__ import annotations

import json

import pytest

from portal.models import CspReport
from tests.conftest import force_login_verified

pytestmark = pytest.mark.django_db

URL = "/csp-report/"
LEGACY = {
    "csp-report": {
        "document-uri": "https://tabadul.example.org/search/?q=secret+words",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'",
        "disposition": "enforce",
        "blocked-uri": "inline",
        "line-number": 12,
        "source-file": "https://tabadul.example.org/search/?q=secret+words",
        "status-code": 200,
        "script-sample": "alert(1)",
    }
}
REPORTING_API = [
    {
        "type": "csp-violation",
        "age": 10,
        "url": "https://tabadul.example.org/dashboard/",
        "body": {
            "documentURL": "https://tabadul.example.org/dashboard/",
            "effectiveDirective": "img-src",
            "blockedURL": "https://tracker.example.com/pixel.gif?id=1",
            "disposition": "enforce",
            "lineNumber": 3,
            "sourceFile": "https://tabadul.example.org/static/js/search-suggest.js",
        },
    }
]


def post(client, payload, content_type="application/csp-report"):
    body = payload if isinstance(payload, bytes | str) else json.dumps(payload)
    return client.post(URL, body, content_type=content_type)


def test_reports_in_either_format_are_stored_without_query_strings(client):
    assert post(client, LEGACY).status_code == 204
    assert post(client, REPORTING_API, "application/reports+json").status_code == 204
    legacy, modern = CspReport.objects.order_by("pk")
    assert legacy.document_uri == "https://tabadul.example.org/search/"
    assert legacy.effective_directive == "script-src-elem" and legacy.blocked_uri == "inline"
    assert legacy.line_number == 12 and legacy.sample == "alert(1)"
    assert modern.blocked_uri == "https://tracker.example.com/pixel.gif"
    assert modern.effective_directive == "img-src"


def test_the_same_violation_is_counted_not_repeated(client):
    for _ in range(3):
        post(client, LEGACY)
    assert CspReport.objects.get().count == 3


def test_anonymous_browsers_report_without_a_csrf_token(db):
    from django.test import Client

    assert post(Client(enforce_csrf_checks=True), LEGACY).status_code == 204


@pytest.mark.parametrize(
    ("payload", "content_type", "status"),
    [
        (b"not json", "application/csp-report", 400),
        ({"csp-report": "x"}, "application/csp-report", 400),
        ([{"type": "deprecation", "body": {}}], "application/reports+json", 400),
        ([], "application/reports+json", 400),
        (LEGACY, "text/plain", 415),
        (LEGACY, "application/x-www-form-urlencoded", 415),
        (b"\xff\xfe", "application/json", 400),
        ({"csp-report": {"document-uri": "x" * 100_000}}, "application/csp-report", 413),
    ],
)
def test_anything_else_is_refused_and_nothing_is_stored(client, payload, content_type, status):
    assert post(client, payload, content_type).status_code == status
    assert not CspReport.objects.exists()


def test_only_post(client):
    assert client.get(URL).status_code == 405


def test_superusers_read_the_reports_in_the_admin(client, superuser, programme_admin):
    post(client, LEGACY)
    force_login_verified(client, programme_admin)
    assert client.get("/admin/reports/csp/").status_code == 302
    force_login_verified(client, superuser)
    listing = client.get("/admin/reports/csp/")
    assert listing.status_code == 200 and "script-src-elem" in listing.content.decode()
