"""The access log in the admin: a read-only listing with filters, search and CSV export.

Entries are evidence, so nobody edits or deletes them through the admin, superusers included; only
`manage.py prune_access_log` removes them, after the retention period.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from wagtail.admin.filters import DateRangePickerWidget, MultipleUserFilter, WagtailFilterSet
from wagtail.permission_policies import ModelPermissionPolicy

import django_filters

from portal.admin.reports import ReportViewSet
from portal.models import AccessLogEntry


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """The model's "view" permission and nothing else: no add, change or delete for anyone."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([action for action in actions if action == "view"])


class AccessLogFilterSet(WagtailFilterSet):
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=AccessLogEntry.Outcome.choices)
    object_type = django_filters.ChoiceFilter(
        label=_("Object type"), choices=AccessLogEntry.ObjectType.choices
    )
    user = MultipleUserFilter(
        label=_("User"),
        queryset=lambda request: get_user_model().objects.filter(
            pk__in=AccessLogEntry.objects.exclude(user=None).values("user")
        ),
    )
    at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = AccessLogEntry
        fields = ["outcome", "object_type", "user", "at"]


class AccessLogViewSet(ReportViewSet):
    model = AccessLogEntry
    icon = "list-ul"
    menu_label = _("Access log")
    menu_name = "access-log"
    url_prefix = "reports/access-log"
    ordering = "-at"
    list_display = [
        "at",
        "username",
        "viewing_as",
        "object_type",
        "object_title",
        "path",
        "outcome",
        "ip_address",
    ]
    filterset_class = AccessLogFilterSet
    search_fields = ["username", "object_title", "path"]
    list_export = [
        "at",
        "username",
        "viewing_as",
        "object_type",
        "object_id",
        "object_title",
        "path",
        "outcome",
        "ip_address",
    ]
    export_headings = {"at": _("Time"), "object_id": _("Object id")}
    export_filename = "access-log"

    def get_permissions_to_register(self):
        # Only "view" can be granted in the group editor; the policy refuses everything else anyway.
        return super().get_permissions_to_register().filter(codename="view_accesslogentry")
