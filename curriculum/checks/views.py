"""The knowledge check on a module's page: the form (`check_context`), taking an attempt (`submit`,
POST `<module-url>check/`) and an attempt's results (`attempt`, `<module-url>check/<n>/`).

Both are routed to the module page (`ModulePage.route`), so the access policy has already answered
them as it answers the page: a reader who may not read the module gets its 404.

The form never holds the answer key: it renders each question's kind, text and options' texts in the
order authored, and nothing else of the check, so the page is the same whichever options are correct.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from wagtail.models import Page

from curriculum.checks import attempts, definition, scoring
from portal import access

FORM_ANCHOR = "knowledge-check"


def _takes_attempts(request: HttpRequest) -> bool:
    """Real signed-in officers answer; a "view as" visitor or an editor's preview only reads."""
    return access.is_account_holder(request.user) and not getattr(request, "is_preview", False)


def check_context(request: HttpRequest, module: Page, form: dict | None = None) -> dict:
    """What the module page shows of its check: the questions, the officer's attempts so far, and the
    form (a fresh token; after a refused submission, the options chosen and what is missing)."""
    check = definition.of_page(module)
    if check is None:
        return {"check": None}
    state = attempts.state(request.user, module, check)
    form = form or {}
    return {
        "check": check,
        "check_state": state,
        "check_questions": [
            {
                "number": number,
                "question": question,
                "chosen": form.get("answers", {}).get(number, frozenset()),
                "missing": number in form.get("unanswered", ()),
            }
            for number, question in enumerate(check.questions)
        ],
        "check_form_token": attempts.new_form_token(),
        "check_form_error": form.get("error"),
        "check_takes_attempts": _takes_attempts(request),
        "check_action": f"{module_path(request, module)}{module.CHECK_PATH}/",
    }


def submit(request: HttpRequest, module: Page) -> HttpResponse:
    if request.method != "POST":
        if request.method in ("GET", "HEAD"):
            return redirect(f"{module_path(request, module)}#{FORM_ANCHOR}")
        return HttpResponseNotAllowed(["POST"])
    check = definition.of_page(module)
    if check is None or not _takes_attempts(request):
        raise Http404
    token = request.POST.get("form_token", "")
    answers, unanswered = attempts.answers_from(request.POST, check)
    if not attempts.is_form_token(token):
        return _form_again(
            request, module, answers, unanswered, _("The form had expired: answer again and submit.")
        )
    if unanswered:
        return _form_again(
            request, module, answers, unanswered, _("Answer every question before you submit.")
        )
    try:
        attempt, _created = attempts.submit(request.user, module, check, token, answers)
    except attempts.NoAttemptsLeft:
        messages.error(request, _("You have used every attempt at this check."))
        return redirect(f"{module_path(request, module)}#{FORM_ANCHOR}")
    except attempts.AttemptRefused:
        return _form_again(
            request, module, answers, unanswered, _("The form could not be taken: submit it again.")
        )
    # 303: the browser GETs the results, and "back" or "reload" there never posts the form again.
    results = HttpResponseRedirect(f"{module_path(request, module)}{module.CHECK_PATH}/{attempt.number}/")
    results.status_code = 303
    return results


def module_path(request: HttpRequest, module: Page) -> str:
    """The module's address as the reader reached it (`/ar/…` in the Arabic part of the site, also for
    a module served from its source): this request's path, less the `check/` or `check/<n>/` that
    `ModulePage.route` consumed (`request.check_path_segments`)."""
    segments = getattr(request, "check_path_segments", 0)
    if not segments:
        return request.path
    return "/".join(request.path.rstrip("/").split("/")[:-segments]) + "/"


def _form_again(
    request: HttpRequest, module: Page, answers: dict, unanswered: list, error: str
) -> HttpResponse:
    """The module page again, with the options chosen and what is wrong (nothing recorded)."""
    form = {"answers": answers, "unanswered": unanswered, "error": error}
    context = module.get_context(request, check_form=form)
    return TemplateResponse(request, module.get_template(request), context, status=400)


def attempt(request: HttpRequest, module: Page, number: int) -> HttpResponse:
    """An attempt's results: the score, the verdict, each question with the options chosen, which were
    wrong, their feedback and the explanation. The correct options themselves are shown once the
    check is passed or no attempt is left, so the results of one attempt don't answer the next."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    check = definition.of_page(module)
    taken = attempts.attempt_of(request.user, module, number) if check else None
    if taken is None:
        raise Http404
    state = attempts.state(request.user, module, check)
    result = scoring.score(check, attempts.chosen_of(taken))
    reveal = state.passed or not state.can_attempt
    context = module.get_context(request)
    context.update(
        {
            "attempt": taken,
            "answers": [_answer_rows(item, reveal) for item in result.results],
            "check_state": state,
            "module_path": module_path(request, module),
            "same_check": len(result.results) == taken.questions,
        }
    )
    return TemplateResponse(request, "curriculum/checks/attempt.html", context)


def _answer_rows(item: scoring.QuestionResult, reveal: bool) -> dict:
    """One question of the results: each option, whether it was chosen, and (`reveal`) whether it is
    correct."""
    return {
        "question": item.question,
        "correct": item.correct,
        "missed_hint": not item.correct and not reveal and bool(item.missed) and not item.wrong_choices,
        "options": [
            {"option": option, "chosen": number in item.chosen, "shown_correct": reveal and option.correct}
            for number, option in enumerate(item.question.options)
        ],
    }
