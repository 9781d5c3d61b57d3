"""Opening a module records progress only when a real officer reads it: a GET of the live page.

A preview (the editor's "Preview", "View draft", a revision), a "view as" visitor and a HEAD
request show the page but leave no progress behind; otherwise an instructor checking a draft
would appear in the cohort progress report.
"""

from __future__ import annotations

from django.urls import reverse

from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

import pytest

from curriculum.models import ModuleProgress
from tests.conftest import force_login_verified
from tests.factories import CohortFactory, ModuleFactory, OfficerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(course):
    return ModuleFactory(parent=course, title="Mission analysis")


@pytest.fixture
def instructor_client(client, instructor):
    force_login_verified(client, instructor)
    return client


def test_an_officer_opening_a_module_records_it_in_progress(client, module):
    officer = OfficerFactory(username="amal")
    client.force_login(officer)

    response = client.get(module.url)

    assert response.status_code == 200
    entry = ModuleProgress.objects.get(user=officer)
    assert (entry.module_key, entry.last_page_id, entry.completed_at) == (
        module.translation_key,
        module.pk,
        None,
    )
    assert "In progress" in response.content.decode()  # the page shows what it just recorded


def test_a_head_request_records_nothing(client, module):
    officer = OfficerFactory(username="amal")
    client.force_login(officer)

    assert client.head(module.url).status_code == 200

    assert not ModuleProgress.objects.exists()


def preview_url(client, module, preview: str) -> str:
    if preview == "edit":  # the editor's preview panel: the form is posted, then the preview shown
        url = reverse("wagtailadmin_pages:preview_on_edit", args=(module.pk,))
        body = streamfield([("rich_text", rich_text("<p>Changed, not yet saved.</p>"))])
        fields = {"title": module.title, "slug": module.slug, "summary": module.summary, "body": body}
        fields |= {"classification": module.classification, "objectives": streamfield([])}
        fields |= {"check_questions": streamfield([]), "check_pass_mark": 70}
        assert client.post(url, nested_form_data(fields)).json()["is_valid"]
        return url
    if preview == "view_draft":
        return reverse("wagtailadmin_pages:view_draft", args=(module.pk,))
    revision = module.save_revision()
    return reverse("wagtailadmin_pages:revisions_view", args=(module.pk, revision.pk))


@pytest.mark.parametrize("preview", ["edit", "view_draft", "revision"])
def test_an_instructors_preview_records_nothing(instructor_client, module, preview):
    response = instructor_client.get(preview_url(instructor_client, module, preview))

    assert response.status_code == 200
    assert "Mission analysis" in response.content.decode()
    assert not ModuleProgress.objects.exists()


def test_a_view_as_visitor_records_nothing(instructor_client, module):
    cohort = CohortFactory(slug="spring")
    assert instructor_client.post(reverse("view_as"), {"cohorts": [cohort.pk]}).status_code == 302

    response = instructor_client.get(module.url)

    assert response.status_code == 200
    assert "Viewing the portal as" in response.content.decode()
    assert not ModuleProgress.objects.exists()


def test_the_instructors_own_reading_of_the_live_page_counts(instructor_client, instructor, module):
    # Staff who read a module as it is published are reading it: only previews are not.
    instructor_client.get(module.url)

    assert ModuleProgress.objects.filter(user=instructor).count() == 1
    assert not ModuleProgress.objects.exclude(user=instructor).exists()
