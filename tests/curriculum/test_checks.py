"""Knowledge checks on a module's page, through the test client: the form never holds the answer key,
attempts are scored on the server, stored once per form and limited, the results say what was wrong,
a required check earns the module's completion, and a reader who may not read the module gets its 404."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

import pytest

from curriculum.models import CheckAttempt, ModulePage, ModuleProgress
from tests.factories import (
    AccessRuleFactory,
    CohortFactory,
    ModuleFactory,
    OfficerFactory,
    check_questions,
    translate,
)

pytestmark = pytest.mark.django_db

FEEDBACK_WRONG = "Feedback-for-the-wrong-option"
EXPLANATION = "Explanation-of-the-mission"


def questions(first_correct: int = 1, second_correct: tuple[int, ...] = (0, 2)):
    return check_questions(
        (
            "single",
            "What does planning start with?",
            [
                ("The budget", first_correct == 0, FEEDBACK_WRONG),
                ("The mission", first_correct == 1, "Right: the mission comes first."),
                ("The map", first_correct == 2, ""),
            ],
            EXPLANATION,
        ),
        (
            "multiple",
            "Which are steps of mission analysis?",
            [
                ("Identify tasks", 0 in second_correct, ""),
                ("Publish orders", 1 in second_correct, "Orders come later."),
                ("Assess constraints", 2 in second_correct, ""),
            ],
            "",
        ),
    )


@pytest.fixture
def reader(client, db):
    user = OfficerFactory(username="reader")
    client.force_login(user)
    return user


@pytest.fixture
def module(course):
    return ModuleFactory(
        parent=course, title="Mission Analysis", check_questions=questions(), check_required=True
    )


def form_token(page: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', page)
    assert match, "no check form on the page"
    return match.group(1)


def submit(client, module, answers: dict, token: str | None = None, path: str | None = None):
    path = path or module.url
    token = token or form_token(client.get(path).content.decode())
    data = {"form_token": token, **{f"q{number}": values for number, values in answers.items()}}
    return client.post(f"{path}check/", data)


RIGHT = {0: ["1"], 1: ["0", "2"]}
HALF = {0: ["1"], 1: ["0"]}
WRONG = {0: ["0"], 1: ["1"]}


def without_nonces(page: str) -> str:
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    page = re.sub(r'name="form_token" value="[^"]+"', "", page)
    page = re.sub(r'nonce="[^"]+"', "", page)
    return re.sub(r'content="[A-Za-z0-9_\-]{32,}"', "", page)  # a CSRF meta tag, if any


def test_every_option_is_a_radio_or_checkbox_inside_a_label_holding_its_text(client, reader, module):
    page = client.get(module.url).content.decode()
    label = (
        r'<label class="check__option">'
        r'<input type="{}" name="{}" value="{}"[^>]*> <span>{}</span></label>'
    )
    assert re.search(label.format("radio", "q0", 1, "The mission"), page)
    assert re.search(label.format("checkbox", "q1", 2, "Assess constraints"), page)
    assert "<script" not in page.split('id="knowledge-check"', 1)[1].split("</section>", 1)[0]


def test_the_page_is_the_same_whichever_options_are_correct(client, reader, module):
    before = without_nonces(client.get(module.url).content.decode())
    module.check_questions = questions(first_correct=2, second_correct=(1,))
    module.save_revision().publish()
    after = without_nonces(client.get(module.url).content.decode())
    assert before == after
    assert FEEDBACK_WRONG not in after and EXPLANATION not in after and "Orders come later." not in after


def test_a_wrong_attempt_is_scored_on_the_server_and_says_what_was_wrong(client, reader, module):
    response = submit(client, module, WRONG)
    assert response.status_code == 303
    assert response["Location"] == f"{module.url}check/1/"
    attempt = CheckAttempt.objects.get(user=reader)
    assert (attempt.score, attempt.passed, attempt.correct, attempt.questions) == (0, False, 0, 2)
    assert attempt.answers == {"0": [0], "1": [1]}

    results = client.get(response["Location"]).content.decode()
    assert "Not passed" in results and "0%" in results
    assert results.count("your answer: wrong") == 2
    assert FEEDBACK_WRONG in results and "Orders come later." in results and EXPLANATION in results
    # Attempts remain: the results of one attempt don't give the next its answers.
    assert "a correct answer" not in results
    assert "Try again" in results
    assert not ModuleProgress.objects.filter(user=reader, completed_at__isnull=False).exists()


def test_a_partly_right_attempt_scores_the_share_of_questions_right(client, reader, module):
    submit(client, module, HALF)
    attempt = CheckAttempt.objects.get(user=reader)
    assert (attempt.score, attempt.passed) == (50, False)


def test_passing_a_required_check_completes_the_module_which_cannot_be_marked_by_hand(client, reader, module):
    page = client.get(module.url).content.decode()
    assert "Mark as completed" not in page
    assert "Pass the knowledge check to complete this module." in page
    client.post(f"/progress/{module.pk}/complete/")
    assert not ModuleProgress.objects.filter(user=reader, completed_at__isnull=False).exists()

    submit(client, module, WRONG)
    response = submit(client, module, RIGHT)
    assert response["Location"] == f"{module.url}check/2/"
    entry = ModuleProgress.objects.get(user=reader, module_key=module.translation_key)
    assert entry.completed_at is not None
    results = client.get(response["Location"]).content.decode()
    assert "Passed" in results and "100%" in results
    assert "a correct answer" not in results  # every right option was chosen: nothing to add
    page = client.get(module.url).content.decode()
    assert "You passed the knowledge check: this module is complete." in page
    assert "Mark as not completed" not in page
    client.post(f"/progress/{module.pk}/incomplete/")
    entry.refresh_from_db()
    assert entry.completed_at is not None


def test_a_check_that_is_not_required_leaves_mark_complete(client, reader, course):
    module = ModuleFactory(parent=course, check_questions=questions(), check_required=False)
    submit(client, module, RIGHT)
    assert not ModuleProgress.objects.filter(user=reader, completed_at__isnull=False).exists()
    assert "Mark as completed" in client.get(module.url).content.decode()


def test_a_resubmitted_form_is_one_attempt(client, reader, module):
    token = form_token(client.get(module.url).content.decode())
    first = submit(client, module, WRONG, token=token)
    again = submit(client, module, RIGHT, token=token)
    assert first["Location"] == again["Location"] == f"{module.url}check/1/"
    assert CheckAttempt.objects.filter(user=reader).count() == 1
    assert CheckAttempt.objects.get(user=reader).score == 0


def test_after_the_limit_the_form_says_so_and_takes_no_attempt(client, reader, course):
    module = ModuleFactory(parent=course, check_questions=questions(), check_max_attempts=2)
    assert "2 attempts allowed" in client.get(module.url).content.decode()
    token = form_token(client.get(module.url).content.decode())  # a form loaded before the limit
    submit(client, module, WRONG)
    submit(client, module, WRONG)
    page = client.get(module.url).content.decode()
    assert "You have used all 2 attempts at this check." in page
    assert 'name="form_token"' not in page
    response = submit(client, module, RIGHT, token=token)
    assert response.status_code == 302
    assert CheckAttempt.objects.filter(user=reader).count() == 2
    results = client.get(f"{module.url}check/2/").content.decode()
    assert "a correct answer" in results  # no attempt left: the answers may be shown
    assert "Try again" not in results


def test_a_question_left_unanswered_shows_the_form_again_and_records_nothing(client, reader, module):
    response = submit(client, module, {1: ["0", "2"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Answer every question before you submit." in page
    assert "Answer this question." in page
    assert re.search(r'name="q1" value="2" checked', page)  # what was chosen is kept
    assert not CheckAttempt.objects.exists()


@pytest.mark.parametrize("token", ["", "short", "x" * 80, "<script>"])
def test_a_form_without_a_valid_token_is_refused_and_records_nothing(client, reader, module, token):
    response = client.post(f"{module.url}check/", {"form_token": token, "q0": "1", "q1": ["0", "2"]})
    assert response.status_code == 400
    assert not CheckAttempt.objects.exists()


@pytest.mark.parametrize("answers", [{0: ["9"], 1: ["0"]}, {0: ["x"], 1: ["0"]}, {0: ["0", "1"], 1: ["0"]}])
def test_answers_that_are_no_option_count_as_unanswered(client, reader, module, answers):
    assert submit(client, module, answers).status_code == 400
    assert not CheckAttempt.objects.exists()


def test_a_reader_who_may_not_read_the_module_gets_its_404(client, reader, course):
    sealed = ModuleFactory(parent=course, slug="sealed", check_questions=questions())
    AccessRuleFactory(page=sealed, cohorts=[CohortFactory()])
    data = {"form_token": "a" * 32, "q0": "1", "q1": "0"}
    response = client.post(f"{sealed.url}check/", data)
    missing = client.post(f"{course.url}absent/check/", data)
    assert response.status_code == missing.status_code == 404
    assert without_nonces(response.content.decode()) == without_nonces(missing.content.decode())
    denied = client.get(f"{sealed.url}check/1/").content.decode()
    absent = client.get(f"{course.url}absent/check/1/").content.decode()
    assert without_nonces(denied) == without_nonces(absent)
    assert not CheckAttempt.objects.exists()


def test_another_officers_attempt_is_a_404(client, reader, module):
    submit(client, module, WRONG)
    other = OfficerFactory(username="other")
    client.force_login(other)
    assert client.get(f"{module.url}check/1/").status_code == 404
    assert client.get(f"{module.url}check/99/").status_code == 404
    assert client.get(f"{module.url}check/x/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, module):
    response = client.post(f"{module.url}check/", {"form_token": "a" * 32, "q0": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/") or "login" in response["Location"]
    assert not CheckAttempt.objects.exists()


def test_an_attempt_in_arabic_counts_for_the_module(client, reader, module, locale_ar, course):
    translate(course, locale_ar, title="تحليل")
    arabic = translate(
        module,
        locale_ar,
        title="تحليل المهمة",
        check_questions=check_questions(
            (
                "single",
                "بماذا يبدأ التخطيط؟",
                [("الميزانية", False, ""), ("المهمة", True, ""), ("الخريطة", False, "")],
                "",
            ),
            (
                "multiple",
                "ما خطوات تحليل المهمة؟",
                [("تحديد المهام", True, ""), ("إصدار الأوامر", False, ""), ("تقدير القيود", True, "")],
                "",
            ),
        ),
    )
    path = f"/ar{arabic.url}" if not arabic.url.startswith("/ar/") else arabic.url
    page = client.get(path).content.decode()
    assert "بماذا يبدأ التخطيط؟" in page
    response = submit(client, arabic, RIGHT, path=path)
    assert response["Location"] == f"{path}check/1/"
    attempt = CheckAttempt.objects.get(user=reader)
    assert attempt.module_key == module.translation_key and attempt.passed
    assert ModuleProgress.objects.get(user=reader, module_key=module.translation_key).completed_at
    assert "تحليل المهمة" in client.get(response["Location"]).content.decode()
    # The English page counts the same attempt.
    assert "Attempt 1: 100%" in client.get(module.url).content.decode()


def test_a_translation_whose_check_differs_from_its_source_is_refused(module, locale_ar, course):
    translate(course, locale_ar, title="تحليل")
    arabic = translate(module, locale_ar, title="تحليل المهمة")
    arabic.check_questions = questions(first_correct=0)
    with pytest.raises(ValidationError) as raised:
        arabic.full_clean()
    assert "question 1: the correct options are not the source's" in str(raised.value)
    arabic.check_questions = questions()[:1]
    with pytest.raises(ValidationError) as raised:
        arabic.full_clean()
    assert "the source's check has 2 questions, the translation's 1" in str(raised.value)


@pytest.mark.parametrize(
    ("options", "kind", "message"),
    [
        ([("a", False, ""), ("b", False, "")], "single", "no option is marked correct"),
        ([("a", True, ""), ("b", True, "")], "single", "exactly one correct option"),
        ([("a", True, "")], "multiple", "at least 2 options"),
    ],
)
def test_a_check_that_cannot_be_scored_is_refused_on_save(options, kind, message):
    module = ModulePage(
        title="Broken", slug="broken", check_questions=check_questions((kind, "Q?", options, ""))
    )
    with pytest.raises(ValidationError) as raised:
        module.clean_check()
    assert message in str(raised.value)


def test_the_course_completes_when_its_last_module_is_earned(client, reader, course, module):
    other = ModuleFactory(parent=course)
    client.post(f"/progress/{other.pk}/complete/")
    submit(client, module, RIGHT)
    dashboard = client.get("/dashboard/").content.decode()
    assert "2 of 2 modules" in dashboard
