"""Recording knowledge-check attempts and reading what an officer has done.

An attempt is recorded once per submitted form: the form carries a token made when the page was
rendered (`new_form_token`), and the same token submitted again (a double click, a replayed request, the
browser's "resend") finds the attempt it recorded. Attempts are numbered per officer and module (all
languages together); the number is unique, so concurrent submissions can never go past the limit.
Passing a check whose passing is required completes the module (`progress.set_complete(earned=True)`),
in the same transaction, as are the xAPI statements of the attempt (`curriculum.learning_records`).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone

from wagtail.models import Page

from curriculum import learning_records, progress
from curriculum.checks import scoring
from curriculum.checks.definition import SINGLE, Check
from portal import access

TOKEN_BYTES = 24
MAX_NUMBER_RETRIES = 3


class AttemptRefused(Exception):
    """The attempt cannot be recorded: its form's token belongs to another module's attempt, or
    concurrent submissions kept taking its number."""


class NoAttemptsLeft(AttemptRefused):
    """The check's attempt limit is reached."""


def new_form_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_form_token(value: str) -> bool:
    return 20 <= len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)


@dataclass(frozen=True)
class CheckState:
    """An officer's attempts at a module's check (every language), oldest first."""

    attempts: tuple
    max_attempts: int | None

    @property
    def used(self) -> int:
        return len(self.attempts)

    @property
    def remaining(self) -> int | None:
        return None if self.max_attempts is None else max(self.max_attempts - self.used, 0)

    @property
    def can_attempt(self) -> bool:
        return self.remaining is None or self.remaining > 0

    @property
    def best(self):
        return max(self.attempts, key=lambda attempt: (attempt.score, -attempt.number), default=None)

    @property
    def passed(self) -> bool:
        return any(attempt.passed for attempt in self.attempts)

    @property
    def last(self):
        return self.attempts[-1] if self.attempts else None


def state(user, module: Page, check: Check) -> CheckState:
    from curriculum.models import CheckAttempt

    if not access.is_account_holder(user):
        attempts: tuple = ()
    else:
        attempts = tuple(
            CheckAttempt.objects.filter(user=user, module_key=module.translation_key).order_by("number")
        )
    return CheckState(attempts, check.max_attempts)


def answers_from(data: QueryDict, check: Check) -> tuple[dict[int, frozenset[int]], list[int]]:
    """The options chosen per question in a submitted form (`q<n>` → option numbers), and the
    numbers of the questions left unanswered. Values that are no option of the question are ignored;
    a single-choice question answered twice counts as unanswered."""
    answers: dict[int, frozenset[int]] = {}
    unanswered = []
    for number, question in enumerate(check.questions):
        chosen = frozenset(
            int(value)
            for value in data.getlist(f"q{number}")
            if value.isdigit() and int(value) < len(question.options)
        )
        if not chosen or (question.kind == SINGLE and len(chosen) > 1):
            unanswered.append(number)
        else:
            answers[number] = chosen
    return answers, unanswered


def submit(user, module: Page, check: Check, form_token: str, answers: Mapping[int, frozenset[int]]):
    """Record the attempt of the form `form_token`, or find the one it recorded already: returns
    `(attempt, created)`. Raises `NoAttemptsLeft` past the limit."""
    from curriculum.models import CheckAttempt

    mine = CheckAttempt.objects.filter(user=user)
    for _ in range(MAX_NUMBER_RETRIES):
        if (earlier := mine.filter(form_token=form_token).first()) is not None:
            return _same_module(earlier, module), False
        try:
            with transaction.atomic():
                return _record(user, module, check, form_token, answers), True
        except IntegrityError:
            # The same form submitted concurrently (found above on the next pass), or another form
            # taking the same number: counted again on the next pass.
            continue
    raise AttemptRefused("attempt number taken by concurrent submissions")


def _same_module(attempt, module: Page):
    if attempt.module_key != module.translation_key:
        raise AttemptRefused("form token of another module")
    return attempt


def _record(user, module: Page, check: Check, form_token: str, answers):
    from curriculum.models import CheckAttempt

    used = CheckAttempt.objects.filter(user=user, module_key=module.translation_key).count()
    if check.max_attempts is not None and used >= check.max_attempts:
        raise NoAttemptsLeft
    result = scoring.score(check, answers)
    now = timezone.now()
    attempt = CheckAttempt.objects.create(
        user=user,
        module_key=module.translation_key,
        page_id=module.pk,
        number=used + 1,
        form_token=form_token,
        answers={str(number): sorted(chosen) for number, chosen in answers.items()},
        correct=result.correct,
        questions=result.questions,
        score=result.percent,
        pass_mark=check.pass_mark,
        passed=result.passed,
        submitted_at=now,
    )
    progress.record_visit(user, module)
    if learning_records.enabled():
        learning_records.check_attempted(user, module, check, attempt, result, now)
    if result.passed and check.required:
        progress.set_complete(user, module, earned=True)
    return attempt


def chosen_of(attempt) -> dict[int, frozenset[int]]:
    """An attempt's stored answers, as `answers_from` gives them."""
    return {int(number): frozenset(options) for number, options in attempt.answers.items()}


def attempt_of(user, module: Page, number: int):
    from curriculum.models import CheckAttempt

    if not access.is_account_holder(user):
        return None
    return CheckAttempt.objects.filter(user=user, module_key=module.translation_key, number=number).first()
