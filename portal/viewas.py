""" "View as": staff see the portal exactly as an officer of a chosen cohort and nation would, today
or on a chosen date. Read-only, bannered, logged.

While it is on, the middleware replaces `request.user` on officer-facing pages with a
`SimulatedOfficer`, so every page, listing and search answers through the access policy as it
would for that officer. The admin, sign-in and the view-as controls keep the real user.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from portal.models import Cohort, Nation

SESSION_KEY = "tabadul_view_as"
# Paths that always run as the real user: the admin, authentication and the view-as controls.
REAL_USER_PREFIXES = ("/admin/", "/django-admin/", "/accounts/", "/view-as/", "/static/")


@dataclass
class SimulatedOfficer:
    """A stand-in officer with no account and no staff rights."""

    real_user: object
    cohort_ids: frozenset[int]
    nation_id: int | None
    view_date: datetime.date | None
    label: str
    is_simulated: bool = True
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    pk: None = None
    id: None = None

    def get_username(self) -> str:
        return self.label

    def get_full_name(self) -> str:
        return self.label

    get_short_name = get_full_name

    def has_perm(self, *args, **kwargs) -> bool:
        return False

    def has_perms(self, *args, **kwargs) -> bool:
        return False

    def has_module_perms(self, *args, **kwargs) -> bool:
        return False

    def __str__(self) -> str:
        return self.label


def may_view_as(user) -> bool:
    """Staff who can reach the Wagtail admin may view as an officer."""
    return user.is_authenticated and user.is_active and user.has_perm("wagtailadmin.access_admin")


def start(
    request: HttpRequest, cohorts: list[Cohort], nation: Nation | None, day: datetime.date | None
) -> str:
    label = ", ".join(cohort.name for cohort in cohorts) or "no cohort"
    label = f"{label} · {nation.code if nation else 'any nation'}" + (f" · {day.isoformat()}" if day else "")
    request.session[SESSION_KEY] = {
        "cohorts": [cohort.pk for cohort in cohorts],
        "nation": nation.pk if nation else None,
        "date": day.isoformat() if day else None,
        "label": label,
    }
    return label


def stop(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def simulated_officer(request: HttpRequest, real_user) -> SimulatedOfficer | None:
    state = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not state or not may_view_as(real_user):
        return None
    return SimulatedOfficer(
        real_user=real_user,
        cohort_ids=frozenset(state["cohorts"]),
        nation_id=state["nation"],
        view_date=datetime.date.fromisoformat(state["date"]) if state["date"] else None,
        label=state["label"],
    )


class ViewAsMiddleware:
    """Swap in the simulated officer on officer-facing pages; refuse anything but reading."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        real_user = getattr(request, "user", AnonymousUser())
        request.real_user = real_user
        if not request.path.startswith(REAL_USER_PREFIXES):
            officer = simulated_officer(request, real_user)
            if officer is not None:
                if request.method not in ("GET", "HEAD", "OPTIONS"):
                    return HttpResponseNotAllowed(["GET", "HEAD"], content="“View as” is read-only.")
                request.user = officer
        return self.get_response(request)
