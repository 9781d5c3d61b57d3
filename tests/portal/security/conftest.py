"""Sign-in through the real forms (not force_login): the password step, then the second step."""

from __future__ import annotations

import pytest

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def sign_in(client, username: str, password: str = PASSWORD, *, path: str = "/accounts/login/", **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


@pytest.fixture
def access_log():
    """The access-log entries of one kind, oldest first, as (username, outcome, title)."""
    from portal.models import AccessLogEntry

    def entries(object_type: str) -> list[tuple[str, str, str]]:
        return list(
            AccessLogEntry.objects.filter(object_type=object_type)
            .order_by("at", "pk")
            .values_list("username", "outcome", "object_title")
        )

    return entries
