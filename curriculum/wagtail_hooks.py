"""Admin screens for the curriculum's snippets: tracks and the glossary (editors own both)."""

from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from curriculum.models import GlossaryTerm, Track


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
