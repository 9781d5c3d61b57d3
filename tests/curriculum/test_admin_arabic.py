"""The admin edits Arabic right-to-left (every field of a page whose locale is Arabic, the Arabic
fields of the glossary, tracks and nations) and carries the portal's name and mark, not Wagtail's."""

from __future__ import annotations

import re

from django.urls import reverse

import pytest

from tests.conftest import force_login_verified
from tests.factories import GlossaryTermFactory, GuideFactory, NationFactory, TrackFactory

pytestmark = pytest.mark.django_db


def tag(html: str, name: str) -> str:
    """The opening tag of the form field called `name`."""
    found = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html)
    assert found, f"no field {name}"
    return found.group(0)


def test_every_field_of_an_arabic_page_edits_right_to_left(client, superuser, culture_index, locale_ar):
    guide = GuideFactory(parent=culture_index, title="Majlis Etiquette")
    arabic = guide.copy_for_translation(locale_ar)
    arabic.title = "آداب المجلس"
    arabic.save_revision().publish()
    force_login_verified(client, superuser)

    html = client.get(reverse("wagtailadmin_pages:edit", args=(arabic.pk,))).content.decode()
    for name in ("title", "summary", "region"):
        assert 'dir="rtl"' in tag(html, name) and 'lang="ar"' in tag(html, name), name
    assert "curriculum/admin/content-direction.js" in html  # for the fields the editor adds later

    english = client.get(reverse("wagtailadmin_pages:edit", args=(guide.pk,))).content.decode()
    assert 'dir="rtl"' not in tag(english, "title") and 'dir="rtl"' not in tag(english, "summary")


def test_a_new_page_under_an_arabic_section_edits_right_to_left(client, superuser, home_ar):
    from curriculum.models import CultureIndexPage

    culture_ar = CultureIndexPage.objects.child_of(home_ar).get()
    force_login_verified(client, superuser)
    url = reverse("wagtailadmin_pages:add", args=("curriculum", "cultureguidepage", culture_ar.pk))
    assert 'dir="rtl"' in tag(client.get(url).content.decode(), "title")


def test_the_arabic_fields_of_snippets_edit_right_to_left(client, superuser):
    term = GlossaryTermFactory(term="Centre of gravity", term_ar="مركز الثقل")
    track = TrackFactory(slug="methodology", title="Defense Methodology")
    nation = NationFactory(code="SA", name="Saudi Arabia")
    force_login_verified(client, superuser)

    glossary = client.get(reverse("wagtailsnippets_curriculum_glossaryterm:edit", args=(term.pk,)))
    html = glossary.content.decode()
    assert 'dir="rtl"' in tag(html, "term_ar") and 'dir="rtl"' in tag(html, "definition_ar")
    assert 'dir="rtl"' not in tag(html, "term") and 'dir="rtl"' not in tag(html, "definition")
    html = client.get(reverse("wagtailsnippets_curriculum_track:edit", args=(track.pk,))).content.decode()
    assert 'dir="rtl"' in tag(html, "title_ar") and 'dir="rtl"' not in tag(html, "title")
    html = client.get(reverse("wagtailsnippets_portal_nation:edit", args=(nation.pk,))).content.decode()
    assert 'dir="rtl"' in tag(html, "name_ar") and 'dir="rtl"' not in tag(html, "name")


def test_the_admin_carries_the_portal_name_and_mark(client, superuser):
    login = client.get(reverse("wagtailadmin_login")).content.decode()
    assert "Sign in to Wagtail" not in login
    assert "Tabadul" in login and "تبادل" in login
    assert re.search(r"<title>[^<]*Tabadul</title>", login)

    force_login_verified(client, superuser)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert re.search(r"<title>[^<]*Tabadul</title>", home)
    assert "img/tabadul-mark.svg" in home  # the favicon and the sidebar's logo
    assert 'rel="icon"' in home and "wagtailadmin/images/favicon.ico" not in home
    assert re.search(r"<template data-wagtail-sidebar-branding-logo><img [^>]*tabadul-mark.svg", home)
