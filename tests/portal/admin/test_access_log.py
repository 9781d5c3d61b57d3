"""The access log in the admin: read-only, filtered, searchable, exportable as CSV."""

from __future__ import annotations

import csv
import datetime
import io

from django.urls import NoReverseMatch, reverse

import pytest

from portal.models import AccessLogEntry
from tests.conftest import force_login_verified
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOG = reverse("access_log:index")
RESULTS = reverse("access_log:index_results")
Outcome, ObjectType = AccessLogEntry.Outcome, AccessLogEntry.ObjectType


def at(day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, tzinfo=datetime.UTC)


@pytest.fixture
def entries(db):
    amal, ben = UserFactory(username="amal"), UserFactory(username="ben")

    def entry(user, when, outcome, object_type, title, path):
        return AccessLogEntry.objects.create(
            user=user,
            username=user.username,
            at=when,
            outcome=outcome,
            object_type=object_type,
            object_title=title,
            path=path,
            ip_address="192.0.2.7",
        )

    return {
        "amal_page": entry(
            amal, at(1), Outcome.GRANTED, ObjectType.PAGE, "Threat modelling", "/curriculum/cyber/threats/"
        ),
        "amal_doc": entry(
            amal, at(3), Outcome.DENIED, ObjectType.DOCUMENT, "Annex B", "/documents/4/annex-b.pdf"
        ),
        "ben_page": entry(
            ben, at(5), Outcome.DENIED, ObjectType.PAGE, "Wargaming", "/curriculum/plan/wargaming/"
        ),
        "ben_image": entry(
            ben, at(9), Outcome.GRANTED, ObjectType.IMAGE, "Map of the exercise", "/media/images/map.png"
        ),
        "amal": amal,
        "ben": ben,
    }


def titles(response) -> set[str]:
    return {entry.object_title for entry in response.context["object_list"]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Threat modelling", "Annex B", "Wargaming", "Map of the exercise"}),
        ({"outcome": "denied"}, {"Annex B", "Wargaming"}),
        ({"object_type": "page"}, {"Threat modelling", "Wargaming"}),
        ({"outcome": "granted", "object_type": "image"}, {"Map of the exercise"}),
        ({"at_from": "2026-03-02", "at_to": "2026-03-05"}, {"Annex B", "Wargaming"}),
        ({"q": "annex"}, {"Annex B"}),
        ({"q": "amal"}, {"Threat modelling", "Annex B"}),
        ({"q": "/curriculum/plan"}, {"Wargaming"}),
    ],
)
def test_programme_admins_filter_and_search_the_log(client, programme_admin, entries, params, expected):
    force_login_verified(client, programme_admin)

    response = client.get(LOG, params)

    assert response.status_code == 200
    assert titles(response) == expected


def test_filtering_by_user(client, programme_admin, entries):
    force_login_verified(client, programme_admin)

    response = client.get(RESULTS, {"user": entries["ben"].pk})

    assert titles(response) == {"Wargaming", "Map of the exercise"}


def test_the_filtered_log_exports_as_csv(client, programme_admin, entries):
    force_login_verified(client, programme_admin)

    response = client.get(LOG, {"outcome": "denied", "export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "access-log.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert [(row["User"], row["Object"], row["Outcome"]) for row in rows] == [
        ("ben", "Wargaming", "denied"),
        ("amal", "Annex B", "denied"),
    ]
    assert rows[1]["Path"] == "/documents/4/annex-b.pdf"
    assert rows[1]["IP address"] == "192.0.2.7"
    assert rows[1]["Time"].startswith("2026-03-03")


def test_the_log_is_read_only_even_for_superusers(client, superuser, entries):
    force_login_verified(client, superuser)

    listing = client.get(LOG).content.decode()
    inspect = client.get(reverse("access_log:inspect", args=[entries["amal_doc"].pk]))

    assert inspect.status_code == 200
    assert "Annex B" in inspect.content.decode()
    assert "Add access log entry" not in listing
    for name in ("access_log:add", "access_log:edit", "access_log:delete"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[entries["amal_doc"].pk] if not name.endswith("add") else [])


def test_the_log_is_in_the_reports_menu_of_programme_admins_only(
    client, programme_admin, instructor, entries
):
    force_login_verified(client, programme_admin)
    assert LOG in client.get(reverse("wagtailadmin_home")).content.decode()

    force_login_verified(client, instructor)
    assert LOG not in client.get(reverse("wagtailadmin_home")).content.decode()
    refused = client.get(LOG)
    assert refused.status_code == 302
    assert b"Annex B" not in refused.content
