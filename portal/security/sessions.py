"""Sessions end after `SESSION_IDLE_TIMEOUT_MINUTES` without a request, renewed at most once a minute.

Django's `SESSION_SAVE_EVERY_REQUEST` writes the session row on every request (a transaction of three
queries) only to push its expiry forward. Here a request renews the session (row and cookie) when its
last renewal is older than `SESSION_RENEW_SECONDS`: the idle timeout still holds, to within that many
seconds, and a reader's other requests write nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

RENEWED_AT = "_renewed_at"


class SessionRenewalMiddleware:
    """After SessionMiddleware: marks a signed-in session for saving when it is due for renewal."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        now = int(time.time())
        if session.modified or now - int(session.get(RENEWED_AT, 0)) >= settings.SESSION_RENEW_SECONDS:
            session[RENEWED_AT] = now  # marks the session modified: SessionMiddleware saves it
        return response
