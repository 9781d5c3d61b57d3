"""import_curriculum refuses what it must never do: take over accounts, store unsafe URLs, crash on
hostile files; and it lists every error of every stage that can run."""

from __future__ import annotations

import copy
import json

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

import pytest

from curriculum.bundle import io
from curriculum.models import ModulePage
from tests.curriculum.bundle.test_import import SAMPLE, _Buffer, portal_state, write
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def import_errors(tmp_path, data, *args, name="bundle.json") -> list[str]:
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_curriculum", str(write(tmp_path, data, name)), *args, stderr=(err := _Buffer()))
    return err.lines()


# --- 8. accounts -----------------------------------------------------------------------------


def test_a_bundle_cannot_take_over_the_superuser_or_a_staff_account(tmp_path, sample):
    admin = User.objects.create_superuser("admin", password="the-admins-own-pass")
    UserFactory(username="editor.one", email="editor@example.org", role="editor")
    bundle = copy.deepcopy(sample)
    bundle["users"] += [
        {"username": "admin", "role": "officer", "password": "taken-over-123"},
        {"username": "editor.one", "role": "officer", "email": "attacker@example.org"},
    ]
    before = portal_state()

    errors = import_errors(tmp_path, bundle)

    assert errors == [
        'users[3]: refused: "admin" is a superuser; an import never changes a superuser',
        'users[4]: refused: "editor.one" is an existing editor account; an import never changes staff '
        "accounts (it would change email, role)",
    ]
    assert portal_state() == before
    admin.refresh_from_db()
    assert admin.is_superuser and admin.check_password("the-admins-own-pass")


def test_an_unchanged_staff_account_imports_as_unchanged(tmp_path, sample):
    path = write(tmp_path, sample)
    call_command("import_curriculum", str(path))  # creates instructor.sample
    call_command("import_curriculum", str(path), stdout=(out := _Buffer()))
    assert "user: 0 created, 0 updated, 3 unchanged" in out.text()


def test_existing_officers_keep_their_password_unless_the_operator_resets_it(tmp_path, sample):
    call_command("import_curriculum", str(write(tmp_path, sample)))
    officer = User.objects.get(username="officer.us")
    officer.set_password("chosen-by-the-officer")
    officer.save()
    changed = copy.deepcopy(sample)
    changed["users"][1]["rank"] = "Lieutenant Colonel"
    changed["users"][1]["email"] = "us@example.org"
    path = write(tmp_path, changed)

    call_command("import_curriculum", str(path), "--dry-run", stdout=(out := _Buffer()))
    assert "  account officer.us: would change email, rank" in out.lines()
    assert any("officer.us: password kept" in line for line in out.lines())
    officer.refresh_from_db()
    assert officer.email == "" and officer.profile.rank == "Major"

    call_command("import_curriculum", str(path))
    officer.refresh_from_db()
    assert officer.email == "us@example.org" and officer.check_password("chosen-by-the-officer")

    call_command("import_curriculum", str(path), "--reset-passwords", stdout=(out := _Buffer()))
    assert "  account officer.us: changed password" in out.lines()
    officer.refresh_from_db()
    assert officer.check_password("sample-pass-123")


# --- 9. URLs ---------------------------------------------------------------------------------


def test_urls_that_are_not_http_or_an_allowed_video_provider_are_listed_errors(tmp_path, sample):
    bundle = copy.deepcopy(sample)
    bundle["courses"][0]["modules"][0]["body"] = (
        "Intro with [mail](mailto:someone@example.org).\n\n> [!VIDEO]\n> javascript:alert(6)\n"
    )
    bundle["guides"] = [
        {
            "slug": "a-guide",
            "title": "A guide",
            "body": "> [!VIDEO]\n> https://videos.example.net/watch/1\n\n> [!NOTE]\n> See <ftp://files.example.org/x>\n",
        }
    ]
    before = portal_state()

    errors = import_errors(tmp_path, bundle)

    assert errors == [
        "courses[0].modules[0].body: block 1 (rich_text): “mailto:someone@example.org” is not an http or "
        "https URL",
        "courses[0].modules[0].body: block 2 (video): “javascript:alert(6)” is not an http or https URL",
        "guides[0].body: block 1 (video): “https://videos.example.net/watch/1” is not from an allowed video "
        "provider (vimeo.com, youtu.be, youtube-nocookie.com, youtube.com)",
        "guides[0].body: block 2 (callout): “ftp://files.example.org/x” is not an http or https URL",
    ]
    assert portal_state() == before


def test_videos_from_the_allowed_providers_import(tmp_path, sample):
    bundle = copy.deepcopy(sample)
    bundle["courses"][0]["modules"][0]["body"] = (
        "> [!VIDEO]\n> https://www.youtube.com/watch?v=abc\n> Caption\n"
    )
    call_command("import_curriculum", str(write(tmp_path, bundle)))
    module = ModulePage.objects.get(slug="threat-landscape", locale__language_code="en")
    assert module.body[0].value["video"].url == "https://www.youtube.com/watch?v=abc"


def test_the_admins_block_validation_refuses_the_same_urls(curriculum_index):
    from wagtail.blocks import StreamBlockValidationError

    stream = ModulePage._meta.get_field("body").stream_block
    value = stream.to_python(
        [
            {"type": "video", "value": {"video": "javascript:alert(6)", "caption": ""}},
            {
                "type": "rich_text",
                "value": '<p><a href="javascript:alert(1)">x</a> <a href="https://ok.example">y</a></p>',
            },
            {"type": "callout", "value": {"kind": "note", "text": '<p><a href="data:text/html,x">z</a></p>'}},
            {"type": "rich_text", "value": '<p><a linktype="page" id="3">internal</a></p>'},
        ]
    )
    with pytest.raises(StreamBlockValidationError) as raised:
        stream.clean(value)
    errors = raised.value.block_errors
    assert sorted(errors) == [0, 1, 2]
    assert "“javascript:alert(6)” is not an http or https URL" in str(errors[0].block_errors["video"])
    assert "“javascript:alert(1)” is not an http or https URL" in str(errors[1])
    assert "“data:text/html,x” is not an http or https URL" in str(errors[2].block_errors["text"])


# --- 10. hostile files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.json", '{"format": ' + "[" * 5000 + "]" * 5000 + "}"),
        ("deep.yaml", "format: " + "[" * 5000 + "]" * 5000 + "\n"),
        ("deep-block.yaml", "".join("  " * i + "key:\n" for i in range(5000))),
    ],
)
def test_a_deeply_nested_bundle_is_a_listed_error(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=r"nested too deeply at line \d+, column \d+") as raised:
        call_command("import_curriculum", str(path))
    assert raised.value.returncode == 1


def test_the_command_exits_1_with_the_nesting_error_on_stderr(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "deep.json"
    path.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    run = subprocess.run(  # noqa: S603 - this interpreter and manage.py
        [sys.executable, "manage.py", "import_curriculum", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "tabadul.settings.test"},
    )
    assert run.returncode == 1
    assert "nested too deeply at line 1, column 33" in run.stderr
    assert "Traceback" not in run.stderr and "RecursionError" not in run.stderr


def test_a_bundle_over_the_size_limit_is_refused_with_a_clear_message(tmp_path, sample, monkeypatch):
    monkeypatch.setattr(io, "MAX_BUNDLE_BYTES", 1000)
    path = write(tmp_path, sample)
    with pytest.raises(CommandError, match=r"a bundle may be at most 1,000 bytes"):
        call_command("import_curriculum", str(path))


# --- 11. every stage, every error ------------------------------------------------------------


def test_schema_and_reference_errors_are_all_listed_together(tmp_path, sample):
    bundle = copy.deepcopy(sample)
    bundle["cohorts"][1]["ends_on"] = "2026-02-31"
    bundle["courses"][0]["modules"][1]["access"]["cohorts"] = ["no-such-cohort"]
    bundle["courses"][1]["modules"][0]["minutes"] = 0
    bundle["courses"][2]["modules"] = "not a list"
    bundle["users"][2]["cohorts"] = ["staff-course-2025", "ghost"]
    before = portal_state()

    errors = import_errors(tmp_path, bundle)

    assert errors == [
        "cohorts[1].ends_on: '2026-02-31' is not a 'date'",
        'courses[0].modules[1].access.cohorts[0]: unknown cohort "no-such-cohort"',
        "courses[1].modules[0].minutes: 0 is less than the minimum of 1",
        "courses[2].modules: 'not a list' is not of type 'array'",
        'users[2].cohorts[1]: unknown cohort "ghost"',
    ]
    assert portal_state() == before


def test_reference_checks_survive_items_the_schema_rejects(tmp_path, sample):
    bundle = copy.deepcopy(sample)
    bundle["cohorts"].append("not an object")
    del bundle["courses"][0]["slug"]
    bundle["users"][1]["cohorts"] = [42, "ghost"]
    CohortFactory(slug="existing-cohort")

    errors = import_errors(tmp_path, bundle, name="bundle.yaml")

    assert "cohorts[2]: 'not an object' is not of type 'object'" in errors
    assert "courses[0]: 'slug' is a required property" in errors
    assert "users[1].cohorts[0]: 42 is not of type 'string'" in errors
    assert 'users[1].cohorts[1]: unknown cohort "ghost"' in errors
    assert not any("Traceback" in line for line in errors)


def test_the_sample_bundle_still_has_no_errors(tmp_path, sample):
    call_command("import_curriculum", str(write(tmp_path, sample)), "--dry-run")


def test_the_home_pages_introduction_keeps_only_http_links(home):
    from django.core.exceptions import ValidationError

    home.intro = (
        '<p>Welcome, <a href="javascript:alert(1)">click</a> and <a href="https://ok.example">read</a>.</p>'
    )
    with pytest.raises(ValidationError) as raised:
        home.full_clean()
    assert "“javascript:alert(1)” is not an http or https URL" in str(raised.value.message_dict["intro"])

    home.intro = '<p>Welcome, <a href="https://ok.example">read</a>.</p>'
    home.full_clean()


def test_values_too_long_for_the_portal_are_listed_with_the_other_errors(tmp_path, sample):
    bundle = copy.deepcopy(sample)
    bundle["nations"][0]["name"] = "N" * 101
    bundle["users"][1]["rank"] = "R" * 61
    bundle["courses"][0]["modules"][0]["title"] = "T" * 256
    bundle["cohorts"][1]["ends_on"] = "2026-02-31"
    before = portal_state()

    errors = import_errors(tmp_path, bundle)

    assert errors == [
        "cohorts[1].ends_on: '2026-02-31' is not a 'date'",
        "courses[0].modules[0].title: Ensure this value has at most 255 characters (it has 256).",
        "nations[0].name: Ensure this value has at most 100 characters (it has 101).",
        "users[1].rank: Ensure this value has at most 60 characters (it has 61).",
    ]
    assert portal_state() == before
