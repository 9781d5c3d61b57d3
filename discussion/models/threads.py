"""Threads (one per module and cohort), their posts and the earlier texts of edited posts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from discussion import markup


class Thread(models.Model):
    """The discussion of one module by one cohort.

    A module's translations share one thread (`module_key` is the translation group's key), so
    officers reading the English and the Arabic page talk to each other. `module` is the page the
    thread was started from; who may join is asked of `portal.access` with that page.
    """

    module = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("module"),
        on_delete=models.CASCADE,
        related_name="discussion_threads",
    )
    module_key = models.UUIDField(_("module translation key"), editable=False)
    cohort = models.ForeignKey(
        "portal.Cohort", verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="discussion_threads"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["module_key", "cohort"], name="unique_discussion_thread"),
        ]
        verbose_name = _("discussion thread")
        verbose_name_plural = _("discussion threads")

    def __str__(self) -> str:
        return f"{self.module} · {self.cohort}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Post(models.Model):
    """One contribution to a thread, written in the Markdown subset of `discussion.markup`.

    Its `state` moves only through the transitions of `discussion.rules`: a new post is published
    or, under pre-moderation, held; a moderator approves or rejects a held post, hides a published
    one and restores a hidden one.
    """

    class State(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HELD = "held", _("Awaiting approval")
        REJECTED = "rejected", _("Rejected")
        HIDDEN = "hidden", _("Hidden by a moderator")

    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="discussion_posts",
    )
    body = models.TextField(_("text"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PUBLISHED)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    moderation_reason = models.TextField(_("moderator's reason"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["author", "created_at"], name="discussion_post_author_time")]
        verbose_name = _("discussion post")
        verbose_name_plural = _("discussion posts")

    def __str__(self) -> str:
        return f"{self.author} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def body_html(self) -> str:
        """The text as sanitised HTML (never the raw text marked safe)."""
        return markup.render(self.body)

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None


class PostRevision(models.Model):
    """An earlier text of an edited post, kept when the author replaced it."""

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(_("text"))
    written_at = models.DateTimeField(_("written at"))
    replaced_at = models.DateTimeField(_("replaced at"))

    class Meta:
        ordering = ["-replaced_at", "-pk"]
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")

    def __str__(self) -> str:
        return f"{self.post} @ {self.written_at:%Y-%m-%d %H:%M}"

    @property
    def body_html(self) -> str:
        return markup.render(self.body)
