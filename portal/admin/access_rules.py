"""The access-rule snippet admin's own parts: the listing's columns (the page, its cohorts, dates and
nations, read in three queries whatever the number of rules), and a rule started from a page's
Access tab."""

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import Column
from wagtail.models import Page
from wagtail.snippets.views import snippets as snippet_views

from portal.i18n import in_active_language
from portal.models import AccessRule, Cohort, Nation


def listing_queryset() -> QuerySet[AccessRule]:
    """The rules with their page, cohorts (by name) and nations (by code) fetched for the listing."""
    return AccessRule.objects.select_related("page").prefetch_related(
        Prefetch("cohorts", queryset=Cohort.objects.order_by("name")),
        Prefetch("releasable_to", queryset=Nation.objects.order_by("code")),
    )


def _cohorts(rule: AccessRule) -> str:
    return ", ".join(cohort.name for cohort in rule.cohorts.all())


def _nations(rule: AccessRule) -> str:
    nations = [in_active_language(nation.name, nation.name_ar) for nation in rule.releasable_to.all()]
    return ", ".join(nations) or str(_("Every nation"))


LIST_DISPLAY = [
    "page",
    Column("cohorts", label=_("Cohorts"), accessor=_cohorts),
    "opens_on",
    "closes_on",
    Column("releasable_to", label=_("Releasable to"), accessor=_nations),
    "updated_at",
]


class AccessRuleCreateView(snippet_views.CreateView):
    """Opened from a page's Access tab as `?page=<id>`: the page comes already chosen."""

    def get_initial(self):
        initial = super().get_initial()
        page_id = self.request.GET.get("page", "")
        if page_id.isdigit() and Page.objects.filter(pk=page_id).exists():
            initial["page"] = int(page_id)
        return initial
