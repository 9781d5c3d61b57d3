"""The `"lessons"` section of a curriculum bundle, through import_curriculum / export_curriculum:
created, then unchanged on a second import, every error listed with nothing written, and carried
through an export."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

from django.core.management import CommandError, call_command

import pytest

from lessons.models import Lesson, LessonTransition, Status

SAMPLE = Path(__file__).resolve().parents[2] / "curriculum" / "bundle" / "sample-bundle.json"

pytestmark = pytest.mark.django_db

LESSONS = [
    {
        "key": "phishing-drill-reporting",
        "title": "Report the phishing drill within the hour",
        "author": "officer.us",
        "track": "cyber-security",
        "event": "Exercise Cyber Shield",
        "status": "identified",
        "observation": "Half of the staff reported the drill e-mail a day late.",
        "recommendation": "Teach the one-click report button in the first module.",
        "releasable_to": ["US", "PK"],
        "modules": [{"course": "cyber-defense-fundamentals", "module": "threat-landscape"}],
        "action": {"body": "course", "page": "cyber-defense-fundamentals", "due_on": "2027-01-31"},
    },
    {
        "key": "collection-plan-ar",
        "title": "خطة الجمع تسبق التكليف",
        "locale": "ar",
        "author": "officer.my",
        "track": "intelligence-management",
        "status": "submitted",
        "observation": "بدأ التكليف قبل أن تكتمل خطة الجمع.",
        "cohorts": ["symposium-2026"],
    },
]


@pytest.fixture
def bundle() -> dict:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["lessons"] = copy.deepcopy(LESSONS)
    return data


def load(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("import_curriculum", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def lesson_state() -> list:
    return sorted(
        (
            lesson.key,
            lesson.status,
            lesson.released,
            lesson.updated_at,
            tuple(lesson.releasable_to.values_list("code", flat=True)),
        )
        for lesson in Lesson.objects.all()
    )


def test_lessons_import_with_their_audience_then_nothing_changes(tmp_path, bundle):
    load(tmp_path, bundle)
    drill = Lesson.objects.get(key="phishing-drill-reporting")
    assert drill.status == Status.IDENTIFIED and drill.released
    assert drill.author.username == "officer.us" and drill.track.slug == "cyber-security"
    assert sorted(drill.releasable_to.values_list("code", flat=True)) == ["PK", "US"]
    assert [page.slug for page in drill.modules.all()] == ["threat-landscape"]
    assert (drill.action_body, drill.action_page.slug, str(drill.action_due_on)) == (
        "course",
        "cyber-defense-fundamentals",
        "2027-01-31",
    )
    arabic = Lesson.objects.get(key="collection-plan-ar")
    assert arabic.locale == "ar" and not arabic.released
    assert list(arabic.cohorts.values_list("slug", flat=True)) == ["symposium-2026"]
    assert LessonTransition.objects.filter(lesson=drill, to_status="identified").exists()

    before, transitions = lesson_state(), LessonTransition.objects.count()
    load(tmp_path, bundle)
    assert lesson_state() == before and LessonTransition.objects.count() == transitions

    bundle["lessons"][1]["status"] = "in_review"
    load(tmp_path, bundle)
    arabic.refresh_from_db()
    assert arabic.status == Status.IN_REVIEW
    assert list(arabic.transitions.values_list("from_status", "to_status"))[-1] == ("submitted", "in_review")


def test_every_error_in_the_lessons_is_listed_and_nothing_is_written(tmp_path, bundle):
    bundle["lessons"][0]["author"] = "nobody"
    bundle["lessons"][0]["releasable_to"] = ["US", "ZZ"]
    bundle["lessons"][0]["modules"] = [{"course": "cyber-defense-fundamentals", "module": "no-such-module"}]
    bundle["lessons"][1]["key"] = "phishing-drill-reporting"
    bundle["lessons"][1]["cohorts"] = ["ghost"]
    bundle["lessons"][1]["status"] = "archived"
    bundle["lessons"][1]["action"] = {
        "body": "programme",
        "page": "no-such-programme",
        "due_on": "2027-01-01",
    }
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="7 error"):
        call_command("import_curriculum", str(path), stdout=io.StringIO(), stderr=err)
    text = err.getvalue()
    for expected in (
        'lessons[0].author: unknown user "nobody"',
        'lessons[0].releasable_to[1]: unknown nation "ZZ"',
        'lessons[0].modules[0]: unknown module "no-such-module" of course "cyber-defense-fundamentals"',
        'lessons[1].key: lesson "phishing-drill-reporting" appears twice (also at lessons[0])',
        'lessons[1].cohorts[0]: unknown cohort "ghost"',
        "lessons[1].status:",
        'lessons[1].action.page: unknown programme "no-such-programme"',
    ):
        assert expected in text, text
    assert not Lesson.objects.exists()


def test_export_carries_the_lessons(tmp_path, bundle):
    load(tmp_path, bundle)
    out = tmp_path / "export.json"
    call_command("export_curriculum", str(out), stdout=io.StringIO())
    exported = json.loads(out.read_text(encoding="utf-8"))["lessons"]
    by_key = {item["key"]: item for item in exported}
    assert by_key["phishing-drill-reporting"]["modules"] == [
        {"course": "cyber-defense-fundamentals", "module": "threat-landscape"}
    ]
    assert by_key["phishing-drill-reporting"]["releasable_to"] == ["PK", "US"]
    assert by_key["phishing-drill-reporting"]["action"]["page"] == "cyber-defense-fundamentals"
    assert by_key["collection-plan-ar"]["title"] == "خطة الجمع تسبق التكليف"
    # Importing the export changes nothing.
    before = lesson_state()
    data = json.loads(out.read_text(encoding="utf-8"))
    load(tmp_path, data)
    assert lesson_state() == before
