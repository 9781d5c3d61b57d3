"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Playwright never downloads a browser here: it launches `/usr/bin/chromium`
(`scripts/services/chromium.sh ensure`, run by `make test` through `scripts/browser_tools.sh`).
axe-core comes from the npm registry into `var/node/` and is evaluated in the page under test.
On a developer's machine without Chromium the tests skip; under CI (or with
TABADUL_EXPECT_CHROMIUM set) they fail.

Every test runs against a fresh database (transactional, restored from the migrated snapshot), so
the live server and the test see the same rows.

The pages run under the Content-Security-Policy the portal sends (no `bypass_csp`), and every test
ends with a check that nothing violated it (`CspWatch`): no `securitypolicyviolation` event, no
"Content Security Policy" console message and no `CspReport` row from `/csp-report/`.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import CspReport
from tests.conftest import authenticator_for, require_service, totp_code
from tests.e2e.world import PASSWORD, World, build_world

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("TABADUL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_CORE_VERSION = "4.14.1"  # installed by scripts/browser_tools.sh
AXE_JS = REPO / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Screenshots go to var/screenshots/ unless TABADUL_SCREENSHOTS names another folder
# (`make screenshots` points it at docs/screenshots/).
SCREENSHOT_DIR = REPO / (os.environ.get("TABADUL_SCREENSHOTS") or "var/screenshots")
FAILURE_DIR = REPO / "var" / "e2e-failures"

# Each browser test: a live server, and a database that starts as migrate left it.
e2e = pytest.mark.django_db(transaction=True, serialized_rollback=True)
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Every test here is a browser test: `-m browser` selects them and `-m "not browser"` deselects
    them visibly (pytest reports the deselected count), whatever a new module forgets to mark."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser() -> Iterator:
    """One Chromium for the whole package (launching takes about a second)."""
    how = "run `bash scripts/browser_tools.sh` (Debian's chromium) and `pip install -e '.[test]'`"
    require_service("chromium", os.access(CHROMIUM, os.X_OK), how)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_service("chromium", False, how)
    # Playwright's sync API runs an event loop in this thread. Django then (1) refuses ORM calls
    # unless told that this is deliberate, and (2) keeps a separate set of database connections
    # for "async" code: hand it the connections the test database was set up on, which know its
    # serialized snapshot (serialized_rollback) and which the live server shares.
    from django.db import connections

    setup_connections = {alias: connections[alias] for alias in connections}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, connection in setup_connections.items():
                connections[alias] = connection
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def search_engine() -> str:
    """The search engine the world is indexed into; tests override it to run on Elasticsearch."""
    return "database"


@pytest.fixture
def world(search_engine, transactional_db) -> World:
    return build_world()


# Runs in every document and frame before the page's own scripts. The browser injects it (CDP
# Page.addScriptToEvaluateOnNewDocument), so the page's Content-Security-Policy does not apply to it;
# test_content_security_policy.py shows it running, and reporting, under the officers' strict policy.
CSP_LISTENER = """
(() => {
  if (window.__tabadulCspWatch) return;
  window.__tabadulCspWatch = true;
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__tabadulCspViolation({
      page: event.documentURI,
      directive: event.effectiveDirective,
      blocked: event.blockedURI,
      source: event.sourceFile,
      line: event.lineNumber,
      sample: event.sample,
      disposition: event.disposition,
    });
  }, true);
})();
"""
# How long a report the browser has already sent (report-uri: at once, one POST per violation) may
# take to be stored before the test looks; in the negative controls one lands within a tenth of that.
CSP_REPORT_SETTLE = 0.5


@dataclass
class CspWatch:
    """What the browser said about the Content-Security-Policy while a test ran, on three channels:
    the `securitypolicyviolation` DOM events (CSP_LISTENER, handed to Python through a binding, so a
    navigation loses none), Chromium's console messages about the policy, and the documents served
    without a policy that reports to /csp-report/."""

    events: list[dict] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    unreported: list[str] = field(default_factory=list)

    def watch(self, context, base_url: str) -> None:
        context.expose_binding("__tabadulCspViolation", lambda _source, event: self.events.append(event))
        context.add_init_script(CSP_LISTENER)
        context.on("console", self._console)
        context.on("response", lambda response: self._response(response, base_url))

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(f"{message.type}: {message.text}")

    def _response(self, response, base_url: str) -> None:
        if response.request.resource_type != "document" or not response.url.startswith(base_url):
            return
        policy = response.headers.get("content-security-policy", "")
        report_uri = re.search(r"(?:^|;)\s*report-uri\s+([^;]+)", policy)
        target = report_uri.group(1).split() if report_uri else []
        if target != [settings.CONTENT_SECURITY_POLICY_REPORT_PATH]:
            policy = policy or "no Content-Security-Policy"
            self.unreported.append(f"{response.status} {response.url}: {policy}")

    def take(self) -> tuple[list[dict], list[str]]:
        """The events and console messages so far, forgetting them (for a test that causes some)."""
        events, console = self.events[:], self.console[:]
        self.events.clear()
        self.console.clear()
        return events, console

    def problems(self) -> list[str]:
        lines = [
            f"securitypolicyviolation: {e.get('directive')} blocked {e.get('blocked')!r} on {e.get('page')}"
            f" ({e.get('source')}:{e.get('line')} {e.get('sample')!r})"
            for e in self.events
        ]
        lines += [f"console {line}" for line in self.console]
        lines += [f"document without the reporting policy: {line}" for line in self.unreported]
        lines += [
            f"CspReport: {report.effective_directive} blocked {report.blocked_uri!r} on {report.document_uri}"
            f" (x{report.count})"
            for report in csp_reports()
        ]
        return lines


def csp_reports() -> list[CspReport]:
    """The CSP reports stored so far, read while the live server answers nothing else (with in-memory
    SQLite it shares this thread's connection)."""
    with server_quiet():
        return list(CspReport.objects.order_by("pk"))


def wait_for_csp_reports(timeout: float = 5.0) -> list[CspReport]:
    """The stored CSP reports, once there are any (or none after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while not (reports := csp_reports()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return reports


class Browser:
    """Opens pages (browser contexts) on the live server, under the portal's Content-Security-Policy,
    and closes them after the test."""

    def __init__(self, browser, base_url: str, request) -> None:
        self._browser = browser
        self.base_url = base_url
        self._request = request
        self._contexts: list = []
        self.csp = CspWatch()

    def new_page(self, *, phone: bool = False, locale: str = "en-GB"):
        context = self._browser.new_context(
            base_url=self.base_url,
            viewport=PHONE if phone else DESKTOP,
            locale=locale,
            is_mobile=phone,
            has_touch=phone,
        )
        context.set_default_timeout(15_000)
        self.csp.watch(context, self.base_url)
        self._contexts.append(context)
        return context.new_page()

    def csp_problems(self) -> list[str]:
        """Everything the CspWatch saw, after letting reports already on their way arrive."""
        time.sleep(CSP_REPORT_SETTLE)
        for context in self._contexts:  # deliver the bindings' and console's pending events
            for page in context.pages:
                with contextlib.suppress(Exception):
                    page.evaluate("1")
        return self.csp.problems()

    def close(self) -> None:
        report = getattr(self._request.node, "rep_call", None)
        if report is not None and report.failed:
            FAILURE_DIR.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", self._request.node.name)
            for number, context in enumerate(self._contexts):
                for index, page in enumerate(context.pages):
                    with contextlib.suppress(Exception):  # a closed page has nothing to show
                        page.screenshot(path=FAILURE_DIR / f"{name}-{number}-{index}.png", full_page=True)
        for context in self._contexts:
            context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


class OneRequestAtATime:
    """The live server's WSGI application, one request at a time, from the first byte in to the
    response's close (when `request_finished` runs).

    With in-memory SQLite every server thread shares the test's single connection, and two requests
    at once (the page editor autosaves while "Submit" is pressed) would interleave their
    transactions on it. A real server has a connection per thread; PostgreSQL runs keep them.
    """

    def __init__(self, app) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        self.lock.acquire()
        try:
            return _ReleasedOnClose(self.app(environ, start_response), self.lock)
        except BaseException:
            self.lock.release()
            raise


class _ReleasedOnClose:
    """A WSGI response that releases the lock when the server closes it."""

    def __init__(self, response, lock) -> None:
        self.response = response
        self.lock = lock

    def __iter__(self):
        return iter(self.response)

    def close(self) -> None:
        try:
            if hasattr(self.response, "close"):
                self.response.close()
        finally:
            self.lock.release()


_serving_app = None


@pytest.fixture(scope="session")
def serving(live_server):
    from django.db import connections

    global _serving_app
    httpd = live_server.thread.httpd
    shared = any(c.vendor == "sqlite" and c.is_in_memory_db() for c in connections.all())
    if shared and not isinstance(httpd.get_app(), OneRequestAtATime):
        httpd.set_app(OneRequestAtATime(httpd.get_app()))
    _serving_app = httpd.get_app()
    return live_server


@pytest.fixture
def browsers(browser, serving, request) -> Iterator[Browser]:
    """The test's pages. Afterwards, whatever the test did: no Content-Security-Policy violation."""
    opened = Browser(browser, serving.url, request)
    yield opened
    try:
        problems = opened.csp_problems()
    finally:
        opened.close()
    assert not problems, "Content-Security-Policy violations during the test:\n  " + "\n  ".join(problems)


@contextlib.contextmanager
def server_quiet() -> Iterator[None]:
    """Hold the live server between two requests (when it answers one at a time, OneRequestAtATime)."""
    lock = getattr(_serving_app, "lock", None)
    if lock is None:
        yield
        return
    with lock:
        yield


@pytest.fixture
def page(browsers):
    """A desktop-sized page (1280×800) on the live server."""
    return browsers.new_page()


# --- helpers the journeys share ---------------------------------------------------------------------


def sign_in(page, username: str, password: str = PASSWORD, *, path: str = "/accounts/login/") -> None:
    """Sign in through a sign-in form (the portal's or the admin's), then the second step if asked."""
    page.goto(path)
    form = page.locator("form").filter(has=page.locator("input[name='password']"))
    form.locator("input[name='username']").fill(username)
    form.locator("input[name='password']").fill(password)
    form.locator("[type='submit']").click()
    page.wait_for_url(lambda url: "/login/" not in urlsplit(url).path)
    pass_second_factor(page, username)


def give_second_factor(user) -> None:
    """Staff owe a second step after the password (portal.security): an authenticator app."""
    authenticator_for(user)


def pass_second_factor(page, username: str) -> None:
    """Type the code the user's authenticator app shows now, when the sign-in asks for one."""
    if "/two-factor/verify/" not in page.url:
        return
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    page.get_by_role("textbox", name=re.compile("code", re.I)).fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/two-factor/" not in url)


def sign_out(page) -> None:
    page.locator("header form.signout").get_by_role("button").click()
    page.wait_for_url(lambda url: urlsplit(url).path in ("/", "/ar/"))


def axe_problems(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's serious and critical violations on the page, one readable line per node."""
    require_service(
        "chromium",
        AXE_JS.exists(),
        f"axe-core {AXE_CORE_VERSION} is missing: run `bash scripts/browser_tools.sh`",
    )
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, as Playwright's own scripts are: the page's
        # Content-Security-Policy (no inline script) stays in force, and stays watched, around it.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, "
        "resultTypes: ['violations']})",
        AXE_TAGS,
    )
    problems = []
    for violation in result["violations"]:
        if violation["impact"] not in impacts:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            problems.append(f"{violation['id']} ({violation['impact']}) at {target}: {violation['help']}")
    return problems


def direction(page) -> str:
    return page.evaluate("getComputedStyle(document.documentElement).direction")


def screenshot(page, name: str) -> Path:
    """A screenshot of the viewport, named for the page and the viewport width."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    kind = "phone" if width < 600 else "desktop"
    path = SCREENSHOT_DIR / f"{name}-{kind}.png"
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.screenshot(path=path, animations="disabled", caret="hide")
    return path
