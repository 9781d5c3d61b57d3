"""A knowledge check as plain data, and the rules every check keeps.

A check belongs to a module: its questions (kind `single`, one correct option, or `multiple`, one or
more), each option with optional feedback, an explanation per question, a pass mark in percent, an
optional attempt limit and whether passing is required to complete the module. A translated module
carries the same check translated: the same questions, in the same order, with the same kinds, the
same number of options and the same correct flags (`structure`). Only texts differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext

SINGLE = "single"
MULTIPLE = "multiple"
KINDS = (SINGLE, MULTIPLE)
DEFAULT_PASS_MARK = 70
MIN_OPTIONS = 2


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool
    feedback: str = ""


@dataclass(frozen=True)
class Question:
    kind: str
    text: str
    options: tuple[Option, ...]
    explanation: str = ""

    @property
    def correct_options(self) -> frozenset[int]:
        return frozenset(number for number, option in enumerate(self.options) if option.correct)


@dataclass(frozen=True)
class Check:
    questions: tuple[Question, ...]
    pass_mark: int = DEFAULT_PASS_MARK
    max_attempts: int | None = None
    required: bool = False

    def structure(self) -> tuple:
        """What a translation must share with its source: per question its kind and correct flags."""
        return tuple(
            (question.kind, tuple(option.correct for option in question.options))
            for question in self.questions
        )


def of_page(module) -> Check | None:
    """The check of a module page, or None when it has no questions."""
    questions = tuple(
        _question(block.value) for block in module.check_questions if block.block_type == "question"
    )
    if not questions:
        return None
    return Check(
        questions=questions,
        pass_mark=module.check_pass_mark,
        max_attempts=module.check_max_attempts,
        required=module.check_required,
    )


def _question(value: Mapping) -> Question:
    return Question(
        kind=value["kind"],
        text=str(value["text"] or ""),
        explanation=str(value.get("explanation") or ""),
        options=tuple(
            Option(
                text=str(option["text"] or ""),
                correct=bool(option["correct"]),
                feedback=str(option.get("feedback") or ""),
            )
            for option in value["options"]
        ),
    )


def of_data(data: Mapping) -> Check:
    """A check from its bundle form (`{"pass_mark": 70, "max_attempts": 3, "required": true,
    "questions": [{"kind": …, "text": …, "explanation": …, "options": [{"text": …, "correct": …,
    "feedback": …}]}]}`), already checked against the bundle schema."""
    return Check(
        questions=tuple(_question(question) for question in data["questions"]),
        pass_mark=data.get("pass_mark", DEFAULT_PASS_MARK),
        max_attempts=data.get("max_attempts"),
        required=bool(data.get("required", False)),
    )


def as_data(check: Check) -> dict:
    """The bundle form of a check (the inverse of `of_data`)."""
    data: dict = {"pass_mark": check.pass_mark, "required": check.required}
    if check.max_attempts is not None:
        data["max_attempts"] = check.max_attempts
    data["questions"] = [
        {
            "kind": question.kind,
            "text": question.text,
            "explanation": question.explanation,
            "options": [
                {"text": option.text, "correct": option.correct, "feedback": option.feedback}
                for option in question.options
            ],
        }
        for question in check.questions
    ]
    return data


def question_problems(kind: str, correct_flags: Iterable[bool]) -> list[str]:
    """Why a question of `kind` with options flagged `correct_flags` cannot be scored, if it can't."""
    flags = list(correct_flags)
    problems = []
    if kind not in KINDS:
        problems.append(gettext("the kind must be “single” or “multiple”, not “%(kind)s”") % {"kind": kind})
    if len(flags) < MIN_OPTIONS:
        problems.append(gettext("a question needs at least %(count)d options") % {"count": MIN_OPTIONS})
    correct = sum(flags)
    if not correct:
        problems.append(gettext("no option is marked correct"))
    elif kind == SINGLE and correct > 1:
        problems.append(
            gettext("a single-choice question has exactly one correct option, this one has %(count)d")
            % {"count": correct}
        )
    return problems


def problems(check: Check) -> list[str]:
    """Every reason `check` cannot be answered and scored, each naming its question."""
    found = []
    if not 0 <= check.pass_mark <= 100:
        found.append(gettext("the pass mark is a percentage from 0 to 100"))
    if check.max_attempts is not None and check.max_attempts < 1:
        found.append(gettext("the attempt limit is at least 1 (or none)"))
    for number, question in enumerate(check.questions, start=1):
        for problem in question_problems(question.kind, (option.correct for option in question.options)):
            found.append(gettext("question %(number)d: %(problem)s") % {"number": number, "problem": problem})
    return found


def structure_problems(translation: Check | None, source: Check | None) -> list[str]:
    """How a translation's check differs from its source's in anything but its texts."""
    if source is None and translation is None:
        return []
    if source is None:
        return [gettext("the source has no knowledge check, so its translation may not have one")]
    if translation is None:
        return [gettext("the source has a knowledge check: its translation carries the same questions")]
    found = []
    if len(translation.questions) != len(source.questions):
        found.append(
            gettext("the source's check has %(source)d questions, the translation's %(translation)d")
            % {"source": len(source.questions), "translation": len(translation.questions)}
        )
    for number, (mine, theirs) in enumerate(
        zip(translation.questions, source.questions, strict=False), start=1
    ):
        if mine.kind != theirs.kind:
            found.append(
                gettext("question %(number)d is “%(kind)s” in the source")
                % {"number": number, "kind": theirs.kind}
            )
        if len(mine.options) != len(theirs.options):
            found.append(
                gettext("question %(number)d has %(source)d options in the source, %(translation)d here")
                % {"number": number, "source": len(theirs.options), "translation": len(mine.options)}
            )
        elif [o.correct for o in mine.options] != [o.correct for o in theirs.options]:
            found.append(
                gettext("question %(number)d: the correct options are not the source's") % {"number": number}
            )
    for name in ("pass_mark", "max_attempts", "required"):
        if getattr(translation, name) != getattr(source, name):
            found.append(gettext("the %(setting)s is not the source's") % {"setting": SETTING_NAMES[name]()})
    return found


SETTING_NAMES = {
    "pass_mark": lambda: gettext("pass mark"),
    "max_attempts": lambda: gettext("attempt limit"),
    "required": lambda: gettext("“passing required”"),
}
