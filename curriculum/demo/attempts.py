"""The demo officer part-way through the knowledge checks: attempts recorded through the checks' own
service (`curriculum.checks.attempts.submit`), so they keep the same rules as an officer's own (the
attempt limit, scoring, completing a module whose passing is required)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from curriculum.checks import attempts, definition
from curriculum.checks.definition import Check
from curriculum.models import ModulePage
from portal import access

OFFICER = "officer.us"

# English module slug → its attempts, oldest first, each as the numbers (from 0) of the questions
# answered wrongly; every other question is answered correctly.
PLAN: dict[str, list[set[int]]] = {
    # failed (2 of 4), then passed: passing is required, so the module is completed by earning it
    "joint-planning-process": [{1, 3}, set()],
    # passed at the first attempt (2 of 3, pass mark 60 %): completed
    "cyber-threat-landscape": [{2}],
    # passed, not required: the module is not completed by it
    "coa-development-and-wargaming": [set()],
    # failed once, may try again
    "mission-analysis": [{0, 2}],
    # failed once of an attempt limit of 2: one attempt left
    "cyber-incident-response": [{0, 1}],
}


def answers(check: Check, wrong: set[int]) -> dict[int, frozenset[int]]:
    """The correct options of every question, except a wrong option for the questions in `wrong`."""
    chosen = {}
    for number, question in enumerate(check.questions):
        if number in wrong:
            incorrect = [i for i, option in enumerate(question.options) if not option.correct]
            chosen[number] = frozenset(incorrect[:1])
        else:
            chosen[number] = question.correct_options
    return chosen


def record_demo_attempts() -> int:
    """Record the plan's attempts for the demo officer; returns how many were recorded. A module on
    which the officer has any attempt already (from an earlier `load_demo`, or their own) is left
    alone, so loading the demo again records nothing twice."""
    officer = get_user_model().objects.filter(username=OFFICER).first()
    if officer is None:
        return 0
    recorded = 0
    with transaction.atomic():
        for slug, plan in PLAN.items():
            module = ModulePage.objects.filter(slug=slug, locale__language_code="en", live=True).first()
            check = definition.of_page(module) if module is not None else None
            if check is None or not access.can_view(officer, module):
                continue
            if attempts.state(officer, module, check).used:
                continue
            for wrong in plan:
                attempts.submit(officer, module, check, attempts.new_form_token(), answers(check, wrong))
                recorded += 1
    return recorded
