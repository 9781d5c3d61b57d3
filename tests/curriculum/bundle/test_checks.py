"""Knowledge checks travel in the bundle: a module's `check` imports, exports and re-imports to the
same check; the checks' rules and a translation's agreement with its source are listed errors, with
every other error of the bundle, and nothing is imported."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from django.core.management import CommandError, call_command

from wagtail.models import Revision

import jsonschema
import pytest

from curriculum.bundle import knowledge_checks
from curriculum.bundle.validation import bundle_schema, validate_bundle
from curriculum.checks import definition
from curriculum.models import ModulePage
from tests.curriculum.bundle.test_import import SAMPLE, _Buffer, portal_state, write

pytestmark = pytest.mark.django_db

# courses[0] is cyber-defense-fundamentals (en), courses[3] its Arabic translation
EN, AR = (0, 0), (3, 0)  # threat-landscape in English and in Arabic


def check_en() -> dict:
    return {
        "pass_mark": 70,
        "max_attempts": 3,
        "required": True,
        "questions": [
            {
                "kind": "single",
                "text": "Which actor is usually the most capable and persistent?",
                "explanation": "State-sponsored groups have the resources for long campaigns.",
                "options": [
                    {"text": "A state-sponsored group", "correct": True, "feedback": "Yes."},
                    {"text": "A lone hacktivist", "correct": False, "feedback": "Rarely persistent."},
                    {"text": "An opportunistic criminal", "correct": False},
                ],
            },
            {
                "kind": "multiple",
                "text": "Which are stages of the cyber kill chain?",
                "options": [
                    {"text": "Reconnaissance", "correct": True},
                    {"text": "Delivery", "correct": True},
                    {"text": "Accreditation", "correct": False, "feedback": "That is an approval step."},
                ],
            },
        ],
    }


def check_ar() -> dict:
    return {
        "pass_mark": 70,
        "max_attempts": 3,
        "required": True,
        "questions": [
            {
                "kind": "single",
                "text": "أي الجهات الفاعلة هي عادةً الأكثر قدرةً ومثابرة؟",
                "explanation": "تملك الجماعات المدعومة من دول الموارد اللازمة لحملات طويلة.",
                "options": [
                    {"text": "جماعة مدعومة من دولة", "correct": True, "feedback": "صحيح."},
                    {"text": "ناشط قرصنة منفرد", "correct": False, "feedback": "نادرًا ما يثابر."},
                    {"text": "مجرم انتهازي", "correct": False},
                ],
            },
            {
                "kind": "multiple",
                "text": "أيٌّ مما يلي من مراحل سلسلة القتل السيبرانية؟",
                "options": [
                    {"text": "الاستطلاع", "correct": True},
                    {"text": "الإيصال", "correct": True},
                    {"text": "الاعتماد", "correct": False, "feedback": "تلك خطوة موافقة."},
                ],
            },
        ],
    }


@pytest.fixture
def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def with_checks(sample) -> dict:
    bundle = copy.deepcopy(sample)
    module(bundle, EN)["check"] = check_en()
    module(bundle, AR)["check"] = check_ar()
    return bundle


def module(bundle: dict, at: tuple[int, int]) -> dict:
    return bundle["courses"][at[0]]["modules"][at[1]]


def page(slug: str = "threat-landscape", locale: str = "en") -> ModulePage:
    return ModulePage.objects.get(slug=slug, locale__language_code=locale)


def import_errors(tmp_path, data) -> list[str]:
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_curriculum", str(write(tmp_path, data)), stderr=(err := _Buffer()))
    return err.lines()


# --- import, export, round trip ---------------------------------------------------------------------


def test_a_modules_check_imports_into_its_fields_and_is_usable(tmp_path, with_checks):
    call_command("import_curriculum", str(write(tmp_path, with_checks)))

    english = page()
    assert (english.check_pass_mark, english.check_max_attempts, english.check_required) == (70, 3, True)
    check = definition.of_page(english)
    assert check == definition.of_data(check_en())
    assert [q.kind for q in check.questions] == ["single", "multiple"]
    assert check.questions[0].correct_options == {0}
    assert check.questions[1].correct_options == {0, 1}
    assert check.questions[0].options[1].feedback == "Rarely persistent."
    assert check.questions[1].explanation == ""
    arabic = definition.of_page(page(locale="ar"))
    assert arabic.questions[0].text == "أي الجهات الفاعلة هي عادةً الأكثر قدرةً ومثابرة؟"
    assert arabic.structure() == check.structure()
    assert definition.of_page(page("incident-response")) is None  # a module without a check has none


def test_export_writes_the_check_and_re_imports_to_the_same_portal(tmp_path, with_checks):
    call_command("import_curriculum", str(write(tmp_path, with_checks)))
    first = tmp_path / "first.json"
    call_command("export_curriculum", str(first))
    exported = json.loads(first.read_text(encoding="utf-8"))
    state, revisions = portal_state(), Revision.objects.count()

    call_command("import_curriculum", str(first), stdout=(out := _Buffer()))
    second = tmp_path / "second.json"
    call_command("export_curriculum", str(second))

    assert "0 created, 0 updated" in out.text()
    assert portal_state() == state and Revision.objects.count() == revisions
    assert json.loads(second.read_text(encoding="utf-8")) == exported
    courses = {(c["slug"], c.get("locale", "en")): c for c in exported["courses"]}
    english = courses["cyber-defense-fundamentals", "en"]["modules"][0]
    arabic = courses["cyber-defense-fundamentals", "ar"]["modules"][0]
    assert english["check"] == check_en()  # empty explanations and feedback are left out, as written
    assert arabic["check"] == check_ar()
    assert "check" not in courses["cyber-defense-fundamentals", "en"]["modules"][1]


def test_importing_the_same_checks_twice_saves_nothing_the_second_time(tmp_path, with_checks):
    path = write(tmp_path, with_checks)
    call_command("import_curriculum", str(path))
    revisions = Revision.objects.count()

    call_command("import_curriculum", str(path), stdout=(out := _Buffer()))

    assert Revision.objects.count() == revisions
    assert "0 created, 0 updated" in out.text()


def test_a_dry_run_with_checks_writes_nothing(tmp_path, with_checks):
    before = portal_state()

    call_command("import_curriculum", str(write(tmp_path, with_checks)), "--dry-run", stdout=_Buffer())

    assert portal_state() == before
    assert not ModulePage.objects.filter(slug="threat-landscape").exists()


def test_a_bundle_without_checks_imports_and_leaves_existing_checks_alone(tmp_path, sample, with_checks):
    call_command("import_curriculum", str(write(tmp_path, sample)))  # a bundle from before checks
    assert definition.of_page(page()) is None

    call_command("import_curriculum", str(write(tmp_path, with_checks)))
    call_command("import_curriculum", str(write(tmp_path, sample)))

    assert definition.of_page(page()) == definition.of_data(check_en())  # absent = left as it is


def test_check_null_removes_a_modules_check(tmp_path, with_checks):
    call_command("import_curriculum", str(write(tmp_path, with_checks)))
    removed = copy.deepcopy(with_checks)
    module(removed, EN)["check"] = None
    module(removed, AR)["check"] = None

    call_command("import_curriculum", str(write(tmp_path, removed)))

    for locale in ("en", "ar"):
        assert definition.of_page(page(locale=locale)) is None
        assert page(locale=locale).check_required is False


def test_a_changed_check_updates_source_and_translation(tmp_path, with_checks):
    call_command("import_curriculum", str(write(tmp_path, with_checks)))
    changed = copy.deepcopy(with_checks)
    for at in (EN, AR):
        check = module(changed, at)["check"]
        check["pass_mark"] = 50
        check["questions"].append(copy.deepcopy(check["questions"][0]))

    call_command("import_curriculum", str(write(tmp_path, changed)))

    for locale in ("en", "ar"):
        check = definition.of_page(page(locale=locale))
        assert (len(check.questions), check.pass_mark) == (3, 50)


# --- errors -------------------------------------------------------------------------------------


def test_a_question_without_a_correct_option_is_a_listed_error(tmp_path, with_checks):
    for at in (EN, AR):
        for option in module(with_checks, at)["check"]["questions"][1]["options"]:
            option["correct"] = False

    assert import_errors(tmp_path, with_checks) == [
        'courses[0].modules[0].check: module "threat-landscape": question 2: no option is marked correct',
        'courses[3].modules[0].check: module "threat-landscape": question 2: no option is marked correct',
    ]


def test_a_single_choice_question_with_two_correct_options_is_a_listed_error(tmp_path, with_checks):
    module(with_checks, EN)["check"]["questions"][0]["options"][1]["correct"] = True
    module(with_checks, AR)["check"]["questions"][0]["options"][1]["correct"] = True

    errors = import_errors(tmp_path, with_checks)

    assert errors == [
        'courses[0].modules[0].check: module "threat-landscape": question 1: a single-choice question has '
        "exactly one correct option, this one has 2",
        'courses[3].modules[0].check: module "threat-landscape": question 1: a single-choice question has '
        "exactly one correct option, this one has 2",
    ]


def test_a_question_with_one_option_is_a_listed_error(tmp_path, with_checks):
    del module(with_checks, EN)["check"]["questions"][0]["options"][1:]
    del module(with_checks, AR)["check"]["questions"][0]["options"][1:]

    assert import_errors(tmp_path, with_checks) == [
        f'courses[{course}].modules[0].check: module "threat-landscape": question 1: a question needs at '
        "least 2 options"
        for course in (0, 3)
    ]


def test_a_pass_mark_over_100_is_a_listed_error(tmp_path, with_checks):
    module(with_checks, EN)["check"]["pass_mark"] = 150

    errors = import_errors(tmp_path, with_checks)

    assert errors == [
        "courses[0].modules[0].check.pass_mark: 150 is greater than the maximum of 100",
    ]


@pytest.mark.parametrize(
    ("change", "problems"),
    [
        (
            lambda check: check["questions"].pop(),
            ["the source's check has 2 questions, the translation's 1"],
        ),
        (
            lambda check: check["questions"][1]["options"][2].update(correct=True),
            ["question 2: the correct options are not the source's"],
        ),
        (
            lambda check: (
                check["questions"][1].update(kind="single")
                or check["questions"][1]["options"][1].update(correct=False)
            ),
            [
                "question 2 is “multiple” in the source",
                "question 2: the correct options are not the source's",
            ],
        ),
        (
            lambda check: check["questions"][0]["options"].pop(),
            ["question 1 has 3 options in the source, 2 here"],
        ),
        (
            lambda check: check.update(pass_mark=60, required=False),
            ["the pass mark is not the source's", "the “passing required” is not the source's"],
        ),
    ],
    ids=["question count", "correct flags", "kind", "option count", "settings"],
)
def test_a_translation_whose_check_differs_from_its_sources_is_a_listed_error(
    tmp_path, with_checks, change, problems
):
    change(module(with_checks, AR)["check"])
    before = portal_state()

    errors = import_errors(tmp_path, with_checks)

    prefix = (
        'courses[3].modules[0].check: module "threat-landscape" (ar) differs from its source '
        '"threat-landscape": '
    )
    assert errors == sorted(prefix + problem for problem in problems)
    assert portal_state() == before


def test_a_translation_without_its_sources_check_is_a_listed_error(tmp_path, with_checks):
    module(with_checks, AR)["check"] = None

    assert import_errors(tmp_path, with_checks) == [
        'courses[3].modules[0].check: module "threat-landscape" (ar) differs from its source '
        '"threat-landscape": the source has a knowledge check: its translation carries the same questions'
    ]


def test_a_translation_with_a_check_its_new_source_has_not_is_a_listed_error(tmp_path, with_checks):
    del module(with_checks, EN)["check"]  # a new page: without `check`, it has none

    assert import_errors(tmp_path, with_checks) == [
        'courses[3].modules[0].check: module "threat-landscape" (ar) differs from its source '
        '"threat-landscape": the source has no knowledge check, so its translation may not have one'
    ]


def test_a_new_translation_without_its_sources_check_is_a_listed_error(tmp_path, with_checks):
    del module(with_checks, AR)["check"]  # a new page: without `check`, it has none

    assert import_errors(tmp_path, with_checks) == [
        'courses[3].modules[0].check: module "threat-landscape" (ar) differs from its source '
        '"threat-landscape": the source has a knowledge check: its translation carries the same questions'
    ]


def test_a_translation_in_the_portal_keeps_its_check_when_the_bundle_leaves_it_out(tmp_path, with_checks):
    call_command("import_curriculum", str(write(tmp_path, with_checks)))
    del module(with_checks, AR)["check"]
    module(with_checks, AR)["title"] = "مشهد التهديدات السيبرانية"

    call_command("import_curriculum", str(write(tmp_path, with_checks)))

    arabic = page(locale="ar")
    assert arabic.title == "مشهد التهديدات السيبرانية"
    assert definition.of_page(arabic) == definition.of_data(check_ar())


def test_a_translation_is_compared_with_its_source_in_the_portal(tmp_path, with_checks, sample):
    call_command("import_curriculum", str(write(tmp_path, with_checks)))
    arabic_only = copy.deepcopy(sample)
    arabic_only["courses"] = [arabic_only["courses"][3]]
    arabic_only["courses"][0]["modules"][0]["check"] = check_ar()
    arabic_only["courses"][0]["modules"][0]["check"]["questions"].pop()

    assert import_errors(tmp_path, arabic_only) == [
        'courses[0].modules[0].check: module "threat-landscape" (ar) differs from its source '
        "\"threat-landscape\": the source's check has 2 questions, the translation's 1"
    ]


def test_a_new_source_check_the_portals_translation_would_not_match_is_a_listed_error(
    tmp_path, with_checks, sample
):
    call_command("import_curriculum", str(write(tmp_path, with_checks)))
    english_only = copy.deepcopy(sample)
    english_only["courses"] = [english_only["courses"][0]]
    english_only["courses"][0]["modules"][0]["check"] = check_en()
    english_only["courses"][0]["modules"][0]["check"]["max_attempts"] = None
    before = portal_state()

    assert import_errors(tmp_path, english_only) == [
        'courses[0].modules[0].check: the portal\'s ar translation "threat-landscape" would differ from this '
        "check (give it in the bundle too): the attempt limit is not the source's"
    ]
    assert portal_state() == before


def test_every_error_of_every_check_is_listed_with_the_others_and_nothing_is_imported(tmp_path, with_checks):
    english, arabic = module(with_checks, EN)["check"], module(with_checks, AR)["check"]
    english["pass_mark"] = 150
    for option in english["questions"][1]["options"]:
        option["correct"] = False
    arabic["questions"][0]["options"][1]["correct"] = True
    arabic["questions"][1]["kind"] = "triple"
    with_checks["courses"][0]["modules"][1]["access"]["cohorts"] = ["no-such-cohort"]
    module(with_checks, (1, 0))["check"] = {"questions": [{"kind": "single", "text": "", "options": []}]}
    before = portal_state()

    errors = import_errors(tmp_path, with_checks)

    assert errors == [
        'courses[0].modules[0].check: module "threat-landscape": question 2: no option is marked correct',
        "courses[0].modules[0].check.pass_mark: 150 is greater than the maximum of 100",
        'courses[0].modules[1].access.cohorts[0]: unknown cohort "no-such-cohort"',
        'courses[1].modules[0].check: module "direction-and-collection": question 1: a question needs at '
        "least 2 options",
        'courses[1].modules[0].check: module "direction-and-collection": question 1: no option is marked '
        "correct",
        "courses[1].modules[0].check.questions[0].text: '' should be non-empty",
        'courses[2].modules[0].check: module "direction-and-collection" (ar) differs from its source '
        '"direction-and-collection": the source has a knowledge check: its translation carries the same '
        "questions",
        'courses[3].modules[0].check: module "threat-landscape": question 1: a single-choice question has '
        "exactly one correct option, this one has 2",
        "courses[3].modules[0].check.questions[1].kind: 'triple' is not one of ['single', 'multiple']",
    ]
    assert portal_state() == before
    assert not any("Traceback" in line for line in errors)


@pytest.mark.parametrize(
    "broken",
    [
        "not a check",
        {"questions": "none"},
        {"questions": [None, 3, {"kind": "single"}]},
        {"questions": [{"kind": "single", "text": "Q", "options": [None, {"text": 1, "correct": "yes"}]}]},
        {"questions": [], "pass_mark": "high", "max_attempts": 0, "required": "yes"},
    ],
)
def test_a_malformed_check_is_a_listed_error_never_a_crash(tmp_path, with_checks, broken):
    module(with_checks, EN)["check"] = broken
    before = portal_state()

    errors = import_errors(tmp_path, with_checks)

    assert errors and all(line.startswith("courses[0].modules[0].check") for line in errors)
    assert portal_state() == before


# --- the schema -----------------------------------------------------------------------------------


def test_the_schema_takes_the_sample_bundles_with_and_without_checks(sample, with_checks):
    validator = jsonschema.Draft202012Validator(bundle_schema())
    validator.validate(sample)
    validator.validate(with_checks)
    assert validate_bundle(sample) == []
    assert validate_bundle(with_checks) == []


def test_the_projects_schema_is_the_shared_schema_plus_its_additions():
    # The bundle format as it started (../shared/schema/): on a machine without shared/, the copy of
    # it kept beside this test, so the comparison runs everywhere.
    shared_path = SAMPLE.parents[1] / "schema" / "curriculum-bundle.schema.json"
    if not shared_path.exists():
        shared_path = Path(__file__).with_name("shared-curriculum-bundle.schema.json")
    shared = json.loads(shared_path.read_text(encoding="utf-8"))
    ours = bundle_schema()
    modules = ours["properties"]["courses"]["items"]["properties"]["modules"]["items"]["properties"]
    assert modules["check"] == {"$ref": "#/$defs/check"}

    def without_additions(schema: dict) -> dict:
        trimmed = copy.deepcopy(schema)
        courses = trimmed["properties"]["courses"]["items"]["properties"]
        courses["modules"]["items"]["properties"].pop("check", None)
        trimmed["properties"]["cohorts"]["items"]["properties"].pop("instructors", None)
        trimmed["properties"].pop("lessons", None)  # lessons learned (lessons/bundle.py)
        for name in ("check", "question"):
            trimmed["$defs"].pop(name, None)
        return trimmed

    assert without_additions(ours) == without_additions(shared)


def test_the_stream_form_is_what_wagtail_stores(tmp_path, with_checks):
    call_command("import_curriculum", str(write(tmp_path, with_checks)))
    stored = list(page().check_questions.raw_data)
    expected = knowledge_checks.stream(definition.of_data(check_en()))
    from curriculum.bundle.importer import _strip_ids

    assert _strip_ids(stored) == _strip_ids(expected)
    assert all(item["id"] for question in stored for item in question["value"]["options"])
