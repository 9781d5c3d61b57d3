"""Page-serve benchmark: a module page with the access policy against the same page with the policy
switched off, on a corpus of --modules modules (bench/generate_corpus.py, streamed) with --cohorts
cohorts and --rules access rules. Prints the SQL queries per page of each variant and the ratio of
medians (target ≤ 1.08 at 100,000 modules, 2,000 cohorts and 1,000 rules; the queries per page the same
as at 1,000 modules).

    .venv/bin/python bench/page_serve.py [--modules 1000] [--cohorts 2000] [--rules 1000] [--requests 600]
        [--rounds 100] [--database-url sqlite:///var/bench-page-serve.sqlite3] [--reuse]

The officer (`page.officer`, of a nation, in three cohorts open today) reads a module that two rules
govern (one on its course naming one of the officer's cohorts, one on the module naming another and
releasable to the nation), so every check runs and passes; most of the other rules name cohorts the
officer is not in, so listings filter out what they govern. Both variants serve the same page from the
same database in one process, interleaved in rounds (alternating which goes first), so machine noise
hits both alike. `--reuse` keeps a corpus the database already holds (generate once, measure often).
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OFFICER = "page.officer"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--modules", type=int, default=1000)
    parser.add_argument("--cohorts", type=int, default=2000)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=300, help="requests per variant")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench-page-serve.sqlite3'}")
    parser.add_argument("--reuse", action="store_true", help="keep the corpus the database holds, if any")
    args = parser.parse_args()

    from bench.generate_corpus import fresh_database, generate, setup

    reusing = args.reuse and has_corpus(args.database_url)
    if not reusing:
        fresh_database(args.database_url)
    setup(args.database_url)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from curriculum.models import ModulePage
    from portal.models import AccessRule, Cohort

    if reusing:
        officer = get_user_model().objects.get(username=OFFICER)
        module = ModulePage.objects.get(access_rule__isnull=False, access_rule__releasable_to__isnull=False)
        print("corpus: reused", file=sys.stderr)
    else:
        corpus = generate(
            args.modules,
            cohorts=args.cohorts - 3,
            rules=args.rules - 2,
            progress=lambda text: print(f"… {text}", file=sys.stderr, flush=True),
        )
        print(f"corpus generated: {corpus}", file=sys.stderr)
        officer, module = add_officer_and_target()
    counts = (ModulePage.objects.count(), Cohort.objects.count(), AccessRule.objects.count())

    client = Client()
    client.force_login(officer)
    url = module.url
    assert client.get(url).status_code == 200

    queries = {}
    for variant in ("policy", "off"):
        with policy_switched_off() if variant == "off" else nullcontext():
            client.get(url)  # warm
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            queries[variant] = len(captured.captured_queries)

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
    print(f"corpus: {counts[0]} modules, {counts[1]} cohorts, {counts[2]} rules; module page {url}")
    print(f"database: {connection.vendor}")
    print(f"SQL queries per page:  {queries['policy']} with policy, {queries['off']} policy off")
    print(f"requests per variant: {len(timings['policy'])}")
    print(f"median with policy:    {policy * 1000:.2f} ms")
    print(f"median policy off:     {off * 1000:.2f} ms")
    print(f"ratio (policy / off):  {policy / off:.3f}  (target <= 1.08)")


def has_corpus(url: str) -> bool:
    """Does the database at `url` hold this benchmark's corpus (its officer is written last)?"""
    from bench.generate_corpus import corpus_exists

    return corpus_exists(url, username=OFFICER)


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


def add_officer_and_target():
    """The officer, their nation and three cohorts open today, and the module they read: the first
    module of the first English course without a rule, under two rules that the officer passes."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from curriculum.models import CoursePage, ModulePage
    from portal.models import AccessRule, Cohort, CohortMembership, Nation, OfficerProfile

    today = datetime.date.today()
    with transaction.atomic():
        nation = Nation.objects.create(code="PK", name="Pakistan")
        mine = Cohort.objects.bulk_create(
            Cohort(
                slug=f"page-cohort-{i}",
                name=f"Page cohort {i}",
                starts_on=today - datetime.timedelta(days=30),
                ends_on=today + datetime.timedelta(days=i),
                grace_days=i,
            )
            for i in range(3)
        )
        course = (
            CoursePage.objects.filter(locale__language_code="en", access_rule__isnull=True)
            .order_by("path")
            .first()
        )
        module = ModulePage.objects.child_of(course).order_by("path").first()
        course_rule = AccessRule.objects.create(page=course)
        course_rule.cohorts.set([mine[0]])
        module_rule, _ = AccessRule.objects.get_or_create(page=module)  # a random rule may be there
        module_rule.cohorts.set([mine[1]])
        module_rule.releasable_to.set([nation])
        officer = get_user_model().objects.create(username=OFFICER)
        OfficerProfile.objects.create(user=officer, nation=nation)
        CohortMembership.objects.bulk_create(CohortMembership(user=officer, cohort=c) for c in mine)
    return officer, module


if __name__ == "__main__":
    main()
