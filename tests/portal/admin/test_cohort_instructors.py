"""A cohort names its instructors in the admin's cohort editor."""

from __future__ import annotations

from django.urls import reverse

import pytest

from tests.conftest import force_login_verified
from tests.factories import CohortFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def test_the_cohort_editor_offers_staff_as_instructors_and_saves_them(
    client, programme_admin, instructor, editor
):
    cohort = CohortFactory(slug="spring-2026", name="Spring 2026")
    officer = OfficerFactory(username="amal")
    force_login_verified(client, programme_admin)
    url = reverse("wagtailsnippets_portal_cohort:edit", args=[cohort.pk])

    form = client.get(url).context["form"]
    choices = set(form.fields["instructors"].queryset.values_list("username", flat=True))
    assert {"instructor", "editor", "padmin"} <= choices
    assert officer.username not in choices

    data = {
        "name": cohort.name,
        "slug": cohort.slug,
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(),
        "grace_days": "0",
        "instructors": [str(instructor.pk)],
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    response = client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors
    assert list(cohort.instructors.values_list("username", flat=True)) == ["instructor"]
