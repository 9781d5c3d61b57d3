"""The lessons-learned pages: the list, submitting and revising, one lesson with its history and
the moves the reader may make, and the managers' overdue list. Who may read a lesson is
`portal.access`'s answer (`lessons.listing.readable`); who may move it is `lessons.workflow`'s."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lessons import listing, pages, workflow
from lessons.forms import LessonForm, form_for
from lessons.models import Lesson
from portal import access

PAGE_SIZE = 20


def _account_holder_required(view):
    """Signed-in with an account of their own: a "view as" stand-in reads, never writes."""

    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not access.is_account_holder(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


@login_required
def index(request: HttpRequest) -> HttpResponse:
    lessons = listing.readable(request.user)
    filters = listing.Filters.from_query(request.GET)
    shown = filters.apply(lessons).select_related("track", "author").order_by("-submitted_at", "-pk")
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "lessons/index.html",
        {
            "page": page,
            "filters": filters,
            "choices": listing.choices(lessons),
            "is_manager": access.is_lessons_manager(request.user),
        },
    )


@_account_holder_required
def new(request: HttpRequest) -> HttpResponse:
    form = LessonForm(
        request.POST or None, user=request.user, initial={"locale": (get_language() or "en").split("-")[0]}
    )
    if request.method == "POST" and form.is_valid():
        lesson = form.save(commit=False)
        workflow.submit(
            request.user,
            lesson,
            proposed_nations=form.cleaned_data["proposed_nations"],
            proposed_cohorts=form.cleaned_data["proposed_cohorts"],
            courses=form.cleaned_data["courses"],
            modules=form.cleaned_data["modules"],
        )
        messages.success(request, _("Your lesson was submitted. The lessons managers will review it."))
        return redirect("lessons:detail", lesson.pk)
    return render(request, "lessons/form.html", {"form": form, "lesson": None})


@login_required
def detail(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = listing.get_readable(request.user, lesson_id)
    if lesson is None:
        raise Http404
    return render(request, "lessons/detail.html", _detail_context(request, lesson))


def _detail_context(request: HttpRequest, lesson: Lesson, failed: tuple[str, object] | None = None) -> dict:
    """The lesson page: the lesson, the moves the reader may make (each with its form, or the form
    that just failed), and the history for those in the process (author, managers, action body)."""
    user = request.user
    in_process = bool(workflow.roles_of(user, lesson))
    failed_name, failed_form = failed or (None, None)
    moves = [
        (
            move,
            failed_form
            if move.name == failed_name
            else form_for(move.name)(**_form_kwargs(move.name, user, lesson)),
        )
        for move in workflow.available_moves(user, lesson)
    ]
    offered = {move.name for move, _form in moves}
    action_page = pages.readable(user, pages.groups_of([lesson.action_page])) if lesson.action_page else []
    return {
        "lesson": lesson,
        "moves": moves,
        # A move the reader may not make has no form on the page to say why it was refused.
        "refused": failed_form.non_field_errors() if failed_form and failed_name not in offered else [],
        "can_revise": workflow.can_revise(user, lesson),
        "sees_history": in_process,
        "transitions": lesson.transitions.select_related("actor") if in_process else [],
        "courses": pages.readable(user, lesson.courses.all()),
        "modules": pages.readable(user, lesson.modules.all()),
        "changed_pages": pages.readable(user, lesson.changed_pages.all()),
        "action_page": action_page[0] if action_page else None,
        "releasable_to": list(lesson.releasable_to.order_by("name")),
        "audience_cohorts": list(lesson.cohorts.order_by("name")) if in_process else [],
        "proposed_nations": list(lesson.proposed_nations.order_by("name")) if in_process else [],
        "proposed_cohorts": list(lesson.proposed_cohorts.order_by("name")) if in_process else [],
        "is_overdue": lesson.is_overdue(access.today_for(user)),
    }


def _form_kwargs(move_name: str, user, lesson: Lesson, data=None) -> dict:
    kwargs = {"data": data, "prefix": move_name}
    if move_name in ("identify", "close"):
        kwargs.update(user=user, lesson=lesson)
    return kwargs


@require_POST
@_account_holder_required
def move(request: HttpRequest, lesson_id: int, move_name: str) -> HttpResponse:
    lesson = listing.get_readable(request.user, lesson_id)
    if lesson is None or move_name not in workflow.MOVES:
        raise Http404
    form = form_for(move_name)(**_form_kwargs(move_name, request.user, lesson, request.POST))
    if form.is_valid():
        try:
            transition = workflow.move(request.user, lesson, move_name, form.details())
        except workflow.MoveRefused as refused:
            for field, errors in refused.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(
                request, _("The lesson is now: %(status)s.") % {"status": transition.get_to_status_display()}
            )
            return redirect("lessons:detail", lesson.pk)
    context = _detail_context(request, lesson, failed=(move_name, form))
    return render(request, "lessons/detail.html", context, status=400)


@_account_holder_required
def edit(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = listing.get_readable(request.user, lesson_id)
    if lesson is None or not workflow.can_revise(request.user, lesson):
        raise Http404
    form = LessonForm(request.POST or None, instance=lesson, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your changes were saved."))
        return redirect("lessons:detail", lesson.pk)
    return render(request, "lessons/form.html", {"form": form, "lesson": lesson})


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    if not access.is_lessons_manager(request.user):
        raise Http404
    today = access.today_for(request.user)
    return render(request, "lessons/overdue.html", {"lessons": listing.overdue(today), "today": today})
