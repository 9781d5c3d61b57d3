"""An officer's day in the portal, in a real browser: sign in, study, search, Arabic, a closed door."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from curriculum.models import ModuleProgress
from tests.e2e.conftest import direction, e2e, screenshot, sign_in, sign_out

pytestmark = e2e


def course_progress(page, title: str) -> int:
    bar = page.get_by_role("progressbar", name=re.compile(re.escape(title)))
    return int(bar.get_attribute("value"))


def test_officer_studies_searches_reads_arabic_and_meets_a_closed_door(page, world):
    first = world.planning_modules[0]

    # Sign in from the landing page; the dashboard is home.
    page.goto("/")
    page.get_by_role("link", name="Sign in").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(page, world.officer.username)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Dana")
    assert course_progress(page, world.planning.title) == 0
    screenshot(page, "dashboard")

    # Open the course, then its first module.
    page.get_by_role("link", name=world.planning.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.planning.title)
    page.get_by_role("link", name=first.title).first.click()
    expect(page).to_have_url(re.compile(re.escape(first.url) + "$"))
    article = page.locator("article")
    expect(article.get_by_role("heading", level=1)).to_have_text(first.title)
    expect(article.get_by_role("heading", name="The seven steps")).to_be_visible()
    expect(article.get_by_role("note")).to_contain_text("Parallel planning is essential")
    expect(page.get_by_text("In progress", exact=True)).to_be_visible()

    # Mark it complete; the progress bar moves on the course card.
    page.get_by_role("button", name="Mark as completed").click()
    expect(page.get_by_text("You have completed this module.")).to_be_visible()
    expect(page.get_by_role("button", name="Mark as not completed")).to_be_visible()
    screenshot(page, "module")
    page.get_by_role("link", name="My dashboard").first.click()
    assert course_progress(page, world.planning.title) == 25
    expect(page.get_by_text("1 of 4 modules")).to_be_visible()
    assert ModuleProgress.objects.get(user=world.officer, module_key=first.translation_key).completed_at

    # Search, narrow by a facet, open a hit.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    query = page.get_by_role("search").get_by_role("combobox", name=re.compile("Search"))
    query.fill("planning")
    query.press("Enter")
    expect(page.locator(".search-results__summary")).to_contain_text("results for “planning”")
    facets = page.get_by_role("complementary", name="Filter results")
    facets.get_by_role("link", name=re.compile(r"^Module\b")).click()
    expect(page).to_have_url(re.compile(r"[?&]type=module"))
    results = page.locator(".result")
    expect(results.first).to_be_visible()
    for badge in page.locator(".result .badge--type").all_inner_texts():
        assert badge.strip() == "Module"
    screenshot(page, "search")
    page.locator(".result__title").get_by_role("link", name=first.title).click()
    expect(page).to_have_url(re.compile(re.escape(first.url) + "$"))

    # Switch to Arabic: the same module, laid out right to left.
    page.locator("a.lang-switch[hreflang='ar']").click()
    expect(page).to_have_url(re.compile(r"/ar/"))
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    assert direction(page) == "rtl"
    expect(page.get_by_role("heading", level=1)).to_have_text(world.first_module_ar.title)
    screenshot(page, "module-ar")
    page.locator("a.lang-switch[hreflang='en']").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert direction(page) == "ltr"

    # A module the officer's cohort does not grant: the plain 404 page, nothing of the module.
    denied = world.denied_module
    response = page.goto(denied.url)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    content = page.content()
    assert denied.title not in content and denied.summary not in content and denied.slug not in content
    assert world.cyber_course.title not in content

    # Sign out: back to the landing page, and the dashboard asks to sign in again.
    sign_out(page)
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    page.goto("/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
