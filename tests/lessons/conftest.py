from django.contrib.auth.models import Group

import pytest

from portal.access import LESSONS_MANAGERS
from tests.conftest import force_login_verified
from tests.factories import UserFactory
from tests.search.conftest import elasticsearch_url, engine, es  # noqa: F401  (the search tests' engines)


@pytest.fixture
def manager(db):
    """A lessons manager who is also an editor (the group is held beside an editorial role)."""
    user = UserFactory(username="lessons-manager", role="editor", email="manager@example.org")
    user.groups.add(Group.objects.get(name=LESSONS_MANAGERS))
    return user


@pytest.fixture
def manager_client(client, manager):
    force_login_verified(client, manager)
    return client
