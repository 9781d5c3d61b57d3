"""The access policy: the one place that decides who may see what, today.

Two faces with the same semantics:
- `can_view(user, page, today)` for one page;
- `viewable_pages(user, today, queryset)` — a queryset filter for many (listings, menus, search).
`can_read_audience` / `readable_by_audience` decide for content that names its own readers (lessons
learned: author, then nations and cohorts once released) and `search_filter(user, today)` expresses
both decisions for search engines (with `GoverningRules`,
what an index stores of each page), `viewable_content` for content that a page governs, `readers(page, today)`
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
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from wagtail.models import Page, ReferenceIndex
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy

from portal import (
    change_tokens,
    lookups,  # registers `__any_of`, used by `_restricted_by`
)
from portal.memo import per_request, request_memo
from portal.models import AccessRule, Cohort, CohortMembership, OfficerProfile

LANDING_DEPTH = 2  # site root pages (and their translations) are the landing pages

User = AbstractBaseUser | AnonymousUser
_page_permissions = PagePermissionPolicy()


# --- who is asking -----------------------------------------------------------------------------


def is_anonymous(user: User | None) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


def is_simulated(user: User) -> bool:
    """A staff member's "view as" stand-in (portal.viewas.SimulatedOfficer): never has staff rights."""
    return getattr(user, "is_simulated", False)


def is_account_holder(user: User | None) -> bool:
    """A signed-in user with an account of their own: not anonymous, not a "view as" stand-in. Only
    for them is anything recorded (progress, attempts, certificates, learning records)."""
    return not is_anonymous(user) and not is_simulated(user)


def today_for(user: User | None = None, today: datetime.date | None = None) -> datetime.date:
    """The day the policy is evaluated for: an explicit date, a simulated viewer's date, or today in
    the portal's time zone."""
    return today or getattr(user, "view_date", None) or timezone.localdate()


# The policy's inputs (the rules with the paths they govern from, a reader's memberships and nation)
# are read once per request, and kept across requests for as long as the database's change token
# says none of their tables changed (`portal.change_tokens`: triggers on rules, their cohorts and
# nations, cohorts, memberships, profiles and the page tree), so a changed rule, membership or date
# takes effect on the next request. The day is never part of what is kept: each request evaluates
# windows on its own day. Outside a request memo (portal.memo) nothing is memoised within the call.
request_scope = request_memo


def _kept(key, compute):
    """Read once per request, and kept across requests while the change token holds."""
    return per_request(("access", key), lambda: change_tokens.kept(("access", key), compute))


def _viewer_key(user: User):
    if is_simulated(user):
        return ("simulated", tuple(sorted(user.cohort_ids)), user.nation_id)
    return ("user", user.pk)


class _Membership(NamedTuple):
    cohort_id: int
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    grace_days: int


def _viewer_facts(user: User, day: datetime.date) -> tuple[frozenset[int], int | None]:
    """The user's cohorts open on `day` and their nation."""
    memberships, nation = _kept(("viewer", _viewer_key(user)), lambda: _read_viewer(user))
    open_ids = frozenset(
        m.cohort_id for m in memberships if Cohort.window_contains(m.starts_on, m.ends_on, m.grace_days, day)
    )
    return open_ids, nation


def _read_viewer(user: User) -> tuple[tuple[_Membership, ...], int | None]:
    """The user's memberships with their cohorts' windows, and their nation (one query)."""
    if is_simulated(user):
        cohorts = Cohort.objects.filter(pk__in=user.cohort_ids).values_list(
            "pk", "starts_on", "ends_on", "grace_days"
        )
        return tuple(_Membership(*row) for row in cohorts), user.nation_id
    rows = CohortMembership.objects.filter(user=user).values_list(
        "cohort_id", "cohort__starts_on", "cohort__ends_on", "cohort__grace_days", "user__profile__nation_id"
    )
    if not rows:
        nation = OfficerProfile.objects.filter(user=user).values_list("nation_id", flat=True).first()
        return (), nation
    return tuple(_Membership(*row[:4]) for row in rows), rows[0][4]


def nation_id(user: User) -> int | None:
    if is_anonymous(user):
        return None
    return _viewer_facts(user, today_for(user))[1]


# --- rules -------------------------------------------------------------------------------------


def denied_rule_ids(user: User, today: datetime.date | None = None) -> frozenset[int]:
    """Ids of every rule `user` fails on the day: pages under any of them are hidden from the user."""
    day = today_for(user, today)
    cohorts, nation = (frozenset(), None) if is_anonymous(user) else _viewer_facts(user, day)
    return _kept(("denied", cohorts, nation, day), lambda: _denied(cohorts, nation, day))


def _denied(cohorts: frozenset[int], nation: int | None, day: datetime.date) -> frozenset[int]:
    return frozenset(
        rule.id
        for rule in _rule_table()
        if not (rule.cohort_ids & cohorts)
        or (rule.opens_on is not None and day < rule.opens_on)
        or (rule.closes_on is not None and day > rule.closes_on)
        or (rule.nation_ids and nation not in rule.nation_ids)
    )


class _RuleRow(NamedTuple):  # a tuple: a thousand of them, shared by every request
    id: int
    root_path: str
    opens_on: datetime.date | None
    closes_on: datetime.date | None
    cohort_ids: frozenset[int]
    nation_ids: frozenset[int]


def _rule_table() -> tuple[_RuleRow, ...]:
    """Every rule with each root path it governs from (the pages of its translation group), its
    window, its cohorts and its nations."""
    return _kept("rules", _read_rule_table)


def _read_rule_table() -> tuple[_RuleRow, ...]:
    rule, page = (connection.ops.quote_name(model._meta.db_table) for model in (AccessRule, Page))
    # The pages of each rule's translation group: a self-join on translation_key, which the ORM
    # cannot express without a foreign key. PostgreSQL's planner would hash the whole page table for
    # that join (a sequential scan, 7 → 45 ms for 1,000 rules from 1,000 to 100,000 modules), so
    # there each rule's group is an array read through the indexes, rule by rule (14 ms).
    if connection.vendor == "postgresql":
        paths = (
            f"ARRAY(SELECT member.path FROM {page} member WHERE member.translation_key = "  # noqa: S608
            f"(SELECT ruled.translation_key FROM {page} ruled WHERE ruled.id = r.page_id))"
        )
        source = f"{rule} r"
    else:
        paths = "member.path"
        source = (
            f"{rule} r JOIN {page} ruled ON ruled.id = r.page_id "
            f"JOIN {page} member ON member.translation_key = ruled.translation_key"
        )
    rule_cohorts, rule_nations = (
        connection.ops.quote_name(field.remote_field.through._meta.db_table)
        for field in (AccessRule._meta.get_field("cohorts"), AccessRule._meta.get_field("releasable_to"))
    )
    cohorts, nations = _ids_of(rule_cohorts, "cohort_id"), _ids_of(rule_nations, "nation_id")
    sql = f"SELECT r.id, {paths}, r.opens_on, r.closes_on, {cohorts}, {nations} FROM {source}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(
            _RuleRow(rule_id, path, _date(opens), _date(closes), _id_set(cohort_ids), _id_set(nation_ids))
            for rule_id, found, opens, closes, cohort_ids, nation_ids in cursor.fetchall()
            for path in (found if isinstance(found, list) else [found])
        )


def _ids_of(through_table: str, column: str) -> str:
    """The ids in `column` of rule `r`'s rows of `through_table`, as one column: an array on
    PostgreSQL, comma-separated text on SQLite."""
    rows = f"FROM {through_table} m WHERE m.accessrule_id = r.id"  # noqa: S608 - names only
    if connection.vendor == "postgresql":
        return f"ARRAY(SELECT m.{column} {rows})"
    return f"(SELECT group_concat(m.{column}) {rows})"


def _id_set(value) -> frozenset[int]:
    if not value:
        return frozenset()
    return frozenset(value) if isinstance(value, list) else frozenset(int(part) for part in value.split(","))


def _date(value) -> datetime.date | None:
    """Raw SQLite rows carry dates as text; PostgreSQL's as dates."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def applicable_rules(page: Page) -> QuerySet[AccessRule]:
    """Every rule that governs `page`: those on its translation group and on its ancestors' groups."""
    ancestor_paths = [page.path[:i] for i in range(Page.steplen, len(page.path) + 1, Page.steplen)]
    keys = Page.objects.filter(path__in=ancestor_paths).values("translation_key")
    return AccessRule.objects.filter(page__translation_key__in=keys)


def governing_rule_ids(page: Page) -> set[int]:
    """Ids of the rules that govern `page`: what a search index stores so that the policy can be a
    filter inside the engine's own query (see `search_filter`; `GoverningRules` for many pages)."""
    return set(applicable_rules(page).values_list("pk", flat=True))


@dataclass(frozen=True)
class GoverningFacts:
    ancestor_ids: list[int]  # the page and its ancestors, root first
    rule_ids: list[int]  # every rule that governs the page, sorted


class GoverningRules:
    """`governing_rule_ids` (and the ancestors) for many pages at once, by tree path, with a fixed
    number of queries per call whatever the number of pages; what one call read is remembered for
    the next (a search index rebuild asks for every page, batch after batch): the rules' translation
    groups once (rules are few beside pages), the pages' ancestors as they are first met."""

    def __init__(self) -> None:
        self._ancestors: dict[str, tuple[int, str]] = {}  # path → (page id, translation key)
        self._rules: dict[str, list[int]] | None = None  # translation key → rule ids

    def facts(
        self, paths: Iterable[str], known: dict[str, tuple[int, object]] | None = None
    ) -> dict[str, GoverningFacts]:
        """`known`: path → (page id, translation key) of pages the caller has already read (a
        batch's own rows), which need no query."""
        paths = list(paths)
        for path, (pk, key) in (known or {}).items():
            self._ancestors.setdefault(path, (pk, str(key)))
        step = Page.steplen
        wanted = {path[:end] for path in paths for end in range(step, len(path) + 1, step)}
        missing = wanted - self._ancestors.keys()
        if missing:
            for path, pk, key in Page.objects.filter(path__in=missing).values_list(
                "path", "pk", "translation_key"
            ):
                self._ancestors[path] = (pk, str(key))
        if self._rules is None:
            self._rules = {}
            for rule_id, key in AccessRule.objects.values_list("pk", "page__translation_key"):
                self._rules.setdefault(str(key), []).append(rule_id)
        return {path: self._facts(path) for path in paths}

    def _facts(self, path: str) -> GoverningFacts:
        ancestor_ids, rule_ids = [], set()
        for end in range(Page.steplen, len(path) + 1, Page.steplen):
            if (found := self._ancestors.get(path[:end])) is not None:
                ancestor_ids.append(found[0])
                rule_ids.update(self._rules.get(found[1], ()))
        return GoverningFacts(ancestor_ids=ancestor_ids, rule_ids=sorted(rule_ids))


def rule_root_page_ids(page_id: int | None) -> set[int]:
    """The pages a rule stored on `page_id` governs from: every page of its translation group (the
    rule governs them and everything below them)."""
    if page_id is None:
        return set()
    keys = Page.objects.filter(pk=page_id).values("translation_key")
    return set(Page.objects.filter(translation_key__in=keys).values_list("pk", flat=True)) or {page_id}


def rule_roots() -> dict[str, frozenset[int]]:
    """Tree path of every page that carries a rule through its translation group → those rule ids.

    A rule governs exactly the pages at or below its roots, so with this map single-page decisions
    need no further query and listings filter on path prefixes instead of joining rules. Shared
    between requests: never change it.
    """

    def compute() -> dict[str, frozenset[int]]:
        roots: dict[str, set[int]] = {}
        for row in _rule_table():
            roots.setdefault(row.root_path, set()).add(row.id)
        return {path: frozenset(ids) for path, ids in roots.items()}

    return _kept("roots", compute)


def _under(path: str, roots) -> bool:
    """Is `path` at or below one of `roots` (a set of tree paths)?"""
    return any(path[:end] in roots for end in range(Page.steplen, len(path) + 1, Page.steplen))


def is_restricted(page: Page) -> bool:
    """Does any rule govern `page`? (Restricted content is what the access log records.)"""
    return _under(page.path, rule_roots())


def _denied_roots(user: User, today: datetime.date | None) -> frozenset[str]:
    denied = denied_rule_ids(user, today)

    def compute() -> frozenset[str]:
        return frozenset(path for path, rules in rule_roots().items() if rules & denied)

    return _kept(("denied roots", denied), compute)


def _by_length(root_paths: frozenset[str]) -> dict[int, lookups.Values]:
    """`root_paths` grouped by length (tree depth) and encoded once (`lookups.Values`), not once per
    listing."""

    def compute() -> dict[int, lookups.Values]:
        by_length: dict[int, list[str]] = {}
        for path in sorted(root_paths):
            by_length.setdefault(len(path), []).append(path)
        return {length: lookups.Values(paths) for length, paths in by_length.items()}

    return _kept(("paths by length", root_paths), compute)


def _restricted_by(root_paths: Iterable[str]) -> Q:
    """Pages at or below any of `root_paths`: one IN test per path length (tree depth), whatever the
    number of rules."""
    condition = Q(pk__in=[])
    for length, values in _by_length(root_paths).items():
        condition |= Q(**{f"path_prefix_{length}__any_of": values})
    return condition


def _with_prefixes(pages: QuerySet, root_paths: Iterable[str]) -> QuerySet:
    lengths = _by_length(root_paths)
    return pages.alias(**{f"path_prefix_{length}": Substr("path", 1, length) for length in lengths})


# --- pages -------------------------------------------------------------------------------------


def _has_page_edit_rights(user: User) -> bool:
    # Editing a page needs the admin; asking Django's permissions first spares officers the
    # page-permission query (every request has asked them already: the two-factor middleware).
    return (
        not is_simulated(user)
        and user.has_perm("wagtailadmin.access_admin")
        and _page_permissions.user_has_any_permission(user, {"change"})
    )


def reader_key(user: User, today: datetime.date | None = None) -> Hashable | None:
    """A value that is the same for any two readers who may read exactly the same pages on the day
    (so that what a listing or menu shows one of them may be shown to the other); None when the
    answer is the reader's own (staff who can edit pages also read what their page permissions give
    them)."""
    if is_anonymous(user):
        return ("landing pages",)
    if user.is_superuser and not is_simulated(user):
        return ("everything",)
    if _has_page_edit_rights(user):
        return None
    return ("denied", denied_rule_ids(user, today))


def viewable_pages(
    user: User, today: datetime.date | None = None, queryset: QuerySet | None = None
) -> QuerySet:
    """Filter `queryset` (default: every page) down to the pages `user` may view on the day."""
    pages = Page.objects.all() if queryset is None else queryset
    if is_anonymous(user):
        return pages.filter(depth=LANDING_DEPTH)
    if user.is_superuser and not is_simulated(user):
        return pages
    denied_roots = _denied_roots(user, today)
    if not denied_roots:
        return pages
    visible = ~_restricted_by(denied_roots)
    if _has_page_edit_rights(user):
        editable = _page_permissions.instances_user_has_any_permission_for(user, {"change"})
        visible |= Q(pk__in=editable.values("pk"))
    return _with_prefixes(pages, denied_roots).filter(visible)


def can_view(user: User, page: Page, today: datetime.date | None = None) -> bool:
    """May `user` view `page` on the day? Same answer as `viewable_pages`, for one page."""
    if is_anonymous(user):
        return page.depth == LANDING_DEPTH
    if user.is_superuser and not is_simulated(user):
        return True
    if not _under(page.path, _denied_roots(user, today)):
        return True
    return _has_page_edit_rights(user) and _page_permissions.user_has_permission_for_instance(
        user, "change", page
    )


def viewable_content(
    user: User, today: datetime.date | None, queryset: QuerySet, *, page_field: str
) -> QuerySet:
    """Filter `queryset` — content governed by the live page in `page_field` — to what `user` may read
    on the day: content is readable where its page is; content that no page governs (`page_field` is
    null) is readable by every signed-in user, like a page with no rule on its path."""
    pages = viewable_pages(user, today, Page.objects.live())
    readable = Q(**{f"{page_field}__in": pages.values("pk")})
    if not is_anonymous(user):
        readable |= Q(**{f"{page_field}__isnull": True})
    return queryset.filter(readable)


def filter_viewable(user: User, pages: Iterable[Page], today: datetime.date | None = None) -> list[Page]:
    """The pages of an already-fetched list that `user` may view: `can_view` for each, in memory."""
    return [page for page in pages if can_view(user, page, today)]


def filter_viewable_rows(user: User, rows: Iterable[dict], today: datetime.date | None = None) -> list[dict]:
    """`filter_viewable` for `values()` rows of pages (each with `pk`, `path` and `depth`), for the
    hot paths that read a few pages without building page instances. Same decision: in memory from
    the request's rules, and for staff the rows under a denied rule asked of `viewable_pages`."""
    rows = list(rows)
    if is_anonymous(user):
        return [row for row in rows if row["depth"] == LANDING_DEPTH]
    if user.is_superuser and not is_simulated(user):
        return rows
    denied = _denied_roots(user, today)
    hidden = {row["pk"] for row in rows if _under(row["path"], denied)}
    if hidden and _has_page_edit_rights(user):
        hidden -= set(
            viewable_pages(user, today, Page.objects.filter(pk__in=hidden)).values_list("pk", flat=True)
        )
    return [row for row in rows if row["pk"] not in hidden]


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


def releasable_nations(pages: Iterable[Page]) -> set[str] | None:
    """The nations (ISO codes) the rules governing `pages` release them to: those every rule that
    names nations names, since a reader must pass them all (empty when they share none); None when
    no rule names a nation."""
    rules = AccessRule.objects.none()
    for page in pages:
        rules = rules | applicable_rules(page)
    nations: set[str] | None = None
    for rule in rules.distinct().prefetch_related("releasable_to"):
        codes = {nation.code for nation in rule.releasable_to.all()}
        if codes:
            nations = codes if nations is None else nations & codes
    return nations


def granting_cohorts(user: User, page: Page, today: datetime.date | None = None) -> list[Cohort]:
    """The user's cohorts open on the day that a rule governing `page` names (what gives them the
    page); all their open cohorts when no rule names one (an unrestricted page)."""
    day = today_for(user, today)
    mine = [
        cohort
        for cohort in Cohort.objects.filter(memberships__user=user).order_by("slug")
        if cohort.is_open_on(day)
    ]
    granting = set(applicable_rules(page).values_list("cohorts", flat=True))
    return [cohort for cohort in mine if cohort.pk in granting] or mine


# --- cohort reports ----------------------------------------------------------------------------


def reportable_cohorts(user: User) -> QuerySet[Cohort]:
    """The cohorts whose progress reports `user` may see: every cohort for superusers and for those
    who manage cohorts (programme admins: `portal.change_cohort`), else the cohorts they teach."""
    if not is_account_holder(user):
        return Cohort.objects.none()
    if user.is_superuser or user.has_perm("portal.change_cohort"):
        return Cohort.objects.all()
    return Cohort.objects.filter(instructors=user)


# --- content that names its own readers (lessons learned) ---------------------------------------

# The group that runs the lessons-learned process: it reads every lesson at every stage. Programme
# admins and editors may hold it besides their own group.
LESSONS_MANAGERS = "Lessons managers"


@dataclass(frozen=True)
class Audience:
    """Who may read a piece of content that is not governed by a page but names its readers: the
    people in `reader_ids` always (a lesson's author, and the action body tasked with it); nobody
    else until it is `released` (a lesson past review); then readers whose
    nation is in `nation_ids` (empty: every nation) and, when `cohort_ids` is not empty, who are
    members of one of those cohorts whose window is open on the day."""

    reader_ids: frozenset[int]
    released: bool
    nation_ids: frozenset[int] = frozenset()
    cohort_ids: frozenset[int] = frozenset()


def is_lessons_manager(user: User) -> bool:
    """A member of the lessons managers' group (or a superuser), not while viewing as an officer."""
    if not is_account_holder(user):
        return False
    if user.is_superuser:
        return True
    return per_request(
        ("lessons manager", user.pk), lambda: user.groups.filter(name=LESSONS_MANAGERS).exists()
    )


def can_read_audience(user: User, audience: Audience, today: datetime.date | None = None) -> bool:
    """May `user` read content with this audience on the day (the decision for one object)."""
    if is_anonymous(user):
        return False
    if is_lessons_manager(user):
        return True
    if is_account_holder(user) and user.pk in audience.reader_ids:
        return True
    if not audience.released:
        return False
    open_cohorts, nation = _viewer_facts(user, today_for(user, today))
    if audience.nation_ids and nation not in audience.nation_ids:
        return False
    return not audience.cohort_ids or bool(audience.cohort_ids & open_cohorts)


def readable_by_audience(
    user: User,
    today: datetime.date | None,
    queryset: QuerySet,
    *,
    author: str = "author",
    tasked: str = "tasked",
    released: str = "released",
    nations: str = "releasable_to",
    cohorts: str = "cohorts",
) -> QuerySet:
    """`can_read_audience` for many: filter `queryset` of a model whose fields `author` (a user),
    `tasked` (many-to-many to users who always read it too), `released` (a boolean), `nations` and
    `cohorts` (many-to-many to Nation and Cohort) hold each row's audience."""
    if is_anonymous(user):
        return queryset.none()
    if is_lessons_manager(user):
        return queryset
    open_cohorts, nation = _viewer_facts(user, today_for(user, today))
    nation_links = _links(queryset.model, nations)
    cohort_links = _links(queryset.model, cohorts)
    nation_ok = ~Exists(nation_links)
    if nation is not None:
        nation_ok |= Exists(nation_links.filter(**{_target(queryset.model, nations): nation}))
    cohort_ok = ~Exists(cohort_links)
    if open_cohorts:
        cohort_ok |= Exists(cohort_links.filter(**{f"{_target(queryset.model, cohorts)}__in": open_cohorts}))
    readable = Q(**{released: True}) & nation_ok & cohort_ok
    if is_account_holder(user):
        tasked_links = _links(queryset.model, tasked)
        readable |= Q(**{author: user.pk}) | Exists(
            tasked_links.filter(**{_target(queryset.model, tasked): user.pk})
        )
    return queryset.filter(readable)


def _links(model: type[Model], name: str) -> QuerySet:
    """The rows of a many-to-many field's table that belong to the outer row."""
    field = model._meta.get_field(name)
    through = field.remote_field.through
    return through.objects.filter(**{field.m2m_field_name(): OuterRef("pk")})


def _target(model: type[Model], name: str) -> str:
    return f"{model._meta.get_field(name).m2m_reverse_field_name()}_id"


# --- discussion: a module's thread for one cohort ----------------------------------------------


def can_moderate_discussion(user: User, cohort: Cohort) -> bool:
    """Moderators of a cohort's discussions: the cohort's instructors, and superusers (not while they
    view the portal as an officer)."""
    if not is_account_holder(user):
        return False
    if user.is_superuser:
        return True
    return cohort.instructors.filter(pk=user.pk).exists()


def moderated_cohorts(user: User) -> QuerySet[Cohort]:
    """The cohorts whose discussions `user` moderates (`can_moderate_discussion` for many)."""
    if not is_account_holder(user):
        return Cohort.objects.none()
    return Cohort.objects.all() if user.is_superuser else Cohort.objects.filter(instructors=user)


def can_join_discussion(user: User, module: Page, cohort: Cohort, today: datetime.date | None = None) -> bool:
    """Who may read and post in the discussion of `module` for `cohort`: a member whose membership of
    the cohort is open on the day and who may read the module, or one of its moderators. Everyone
    else is told the thread does not exist (404)."""
    if not is_account_holder(user) or not module.live:
        return False
    if can_moderate_discussion(user, cohort):
        return True
    open_cohorts, _nation = _viewer_facts(user, today_for(user, today))
    return cohort.pk in open_cohorts and can_view(user, module, today)


def discussion_cohorts(user: User, module: Page, today: datetime.date | None = None) -> list[Cohort]:
    """The cohorts whose discussion of `module` the user may join (members: their open cohorts; an
    instructor: the cohorts they teach), in a stable order."""
    if not is_account_holder(user) or not module.live:
        return []
    cohorts = {cohort.pk: cohort for cohort in moderated_cohorts(user)}
    if can_view(user, module, today):
        open_cohorts, _nation = _viewer_facts(user, today_for(user, today))
        cohorts.update({cohort.pk: cohort for cohort in Cohort.objects.filter(pk__in=open_cohorts)})
    return sorted(cohorts.values(), key=lambda cohort: cohort.slug)


# --- documents and images ----------------------------------------------------------------------


def pages_using(obj: Model) -> QuerySet[Page]:
    """Live pages whose content refers to `obj` (Wagtail's reference index)."""
    page_type = ContentType.objects.get_for_model(Page)
    ids = ReferenceIndex.get_references_to(obj).filter(base_content_type=page_type).values("object_id")
    return Page.objects.live().filter(pk__in=[int(pk) for pk in ids.values_list("object_id", flat=True)])


def pages_referring_to(model: type[Model], object_ids: Iterable) -> dict:
    """For each of `object_ids` (objects of `model`, e.g. glossary terms), the ids of the pages whose
    content refers to it (Wagtail's reference index), in one query. Who may read those pages is still
    asked of `viewable_pages`."""
    page_type = ContentType.objects.get_for_model(Page)
    found: dict = {}
    rows = ReferenceIndex.objects.filter(
        base_content_type=page_type,
        to_content_type=ContentType.objects.get_for_model(model),
        to_object_id__in=[str(pk) for pk in object_ids],
    ).values_list("to_object_id", "object_id")
    for to_id, page_id in rows:
        found.setdefault(model._meta.pk.to_python(to_id), set()).add(int(page_id))
    return found


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
    # Content with an `Audience` (lessons): readable by every audience (lessons managers), else by
    # those it names (`reader_id` among its readers), or once released by `nation_id` and members of
    # `open_cohort_ids`.
    every_audience: bool = False
    reader_id: int | None = None
    nation_id: int | None = None
    open_cohort_ids: frozenset[int] = frozenset()


def search_filter(user: User, today: datetime.date | None = None) -> SearchFilter:
    """The same decision as `viewable_pages`, expressed for search engines."""
    if is_anonymous(user):
        return SearchFilter(landing_only=True)
    if user.is_superuser and not is_simulated(user):
        return SearchFilter(everything=True)
    editable, owned = set(), set()
    if _has_page_edit_rights(user):
        for permission in _page_permissions.get_cached_permissions_for_user(user):
            if permission.permission.codename == "change_page":
                editable.add(permission.page_id)
            elif permission.permission.codename == "add_page":
                owned.add(permission.page_id)
    open_cohorts, nation = _viewer_facts(user, today_for(user, today))
    return SearchFilter(
        denied_rule_ids=denied_rule_ids(user, today),
        editable_root_ids=frozenset(editable),
        owned_root_ids=frozenset(owned),
        owner_id=user.pk,
        every_audience=is_lessons_manager(user),
        reader_id=user.pk if is_account_holder(user) else None,
        nation_id=nation,
        open_cohort_ids=open_cohorts,
    )
