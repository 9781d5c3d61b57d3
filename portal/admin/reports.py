"""What the portal's model reports in the admin (access log, sign-in lockouts, CSP reports) share."""

from __future__ import annotations

from django.urls import path

from wagtail.admin.viewsets.model import ModelViewSet


class ReportViewSet(ModelViewSet):
    """A model shown under Reports: a listing and an inspect screen, no add, edit or copy screens.

    A subclass that lets some rows be deleted adds those URLs to `get_urlpatterns()`; the model's
    permission policy still decides who may do what."""

    menu_hook = "register_reports_menu_item"
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    list_per_page = 50
    search_backend_name = None  # a plain database lookup: report rows are not in a search index

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]
