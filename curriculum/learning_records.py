"""The curriculum's xAPI statements: what progress records becomes statements for the learning record
store (docs/xapi.md). Called by `curriculum.progress` inside the transaction that records the progress.

- `experienced` a module: the first time an officer opens it on a day (the portal's time zone);
- `completed` a module: when "Mark complete" completes it (again after "Mark incomplete");
- `completed` a course: when that completes the last module of the course the officer may read.

Activities are keyed by translation key, so the English page and its Arabic translation are one
activity, named in every language it is published in.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from wagtail.models import Page

from curriculum import navigation
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


def module_completed(user, module: Page, when: datetime.datetime) -> None:
    """The module, and its course when every module of it the officer may read is now complete."""
    from curriculum import progress

    course = _course_of(module)
    common = _common(user, module, when)
    course_activity = page_activity("course", course) if course else None
    records = [
        statements.completed(
            user.get_username(),
            page_activity("module", module),
            parents=[course_activity] if course_activity else [],
            **common,
        )
    ]
    if course is not None:
        done = progress.course_progress(user, navigation.modules_for(user, course=course))
        if done.total and done.completed == done.total:
            records.append(statements.completed(user.get_username(), course_activity, **common))
    outbox.record(records)
