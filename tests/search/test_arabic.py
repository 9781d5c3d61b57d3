"""Arabic is found however it is written, on both engines: with or without diacritics, whatever the
form of alef, ya (alef maqsura) or ta marbuta, and in Arabic-Indic or Latin digits."""

from __future__ import annotations

import pytest

from search import service
from search.text import normalise
from tests.factories import CourseFactory, ModuleFactory, OfficerFactory
from tests.search.conftest import index_now


@pytest.fixture
def arabic_modules(engine, curriculum_index_ar, locale_ar):
    course = CourseFactory(parent=curriculum_index_ar, locale=locale_ar, title="دورة", summary="دورة")
    voweled = ModuleFactory(
        parent=course,
        locale=locale_ar,
        title="التَّخْطِيطُ العَسْكَرِيُّ",  # "military planning", fully voweled
        summary="مُقَدِّمَةٌ",
        body=[{"type": "rich_text", "value": "<p>الدرس ٣ عن القيادة</p>"}],
    )
    hamza = ModuleFactory(parent=course, locale=locale_ar, title="أمن إقليمي", summary="آفاق")
    endings = ModuleFactory(parent=course, locale=locale_ar, title="مدرسة مستشفى الحدود", summary="")
    index_now()
    return {"voweled": voweled, "hamza": hamza, "endings": endings}


def found(query: str) -> set[int]:
    return {hit.id for hit in service.search(OfficerFactory(username="reader"), query, {}, 1).hits}


@pytest.mark.parametrize("query", ["التخطيط", "التَّخْطِيطُ", "العسكري", "التخطيط العسكري", "مقدمة", "مقدمه"])
def test_diacritics_do_not_matter(arabic_modules, query):
    assert found(query) == {arabic_modules["voweled"].pk}


@pytest.mark.parametrize("query", ["امن", "أمن", "إمن", "آمن", "اقليمي", "إقليمي", "أقليمي", "افاق", "آفاق"])
def test_alef_forms_find_each_other(arabic_modules, query):
    assert found(query) == {arabic_modules["hamza"].pk}


@pytest.mark.parametrize("query", ["مدرسه", "مدرسة", "مستشفي", "مستشفى"])
def test_ta_marbuta_and_alef_maqsura(arabic_modules, query):
    assert found(query) == {arabic_modules["endings"].pk}


@pytest.mark.parametrize("query", ["الدرس 3", "الدرس ٣"])
def test_arabic_indic_digits(arabic_modules, query):
    assert found(query) == {arabic_modules["voweled"].pk}


def test_snippets_keep_the_text_as_written(arabic_modules):
    (hit,) = service.search(OfficerFactory(username="reader"), "مقدمه", {}, 1).hits
    assert "<mark>مُقَدِّمَةٌ</mark>" in hit.snippet


def test_suggestions_ignore_diacritics(arabic_modules):
    titles = [s.title for s in service.suggest(OfficerFactory(username="reader"), "التخط")]
    assert titles == ["التَّخْطِيطُ العَسْكَرِيُّ"]


def test_normalisation_matches_the_elasticsearch_analyzer():
    assert normalise("التَّخْطِيطُ") == "التخطيط"
    assert normalise("أإآا") == "اااا"
    assert normalise("مدرسة على") == "مدرسه علي"
    assert normalise("مسؤول") == "مسؤول"  # hamza on waw is kept, as Lucene keeps it
    assert normalise("Café ٣") == "cafe 3"
