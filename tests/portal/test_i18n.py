"""The English-or-Arabic choice for content with an Arabic twin (portal.i18n), as the templates
show it: a nation's name and a track's title."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

import pytest

from portal.i18n import in_active_language
from tests.factories import NationFactory, TrackFactory


@pytest.mark.parametrize(
    ("language", "arabic", "expected"),
    [
        ("en", "الأردن", "Jordan"),
        ("ar", "الأردن", "الأردن"),
        ("ar", "", "Jordan"),
        (None, "الأردن", "Jordan"),
    ],
)
def test_the_arabic_text_when_arabic_is_active_and_there_is_one(language, arabic, expected):
    with translation.override(language):
        assert in_active_language("Jordan", arabic) == expected


@pytest.mark.django_db
def test_nation_names_and_track_titles_follow_the_active_language():
    nation = NationFactory(code="JO", name="Jordan", name_ar="الأردن")
    untranslated = NationFactory(code="PK", name="Pakistan")
    track = TrackFactory(slug="methodology", title="Methodology", title_ar="المنهجية")
    template = Template(
        "{% load portal_tags %}{{ nation|display_name }} {{ other|display_name }} {{ track.display_title }}"
    )

    def render(language: str) -> str:
        with translation.override(language):
            return template.render(Context({"nation": nation, "other": untranslated, "track": track}))

    assert render("en") == "Jordan Pakistan Methodology"
    assert render("ar") == "الأردن Pakistan المنهجية"
