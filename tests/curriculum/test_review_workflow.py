"""Instructors author and submit; editors approve; only then is a module live."""

from django.urls import reverse

from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

import pytest

from curriculum.models import ModulePage
from tests.conftest import force_login_verified
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def module_form(**extra) -> dict:
    return nested_form_data(
        {
            "title": "Reading an operations order",
            "slug": "reading-an-operations-order",
            "summary": "The five paragraphs and what each is for.",
            "estimated_minutes": 30,
            "classification": "UNCLASSIFIED",
            "objectives": streamfield([("objective", "Name the five paragraphs")]),
            "body": streamfield([("rich_text", rich_text("<p>Situation, mission, execution.</p>"))]),
            "check_questions": streamfield([]),
            "check_pass_mark": 70,
            "comments": inline_formset([]),
            **extra,
        }
    )


def add_url(course) -> str:
    return reverse("wagtailadmin_pages:add", args=("curriculum", "modulepage", course.pk))


def test_an_instructor_cannot_publish(client, course):
    instructor = UserFactory(role="instructor")
    force_login_verified(client, instructor)

    client.post(add_url(course), module_form(**{"action-publish": "publish"}))

    module = ModulePage.objects.get(slug="reading-an-operations-order")
    assert not module.live
    assert not module.permissions_for_user(instructor).can_publish()
    assert module.permissions_for_user(instructor).can_edit()


def test_a_submitted_module_goes_live_when_an_editor_approves(client, course):
    instructor = UserFactory(role="instructor")
    editor = UserFactory(role="editor")
    force_login_verified(client, instructor)
    client.post(add_url(course), module_form(**{"action-submit": "submit"}))
    module = ModulePage.objects.get(slug="reading-an-operations-order")
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(module.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Curriculum review"
    assert not module.live

    force_login_verified(client, editor)
    task_state = state.current_task_state
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(module.pk, "approve", task_state.pk)),
        {"comment": "Clear and accurate."},
    )

    assert response.status_code in (200, 302)
    module.refresh_from_db()
    state.refresh_from_db()
    assert module.live
    assert state.status == WorkflowState.STATUS_APPROVED


def test_an_instructor_cannot_approve(client, course):
    instructor = UserFactory(role="instructor")
    force_login_verified(client, instructor)
    client.post(add_url(course), module_form(**{"action-submit": "submit"}))
    module = ModulePage.objects.get(slug="reading-an-operations-order")
    task_state = WorkflowState.objects.get(object_id=str(module.pk)).current_task_state

    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(module.pk, "approve", task_state.pk)), {}
    )

    assert response.status_code in (302, 403)
    module.refresh_from_db()
    assert not module.live


def test_editors_publish_cultural_orientation_directly(client, culture_index):
    editor = UserFactory(role="editor")
    force_login_verified(client, editor)
    data = nested_form_data(
        {
            "title": "Majlis etiquette",
            "slug": "majlis-etiquette",
            "summary": "",
            "region": "Host nation",
            "audience": "everyone",
            "topics": streamfield([]),
            "body": streamfield([("rich_text", rich_text("<p>Stand when a senior guest enters.</p>"))]),
            "comments": inline_formset([]),
            "action-publish": "publish",
        }
    )
    client.post(
        reverse("wagtailadmin_pages:add", args=("curriculum", "cultureguidepage", culture_index.pk)), data
    )
    from curriculum.models import CultureGuidePage

    assert CultureGuidePage.objects.get(slug="majlis-etiquette").live
