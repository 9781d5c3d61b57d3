"""Arabic readers and Arabic editors, in a real browser, in both languages.

An officer's dashboard lists every course they may read in Arabic as in English (translated titles
where there is a translation, the source marked as English otherwise), with progress counted across
the two; the language switcher keeps the page, untranslated or not, and a closed door stays a 404.
Staff land on the admin after the second factor, see the portal's name and mark there, and edit an
Arabic page and the glossary's Arabic fields right to left.
"""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.conftest import totp_code
from tests.e2e.conftest import PASSWORD, direction, e2e, give_second_factor, screenshot, sign_in

pytestmark = e2e

UNTRANSLATED = "Strategic Intelligence Essentials"  # world: no Arabic translation


def direction_of(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).direction")


def sign_in_with_code(page, username: str, path: str) -> None:
    """The password, then the authenticator code, in whichever language the pages speak."""
    page.goto(path)
    page.locator("input[name='username']").fill(username)
    page.locator("input[name='password']").fill(PASSWORD)
    page.locator("form:has(input[name='password']) [type='submit']").click()
    page.wait_for_url(re.compile(r"/two-factor/verify/"))
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    page.locator("input[name='code']").fill(totp_code(device))
    page.locator("form:has(input[name='code']) [type='submit']").click()
    page.wait_for_url(lambda url: "/two-factor/" not in url)


def progress_of(page, title: str) -> int:
    bar = page.get_by_role("progressbar", name=re.compile(re.escape(title)))
    return int(bar.get_attribute("value"))


@pytest.mark.parametrize("start", ["en", "ar"])
def test_an_arabic_reader_meets_every_course_and_keeps_the_page_across_languages(page, world, start):
    officer = world.officer
    sign_in(page, officer.username, path="/accounts/login/" if start == "en" else "/ar/accounts/login/")

    # The dashboard in both languages: the same readable courses, the restricted one in neither.
    page.goto("/dashboard/")
    english_cards = page.locator(".card--progress .card__title")
    expect(english_cards).to_have_count(2)
    expect(page.get_by_role("link", name=world.planning.title)).to_be_visible()
    expect(page.get_by_role("link", name=UNTRANSLATED)).to_be_visible()

    page.goto("/ar/dashboard/")
    assert direction(page) == "rtl"
    cards = page.locator(".card--progress .card__title")
    expect(cards).to_have_count(2)
    expect(page.get_by_role("link", name=world.planning_ar.title)).to_be_visible()
    source = cards.filter(has_text=UNTRANSLATED)
    expect(source).to_have_attribute("lang", "en")
    assert direction_of(source) == "ltr"
    assert world.cyber_course.title not in page.content()
    assert progress_of(page, world.planning_ar.title) == 0
    screenshot(page, "dashboard-ar")

    # Study the Arabic module in Arabic: the English dashboard counts it too (one of four).
    page.get_by_role("link", name=world.planning_ar.title).click()
    modules = page.locator(".module-list__item")
    expect(modules).to_have_count(4)  # one Arabic module and the three not yet translated
    expect(modules.first).to_contain_text(world.first_module_ar.title)
    expect(modules.nth(1).locator(".module-list__text")).to_have_attribute("lang", "en")
    page.get_by_role("link", name=world.first_module_ar.title).first.click()
    page.locator("form.completion button[type='submit']").click()
    expect(page.locator("form.completion button[type='submit']")).to_have_class(re.compile("secondary"))
    page.goto("/ar/dashboard/")
    assert progress_of(page, world.planning_ar.title) == 25
    page.goto("/dashboard/")
    assert progress_of(page, world.planning.title) == 25

    # The switcher on a page with no Arabic translation: the same page, in the Arabic chrome.
    page.get_by_role("link", name=UNTRANSLATED).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(UNTRANSLATED)
    page.locator("a.lang-switch[hreflang='ar']").click()
    expect(page).to_have_url(re.compile(r"/ar/curriculum/intelligence-essentials/$"))
    assert direction(page) == "rtl"
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(UNTRANSLATED)
    expect(heading).to_have_attribute("lang", "en")
    assert direction_of(heading) == "ltr"
    expect(page.locator("[role='note'] .message--info")).to_be_visible()  # no translation yet
    # Its modules open in the Arabic chrome as well.
    page.locator(".module-list__title a").first.click()
    expect(page).to_have_url(re.compile(r"/ar/curriculum/intelligence-essentials/intelligence-cycle/$"))
    assert direction(page) == "rtl"
    screenshot(page, "untranslated-module-ar")
    page.locator("a.lang-switch[hreflang='en']").click()
    expect(page).to_have_url(re.compile(r"/curriculum/intelligence-essentials/intelligence-cycle/$"))
    assert direction(page) == "ltr"

    # A module the officer's cohort does not grant stays the plain 404 under the Arabic prefix.
    denied = world.denied_module
    response = page.goto(f"/ar{denied.url}")
    assert response.status == 404
    content = page.content()
    assert (
        denied.title not in content and denied.slug not in content and world.cyber_course.title not in content
    )


@pytest.mark.parametrize("language", ["en", "ar"])
def test_staff_edit_arabic_right_to_left_under_the_portal_brand(browsers, world, language):
    from tests.factories import GlossaryTermFactory

    term = GlossaryTermFactory(term="Centre of gravity", term_ar="مركز الثقل", definition_ar="مصدر القوة")
    editor = world.editor
    give_second_factor(editor)
    page = browsers.new_page(locale="ar" if language == "ar" else "en-GB")

    # After the password and the second factor, the admin (no `next` was given).
    sign_in_with_code(
        page, editor.username, "/accounts/login/" if language == "en" else "/ar/accounts/login/"
    )
    expect(page).to_have_url(re.compile(r"/admin/$"))
    assert "Tabadul" in page.title()
    expect(page.locator("link[rel='icon']")).to_have_attribute("href", re.compile(r"tabadul-mark"))
    expect(page.locator("#wagtail-sidebar img[src*='tabadul-mark']").first).to_be_visible()
    screenshot(page, f"admin-home-{language}")

    # The Arabic module: every field right to left, the body's blocks included.
    page.goto(f"/admin/pages/{world.first_module_ar.pk}/edit/")
    title = page.locator("#id_title")
    expect(title).to_have_value(world.first_module_ar.title)
    assert direction_of(title) == "rtl"
    assert direction_of(page.locator("#id_summary")) == "rtl"
    heading = page.locator("[data-contentpath='body'] input[type='text']").first
    expect(heading).to_have_attribute("dir", "rtl")
    assert direction_of(heading) == "rtl"
    assert direction_of(page.locator("[data-contentpath='body'] [contenteditable='true']").first) == "rtl"
    screenshot(page, f"admin-arabic-module-{language}")

    # Its English source: left to right, whatever the admin's language.
    page.goto(f"/admin/pages/{world.planning_modules[0].pk}/edit/")
    assert direction_of(page.locator("#id_title")) == "ltr"
    assert direction_of(page.locator("[data-contentpath='body'] input[type='text']").first) == "ltr"

    # The glossary: the Arabic term and definition right to left.
    page.goto(f"/admin/snippets/curriculum/glossaryterm/edit/{term.pk}/")
    assert direction_of(page.locator("#id_term_ar")) == "rtl"
    assert direction_of(page.locator("#id_definition_ar")) == "rtl"
