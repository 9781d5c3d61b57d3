"""Page-serve benchmark: a module page with the access policy against the same page with the policy
switched off, on a corpus with 500 cohorts and 200 access rules. Prints the ratio (target ≤ 1.15).

    .venv/bin/python bench/page_serve.py [--requests 300] [--database-url sqlite:///var/bench.sqlite3]

Both variants serve the same page from the same database in one process, interleaved in rounds, so
machine noise hits both alike; the ratio is of medians.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300, help="requests per variant")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench-page-serve.sqlite3'}")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tabadul.settings.test")
    if args.database_url.startswith("sqlite:///"):
        Path(args.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not args.database_url.startswith("sqlite:///"):
        call_command("flush", interactive=False, verbosity=0)  # a fresh corpus on a server database
    officer, module = build_corpus()

    from django.test import Client

    client = Client()
    client.force_login(officer)
    url = module.url
    assert client.get(url).status_code == 200

    per_round = max(1, args.requests // args.rounds)
    timings: dict[str, list[float]] = {"policy": [], "off": []}
    for number in range(args.rounds):
        # Alternate which variant goes first, so neither always follows the other's warm-up.
        for variant in ("policy", "off") if number % 2 == 0 else ("off", "policy"):
            with policy_switched_off() if variant == "off" else nullcontext():
                for _ in range(per_round):
                    start = time.perf_counter()
                    response = client.get(url)
                    timings[variant].append(time.perf_counter() - start)
                    assert response.status_code == 200
    policy, off = statistics.median(timings["policy"]), statistics.median(timings["off"])
    print(f"corpus: 500 cohorts, 200 rules, module page {url}")
    print(f"requests per variant: {len(timings['policy'])}")
    print(f"median with policy:    {policy * 1000:.2f} ms")
    print(f"median policy off:     {off * 1000:.2f} ms")
    print(f"ratio (policy / off):  {policy / off:.3f}  (target <= 1.15)")


class nullcontext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class policy_switched_off:
    """Every page visible, no checks: the same code paths with the policy's answers precomputed."""

    def __enter__(self):
        from wagtail import hooks

        from portal import access, wagtail_hooks

        self.saved = {name: getattr(access, name) for name in ("viewable_pages", "can_view", "is_restricted")}
        access.viewable_pages = lambda user, today=None, queryset=None: queryset
        access.can_view = lambda user, page, today=None: True
        access.is_restricted = lambda page: False
        self.hooks = hooks._hooks["before_serve_page"]
        hooks._hooks["before_serve_page"] = [
            entry for entry in self.hooks if entry[0] is not wagtail_hooks.enforce_access_policy
        ]
        return self

    def __exit__(self, *exc):
        from wagtail import hooks

        from portal import access

        for name, value in self.saved.items():
            setattr(access, name, value)
        hooks._hooks["before_serve_page"] = self.hooks
        return False


def build_corpus():
    """500 cohorts, 200 rules over 20 courses × 10 modules; the officer passes the rules on the path."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from curriculum.models import CoursePage, CurriculumIndexPage, ModulePage, Track
    from portal.models import AccessRule, Cohort, CohortMembership, Nation, OfficerProfile

    today = datetime.date.today()
    with transaction.atomic():
        nation = Nation.objects.create(code="PK", name="Pakistan")
        cohorts = Cohort.objects.bulk_create(
            Cohort(
                slug=f"cohort-{i}",
                name=f"Cohort {i}",
                starts_on=today - datetime.timedelta(days=i % 300),
                ends_on=today + datetime.timedelta(days=(i % 7) - 3),
                grace_days=i % 5,
            )
            for i in range(500)
        )
        officer = get_user_model().objects.create(username="bench.officer")
        OfficerProfile.objects.create(user=officer, nation=nation)
        mine = [cohorts[3], cohorts[10], cohorts[17]]  # open today (ends_on == today)
        CohortMembership.objects.bulk_create(CohortMembership(user=officer, cohort=c) for c in mine)
        index = CurriculumIndexPage.objects.get(locale__language_code="en")
        track = Track.objects.create(slug="cyber-security", title="Cyber Security")
        rules = 0
        target = None
        for c in range(20):
            course = index.add_child(
                instance=CoursePage(title=f"Course {c}", slug=f"course-{c}", track=track)
            )
            rule = AccessRule.objects.create(page=course)
            rule.cohorts.set([cohorts[(c * 7) % 500], *mine[:1]] if c % 2 == 0 else [cohorts[(c * 11) % 500]])
            rules += 1
            for m in range(10):
                module = course.add_child(
                    instance=ModulePage(
                        title=f"Module {c}.{m}",
                        slug=f"module-{m}",
                        summary="A module.",
                        estimated_minutes=30,
                        body=[
                            {"type": "heading", "value": {"text": "Overview", "level": "h2"}},
                            {
                                "type": "rich_text",
                                "value": "<p>" + "Planning starts with the mission. " * 60 + "</p>",
                            },
                        ],
                    )
                )
                if m < 9:
                    rule = AccessRule.objects.create(page=module)
                    rule.cohorts.set([cohorts[(c * 10 + m) % 500], *(mine[1:2] if c == 0 else [])])
                    rule.releasable_to.set([nation] if m % 2 else [])
                    rules += 1
                if c == 0 and m == 4:
                    target = module
        assert rules == 200, rules
    return officer, target


if __name__ == "__main__":
    main()
