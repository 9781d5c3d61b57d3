"""Both engines make the same terms of the same words: the database engine's analysis
(`search.text.terms`) equals what the node's `_analyze` returns with the index's analyzer for every word
of a list covering Arabic prefixes, suffixes, diacritics, hamza, tatweel and ta marbuta, Arabic stop
words, and English word forms; and the searches people type find the forms they did not type, on both
engines."""

from __future__ import annotations

import pytest

from search import elastic, service, text
from tests.factories import CourseFactory, GuideFactory, ModuleFactory, OfficerFactory
from tests.search.conftest import index_now

ARABIC = [
    # the article and the prepositions and conjunctions joined to it
    "كتاب",
    "الكتاب",
    "والكتاب",
    "بالكتاب",
    "كالكتاب",
    "فالكتاب",
    "للكتاب",
    "وكتاب",
    "التخطيط",
    "تخطيط",
    "والتخطيط",
    "بالتخطيط",
    "للتخطيط",
    "فالتخطيط",
    "كالتخطيط",
    # too short for a prefix to go
    "وزير",
    "ولد",
    "وال",
    "بال",
    "ال",
    "لل",
    "و",
    # suffixes, alone and in sequence
    "كتابها",
    "كتابان",
    "كتابات",
    "معلمون",
    "معلمين",
    "كتابيه",
    "عربية",
    "كتابه",
    "قاضي",
    "والمعلمون",
    "بالمدرسة",
    "الدفاعية",
    "العمليات",
    "منهجية",
    "الدفاعي",
    # ta marbuta and its ha spelling, alef maqsura and ya
    "مدرسة",
    "مدرسه",
    "مستشفى",
    "مستشفي",
    # diacritics, shadda, tanwin, sukun, tatweel
    "التَّخْطِيطُ",
    "مُقَدِّمَةٌ",
    "كِتَابًا",
    "تخـطيط",
    "الـــكتاب",
    # hamza forms (ؤ and ئ are kept)
    "أمن",
    "إقليمي",
    "آفاق",
    "امن",
    "مسؤول",
    "سائل",
    "مسائل",
    # stop words (dropped before normalisation: a voweled stop word is not one)
    "في",
    "على",
    "من",
    "ومن",
    "الذي",
    "إلى",
    "الى",
    "مِن",
    # digits
    "٣",
    "۴٥",
    "2026",
]
ENGLISH = [
    "culture",
    "cultural",
    "cultures",
    "Cultural",
    "exercise",
    "exercises",
    "exercising",
    "exercised",
    "officer",
    "officers",
    "officer's",
    "officers'",
    "running",
    "ran",
    "generously",
    "nationalization",
    "abilities",
    "defence",
    "defense",
    "planning",
    "planned",
    "Café",
    "naïve",
    "operations",
    "operational",
    "mice",
    "F",
    "16",
    "cobalt",
    "dunes",
    "basalts",
    "amber",
]


def analyze(es, analyzer: str, word: str) -> list[str]:
    answer = es.indices.analyze(index=elastic.alias_name(), analyzer=analyzer, text=word)
    return [token["token"] for token in answer["tokens"]]


@pytest.mark.elasticsearch
def test_database_terms_equal_the_index_analyzer(es):
    differences = {
        word: (analyze(es, "tabadul_text", word), text.terms(word))
        for word in ARABIC + ENGLISH
        if analyze(es, "tabadul_text", word) != text.terms(word)
    }
    assert differences == {}


@pytest.mark.elasticsearch
def test_arabic_terms_equal_the_arabic_analyzer(es):
    """For Arabic, the index's analyzer is Elasticsearch's `arabic` analyzer (plus steps that do not
    touch Arabic letters), so the database engine's terms are the `arabic` analyzer's."""
    differences = {
        word: (analyze(es, "arabic", word), text.terms(word))
        for word in ARABIC
        if analyze(es, "arabic", word) != text.terms(word)
    }
    assert differences == {}


def found(query: str) -> set[str]:
    return {hit.title for hit in service.search(OfficerFactory(username="reader"), query, {}, 1).hits}


def test_a_bare_arabic_word_finds_it_with_its_article(engine, curriculum_index_ar, locale_ar):
    CourseFactory(parent=curriculum_index_ar, locale=locale_ar, title="منهجية التخطيط الدفاعي", summary="")
    course = CourseFactory(parent=curriculum_index_ar, locale=locale_ar, title="دورة", summary="")
    ModuleFactory(parent=course, locale=locale_ar, title="والعمليات المشتركة", summary="بالتخطيط")
    index_now()
    assert found("تخطيط") == {"منهجية التخطيط الدفاعي", "والعمليات المشتركة"}
    assert found("التخطيط") == found("تخطيط")
    assert found("عمليات") == {"والعمليات المشتركة"}
    assert found("الدفاعية") == {"منهجية التخطيط الدفاعي"}


def test_english_word_forms_find_each_other(engine, culture_index, course):
    GuideFactory(parent=culture_index, title="Cultural Etiquette", summary="Greetings and meals.")
    ModuleFactory(parent=course, title="Field work", summary="Three exercises in the desert.")
    index_now()
    assert found("culture") == {"Cultural Etiquette"}
    assert found("exercise") == {"Field work"}
    assert found("exercising deserts") == {"Field work"}


def test_a_stemmed_match_marks_the_word_as_written(engine, course):
    ModuleFactory(parent=course, title="Field work", summary="Three exercises in the desert.")
    index_now()
    (hit,) = service.search(OfficerFactory(username="reader"), "exercise", {}, 1).hits
    assert "<mark>exercises</mark>" in hit.snippet
