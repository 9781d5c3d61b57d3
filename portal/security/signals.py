"""Every sign-in, sign-in failure, lockout and sign-out goes to the access log (portal.audit), from
Django's auth signals and django-axes' lockout signal. Connected in PortalConfig.ready().

A sign-in or sign-out made outside a client's request (the test client's force_login, a shell)
has no client to record and is not logged; the session still learns whether it owes a second step.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from axes.signals import user_locked_out

from portal import audit
from portal.security import two_factor


def _record(request: HttpRequest | None, object_type: str, title: str, outcome: str, **who: object) -> None:
    """The access-log entry of one sign-in event, when a client's request made it. `who` names the
    account (`user`) or, without one, the name that was tried (`username`)."""
    if request is None or not getattr(request, "method", None):
        return
    audit.record(request, object_type=object_type, title=title, outcome=outcome, **who)


def signed_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    owes = two_factor.has_device(user)
    if owes:
        request.session[two_factor.SESSION_OWES_SECOND_FACTOR] = True
    owes = owes or two_factor.must_use_second_factor(user)
    title = "Signed in with password; second step to follow" if owes else "Signed in"
    _record(request, audit.ObjectType.SIGN_IN, title, audit.Outcome.GRANTED, user=user)


def sign_in_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    # A try refused because of a lockout is recorded once, as a lockout (below).
    if getattr(request, "axes_locked_out", False):
        return
    username = str(credentials.get("username") or "?")
    title = "Sign-in failed: wrong username or password"
    _record(request, audit.ObjectType.SIGN_IN, title, audit.Outcome.DENIED, username=username)


def locked_out(sender, request: HttpRequest | None, username: str | None, ip_address: str | None, **kwargs):
    title = "Sign-in refused: too many failures (locked out)"
    _record(request, audit.ObjectType.LOCKOUT, title, audit.Outcome.DENIED, username=str(username or "?"))


def signed_out(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if user is not None:
        _record(request, audit.ObjectType.SIGN_OUT, "Signed out", audit.Outcome.GRANTED, user=user)


def connect() -> None:
    user_logged_in.connect(signed_in, dispatch_uid="portal.security.signed_in")
    user_login_failed.connect(sign_in_failed, dispatch_uid="portal.security.sign_in_failed")
    user_locked_out.connect(locked_out, dispatch_uid="portal.security.locked_out")
    user_logged_out.connect(signed_out, dispatch_uid="portal.security.signed_out")
