"""The registry of indexed types, through the search service: a type declared outside `search/` (here,
in the test) is indexed, rebuilt, checked, trimmed by the access policy through the page that governs
it and faceted on both engines, with nothing under `search/` changed; glossary terms are such a type."""

from __future__ import annotations

from django.core.management import call_command

import pytest

from portal.models import Cohort, Nation
from search import indexing, registry, service
from search.registry import BuildContext, IndexedType
from tests.factories import (
    AccessRuleFactory,
    CohortFactory,
    GlossaryTermFactory,
    NationFactory,
    OfficerFactory,
    ProgrammeFactory,
)
from tests.search.conftest import index_now


class NationBriefType(IndexedType):
    """A test type that no page governs: a nation's brief."""

    name = "nation-brief"
    model = Nation
    columns = ("pk", "code", "name", "name_ar")

    def content(self, row: dict, context: BuildContext) -> dict:
        return {
            "locale": "en",
            "title": f"{row['name']} brief",
            "summary": row["name_ar"],
            "body": f"Country code {row['code']}.",
            "url": f"/nations/{row['code'].lower()}/",
        }


class CohortBriefType(IndexedType):
    """A test type governed by a page: a cohort's brief, which its programme page governs."""

    name = "cohort-brief"
    model = Cohort
    columns = ("pk", "name", "programme_id")
    page_column = "programme_id"

    def content(self, row: dict, context: BuildContext) -> dict:
        return {"locale": "en", "title": f"{row['name']} brief", "url": f"/cohorts/{row['pk']}/"}


@pytest.fixture
def declared(db):
    def declare(indexed_type: IndexedType) -> IndexedType:
        registry.register(indexed_type)
        return indexed_type

    yield declare
    registry.unregister(NationBriefType.name)
    registry.unregister(CohortBriefType.name)


def briefs(user) -> set[str]:
    return set(hits(user, "freedonia", type="cohort-brief"))


def hits(user, query: str, **filters):
    return {hit.title: hit for hit in service.search(user, query, filters, 1).hits}


def test_a_type_declared_outside_search_is_found_faceted_rebuilt_and_checked(engine, declared, client):
    declared(NationBriefType())
    NationFactory(code="FD", name="Freedonia", name_ar="فريدونيا")
    index_now()
    reader = OfficerFactory(username="reader")

    results = service.search(reader, "freedonia", {}, 1)
    assert [(hit.title, hit.type, hit.url) for hit in results.hits] == [
        ("Freedonia brief", "nation-brief", "/nations/fd/")
    ]
    assert results.facets["type"] == {"nation-brief": 1}
    assert set(hits(reader, "فريدونيا")) == {"Freedonia brief"}
    assert set(hits(reader, "freedonia", type="nation-brief")) == {"Freedonia brief"}
    client.force_login(reader)
    api = client.get("/api/v1/search/", {"q": "freedonia", "type": "nation-brief"}).json()
    assert (api["engine"], [r["type"] for r in api["results"]]) == (engine, ["nation-brief"])
    assert [s.title for s in service.suggest(reader, "freed")] == ["Freedonia brief"]

    call_command("search_index", "--rebuild", "--no-progress")
    assert not any(indexing.check())
    Nation.objects.filter(code="FD").delete()
    index_now()
    assert hits(reader, "freedonia") == {}
    assert not any(indexing.check())


def test_a_declared_type_is_trimmed_by_the_page_that_governs_it(engine, declared, programme_index):
    declared(CohortBriefType())
    programme = ProgrammeFactory(parent=programme_index, title="Freedonia exchange")
    cohort = CohortFactory(name="Freedonia", programme=programme)
    index_now()
    member, outsider = (
        OfficerFactory(username="member", cohorts=[cohort]),
        OfficerFactory(username="outsider"),
    )
    assert briefs(outsider) == {"Freedonia brief"}, "no rule yet: every officer"

    AccessRuleFactory(page=programme, cohorts=[cohort])
    index_now()  # the rule reindexes what the programme page governs: its pages and the brief
    assert briefs(member) == {"Freedonia brief"}
    assert briefs(outsider) == set()
    assert service.search(outsider, "freedonia", {}, 1).facets["type"] == {}
    assert service.suggest(outsider, "freed") == []
    assert not any(indexing.check())

    programme.unpublish()
    index_now()
    assert briefs(member) == set(), "nobody reads what a page that is not live governs"
    assert not any(indexing.check())


def test_glossary_terms_are_a_search_type_in_both_languages(engine):
    term = GlossaryTermFactory(
        term="Centre of gravity",
        term_ar="مركز الثقل",
        transliteration="markaz al-thiqal",
        definition="The source of power that provides moral or physical strength.",
    )
    GlossaryTermFactory(term="Draft term", definition="Not reviewed yet.", live=False)
    index_now()
    reader = OfficerFactory(username="reader")
    for query in ("gravity", "مركز الثقل", "thiqal", "physical strength"):
        found = hits(reader, query)
        assert set(found) == {"Centre of gravity"}, query
        assert found["Centre of gravity"].type == "glossary"
        assert found["Centre of gravity"].url == f"/glossary/#{term.anchor}"
    assert service.search(reader, "gravity", {}, 1).facets["type"] == {"glossary": 1}
    assert hits(reader, "reviewed") == {}, "an unpublished term is not found"

    term.definition = "Where an adversary concentrates strength."
    term.save()
    index_now()
    assert set(hits(reader, "adversary")) == {"Centre of gravity"}
    term.delete()
    index_now()
    assert hits(reader, "gravity") == {}
    assert not any(indexing.check())


def test_the_type_filter_accepts_every_registered_type(client, db):
    client.force_login(OfficerFactory(username="reader"))
    assert client.get("/api/v1/search/", {"q": "x", "type": "glossary"}).status_code == 200
    response = client.get("/api/v1/search/", {"q": "x", "type": "nation-brief"})
    assert response.status_code == 400 and "type" in response.json()["fields"]
