from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from curriculum import navigation, progress
from curriculum.dashboard import Dashboard
from curriculum.models import GlossaryTerm, ModulePage
from portal import access

PREFERRED_LANGUAGE_PENDING = "tabadul_preferred_language_pending"


@login_required
def glossary(request: HttpRequest) -> HttpResponse:
    """The shared vocabulary, in English and Arabic; key-term blocks link to its anchors, and each
    entry lists the modules that use it which the reader may read, in the reader's language."""
    terms = list(GlossaryTerm.objects.filter(live=True).order_by("term"))
    uses = access.pages_referring_to(GlossaryTerm, [term.pk for term in terms])
    using = ModulePage.objects.filter(pk__in=set().union(*uses.values())).values_list("pk", "translation_key")
    group_of = dict(using)
    readable = navigation.one_of_each(request.user, set(group_of.values()), ModulePage)
    for term in terms:
        keys = {group_of[pk] for pk in uses.get(term.pk, ()) if pk in group_of}
        term.modules = [module for key, module in readable.items() if key in keys]
    return render(request, "curriculum/glossary.html", {"terms": terms})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in officer's home. Right after sign-in it opens in their preferred language."""
    if request.session.pop(PREFERRED_LANGUAGE_PENDING, False):
        preferred = getattr(getattr(request.user, "profile", None), "preferred_language", None)
        if preferred and preferred != translation.get_language():
            with translation.override(preferred):
                from django.urls import reverse

                return redirect(reverse("dashboard"))
    return render(request, "curriculum/dashboard.html", {"dashboard": Dashboard(request.user)})


@require_POST
@login_required
def module_progress(request: HttpRequest, page_id: int, action: str) -> HttpResponse:
    """Mark a module complete (or not) — only a module the user may read."""
    module = ModulePage.objects.live().filter(pk=page_id).first()
    if (
        module is None
        or action not in ("complete", "incomplete")
        or not access.can_view(request.user, module)
    ):
        raise Http404
    try:
        progress.set_complete(request.user, module, complete=action == "complete")
    except progress.CompletionIsEarned:
        messages.error(request, _("This module completes when you pass its knowledge check."))
    return redirect(module.url)
