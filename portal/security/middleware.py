from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config

from portal.security import two_factor

# Views of other apps that a session owing its second step may still use: signing out.
SECOND_FACTOR_EXEMPT_PATHS = ("/admin/logout/", "/django-admin/logout/", "/i18n/", "/static/")


def second_factor_exempt(view: Callable) -> Callable:
    """Mark a view as reachable before the second step (the steps themselves, sign-in and -out)."""
    view.second_factor_exempt = True
    return view


class SecondFactorMiddleware:
    """A signed-in session that owes its second step reaches nothing but the step: staff without a
    device go to enrolment, everyone else to the code page, and the API answers 403 in JSON.

    Owed by everyone who can reach the admin (checked on every request, so a new role takes effect
    at once) and by officers who enrolled a device (noted in the session at sign-in)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if getattr(view_func, "second_factor_exempt", False) or request.path_info.startswith(
            SECOND_FACTOR_EXEMPT_PATHS
        ):
            return None
        # "View as" swaps request.user for a simulated officer; the real user owes the step.
        user = getattr(request, "real_user", None) or request.user
        if not two_factor.owes_second_factor(request, user):
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"error": "second_factor_required", "detail": "Finish signing in with your second factor."},
                status=403,
            )
        step = "two_factor_verify" if two_factor.has_device(user) else "two_factor_setup"
        return redirect_to_login(request.get_full_path(), login_url=reverse(step))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy under ADMIN_PATH_PREFIXES.

    Officer-facing pages get CONTENT_SECURITY_POLICY (no inline script or style); the Wagtail and
    Django admins need inline scripts and styles and a same-origin frame for previews, so they get
    CONTENT_SECURITY_POLICY_ADMIN, and so do page previews (shown in the editor's frame, with
    Wagtail's checks). A view's own @csp_* decorator still wins over both."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponse, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        in_admin = request.path_info.startswith(settings.ADMIN_PATH_PREFIXES) or (
            # Wagtail renders a preview through the whole middleware stack with a stand-in request
            # for the page's own address; the result is shown in the editor's frame.
            getattr(request, "is_dummy", False) or getattr(request, "is_preview", False)
        )
        if not report_only and parts.config is None and in_admin:
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        return parts
