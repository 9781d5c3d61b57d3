"""The access policy's inputs kept across requests (portal.change_tokens): reused while nothing they
depend on changed, never once something did — however it changed (the ORM, bulk operations, raw SQL,
another connection, a tree move), and never from a transaction that rolled back.

Transactional tests: inside a transaction (every other test) nothing is kept, by design.
"""

from __future__ import annotations

import datetime
import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

import pytest
import time_machine

from portal import change_tokens
from portal.models import AccessRule, Cohort, CohortMembership, OfficerProfile
from tests.factories import (
    AccessRuleFactory,
    CohortFactory,
    CourseFactory,
    ModuleFactory,
    NationFactory,
    OfficerFactory,
    translate,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RULE_TABLE = 'FROM "portal_accessrule" r'  # the policy's read of every rule
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(curriculum_index, client):
    change_tokens.forget()
    nation, other_nation = NationFactory(code="AA"), NationFactory(code="BB")
    cohort, other_cohort = CohortFactory(), CohortFactory()
    course = CourseFactory(parent=curriculum_index)
    module = ModuleFactory(parent=course)
    rule = AccessRuleFactory(page=course, cohorts=[cohort], releasable_to=[nation])
    closed_course = CourseFactory(parent=curriculum_index)
    AccessRuleFactory(page=closed_course, cohorts=[other_cohort])
    open_course = CourseFactory(parent=curriculum_index)
    open_module = ModuleFactory(parent=open_course)
    officer = OfficerFactory(username="reader", nation=nation, cohorts=[cohort])
    client.force_login(officer)
    return SimpleNamespace(**locals())


def status(client, page) -> int:
    return client.get(page.url).status_code


def rule_table_reads(client, page) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(page.url)
    return sum(RULE_TABLE in query["sql"] for query in queries.captured_queries)


def test_the_policy_inputs_are_read_once_and_then_kept(world, client):
    assert rule_table_reads(client, world.module) == 1
    assert rule_table_reads(client, world.module) == 0
    assert rule_table_reads(client, world.open_module) == 0


def _raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


WITHDRAWALS = {
    "membership deleted": lambda w: CohortMembership.objects.filter(user=w.officer).delete(),
    "membership moved by raw SQL": lambda w: _raw(
        "UPDATE portal_cohortmembership SET cohort_id = %s WHERE user_id = %s",
        [w.other_cohort.pk, w.officer.pk],
    ),
    "rule's cohorts replaced": lambda w: w.rule.cohorts.set([w.other_cohort]),
    "rule released to another nation only": lambda w: (
        w.rule.releasable_to.clear(),
        AccessRule.releasable_to.through.objects.bulk_create(
            [AccessRule.releasable_to.through(accessrule=w.rule, nation=w.other_nation)]
        ),
    ),
    "officer's nation changed": lambda w: OfficerProfile.objects.filter(user=w.officer).update(
        nation=w.other_nation
    ),
    "cohort's window closed": lambda w: Cohort.objects.filter(pk=w.cohort.pk).update(
        ends_on=datetime.date.today() - datetime.timedelta(days=10)
    ),
    "rule's window closed": lambda w: AccessRule.objects.filter(pk=w.rule.pk).update(
        closes_on=datetime.date.today() - datetime.timedelta(days=1)
    ),
    "a second rule on the module": lambda w: AccessRuleFactory(page=w.module, cohorts=[w.other_cohort]),
    "module moved under a closed course": lambda w: w.module.move(w.closed_course, pos="last-child"),
}


@pytest.mark.parametrize("change", WITHDRAWALS.values(), ids=WITHDRAWALS.keys())
def test_a_withdrawal_takes_effect_on_the_next_request(world, client, change):
    assert status(client, world.module) == 200
    assert status(client, world.module) == 200  # served from what was kept
    change(world)
    world.module.refresh_from_db()
    assert status(client, world.module) == 404


def test_a_cohort_added_to_a_rule_grants_on_the_next_request(world, client):
    CohortMembership.objects.filter(user=world.officer).update(cohort=world.other_cohort)
    assert status(client, world.module) == 404
    assert status(client, world.module) == 404
    world.rule.cohorts.add(world.other_cohort)  # an add only: Django's INSERT OR IGNORE on SQLite
    assert status(client, world.module) == 200


def test_a_grant_takes_effect_on_the_next_request(world, client):
    CohortMembership.objects.filter(user=world.officer).delete()
    assert status(client, world.module) == 404
    assert status(client, world.module) == 404
    CohortMembership.objects.bulk_create([CohortMembership(user=world.officer, cohort=world.cohort)])
    assert status(client, world.module) == 200


def test_a_new_translation_is_governed_by_its_groups_rules(world, client, locale_ar, curriculum_index_ar):
    assert status(client, world.module) == 200  # the rule roots are kept
    readable = translate(world.open_course, locale_ar, title="مقرر مفتوح")
    governed = translate(world.closed_course, locale_ar, title="مقرر مغلق")
    assert status(client, readable) == 200
    assert status(client, governed) == 404


def test_a_change_made_through_another_connection_is_seen(world, client):
    assert status(client, world.module) == 200
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("DELETE FROM portal_cohortmembership WHERE user_id = %s", [world.officer.pk])
        other.commit() if not other.get_autocommit() else None
    finally:
        other.close()
    assert status(client, world.module) == 404


class RolledBack(Exception):
    pass


def test_nothing_computed_in_a_transaction_that_rolled_back_is_served(world, client):
    assert status(client, world.module) == 200
    with pytest.raises(RolledBack), transaction.atomic():
        CohortMembership.objects.filter(user=world.officer).delete()
        assert status(client, world.module) == 404  # the transaction reads its own change
        raise RolledBack
    assert status(client, world.module) == 200
    CohortMembership.objects.filter(user=world.officer).delete()
    assert status(client, world.module) == 404


def test_the_day_is_never_kept(world, client):
    Cohort.objects.filter(pk=world.cohort.pk).update(ends_on=datetime.date.today())
    assert status(client, world.module) == 200
    assert status(client, world.module) == 200
    with time_machine.travel(datetime.datetime.now() + datetime.timedelta(days=2)):
        client.force_login(world.officer)
        assert status(client, world.module) == 404


def test_without_its_triggers_nothing_is_kept(world, client, caplog):
    _raw(
        'DROP TRIGGER "tabadul_change_portal_cohortmembership_delete"'
        + (' ON "portal_cohortmembership"' if connection.vendor == "postgresql" else "")
    )
    change_tokens.forget()
    with caplog.at_level(logging.WARNING, logger="portal.change_tokens"):
        assert status(client, world.module) == 200
    assert "tabadul_change_portal_cohortmembership_delete" in caplog.text
    assert rule_table_reads(client, world.module) == 1  # read again: nothing kept
    CohortMembership.objects.filter(user=world.officer).delete()  # no trigger: the token stays
    assert status(client, world.module) == 404

    change_tokens.install_triggers()  # what every `migrate` does last (test below)
    assert rule_table_reads(client, world.module) == 1
    assert rule_table_reads(client, world.module) == 0


def test_migrate_reinstalls_a_dropped_trigger(tmp_path):
    """On a database of its own (SQLite drops a table's triggers when a migration rebuilds it)."""
    database = tmp_path / "portal.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "tabadul.settings.dev",
    }
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, timeout=300)  # noqa: S603 - our own command
    name = "tabadul_change_portal_cohortmembership_delete"
    with sqlite3.connect(database) as db:
        db.execute(f'DROP TRIGGER "{name}"')
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, timeout=300)  # noqa: S603
    with sqlite3.connect(database) as db:
        found = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = ?", [name]
        ).fetchall()
    assert found == [(name,)]


def test_a_change_in_another_scope_drops_nothing_kept_for_content(world, client):
    from search.models import IndexChange

    assert rule_table_reads(client, world.module) == 1
    IndexChange.objects.create(kind=IndexChange.Kind.PAGE, object_id=world.module.pk)  # the search outbox
    assert rule_table_reads(client, world.module) == 0
    CohortMembership.objects.create(user=world.officer, cohort=world.other_cohort)  # content
    assert rule_table_reads(client, world.module) == 1


def test_a_role_given_or_taken_takes_effect_on_the_next_request(world, client):
    from curriculum.roles import assign_role

    assert client.get("/dashboard/").status_code == 200
    assert client.get("/dashboard/").status_code == 200  # the officer's permissions, kept
    assign_role(world.officer, "instructor")  # a group: the admin, so the second factor is owed
    assert client.get("/dashboard/")["Location"].startswith("/accounts/two-factor/")
    assign_role(world.officer, "officer")
    assert client.get("/dashboard/").status_code == 200
