""" "View as" controls: staff choose a cohort, nation and date, and see the portal as that officer."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import audit, viewas
from portal.forms import ViewAsForm


def _staff_only(request: HttpRequest) -> None:
    if not viewas.may_view_as(request.user):
        raise PermissionDenied


def view_as(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    _staff_only(request)
    form = ViewAsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        label = viewas.start(
            request,
            list(form.cleaned_data["cohorts"]),
            form.cleaned_data["nation"],
            form.cleaned_data["date"],
        )
        audit.record(
            request, object_type=audit.ObjectType.VIEW_AS, title=label, outcome=audit.Outcome.GRANTED
        )
        messages.info(request, _("You are now viewing the portal as: %(label)s") % {"label": label})
        return redirect("/dashboard/")
    current = request.session.get(viewas.SESSION_KEY, {}).get("label", "")
    return render(request, "portal/view_as.html", {"form": form, "current": current})


@require_POST
def stop_view_as(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    viewas.stop(request)
    messages.info(request, _("You are viewing the portal as yourself again."))
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/view-as/"  # never a redirect to another site
    return redirect(target)
