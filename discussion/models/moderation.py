"""What moderators work with: reports, mutes, a cohort's settings, and the log of their actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CohortDiscussionSettings(models.Model):
    """How a cohort's discussions are moderated; a cohort without a row has the defaults."""

    cohort = models.OneToOneField(
        "portal.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        related_name="discussion_settings",
    )
    premoderate_first_posts = models.BooleanField(
        _("pre-moderate new members’ first posts"),
        default=False,
        help_text=_(
            "A member’s posts wait for a moderator’s approval until a moderator has approved one of them."
        ),
    )

    class Meta:
        verbose_name = _("cohort discussion settings")
        verbose_name_plural = _("cohort discussion settings")

    def __str__(self) -> str:
        return str(self.cohort)


class Report(models.Model):
    """A participant's report of a post to the moderators; one per participant and post."""

    post = models.ForeignKey(
        "discussion.Post", verbose_name=_("post"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.CASCADE,
        related_name="discussion_reports",
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="unique_discussion_report"),
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.reporter} on {self.post}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class Mute(models.Model):
    """A member of a cohort who may read its discussions but not post in them until `until`."""

    cohort = models.ForeignKey(
        "portal.Cohort", verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="discussion_mutes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="discussion_mutes",
    )
    until = models.DateTimeField(_("muted until"))
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("muted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("muted at"), auto_now_add=True)

    class Meta:
        ordering = ["-until"]
        verbose_name = _("mute")
        verbose_name_plural = _("mutes")

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort} until {self.until:%Y-%m-%d %H:%M}"


class ModerationAction(models.Model):
    """One thing a moderator did (who, when, what, why): the log moderators read."""

    class Kind(models.TextChoices):
        HIDE = "hide", _("Hid a post")
        RESTORE = "restore", _("Restored a post")
        LOCK = "lock", _("Locked a thread")
        UNLOCK = "unlock", _("Unlocked a thread")
        MUTE = "mute", _("Muted a member")
        UNMUTE = "unmute", _("Lifted a mute")
        APPROVE = "approve", _("Approved a post")
        REJECT = "reject", _("Rejected a post")
        DISMISS = "dismiss", _("Dismissed a report")
        SETTINGS = "settings", _("Changed the settings")

    cohort = models.ForeignKey(
        "portal.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        related_name="discussion_moderation_actions",
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="discussion_moderation_actions",
    )
    kind = models.CharField(_("action"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    thread = models.ForeignKey(
        "discussion.Thread", verbose_name=_("thread"), null=True, blank=True, on_delete=models.SET_NULL
    )
    post = models.ForeignKey(
        "discussion.Post", verbose_name=_("post"), null=True, blank=True, on_delete=models.SET_NULL
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")

    def __str__(self) -> str:
        return f"{self.moderator} · {self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"
