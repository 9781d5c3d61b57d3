"""An officer's own marks: "Mark as completed" can be undone from the module page, and the dashboard
counts modules in the reader's plural forms ("0 of 1 module", "0 of 2 modules")."""

from __future__ import annotations

import re

import pytest

from curriculum.models import ModuleProgress
from tests.factories import ModuleFactory, OfficerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, db):
    user = OfficerFactory(username="reader")
    client.force_login(user)
    return user


def form_action(page: str) -> str:
    match = re.search(r'<form class="completion" method="post" action="([^"]+)"', page)
    assert match, "no completion form on the module page"
    return match.group(1)


def test_an_officer_can_undo_mark_complete(client, reader, course):
    module = ModuleFactory(parent=course)
    page = client.get(module.url).content.decode()
    assert "Mark as completed" in page
    client.post(form_action(page))
    entry = ModuleProgress.objects.get(user=reader, module_key=module.translation_key)
    assert entry.completed_at is not None

    page = client.get(module.url).content.decode()
    assert "You have completed this module." in page
    assert "Mark as not completed" in page
    response = client.post(form_action(page))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.completed_at is None
    page = client.get(module.url).content.decode()
    assert "Mark as completed" in page and "Mark as not completed" not in page


@pytest.mark.parametrize(("modules", "text"), [(1, "0 of 1 module"), (2, "0 of 2 modules")])
def test_the_dashboard_counts_modules_in_plural_forms(client, reader, course, modules, text):
    for _ in range(modules):
        ModuleFactory(parent=course)
    page = client.get("/dashboard/").content.decode()
    counts = re.findall(r'<span class="course-progress__count">([^<]*)</span>', page)
    assert counts == [text]
