"""The rules of a cohort's discussion of a module: what a participant may do, and every transition.

Who may take part at all is asked of `portal.access` (`can_join_discussion`,
`can_moderate_discussion`); this module decides only what the discussion itself adds: the edit
window, locks, mutes, pre-moderation and the rate limit. Views call these functions and turn a
`Refused` into a message on the form; a moderation transition is recorded in `ModerationAction`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page

from discussion.models import (
    CohortDiscussionSettings,
    ModerationAction,
    Mute,
    Post,
    PostRevision,
    Report,
    Thread,
)
from portal import access
from portal.models import Cohort, CohortMembership

# The page type a thread belongs to, named as a string: the discussion app does not import curriculum.
MODULE_PAGE_MODEL = ("curriculum", "modulepage")

MAX_POST_LENGTH = 10_000

State = Post.State
Kind = ModerationAction.Kind


class Refused(Exception):  # noqa: N818 - a refusal shown to the user, not a failure
    """An action the rules do not allow now; `message` says why, in words for the user."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def edit_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "DISCUSSION_EDIT_WINDOW_MINUTES", 30))


def posts_per_minute() -> int:
    return getattr(settings, "DISCUSSION_POSTS_PER_MINUTE", 5)


def is_module(page: Page) -> bool:
    content_type = page.content_type
    return (content_type.app_label, content_type.model) == MODULE_PAGE_MODEL


# --- finding things ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A thread's place: the module page it is reached from, the cohort, and the thread once it has
    posts (or a lock)."""

    module: Page
    cohort: Cohort
    thread: Thread | None
    moderator: bool


def module_page(module_id: int) -> Page | None:
    """The live module page with this id, or None."""
    page = Page.objects.live().filter(pk=module_id).select_related("content_type").first()
    return page if page is not None and is_module(page) else None


def place_for(user: AbstractBaseUser, module: Page | None, cohort: Cohort | None) -> Place | None:
    """The thread of `module` for `cohort` as `user` may see it, or None when for them it does not
    exist (they are not a participant; the view answers 404)."""
    if module is None or cohort is None or not access.can_join_discussion(user, module, cohort):
        return None
    thread = Thread.objects.filter(module_key=module.translation_key, cohort=cohort).first()
    return Place(module, cohort, thread, access.can_moderate_discussion(user, cohort))


def place_of_post(user: AbstractBaseUser, post_id: int) -> tuple[Place, Post] | None:
    """The post with this id and its place, when `user` is a participant and may see the post."""
    post = (
        Post.objects.select_related("thread__cohort", "thread__module", "author").filter(pk=post_id).first()
    )
    if post is None:
        return None
    module = post.thread.module
    place = place_for(user, module if module.live else None, post.thread.cohort)
    if place is None or not can_see(user, post, moderator=place.moderator):
        return None
    return place, post


def can_see(user: AbstractBaseUser, post: Post, *, moderator: bool) -> bool:
    """Moderators see every post; others see published and hidden ones (a hidden one as a notice)
    and their own held or rejected posts."""
    return moderator or post.state in (State.PUBLISHED, State.HIDDEN) or post.author_id == user.pk


def visible_posts(user: AbstractBaseUser, place: Place) -> QuerySet[Post]:
    """The posts of the place's thread that `user` sees, oldest first, with their authors."""
    if place.thread is None:
        return Post.objects.none()
    posts = place.thread.posts.select_related("author").annotate(
        open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True))
    )
    if not place.moderator:
        posts = posts.filter(Q(state__in=[State.PUBLISHED, State.HIDDEN]) | Q(author=user))
    return posts.order_by("created_at", "pk")


def post_counts(module: Page, cohorts: list[Cohort]) -> dict[int, int]:
    """For each cohort, the number of published posts in its thread of `module`."""
    rows = (
        Post.objects.filter(
            thread__module_key=module.translation_key, thread__cohort__in=cohorts, state=State.PUBLISHED
        )
        .values_list("thread__cohort_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def settings_for(cohort: Cohort) -> CohortDiscussionSettings:
    """The cohort's discussion settings (the defaults, unsaved, when it has none)."""
    found = CohortDiscussionSettings.objects.filter(cohort=cohort).first()
    return found or CohortDiscussionSettings(cohort=cohort)


def active_mute(user: AbstractBaseUser, cohort: Cohort, now: datetime.datetime | None = None) -> Mute | None:
    """The mute that keeps `user` from posting in the cohort's discussions now (the latest-ending)."""
    return (
        Mute.objects.filter(cohort=cohort, user=user, until__gt=now or timezone.now())
        .order_by("-until")
        .first()
    )


def is_trusted(user: AbstractBaseUser, cohort: Cohort) -> bool:
    """Has a moderator approved one of the user's posts in the cohort's discussions?"""
    return Post.objects.filter(author=user, thread__cohort=cohort, approved_at__isnull=False).exists()


def will_be_held(user: AbstractBaseUser, place: Place) -> bool:
    """Under the cohort's pre-moderation, does a new post by `user` wait for approval?"""
    if place.moderator or not settings_for(place.cohort).premoderate_first_posts:
        return False
    return not is_trusted(user, place.cohort)


def moderated_cohorts(user: AbstractBaseUser) -> list[Cohort]:
    """The cohorts whose discussions `user` moderates (the policy's answer, in one query)."""
    return list(access.moderated_cohorts(user).order_by("slug"))


def decorate(user: AbstractBaseUser, place: Place, posts, now: datetime.datetime | None = None) -> None:
    """Set on each post what `user` may do with it on the thread page: `viewer_sees_text`,
    `viewer_can_edit`, `viewer_can_report`, `viewer_has_reported`, `viewer_can_see_history` and
    (moderators) `author_can_be_muted`."""
    now = now or timezone.now()
    posts = list(posts)
    reported = set(
        Report.objects.filter(reporter=user, post__in=[post.pk for post in posts]).values_list(
            "post_id", flat=True
        )
    )
    mutable: dict[int, bool] = {}
    for post in posts:
        post.viewer_sees_text = place.moderator or post.state != State.HIDDEN
        post.viewer_can_edit = can_edit(user, place, post, now)
        post.viewer_can_report = not place.moderator and can_report(user, post)
        post.viewer_has_reported = post.pk in reported
        post.viewer_can_see_history = post.is_edited and can_see_history(user, place, post)
        if place.moderator and post.author_id not in mutable:
            mutable[post.author_id] = can_be_muted(place, post.author)
        post.author_can_be_muted = mutable.get(post.author_id, False)


# --- what a participant may do ------------------------------------------------------------------


def when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def posting_refusal(user: AbstractBaseUser, place: Place, now: datetime.datetime | None = None) -> str | None:
    """Why `user` may not add a post to the place's thread now (lock or mute), or None."""
    now = now or timezone.now()
    if place.thread is not None and place.thread.is_locked:
        return _("This discussion is locked: no new posts can be added.")
    if not place.moderator:
        mute = active_mute(user, place.cohort, now)
        if mute is not None:
            return _(
                "A moderator has muted you in this cohort’s discussions until %(until)s: you can read, "
                "but not post."
            ) % {"until": when(mute.until)}
    return None


def _check_rate(user: AbstractBaseUser, now: datetime.datetime) -> None:
    limit = posts_per_minute()
    recent = Post.objects.filter(author=user, created_at__gt=now - datetime.timedelta(minutes=1)).count()
    if recent >= limit:
        raise Refused(
            _(
                "You have posted %(limit)s times in the last minute, the most allowed. Wait a minute and "
                "send it again: your text is kept below."
            )
            % {"limit": limit}
        )


def create_post(
    user: AbstractBaseUser, place: Place, body: str, now: datetime.datetime | None = None
) -> Post:
    """A new post by `user` in the place's thread (the thread is made with its first post): published,
    or held under pre-moderation. Raises `Refused` when locked, muted or over the rate limit."""
    now = now or timezone.now()
    refusal = posting_refusal(user, place, now)
    if refusal:
        raise Refused(refusal)
    _check_rate(user, now)
    with transaction.atomic():
        thread = place.thread or _thread(place)
        state = State.HELD if will_be_held(user, place) else State.PUBLISHED
        return Post.objects.create(thread=thread, author=user, body=body, state=state, created_at=now)


def _thread(place: Place) -> Thread:
    try:
        with transaction.atomic():
            return Thread.objects.get_or_create(
                module_key=place.module.translation_key,
                cohort=place.cohort,
                defaults={"module": place.module},
            )[0]
    except IntegrityError:  # made at the same moment by someone else
        return Thread.objects.get(module_key=place.module.translation_key, cohort=place.cohort)


def editable_until(post: Post) -> datetime.datetime:
    return post.created_at + edit_window()


def edit_refusal(
    user: AbstractBaseUser, place: Place, post: Post, now: datetime.datetime | None = None
) -> str | None:
    """Why `user` may not edit `post` now, or None: only its author, within the edit window, while
    the post is published or held, the thread open and the author not muted."""
    now = now or timezone.now()
    if post.author_id != user.pk:
        return _("Only the author can edit a post.")
    if post.state not in (State.PUBLISHED, State.HELD):
        return _("This post can no longer be edited.")
    if now > editable_until(post):
        return _(
            "The time for editing this post has passed: posts can be edited for %(minutes)s minutes."
        ) % {"minutes": int(edit_window().total_seconds() // 60)}
    return posting_refusal(user, place, now)


def can_edit(user: AbstractBaseUser, place: Place, post: Post, now: datetime.datetime | None = None) -> bool:
    return edit_refusal(user, place, post, now) is None


def edit_post(
    user: AbstractBaseUser, place: Place, post: Post, body: str, now: datetime.datetime | None = None
) -> Post:
    """Replace the text of `post`, keeping the previous text as a revision."""
    now = now or timezone.now()
    refusal = edit_refusal(user, place, post, now)
    if refusal:
        raise Refused(refusal)
    if body == post.body:
        return post
    with transaction.atomic():
        PostRevision.objects.create(
            post=post, body=post.body, written_at=post.edited_at or post.created_at, replaced_at=now
        )
        post.body = body
        post.edited_at = now
        post.save(update_fields=["body", "edited_at"])
    return post


def can_see_history(user: AbstractBaseUser, place: Place, post: Post) -> bool:
    return place.moderator or post.author_id == user.pk


def can_report(user: AbstractBaseUser, post: Post) -> bool:
    return post.author_id != user.pk and post.state == State.PUBLISHED


def has_reported(user: AbstractBaseUser, post: Post) -> bool:
    return Report.objects.filter(post=post, reporter=user).exists()


def report_post(user: AbstractBaseUser, post: Post, reason: str) -> Report:
    """A participant's report of someone else's published post; one per participant and post."""
    if not can_report(user, post):
        raise Refused(_("This post cannot be reported."))
    try:
        with transaction.atomic():
            return Report.objects.create(post=post, reporter=user, reason=reason)
    except IntegrityError:
        raise Refused(_("You have already reported this post; the moderators have your report.")) from None


# --- moderation ---------------------------------------------------------------------------------


def _require_moderator(place: Place) -> None:
    if not place.moderator:
        raise Refused(_("Only the cohort’s moderators can do this."))


def _record(
    moderator, place: Place, kind: str, reason: str = "", *, post=None, member=None, detail=""
) -> None:
    ModerationAction.objects.create(
        cohort=place.cohort,
        moderator=moderator,
        kind=kind,
        reason=reason,
        thread=post.thread if post is not None else place.thread,
        post=post,
        member=member if member is not None else getattr(post, "author", None),
        detail=detail,
    )


def _resolve_reports(moderator, post: Post, now: datetime.datetime) -> None:
    post.reports.filter(resolved_at__isnull=True).update(resolved_at=now, resolved_by=moderator)


def _move(moderator, place: Place, post: Post, *, source: tuple, target: str, kind: str, reason: str) -> Post:
    _require_moderator(place)
    if post.state not in source:
        raise Refused(_("This post is no longer in a state where that applies."))
    now = timezone.now()
    with transaction.atomic():
        post.state = target
        fields = ["state"]
        if kind in (Kind.HIDE, Kind.RESTORE, Kind.REJECT):
            post.moderation_reason = reason if kind != Kind.RESTORE else ""
            fields.append("moderation_reason")
        if kind == Kind.APPROVE:
            post.approved_at = now
            fields.append("approved_at")
        post.save(update_fields=fields)
        if kind in (Kind.HIDE, Kind.RESTORE, Kind.REJECT):
            _resolve_reports(moderator, post, now)
        _record(moderator, place, kind, reason, post=post)
    return post


def hide_post(moderator, place: Place, post: Post, reason: str) -> Post:
    """Hide a published post (members then see that a moderator hid it); resolves its reports."""
    return _move(
        moderator, place, post, source=(State.PUBLISHED,), target=State.HIDDEN, kind=Kind.HIDE, reason=reason
    )


def restore_post(moderator, place: Place, post: Post, reason: str) -> Post:
    """Publish a hidden post again."""
    return _move(
        moderator,
        place,
        post,
        source=(State.HIDDEN,),
        target=State.PUBLISHED,
        kind=Kind.RESTORE,
        reason=reason,
    )


def approve_post(moderator, place: Place, post: Post, reason: str = "") -> Post:
    """Publish a held post; its author's later posts in the cohort are no longer held."""
    return _move(
        moderator, place, post, source=(State.HELD,), target=State.PUBLISHED, kind=Kind.APPROVE, reason=reason
    )


def reject_post(moderator, place: Place, post: Post, reason: str = "") -> Post:
    """Refuse a held post: it stays visible to its author (as rejected) and to moderators only."""
    return _move(
        moderator, place, post, source=(State.HELD,), target=State.REJECTED, kind=Kind.REJECT, reason=reason
    )


def dismiss_reports(moderator, place: Place, post: Post, reason: str = "") -> None:
    """Close the open reports of a post without hiding it."""
    _require_moderator(place)
    with transaction.atomic():
        _resolve_reports(moderator, post, timezone.now())
        _record(moderator, place, Kind.DISMISS, reason, post=post)


def lock_thread(moderator, place: Place, reason: str = "") -> Thread:
    """No new posts in the thread (nor edits) until it is unlocked."""
    _require_moderator(place)
    with transaction.atomic():
        thread = place.thread or _thread(place)
        if thread.is_locked:
            raise Refused(_("This discussion is already locked."))
        thread.locked_at = timezone.now()
        thread.locked_by = moderator
        thread.save(update_fields=["locked_at", "locked_by"])
        _record(moderator, Place(place.module, place.cohort, thread, True), Kind.LOCK, reason)
    return thread


def unlock_thread(moderator, place: Place, reason: str = "") -> Thread:
    _require_moderator(place)
    thread = place.thread
    if thread is None or not thread.is_locked:
        raise Refused(_("This discussion is not locked."))
    with transaction.atomic():
        thread.locked_at = None
        thread.locked_by = None
        thread.save(update_fields=["locked_at", "locked_by"])
        _record(moderator, place, Kind.UNLOCK, reason)
    return thread


def can_be_muted(place: Place, member: AbstractBaseUser) -> bool:
    """A member of the cohort who is not one of its moderators."""
    return CohortMembership.objects.filter(
        cohort=place.cohort, user=member
    ).exists() and not access.can_moderate_discussion(member, place.cohort)


def mute_member(
    moderator, place: Place, member: AbstractBaseUser, until: datetime.datetime, reason: str
) -> Mute:
    """Keep a member from posting in the cohort's discussions until `until`."""
    _require_moderator(place)
    if not can_be_muted(place, member):
        raise Refused(_("Only members of the cohort who are not moderators can be muted."))
    with transaction.atomic():
        mute = Mute.objects.create(
            cohort=place.cohort, user=member, until=until, reason=reason, created_by=moderator
        )
        _record(moderator, place, Kind.MUTE, reason, member=member, detail=when(until))
    return mute


def lift_mute(moderator, place: Place, member: AbstractBaseUser, reason: str = "") -> None:
    """End a member's mutes in the cohort now."""
    _require_moderator(place)
    now = timezone.now()
    with transaction.atomic():
        if not Mute.objects.filter(cohort=place.cohort, user=member, until__gt=now).update(until=now):
            raise Refused(_("This member is not muted."))
        _record(moderator, place, Kind.UNMUTE, reason, member=member)


def update_settings(moderator, cohort: Cohort, *, premoderate_first_posts: bool) -> CohortDiscussionSettings:
    """Change a cohort's discussion settings (the caller has checked `can_moderate_discussion`)."""
    if not access.can_moderate_discussion(moderator, cohort):
        raise Refused(_("Only the cohort’s moderators can do this."))
    with transaction.atomic():
        current, _made = CohortDiscussionSettings.objects.get_or_create(cohort=cohort)
        if current.premoderate_first_posts != premoderate_first_posts:
            current.premoderate_first_posts = premoderate_first_posts
            current.save(update_fields=["premoderate_first_posts"])
            ModerationAction.objects.create(
                cohort=cohort,
                moderator=moderator,
                kind=Kind.SETTINGS,
                detail=str(
                    _("Pre-moderation of new members’ first posts on")
                    if premoderate_first_posts
                    else _("Pre-moderation of new members’ first posts off")
                ),
            )
    return current


# --- the moderation queue -----------------------------------------------------------------------


def open_reports(cohorts: list[Cohort]) -> QuerySet[Report]:
    return (
        Report.objects.filter(post__thread__cohort__in=cohorts, resolved_at__isnull=True)
        .select_related("post__author", "post__thread__cohort", "post__thread__module", "reporter")
        .order_by("created_at", "pk")
    )


def held_posts(cohorts: list[Cohort]) -> QuerySet[Post]:
    return (
        Post.objects.filter(thread__cohort__in=cohorts, state=State.HELD)
        .select_related("author", "thread__cohort", "thread__module")
        .order_by("created_at", "pk")
    )


def active_mutes(cohorts: list[Cohort]) -> QuerySet[Mute]:
    return Mute.objects.filter(cohort__in=cohorts, until__gt=timezone.now()).select_related("user", "cohort")


def moderation_log(cohorts: list[Cohort]) -> QuerySet[ModerationAction]:
    return ModerationAction.objects.filter(cohort__in=cohorts).select_related(
        "moderator", "member", "cohort", "post", "thread__module"
    )
