"""axe-core on the officer's pages in English and Arabic, the officer journey by keyboard alone, and
the phone-sized layout."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_problems, direction, e2e, screenshot, sign_in

pytestmark = e2e

QUERIES = {"en": "planning", "ar": "التخطيط"}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_no_serious_or_critical_accessibility_problems(browsers, world, language):
    prefix = "/ar" if language == "ar" else ""
    course = world.planning_ar if language == "ar" else world.planning
    module = world.first_module_ar if language == "ar" else world.planning_modules[0]
    page = browsers.new_page()
    problems: dict[str, list[str]] = {}

    def check(name: str, path: str, status: int = 200) -> None:
        response = page.goto(path)
        assert response.status == status, f"{name}: {path} answered {response.status}"
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert direction(page) == ("rtl" if language == "ar" else "ltr")
        problems[name] = axe_problems(page)

    check("landing", f"{prefix}/")
    check("sign-in", f"{prefix}/accounts/login/")
    sign_in(page, world.officer.username, path=f"{prefix}/accounts/login/")
    check("dashboard", f"{prefix}/dashboard/")
    check("course", course.url)
    check("module", module.url)
    check("search results", f"{prefix}/search/?q={QUERIES[language]}")
    expect(page.locator(".result").first).to_be_visible()
    check("404", f"{prefix}{world.denied_module.url}", status=404)

    found = {name: lines for name, lines in problems.items() if lines}
    assert not found, "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in found.items())


def tab_to(page, target, *, limit: int = 60) -> None:
    """Press Tab until `target` has the focus, and check that the focus can be seen."""
    handle = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", handle):
            visible = page.evaluate(
                """el => {
                    const ring = s => s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
                    if (!el.matches(':focus-visible')) return false;
                    const own = getComputedStyle(el);
                    if (ring(own) || own.boxShadow !== 'none') return true;
                    // A card or list item can show the ring for the link inside it (:focus-within).
                    let node = el.parentElement;
                    for (let depth = 0; node && depth < 4; depth++, node = node.parentElement) {
                        if (node.matches(':focus-within') && ring(getComputedStyle(node))) return true;
                    }
                    return false;
                }""",
                handle,
            )
            assert visible, f"no visible focus indicator on {target}"
            return
    raise AssertionError(f"{target} not reached with {limit} presses of Tab")


def test_the_officer_journey_works_with_the_keyboard_alone(page, world):
    first = world.planning_modules[0]
    page.goto("/")

    tab_to(page, page.get_by_role("link", name="Sign in").first)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    tab_to(page, page.get_by_label(re.compile("username", re.I)))
    page.keyboard.type(world.officer.username)
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    tab_to(page, page.locator("main").get_by_role("link", name=world.planning.title))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(world.planning.title)

    tab_to(page, page.locator("main").get_by_role("link", name=first.title))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)

    tab_to(page, page.get_by_role("button", name="Mark as completed"), limit=120)
    page.keyboard.press("Space")
    expect(page.get_by_text("You have completed this module.")).to_be_visible()

    tab_to(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Search"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("search").get_by_role("combobox")).to_be_focused()  # autofocus
    page.keyboard.type("planning")
    page.keyboard.press("Enter")
    facets = page.get_by_role("complementary", name="Filter results")
    tab_to(page, facets.get_by_role("link", name=re.compile(r"^Module\b")))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]type=module"))
    tab_to(page, page.locator(".result__title").get_by_role("link", name=first.title))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)

    tab_to(page, page.locator("header").get_by_role("button", name=re.compile("Sign out")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()


def test_phone_layout_and_screenshots(browsers, world):
    """At 390×844 nothing scrolls sideways; the key pages are saved for the README."""
    page = browsers.new_page(phone=True)
    sign_in(page, world.officer.username)
    first = world.planning_modules[0]
    pages = [
        ("dashboard", "/dashboard/"),
        ("module", first.url),
        ("search", "/search/?q=planning"),
        ("module-ar", world.first_module_ar.url),
    ]
    for name, path in pages:
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px on a phone"
        screenshot(page, name)
    # The menu collapses into one disclosure that opens with a tap.
    menu = page.locator("details.menu--compact")
    expect(menu).to_be_visible()
    menu.locator("summary").click()
    expect(menu.get_by_role("link", name=world.planning_ar.title).first).to_be_visible()
