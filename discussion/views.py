"""The discussion's pages: a module's thread for one cohort, the forms of each action on a post or
thread, and the moderators' queue. Views are thin: a form validates, `discussion.rules` acts and
says no (`Refused`), and whoever is not a participant gets 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from discussion import forms, rules
from discussion.models import Post
from discussion.rules import Place, Refused
from portal import access
from portal.models import Cohort

POSTS_PER_PAGE = 50
LOG_PER_PAGE = 25

get_or_post = require_http_methods(["GET", "POST"])


# --- where things are -----------------------------------------------------------------------------


def _place(request: HttpRequest, module_id: int, cohort: str) -> Place:
    place = rules.place_for(
        request.user, rules.module_page(module_id), Cohort.objects.filter(slug=cohort).first()
    )
    if place is None:
        raise Http404
    return place


def _post_place(request: HttpRequest, post_id: int, *, moderator: bool = False) -> tuple[Place, Post]:
    found = rules.place_of_post(request.user, post_id)
    if found is None or (moderator and not found[0].moderator):
        raise Http404
    return found


def thread_url(place: Place, post: Post | None = None, *, user=None) -> str:
    """The thread's address in the reader's language (from the module's translation, when it has
    one), on the page that shows `post`, with its anchor."""
    url = reverse("discussion:thread", args=[place.module.localized.pk, place.cohort.slug])
    if post is None:
        return url
    index = rules.visible_posts(user, place).filter(
        Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk)
    )
    page = index.count() // POSTS_PER_PAGE + 1
    query = f"?page={page}" if page > 1 else ""
    return f"{url}{query}#post-{post.pk}"


# --- the thread -------------------------------------------------------------------------------------


@login_required
@get_or_post
def thread(request: HttpRequest, module_id: int, cohort: str) -> HttpResponse:
    """A module's discussion for one cohort: its posts and (GET) the form to add one, or (POST) a new
    post. A refused post (lock, mute, rate limit) comes back in the form with the reason."""
    place = _place(request, module_id, cohort)
    form = forms.PostForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            post = rules.create_post(request.user, place, form.cleaned_data["body"])
        except Refused as refused:
            form.add_error(None, refused.message)
        else:
            if post.state == Post.State.HELD:
                messages.info(request, _("Your post is waiting for a moderator’s approval."))
            else:
                messages.success(request, _("Your post has been added."))
            return redirect(thread_url(replace(place, thread=post.thread), post, user=request.user))
    posts = Paginator(rules.visible_posts(request.user, place), POSTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rules.decorate(request.user, place, posts.object_list)
    return render(
        request,
        "discussion/thread.html",
        {
            "place": place,
            "module": place.module.specific,
            "posts": posts,
            "form": form,
            "refusal": rules.posting_refusal(request.user, place),
            "will_be_held": rules.will_be_held(request.user, place),
            "thread_url": thread_url(place),
        },
    )


def _action(
    request: HttpRequest,
    place: Place,
    *,
    form: django_forms.Form,
    act: Callable[[], object],
    title: str,
    submit: str,
    done: str,
    then: str,
    post: Post | None = None,
    intro: str = "",
    context: dict | None = None,
) -> HttpResponse:
    """GET: the action's form; POST: `act()` when the form is valid, then back to `then`."""
    if request.method == "POST" and form.is_valid():
        try:
            act()
        except Refused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, done)
            return redirect(then)
    return render(
        request,
        "discussion/action.html",
        {
            "place": place,
            "module": place.module.specific,
            "post": post,
            "form": form,
            "title": title,
            "submit": submit,
            "intro": intro,
            "thread_url": thread_url(place),
            **(context or {}),
        },
    )


def _data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


# --- a participant's actions on a post --------------------------------------------------------------


@login_required
@get_or_post
def edit(request: HttpRequest, post_id: int) -> HttpResponse:
    place, post = _post_place(request, post_id)
    refusal = rules.edit_refusal(request.user, place, post)
    if refusal and post.author_id != request.user.pk:
        raise Http404
    form = forms.EditForm(_data(request), initial={"body": post.body})
    return _action(
        request,
        place,
        form=form,
        post=post,
        act=lambda: rules.edit_post(request.user, place, post, form.cleaned_data["body"]),
        title=_("Edit your post"),
        submit=_("Save the post"),
        done=_("Your post has been updated."),
        then=thread_url(place, post, user=request.user),
        intro=refusal
        or _("You can edit a post until %(time)s; the earlier text is kept in its history.")
        % {"time": rules.when(rules.editable_until(post))},
        context={"editing": True},
    )


@login_required
@require_http_methods(["GET"])
def history(request: HttpRequest, post_id: int) -> HttpResponse:
    place, post = _post_place(request, post_id)
    if not rules.can_see_history(request.user, place, post):
        raise Http404
    return render(
        request,
        "discussion/history.html",
        {
            "place": place,
            "module": place.module.specific,
            "post": post,
            "revisions": post.revisions.all(),
            "thread_url": thread_url(place),
            "post_url": thread_url(place, post, user=request.user),
        },
    )


@login_required
@get_or_post
def report(request: HttpRequest, post_id: int) -> HttpResponse:
    place, post = _post_place(request, post_id)
    if not rules.can_report(request.user, post):
        raise Http404
    form = forms.ReportForm(_data(request))
    already = rules.has_reported(request.user, post)
    return _action(
        request,
        place,
        form=form,
        post=post,
        act=lambda: rules.report_post(request.user, post, form.cleaned_data["reason"]),
        title=_("Report a post"),
        submit=_("Send the report"),
        done=_("Thank you: the moderators will look at this post."),
        then=thread_url(place, post, user=request.user),
        intro=_("You have already reported this post; the moderators have your report.")
        if already
        else _("Tell the cohort’s moderators what is wrong with this post."),
    )


# --- moderators' actions on a post -------------------------------------------------------------------


def _moderate_post(request: HttpRequest, post_id: int, *, kind: str) -> HttpResponse:
    place, post = _post_place(request, post_id, moderator=True)
    action, form_class, title, submit, done = {
        "hide": (
            rules.hide_post,
            forms.ReasonForm,
            _("Hide a post"),
            _("Hide the post"),
            _("The post is hidden."),
        ),
        "restore": (
            rules.restore_post,
            forms.ReasonForm,
            _("Restore a post"),
            _("Restore the post"),
            _("The post is shown again."),
        ),
        "approve": (
            rules.approve_post,
            forms.OptionalReasonForm,
            _("Approve a post"),
            _("Approve the post"),
            _("The post is published."),
        ),
        "reject": (
            rules.reject_post,
            forms.OptionalReasonForm,
            _("Reject a post"),
            _("Reject the post"),
            _("The post is rejected."),
        ),
        "dismiss": (
            rules.dismiss_reports,
            forms.OptionalReasonForm,
            _("Dismiss the reports of a post"),
            _("Dismiss the reports"),
            _("The reports are closed."),
        ),
    }[kind]
    form = form_class(_data(request))
    return _action(
        request,
        place,
        form=form,
        post=post,
        act=lambda: action(request.user, place, post, form.cleaned_data["reason"]),
        title=title,
        submit=submit,
        done=done,
        then=_next(request) or thread_url(place, post, user=request.user),
        context={"reports": post.reports.filter(resolved_at__isnull=True).select_related("reporter")},
    )


def _next(request: HttpRequest) -> str | None:
    """Where a moderator came from, when it is the moderation queue (the only other place that
    links to these forms)."""
    target = request.POST.get("next") or request.GET.get("next")
    return target if target == reverse("discussion:moderation") else None


@login_required
@get_or_post
def hide(request: HttpRequest, post_id: int) -> HttpResponse:
    return _moderate_post(request, post_id, kind="hide")


@login_required
@get_or_post
def restore(request: HttpRequest, post_id: int) -> HttpResponse:
    return _moderate_post(request, post_id, kind="restore")


@login_required
@get_or_post
def approve(request: HttpRequest, post_id: int) -> HttpResponse:
    return _moderate_post(request, post_id, kind="approve")


@login_required
@get_or_post
def reject(request: HttpRequest, post_id: int) -> HttpResponse:
    return _moderate_post(request, post_id, kind="reject")


@login_required
@get_or_post
def dismiss(request: HttpRequest, post_id: int) -> HttpResponse:
    return _moderate_post(request, post_id, kind="dismiss")


# --- moderators' actions on a thread or a member -----------------------------------------------------


def _moderator_place(request: HttpRequest, module_id: int, cohort: str) -> Place:
    place = _place(request, module_id, cohort)
    if not place.moderator:
        raise Http404
    return place


@login_required
@get_or_post
def lock(request: HttpRequest, module_id: int, cohort: str) -> HttpResponse:
    place = _moderator_place(request, module_id, cohort)
    form = forms.OptionalReasonForm(_data(request))
    return _action(
        request,
        place,
        form=form,
        act=lambda: rules.lock_thread(request.user, place, form.cleaned_data["reason"]),
        title=_("Lock the discussion"),
        submit=_("Lock the discussion"),
        done=_("The discussion is locked."),
        then=thread_url(place),
        intro=_("Nobody can add or edit posts in a locked discussion; everyone can still read it."),
    )


@login_required
@get_or_post
def unlock(request: HttpRequest, module_id: int, cohort: str) -> HttpResponse:
    place = _moderator_place(request, module_id, cohort)
    form = forms.OptionalReasonForm(_data(request))
    return _action(
        request,
        place,
        form=form,
        act=lambda: rules.unlock_thread(request.user, place, form.cleaned_data["reason"]),
        title=_("Unlock the discussion"),
        submit=_("Unlock the discussion"),
        done=_("The discussion is open again."),
        then=thread_url(place),
    )


def _member(place: Place, user_id: int):
    member = get_user_model().objects.filter(pk=user_id).first()
    if member is None or not rules.can_be_muted(place, member):
        raise Http404
    return member


@login_required
@get_or_post
def mute(request: HttpRequest, module_id: int, cohort: str, user_id: int) -> HttpResponse:
    place = _moderator_place(request, module_id, cohort)
    member = _member(place, user_id)
    form = forms.MuteForm(_data(request))
    current = rules.active_mute(member, place.cohort)
    return _action(
        request,
        place,
        form=form,
        act=lambda: rules.mute_member(
            request.user, place, member, form.until(timezone.now()), form.cleaned_data["reason"]
        ),
        title=_("Mute %(name)s") % {"name": display_name(member)},
        submit=_("Mute the member"),
        done=_("%(name)s is muted.") % {"name": display_name(member)},
        then=_next(request) or thread_url(place),
        intro=_(
            "A muted member can read this cohort’s discussions but cannot post until the time you choose."
        ),
        context={"member": member, "current_mute": current},
    )


@login_required
@get_or_post
def unmute(request: HttpRequest, module_id: int, cohort: str, user_id: int) -> HttpResponse:
    place = _moderator_place(request, module_id, cohort)
    member = _member(place, user_id)
    form = forms.OptionalReasonForm(_data(request))
    return _action(
        request,
        place,
        form=form,
        act=lambda: rules.lift_mute(request.user, place, member, form.cleaned_data["reason"]),
        title=_("Lift the mute of %(name)s") % {"name": display_name(member)},
        submit=_("Lift the mute"),
        done=_("%(name)s can post again.") % {"name": display_name(member)},
        then=_next(request) or thread_url(place),
        context={"member": member, "current_mute": rules.active_mute(member, place.cohort)},
    )


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


# --- the moderators' queue ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def moderation(request: HttpRequest) -> HttpResponse:
    """Open reports, held posts, active mutes, each cohort's settings and the moderation log, for the
    cohorts the user moderates."""
    cohorts = rules.moderated_cohorts(request.user)
    if not cohorts:
        raise Http404
    log = Paginator(rules.moderation_log(cohorts), LOG_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "discussion/moderation.html",
        {
            "cohorts": [
                (cohort, forms.SettingsForm(instance=rules.settings_for(cohort), prefix=cohort.slug))
                for cohort in cohorts
            ],
            "reports": rules.open_reports(cohorts),
            "held": rules.held_posts(cohorts),
            "mutes": rules.active_mutes(cohorts),
            "log": log,
        },
    )


@login_required
@require_POST
def cohort_settings(request: HttpRequest, cohort: str) -> HttpResponse:
    found = Cohort.objects.filter(slug=cohort).first()
    if found is None or not access.can_moderate_discussion(request.user, found):
        raise Http404
    form = forms.SettingsForm(request.POST, instance=rules.settings_for(found), prefix=found.slug)
    if form.is_valid():
        rules.update_settings(
            request.user, found, premoderate_first_posts=form.cleaned_data["premoderate_first_posts"]
        )
        messages.success(request, _("The settings of %(cohort)s are saved.") % {"cohort": found.name})
    else:
        messages.error(request, _("The settings could not be saved."))
    return redirect("discussion:moderation")
