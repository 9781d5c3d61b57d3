"""What every JSON API view of the portal shares, whichever app serves it: its errors are JSON.

A view marked with `json_api` answers its own refusals as JSON (the view's opening checks do that,
e.g. `search.views._api`), and the refusals Django makes before the view runs are JSON too: a CSRF
failure (`portal.security.views.csrf_failure`, Django's `CSRF_FAILURE_VIEW`) is a 403 JSON object
with the reason, never the HTML page the rest of the site shows.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

MARK = "portal_json_api"


def json_api(view: Callable) -> Callable:
    """Mark `view` as a JSON API view (see the module docstring)."""
    setattr(view, MARK, True)
    return view


def is_json_api(request: HttpRequest) -> bool:
    """Is this request for a view marked with `json_api`?"""
    match = getattr(request, "resolver_match", None)
    return bool(match and getattr(match.func, MARK, False))


def method_not_allowed(allowed: list[str]) -> JsonResponse:
    """405 with `Allow`, as a JSON object."""
    response = JsonResponse({"error": _("Method not allowed."), "allowed": allowed}, status=405)
    response["Allow"] = ", ".join(allowed)
    return response


def csrf_refused(reason: str) -> JsonResponse:
    """403 for a request that failed Django's CSRF check, with Django's reason."""
    return JsonResponse({"error": _("CSRF verification failed."), "reason": reason}, status=403)
