"""Admin screens for programme admins (nations, cohorts, profiles, access rules) and the hook that
makes page serving ask the access policy."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal import access
from portal.models import AccessRule, Cohort, Nation, OfficerProfile


@hooks.register("before_serve_page")
def enforce_access_policy(page, request, serve_args, serve_kwargs):
    """Denied means 404 for a signed-in user and the sign-in page for an anonymous one."""
    if access.can_view(request.user, page):
        return None
    if access.is_anonymous(request.user):
        return redirect_to_login(request.get_full_path())
    raise Http404


class NationViewSet(SnippetViewSet):
    model = Nation
    icon = "globe"
    list_display = ["name", "name_ar", "code"]
    search_fields = ["name", "name_ar", "code"]
    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("name_ar")]


class CohortViewSet(SnippetViewSet):
    model = Cohort
    icon = "group"
    list_display = ["name", "slug", "starts_on", "ends_on", "grace_days"]
    list_filter = ["starts_on"]
    search_fields = ["name", "slug"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("programme"),
        FieldPanel("starts_on"),
        FieldPanel("ends_on"),
        FieldPanel("grace_days"),
    ]


class OfficerProfileViewSet(SnippetViewSet):
    model = OfficerProfile
    icon = "user"
    menu_label = _("Officer profiles")
    list_display = ["user", "rank", "nation", "preferred_language"]
    list_filter = ["nation", "preferred_language"]
    panels = [FieldPanel("user"), FieldPanel("nation"), FieldPanel("rank"), FieldPanel("preferred_language")]


class AccessRuleViewSet(SnippetViewSet):
    model = AccessRule
    icon = "lock"
    list_display = ["page", "opens_on", "closes_on", "updated_at"]
    panels = [
        FieldPanel("page"),
        FieldPanel("cohorts"),
        FieldPanel("opens_on"),
        FieldPanel("closes_on"),
        FieldPanel("releasable_to"),
    ]


class ProgrammeAdministration(SnippetViewSetGroup):
    items = (CohortViewSet, OfficerProfileViewSet, NationViewSet, AccessRuleViewSet)
    menu_icon = "group"
    menu_label = _("Programme")
    menu_name = "programme"


register_snippet(ProgrammeAdministration)
