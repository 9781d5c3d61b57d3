"""Security reports in the admin: sign-in lockouts (django-axes) and CSP violation reports.

Lockouts: programme admins and superusers see every username/address with failures, whether it is
locked now, and can lift a lockout by deleting the row (logged in Wagtail's audit log, like
`manage.py axes_reset`). CSP reports: superusers only, read-only.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy

from axes.models import AccessAttempt

from portal.admin.reports import ReportViewSet
from portal.models import CspReport


def is_locked(attempt: AccessAttempt) -> bool:
    recent = attempt.attempt_time >= timezone.now() - settings.AXES_COOLOFF_TIME
    return recent and attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT


class LockoutPermissionPolicy(ModelPermissionPolicy):
    """ "view" and "delete" (lifting a lockout); nobody adds or edits failure counts."""

    def user_has_permission(self, user, action):
        return action in ("view", "delete") and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a in ("view", "delete")])


class LockoutViewSet(ReportViewSet):
    model = AccessAttempt
    icon = "lock"
    menu_label = _("Sign-in lockouts")
    menu_name = "sign-in-lockouts"
    url_prefix = "reports/sign-in-lockouts"
    inspect_view_fields = [
        "username",
        "ip_address",
        "user_agent",
        "failures_since_start",
        "attempt_time",
        "path_info",
    ]
    ordering = "-attempt_time"
    list_display = [
        "username",
        "ip_address",
        "failures_since_start",
        Column("locked", label=_("Locked now"), accessor=lambda a: _("yes") if is_locked(a) else _("no")),
        "attempt_time",
    ]
    list_filter = ["attempt_time"]
    search_fields = ["username", "ip_address"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("delete/<int:pk>/", self.delete_view, name="delete"),
            path("usage/<int:pk>/", self.usage_view, name="usage"),
        ]

    def get_permissions_to_register(self):
        return (
            super()
            .get_permissions_to_register()
            .filter(codename__in=["view_accessattempt", "delete_accessattempt"])
        )


class SuperusersOnlyPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return action == "view" and user.is_active and user.is_superuser

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([]).filter(is_superuser=True, is_active=True)


class CspReportViewSet(ReportViewSet):
    model = CspReport
    icon = "warning"
    menu_label = _("CSP reports")
    menu_name = "csp-reports"
    url_prefix = "reports/csp"
    ordering = "-last_seen"
    list_display = ["last_seen", "effective_directive", "blocked_uri", "document_uri", "source_file", "count"]
    search_fields = ["document_uri", "blocked_uri", "effective_directive"]

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().none()
