"""import_curriculum / export_curriculum through the management commands."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from wagtail.models import Page, Revision

import pytest
import yaml

from curriculum.models import CoursePage, GlossaryTerm, ModulePage
from portal.models import AccessRule, Cohort, CohortMembership

SAMPLE = Path(__file__).resolve().parents[4] / "shared" / "samples" / "sample-bundle.json"
if not SAMPLE.exists():  # the project ships a copy next to its schema for machines without shared/
    SAMPLE = Path(__file__).resolve().parents[3] / "curriculum" / "bundle" / "sample-bundle.json"

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict, name: str = "bundle.json") -> Path:
    path = tmp_path / name
    if name.endswith((".yaml", ".yml")):
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    else:
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def portal_state() -> dict:
    """A fingerprint of everything an import can write."""
    return {
        "pages": sorted(
            Page.objects.values_list("id", "slug", "locale_id", "path", "live", "latest_revision_id")
        ),
        "revisions": Revision.objects.count(),
        "users": sorted(get_user_model().objects.values_list("username", "password", "email", "first_name")),
        "cohorts": sorted(Cohort.objects.values_list("slug", "name", "starts_on", "ends_on", "grace_days")),
        "memberships": CohortMembership.objects.count(),
        "rules": AccessRule.objects.count(),
        "terms": sorted(GlossaryTerm.objects.values_list("term", "definition")),
    }


def test_a_valid_bundle_imports_every_kind_of_object(tmp_path, sample, capsys):
    call_command("import_curriculum", str(write(tmp_path, sample)))

    course = CoursePage.objects.get(slug="cyber-defense-fundamentals", locale__language_code="en")
    assert (
        course.live and course.track.slug == "cyber-security" and course.programme.slug == "defense-symposium"
    )
    module = ModulePage.objects.get(slug="threat-landscape", locale__language_code="en")
    assert module.get_parent().pk == course.pk
    assert [b.block_type for b in module.body] == ["heading", "rich_text"]
    assert "<b>intent</b>" in str(module.body[1].value.source)
    assert [b.value for b in module.objectives] == [
        "Name the main threat actors",
        "Explain the cyber kill chain",
    ]
    rule = AccessRule.objects.get(page__slug="incident-response")
    assert sorted(rule.releasable_to.values_list("code", flat=True)) == ["PK", "US"]
    officer = get_user_model().objects.get(username="officer.us")
    assert officer.check_password("sample-pass-123")
    assert officer.password != "sample-pass-123"
    assert list(officer.cohorts.values_list("slug", flat=True)) == ["symposium-2026"]
    assert (
        get_user_model().objects.get(username="instructor.sample").groups.filter(name="Instructors").exists()
    )
    assert "Imported." in capsys.readouterr().out


def test_translations_are_linked_to_their_sources(tmp_path, sample):
    call_command("import_curriculum", str(write(tmp_path, sample)))

    source = ModulePage.objects.get(slug="direction-and-collection", locale__language_code="en")
    arabic = ModulePage.objects.get(slug="direction-and-collection", locale__language_code="ar")
    assert arabic.translation_key == source.translation_key
    assert arabic.title == "التوجيه والجمع"
    assert arabic.get_parent().specific.translation_key == source.get_parent().translation_key
    assert arabic.url.startswith("/ar/")


def test_an_invalid_bundle_reports_every_error_with_its_path_and_writes_nothing(tmp_path, sample):
    broken = copy.deepcopy(sample)
    broken["courses"][0]["modules"][1]["access"]["cohorts"][0] = "no-such-cohort"
    broken["courses"][1]["track"] = "no-such-track"
    broken["users"][1]["cohorts"] = ["ghost-cohort"]
    broken["courses"][0]["modules"][0]["body"] += "\n\n> [!TERMS]\n> Kill chain; Unheard-of term\n"
    broken["cohorts"][1]["ends_on"] = "2024-01-01"
    before = portal_state()

    with pytest.raises(CommandError, match="5 error"):
        call_command("import_curriculum", str(write(tmp_path, broken)), stderr=(err := _Buffer()))

    assert sorted(err.lines()) == [
        "cohorts[1].ends_on: 2024-01-01 is before 2025-01-05",
        'courses[0].modules[0].body: unknown glossary term "Unheard-of term"',
        'courses[0].modules[1].access.cohorts[0]: unknown cohort "no-such-cohort"',
        'courses[1].track: unknown track "no-such-track"',
        'users[1].cohorts[0]: unknown cohort "ghost-cohort"',
    ]
    assert portal_state() == before


def test_schema_errors_are_reported_with_their_paths(tmp_path, sample):
    broken = copy.deepcopy(sample)
    broken["courses"][1]["modules"][0]["minutes"] = 0
    broken["users"][0]["role"] = "general"
    broken["surprise"] = True

    with pytest.raises(CommandError):
        call_command("import_curriculum", str(write(tmp_path, broken)), stderr=(err := _Buffer()))

    text = "\n".join(err.lines())
    assert "courses[1].modules[0].minutes: 0 is less than the minimum of 1" in text
    assert "users[0].role: 'general' is not one of" in text
    assert "Additional properties are not allowed ('surprise' was unexpected)" in text


def test_a_translated_module_must_sit_in_the_translation_of_its_course(tmp_path, sample):
    broken = copy.deepcopy(sample)
    # the Arabic cyber course now claims to translate a module of the intelligence course
    broken["courses"][3]["modules"][0]["translation_of"] = "direction-and-collection"

    with pytest.raises(CommandError):
        call_command("import_curriculum", str(write(tmp_path, broken)), stderr=(err := _Buffer()))

    assert err.lines() == [
        'courses[3].modules[0].translation_of: module "direction-and-collection" is in course '
        '"intelligence-cycle", which this course does not translate'
    ]


def test_unreadable_files_get_a_clear_error(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("format: [unclosed", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON or YAML"):
        call_command("import_curriculum", str(path))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_curriculum", str(tmp_path / "missing.json"))


def test_importing_twice_creates_nothing_the_second_time(tmp_path, sample):
    path = write(tmp_path, sample)
    call_command("import_curriculum", str(path))
    after_first = portal_state()

    call_command("import_curriculum", str(path), stdout=(out := _Buffer()))

    assert portal_state() == after_first
    assert "0 created, 0 updated" in out.text()


def test_yaml_bundles_import_like_json(tmp_path, sample):
    call_command("import_curriculum", str(write(tmp_path, sample, "bundle.yaml")))
    assert CoursePage.objects.filter(slug="intelligence-cycle").count() == 2
    assert Cohort.objects.get(slug="symposium-2026").grace_days == 30


def test_dry_run_reports_and_writes_nothing(tmp_path, sample):
    before = portal_state()
    call_command("import_curriculum", str(write(tmp_path, sample)), "--dry-run", stdout=(out := _Buffer()))
    assert portal_state() == before
    assert "Dry run" in out.text() and "module: 5 created" in out.text()


def test_a_changed_bundle_updates_in_place(tmp_path, sample):
    call_command("import_curriculum", str(write(tmp_path, sample)))
    module = ModulePage.objects.get(slug="threat-landscape", locale__language_code="en")
    changed = copy.deepcopy(sample)
    changed["courses"][0]["modules"][0]["title"] = "The Contemporary Threat Landscape"
    del changed["courses"][0]["modules"][1]["access"]

    call_command("import_curriculum", str(write(tmp_path, changed)))

    module.refresh_from_db()
    assert module.title == "The Contemporary Threat Landscape"
    assert ModulePage.objects.filter(slug="threat-landscape").count() == 2  # English and Arabic, no duplicate
    assert not AccessRule.objects.filter(page__slug="incident-response").exists()


def test_export_round_trips_and_never_contains_passwords(tmp_path, sample):
    call_command("import_curriculum", str(write(tmp_path, sample)))
    first = tmp_path / "first.json"
    call_command("export_curriculum", str(first))
    state = portal_state()

    call_command("import_curriculum", str(first))
    second = tmp_path / "second.yaml"
    call_command("export_curriculum", str(second))

    assert portal_state() == state
    exported = json.loads(first.read_text(encoding="utf-8"))
    assert yaml.safe_load(second.read_text(encoding="utf-8")) == exported
    assert "password" not in first.read_text(encoding="utf-8")
    assert {c["slug"] for c in exported["courses"]} == {"cyber-defense-fundamentals", "intelligence-cycle"}
    arabic = next(
        c for c in exported["courses"] if c.get("locale") == "ar" and c["slug"] == "intelligence-cycle"
    )
    assert arabic["translation_of"] == "intelligence-cycle"


class _Buffer:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        pass

    def text(self) -> str:
        return "".join(self.parts)

    def lines(self) -> list[str]:
        return [line for line in self.text().splitlines() if line.strip()]
