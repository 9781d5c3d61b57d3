"""An officer's knowledge check in a real browser, in English and in Arabic: they fail the check, read
the feedback and the explanation, try again and pass; passing completes the module and with it the
course; they download the course's certificate from the dashboard, and anyone verifies it, signed
out, at the address printed on it; the instructor sees the attempts in the cohort progress report.
axe finds nothing serious on any of these pages in either language.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from wagtail.models import Locale

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import axe_problems, direction, e2e, give_second_factor, screenshot, sign_in, sign_out
from tests.factories import AccessRuleFactory, CourseFactory, ModuleFactory, check_questions, translate

pytestmark = e2e

QUESTIONS = {
    "en": [
        (
            "single",
            "What is the first step after an incident is reported?",
            [
                ("Wipe the affected machine", False, "Wiping destroys the evidence you need."),
                ("Confirm and classify the incident", True, "Right: triage comes first."),
                ("Brief the press", False, ""),
            ],
            "Triage confirms that an incident is real and how severe it is before anyone acts on it.",
        ),
        (
            "multiple",
            "Which of these preserve evidence?",
            [
                ("Capturing memory before shutdown", True, ""),
                ("Rebooting to clear the malware", False, "A reboot loses what was in memory."),
                ("Recording who handled each disk", True, ""),
            ],
            "Volatile data goes first, and the chain of custody keeps evidence usable.",
        ),
    ],
    "ar": [
        (
            "single",
            "ما الخطوة الأولى بعد الإبلاغ عن حادث؟",
            [
                ("مسح الجهاز المصاب", False, "المسح يتلف الأدلة التي تحتاج إليها."),
                ("تأكيد الحادث وتصنيفه", True, "صحيح: الفرز يأتي أولاً."),
                ("إطلاع الصحافة", False, ""),
            ],
            "يؤكد الفرز أن الحادث حقيقي ويحدد خطورته قبل أن يتصرف أي أحد بناءً عليه.",
        ),
        (
            "multiple",
            "أيّ مما يلي يحفظ الأدلة؟",
            [
                ("التقاط الذاكرة قبل إيقاف التشغيل", True, ""),
                ("إعادة التشغيل لإزالة البرمجية الخبيثة", False, "إعادة التشغيل تُفقد ما كان في الذاكرة."),
                ("تسجيل من تعامل مع كل قرص", True, ""),
            ],
            "البيانات المتطايرة أولاً، وسلسلة الحيازة تُبقي الأدلة صالحة للاستخدام.",
        ),
    ],
}
TITLES = {"en": ("Incident Basics", "First Response"), "ar": ("أساسيات الحوادث", "الاستجابة الأولى")}
COPY = {
    "en": {
        "submit": "Submit answers",
        "not_passed": "Not passed",
        "passed": "Passed",
        "try_again": "Try again",
        "completed": "You passed the knowledge check: this module is complete.",
        "certificate": "Certificate for",
        "valid": "This certificate is valid.",
    },
    "ar": {
        "submit": "أرسل الإجابات",
        "not_passed": "لم تنجح",
        "passed": "ناجح",
        "try_again": "حاول مرة أخرى",
        "completed": "نجحت في اختبار الفهم: اكتملت هذه الوحدة.",
        "certificate": "شهادة",
        "valid": "هذه الشهادة سارية.",
    },
}


@pytest.fixture
def incident_course(world):
    """A one-module course for the officer's cohort, its module's check required, in both languages."""
    course = CourseFactory(parent=world.curriculum, title=TITLES["en"][0], slug="incident-basics")
    AccessRuleFactory(page=course, cohorts=[world.symposium])
    module = ModuleFactory(
        parent=course,
        title=TITLES["en"][1],
        slug="first-response",
        check_questions=check_questions(*QUESTIONS["en"]),
        check_required=True,
        check_max_attempts=3,
    )
    arabic = Locale.objects.get(language_code="ar")
    translate(course, arabic, title=TITLES["ar"][0])
    translate(module, arabic, title=TITLES["ar"][1], check_questions=check_questions(*QUESTIONS["ar"]))
    return module


def answer(page, language: str, choices: dict[int, list[int]]) -> None:
    """Tick the options (by their texts, as a reader would) and submit."""
    check = page.locator("#knowledge-check")
    for number, options in choices.items():
        _, _, texts, _ = QUESTIONS[language][number]
        for option in options:
            check.get_by_label(texts[option][0], exact=True).check()
    check.get_by_role("button", name=COPY[language]["submit"]).click()
    page.wait_for_url(re.compile(r"/check/\d+/$"))


def assert_accessible(page) -> None:
    problems = axe_problems(page)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_officer_fails_passes_completes_the_course_and_their_certificate_verifies(
    page, browsers, world, incident_course, language
):
    copy, prefix = COPY[language], "" if language == "en" else "/ar"
    module_url = f"{prefix}/curriculum/incident-basics/first-response/"
    sign_in(page, world.officer.username, path=f"{prefix}/accounts/login/")

    page.goto(module_url)
    expect(page.locator("#knowledge-check")).to_be_visible()
    assert direction(page) == ("rtl" if language == "ar" else "ltr")
    # The page says nothing of the answers before they are given.
    html = page.content()
    for _, _, options, explanation in QUESTIONS[language]:
        assert explanation not in html
        assert all(feedback not in html for _, _, feedback in options if feedback)
    expect(page.get_by_role("button", name=re.compile("Mark as completed|وضع علامة"))).to_have_count(0)
    assert_accessible(page)

    # A wrong attempt: the wrong options are marked, with their feedback and the explanations.
    answer(page, language, {0: [0], 1: [0, 1]})
    expect(page.locator(".check-results__verdict")).to_contain_text(copy["not_passed"])
    expect(page.locator(".check-results__verdict")).to_contain_text("0%")
    expect(page.get_by_text(QUESTIONS[language][0][2][0][2])).to_be_visible()
    expect(page.get_by_text(QUESTIONS[language][1][2][1][2])).to_be_visible()
    expect(page.get_by_text(QUESTIONS[language][0][3])).to_be_visible()
    expect(page.locator(".check-results__option--correct")).to_have_count(0)
    screenshot(page, f"check-results-failed-{language}")
    assert_accessible(page)

    # Again, and right: the module is complete, and with it the course.
    page.get_by_role("link", name=copy["try_again"]).click()
    answer(page, language, {0: [1], 1: [0, 2]})
    expect(page.locator(".check-results__verdict")).to_contain_text(copy["passed"])
    expect(page.locator(".check-results__verdict")).to_contain_text("100%")
    assert_accessible(page)
    page.goto(module_url)
    expect(page.get_by_text(copy["completed"])).to_be_visible()
    page.goto(f"{prefix}/dashboard/")
    card = page.locator(".card--progress").filter(has_text=TITLES[language][0])
    expect(card.locator("progress")).to_have_attribute("value", "100")
    assert_accessible(page)

    # The certificate, from the course's card: a PDF naming the officer, with its verification address.
    with page.expect_download() as download:
        card.get_by_role("link", name=re.compile(copy["certificate"])).click()
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages
    )
    assert world.officer.get_full_name() in text and TITLES["ar"][0] in text and TITLES["en"][0] in text
    verify_url = re.search(r"https?://\S+/verify/[A-Za-z0-9_-]+/", text).group(0)
    page.goto(f"{prefix}/certificates/")
    expect(page.get_by_role("cell", name=world.symposium.name)).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # Anyone, signed out, verifies it at the printed address: the name, the course and the date only.
    stranger = browsers.new_page(locale="ar" if language == "ar" else "en-GB")
    stranger.goto(verify_url.replace("/verify/", f"{prefix}/verify/", 1) if prefix else verify_url)
    expect(stranger.get_by_text(copy["valid"])).to_be_visible()
    expect(stranger.locator("main")).to_contain_text(world.officer.get_full_name())
    expect(stranger.locator("main")).to_contain_text(TITLES[language][0])
    assert world.officer.profile.nation.name not in stranger.locator("main").inner_text()
    assert_accessible(stranger)

    # The instructor sees both attempts in the report.
    instructor = world.instructor
    world.symposium.instructors.add(instructor)
    give_second_factor(instructor)
    sign_in(page, instructor.username, path="/admin/login/")
    page.goto(
        f"/admin/reports/cohort-progress/?cohort={world.symposium.pk}&course={incident_course.get_parent().pk}"
    )
    row = page.locator("tbody tr").filter(has_text=world.officer.get_full_name())
    expect(row).to_contain_text("2 attempt(s), best 100%, passed")
    assert_accessible(page)
