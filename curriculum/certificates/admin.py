"""The certificates' admin screen: a read-only listing (officer, course, cohort, date, status) with
filters, an inspect view, the certificate's history, and "Revoke", which asks for a reason.

Nobody adds, edits or deletes a certificate here, superusers included (`CertificatePermissionPolicy`):
a certificate is issued by completing its course, and a revocation is never undone by a form.
Programme admins hold `view_certificate` and `revoke_certificate` (curriculum.roles).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button, ListingButton
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies import ModelPermissionPolicy

import django_filters

from curriculum.certificates import revocation
from curriculum.models import Certificate
from portal.models import Cohort


class CertificatePermissionPolicy(ModelPermissionPolicy):
    """View (and revoke, `revocation.may_revoke`) only: no add, change or delete for anyone."""

    READ_ONLY_REFUSED = frozenset({"add", "change", "delete"})

    def user_has_permission(self, user, action):
        return action not in self.READ_ONLY_REFUSED and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a not in self.READ_ONLY_REFUSED])


class CertificateFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("valid", _("Valid")), ("revoked", _("Revoked"))],
        method="filter_status",
        empty_label=_("Any"),
    )
    cohort = django_filters.ModelChoiceFilter(label=_("Cohort"), queryset=Cohort.objects.order_by("name"))
    issued_at = django_filters.DateFromToRangeFilter(label=_("Issued"), widget=DateRangePickerWidget)

    class Meta:
        model = Certificate
        fields = ["status", "cohort", "issued_at"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(revoked_at__isnull=value == "valid")


def status_label(certificate: Certificate) -> str:
    return str(_("Revoked") if certificate.is_revoked else _("Valid"))


class CertificateIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if not instance.is_revoked and revocation.may_revoke(self.request.user):
            buttons.append(
                ListingButton(
                    _("Revoke"),
                    url=reverse("certificates_admin:revoke", args=[instance.pk]),
                    icon_name="cross",
                    priority=40,
                )
            )
        return buttons


class CertificateInspectView(generic.InspectView):
    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        history = reverse("certificates_admin:history", args=[self.object.pk])
        buttons.append(Button(_("History"), url=history, icon_name="history", priority=20))
        if not self.object.is_revoked and revocation.may_revoke(self.request.user):
            url = reverse("certificates_admin:revoke", args=[self.object.pk])
            buttons.append(Button(_("Revoke"), url=url, icon_name="cross", priority=30))
        return buttons


class CertificateHistoryView(generic.HistoryView):
    # Wagtail asks for add, change or delete, which nobody holds here: reading is enough.
    any_permission_required = ["view"]
    header_buttons = []  # Wagtail's "Edit" would lead to a refusal

    def get_edit_url(self, instance):
        return None


class RevokeLogFormatter(LogFormatter):
    """The log entry of a revocation says why. (Wagtail shows an entry's comment only for models with
    revisions, so the reason is in the message.)"""

    label = _("Revoke certificate")

    def format_message(self, log_entry) -> str:
        return _("Certificate revoked: %(reason)s") % {"reason": (log_entry.data or {}).get("reason", "")}


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "Why the certificate no longer stands. It is kept with the certificate and in its history."
        ),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason for revoking the certificate."))
        return reason


class RevokeView(WagtailAdminTemplateMixin, FormView):
    """Asks for a reason, then revokes: final, written on the certificate and in its history."""

    form_class = RevokeForm
    template_name = "curriculum/certificates/admin/revoke.html"
    header_icon = "cross"
    page_title = _("Revoke certificate")
    index_url_name = None  # set by the viewset
    inspect_url_name = None

    def dispatch(self, request, *args, pk, **kwargs):
        if not revocation.may_revoke(request.user):
            raise PermissionDenied
        self.certificate = get_object_or_404(Certificate, pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.certificate)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(self.index_url_name),
                "label": Certificate._meta.verbose_name_plural.capitalize(),
            },
            {
                "url": reverse(self.inspect_url_name, args=[self.certificate.pk]),
                "label": str(self.certificate),
            },
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            certificate=self.certificate, cancel_url=reverse(self.index_url_name), **kwargs
        )

    def form_valid(self, form):
        try:
            revocation.revoke(self.certificate, by=self.request.user, reason=form.cleaned_data["reason"])
        except revocation.AlreadyRevoked:
            messages.error(self.request, _("This certificate had already been revoked."))
        else:
            messages.success(
                self.request, _("Certificate revoked: “%(certificate)s”.") % {"certificate": self.certificate}
            )
        return redirect(self.index_url_name)


class CertificateViewSet(ModelViewSet):
    model = Certificate
    icon = "tick-inverse"
    menu_label = _("Certificates")
    menu_order = 310
    add_to_admin_menu = True
    url_prefix = "certificates"
    name = "certificates_admin"
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    history_view_class = CertificateHistoryView
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = []  # no add or edit form is ever reached: the permission policy refuses both
    filterset_class = CertificateFilterSet
    search_fields = ["officer_name", "course_title", "course_title_ar", "cohort_name", "code"]
    ordering = ["-issued_at"]
    list_display = [
        "officer_name",  # the title column: links to the inspect view and carries "Revoke"
        Column("course_title", label=_("Course")),
        Column("cohort_name", label=_("Cohort")),
        DateColumn("issued_at", label=_("Issued")),
        StatusTagColumn(
            "status", label=_("Status"), accessor=status_label, primary=lambda c: not c.is_revoked
        ),
    ]
    inspect_view_fields = [
        "officer_name",
        "rank",
        "nation_name",
        "course_title",
        "course_title_ar",
        "cohort_name",
        "issued_at",
        "code",
        "revoked_at",
        "revoked_by",
        "revocation_reason",
    ]

    @property
    def revoke_view(self):
        return self.construct_view(
            RevokeView,
            index_url_name=self.get_url_name("index"),
            inspect_url_name=self.get_url_name("inspect"),
        )

    def get_urlpatterns(self):
        from django.urls import path

        return [*super().get_urlpatterns(), path("revoke/<int:pk>/", self.revoke_view, name="revoke")]
