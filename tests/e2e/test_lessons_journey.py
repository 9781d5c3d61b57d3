"""A lesson's way from an officer's Arabic observation to a lesson learned, in a real browser, and
who can find it on the way.

The officer writes in Arabic; the lessons manager returns it with a reason; the officer revises and
resubmits; the manager identifies it, tasks the course's instructors and releases it to two nations;
an officer of a third nation finds it nowhere (lesson page, list, search, suggestions, module page);
an officer of one of the two finds it by an Arabic word; the instructor closes it with a link to the
module that was changed. Every page of the way is axe-clean, in Arabic and in English.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import Group

from playwright.sync_api import expect

from lessons.models import Lesson, Status
from portal.access import LESSONS_MANAGERS
from tests.e2e.conftest import axe_problems, direction, e2e, give_second_factor, screenshot, sign_in
from tests.factories import NationFactory, OfficerFactory

pytestmark = e2e

TITLE = "تأخر تسليم خطة الاتصالات"
WORD = "الاتصالات"
OBSERVATION = "وصلت خطة الاتصالات إلى الوحدات بعد بدء التمرين بساعتين."


def check_page(page, problems: dict, name: str, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert direction(page) == ("rtl" if language == "ar" else "ltr")
    problems[name] = axe_problems(page)


def submit_move(page, move: str) -> None:
    page.locator(f"form[action$='/{move}/'] button[type='submit']").click()


def test_an_arabic_observation_becomes_a_lesson_learned_for_its_audience_only(browsers, world):
    manager, instructor = world.editor, world.instructor
    manager.groups.add(Group.objects.get(name=LESSONS_MANAGERS))
    world.symposium.instructors.add(instructor)  # the course's instructors: its cohorts' instructors
    for user in (manager, instructor):
        give_second_factor(user)
    jordan = NationFactory(code="JO", name="Jordan")
    outsider = OfficerFactory(username="rami.haddad", nation=jordan, cohorts=[world.symposium])
    module, module_ar = world.planning_modules[0], world.first_module_ar
    problems: dict[str, list[str]] = {}

    # The officer (Pakistan) writes the observation in Arabic, about the module's Arabic translation.
    author = browsers.new_page()
    sign_in(author, world.other_officer.username, path="/ar/accounts/login/")
    author.goto("/ar/lessons/new/")
    check_page(author, problems, "submit (ar)", "ar")
    author.locator("#id_title").fill(TITLE)
    expect(author.locator("#id_locale")).to_have_value("ar")
    author.locator("#id_observation").fill(OBSERVATION)
    author.locator("#id_recommendation").fill("توزيع خطة الاتصالات قبل التمرين بيوم كامل.")
    author.get_by_role("checkbox", name=module_ar.title).check()
    author.locator("form.lesson-editor button[type='submit']").click()
    expect(author).to_have_url(re.compile(r"/ar/lessons/\d+/$"))
    lesson = Lesson.objects.get(title=TITLE)
    assert lesson.status == Status.SUBMITTED and lesson.locale == "ar"
    assert [page.pk for page in lesson.modules.all()] == [module_ar.pk]
    check_page(author, problems, "lesson (ar, author)", "ar")

    # The manager returns it with a reason.
    desk = browsers.new_page()
    sign_in(desk, manager.username)
    desk.goto(f"/lessons/{lesson.pk}/")
    desk.locator("#id_return-comment").fill("Say when the plan should have arrived.")
    submit_move(desk, "return")
    expect(desk.locator(".lesson-status").first).to_have_text("Returned to the author")

    # The officer reads the reason in the history, revises and resubmits.
    author.goto(f"/ar/lessons/{lesson.pk}/")
    expect(author.locator(".lesson__history")).to_contain_text("Say when the plan should have arrived.")
    author.locator(f"a[href$='/lessons/{lesson.pk}/edit/']").click()
    author.locator("#id_conclusion").fill("يجب أن تصل خطة الاتصالات قبل التمرين بأربع وعشرين ساعة.")
    author.locator("form.lesson-editor button[type='submit']").click()
    expect(author).to_have_url(re.compile(rf"/ar/lessons/{lesson.pk}/$"))
    submit_move(author, "resubmit")
    expect(author.locator(".lesson-status").first).to_be_visible()
    lesson.refresh_from_db()
    assert lesson.status == Status.SUBMITTED and "أربع وعشرين" in lesson.conclusion

    # The manager identifies it: the course's instructors act by a date; released to two nations.
    desk.goto(f"/lessons/{lesson.pk}/")
    check_page(desk, problems, "lesson (en, manager)", "en")
    form = desk.locator("form[action$='/identify/']")
    form.locator("#id_identify-action_body").select_option("course")
    form.locator("#id_identify-action_page").select_option(label=world.planning.title)
    form.locator("#id_identify-action_due_on").fill("2031-01-31")
    form.get_by_role("checkbox", name="United States").check()
    form.get_by_role("checkbox", name="Pakistan").check()
    submit_move(desk, "identify")
    expect(desk.locator(".lesson-status").first).to_have_text("Lesson identified")
    lesson.refresh_from_db()
    assert lesson.released and sorted(lesson.releasable_to.values_list("code", flat=True)) == ["PK", "US"]
    screenshot(desk, "lesson-identified")

    # An officer of a third nation finds it nowhere.
    third = browsers.new_page()
    sign_in(third, outsider.username, path="/ar/accounts/login/")
    assert third.goto(f"/ar/lessons/{lesson.pk}/").status == 404
    third.goto("/ar/lessons/")
    expect(third.get_by_text(TITLE)).to_have_count(0)
    third.goto(f"/ar/search/?q={WORD}")
    expect(third.get_by_text(TITLE)).to_have_count(0)
    suggestions = third.request.get(f"/api/v1/search/suggest/?q={TITLE[:6]}").json()
    assert TITLE not in str(suggestions)
    api = third.request.get(f"/api/v1/search/?q={WORD}").json()
    assert all(hit["type"] != "lesson" for hit in api["results"])
    third.goto(module_ar.url)
    expect(third.locator(".module-lessons")).to_have_count(0)
    expect(third.get_by_text(TITLE)).to_have_count(0)

    # An officer of one of the two nations finds it by an Arabic word, and on the module page.
    reader = browsers.new_page()
    sign_in(reader, world.officer.username, path="/ar/accounts/login/")
    reader.goto(f"/ar/search/?q={WORD}")
    check_page(reader, problems, "search (ar)", "ar")
    reader.get_by_role("link", name=TITLE).click()
    expect(reader).to_have_url(re.compile(rf"/ar/lessons/{lesson.pk}/$"))
    check_page(reader, problems, "lesson (ar, reader)", "ar")
    reader.goto("/ar/lessons/")
    expect(reader.get_by_role("link", name=TITLE)).to_be_visible()
    check_page(reader, problems, "lessons (ar)", "ar")
    reader.goto(module.url)
    expect(reader.locator(".module-lessons").get_by_role("link", name=TITLE)).to_be_visible()
    reader.goto("/lessons/")
    check_page(reader, problems, "lessons (en)", "en")

    # The instructor starts the action and closes it with a link to the module that changed.
    desk_instructor = browsers.new_page()
    sign_in(desk_instructor, instructor.username)
    desk_instructor.goto(f"/lessons/{lesson.pk}/")
    submit_move(desk_instructor, "start")
    expect(desk_instructor.locator(".lesson-status").first).to_have_text("Action in progress")
    close = desk_instructor.locator("form[action$='/close/']")
    close.locator("#id_close-closing_note").fill(
        "The module now sets a deadline for the communications plan."
    )
    close.get_by_role("checkbox", name=module.title).check()
    submit_move(desk_instructor, "close")
    expect(desk_instructor.locator(".lesson-status").first).to_have_text("Lesson learned")
    expect(desk_instructor.locator(".lesson__body").get_by_role("link", name=module.title)).to_be_visible()
    check_page(desk_instructor, problems, "lesson learned (en)", "en")
    lesson.refresh_from_db()
    assert lesson.status == Status.LEARNED
    assert [page.pk for page in lesson.changed_pages.all()] == [module.pk]
    assert list(lesson.transitions.values_list("to_status", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "identified",
        "action",
        "learned",
    ]

    found = {name: lines for name, lines in problems.items() if lines}
    assert not found, "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in found.items())
