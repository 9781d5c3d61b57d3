"""`"instructors": [username, ...]` on a bundle's cohorts: imported, exported, round-tripped."""

from __future__ import annotations

import json

from django.core.management import CommandError, call_command

import pytest

from curriculum.bundle.io import read_bundle
from portal.models import Cohort
from tests.curriculum.bundle.test_import import SAMPLE, _Buffer, write
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample() -> dict:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["cohorts"][0]["instructors"] = ["instructor.sample", "teacher.elsewhere"]
    return data


def test_cohorts_name_their_instructors_from_the_bundle_and_the_portal(tmp_path, sample):
    UserFactory(username="teacher.elsewhere", role="instructor")
    call_command("import_curriculum", str(write(tmp_path, sample)))

    cohort = Cohort.objects.get(slug="symposium-2026")
    assert set(cohort.instructors.values_list("username", flat=True)) == {
        "instructor.sample",
        "teacher.elsewhere",
    }
    assert not Cohort.objects.get(slug="staff-course-2025").instructors.exists()

    exported = tmp_path / "out.json"
    call_command("export_curriculum", str(exported))
    cohorts = {c["slug"]: c for c in read_bundle(exported)["cohorts"]}
    assert cohorts["symposium-2026"]["instructors"] == ["instructor.sample", "teacher.elsewhere"]
    assert "instructors" not in cohorts["staff-course-2025"]

    call_command("import_curriculum", str(exported), stdout=(out := _Buffer()))
    assert "cohort instructors" not in out.text()  # the round trip changes nothing

    sample["cohorts"][0]["instructors"] = ["teacher.elsewhere"]
    call_command("import_curriculum", str(write(tmp_path, sample)))
    assert list(cohort.instructors.values_list("username", flat=True)) == ["teacher.elsewhere"]


def test_an_unknown_instructor_is_a_listed_error(tmp_path, sample):
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_curriculum", str(write(tmp_path, sample)), stderr=(err := _Buffer()))
    assert err.lines() == ['cohorts[0].instructors[1]: unknown user "teacher.elsewhere"']
    assert not Cohort.objects.exists()
