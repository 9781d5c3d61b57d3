"""The negative controls of the Content-Security-Policy check every browser test ends with (conftest's
CspWatch): a violation caused on purpose is blocked, seen as a `securitypolicyviolation` event and a
console message, and reported to /csp-report/, where it is stored as a CspReport that the test sees.

If any of these stopped working, the journeys' "no violation" would prove nothing."""

from __future__ import annotations

import contextlib
import re

import pytest
from playwright.sync_api import Error as PlaywrightError

from portal.models import CspReport
from tests.e2e.conftest import e2e, give_second_factor, server_quiet, sign_in, wait_for_csp_reports

pytestmark = e2e

# What each control injects into a page it has no business on, and the directive that must stop it.
INJECTIONS = {
    "inline script": (
        lambda page: page.add_script_tag(content="window.__inlineScriptRan = true;"),
        "script-src-elem",
        "inline",
    ),
    "inline style": (
        lambda page: page.add_style_tag(content="body { outline: 9px solid red; }"),
        "style-src-elem",
        "inline",
    ),
    "image from another site": (
        lambda page: page.evaluate(
            """() => { const img = new Image(); img.alt = ''; img.src = 'https://tracker.invalid/pixel.gif';
                       document.body.append(img); }"""
        ),
        "img-src",
        "https://tracker.invalid/pixel.gif",
    ),
}


def wait_for_events(browsers, page, timeout_ms: int = 5_000) -> None:
    """Until the CspWatch has an event (bindings are delivered while Playwright is waiting)."""
    for _ in range(timeout_ms // 50):
        if browsers.csp.events:
            return
        page.wait_for_timeout(50)


def forget(browsers) -> None:
    """The caused violation is accounted for: the test's own end check must not count it again."""
    browsers.csp.take()
    with server_quiet():
        CspReport.objects.all().delete()


def assert_caught(browsers, page, path: str, directive: str, blocked: str) -> None:
    wait_for_events(browsers, page)
    events, console = browsers.csp.take()
    browsers.csp.events.extend(events)
    browsers.csp.console.extend(console)
    document = browsers.base_url + path

    # (a) in the page: the DOM event (from the init script, which the policy did not stop) ...
    assert [(e["directive"], e["blocked"], e["page"]) for e in events] == [(directive, blocked, document)]
    assert events[0]["disposition"] == "enforce"
    # ... and Chromium's console message (which names the directive in the policy, "script-src").
    named = re.compile(rf"""Content Security Policy directive:? ["']{directive.removesuffix("-elem")} """)
    assert any(named.search(line) for line in console), console

    # (b) on the server: the browser's report reached the live server's /csp-report/ and the test's
    # database connection sees the row.
    reports = wait_for_csp_reports()
    assert [(r.effective_directive, r.blocked_uri, r.document_uri) for r in reports] == [
        (directive, blocked, document)
    ]

    # The end-of-test check every browser test runs would have failed on it.
    problems = browsers.csp_problems()
    assert any(line.startswith("securitypolicyviolation: " + directive) for line in problems), problems
    assert any(line.startswith("console ") for line in problems), problems
    assert any(line.startswith("CspReport: " + directive) for line in problems), problems
    forget(browsers)


@pytest.mark.parametrize("injection", INJECTIONS)
def test_a_violation_on_an_officer_page_is_seen_and_reported(browsers, world, injection):
    inject, directive, blocked = INJECTIONS[injection]
    page = browsers.new_page()
    sign_in(page, world.officer.username)
    path = world.planning_modules[0].url
    response = page.goto(path)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy and "unsafe-inline" not in policy
    assert "report-uri /csp-report/" in policy
    # The listener is in the page although the policy forbids inline script: the browser injected it.
    assert page.evaluate("window.__tabadulCspWatch === true")
    assert not browsers.csp.events and not CspReport.objects.exists()

    with contextlib.suppress(PlaywrightError):  # add_script_tag raises the browser's refusal
        inject(page)

    assert page.evaluate("window.__inlineScriptRan === undefined")  # blocked, not merely reported
    assert page.evaluate("getComputedStyle(document.body).outlineStyle") == "none"
    assert_caught(browsers, page, path, directive, blocked)


def test_a_violation_in_the_admin_is_seen_and_reported(browsers, world):
    """The admin's policy allows inline script and style (Wagtail needs them) but nothing from
    another site, and reports to the same address."""
    give_second_factor(world.editor)
    page = browsers.new_page()
    sign_in(page, world.editor.username, path="/admin/login/")
    response = page.goto("/admin/pages/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline';" in policy and "report-uri /csp-report/" in policy
    inject, directive, blocked = INJECTIONS["image from another site"]
    inject(page)
    assert_caught(browsers, page, "/admin/pages/", directive, blocked)


def test_a_page_without_the_reporting_policy_is_noticed(browsers, world):
    """The third channel: a page whose Content-Security-Policy is missing (here, stripped on its way
    to the browser) would be blocked by nothing and report nothing, so the watch counts it."""
    page = browsers.new_page()

    def without_policy(route) -> None:
        response = route.fetch()
        headers = dict(response.headers)
        del headers["content-security-policy"]
        route.fulfill(response=response, headers=headers)

    page.route("**/accounts/login/", without_policy)
    assert page.goto("/accounts/login/").status == 200
    assert browsers.csp.unreported == [f"200 {browsers.base_url}/accounts/login/: no Content-Security-Policy"]
    problems = browsers.csp_problems()
    assert problems == [f"document without the reporting policy: {browsers.csp.unreported[0]}"]
    browsers.csp.unreported.clear()
