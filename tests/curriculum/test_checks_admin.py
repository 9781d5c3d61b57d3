"""Authoring a knowledge check in the Wagtail admin: an instructor adds one to a new module; a check
that cannot be scored, or an Arabic translation whose check is not its source's, is refused on save
with what is wrong shown on the form (never a 500), and nothing is saved."""

from __future__ import annotations

from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

import pytest

from curriculum.checks import definition
from curriculum.models import ModulePage
from tests.conftest import force_login_verified
from tests.factories import ModuleFactory, UserFactory, check_questions, translate

pytestmark = pytest.mark.django_db


def options(*items: tuple[str, bool]) -> dict:
    """A ListBlock's form data: a count, then each item's value, order and deleted flag."""
    data: dict = {"count": str(len(items))}
    for index, (text, correct) in enumerate(items):
        value = {"text": text, "feedback": ""}
        if correct:
            value["correct"] = "on"
        data[str(index)] = {"value": value, "order": str(index), "deleted": "", "id": f"option-{index}"}
    return data


def question(kind: str, text: str, *items: tuple[str, bool]) -> tuple[str, dict]:
    return ("question", {"kind": kind, "text": text, "explanation": "", "options": options(*items)})


def module_form(title: str, slug: str, questions: list, **extra) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "",
            "estimated_minutes": 30,
            "classification": "UNCLASSIFIED",
            "objectives": streamfield([]),
            "body": streamfield([("rich_text", rich_text("<p>Text.</p>"))]),
            "check_questions": streamfield(questions),
            "check_pass_mark": 70,
            "comments": inline_formset([]),
            **extra,
        }
    )


def test_an_instructor_adds_a_check_to_a_new_module(client, course):
    force_login_verified(client, UserFactory(role="instructor"))
    form = module_form(
        "Mission Analysis",
        "mission-analysis",
        [question("single", "First?", ("Mission", True), ("Budget", False))],
        check_required="on",
        check_max_attempts=3,
    )
    response = client.post(
        reverse("wagtailadmin_pages:add", args=("curriculum", "modulepage", course.pk)), form
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    module = ModulePage.objects.get(slug="mission-analysis").get_latest_revision_as_object()
    check = definition.of_page(module)
    assert (check.required, check.max_attempts, check.pass_mark) == (True, 3, 70)
    assert [(o.text, o.correct) for o in check.questions[0].options] == [("Mission", True), ("Budget", False)]


def test_a_question_with_no_correct_option_is_shown_on_the_form(client, course):
    force_login_verified(client, UserFactory(role="instructor"))
    form = module_form(
        "Broken", "broken", [question("single", "First?", ("Mission", False), ("Budget", False))]
    )
    response = client.post(
        reverse("wagtailadmin_pages:add", args=("curriculum", "modulepage", course.pk)), form
    )
    assert response.status_code == 200
    assert "no option is marked correct" in response.content.decode()
    assert not ModulePage.objects.filter(slug="broken").exists()


def test_an_arabic_translation_whose_check_differs_is_refused_with_the_differences(client, course, locale_ar):
    module = ModuleFactory(
        parent=course,
        slug="mission",
        check_questions=check_questions(
            ("single", "First?", [("Mission", True, ""), ("Budget", False, "")], "")
        ),
    )
    translate(course, locale_ar, title="التخطيط")
    arabic = translate(module, locale_ar, title="تحليل المهمة")
    force_login_verified(client, UserFactory(role="editor"))
    form = module_form(
        "تحليل المهمة",
        arabic.slug,
        [question("single", "الأول؟", ("المهمة", False), ("الميزانية", True))],
        **{"action-publish": "publish"},
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=(arabic.pk,)), form)
    assert response.status_code == 200
    assert "question 1: the correct options are not the source&#x27;s" in response.content.decode()
    arabic.refresh_from_db()
    assert definition.of_page(arabic).questions[0].options[0].correct is True
