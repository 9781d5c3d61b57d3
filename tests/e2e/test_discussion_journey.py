"""A module's discussion for one cohort, in a real browser: members post (Markdown, English and
Arabic), one reports another's post, the instructor hides it with a reason and mutes its author, who
can then read but not post. Every page on the way is axe-clean in English and Arabic."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from discussion.models import ModerationAction, Mute, Post
from tests.e2e.conftest import axe_problems, direction, e2e, give_second_factor, screenshot, sign_in
from tests.factories import OfficerFactory

pytestmark = e2e

RUDE = "This syndicate's plan is worthless and so are its authors."


def check_page(page, problems: dict, name: str, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert direction(page) == ("rtl" if language == "ar" else "ltr")
    problems[name] = axe_problems(page)


def post(page, text: str) -> None:
    page.locator("form.stacked-form textarea[name='body']").fill(text)
    page.locator("form.stacked-form button[type='submit']").click()
    expect(page.locator(".discussion-post").last).to_contain_text(text.split("**")[0].strip() or text)


def test_members_post_report_and_the_instructor_hides_and_mutes(browsers, world):
    instructor = world.instructor
    world.symposium.instructors.add(instructor)
    give_second_factor(instructor)
    rude = OfficerFactory(
        username="omar.rude", nation=world.other_officer.profile.nation, cohorts=[world.symposium]
    )
    module = world.planning_modules[0]
    problems: dict[str, list[str]] = {}

    # A member follows the module page's panel to the cohort's thread and posts in Markdown.
    member = browsers.new_page()
    sign_in(member, world.officer.username)
    member.goto(module.url)
    member.locator(".module-discussion a, [class*='discussion'] a").filter(
        has_text=world.symposium.name
    ).first.click()
    expect(member).to_have_url(re.compile(rf"/discussion/{module.pk}/{world.symposium.slug}/$"))
    check_page(member, problems, "thread (en)", "en")
    post(member, "Start the wargame with the **most dangerous** course of action.")
    newest = member.locator(".discussion-post").last
    expect(newest.locator("strong")).to_have_text("most dangerous")
    expect(newest.locator("[dir='auto']").first).to_be_visible()

    # Another member posts in Arabic, then something rude.
    other = browsers.new_page()
    sign_in(other, rude.username, path="/ar/accounts/login/")
    other.goto(f"/ar/discussion/{module.pk}/{world.symposium.slug}/")
    check_page(other, problems, "thread (ar)", "ar")
    post(other, "أتفق، لكن يجب تحديد نقاط القرار قبل المحاكاة.")
    post(other, RUDE)
    rude_post = Post.objects.get(body=RUDE)

    # The first member reports it.
    member.reload()
    member.locator(f"#post-{rude_post.pk} a[href$='/posts/{rude_post.pk}/report/']").click()
    check_page(member, problems, "report (en)", "en")
    member.locator("textarea[name='reason']").fill("A personal attack, not a point about the plan.")
    member.locator("form.stacked-form button[type='submit']").click()
    expect(member.locator(f"#post-{rude_post.pk}")).to_be_visible()
    assert rude_post.reports.count() == 1

    # The instructor sees the report in the moderation queue, hides the post and mutes its author.
    desk = browsers.new_page()
    sign_in(desk, instructor.username)
    desk.goto("/discussion/moderation/")
    check_page(desk, problems, "moderation (en)", "en")
    expect(desk.get_by_text("A personal attack, not a point about the plan.")).to_be_visible()
    desk.goto(f"/discussion/{module.pk}/{world.symposium.slug}/")
    desk.locator(f"#post-{rude_post.pk} a[href$='/posts/{rude_post.pk}/hide/']").click()
    desk.locator("textarea[name='reason']").fill("Discuss the plan, not the people.")
    desk.locator("form.stacked-form button[type='submit']").click()
    expect(desk.locator(f"#post-{rude_post.pk}")).to_contain_text("Discuss the plan, not the people.")
    desk.locator(f"#post-{rude_post.pk} a[href*='/members/{rude.pk}/mute/']").click()
    desk.locator("select[name='hours']").select_option("72")
    desk.locator("textarea[name='reason']").fill("Repeated after a warning.")
    desk.locator("form.stacked-form button[type='submit']").click()
    expect(desk).to_have_url(re.compile(rf"/discussion/{module.pk}/{world.symposium.slug}/"))
    screenshot(desk, "discussion-moderated")
    rude_post.refresh_from_db()
    assert rude_post.state == Post.State.HIDDEN
    assert Mute.objects.filter(user=rude, cohort=world.symposium).exists()
    assert set(ModerationAction.objects.values_list("kind", flat=True)) >= {"hide", "mute"}

    # Members see that a moderator hid it, not what it said.
    member.reload()
    expect(member.locator(f"#post-{rude_post.pk}")).not_to_contain_text(RUDE)
    expect(member.locator(f"#post-{rude_post.pk}")).to_contain_text("hidden by a moderator")

    # The muted member reads the thread but is told they cannot post until when.
    other.reload()
    check_page(other, problems, "thread muted (ar)", "ar")
    expect(other.locator(".discussion__new .message--warning")).to_be_visible()
    expect(other.locator("form.stacked-form textarea[name='body']")).to_have_count(0)

    # An officer of another cohort finds no thread at all.
    outsider = browsers.new_page()
    sign_in(outsider, world.other_officer.username)
    assert outsider.goto(f"/discussion/{module.pk}/{world.symposium.slug}/").status == 404

    found = {name: lines for name, lines in problems.items() if lines}
    assert not found, "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in found.items())
