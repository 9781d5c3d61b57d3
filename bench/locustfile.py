"""Load test: signed-in officers browse the dashboard, courses and modules and search (locust).

Each simulated officer is one of `loadtest.officer.NN` (made by bench/load_users.py). With
LOADTEST_SESSIONS (a JSON file of session cookies that bench/load_users.py --sessions wrote) the
officer is already signed in; without it, the officer signs in through the real sign-in form first
(so the run starts with 50 password checks at once). Then, with a pause of 1–3 s between requests
as a reader would, it opens the dashboard, a course, a module, the search page, the search API and
suggestions. Every answer must be a 200 for the signed-in officer (a redirect to sign-in counts as a
failure). Run by bench/load_test.sh against gunicorn on 127.0.0.1; never point it at anything else.

With LOADTEST_WRITERS (bench/load_test.sh --writers) two more users run beside the officers: an
`Editor` who republishes modules and a `ProgrammeAdmin` who takes a spot officer out of a cohort and
back in, and turns a course's rule to another cohort, closes it and opens it again. Their changes
are made by bench/load_writers.py in a process of their own each; after each, the admin asks as the
spot officer, at once: a module the change withdrew must answer 404 and be absent from search, a
module it granted must answer 200 (the policy holds from the next request on).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sys
import time
from pathlib import Path

from gevent import subprocess as gevent_subprocess
from load_mix import COURSE, MODULE, QUERIES
from locust import HttpUser, User, between, task

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "tabadul-demo-2026")
SESSIONS = (
    json.loads(Path(os.environ["LOADTEST_SESSIONS"]).read_text())
    if os.environ.get("LOADTEST_SESSIONS")
    else {}
)
USERS = int(os.environ.get("LOADTEST_USERS", "50"))
WRITERS = bool(os.environ.get("LOADTEST_WRITERS"))
SPOT_SESSIONS = (
    json.loads(Path(os.environ["LOADTEST_SPOT_SESSIONS"]).read_text())
    if os.environ.get("LOADTEST_SPOT_SESSIONS")
    else {}
)
_numbers = itertools.cycle(range(1, USERS + 1))


class Officer(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.username = f"loadtest.officer.{next(_numbers):02d}"
        if SESSIONS:
            self.client.cookies.set("sessionid", SESSIONS[self.username])
        else:
            self.sign_in()
        dashboard = self.client.get("/dashboard/", name="/dashboard/").text
        self.courses = sorted(set(COURSE.findall(dashboard))) or ["/curriculum/"]
        self.modules: list[str] = []

    def sign_in(self) -> None:
        self.client.get("/accounts/login/", name="/accounts/login/")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="/accounts/login/ (POST)",
            catch_response=True,
        ) as response:
            if not response.url.endswith("/dashboard/"):
                response.failure(f"sign-in as {self.username} did not reach the dashboard: {response.url}")

    def open(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200 or "/accounts/login/" in response.url:
                response.failure(f"{response.status_code} at {response.url}")
                return ""
            return response.text

    @task(3)
    def dashboard(self) -> None:
        self.open("/dashboard/", "/dashboard/")

    @task(2)
    def course(self) -> None:
        html = self.open(random.choice(self.courses), "/curriculum/[course]/")
        found = MODULE.findall(html)
        if found:
            self.modules = sorted(set(self.modules) | set(found))

    @task(4)
    def module(self) -> None:
        if self.modules:
            self.open(random.choice(self.modules), "/curriculum/[course]/[module]/")
        else:
            self.course()

    @task(2)
    def search_page(self) -> None:
        self.open(f"/search/?q={random.choice(QUERIES)}", "/search/?q=")

    @task(2)
    def search_api(self) -> None:
        with self.client.get(
            "/api/v1/search/",
            params={"q": random.choice(QUERIES)},
            name="/api/v1/search/",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "results" not in response.json():
                response.failure(f"{response.status_code}")

    @task(1)
    def suggest(self) -> None:
        self.open(f"/api/v1/search/suggest/?q={random.choice(QUERIES)[:3]}", "/api/v1/search/suggest/")


class WriterProcess:
    """bench/load_writers.py serve, spoken to in JSON lines; each call is a locust request (WRITE)."""

    def __init__(self, environment) -> None:
        self.environment = environment
        script = Path(__file__).resolve().parent / "load_writers.py"
        self.process = gevent_subprocess.Popen(
            [sys.executable, str(script), "serve"],
            stdin=gevent_subprocess.PIPE,
            stdout=gevent_subprocess.PIPE,
            text=True,
        )

    def call(self, name: str, **request) -> dict | None:
        started = time.perf_counter()
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        answer = json.loads(line) if line else {"ok": False, "error": "the writer process ended"}
        self.environment.events.request.fire(
            request_type="WRITE",
            name=name,
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=None if answer["ok"] else RuntimeError(answer["error"]),
            context={},
        )
        return answer if answer["ok"] else None

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


class Editor(User):
    """Republishes the writers' modules under new titles, one every few seconds."""

    abstract = not WRITERS
    fixed_count = 1
    wait_time = between(1, 3)
    _numbers = itertools.count(1)

    def on_start(self) -> None:
        self.writer = WriterProcess(self.environment)

    def on_stop(self) -> None:
        self.writer.stop()

    @task
    def publish(self) -> None:
        self.writer.call("editor: publish a module", op="publish", number=next(self._numbers))


class ProgrammeAdmin(HttpUser):
    """Changes memberships and a rule, and checks each change as the officer it concerns."""

    abstract = not WRITERS
    fixed_count = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.writer = WriterProcess(self.environment)
        self.rule_states = itertools.cycle(["other", "open", "closed", "open"])

    def on_stop(self) -> None:
        self.writer.stop()

    def as_officer(self, officer: str) -> None:
        self.client.cookies.clear()
        self.client.cookies.set("sessionid", SPOT_SESSIONS[officer])

    def expect(self, change: str, answer: dict, readable: bool) -> None:
        """The module the change concerns, at once: readable (200) or not (404, and not in search)."""
        expected = 200 if readable else 404
        with self.client.get(answer["url"], name=f"spot check: {change}", catch_response=True) as response:
            if response.status_code != expected or "/accounts/login/" in response.url:
                response.failure(f"{change}: {answer['url']} answered {response.status_code}, not {expected}")
            else:
                response.success()  # a 404 is the answer expected here
        if readable:
            return
        with self.client.get(
            "/api/v1/search/",
            params={"q": answer["title"]},
            name=f"spot check: {change} (search)",
            catch_response=True,
        ) as response:
            titles = [hit["title"] for hit in response.json().get("results", [])] if response.ok else None
            if titles is None or answer["title"] in titles:
                response.failure(f"{change}: search answered {response.status_code} with {titles}")

    @task(2)
    def membership(self) -> None:
        officer = random.choice(sorted(SPOT_SESSIONS))
        self.as_officer(officer)
        if answer := self.writer.call(
            "admin: remove from cohort", op="membership", officer=officer, member=False
        ):
            self.expect("removed from the cohort", answer, readable=False)
        if answer := self.writer.call("admin: add to cohort", op="membership", officer=officer, member=True):
            self.expect("added to the cohort", answer, readable=True)

    @task(1)
    def rule(self) -> None:
        self.as_officer(random.choice(sorted(SPOT_SESSIONS)))
        state = next(self.rule_states)
        if answer := self.writer.call(f"admin: rule {state}", op="rule", state=state):
            self.expect(f"rule {state}", answer, readable=state == "open")
