"""Admin screens for the curriculum's snippets: tracks and the glossary (editors own both); the
certificates' listing and revocation (curriculum.certificates.admin)."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from curriculum.certificates import admin as certificates_admin
from curriculum.certificates import issuing, revocation
from curriculum.models import Certificate, GlossaryTerm, Track
from curriculum.reports import views as reports


class TrackViewSet(SnippetViewSet):
    model = Track
    icon = "folder-open-inverse"
    list_display = ["title", "title_ar", "slug"]
    search_fields = ["title", "title_ar"]


class GlossaryViewSet(SnippetViewSet):
    model = GlossaryTerm
    icon = "list-ul"
    menu_label = _("Glossary")
    list_display = ["term", "term_ar", "transliteration", "live"]
    list_filter = ["live"]
    search_fields = ["term", "term_ar", "definition"]


class CurriculumSnippets(SnippetViewSetGroup):
    items = (TrackViewSet, GlossaryViewSet)
    menu_icon = "doc-full-inverse"
    menu_label = _("Curriculum data")
    menu_name = "curriculum-data"


register_snippet(CurriculumSnippets)

# Before the viewset is registered: it takes the model's registered policy.
register_permission_policy(Certificate, certificates_admin.CertificatePermissionPolicy(Certificate))


@hooks.register("register_admin_viewset")
def register_certificates_viewset():
    return certificates_admin.CertificateViewSet()


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    actions.register_action(issuing.ISSUE_ACTION, _("Issue certificate"), _("Certificate issued"))
    actions.register_action(revocation.REVOKE_ACTION)(certificates_admin.RevokeLogFormatter)


@hooks.register("register_admin_urls")
def register_cohort_progress_url():
    return [
        path(
            "reports/cohort-progress/",
            reports.CohortProgressView.as_view(),
            name="cohort_progress_report",
        )
    ]


@hooks.register("register_reports_menu_item")
def register_cohort_progress_menu_item():
    return reports.CohortProgressMenuItem(
        _("Cohort progress"),
        reverse("cohort_progress_report"),
        name="cohort-progress",
        icon_name="tasks",
        order=100,
    )


@hooks.register("insert_editor_js")
def content_direction_js():
    """Fields the editor adds to the form of a right-to-left page edit right-to-left (curriculum.forms)."""
    return format_html('<script src="{}"></script>', static("curriculum/admin/content-direction.js"))
