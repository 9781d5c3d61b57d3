"""Writing the access log: every view of restricted content and every denied attempt, and every
sign-in, sign-in failure, lockout, sign-out and second-factor step (portal.security.signals)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from portal.models import AccessLogEntry

Outcome = AccessLogEntry.Outcome
ObjectType = AccessLogEntry.ObjectType


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; behind a trusted proxy, the first X-Forwarded-For hop."""
    if getattr(settings, "ACCESS_LOG_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def record(
    request: HttpRequest,
    *,
    object_type: str,
    obj=None,
    title: str = "",
    outcome: str,
    user=None,
    username: str = "",
) -> AccessLogEntry:
    """One entry. `user` names the account when the request does not carry it yet (a sign-in);
    `username` alone records who was tried when there is no account to point at (a failure)."""
    if user is None and not username:
        real_user = getattr(request, "real_user", None) or getattr(request, "user", None)
        user = real_user if real_user is not None and real_user.is_authenticated else None
    viewer = getattr(request, "user", None)
    return AccessLogEntry.objects.create(
        user=user,
        username=(user.get_username() if user else username)[:150],
        viewing_as=viewer.label if getattr(viewer, "is_simulated", False) else "",
        object_type=object_type,
        object_id=getattr(obj, "pk", None),
        object_title=(title or str(obj or ""))[:255],
        path=request.get_full_path()[:500],
        outcome=outcome,
        ip_address=client_ip(request),
    )
