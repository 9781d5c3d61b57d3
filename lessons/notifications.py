"""Who is told of a lesson's move, by email: its author (of every move they did not make), the
lessons managers (of every submission, to review it) and the action body (when tasked, and when the
lesson is closed). Each message is in its reader's preferred language and links to the lesson.

Mail that cannot be sent is logged, never raised: the move has committed and is in the history.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from lessons.models import LessonTransition, Status
from portal.access import LESSONS_MANAGERS

logger = logging.getLogger(__name__)


def transition_made(transition: LessonTransition) -> None:
    lesson = transition.lesson
    recipients: dict[int, object] = {}
    if lesson.author.is_active and transition.actor_id != lesson.author_id:
        recipients[lesson.author_id] = lesson.author
    if transition.to_status == Status.SUBMITTED:
        managers = (
            get_user_model().objects.filter(Q(groups__name=LESSONS_MANAGERS), is_active=True).distinct()
        )
        recipients.update({user.pk: user for user in managers})
    if transition.to_status in (Status.IDENTIFIED, Status.LEARNED):
        recipients.update({user.pk: user for user in lesson.tasked.filter(is_active=True)})
    recipients.pop(transition.actor_id, None)
    for user in recipients.values():
        if user.email:
            _send(user, transition)


def _send(user, transition: LessonTransition) -> None:
    language = getattr(getattr(user, "profile", None), "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        lesson = transition.lesson
        context = {
            "user": user,
            "lesson": lesson,
            "transition": transition,
            "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("lessons:detail", args=[lesson.pk]),
        }
        subject = render_to_string("lessons/email/subject.txt", context).strip()
        body = render_to_string("lessons/email/body.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:  # a mail server that is down must not undo or hide the move
        logger.exception("could not email %s about lesson %s", user.pk, transition.lesson_id)
