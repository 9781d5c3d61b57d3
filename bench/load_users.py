"""Officers for the load test: N accounts that study like the demo's open-cohort officers.

    DATABASE_URL=... .venv/bin/python bench/load_users.py --count 50 [--sessions var/loadtest/sessions.json]

Each `loadtest.officer.NN` (password: the demo password) gets the nation, cohorts and preferred
language of `officer.us` or `officer.pk` in turn, so they read, search and are refused exactly as
those demo officers are. Safe to run twice. Needs `manage.py load_demo` first.

With --sessions, each officer is also signed in ahead of the run (a session made as Django's test
client makes one) and the session cookies are written to that file, so that the load test measures
browsing rather than 50 password hashes at once (bench/load_test.sh --sign-in form measures those).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PREFIX = "loadtest.officer."


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--sessions", help="write the officers' session cookies to this JSON file")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tabadul.settings.dev")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from curriculum.demo.people import DEMO_PASSWORD
    from portal.models import CohortMembership, OfficerProfile

    user_model = get_user_model()
    models = [user_model.objects.get(username=name) for name in ("officer.us", "officer.pk")]
    password = make_password(DEMO_PASSWORD)  # one hash for all: the load test signs in 50 times
    with transaction.atomic():
        for number in range(1, args.count + 1):
            model = models[number % len(models)]
            user, _ = user_model.objects.update_or_create(
                username=f"{PREFIX}{number:02d}", defaults={"password": password, "first_name": "Load"}
            )
            profile = model.profile
            OfficerProfile.objects.update_or_create(
                user=user,
                defaults={"nation": profile.nation, "preferred_language": "en", "rank": profile.rank},
            )
            for membership in CohortMembership.objects.filter(user=model):
                CohortMembership.objects.get_or_create(user=user, cohort=membership.cohort)
    print(f"{args.count} load-test officers: {PREFIX}01 … {PREFIX}{args.count:02d}")
    if args.sessions:
        import json

        from django.conf import settings
        from django.test import Client

        cookies = {}
        for number in range(1, args.count + 1):
            client = Client()
            client.force_login(user_model.objects.get(username=f"{PREFIX}{number:02d}"))
            cookies[f"{PREFIX}{number:02d}"] = client.cookies[settings.SESSION_COOKIE_NAME].value
        Path(args.sessions).write_text(json.dumps(cookies, indent=1))
        print(f"signed in ahead: {len(cookies)} sessions in {args.sessions}")


if __name__ == "__main__":
    main()
