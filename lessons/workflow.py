"""The lessons-learned process: which moves a lesson may make, who may make them, and what each
records. Every move is one transaction that changes the lesson and writes its `LessonTransition`;
the people concerned are told by email once it has committed (`lessons.notifications`).

    submitted ── review ──▶ in review ── identify ──▶ lesson identified ── start ──▶ action in progress
        │                      │                        │                                │
        │                      ├── return ──▶ returned ─┼── (author) resubmit ──▶ submitted
        │                      └── reject ──▶ rejected  └────────────── close ──────────┴──▶ lesson learned
        └── return, reject or identify straight from submitted as well

Lessons managers make every move but the author's resubmission; the action body (the course's
instructors, or the programme's admins) also starts and closes the action it was tasked with.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page

from lessons.models import Lesson, LessonTransition, Status
from portal import access

MANAGER, AUTHOR, ACTION_BODY = "manager", "author", "action body"


@dataclass(frozen=True)
class Move:
    name: str
    label: Promise
    sources: frozenset[str]
    target: str
    by: frozenset[str]
    comment_required: bool = False


MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        Move(
            "review", _("Start review"), frozenset({Status.SUBMITTED}), Status.IN_REVIEW, frozenset({MANAGER})
        ),
        Move(
            "return",
            _("Return to the author"),
            frozenset({Status.SUBMITTED, Status.IN_REVIEW}),
            Status.RETURNED,
            frozenset({MANAGER}),
            comment_required=True,
        ),
        Move("resubmit", _("Resubmit"), frozenset({Status.RETURNED}), Status.SUBMITTED, frozenset({AUTHOR})),
        Move(
            "reject",
            _("Reject"),
            frozenset({Status.SUBMITTED, Status.IN_REVIEW}),
            Status.REJECTED,
            frozenset({MANAGER}),
            comment_required=True,
        ),
        Move(
            "identify",
            _("Identify the lesson"),
            frozenset({Status.SUBMITTED, Status.IN_REVIEW}),
            Status.IDENTIFIED,
            frozenset({MANAGER}),
        ),
        Move(
            "start",
            _("Start the action"),
            frozenset({Status.IDENTIFIED}),
            Status.ACTION,
            frozenset({MANAGER, ACTION_BODY}),
        ),
        Move(
            "close",
            _("Close as lesson learned"),
            frozenset({Status.IDENTIFIED, Status.ACTION}),
            Status.LEARNED,
            frozenset({MANAGER, ACTION_BODY}),
        ),
    )
}


class MoveRefused(Exception):
    """A move that may not be made: `errors` maps a field (or "" for the whole move) to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(message for messages in errors.values() for message in messages))
        self.errors = errors


@dataclass
class Details:
    """What a move sets besides the stage: the tasking (identify) and the remedy (close)."""

    comment: str = ""
    action_body: str = ""
    action_page: Page | None = None
    action_due_on: datetime.date | None = None
    releasable_to: Iterable = field(default_factory=list)
    cohorts: Iterable = field(default_factory=list)
    closing_note: str = ""
    changed_pages: Iterable[Page] = field(default_factory=list)


# --- who ---------------------------------------------------------------------------------------


def action_body_members(lesson: Lesson) -> QuerySet:
    """The people tasked with the lesson's remedy: a course's instructors (its owner and the
    instructors of the cohorts its access rules grant it to), or a programme's admins (those who
    manage cohorts)."""
    users = get_user_model().objects.filter(is_active=True)
    page = lesson.action_page
    if lesson.action_body == Lesson.ActionBody.COURSE and page is not None:
        cohorts = access.applicable_rules(page).values("cohorts")
        return users.filter(Q(pk=page.owner_id) | Q(taught_cohorts__in=cohorts)).distinct()
    if lesson.action_body == Lesson.ActionBody.PROGRAMME:
        manages = Q(
            groups__permissions__codename="change_cohort",
            groups__permissions__content_type__app_label="portal",
        )
        manages |= Q(user_permissions__codename="change_cohort") | Q(is_superuser=True)
        return users.filter(manages).distinct()
    return users.none()


def roles_of(user, lesson: Lesson) -> frozenset[str]:
    if not access.is_account_holder(user):
        return frozenset()
    roles = set()
    if access.is_lessons_manager(user):
        roles.add(MANAGER)
    if lesson.author_id == user.pk:
        roles.add(AUTHOR)
    if lesson.status in (Status.IDENTIFIED, Status.ACTION) and lesson.tasked.filter(pk=user.pk).exists():
        roles.add(ACTION_BODY)
    return frozenset(roles)


def available_moves(user, lesson: Lesson) -> list[Move]:
    roles = roles_of(user, lesson)
    return [move for move in MOVES.values() if lesson.status in move.sources and move.by & roles]


def can_revise(user, lesson: Lesson) -> bool:
    """The author revises a lesson returned to them (and may fix one not yet in review)."""
    return AUTHOR in roles_of(user, lesson) and lesson.status in (Status.RETURNED, Status.SUBMITTED)


def can_set_audience(user, lesson: Lesson) -> bool:
    """Only a lessons manager decides who reads a lesson; the author only proposes."""
    return access.is_lessons_manager(user)


# --- moves -------------------------------------------------------------------------------------


def submit(
    author, lesson: Lesson, *, proposed_nations=(), proposed_cohorts=(), courses=(), modules=()
) -> Lesson:
    """Record a new lesson (its fields already set, not yet saved) as submitted by `author`."""
    with transaction.atomic():
        lesson.author = author
        lesson.status = Status.SUBMITTED
        lesson.submitted_at = timezone.now()
        lesson.save()
        lesson.proposed_nations.set(proposed_nations)
        lesson.proposed_cohorts.set(proposed_cohorts)
        lesson.courses.set(courses)
        lesson.modules.set(modules)
        transition = LessonTransition.objects.create(lesson=lesson, actor=author, to_status=Status.SUBMITTED)
    _notify(transition)
    return lesson


def move(user, lesson: Lesson, name: str, details: Details | None = None) -> LessonTransition:
    """Make the move `name` on `lesson` as `user`, or raise `MoveRefused` with every reason."""
    details = details or Details()
    chosen = MOVES.get(name)
    if chosen is None or chosen not in available_moves(user, lesson):
        raise MoveRefused({"": [str(_("This move is not available for this lesson."))]})
    errors = _check(chosen, details)
    if errors:
        raise MoveRefused(errors)
    with transaction.atomic():
        locked = Lesson.objects.select_for_update().get(pk=lesson.pk)
        if locked.status != lesson.status:  # someone moved it meanwhile
            raise MoveRefused({"": [str(_("The lesson was moved by someone else: reload it."))]})
        _apply(chosen, locked, details)
        transition = LessonTransition.objects.create(
            lesson=locked,
            actor=user,
            from_status=lesson.status,
            to_status=chosen.target,
            comment=details.comment.strip(),
        )
    lesson.refresh_from_db()
    _notify(transition)
    return transition


def _check(chosen: Move, details: Details) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if chosen.comment_required and not details.comment.strip():
        errors["comment"] = [str(_("Say why: the author reads it."))]
    if chosen.name == "identify":
        if details.action_body not in Lesson.ActionBody.values:
            errors["action_body"] = [str(_("Choose who acts on the lesson."))]
        if details.action_page is None:
            errors["action_page"] = [str(_("Choose the course or programme the action body belongs to."))]
        if details.action_due_on is None:
            errors["action_due_on"] = [str(_("Set the date the action is due."))]
    if chosen.name == "close":
        if not list(details.changed_pages):
            errors["changed_pages"] = [str(_("Link the module or course that was changed."))]
        if not details.closing_note.strip():
            errors["closing_note"] = [str(_("Say what was changed."))]
    return errors


def _apply(chosen: Move, lesson: Lesson, details: Details) -> None:
    lesson.status = chosen.target
    if chosen.name == "resubmit":
        lesson.submitted_at = timezone.now()
    if chosen.name == "identify":
        lesson.action_body = details.action_body
        lesson.action_page = details.action_page
        lesson.action_due_on = details.action_due_on
        lesson.releasable_to.set(details.releasable_to)
        lesson.cohorts.set(details.cohorts)
        lesson.tasked.set(action_body_members(lesson))
    if chosen.name == "close":
        lesson.closing_note = details.closing_note.strip()
        lesson.changed_pages.set(details.changed_pages)
    # Saved after the many-to-many changes: the save is what tells search to reindex the lesson.
    lesson.save()


def _notify(transition: LessonTransition) -> None:
    from lessons import notifications

    notifications.transition_made(transition)
