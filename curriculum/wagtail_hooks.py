"""Admin screens for the curriculum's snippets: tracks and the glossary (editors own both)."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from curriculum.models import GlossaryTerm, Track
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
