"""The page editor's autosave is the operator's to turn off (`WAGTAIL_AUTOSAVE_INTERVAL=0`, see
docs/authoring.md for Wagtail 8's race it avoids): the environment sets Wagtail's setting, and the
editor for a new page then carries no autosave."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from django.test import override_settings
from django.urls import reverse

import pytest

from tests.conftest import force_login_verified

ROOT = Path(__file__).resolve().parents[2]


def interval_under(environment: dict[str, str]) -> str:
    code = "from django.conf import settings; print(settings.WAGTAIL_AUTOSAVE_INTERVAL)"
    env = {key: value for key, value in os.environ.items() if key != "WAGTAIL_AUTOSAVE_INTERVAL"}
    env.update(DJANGO_SETTINGS_MODULE="tabadul.settings.dev", **environment)
    run = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [str(ROOT / ".venv/bin/python"), "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return run.stdout.strip()


def test_the_environment_sets_the_autosave_interval():
    assert interval_under({}) == "500"
    assert interval_under({"WAGTAIL_AUTOSAVE_INTERVAL": "0"}) == "0"


@pytest.mark.django_db
@pytest.mark.parametrize(("interval", "autosaves"), [(500, True), (0, False)])
def test_a_new_pages_editor_autosaves_only_when_the_interval_is_set(
    client, course, superuser, interval, autosaves
):
    force_login_verified(client, superuser)
    with override_settings(WAGTAIL_AUTOSAVE_INTERVAL=interval):
        page = client.get(reverse("wagtailadmin_pages:add", args=["curriculum", "modulepage", course.pk]))
    assert page.status_code == 200
    form = re.search(r'<form\s+id="page-edit-form".*?>', page.content.decode(), re.S).group(0)
    controllers = re.search(r'data-controller="([^"]*)"', form).group(1).split()
    assert ("w-autosave" in controllers) is autosaves
