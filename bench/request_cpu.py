"""CPU per request: the load test's mix, replayed in one process through the whole middleware stack.

    .venv/bin/python bench/request_cpu.py [--database-url URL] [--elasticsearch-url URL]
        [--index-prefix cpu-bench] [--rounds 40] [--profile var/request-cpu.prof] [--keep]

Sets up what bench/load_test.sh serves (a fresh database: migrate, `manage.py load_demo`, the load-test
officers of bench/load_users.py; with --elasticsearch-url the Elasticsearch index rebuilt under
--index-prefix), with DEBUG off and database connections kept between requests (`DJANGO_CONN_MAX_AGE`,
60 s unless set, as in production). Then, as signed-in officers (`loadtest.officer.01` and `02`, one of
each demo nation), it replays bench/locustfile.py's mix through Django's test client, so every request
passes every middleware (sessions renewed, CSRF, CSP, two-factor, axes, view-as, the access log, locale)
and the views: the dashboard ×3, a course ×2, a module ×4, the search page ×2, the search API ×2 and
suggestions ×1 in each round, in a shuffled order, the course, module and query drawn as the locustfile
draws them. Each request's CPU is `time.process_time()` around it. The first rounds warm up (templates,
code, connections) and are not counted. Prints the queries per request of each endpoint (counted in the
warm-up, outside the timing) and the CPU ms per request of each endpoint (median and mean) and of the
mix (total CPU over all requests in the mix's proportions).

--profile PATH writes a cProfile of the measured requests (`python -m pstats PATH`) and prints its top
functions by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from load_mix import COURSE, MODULE, QUERIES  # noqa: E402 - bench/ is this script's own directory

WEIGHTS = {"dashboard": 3, "course": 2, "module": 4, "search page": 2, "search API": 2, "suggest": 1}
OFFICERS = ("loadtest.officer.01", "loadtest.officer.02")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench-request-cpu.sqlite3'}")
    parser.add_argument("--elasticsearch-url", default="", help="else the database engine")
    parser.add_argument("--index-prefix", default="cpu-bench")
    parser.add_argument("--rounds", type=int, default=40, help="measured rounds of 14 requests")
    parser.add_argument("--warm-up", type=int, default=5, help="rounds before measuring")
    parser.add_argument("--profile", help="write a cProfile of the measured requests to this file")
    parser.add_argument(
        "--keep", action="store_true", help="reuse the database and index of a previous run (migrated first)"
    )
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["ELASTICSEARCH_URL"] = args.elasticsearch_url
    os.environ["SEARCH_INDEX_PREFIX"] = args.index_prefix
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tabadul.settings.dev")
    # Connections kept between requests, as production keeps them (tabadul.settings.production).
    os.environ.setdefault("DJANGO_CONN_MAX_AGE", "60")
    if not args.keep:
        fresh_database(args.database_url)
    import django

    django.setup()
    from django.conf import settings

    assert not settings.DEBUG
    if not args.keep:
        set_up(args)
    else:  # a kept database brought up to date: its schema, and the triggers of what is kept
        from django.core.management import call_command

        call_command("migrate", verbosity=0)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(args.seed)
    officers = []
    for username in OFFICERS:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        dashboard = get(client, "/dashboard/")
        courses = sorted(set(COURSE.findall(dashboard)))
        found = {m for course in courses for m in MODULE.findall(get(client, course))}
        # Module pages only: a course's other links of that shape (its PDF export) are not in the mix.
        modules = sorted(m for m in found if client.get(m)["Content-Type"].startswith("text/html"))
        assert courses and modules, (username, courses, modules)
        officers.append((client, courses, modules))

    def request_for(endpoint: str, courses: list[str], modules: list[str]) -> str:
        if endpoint == "dashboard":
            return "/dashboard/"
        if endpoint == "course":
            return rng.choice(courses)
        if endpoint == "module":
            return rng.choice(modules)
        query = rng.choice(QUERIES)
        if endpoint == "search page":
            return f"/search/?q={query}"
        if endpoint == "search API":
            return f"/api/v1/search/?q={query}"
        return f"/api/v1/search/suggest/?q={query[:3]}"

    def a_round():
        order = [endpoint for endpoint, weight in WEIGHTS.items() for _ in range(weight)]
        rng.shuffle(order)
        for endpoint in order:
            client, courses, modules = rng.choice(officers)
            yield endpoint, client, request_for(endpoint, courses, modules)

    queries: dict[str, list[int]] = {endpoint: [] for endpoint in WEIGHTS}
    for _ in range(args.warm_up):
        for endpoint, client, path in a_round():
            with CaptureQueriesContext(connection) as captured:
                get(client, path)
            queries[endpoint].append(len(captured))

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    cpu: dict[str, list[float]] = {endpoint: [] for endpoint in WEIGHTS}
    load_start = os.getloadavg()
    wall = time.perf_counter()
    for _ in range(args.rounds):
        for endpoint, client, path in a_round():
            if profiler:
                profiler.enable()
            start = time.process_time()
            get(client, path)
            cpu[endpoint].append(time.process_time() - start)
            if profiler:
                profiler.disable()
    wall = time.perf_counter() - wall
    load_end = os.getloadavg()

    engine = "Elasticsearch" if args.elasticsearch_url else "database engine"
    print(f"database: {connection.vendor}; search: {engine}; DEBUG={settings.DEBUG}")
    print(
        f"{args.rounds} rounds of {sum(WEIGHTS.values())} requests after {args.warm_up} warm-up rounds,"
        f" {wall:.1f} s wall; load average {load_start[0]:.2f} -> {load_end[0]:.2f}"
    )
    if profiler:
        print("(profiled: CPU figures include cProfile's overhead)")
    print(f"{'endpoint':<12} {'weight':>6} {'queries':>8} {'CPU ms median':>14} {'CPU ms mean':>12}")
    for endpoint, weight in WEIGHTS.items():
        times = cpu[endpoint]
        print(
            f"{endpoint:<12} {weight:>6} {statistics.median(queries[endpoint]):>8.0f}"
            f" {statistics.median(times) * 1000:>14.1f} {statistics.fmean(times) * 1000:>12.1f}"
        )
    total = sum(sum(times) for times in cpu.values())
    count = sum(len(times) for times in cpu.values())
    print(f"{'mix':<12} {sum(WEIGHTS.values()):>6} {'':>8} {'':>14} {total / count * 1000:>12.1f}")
    if profiler:
        import pstats

        profiler.dump_stats(args.profile)
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(30)
        print(f"profile written to {args.profile}")


def get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def fresh_database(url: str) -> None:
    """Delete the SQLite file, or drop and create the PostgreSQL database (never the shared one's name)."""
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    assert name and name != "tabadul", f"use a database of the benchmark's own, not {name!r}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def set_up(args) -> None:
    """A fresh copy of what bench/load_test.sh serves: the demo and the load-test officers."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    argv = sys.argv
    sys.argv = ["load_users.py", "--count", str(len(OFFICERS))]
    try:
        from bench import load_users

        load_users.main()
    finally:
        sys.argv = argv
    call_command("search_index", rebuild=True, no_progress=True, stdout=open(os.devnull, "w"))  # noqa: SIM115


if __name__ == "__main__":
    main()
