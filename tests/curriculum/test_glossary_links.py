"""Key terms and the glossary point at each other: a module's key-terms block links to the glossary
entries it names, and each entry lists the modules that use it, only those the reader may read."""

from __future__ import annotations

import re

import pytest

from tests.conftest import force_login_verified
from tests.factories import (
    AccessRuleFactory,
    CohortFactory,
    CourseFactory,
    GlossaryTermFactory,
    ModuleFactory,
    OfficerFactory,
)

pytestmark = pytest.mark.django_db


def key_terms(*terms) -> list[dict]:
    return [{"type": "key_terms", "value": {"terms": [term.pk for term in terms]}}]


@pytest.fixture
def world(curriculum_index, locale_ar):
    cohort, other = CohortFactory(slug="symposium"), CohortFactory(slug="other")
    centre = GlossaryTermFactory(term="Centre of gravity", term_ar="مركز الثقل")
    intent = GlossaryTermFactory(term="Commander's intent")
    course = CourseFactory(parent=curriculum_index, title="Operational Design", slug="design")
    open_module = ModuleFactory(
        parent=course, title="Finding the Centre", slug="finding", body=key_terms(centre, intent)
    )
    sealed = CourseFactory(parent=curriculum_index, title="Sealed Course", slug="sealed")
    AccessRuleFactory(page=sealed, cohorts=[other])
    ModuleFactory(parent=sealed, title="Sealed Zebra Module", slug="zebra", body=key_terms(centre))
    arabic_course = course.copy_for_translation(locale_ar)
    arabic_course.save_revision().publish()
    arabic = open_module.copy_for_translation(locale_ar)
    arabic.title = "إيجاد مركز الثقل"
    arabic.save_revision().publish()
    officer = OfficerFactory(username="officer", cohorts=[cohort])
    return {"centre": centre, "intent": intent, "module": open_module, "arabic": arabic, "officer": officer}


def entry(html: str, anchor: str) -> str:
    found = re.search(rf'<div class="glossary__entry" id="{anchor}">(.*?)</div>', html, re.S)
    assert found, anchor
    return found.group(1)


def test_a_key_terms_block_links_to_the_glossary_entries_it_names(client, world):
    force_login_verified(client, world["officer"])
    html = client.get(world["module"].url).content.decode()
    for term in (world["centre"], world["intent"]):
        assert f'href="/glossary/#{term.anchor}"' in html
        assert f'id="{term.anchor}"' in client.get("/glossary/").content.decode()
    arabic = client.get(world["arabic"].url).content.decode()
    assert f'href="/ar/glossary/#{world["centre"].anchor}"' in arabic


def test_a_glossary_entry_lists_the_modules_the_reader_may_read_that_use_it(client, world):
    force_login_verified(client, world["officer"])
    html = client.get("/glossary/").content.decode()
    centre = entry(html, world["centre"].anchor)
    assert f'href="{world["module"].url}"' in centre and "Finding the Centre" in centre
    assert "Zebra" not in html  # used by a module the reader may not read
    assert "Finding the Centre" in entry(html, world["intent"].anchor)

    arabic = client.get("/ar/glossary/").content.decode()
    centre_ar = entry(arabic, world["centre"].anchor)
    assert "إيجاد مركز الثقل" in centre_ar and "Finding the Centre" not in centre_ar  # the translation
    assert "Zebra" not in arabic


def test_a_term_no_module_uses_lists_none(client, world):
    unused = GlossaryTermFactory(term="Unused")
    force_login_verified(client, world["officer"])
    html = client.get("/glossary/").content.decode()
    assert "glossary__modules" not in entry(html, unused.anchor)
