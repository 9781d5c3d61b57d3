"""Lessons in search, trimmed inside both engines: a property test builds random lessons (every
stage, authors, nations, cohorts open and closed) and readers (officers, the author, a lessons
manager, a superuser) and checks that hits, counts, facet counts and suggestions equal the policy's
answer lesson by lesson (`portal.access.can_read_audience`); a canary checks that a lesson leaves no
trace in any search response to a reader who may not read it."""

from __future__ import annotations

import datetime
import re

from django.contrib.auth.models import Group

import pytest
import snowballstemmer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessons.models import Lesson, Status
from portal import access
from portal.access import LESSONS_MANAGERS
from search import service
from tests.factories import CohortFactory, NationFactory, OfficerFactory, UserFactory
from tests.lessons.factories import LessonFactory
from tests.search.conftest import empty_index, index_now, rolled_back

VOCAB = ["amber", "basalt", "basalts", "cobalt", "dune"]
STEM = snowballstemmer.stemmer("english").stemWord
BASE = datetime.date(2026, 3, 1)

lessons = st.lists(
    st.fixed_dictionaries(
        {
            "title": st.lists(st.sampled_from(VOCAB), min_size=1, max_size=2),
            "observation": st.lists(st.sampled_from(VOCAB), max_size=2),
            "status": st.sampled_from(Status.values),
            "by_reader": st.booleans(),
            "nations": st.sets(st.integers(0, 1), max_size=2),
            "cohorts": st.sets(st.integers(0, 1), max_size=2),
        }
    ),
    min_size=1,
    max_size=6,
)
worlds = st.fixed_dictionaries(
    {
        "lessons": lessons,
        # cohort windows around BASE: (start offset, length)
        "cohorts": st.lists(st.tuples(st.integers(-40, 10), st.integers(0, 40)), min_size=2, max_size=2),
        "reader": st.sampled_from(["officer", "officer", "officer", "manager", "superuser"]),
        "nation": st.sampled_from([0, 1, None]),
        "member_of": st.sets(st.integers(0, 1), max_size=2),
        "today": st.integers(-20, 40),
        "query": st.lists(st.sampled_from(VOCAB), min_size=1, max_size=2, unique=True),
    }
)


def build(world):
    nations = [NationFactory(code="AA"), NationFactory(code="BB")]
    cohorts = [
        CohortFactory(
            starts_on=BASE + datetime.timedelta(days=start),
            ends_on=BASE + datetime.timedelta(days=start + length),
        )
        for start, length in world["cohorts"]
    ]
    nation = nations[world["nation"]] if world["nation"] is not None else None
    member_of = [cohorts[i] for i in world["member_of"]]
    if world["reader"] == "superuser":
        reader = UserFactory(is_superuser=True, is_staff=True)
    else:
        reader = OfficerFactory(nation=nation, cohorts=member_of)
    if world["reader"] == "manager":
        reader.groups.add(Group.objects.get(name=LESSONS_MANAGERS))
    made = []
    for spec in world["lessons"]:
        made.append(
            LessonFactory(
                title=" ".join(spec["title"]),
                observation=" ".join(spec["observation"]) or "none",
                discussion="",
                conclusion="",
                recommendation="",
                status=spec["status"],
                author=reader if spec["by_reader"] and world["reader"] == "officer" else OfficerFactory(),
                releasable_to=[nations[i] for i in spec["nations"]],
                cohorts=[cohorts[i] for i in spec["cohorts"]],
            )
        )
    index_now()
    return reader, BASE + datetime.timedelta(days=world["today"]), made


def expected(reader, today, made, query):
    def words(lesson):
        return {STEM(word) for word in f"{lesson.title} {lesson.observation}".split()}

    wanted = {STEM(word) for word in query}
    return {
        lesson.pk
        for lesson in made
        if wanted <= words(lesson) and access.can_read_audience(reader, lesson.audience, today)
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds)
def test_hits_counts_facets_and_suggestions_equal_the_policy(engine, world):
    with rolled_back():
        if engine == "elasticsearch":
            empty_index()
        reader, today, made = build(world)
        want = expected(reader, today, made, world["query"])
        results = service.search(reader, " ".join(world["query"]), {"type": "lesson"}, 1, today=today)
        assert results.engine == engine
        assert {hit.id for hit in results.hits} == want
        assert results.count == len(want)
        assert results.facets["type"] == ({"lesson": len(want)} if want else {})
        readable_titles = {
            lesson.title for lesson in made if access.can_read_audience(reader, lesson.audience, today)
        }
        suggested = {
            suggestion.title for suggestion in service.suggest(reader, world["query"][0][:3], today=today)
        }
        assert suggested <= readable_titles


# (reader, lesson) → found: each condition of the audience alone, so that a filter that forgets one
# fails here whatever the property test happened to draw.
AUDIENCE_CASES = {
    "released to the reader's nation": ("officer AA", {"status": "identified", "nations": ["AA"]}, True),
    "released to another nation": ("officer BB", {"status": "identified", "nations": ["AA"]}, False),
    "released to a nation, reader without one": ("officer", {"status": "learned", "nations": ["AA"]}, False),
    "released to every nation": ("officer BB", {"status": "action"}, True),
    "released to an open cohort of the reader": (
        "officer open",
        {"status": "learned", "cohorts": ["open"]},
        True,
    ),
    "released to a closed cohort of the reader": (
        "officer closed",
        {"status": "learned", "cohorts": ["closed"]},
        False,
    ),
    "released to a cohort, reader in none": ("officer AA", {"status": "learned", "cohorts": ["open"]}, False),
    "in review": ("officer AA", {"status": "in_review"}, False),
    "returned": ("officer AA", {"status": "returned"}, False),
    "the author's own draft": ("author", {"status": "submitted", "nations": ["BB"]}, True),
    "the action body, outside the audience": ("tasked", {"status": "action", "nations": ["BB"]}, True),
    "a manager reads a draft": ("manager", {"status": "submitted", "nations": ["BB"]}, True),
    "a superuser reads a draft": ("superuser", {"status": "rejected"}, True),
}


@pytest.mark.parametrize("case", AUDIENCE_CASES)
def test_each_condition_of_the_audience_trims_on_both_engines(engine, case):
    reader_kind, spec, found = AUDIENCE_CASES[case]
    nations = {code: NationFactory(code=code) for code in ("AA", "BB")}
    today = datetime.date.today()
    cohorts = {
        "open": CohortFactory(slug="open"),
        "closed": CohortFactory(
            slug="closed",
            starts_on=today - datetime.timedelta(days=90),
            ends_on=today - datetime.timedelta(days=60),
        ),
    }
    if reader_kind == "superuser":
        reader = UserFactory(is_superuser=True, is_staff=True)
    else:
        _, _, detail = reader_kind.partition(" ")
        reader = OfficerFactory(
            nation=nations.get(detail), cohorts=[cohorts[detail]] if detail in cohorts else []
        )
    if reader_kind == "manager":
        reader.groups.add(Group.objects.get(name=LESSONS_MANAGERS))
    lesson = LessonFactory(
        title="Amber lesson",
        status=spec["status"],
        author=reader if reader_kind == "author" else OfficerFactory(),
        releasable_to=[nations[code] for code in spec.get("nations", [])],
        cohorts=[cohorts[slug] for slug in spec.get("cohorts", [])],
    )
    if reader_kind == "tasked":
        lesson.tasked.add(reader)
    index_now()
    assert access.can_read_audience(reader, lesson.audience) is found
    results = service.search(reader, "amber", {}, 1)
    assert results.engine == engine
    assert ([hit.id for hit in results.hits], results.count) == (([lesson.pk], 1) if found else ([], 0))
    assert bool(service.suggest(reader, "amb")) is found


CANARY = "zyxwlesson"


@pytest.fixture
def canary_lesson(engine, client):
    jordan = NationFactory(code="JO")
    LessonFactory(title="Convoy spacing", observation="Open convoy lesson.", status=Status.LEARNED)
    canary = LessonFactory(
        title=f"Convoy {CANARY}",
        observation=f"The {CANARY} observation about convoy spacing.",
        status=Status.IDENTIFIED,
        releasable_to=[jordan],
    )
    LessonFactory(title=f"Convoy draft {CANARY}", observation=f"{CANARY} draft.", status=Status.SUBMITTED)
    index_now()
    return canary


REQUESTS = [
    ("/api/v1/search/", {"q": CANARY}),
    ("/api/v1/search/", {"q": "convoy"}),
    ("/api/v1/search/", {"q": "convoy", "type": "lesson"}),
    ("/api/v1/search/suggest/", {"q": "zyx"}),
    ("/api/v1/search/suggest/", {"q": "convoy"}),
    ("/search/", {"q": CANARY}),
    ("/search/", {"q": "convoy", "type": "lesson"}),
    ("/ar/search/", {"q": "convoy"}),
    ("/lessons/", {}),
    ("/lessons/", {"nation": "JO"}),
]


def responses(client) -> list[str]:
    answers = []
    for url, params in REQUESTS:
        response = client.get(url, params)
        assert response.status_code == 200, url
        # The sign-out form's CSRF token is random per response.
        answers.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode()))
    return answers


def test_a_lesson_leaves_no_trace_for_a_reader_outside_its_audience(client, canary_lesson):
    client.force_login(OfficerFactory(username="outsider", nation=NationFactory(code="KE")))
    with_canary = responses(client)
    for (url, params), answer in zip(REQUESTS, with_canary, strict=True):
        if url.startswith("/api/") or CANARY not in params.get("q", ""):  # the page repeats the query typed
            assert CANARY not in answer.lower(), (url, params)
    assert client.get(f"/lessons/{canary_lesson.pk}/").status_code == 404
    # The open lesson is found: the search does work for this reader.
    assert client.get("/api/v1/search/", {"q": "convoy"}).json()["count"] == 1
    # And every answer is the same as in a portal without the lessons it may not read.
    Lesson.objects.filter(title__contains=CANARY).delete()
    index_now()
    assert responses(client) == with_canary


def test_the_audience_finds_it_and_the_type_facet_counts_it(client, canary_lesson):
    client.force_login(OfficerFactory(username="insider", nation=NationFactory(code="JO")))
    answer = client.get("/api/v1/search/", {"q": CANARY}).json()
    assert [hit["id"] for hit in answer["results"]] == [canary_lesson.pk]
    assert answer["results"][0]["type"] == "lesson"
    assert answer["results"][0]["url"] == f"/lessons/{canary_lesson.pk}/"
    assert answer["facets"]["type"] == {"lesson": 1}


def test_a_change_of_audience_reaches_the_index(engine, client):
    jordan, kenya = NationFactory(code="JO"), NationFactory(code="KE")
    lesson = LessonFactory(title="Convoy audience", status=Status.IDENTIFIED, releasable_to=[jordan])
    index_now()
    reader = OfficerFactory(nation=kenya)
    assert service.search(reader, "convoy", {}, 1).count == 0
    lesson.releasable_to.add(kenya)
    index_now()
    assert service.search(reader, "convoy", {}, 1).count == 1
