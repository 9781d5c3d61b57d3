"""The access policy: the one place that decides who may see what, today.

Two faces with the same semantics:
- `can_view(user, page, today)` for one page;
- `viewable_pages(user, today, queryset)` — a queryset filter for many (listings, menus, search).
`search_filter(user, today)` expresses the same decision for search engines, `readers(page, today)`
answers the reverse question (who can read this page), and `can_view_media(user, obj)` decides for
documents and images by the pages that use them.

Semantics (docs/architecture.md): a non-staff user may view a page when every access rule on the
page or its ancestors passes. Rules belong to a translation group: a rule stored on any page of a
group governs every page of that group. A rule passes when the user is a member of one of its
cohorts whose window (starts_on … ends_on + grace_days, inclusive) contains today, today is within
the rule's own opens_on … closes_on, and the user's nation is in `releasable_to` when that list is
not empty. Users who can edit a page may view it; superusers see everything; anonymous users see
only landing pages (the site roots). "Today" is the portal's local date, or the date a staff member
chose when viewing as a simulated officer (`portal.viewas`).

This module knows pages only as Wagtail pages; it imports neither `curriculum` nor `search`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr
from django.utils import timezone

from wagtail.models import Page, ReferenceIndex
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy

from portal.models import AccessRule, Cohort, OfficerProfile

LANDING_DEPTH = 2  # site root pages (and their translations) are the landing pages

User = AbstractBaseUser | AnonymousUser
_page_permissions = PagePermissionPolicy()
_CACHE = "_tabadul_access_cache"


# --- who is asking -----------------------------------------------------------------------------


def is_anonymous(user: User | None) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


def is_simulated(user: User) -> bool:
    """A staff member's "view as" stand-in (portal.viewas.SimulatedOfficer): never has staff rights."""
    return getattr(user, "is_simulated", False)


def today_for(user: User | None = None, today: datetime.date | None = None) -> datetime.date:
    """The day the policy is evaluated for: an explicit date, a simulated viewer's date, or today in
    the portal's time zone."""
    return today or getattr(user, "view_date", None) or timezone.localdate()


def _cached(user: User, key, compute):
    """Memoise per user object: one request reuses the answer, the next request asks again, so a
    changed rule, membership or date takes effect at once."""
    cache = user.__dict__.setdefault(_CACHE, {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def open_cohort_ids(user: User, today: datetime.date | None = None) -> set[int]:
    """Cohorts of `user` whose access window contains `today`."""
    if is_anonymous(user):
        return set()
    day = today_for(user, today)
    if is_simulated(user):
        cohorts = Cohort.objects.filter(pk__in=user.cohort_ids)
    else:
        cohorts = Cohort.objects.filter(memberships__user=user)
    return {cohort.pk for cohort in cohorts.filter(starts_on__lte=day) if cohort.is_open_on(day)}


def nation_id(user: User) -> int | None:
    if is_anonymous(user):
        return None
    if is_simulated(user):
        return user.nation_id
    return OfficerProfile.objects.filter(user=user).values_list("nation_id", flat=True).first()


# --- rules -------------------------------------------------------------------------------------


def passing_rules(user: User, today: datetime.date | None = None) -> QuerySet[AccessRule]:
    """Rules that `user` satisfies on the day."""
    day = today_for(user, today)
    cohorts = open_cohort_ids(user, day)
    if not cohorts:
        return AccessRule.objects.none()
    through_cohorts = AccessRule.cohorts.through.objects.filter(accessrule_id=OuterRef("pk"))
    releasable = AccessRule.releasable_to.through.objects.filter(accessrule_id=OuterRef("pk"))
    nation = nation_id(user)
    nation_ok = ~Exists(releasable)
    if nation is not None:
        nation_ok |= Exists(releasable.filter(nation_id=nation))
    return (
        AccessRule.objects.filter(Exists(through_cohorts.filter(cohort_id__in=cohorts)))
        .filter(Q(opens_on__isnull=True) | Q(opens_on__lte=day))
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=day))
        .filter(nation_ok)
    )


def denied_rule_ids(user: User, today: datetime.date | None = None) -> frozenset[int]:
    """Ids of every rule `user` fails on the day: pages under any of them are hidden from the user."""
    day = today_for(user, today)

    def compute() -> frozenset[int]:
        passing = passing_rules(user, day).values("pk")
        return frozenset(AccessRule.objects.exclude(pk__in=passing).values_list("pk", flat=True))

    return _cached(user, ("denied", day), compute)


def applicable_rules(page: Page) -> QuerySet[AccessRule]:
    """Every rule that governs `page`: those on its translation group and on its ancestors' groups."""
    ancestor_paths = [page.path[:i] for i in range(Page.steplen, len(page.path) + 1, Page.steplen)]
    keys = Page.objects.filter(path__in=ancestor_paths).values("translation_key")
    return AccessRule.objects.filter(page__translation_key__in=keys)


def governing_rule_ids(page: Page) -> set[int]:
    """Ids of the rules that govern `page`: what a search index stores so that the policy can be a
    filter inside the engine's own query (see `search_filter`)."""
    return set(applicable_rules(page).values_list("pk", flat=True))


def is_restricted(page: Page) -> bool:
    """Does any rule govern `page`? (Restricted content is what the access log records.)"""
    return applicable_rules(page).exists()


def _restricted_by(rule_ids: Iterable[int]) -> Q:
    """Pages at or below any page of the translation groups that carry one of `rule_ids`."""
    rule_roots = Page.objects.filter(
        translation_key__in=AccessRule.objects.filter(pk__in=list(rule_ids)).values("page__translation_key")
    )
    # A root is an ancestor-or-self of the outer page when its path is a prefix of the outer path.
    return Q(Exists(rule_roots.filter(path=Substr(OuterRef("path"), 1, Length("path")))))


# --- pages -------------------------------------------------------------------------------------


def _has_page_edit_rights(user: User) -> bool:
    return not is_simulated(user) and _page_permissions.user_has_any_permission(user, {"change"})


def viewable_pages(
    user: User, today: datetime.date | None = None, queryset: QuerySet | None = None
) -> QuerySet:
    """Filter `queryset` (default: every page) down to the pages `user` may view on the day."""
    pages = Page.objects.all() if queryset is None else queryset
    if is_anonymous(user):
        return pages.filter(depth=LANDING_DEPTH)
    if user.is_superuser and not is_simulated(user):
        return pages
    denied = denied_rule_ids(user, today)
    visible = ~_restricted_by(denied) if denied else Q(pk__isnull=False)
    if _has_page_edit_rights(user):
        editable = _page_permissions.instances_user_has_any_permission_for(user, {"change"})
        visible |= Q(pk__in=editable.values("pk"))
    return pages.filter(visible)


def can_view(user: User, page: Page, today: datetime.date | None = None) -> bool:
    """May `user` view `page` on the day? Same answer as `viewable_pages`, for one page."""
    if is_anonymous(user):
        return page.depth == LANDING_DEPTH
    if user.is_superuser and not is_simulated(user):
        return True
    denied = denied_rule_ids(user, today)
    if not denied or not applicable_rules(page).filter(pk__in=denied).exists():
        return True
    return _has_page_edit_rights(user) and _page_permissions.user_has_permission_for_instance(
        user, "change", page
    )


def readers(page: Page, today: datetime.date | None = None) -> QuerySet:
    """Every active user who may read `page` on the day: officers whose cohorts, dates and nation pass
    every governing rule, plus staff who can edit it and superusers."""
    day = today_for(None, today)
    users = get_user_model().objects.filter(is_active=True)
    granted = users
    for rule in applicable_rules(page).prefetch_related("cohorts", "releasable_to"):
        in_window = (rule.opens_on is None or rule.opens_on <= day) and (
            rule.closes_on is None or day <= rule.closes_on
        )
        open_cohorts = [cohort.pk for cohort in rule.cohorts.all() if cohort.is_open_on(day)]
        if not in_window or not open_cohorts:
            granted = users.none()
            break
        passing = users.filter(memberships__cohort_id__in=open_cohorts)
        nations = [nation.pk for nation in rule.releasable_to.all()]
        if nations:
            passing = passing.filter(profile__nation_id__in=nations)
        granted = granted.filter(pk__in=passing.values("pk"))
    editors = _page_permissions.users_with_any_permission_for_instance({"change"}, page)
    return users.filter(
        Q(pk__in=granted.values("pk")) | Q(pk__in=editors.values("pk")) | Q(is_superuser=True)
    )


# --- documents and images ----------------------------------------------------------------------


def pages_using(obj: Model) -> QuerySet[Page]:
    """Live pages whose content refers to `obj` (Wagtail's reference index)."""
    page_type = ContentType.objects.get_for_model(Page)
    ids = ReferenceIndex.get_references_to(obj).filter(base_content_type=page_type).values("object_id")
    return Page.objects.live().filter(pk__in=[int(pk) for pk in ids.values_list("object_id", flat=True)])


def can_view_media(user: User, obj: Model, today: datetime.date | None = None) -> bool:
    """A document or image is visible to whoever may view a live page that uses it, and to staff who
    manage it; one used by no page the user may view is, for them, not there."""
    if is_anonymous(user):
        return False
    if not is_simulated(user):
        if user.is_superuser:
            return True
        policy = CollectionOwnershipPermissionPolicy(
            type(obj), auth_model=type(obj), owner_field_name="uploaded_by_user"
        )
        if policy.user_has_any_permission_for_instance(user, {"change", "choose"}, obj):
            return True
    return viewable_pages(user, today, pages_using(obj)).exists()


# --- search engines ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilter:
    """The access policy for one user on a day, in the terms a search index can match.

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
    if user.is_superuser and not is_simulated(user):
        return SearchFilter(everything=True)
    editable, owned = set(), set()
    if not is_simulated(user):
        for permission in _page_permissions.get_cached_permissions_for_user(user):
            if permission.permission.codename == "change_page":
                editable.add(permission.page_id)
            elif permission.permission.codename == "add_page":
                owned.add(permission.page_id)
    return SearchFilter(
        denied_rule_ids=denied_rule_ids(user, today),
        editable_root_ids=frozenset(editable),
        owned_root_ids=frozenset(owned),
        owner_id=user.pk,
    )
