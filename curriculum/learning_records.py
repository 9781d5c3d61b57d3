"""The curriculum's xAPI statements: what progress records becomes statements for the learning record
store (docs/xapi.md). Called by `curriculum.progress` inside the transaction that records the progress.

- `experienced` a module: the first time an officer opens it on a day (the portal's time zone);
- `completed` a module: when "Mark complete" completes it (again after "Mark incomplete");
- `completed` a course: when that completes the last module of the course the officer may read;
- `answered` a module's knowledge check, then `passed` or `failed` it: each attempt.

Activities are keyed by translation key, so the English page and its Arabic translation are one
activity, named in every language it is published in.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from wagtail.models import Page

from portal import access
from xapi import outbox, statements
from xapi.statements import Activity


def enabled() -> bool:
    return outbox.enabled()


def page_activity(kind: str, page: Page) -> Activity:
    """The activity of `page` and its translations: its live titles by language."""
    titles = (
        Page.objects.live()
        .filter(translation_key=page.translation_key)
        .values_list("locale__language_code", "title")
    )
    return Activity(kind, str(page.translation_key), dict(titles) or {page.locale.language_code: page.title})


def cohort_activities(user, page: Page, day: datetime.date) -> list[Activity]:
    """The officer's cohorts that give them `page` on `day` (`access.granting_cohorts`)."""
    cohorts = access.granting_cohorts(user, page, day)
    return [Activity("cohort", cohort.slug, {"und": cohort.name}) for cohort in cohorts]


def _course_of(module: Page) -> Page | None:
    from curriculum.models import CoursePage

    parent = module.get_parent()
    return parent.specific if parent is not None and isinstance(parent.specific, CoursePage) else None


def _common(user, module: Page, when: datetime.datetime) -> dict:
    return {
        "cohorts": cohort_activities(user, module, timezone.localdate(when)),
        "language": module.locale.language_code,
        "timestamp": when,
    }


def module_experienced(user, module: Page, when: datetime.datetime) -> None:
    course = _course_of(module)
    parents = [page_activity("course", course)] if course else []
    outbox.record(
        [
            statements.experienced(
                user.get_username(),
                page_activity("module", module),
                parents=parents,
                **_common(user, module, when),
            )
        ]
    )


def module_completed(user, module: Page, when: datetime.datetime, *, course: Page | None = None) -> None:
    """The module, and `course` when completing the module completed it (`progress.completed_course`)."""
    parent = course or _course_of(module)
    common = _common(user, module, when)
    course_activity = page_activity("course", parent) if parent else None
    records = [
        statements.completed(
            user.get_username(),
            page_activity("module", module),
            parents=[course_activity] if course_activity else [],
            **common,
        )
    ]
    if course is not None:
        records.append(statements.completed(user.get_username(), course_activity, **common))
    outbox.record(records)


def check_attempted(user, module: Page, check, attempt, result, when: datetime.datetime) -> None:
    """An attempt at `module`'s knowledge check: `answered` (the options chosen, the score), then
    `passed` or `failed`. The check activity is keyed by the module's translation key."""
    course = _course_of(module)
    parents = [page_activity("module", module)] + ([page_activity("course", course)] if course else [])
    activity = Activity("check", str(module.translation_key), dict(parents[0].names))
    common = {**_common(user, module, when), "parents": parents}
    score = statements.score(attempt.correct, maximum=attempt.questions)
    response = ";".join(
        f"q{number}={','.join(str(option) for option in options)}"
        for number, options in sorted(attempt.answers.items(), key=lambda item: int(item[0]))
    )
    outbox.record(
        [
            statements.answered(user.get_username(), activity, response=response, score=score, **common),
            statements.judged(user.get_username(), activity, passed=attempt.passed, score=score, **common),
        ]
    )
