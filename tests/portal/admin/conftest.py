"""Staff in each editorial role, signed in to the Wagtail admin through the real groups."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory


@pytest.fixture
def programme_admin(db):
    return UserFactory(username="padmin", role="admin")


@pytest.fixture
def instructor(db):
    return UserFactory(username="instructor", role="instructor")


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", role="editor")
