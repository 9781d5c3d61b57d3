"""A chooser for user accounts (Wagtail has none built in): a searchable modal behind a widget, for
the member rows of the cohort editor. Only people who may manage memberships can open it, since it
lists every account."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet

MANAGE_MEMBERS = "portal.add_cohortmembership"


class UserSearchForm(BaseFilterForm):
    """Search accounts by username, name or email (accounts are not in a search index)."""

    q = forms.CharField(
        label=_("Search term"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Search")})
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q", "").strip()
        if query:
            objects = objects.filter(
                Q(username__icontains=query)
                | Q(first_name__icontains=query)
                | Q(last_name__icontains=query)
                | Q(email__icontains=query)
            )
            self.is_searching = True
            self.search_query = query
        return objects


class MemberManagersOnly:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(MANAGE_MEMBERS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UserListingMixin:
    filter_form_class = UserSearchForm
    ordering = "username"

    def get_object_list(self):
        return get_user_model().objects.filter(is_active=True).select_related("profile__nation")

    @property
    def columns(self):
        return [
            self.title_column,
            Column("name", label=_("Name"), accessor="get_full_name"),
            Column("nation", label=_("Nation"), accessor="profile.nation"),
        ]


class ChooseUserView(MemberManagersOnly, UserListingMixin, chooser_views.ChooseView):
    pass


class ChooseUserResultsView(MemberManagersOnly, UserListingMixin, chooser_views.ChooseResultsView):
    pass


class ChosenUserView(MemberManagersOnly, chooser_views.ChosenView):
    pass


class ChosenUsersView(MemberManagersOnly, chooser_views.ChosenMultipleView):
    pass


class UserChooserViewSet(ChooserViewSet):
    model = get_user_model()
    icon = "user"
    choose_one_text = _("Choose a person")
    choose_another_text = _("Choose another person")
    per_page = 20
    # Only the cohort editor uses it: other user fields in the admin keep their own widgets.
    register_widget = False
    choose_view_class = ChooseUserView
    choose_results_view_class = ChooseUserResultsView
    chosen_view_class = ChosenUserView
    chosen_multiple_view_class = ChosenUsersView


user_chooser_viewset = UserChooserViewSet("user_chooser", url_prefix="portal/choose-user")
