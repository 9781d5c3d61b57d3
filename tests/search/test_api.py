"""The search API and page keep the contract of docs/architecture.md on both engines: shapes, sign-in,
invalid parameters, pagination, facets and filters, boosts, sort, snippets and suggestions."""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from portal.models import CohortMembership
from search import service
from tests.factories import (
    AccessRuleFactory,
    CohortFactory,
    CourseFactory,
    GuideFactory,
    ModuleFactory,
    OfficerFactory,
    ProgrammeFactory,
    TrackFactory,
)
from tests.search.conftest import index_now

API = "/api/v1/search/"
SUGGEST = "/api/v1/search/suggest/"
PAGE = "/search/"


def body(text: str) -> list[dict]:
    return [{"type": "rich_text", "value": f"<p>{text}</p>"}]


@pytest.fixture
def library(engine, curriculum_index, culture_index, programme_index):
    """Two courses in two tracks, modules, a guide and a programme; one module restricted."""
    planning = CourseFactory(
        parent=curriculum_index,
        title="Defense Planning",
        slug="defense-planning",
        track=TrackFactory(slug="methodology", title="Methodology"),
        summary="Courses on how staffs plan.",
    )
    cyber = CourseFactory(
        parent=curriculum_index,
        title="Cyber Operations",
        slug="cyber-operations",
        track=TrackFactory(slug="cyber", title="Cyber"),
        summary="Defending networks.",
    )
    modules = {
        "title": ModuleFactory(
            parent=planning, title="Wargaming basics", summary="Plans.", body=body("Intro.")
        ),
        "summary": ModuleFactory(
            parent=planning, title="Red teams", summary="Wargaming in teams.", body=body("x")
        ),
        "body": ModuleFactory(
            parent=cyber, title="Network defence", summary="Firewalls.", body=body("wargaming")
        ),
        "secret": ModuleFactory(
            parent=cyber, title="Classified wargaming", summary="Hidden.", body=body("wargaming")
        ),
    }
    guide = GuideFactory(
        parent=culture_index, title="Etiquette", summary="Greetings.", body=body("wargaming etiquette")
    )
    programme = ProgrammeFactory(
        parent=programme_index, title="Symposium", summary="Yearly.", body=body("planning")
    )
    AccessRuleFactory(page=modules["secret"], cohorts=[CohortFactory(starts_on=datetime.date(2000, 1, 1))])
    index_now()
    return {"planning": planning, "cyber": cyber, **modules, "guide": guide, "programme": programme}


@pytest.fixture
def reader(client, db):
    user = OfficerFactory(username="reader")
    client.force_login(user)
    return user


def test_anonymous_callers_get_401_json(client, db):
    for url in (API, SUGGEST):
        response = client.get(url, {"q": "wargaming"})
        assert response.status_code == 401
        assert response["Content-Type"] == "application/json"
        assert "error" in response.json()


def test_anonymous_page_visitors_are_sent_to_sign_in(client, db):
    response = client.get(PAGE, {"q": "wargaming"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_api_answers_the_contract_shape(client, reader, library, engine):
    response = client.get(API, {"q": "wargaming"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"count", "page", "num_pages", "engine", "results", "facets"}
    assert data["engine"] == engine
    assert data["page"] == 1 and data["num_pages"] == 1
    assert data["count"] == len(data["results"]) == 4  # the restricted module is not there
    for result in data["results"]:
        assert set(result) == {
            *("id", "title", "url", "type", "track", "course", "locale", "snippet"),
            *("track_title", "course_title"),
        }
        assert result["locale"] == "en"
        assert set(re.findall(r"</?([a-z]+)", result["snippet"])) <= {"mark"}
    assert data["facets"] == {
        "track": {"methodology": 2, "cyber": 1},
        "type": {"module": 3, "guide": 1},
        "locale": {"en": 4},
        "course": {"defense-planning": 2, "cyber-operations": 1},
    }
    by_title = {result["title"]: result for result in data["results"]}
    assert by_title["Network defence"]["course"] == "cyber-operations"
    assert by_title["Network defence"]["track"] == "cyber"
    assert by_title["Etiquette"]["track"] is None and by_title["Etiquette"]["type"] == "guide"
    assert by_title["Network defence"]["url"] == library["body"].url


def test_title_ranks_over_summary_over_body(client, reader, library, engine):
    titles = [result["title"] for result in client.get(API, {"q": "wargaming"}).json()["results"]]
    assert titles[0] == "Wargaming basics"
    assert titles[1] == "Red teams"
    assert set(titles[2:]) == {"Network defence", "Etiquette"}


def test_snippets_mark_the_words_and_escape_the_rest(client, reader, curriculum_index, engine):
    course = CourseFactory(parent=curriculum_index, summary="About <script>alert(1)</script> & friends.")
    ModuleFactory(parent=course, title="Odd", summary='Use "quotes" & <b>tags</b> near the cipher word.')
    index_now()
    (result,) = client.get(API, {"q": "cipher"}).json()["results"]
    assert "<mark>cipher</mark>" in result["snippet"]
    assert "<b>" not in result["snippet"] and "&lt;b&gt;" in result["snippet"]
    assert "&amp;" in result["snippet"]


def test_filters_narrow_and_facets_count_the_other_choices(client, reader, library, engine):
    data = client.get(API, {"q": "wargaming", "track": "methodology"}).json()
    assert data["count"] == 2
    assert {result["track"] for result in data["results"]} == {"methodology"}
    # The chosen facet still shows the other values; the other facets count within the choice.
    assert data["facets"]["track"] == {"methodology": 2, "cyber": 1}
    assert data["facets"]["type"] == {"module": 2}
    data = client.get(API, {"q": "wargaming", "type": "guide", "locale": "en"}).json()
    assert [result["title"] for result in data["results"]] == ["Etiquette"]
    data = client.get(API, {"q": "wargaming", "course": "cyber-operations"}).json()
    assert [result["title"] for result in data["results"]] == ["Network defence"]
    assert client.get(API, {"q": "wargaming", "track": "no-such-track"}).json()["count"] == 0


@override_settings(SEARCH_PAGE_SIZE=2)
def test_pages_and_a_page_past_the_end_gives_the_last(client, reader, library, engine):
    first = client.get(API, {"q": "wargaming"}).json()
    assert (first["count"], first["num_pages"], len(first["results"])) == (4, 2, 2)
    second = client.get(API, {"q": "wargaming", "page": 2}).json()
    assert second["page"] == 2
    assert {r["id"] for r in first["results"]}.isdisjoint({r["id"] for r in second["results"]})
    last = client.get(API, {"q": "wargaming", "page": 99}).json()
    assert last["page"] == 2 and last["results"] == second["results"]


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "-1"},
        {"page": "two"},
        {"type": "secret"},
        {"locale": "fr"},
        {"track": "a b"},
        {"course": "<x>"},
        {"sort": "random"},
        {"q": "x" * 501},
    ],
)
def test_invalid_parameters_are_400_with_a_reason(client, reader, params):
    response = client.get(API, {"q": "wargaming", **params})
    assert response.status_code == 400
    data = response.json()
    assert data["error"] and set(data["fields"]) == set(params)
    assert client.get(PAGE, {"q": "wargaming", **params}).status_code == 400


def test_sort_by_recency(client, reader, curriculum_index, engine):
    course = CourseFactory(parent=curriculum_index)
    for days, title in ((3, "Old drill"), (1, "New drill"), (2, "Middle drill")):
        module = ModuleFactory(parent=course, title=title)
        module.last_published_at = module.first_published_at = datetime.datetime(
            2026, 1, 10 - days, tzinfo=datetime.UTC
        )
        module.save()
    index_now()
    titles = [r["title"] for r in client.get(API, {"q": "drill", "sort": "recent"}).json()["results"]]
    assert titles == ["New drill", "Middle drill", "Old drill"]


def test_suggestions_complete_titles_the_user_may_read(client, reader, library, engine):
    response = client.get(SUGGEST, {"q": "Warg"})
    assert response.status_code == 200
    assert response.json() == {"suggestions": [{"title": "Wargaming basics", "url": library["title"].url}]}
    assert client.get(SUGGEST, {"q": "classif"}).json() == {"suggestions": []}
    assert client.get(SUGGEST, {"q": ""}).json() == {"suggestions": []}


def test_the_page_shows_facets_snippets_and_pagination(client, reader, library, engine):
    with override_settings(SEARCH_PAGE_SIZE=2):
        response = client.get(PAGE, {"q": "wargaming"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 results for" in html
    assert "<mark>" in html
    assert 'class="facets"' in html and "Methodology" in html and "Defense Planning" in html
    assert 'rel="next"' in html and "page=2" in html
    assert "Classified" not in html
    assert "js/search-suggest.js" in html and "css/search.css" in html
    assert "<script>" not in html.replace('<script src="', "")


def test_a_helpful_page_when_nothing_is_found(client, reader, library, engine):
    html = client.get(PAGE, {"q": "zeppelin", "track": "cyber"}).content.decode()
    assert "No results for" in html
    assert "Remove the filters" in html and "Check the spelling" in html


def test_the_page_is_right_to_left_in_arabic(client, reader, library, engine):
    html = client.get("/ar" + PAGE, {"q": "wargaming"}).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert 'data-suggest-url="/ar/api/v1/search/suggest/"' in html
    assert "Wargaming basics" in html


def test_the_service_names_its_engine(reader, library, engine):
    results = service.search(reader, "wargaming", {}, 1)
    assert results.engine == engine and results.notice == ""


def test_the_policy_is_read_once_per_search_whatever_the_rules(reader, library):
    """The access policy's database work for one search is a fixed handful of queries, read once even
    when a page past the end makes the service ask the engine again, and no more with thirty more
    cohorts and rules (on Elasticsearch it is the search's only database work besides the outbox)."""
    policy_tables = ("portal_", "wagtailcore_grouppagepermission", "auth_")

    def policy_queries(page: int) -> list[str]:
        fresh = type(reader).objects.get(pk=reader.pk)  # as each request has: nothing memoised on it
        fresh.has_perm("wagtailadmin.access_admin")  # asked on every request by the two-factor middleware
        with CaptureQueriesContext(connection) as captured:
            service.search(fresh, "wargaming", {}, page)
        return [q["sql"] for q in captured.captured_queries if any(t in q["sql"] for t in policy_tables)]

    CohortMembership.objects.create(user=reader, cohort=CohortFactory())
    few = policy_queries(1)
    assert len(policy_queries(99)) == len(few)
    for number in range(30):
        cohort = CohortFactory()
        CohortMembership.objects.create(user=reader, cohort=cohort)
        extra = ModuleFactory(parent=library["planning"], title=f"Extra {number}")
        AccessRuleFactory(page=extra, cohorts=[cohort])
    assert len(policy_queries(1)) == len(few) <= 4


def test_the_page_names_each_course_and_track_once(client, reader, library, engine):
    """The hits' course and track titles and the facets' labels come from one ask per facet."""
    client.get(PAGE, {"q": "wargaming"})
    with CaptureQueriesContext(connection) as captured:
        html = client.get(PAGE, {"q": "wargaming"}).content.decode()

    assert len([q for q in captured if 'FROM "curriculum_track"' in q["sql"]]) == 1
    assert len([q for q in captured if '"wagtailcore_page"."slug" IN' in q["sql"]]) == 1
    assert 'class="facets"' in html and "Methodology" in html and "Cyber Operations" in html


def test_a_request_labels_facet_values_for_each_reader_apart(curriculum_index):
    """The labels kept for the rest of a request are the reader's: another user asking in the same
    request gets no label of a course they may not read."""
    from portal.memo import request_memo
    from search.registry import facet_value_labels

    cohort = CohortFactory(starts_on=datetime.date(2000, 1, 1))
    closed = CourseFactory(parent=curriculum_index, title="Closed Course", slug="closed")
    AccessRuleFactory(page=closed, cohorts=[cohort])
    member, outsider = OfficerFactory(cohorts=[cohort]), OfficerFactory()
    with request_memo():
        assert facet_value_labels("course", member, ["closed"]) == {"closed": "Closed Course"}
        assert facet_value_labels("course", outsider, ["closed"]) == {}
        assert facet_value_labels("course", member, ["closed", "closed"]) == {"closed": "Closed Course"}
    with request_memo():
        assert facet_value_labels("course", outsider, ["closed"]) == {}
        assert facet_value_labels("course", member, ["closed"]) == {"closed": "Closed Course"}
