"""An attempt's answers against a check, on the server: a question is answered correctly when the
options chosen are exactly its correct options; the score is the share of questions answered
correctly, in whole percent (rounded down, so 69.9 % never passes a 70 % mark)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from curriculum.checks.definition import Check, Question


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    chosen: frozenset[int]

    @property
    def correct(self) -> bool:
        return self.chosen == self.question.correct_options

    @property
    def wrong_choices(self) -> frozenset[int]:
        """Options chosen that are not correct."""
        return self.chosen - self.question.correct_options

    @property
    def missed(self) -> frozenset[int]:
        """Correct options not chosen."""
        return self.question.correct_options - self.chosen


@dataclass(frozen=True)
class Score:
    results: tuple[QuestionResult, ...]
    pass_mark: int

    @property
    def correct(self) -> int:
        return sum(result.correct for result in self.results)

    @property
    def questions(self) -> int:
        return len(self.results)

    @property
    def percent(self) -> int:
        return 100 * self.correct // self.questions if self.questions else 0

    @property
    def passed(self) -> bool:
        return self.percent >= self.pass_mark


def score(check: Check, answers: Mapping[int, frozenset[int]]) -> Score:
    """Score `answers` (question number → option numbers chosen) against `check`."""
    return Score(
        results=tuple(
            QuestionResult(question, frozenset(answers.get(number, frozenset())))
            for number, question in enumerate(check.questions)
        ),
        pass_mark=check.pass_mark,
    )
