"""A module with an open cohort's discussion: a member, an instructor who moderates, and others."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import translation

import pytest

from tests.conftest import force_login_verified
from tests.factories import CohortFactory, ModuleFactory, OfficerFactory, UserFactory


@pytest.fixture
def module(course):
    return ModuleFactory(parent=course, title="Mission planning", slug="mission-planning")


@pytest.fixture
def cohort(db):
    return CohortFactory(slug="cohort-a", name="Cohort A")


@pytest.fixture
def member(cohort):
    return OfficerFactory(username="member", first_name="Amal", last_name="Haddad", cohorts=[cohort])


@pytest.fixture
def other_member(cohort):
    return OfficerFactory(username="other-member", cohorts=[cohort])


@pytest.fixture
def moderator(cohort):
    user = UserFactory(username="teacher", role="instructor")
    cohort.instructors.add(user)
    return user


@pytest.fixture
def closed_cohort(db):
    today = datetime.date.today()
    return CohortFactory(
        slug="cohort-closed",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today - datetime.timedelta(days=10),
    )


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    force_login_verified(client, moderator)
    return client


@pytest.fixture
def thread_url(module, cohort):
    return reverse("discussion:thread", args=[module.pk, cohort.slug])


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request under /ar/ leaves Arabic active in the thread; the next test starts in English."""
    yield
    translation.deactivate()
