"""A module's way from an instructor's draft to the officers of one cohort, in a real browser.

The instructor writes and submits the module; instructors may not edit access rules (only programme
admins hold `portal.add_accessrule`), so the programme admin gives it its rule in the admin; the
editor approves it; then the officer of that cohort finds it in search and an officer of another
cohort does not — on the database engine and, when a node is configured, on Elasticsearch.
"""

from __future__ import annotations

import re

from wagtail.models import WorkflowState

import pytest
from playwright.sync_api import expect

from curriculum.models import ModulePage
from portal.models import AccessRule
from tests.e2e.conftest import e2e, give_second_factor, screenshot, sign_in, sign_out
from tests.search.conftest import elasticsearch_url, es  # noqa: F401 - fixtures, as in tests/search

pytestmark = e2e

TITLE = "Liaison Officer Handover"
SLUG = "liaison-officer-handover"
WORD = "Kestrel"  # appears in the new module only, so a search for it finds nothing else


@pytest.fixture(params=["database", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def search_engine(request) -> str:
    """The world is built after the engine is chosen, so it is indexed where the officers search."""
    if request.param == "elasticsearch":
        request.getfixturevalue("es")
    return request.param


def add_block(page, kind: str):
    """Insert a block at the end of the body and return it."""
    body = page.locator("[data-contentpath='body'] #body-root")
    body.get_by_role("button", name="Insert a block").last.click()
    page.get_by_role("option", name=kind, exact=True).click()
    block = body.locator("[data-streamfield-child]").last
    expect(block.locator("input[name$='-type']")).to_have_value(
        {"Heading": "heading", "Text": "rich_text", "Callout": "callout"}[kind]
    )
    return block


def write_rich_text(block, text: str) -> None:
    editor = block.locator("[role='textbox'][contenteditable='true']").first
    editor.click()
    editor.press_sequentially(text)
    expect(editor).to_have_text(text)
    # Draftail writes its hidden input a moment after the last key: wait for it before saving.
    stored = block.locator("input[type='hidden']:has(+ [data-draftail-editor-wrapper])").first
    expect(stored).to_have_value(re.compile(re.escape(text.split()[-1])))


def test_a_module_is_written_ruled_approved_and_found_by_its_cohort_only(browsers, world, search_engine):
    for user in (world.instructor, world.editor, world.programme_admin):
        give_second_factor(user)

    # The instructor writes the module in the page editor and submits it for review.
    instructor = browsers.new_page()
    sign_in(instructor, world.instructor.username, path="/admin/login/")
    expect(instructor).to_have_url(re.compile(r"/admin/$"))
    instructor.goto(f"/admin/pages/{world.planning.pk}/")
    instructor.get_by_role("link", name="Add child page").click()
    expect(instructor).to_have_url(re.compile(r"/admin/pages/add/curriculum/modulepage/"))
    instructor.get_by_role("textbox", name=re.compile(r"^Title\W*$")).fill(TITLE)
    summary = f"Handing over a liaison post without losing a contact: the {WORD} checklist."
    instructor.get_by_role("textbox", name="Summary").fill(summary)
    instructor.get_by_role("spinbutton", name="Estimated minutes").fill("20")
    heading = add_block(instructor, "Heading")
    heading.get_by_role("textbox", name=re.compile(r"^text")).fill("Before you leave post")
    write_rich_text(add_block(instructor, "Text"), "Introduce your successor to every contact in person.")
    callout = add_block(instructor, "Callout")
    write_rich_text(callout, f"Never hand over the {WORD} contact list by e-mail.")
    callout.get_by_role("combobox", name=re.compile(r"^kind")).select_option("warning")
    # Autosave keeps the draft (the editor moves to the page's edit address); let it settle.
    instructor.evaluate("document.activeElement.blur()")
    expect(instructor).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    autosave = instructor.locator("#w-autosave-indicator")
    expect(autosave.get_by_text("Saved", exact=True)).to_be_visible()
    expect(autosave.get_by_text("Saving…", exact=True)).to_be_hidden()
    instructor.get_by_role("region", name="Body", exact=True).evaluate(
        "panel => { panel.scrollIntoView({block: 'start'}); window.scrollBy(0, -70); }"
    )
    screenshot(instructor, "admin-editor")
    footer = instructor.get_by_role("navigation", name="Actions (footer)")
    footer.get_by_role("button", name="More actions").click()
    footer.get_by_role("button", name="Submit to Curriculum review").click()
    expect(instructor.locator(".messages")).to_contain_text("submitted")
    instructor.context.close()  # the editor's autosave and session pings would keep hitting the server

    module = ModulePage.objects.get(slug=SLUG)
    assert not module.live
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(module.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    body = module.get_latest_revision_as_object().body
    assert [block.block_type for block in body] == ["heading", "rich_text", "callout"]
    assert body[0].value["text"] == "Before you leave post"
    assert body[2].value["kind"] == "warning" and WORD in body[2].value["text"].source

    # Not live: the officer of the cohort gets the 404 page.
    officer = browsers.new_page()
    sign_in(officer, world.officer.username)
    assert officer.goto(module.url).status == 404

    # Instructors cannot give a page an access rule; the programme admin does, in the admin.
    assert not world.instructor.has_perm("portal.add_accessrule")
    admin = browsers.new_page()
    sign_in(admin, world.programme_admin.username, path="/admin/login/")
    admin.get_by_role("button", name="Programme").click()
    admin.get_by_role("link", name="Access rules").click()
    admin.get_by_role("link", name="Add access rule").first.click()
    admin.get_by_role("button", name="Choose a page").click()
    dialog = admin.get_by_role("dialog")
    dialog.get_by_role("textbox", name=re.compile("Search", re.I)).fill(TITLE)
    dialog.get_by_role("link", name=TITLE).click()
    expect(admin.locator("#id_page-title")).to_have_text(TITLE)
    admin.get_by_role("listbox", name=re.compile(r"^Cohorts")).select_option(label=world.symposium.name)
    admin.get_by_role("button", name="Save").click()
    expect(admin.locator(".messages")).to_contain_text("created")
    admin.context.close()
    rule = AccessRule.objects.get(page=module)
    assert list(rule.cohorts.all()) == [world.symposium]

    # The editor approves it from the admin dashboard; the module goes live.
    editor = browsers.new_page()
    sign_in(editor, world.editor.username, path="/admin/login/")
    review = editor.get_by_role("region", name="Awaiting your review")
    row = review.get_by_role("row").filter(has_text=TITLE)
    row.get_by_role("button", name="Actions").click()
    row.get_by_role("button", name="Approve with comment").click()
    dialog = editor.get_by_role("dialog")
    dialog.get_by_role("textbox", name=re.compile("Comment", re.I)).fill("Clear and useful.")
    dialog.get_by_role("button", name="Approve").click()
    expect(editor).to_have_url(re.compile(r"/admin/$"))
    expect(editor.get_by_text(TITLE)).to_have_count(0)  # nothing awaits review any more
    editor.context.close()
    module.refresh_from_db()
    assert module.live

    # The officer of the symposium cohort finds it (the engine under test answers, no fallback) ...
    found = officer.request.get(f"/api/v1/search/?q={WORD}").json()
    assert found["engine"] == search_engine
    assert [hit["title"] for hit in found["results"]] == [TITLE]
    officer.goto(f"/search/?q={WORD}")
    expect(officer.locator(".search-notice")).to_have_count(0)
    hits = officer.locator(".result__title a")
    expect(hits).to_have_text([TITLE])
    hits.first.click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(officer.locator("article").get_by_role("note")).to_contain_text(f"the {WORD} contact list")
    sign_out(officer)

    # ... an officer of another cohort neither finds it nor opens it.
    other = browsers.new_page()
    sign_in(other, world.other_officer.username)
    missed = other.request.get(f"/api/v1/search/?q={WORD}").json()
    assert missed["engine"] == search_engine and missed["count"] == 0
    other.goto(f"/search/?q={WORD}")
    expect(other.locator(".search-results__summary")).to_contain_text(f"No results for “{WORD}”")
    assert other.goto(module.url).status == 404
    assert TITLE not in other.content()
    sign_out(other)
