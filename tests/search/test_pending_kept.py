"""Every search asks which changes are still pending in the outbox (`search.outbox.pending_changes`,
the fail-closed exclusion): the answer is kept across requests while the database's change token
holds, and read again as soon as a change is recorded or applied — however it is written.

Transactional tests: inside a transaction (every other test) nothing is kept, by design.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from portal import change_tokens
from search import outbox
from search.models import IndexChange

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OUTBOX_READ = 'FROM "search_indexchange"'


def key_of(change) -> str:
    return f"{change.type or 'page'}:{change.object_id}"


def pending() -> tuple[object, int]:
    """The answer, and how many times the outbox table was read for it."""
    with CaptureQueriesContext(connection) as queries:
        answer = outbox.pending_changes(1000, key_of)
    return answer, sum(OUTBOX_READ in query["sql"] for query in queries.captured_queries)


@pytest.fixture
def empty_outbox():
    IndexChange.objects.all().delete()
    change_tokens.forget()


def test_kept_until_a_change_is_recorded_or_applied(empty_outbox):
    assert pending() == ((frozenset(), frozenset()), 1)
    assert pending() == ((frozenset(), frozenset()), 0)  # kept: nothing changed

    change = IndexChange.objects.create(kind=IndexChange.Kind.PAGE, object_id=41)
    assert pending() == ((frozenset({"page:41"}), frozenset()), 1)
    subtree = IndexChange.objects.create(kind=IndexChange.Kind.SUBTREE, object_id=7)
    assert pending() == ((frozenset({"page:41"}), frozenset({7})), 1)

    # The drainer's claims and leases change nothing a search reads: still kept.
    IndexChange.objects.filter(pk=change.pk).update(claims=1, claimed_by="host:1")
    assert pending()[1] == 0

    IndexChange.objects.filter(pk=change.pk).update(processed_at=timezone.now())
    assert pending() == ((frozenset(), frozenset({7})), 1)
    with connection.cursor() as cursor:  # raw SQL too: the triggers are the database's
        cursor.execute(
            "UPDATE search_indexchange SET processed_at = %s WHERE id = %s", [timezone.now(), subtree.pk]
        )
    assert pending() == ((frozenset(), frozenset()), 1)
    assert pending()[1] == 0


def test_more_than_the_limit_is_kept_as_not_trusted(empty_outbox):
    IndexChange.objects.bulk_create(
        [IndexChange(kind=IndexChange.Kind.PAGE, object_id=number) for number in range(1, 4)]
    )
    with CaptureQueriesContext(connection):
        assert outbox.pending_changes(2, key_of) is None
        assert outbox.pending_changes(2, key_of) is None
    assert outbox.pending_changes(3, key_of) == (frozenset({"page:1", "page:2", "page:3"}), frozenset())


def test_nothing_read_inside_a_transaction_is_kept(empty_outbox):
    assert pending()[1] == 1
    with transaction.atomic():
        IndexChange.objects.create(kind=IndexChange.Kind.PAGE, object_id=5)
        # Inside a transaction the table is read every time (its own rows may roll back).
        assert pending() == ((frozenset({"page:5"}), frozenset()), 1)
        assert pending()[1] == 1
        transaction.set_rollback(True)
    # Rolled back: the token is the one before, and so is the answer kept under it.
    assert pending() == ((frozenset(), frozenset()), 0)
