"""The "Access" tab of the page editor: read-only, it shows the rule on this page, the rules it
inherits from its ancestors (each with the page it sits on), and who can read the page today.

Everything it shows comes from `portal.access` (`applicable_rules`, `readers`); rules are edited in
the access-rule snippet admin, which this tab links to.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import ObjectList, Panel, TabbedInterface
from wagtail.models import Page

from portal import access
from portal.models import AccessRule, Cohort

READERS_SHOWN = 200


@dataclass
class RuleView:
    rule: AccessRule
    page: Page  # the page the rule is stored on (possibly a translation of an ancestor)
    edit_url: str | None = None  # None when the user may not edit rules
    page_url: str | None = None  # None when the user may not edit that page


@dataclass
class PageAccess:
    """What the Access tab shows for one page (or, for a page being created, for its parent)."""

    today: datetime.date
    is_new: bool
    own_rule: RuleView | None
    inherited: list[RuleView]
    reader_count: int
    readers: list = field(default_factory=list)
    add_rule_url: str | None = None

    @property
    def more_readers(self) -> int:
        return self.reader_count - len(self.readers)


def page_access(page: Page, *, user, parent: Page | None = None, today=None) -> PageAccess:
    """The rules governing `page` and its readers on `today`, with the admin links `user` may follow.

    A page being created has no place in the tree yet: it will inherit everything from `parent`.
    """
    from wagtail.admin.admin_url_finder import AdminURLFinder

    day = access.today_for(None, today)
    is_new = page.pk is None or not page.path
    subject = parent if is_new else page
    urls = AdminURLFinder(user)
    own, inherited = None, []
    if subject is not None:
        for rule in _rules(subject):
            view = RuleView(
                rule=rule,
                page=rule.page,
                edit_url=urls.get_edit_url(rule),
                page_url=urls.get_edit_url(rule.page),
            )
            if not is_new and rule.page.translation_key == page.translation_key:
                own = view
            else:
                inherited.append(view)
    readers = _readers(subject, day)
    add_url = None
    if not is_new and own is None and user.has_perm("portal.add_accessrule"):
        viewset = AccessRule.snippet_viewset
        add_url = f"{reverse(viewset.get_url_name('add'))}?{urlencode({'page': page.pk})}"
    return PageAccess(
        today=day,
        is_new=is_new,
        own_rule=own,
        inherited=inherited,
        reader_count=readers.count(),
        readers=list(readers[:READERS_SHOWN]),
        add_rule_url=add_url,
    )


def _rules(page: Page) -> list[AccessRule]:
    rules = access.applicable_rules(page).select_related("page").prefetch_related("cohorts", "releasable_to")
    return sorted(rules, key=lambda rule: (rule.page.depth, rule.pk))


def _readers(page: Page | None, day: datetime.date) -> QuerySet:
    if page is None:
        return get_user_model().objects.none()
    return (
        access.readers(page, day)
        .select_related("profile__nation")
        .prefetch_related(Prefetch("cohorts", queryset=Cohort.objects.order_by("name")))
        .order_by("last_name", "first_name", "username")
    )


class AccessPanel(Panel):
    """Read-only access information for the page being edited (no form fields)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "portal/admin/access_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["access"] = page_access(
                self.instance, user=self.request.user, parent=getattr(self.form, "parent_page", None)
            )
            return context


def tabs_with_access(page_class: type[Page]) -> TabbedInterface:
    """The page type's usual Content, Promote and Settings tabs, then a read-only Access tab."""
    tabs = [
        ObjectList(panels, heading=heading)
        for panels, heading in (
            (page_class.content_panels, _("Content")),
            (page_class.promote_panels, _("Promote")),
            (page_class.settings_panels, _("Settings")),
        )
        if panels
    ]
    tabs.append(ObjectList([AccessPanel(heading=_("Who can read this page"))], heading=_("Access")))
    return TabbedInterface(tabs)
