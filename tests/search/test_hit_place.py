"""Each hit says where it lives: its course and track, titled in the reader's language, in the API
(`course_title`, `track_title`, beside the `course` and `track` slugs the filters and facets use) and
on the page, on both engines."""

from __future__ import annotations

import re

import pytest

from tests.factories import CourseFactory, GuideFactory, ModuleFactory, OfficerFactory, TrackFactory
from tests.search.conftest import index_now


@pytest.fixture
def world(engine, client, curriculum_index, curriculum_index_ar, culture_index, locale_ar):
    track = TrackFactory(slug="methodology", title="Methodology", title_ar="المنهجية")
    english = CourseFactory(
        parent=curriculum_index, title="Defence Planning", slug="defence-planning", track=track, summary=""
    )
    CourseFactory(
        parent=curriculum_index_ar,
        locale=locale_ar,
        translation_key=english.translation_key,
        title="التخطيط الدفاعي",
        slug="defence-planning",
        track=track,
        summary="",
    )
    ModuleFactory(parent=english, title="Working with JOPP", summary="The steps.")
    GuideFactory(parent=culture_index, title="JOPP customs", summary="")
    index_now()
    client.force_login(OfficerFactory(username="reader"))
    return client


def results(client, prefix: str = "") -> dict[str, dict]:
    response = client.get(f"{prefix}/api/v1/search/", {"q": "JOPP"})
    assert response.status_code == 200
    return {hit["title"]: hit for hit in response.json()["results"]}


def test_the_api_gives_the_module_s_course_and_track_titles(world):
    hits = results(world)
    module = hits["Working with JOPP"]
    assert (module["course"], module["track"]) == ("defence-planning", "methodology")
    assert (module["course_title"], module["track_title"]) == ("Defence Planning", "Methodology")
    guide = hits["JOPP customs"]
    assert (guide["course"], guide["course_title"], guide["track"], guide["track_title"]) == (None,) * 4


def test_the_titles_are_in_the_reader_s_language_and_the_slugs_stay(world):
    module = results(world, "/ar")["Working with JOPP"]
    assert (module["course"], module["track"]) == ("defence-planning", "methodology")
    assert (module["course_title"], module["track_title"]) == ("التخطيط الدفاعي", "المنهجية")


def where(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", block)).strip()
        for block in re.findall(r'<p class="result__where">(.*?)</p>', html, re.S)
    ]


def test_the_page_shows_where_a_module_lives(world):
    assert where(world.get("/search/", {"q": "JOPP"}).content.decode()) == [
        "Course: Defence Planning Track: Methodology"
    ]
    assert where(world.get("/ar/search/", {"q": "JOPP"}).content.decode()) == [
        "الدورة: التخطيط الدفاعي المسار: المنهجية"
    ]
