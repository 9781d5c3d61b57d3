"""A lesson learned: an officer's observation, reviewed into a lesson identified, remedied by an
action body and closed as a lesson learned (NATO's lessons-learned process).

The stages and who may move a lesson between them are `lessons.workflow`'s; who may read a lesson is
`portal.access`'s (`Audience`): its author and the lessons managers until it is identified, then the
final audience the manager set (`releasable_to`, `cohorts`). `released` keeps that moment in a
column so that the policy and the index can match it without knowing the stages.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.access import Audience


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    IDENTIFIED = "identified", _("Lesson identified")
    ACTION = "action", _("Action in progress")
    LEARNED = "learned", _("Lesson learned")
    RETURNED = "returned", _("Returned to the author")
    REJECTED = "rejected", _("Rejected")


# Past review: the final audience reads the lesson.
RELEASED = frozenset({Status.IDENTIFIED, Status.ACTION, Status.LEARNED})
# Open for remedy: an action body and a due date are set, and the lesson may be overdue.
IN_ACTION = frozenset({Status.IDENTIFIED, Status.ACTION})


def new_key() -> str:
    return f"lesson-{secrets.token_hex(6)}"


class Lesson(models.Model):
    class ActionBody(models.TextChoices):
        COURSE = "course", _("The course’s instructors")
        PROGRAMME = "programme", _("The programme’s admins")

    key = models.SlugField(
        _("key"), max_length=100, unique=True, default=new_key, help_text=_("Its identity in bundles.")
    )
    title = models.CharField(_("title"), max_length=200)
    locale = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="en")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="lessons"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    released = models.BooleanField(default=False, editable=False)
    track = models.ForeignKey(
        "curriculum.Track", verbose_name=_("track"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # The event or exercise it came from (free text until events have their own records).
    event = models.CharField(_("event or exercise"), max_length=200, blank=True)

    observation = models.TextField(_("observation"), help_text=_("What happened: the facts you saw."))
    discussion = models.TextField(
        _("discussion"), blank=True, help_text=_("Why it happened, and what it caused.")
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    recommendation = models.TextField(_("recommendation"), blank=True, help_text=_("What should change."))

    # Courses and modules are curriculum pages, referred to as pages: lessons do not import curriculum.
    courses = models.ManyToManyField(
        "wagtailcore.Page", verbose_name=_("related courses"), blank=True, related_name="+"
    )
    modules = models.ManyToManyField(
        "wagtailcore.Page", verbose_name=_("related modules"), blank=True, related_name="lessons"
    )

    # The author's proposal, then the audience the manager decided (`portal.access.Audience`).
    proposed_nations = models.ManyToManyField(
        "portal.Nation", verbose_name=_("proposed nations"), blank=True, related_name="+"
    )
    proposed_cohorts = models.ManyToManyField(
        "portal.Cohort", verbose_name=_("proposed cohorts"), blank=True, related_name="+"
    )
    releasable_to = models.ManyToManyField(
        "portal.Nation", verbose_name=_("releasable to"), blank=True, related_name="lessons"
    )
    cohorts = models.ManyToManyField(
        "portal.Cohort", verbose_name=_("cohorts"), blank=True, related_name="lessons"
    )

    # Tasked when the lesson is identified: `tasked` are the action body's members then (they read
    # the lesson whatever its audience, and act on it).
    tasked = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("tasked"), blank=True, related_name="tasked_lessons"
    )
    action_body = models.CharField(_("action body"), max_length=20, choices=ActionBody.choices, blank=True)
    action_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("course or programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action_due_on = models.DateField(_("action due on"), null=True, blank=True)
    # Closing: what changed, and where.
    closing_note = models.TextField(_("what was changed"), blank=True)
    changed_pages = models.ManyToManyField(
        "wagtailcore.Page", verbose_name=_("changed modules or courses"), blank=True, related_name="+"
    )

    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        indexes = [models.Index(fields=["status", "action_due_on"], name="lessons_due_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.released = self.status in RELEASED
        if kwargs.get("update_fields") is not None and "status" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "released"}
        super().save(*args, **kwargs)

    @property
    def audience(self) -> Audience:
        return Audience(
            reader_ids=frozenset({self.author_id, *self.tasked.values_list("pk", flat=True)}),
            released=self.released,
            nation_ids=frozenset(nation.pk for nation in self.releasable_to.all()),
            cohort_ids=frozenset(cohort.pk for cohort in self.cohorts.all()),
        )

    def is_overdue(self, today) -> bool:
        return self.status in IN_ACTION and self.action_due_on is not None and self.action_due_on < today


class LessonTransition(models.Model):
    """One move of a lesson between stages: the lesson's history."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("lesson transition")
        verbose_name_plural = _("lesson transitions")

    def __str__(self) -> str:
        return f"{self.lesson_id}: {self.from_status or '—'} → {self.to_status}"
