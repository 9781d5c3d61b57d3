"""Arabic readers meet every page they may read: listings, menus and the dashboard hold one page per
translation group, in the reader's language where it is translated and in its source language
otherwise (marked with `lang`); `/ar/<path>` of an untranslated page serves its source inside the
Arabic chrome with a notice; what the reader may not read stays a 404 like a missing page."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import translation

import pytest

from curriculum.models import ModulePage
from tests.conftest import force_login_verified
from tests.factories import (
    AccessRuleFactory,
    CohortFactory,
    CourseFactory,
    GuideFactory,
    ModuleFactory,
    OfficerFactory,
    TrackFactory,
    translate,
)

pytestmark = pytest.mark.django_db

NOTICE = "This page has not been translated into your language yet: it is shown in {language}."


@pytest.fixture
def world(curriculum_index, culture_index, locale_ar):
    cohort, other = CohortFactory(slug="symposium"), CohortFactory(slug="other")
    track = TrackFactory(slug="methodology", title="Defense Methodology", title_ar="منهجية الدفاع")
    planning = CourseFactory(parent=curriculum_index, title="Defense Planning", slug="planning", track=track)
    modules = [
        ModuleFactory(parent=planning, title=f"Planning Step {n}", slug=f"step-{n}") for n in (1, 2, 3)
    ]
    planning_ar = translate(planning, locale_ar, title="التخطيط الدفاعي")
    step_one_ar = translate(modules[0], locale_ar, title="الخطوة الأولى")
    cyber = CourseFactory(parent=curriculum_index, title="Cyber Incident Response", slug="cyber", track=track)
    cyber_modules = [
        ModuleFactory(parent=cyber, title="Incident Triage", slug="triage"),
        ModuleFactory(parent=cyber, title="Network Forensics", slug="forensics"),
    ]
    secret = CourseFactory(parent=curriculum_index, title="Sealed Course Zebra", slug="sealed", track=track)
    AccessRuleFactory(page=secret, cohorts=[other])
    sealed_module = ModuleFactory(parent=secret, title="Sealed Module Zebra", slug="sealed-module")
    guide = GuideFactory(parent=culture_index, title="Majlis Etiquette", slug="majlis")
    officer = OfficerFactory(username="officer.my", cohorts=[cohort])
    officer.profile.preferred_language = "ar"
    officer.profile.save()
    return {
        "planning": planning,
        "modules": modules,
        "planning_ar": planning_ar,
        "step_one_ar": step_one_ar,
        "cyber": cyber,
        "cyber_modules": cyber_modules,
        "sealed_module": sealed_module,
        "guide": guide,
        "officer": officer,
    }


def html_of(client, user, url) -> str:
    force_login_verified(client, user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def link(html: str, href: str) -> str:
    """The opening tag of the first link to `href` (with the element that carries its text)."""
    found = re.search(rf'<[^>]*href="{re.escape(href)}"[^>]*>', html)
    assert found, f"no link to {href}"
    return found.group(0)


def test_the_arabic_dashboard_lists_every_readable_course_with_progress_across_translations(client, world):
    officer = world["officer"]
    force_login_verified(client, officer)
    client.get(world["modules"][0].url)  # read in English ...
    client.post(reverse("module_progress", args=(world["modules"][0].pk, "complete")))

    response = client.get("/ar/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()

    assert "التخطيط الدفاعي" in html  # the translated course, in Arabic
    assert "Defense Planning" not in html
    card = r'<h3 class="card__title"([^>]*)><a class="card__link" href="([^"]+)">Cyber Incident'
    cyber = re.search(card, html)
    assert cyber, "the untranslated course is listed"
    assert 'lang="en"' in cyber.group(1) and 'dir="ltr"' in cyber.group(1)
    assert cyber.group(2) == "/ar/curriculum/cyber/"
    assert "Zebra" not in html
    # ... counts in Arabic: one of the three modules of the course (two of them untranslated).
    assert 'value="33"' in html
    assert "Majlis Etiquette" in html  # the guide, in English, among the picks


def test_an_untranslated_page_is_served_under_the_arabic_prefix_with_a_notice(client, world):
    html = html_of(client, world["officer"], "/ar/curriculum/cyber/")

    assert '<html lang="ar" dir="rtl"' in html
    assert re.search(r'<h1 [^>]*lang="en" dir="ltr"[^>]*>Cyber Incident Response</h1>', html)
    with translation.override("ar"):
        expected = translation.gettext(NOTICE.replace("{language}", "%(language)s")) % {
            "language": translation.get_language_info("en")["name_translated"]
        }
    assert expected in html
    # Its modules are listed in the Arabic chrome too, marked as English.
    assert re.search(
        r'<div class="module-list__text" lang="en" dir="ltr">\s*<h3[^>]*><a[^>]*'
        r'href="/ar/curriculum/cyber/triage/"',
        html,
    )
    module = html_of(client, world["officer"], "/ar/curriculum/cyber/triage/")
    assert '<html lang="ar" dir="rtl"' in module and "Incident Triage" in module
    assert link(module, "/ar/curriculum/cyber/forensics/")  # next module stays in Arabic chrome


def test_an_untranslated_guide_is_served_under_the_arabic_prefix(client, world):
    html = html_of(client, world["officer"], "/ar/culture/majlis/")
    assert "Majlis Etiquette" in html and '<html lang="ar"' in html


def test_a_translated_course_lists_its_untranslated_modules_in_the_arabic_chrome(client, world):
    html = html_of(client, world["officer"], world["planning_ar"].url)

    assert "الخطوة الأولى" in html and "Planning Step 1" not in html
    for slug, title in (("step-2", "Planning Step 2"), ("step-3", "Planning Step 3")):
        assert f'href="/ar/curriculum/planning/{slug}/"' in html
        marked = rf'<div class="module-list__text" lang="en" dir="ltr">\s*<h3[^>]*><a[^>]*>{title}'
        assert re.search(marked, html)
    # The order is the source's: the Arabic first step, then steps 2 and 3.
    assert html.index("الخطوة الأولى") < html.index("Planning Step 2") < html.index("Planning Step 3")
    first = html_of(client, world["officer"], world["step_one_ar"].url)
    assert 'href="/ar/curriculum/planning/step-2/"' in first  # next module


def test_arabic_menus_and_curriculum_index_include_untranslated_courses(client, world, curriculum_index):
    index_ar = curriculum_index.get_translation(world["planning_ar"].locale)
    html = html_of(client, world["officer"], index_ar.url)
    assert 'href="/ar/curriculum/cyber/"' in html
    assert "التخطيط الدفاعي" in html
    assert "Zebra" not in html
    home = html_of(client, world["officer"], "/ar/")
    assert 'href="/ar/curriculum/cyber/"' in home  # the tracks menu and panel


def test_the_language_switcher_keeps_the_page(client, world):
    html = html_of(client, world["officer"], world["cyber"].url)
    switch = re.search(r'<a class="lang-switch" href="([^"]+)"', html)
    assert switch.group(1) == "/ar/curriculum/cyber/"
    back = html_of(client, world["officer"], "/ar/curriculum/cyber/")
    assert re.search(r'<a class="lang-switch" href="([^"]+)"', back).group(1) == "/curriculum/cyber/"
    translated = html_of(client, world["officer"], world["planning"].url)
    switch = re.search(r'<a class="lang-switch" href="([^"]+)"', translated)
    assert switch.group(1) == world["planning_ar"].url


def without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_what_the_reader_may_not_read_stays_a_404_like_a_missing_page(client, world):
    force_login_verified(client, world["officer"])
    denied = client.get("/ar/curriculum/sealed/sealed-module/")
    missing = client.get("/ar/curriculum/sealed/no-such-module/")
    assert denied.status_code == missing.status_code == 404
    assert without_csrf(denied) == without_csrf(missing)
    assert "Zebra" not in without_csrf(denied)
    assert client.get("/ar/curriculum/no-such-course/").status_code == 404


def test_an_arabic_draft_shows_the_source_until_it_is_published(client, world, locale_ar):
    draft = world["modules"][1].copy_for_translation(locale_ar)
    draft.title = "مسودة"
    draft.save_revision()
    ModulePage.objects.filter(pk=draft.pk).update(live=False)
    html = html_of(client, world["officer"], "/ar/curriculum/planning/step-2/")
    assert "Planning Step 2" in html and "مسودة" not in html
