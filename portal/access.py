"""The access policy: the one place that decides who may see which page, today.

Two faces with the same semantics:
- `can_view(user, page, today)` for one page;
- `viewable_pages(user, today)` — a queryset filter for many (listings, menus, search).
`denied_rule_ids(user, today)` exposes the rules a user fails, so that search engines can encode
the policy as a filter inside their own query.

Semantics (docs/architecture.md): a non-staff user may view a page when every access rule on the
page or its ancestors passes. Rules belong to a translation group: a rule stored on any page of a
group governs every page of that group. A rule passes when the user is a member of one of its
cohorts whose window (starts_on … ends_on + grace_days, inclusive) contains today, today is within
the rule's own opens_on … closes_on, and the user's nation is in `releasable_to` when that list is
not empty. Users who can edit a page may view it; superusers see everything; anonymous users see
only landing pages (the site roots).

This module knows pages only as Wagtail pages; it imports neither `curriculum` nor `search`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr
from django.utils import timezone

from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from portal.models import AccessRule, Cohort, OfficerProfile

LANDING_DEPTH = 2  # site root pages (and their translations) are the landing pages

User = AbstractBaseUser | AnonymousUser
_page_permissions = PagePermissionPolicy()


def today_for(today: datetime.date | None = None) -> datetime.date:
    """Today in the portal's time zone, unless a date is given (previews of "view as" use one)."""
    return today or timezone.localdate()


def is_anonymous(user: User | None) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


def open_cohort_ids(user: User, today: datetime.date | None = None) -> set[int]:
    """Cohorts of `user` whose access window contains `today`."""
    if is_anonymous(user):
        return set()
    today = today_for(today)
    return {
        cohort.pk
        for cohort in Cohort.objects.filter(memberships__user=user, starts_on__lte=today)
        if cohort.access_ends_on >= today
    }


def nation_id(user: User) -> int | None:
    if is_anonymous(user):
        return None
    return OfficerProfile.objects.filter(user=user).values_list("nation_id", flat=True).first()


def passing_rules(user: User, today: datetime.date | None = None) -> QuerySet[AccessRule]:
    """Rules that `user` satisfies today."""
    today = today_for(today)
    cohorts = open_cohort_ids(user, today)
    if not cohorts:
        return AccessRule.objects.none()
    releasable = AccessRule.releasable_to.through.objects.filter(accessrule_id=OuterRef("pk"))
    nation = nation_id(user)
    nation_ok = ~Exists(releasable)
    if nation is not None:
        nation_ok |= Exists(releasable.filter(nation_id=nation))
    return (
        AccessRule.objects.filter(
            Exists(
                AccessRule.cohorts.through.objects.filter(accessrule_id=OuterRef("pk"), cohort_id__in=cohorts)
            )
        )
        .filter(Q(opens_on__isnull=True) | Q(opens_on__lte=today))
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        .filter(nation_ok)
    )


def denied_rule_ids(user: User, today: datetime.date | None = None) -> set[int]:
    """Ids of every rule `user` fails today: pages under any of them are hidden from the user."""
    return set(AccessRule.objects.exclude(pk__in=passing_rules(user, today)).values_list("pk", flat=True))


def _restricted_by(rule_ids: Iterable[int] | QuerySet) -> Q:
    """Pages at or below any page of the translation groups that carry one of `rule_ids`."""
    rule_roots = Page.objects.filter(
        translation_key__in=AccessRule.objects.filter(pk__in=rule_ids).values("page__translation_key")
    )
    # A root is an ancestor-or-self of the outer page when its path is a prefix of the outer path.
    return Q(Exists(rule_roots.filter(path=Substr(OuterRef("path"), 1, Length("path")))))


def _editable_pages(user: User) -> QuerySet[Page]:
    return _page_permissions.instances_user_has_any_permission_for(user, {"change"})


def viewable_pages(
    user: User, today: datetime.date | None = None, queryset: QuerySet | None = None
) -> QuerySet:
    """Filter `queryset` (default: every page) down to the pages `user` may view today."""
    pages = Page.objects.all() if queryset is None else queryset
    if is_anonymous(user):
        return pages.filter(depth=LANDING_DEPTH)
    if user.is_superuser:
        return pages
    today = today_for(today)
    denied = AccessRule.objects.exclude(pk__in=passing_rules(user, today)).values("pk")
    visible = ~_restricted_by(denied)
    if user.is_staff or _page_permissions.user_has_any_permission(user, {"change"}):
        visible |= Q(pk__in=_editable_pages(user).values("pk"))
    return pages.filter(visible)


def can_view(user: User, page: Page, today: datetime.date | None = None) -> bool:
    """May `user` view `page` today? Same answer as `viewable_pages`, for one page."""
    if is_anonymous(user):
        return page.depth == LANDING_DEPTH
    if user.is_superuser:
        return True
    if not applicable_rules(page).exclude(pk__in=passing_rules(user, today)).exists():
        return True
    return _page_permissions.user_has_permission_for_instance(user, "change", page)


def applicable_rules(page: Page) -> QuerySet[AccessRule]:
    """Every rule that governs `page`: those on its translation group and on its ancestors' groups."""
    ancestor_paths = [page.path[:i] for i in range(Page.steplen, len(page.path) + 1, Page.steplen)]
    keys = Page.objects.filter(path__in=ancestor_paths).values("translation_key")
    return AccessRule.objects.filter(page__translation_key__in=keys)


def governing_rule_ids(page: Page) -> set[int]:
    """Ids of the rules that govern `page`: what a search index stores so that the policy can be a
    filter inside the engine's own query (see `search_filter`)."""
    return set(applicable_rules(page).values_list("pk", flat=True))


@dataclass(frozen=True)
class SearchFilter:
    """The access policy for one user today, in the terms a search index can match.

    A page is visible when `everything` is true, or when none of its governing rule ids is in
    `denied_rule_ids`, or when it is at or below one of `editable_root_ids` (staff who can edit it),
    or when it is below one of `owned_root_ids` and owned by `owner_id` (Wagtail's "add" permission
    lets an author edit their own pages). `landing_only` restricts to site roots (anonymous users).
    """

    everything: bool = False
    landing_only: bool = False
    denied_rule_ids: frozenset[int] = frozenset()
    editable_root_ids: frozenset[int] = frozenset()
    owned_root_ids: frozenset[int] = frozenset()
    owner_id: int | None = None


def search_filter(user: User, today: datetime.date | None = None) -> SearchFilter:
    """The same decision as `viewable_pages`, expressed for search engines."""
    if is_anonymous(user):
        return SearchFilter(landing_only=True)
    if user.is_superuser:
        return SearchFilter(everything=True)
    editable, owned = set(), set()
    for permission in _page_permissions.get_cached_permissions_for_user(user):
        if permission.permission.codename == "change_page":
            editable.add(permission.page_id)
        elif permission.permission.codename == "add_page":
            owned.add(permission.page_id)
    return SearchFilter(
        denied_rule_ids=frozenset(denied_rule_ids(user, today)),
        editable_root_ids=frozenset(editable),
        owned_root_ids=frozenset(owned),
        owner_id=user.pk,
    )


def is_restricted(page: Page) -> bool:
    """Does any rule govern `page`? (Restricted content is what the access log records.)"""
    return applicable_rules(page).exists()
