"""Issuing: completing a course gives the officer a certificate of it, once.

`on_course_completed` receives `curriculum.signals.course_completed`, sent inside the transaction that
completes the course's last readable module, so a certificate exists exactly when the completion
does. "Once" is by officer and course translation key (the English and the Arabic course are one
course): completing the course again after "Mark as not completed" finds the certificate that is not
revoked and issues nothing. After a revocation the next completion issues a new certificate with a
new code: revoking says the old document is no longer good, not that the officer may never hold one.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from wagtail.log_actions import log
from wagtail.models import Page

from curriculum.models import Certificate, CoursePage
from portal import access

ISSUE_ACTION = "curriculum.certificate.issue"


def on_course_completed(sender, *, user, course: Page, when: datetime.datetime, **kwargs) -> None:
    issue(user, course, when)


def issue(user: access.User, course: Page, when: datetime.datetime) -> Certificate | None:
    """The officer's valid certificate of `course`: the one they hold, else a new one issued `when`.
    None for anyone who is not a real signed-in officer (progress never reaches here for them)."""
    if not access.is_account_holder(user):
        return None
    held = Certificate.objects.valid().filter(user=user, course_key=course.translation_key).first()
    if held is not None:
        return held
    certificate = Certificate(user=user, course=course, course_key=course.translation_key, issued_at=when)
    _describe(certificate, user, course, when)
    try:
        # A savepoint: a concurrent completion that issued first meets the unique constraint, and
        # the completion itself goes on.
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        return Certificate.objects.valid().filter(user=user, course_key=course.translation_key).first()
    log(instance=certificate, action=ISSUE_ACTION, user=user)
    return certificate


def _describe(certificate: Certificate, user, course: Page, when: datetime.datetime) -> None:
    """What the certificate says, as it is today: the officer, their first cohort that gives them the
    course, the course's titles in English and Arabic."""
    profile = getattr(user, "profile", None)
    nation = profile.nation if profile is not None else None
    cohorts = access.granting_cohorts(user, course, timezone.localdate(when))
    certificate.officer_name = user.get_full_name() or user.get_username()
    certificate.rank = profile.rank if profile is not None else ""
    certificate.nation_name = nation.name if nation else ""
    certificate.nation_name_ar = nation.name_ar if nation else ""
    certificate.cohort = cohorts[0] if cohorts else None
    certificate.cohort_name = cohorts[0].name if cohorts else ""
    certificate.course_title, certificate.course_title_ar = course_titles(course)


def course_titles(course: Page) -> tuple[str, str]:
    """The course's English and Arabic titles from its live translations; the completed page's own
    title where a language has none (the Arabic one empty then: the PDF shows the English)."""
    live = {
        page.locale.language_code: page.title
        for page in CoursePage.objects.live()
        .filter(translation_key=course.translation_key)
        .select_related("locale")
    }
    return live.get("en", course.title), live.get("ar", "")
