"""`manage.py prune_access_log`: entries past retention go, the rest stay; bad input fails."""

from __future__ import annotations

import datetime
from io import StringIO

from django.core.management import CommandError, call_command

import pytest
import time_machine

from portal.models import AccessLogEntry

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)


def entry_at(**ago) -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        at=NOW - datetime.timedelta(**ago),
        username="amal",
        object_type=AccessLogEntry.ObjectType.PAGE,
        outcome=AccessLogEntry.Outcome.GRANTED,
    )


def prune(*args: str) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("prune_access_log", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def entries(db):
    return {
        "recent": entry_at(days=10),
        "just_kept": entry_at(days=364, hours=23),
        "expired": entry_at(days=365, seconds=1),
        "ancient": entry_at(days=900),
    }


def remaining() -> int:
    return AccessLogEntry.objects.count()


def test_the_retention_setting_decides_what_goes(entries, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 365

    output = prune()

    assert "Deleted 2 access-log entries older than 365 days." in output
    assert set(AccessLogEntry.objects.values_list("pk", flat=True)) == {
        entries["recent"].pk,
        entries["just_kept"].pk,
    }


def test_days_overrides_the_setting(entries):
    assert "Deleted 3 " in prune("--days", "30")
    assert remaining() == 1


def test_a_dry_run_counts_and_deletes_nothing(entries):
    assert "3 access-log entries older than 30 days would be deleted." in prune("--days", "30", "--dry-run")
    assert remaining() == 4


def test_running_twice_deletes_nothing_more(entries):
    prune("--days", "30")
    assert "Deleted 0 " in prune("--days", "30")


@pytest.mark.parametrize("days", ["0", "-5", "ten"])
def test_bad_input_fails(entries, days):
    with pytest.raises(CommandError):
        prune("--days", days)
    assert remaining() == 4


def test_a_bad_setting_fails(entries, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = -1

    with pytest.raises(CommandError):
        prune()
    assert remaining() == 4
