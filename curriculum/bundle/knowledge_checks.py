"""Knowledge checks in a bundle: a module's `check` key, its errors, and the page fields it sets.

The rules are the checks' own (`curriculum.checks.definition`: `problems` for a check, and
`structure_problems` for a translation against its source), so a bundle and the admin cannot disagree.
`check` absent leaves a module's check as it is (bundles from before checks stay valid and an import
of one never removes an instructor's questions); `check: null` removes it.

Validation runs on the bundle without the values the schema rejected: a question the schema broke is
left out of the rules (the schema error names it) and its check is not compared with its source or
translations, so no error is reported twice or made up from a half-read check.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from curriculum.checks import definition
from curriculum.checks.definition import Check, Option, Question


@dataclass(frozen=True)
class BundleCheck:
    """A `check` value of a bundle as the rules see it: `check` is None for `check: null`; `whole` is
    False when the schema rejected the check or a question of it (its kind, an option's flag), so
    that it is not compared with its source or translations."""

    check: Check | None
    whole: bool = True


# Stands in, keeping the numbering, for a question the schema rejected: it breaks no rule.
_SKIPPED = Question(
    kind=definition.MULTIPLE, text="", options=(Option("", True), Option("", True)), explanation=""
)


def _question(data) -> Question | None:
    """The question for the rules, or None when the schema rejected its kind or an option's flag (a
    rejected text is read as empty: the rules look at kinds and flags only)."""
    if not isinstance(data, dict) or data.get("kind") not in definition.KINDS:
        return None
    options = data.get("options")
    if not isinstance(options, list) or not all(
        isinstance(o, dict) and isinstance(o.get("correct"), bool) for o in options
    ):
        return None

    def text(item: dict, key: str) -> str:
        return item[key] if isinstance(item.get(key), str) else ""

    question = {
        "kind": data["kind"],
        "text": text(data, "text"),
        "explanation": text(data, "explanation"),
        "options": [
            {"text": text(o, "text"), "correct": o["correct"], "feedback": text(o, "feedback")}
            for o in options
        ],
    }
    return definition.of_data({"questions": [question]}).questions[0]


def read(data) -> BundleCheck:
    """The check of a module's `check` value (after the schema's rejected values were removed)."""
    if data is None:
        return BundleCheck(None)
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list) or not data["questions"]:
        return BundleCheck(None, whole=False)
    questions = [_question(item) for item in data["questions"]]
    settings = {key: data[key] for key in ("pass_mark", "max_attempts", "required") if key in data}
    check = definition.of_data({**settings, "questions": []})
    return BundleCheck(
        Check(
            questions=tuple(question or _SKIPPED for question in questions),
            pass_mark=check.pass_mark,
            max_attempts=check.max_attempts,
            required=check.required,
        ),
        whole=None not in questions,
    )


def stream(check: Check | None) -> list[dict]:
    """`ModulePage.check_questions` as Wagtail stores it: list items wrapped as `item` blocks, each
    with an id (ListBlock reads a wrapped item only with one), so that an unchanged check compares
    equal to the page's (ids aside) and a second import saves nothing."""
    if check is None:
        return []
    return [
        {
            "type": "question",
            "value": {
                "kind": question.kind,
                "text": question.text,
                "options": [
                    {
                        "type": "item",
                        "value": {
                            "text": option.text,
                            "correct": option.correct,
                            "feedback": option.feedback,
                        },
                        "id": str(uuid.uuid4()),
                    }
                    for option in question.options
                ],
                "explanation": question.explanation,
            },
        }
        for question in check.questions
    ]


def page_fields(data) -> dict:
    """The ModulePage fields a module's `check` value sets (`None`: no check)."""
    check = definition.of_data(data) if data is not None else None
    return {
        "check_questions": stream(check),
        "check_pass_mark": check.pass_mark if check else definition.DEFAULT_PASS_MARK,
        "check_max_attempts": check.max_attempts if check else None,
        "check_required": check.required if check else False,
    }


def exported(module) -> dict | None:
    """A module page's check in its bundle form, without empty explanations and feedback."""
    check = definition.of_page(module)
    if check is None:
        return None
    data = definition.as_data(check)
    for question in data["questions"]:
        if not question["explanation"]:
            del question["explanation"]
        for option in question["options"]:
            if not option["feedback"]:
                del option["feedback"]
    return data


# -- validation ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Module:
    path: str
    slug: str
    locale: str
    item: dict


def errors(
    modules: list[tuple[str, dict, str]], default_locale: str, rejected: frozenset[str] = frozenset()
) -> Iterator[tuple[str, str]]:
    """(path, message) for every problem of the checks of `modules` ((path, module, locale) for every
    module of the bundle, without the values the schema rejected; `rejected`: the paths of the
    modules whose whole `check` the schema rejected): each check's rules, a translation that differs
    from its source (in the bundle or the portal), and a source whose new check the portal's
    translations would no longer match."""
    from curriculum.models import ModulePage

    listed = [_Module(path, m.get("slug"), locale, m) for path, m, locale in modules if m.get("slug")]
    in_bundle = {(m.slug, m.locale): m for m in listed}

    for module in listed:
        if "check" not in module.item:
            continue
        found = read(module.item["check"])
        if found.check is not None:
            for problem in definition.problems(found.check):
                yield f"{module.path}.check", f'module "{module.slug}": {problem}'

    def portal_check(slug: str, locale: str) -> BundleCheck | None:
        page = ModulePage.objects.filter(slug=slug, locale__language_code=locale).first()
        return BundleCheck(definition.of_page(page)) if page is not None else None

    def check_after_import(slug: str, locale: str) -> BundleCheck | None:
        """The module's check once the bundle is imported (None: not known here, the module is
        neither in the bundle nor in the portal)."""
        module = in_bundle.get((slug, locale))
        if module is not None and "check" in module.item:
            return read(module.item["check"])
        if module is not None and module.path in rejected:
            return BundleCheck(None, whole=False)
        found = portal_check(slug, locale)
        if found is None and module is not None:
            return BundleCheck(None)  # a new page without a `check` has none
        return found

    for module in listed:
        source_slug = module.item.get("translation_of")
        if module.locale == default_locale or not isinstance(source_slug, str):
            continue
        mine = check_after_import(module.slug, module.locale)
        source = check_after_import(source_slug, default_locale)
        if mine is None or source is None or not (mine.whole and source.whole):
            continue
        for problem in definition.structure_problems(mine.check, source.check):
            yield (
                f"{module.path}.check",
                f'module "{module.slug}" ({module.locale}) differs from its source "{source_slug}": '
                f"{problem}",
            )

    # Translations in the portal that the bundle leaves alone must still match their source's new check.
    for module in listed:
        if module.locale != default_locale or "check" not in module.item:
            continue
        new = read(module.item["check"])
        page = ModulePage.objects.filter(slug=module.slug, locale__language_code=default_locale).first()
        if page is None or not new.whole:
            continue
        translations = (
            ModulePage.objects.filter(translation_key=page.translation_key)
            .exclude(locale__language_code=default_locale)
            .select_related("locale")
        )
        for translation in translations:
            locale = translation.locale.language_code
            if (translation.slug, locale) in in_bundle:
                continue
            for problem in definition.structure_problems(definition.of_page(translation), new.check):
                yield (
                    f"{module.path}.check",
                    f'the portal\'s {locale} translation "{translation.slug}" would differ from this check '
                    f"(give it in the bundle too): {problem}",
                )
