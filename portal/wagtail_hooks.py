"""Admin screens for programme admins (nations, cohorts and their members, profiles, access rules),
the reports (cohort progress, access log) and the hooks that make serving ask the access policy.

The screens themselves live in `portal.admin`; this module registers them."""

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.forms import TextInput
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from axes.models import AccessAttempt

from portal import access, audit
from portal.admin import access_rules, members
from portal.admin.access_log import AccessLogViewSet, ReadOnlyPermissionPolicy
from portal.admin.security import (
    CspReportViewSet,
    LockoutPermissionPolicy,
    LockoutViewSet,
    SuperusersOnlyPolicy,
)
from portal.admin.slugs import NameFieldPanel, slug_panel
from portal.admin.user_chooser import user_chooser_viewset
from portal.models import AccessLogEntry, AccessRule, Cohort, CspReport, Nation, OfficerProfile


@hooks.register("before_serve_page")
def enforce_access_policy(page, request, serve_args, serve_kwargs):
    """Denied means 404 for a signed-in user and the sign-in page for an anonymous one."""
    if access.can_view(request.user, page):
        if access.is_restricted(page):
            audit.record(request, object_type=audit.ObjectType.PAGE, obj=page, outcome=audit.Outcome.GRANTED)
        return None
    if access.is_anonymous(request.user):
        return redirect_to_login(request.get_full_path())
    audit.record(request, object_type=audit.ObjectType.PAGE, obj=page, outcome=audit.Outcome.DENIED)
    raise Http404


@hooks.register("before_serve_document")
def enforce_document_access(document, request):
    """A document used only in pages the user may not view does not exist for them."""
    if access.is_anonymous(request.user):
        return redirect_to_login(request.get_full_path())
    if not access.can_view_media(request.user, document):
        audit.record(
            request, object_type=audit.ObjectType.DOCUMENT, obj=document, outcome=audit.Outcome.DENIED
        )
        raise Http404
    if any(access.is_restricted(page) for page in access.pages_using(document)):
        audit.record(
            request, object_type=audit.ObjectType.DOCUMENT, obj=document, outcome=audit.Outcome.GRANTED
        )
    return None


class NationViewSet(SnippetViewSet):
    model = Nation
    icon = "globe"
    list_display = ["name", "name_ar", "code"]
    search_fields = ["name", "name_ar", "code"]
    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("name_ar", widget=TextInput(attrs={"lang": "ar", "dir": "rtl"})),  # edits right-to-left
    ]


class CohortViewSet(SnippetViewSet):
    model = Cohort
    icon = "group"
    list_display = ["name", "slug", "starts_on", "ends_on", "grace_days"]
    list_filter = ["starts_on"]
    search_fields = ["name", "slug"]
    index_view_class = members.CohortIndexView
    edit_view_class = members.CohortEditView
    panels = [
        NameFieldPanel("name"),  # fills the slug while the cohort is new
        slug_panel(),
        FieldPanel("programme"),
        FieldPanel("starts_on"),
        FieldPanel("ends_on"),
        FieldPanel("grace_days"),
        FieldPanel("instructors", widget=forms.CheckboxSelectMultiple),
        InlinePanel(
            "memberships",
            heading=_("Members"),
            label=_("Member"),
            panels=[FieldPanel("user", widget=user_chooser_viewset.widget_class)],
            help_text=_("Add people one by one here, or many at once with “Upload members (CSV)”."),
        ),
    ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            upload_members_url_name=self.get_url_name("upload_members"), **kwargs
        )

    @property
    def upload_members_view(self):
        return self.construct_view(members.UploadMembersView)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("upload-members/<int:pk>/", self.upload_members_view, name="upload_members"),
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
    add_view_class = access_rules.AccessRuleCreateView
    list_display = access_rules.LIST_DISPLAY  # the page, cohorts, dates and nations
    panels = [
        FieldPanel("page"),
        FieldPanel("cohorts"),
        FieldPanel("opens_on"),
        FieldPanel("closes_on"),
        FieldPanel("releasable_to"),
    ]

    def get_queryset(self, request):
        return access_rules.listing_queryset()


class ProgrammeAdministration(SnippetViewSetGroup):
    items = (CohortViewSet, OfficerProfileViewSet, NationViewSet, AccessRuleViewSet)
    menu_icon = "group"
    menu_label = _("Programme")
    menu_name = "programme"


register_snippet(ProgrammeAdministration)


@hooks.register("register_admin_viewset")
def register_user_chooser():
    return user_chooser_viewset


# --- reports ----------------------------------------------------------------------------------

register_permission_policy(AccessLogEntry, ReadOnlyPermissionPolicy(AccessLogEntry))


@hooks.register("register_admin_viewset")
def register_access_log():
    return AccessLogViewSet("access_log")


register_permission_policy(AccessAttempt, LockoutPermissionPolicy(AccessAttempt))
register_permission_policy(CspReport, SuperusersOnlyPolicy(CspReport))


@hooks.register("register_admin_viewset")
def register_lockouts():
    return LockoutViewSet("sign_in_lockouts")


@hooks.register("register_admin_viewset")
def register_csp_reports():
    return CspReportViewSet("csp_reports")
