"""A change whose document cannot be built is set aside with its error and retried with backoff; the
changes around it are applied as usual, on both engines."""

from __future__ import annotations

import datetime

from django.utils import timezone

import pytest
import time_machine

from portal.models import Nation
from search import indexing, registry, service
from search.models import IndexChange
from search.registry import BuildContext, IndexedType
from tests.factories import NationFactory, OfficerFactory


class FragileBriefType(IndexedType):
    """Nation briefs whose builder fails on a nation without a name (a defect in a content type)."""

    name = "fragile-brief"
    model = Nation
    columns = ("pk", "code", "name")

    def content(self, row: dict, context: BuildContext) -> dict:
        if not row["name"].strip():
            raise ValueError(f"nation {row['code']} has no name")
        return {"locale": "en", "title": f"{row['name']} brief", "url": f"/nations/{row['code'].lower()}/"}


@pytest.fixture
def fragile(db):
    registry.register(FragileBriefType())
    yield
    registry.unregister(FragileBriefType.name)


def briefs() -> set[str]:
    results = service.search(OfficerFactory(username=f"reader-{Nation.objects.count()}"), "brief", {}, 1)
    return {hit.title for hit in results.hits}


def test_a_change_that_cannot_be_built_waits_alone_with_its_error(engine, fragile):
    NationFactory(code="AA", name="Avalon")
    broken = NationFactory(code="BB", name=" ")
    NationFactory(code="CC", name="Caledonia")

    report = indexing.drain()
    assert (report.applied, report.failed) == (2, 1)
    assert briefs() == {"Avalon brief", "Caledonia brief"}
    waiting = IndexChange.objects.get(processed_at__isnull=True)
    assert (waiting.type, waiting.object_id, waiting.attempts) == ("fragile-brief", broken.pk, 1)
    assert "ValueError: nation BB has no name" in waiting.last_error
    assert waiting.available_at > timezone.now()

    assert indexing.drain().applied == 0, "not retried before its backoff ends"
    broken.name = "Brittany"
    broken.save()
    with time_machine.travel(waiting.available_at + datetime.timedelta(seconds=1)):
        assert indexing.drain().failed == 0
    assert briefs() == {"Avalon brief", "Brittany brief", "Caledonia brief"}
    assert not IndexChange.objects.filter(processed_at__isnull=True).exists()
