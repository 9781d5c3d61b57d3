"""Load test: signed-in officers browse the dashboard, courses and modules and search (locust).

Each simulated officer is one of `loadtest.officer.NN` (made by bench/load_users.py). With
LOADTEST_SESSIONS (a JSON file of session cookies that bench/load_users.py --sessions wrote) the
officer is already signed in; without it, the officer signs in through the real sign-in form first
(so the run starts with 50 password checks at once). Then, with a pause of 1–3 s between requests
as a reader would, it opens the dashboard, a course, a module, the search page, the search API and
suggestions. Every answer must be a 200 for the signed-in officer (a redirect to sign-in counts as a
failure). Run by bench/load_test.sh against gunicorn on 127.0.0.1; never point it at anything else.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "tabadul-demo-2026")
SESSIONS = (
    json.loads(Path(os.environ["LOADTEST_SESSIONS"]).read_text())
    if os.environ.get("LOADTEST_SESSIONS")
    else {}
)
USERS = int(os.environ.get("LOADTEST_USERS", "50"))
QUERIES = [
    "planning",
    "cyber",
    "intelligence",
    "doctrine",
    "mission",
    "threat",
    "culture",
    "التخطيط",
    "exercise",
]
_numbers = itertools.cycle(range(1, USERS + 1))
COURSE = re.compile(r'href="(/curriculum/[^/"]+/)"')
MODULE = re.compile(r'href="(/curriculum/[^/"]+/[^/"]+/)"')


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
