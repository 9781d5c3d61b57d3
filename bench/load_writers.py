"""The writers of the load test: an editor who publishes modules and a programme admin who changes
memberships and access rules while the officers browse (bench/load_test.sh --writers).

    .venv/bin/python bench/load_writers.py setup --sessions var/loadtest/spot.json
    .venv/bin/python bench/load_writers.py serve     # JSON lines on stdin/stdout (bench/locustfile.py)
    .venv/bin/python bench/load_writers.py verify    # after the run: exit 1 unless every change is searchable

`setup` makes what the writers change: a course of modules open to every officer that the editor
republishes ("Field exercise <token>"), a cohort with its own course and module that only it may
read, a second course whose rule the admin turns to another cohort and back, and `loadtest.spot.NN`
officers (members of that cohort, signed in ahead) through whom the admin checks that a change holds
from the next request on.

`serve` runs in its own process (one per writer), so that a publish's work competes for the CPU as
the admin's web request would and never stalls the locust process. It does what the Wagtail admin
does on submit: `revision.publish(user=editor)`, a membership deleted or created, a rule's cohorts
or dates saved; the outbox records the changes in the same transactions and the task queue gets
them on commit.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SPOT = "loadtest.spot."
POOL = 40  # modules the editor republishes


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tabadul.settings.dev")
    import django

    django.setup()


# --- setup ---------------------------------------------------------------------------------------


def setup(sessions_file: str, spot_officers: int) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client

    from curriculum.models import CoursePage, CurriculumIndexPage, ModulePage, Track
    from portal.models import AccessRule, Cohort, CohortMembership, OfficerProfile

    users = get_user_model()
    index = CurriculumIndexPage.objects.filter(locale__language_code="en").first()
    track = Track.objects.first()
    today = datetime.date.today()
    with transaction.atomic():
        spot, _ = Cohort.objects.update_or_create(
            slug="load-test-spot",
            defaults={
                "name": "Load test spot cohort",
                "starts_on": today - datetime.timedelta(days=30),
                "ends_on": today + datetime.timedelta(days=365),
            },
        )
        other, _ = Cohort.objects.update_or_create(
            slug="load-test-other",
            defaults={"name": "Load test other cohort", "starts_on": spot.starts_on, "ends_on": spot.ends_on},
        )
        editor_course = _course(index, track, "load-test-editor-course", "Load test exercises")
        for number in range(POOL):
            _module(editor_course, f"load-test-exercise-{number:02d}", f"Field exercise start{number:02d}")
        for slug, title in (
            ("load-test-spot-course", "Spot cohort brief"),
            ("load-test-rule-course", "Rule brief"),
        ):
            course = _course(index, track, slug, title)
            _module(course, f"{slug}-module", f"{title} module")
            rule, _ = AccessRule.objects.update_or_create(page=course.page_ptr, defaults={"closes_on": None})
            rule.cohorts.set([spot])
        officers = []
        for number in range(1, spot_officers + 1):
            user, _ = users.objects.update_or_create(
                username=f"{SPOT}{number:02d}", defaults={"first_name": "Spot"}
            )
            OfficerProfile.objects.update_or_create(user=user, defaults={"preferred_language": "en"})
            CohortMembership.objects.get_or_create(user=user, cohort=spot)
            officers.append(user)
    cookies = {}
    for user in officers:
        client = Client()
        client.force_login(user)
        cookies[user.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    Path(sessions_file).write_text(json.dumps(cookies, indent=1))
    print(
        f"writers' content: {POOL} modules to republish, a spot cohort of {len(officers)} officers, "
        f"{ModulePage.objects.filter(slug__startswith='load-test').count()} load-test modules; "
        f"{len(CoursePage.objects.filter(slug__startswith='load-test'))} courses"
    )


def _course(index, track, slug: str, title: str):
    from curriculum.models import CoursePage

    course = CoursePage.objects.child_of(index).filter(slug=slug).first()
    if course is None:
        course = index.add_child(
            instance=CoursePage(title=title, slug=slug, track=track, summary="Load test.")
        )
    return course


def _module(course, slug: str, title: str):
    from curriculum.models import ModulePage

    module = ModulePage.objects.child_of(course).filter(slug=slug).first()
    if module is None:
        module = course.add_child(instance=ModulePage(title=title, slug=slug, summary="A load-test module."))
    return module


# --- serve ---------------------------------------------------------------------------------------


class Writer:
    """What the editor and the programme admin do, one operation per request line."""

    def __init__(self) -> None:
        from django.contrib.auth import get_user_model

        from curriculum.models import ModulePage
        from portal.models import AccessRule, Cohort

        users = get_user_model()
        self.editor = users.objects.get(username="editor")
        self.admin = users.objects.get(username="programme.admin")
        self.pool = list(ModulePage.objects.filter(slug__startswith="load-test-exercise-").order_by("slug"))
        self.spot = Cohort.objects.get(slug="load-test-spot")
        self.other = Cohort.objects.get(slug="load-test-other")
        self.spot_module = ModulePage.objects.get(slug="load-test-spot-course-module")
        self.rule_module = ModulePage.objects.get(slug="load-test-rule-course-module")
        self.rule = AccessRule.objects.get(page__slug="load-test-rule-course")

    def publish(self, number: int) -> dict:
        from curriculum.models import ModulePage

        module = ModulePage.objects.get(pk=self.pool[number % len(self.pool)].pk)
        module.title = f"Field exercise loadpub{number:05d}"
        module.save_revision(user=self.editor).publish(user=self.editor)
        return {"url": module.url, "title": module.title}

    def membership(self, officer: str, member: bool) -> dict:
        from django.contrib.auth import get_user_model

        from portal.models import CohortMembership

        user = get_user_model().objects.get(username=officer)
        if member:
            CohortMembership.objects.get_or_create(user=user, cohort=self.spot)
        else:
            CohortMembership.objects.filter(user=user, cohort=self.spot).delete()
        return {"url": self.spot_module.url, "title": self.spot_module.title}

    def rule_change(self, state: str) -> dict:
        """`open` grants the spot cohort; `other` grants only another cohort; `closed` closes it."""
        self.rule.refresh_from_db()
        self.rule.closes_on = (
            datetime.date.today() - datetime.timedelta(days=1) if state == "closed" else None
        )
        self.rule.save()
        self.rule.cohorts.set([self.other] if state == "other" else [self.spot])
        return {"url": self.rule_module.url, "title": self.rule_module.title}

    def handle(self, request: dict) -> dict:
        from django.db import close_old_connections, transaction

        close_old_connections()
        with transaction.atomic():
            if request["op"] == "publish":
                return self.publish(request["number"])
            if request["op"] == "membership":
                return self.membership(request["officer"], request["member"])
            if request["op"] == "rule":
                return self.rule_change(request["state"])
        raise ValueError(f"unknown operation {request['op']!r}")


def serve() -> None:
    writer = Writer()
    out = sys.stdout
    sys.stdout = sys.stderr  # only answers go to the pipe
    for line in sys.stdin:
        try:
            answer = {"ok": True, **writer.handle(json.loads(line))}
        except Exception as error:  # the locust side records it as a failed request
            answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()


# --- verify --------------------------------------------------------------------------------------


def verify() -> int:
    """Every module the editor republished is found under its newest title (and only under it), on
    the engine production uses; exit 1 otherwise."""
    from django.contrib.auth import get_user_model

    from curriculum.models import ModulePage
    from search import service

    reader = get_user_model().objects.get(username=f"{SPOT}01")
    problems = []
    modules = list(ModulePage.objects.filter(slug__startswith="load-test-exercise-"))
    engines = set()
    for module in modules:
        token = module.title.split()[-1]
        results = service.search(reader, token, {}, 1)
        engines.add(results.engine)
        if [hit.title for hit in results.hits] != [module.title]:
            problems.append(f"{token}: found {[hit.title for hit in results.hits]} ({results.engine})")
    republished = sum(1 for module in modules if "loadpub" in module.title)
    print(
        f"verify: {republished} of {len(modules)} modules republished; every newest title found: "
        f"{'yes' if not problems else 'NO'} (engines {', '.join(sorted(engines))})"
    )
    for problem in problems:
        print(f"  not found as published: {problem}")
    return 1 if problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("setup")
    made.add_argument("--sessions", required=True, help="write the spot officers' session cookies here")
    made.add_argument("--spot-officers", type=int, default=10)
    commands.add_parser("serve")
    commands.add_parser("verify")
    args = parser.parse_args()
    django_setup()
    if args.command == "setup":
        setup(args.sessions, args.spot_officers)
    elif args.command == "serve":
        serve()
    else:
        sys.exit(verify())


if __name__ == "__main__":
    main()
