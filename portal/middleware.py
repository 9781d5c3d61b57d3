from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from portal import access
from portal.memo import request_memo

# Machine-facing and asset paths answer for themselves (the API says 401 in JSON).
PASS_THROUGH = ("/api/", "/static/", "/admin/", "/django-admin/")


class SignInInsteadOfNotFoundMiddleware:
    """An anonymous visitor gets the sign-in page for every address but the landing page, whether the
    address exists or not, so an anonymous probe learns nothing about what exists."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and access.is_anonymous(getattr(request, "user", None))
            and not request.path.startswith(PASS_THROUGH)
        ):
            return redirect_to_login(request.get_full_path())
        return response


class AccessScopeMiddleware:
    """One request reads the access policy's inputs, and the facts that every part of a page asks for,
    once (portal.memo)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_memo():
            return self.get_response(request)
