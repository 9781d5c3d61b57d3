"""Listings used by menus, breadcrumbs, course pages and the dashboard. Each asks the access policy.

Every listing is in the reader's language: it holds one page per translation group, the reader's
translation where one is live and readable, else the source-language page (else any). A page shown
outside its own language is marked with the address it has in the reader's language (`shown_at`,
honoured by `PortalPage.get_url_parts`), so that following it keeps the reader's chrome;
`curriculum.routing.route_child` is the way back in: it finds a page of that address among the
children of every page of a translation group, so `/ar/<path>` of an untranslated page serves its source.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from functools import cached_property
from typing import NamedTuple

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Substr
from django.db.models.query import ModelIterable
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

from portal import access, change_tokens
from portal.memo import in_request, per_request


def current_locale() -> Locale:
    """The locale of the active language (else the default one); read once per request."""
    return locale_for(get_language() or "en") or _default_locale()


def locale_for(language: str) -> Locale | None:
    """The locale of `language` (as `Locale.objects.get_for_language` finds it), or None."""
    try:
        code = get_supported_content_language_variant(language)
    except LookupError:
        return None
    return _locales().get(code)


def _locales() -> dict[str, Locale]:
    """Every locale by language code (a handful of rows): kept across requests while the change
    token holds (locales are watched), each request given copies of its own."""

    def compute() -> tuple[Locale, ...]:
        return tuple(Locale.objects.all())

    def copies() -> dict[str, Locale]:
        return {locale.language_code: copy.copy(locale) for locale in change_tokens.kept("locales", compute)}

    return per_request("locales", copies)


def _default_locale() -> Locale:
    return locale_for(settings.LANGUAGE_CODE) or Locale.get_default()


def language_code_of(locale_id: int) -> str:
    """The language code of a locale by its id, without a query per page."""
    for locale in _locales().values():
        if locale.pk == locale_id:
            return locale.language_code
    return Locale.objects.get(pk=locale_id).language_code  # a locale added during the request


# Page fields that a listing never shows nor links by (revisions, locks, scheduling, the editor's
# draft title, the served page's own <title> and description): not read for listed pages.
UNLISTED_FIELDS = (
    "numchild",
    "latest_revision",
    "has_unpublished_changes",
    "first_published_at",
    "live_revision",
    "go_live_at",
    "expire_at",
    "expired",
    "locked",
    "locked_at",
    "locked_by",
    "draft_title",
    "owner",
    "latest_revision_created_at",
    "seo_title",
    "search_description",
)


def visible(user, queryset):
    """Live pages of `queryset` that `user` may view today."""
    return access.viewable_pages(user, queryset=queryset.live())


# --- one page per translation group, in the reader's language -----------------------------------


def in_group_of(page: Page, model: type[Page] = Page) -> QuerySet:
    """The children of `page` and of every other page of its translation group (all languages): a
    range of tree paths per page of the group, which the path index answers whatever the size of the
    tree. The group's paths are tree fields, kept across requests while the change token holds."""

    def group_paths() -> tuple[str, ...]:
        return tuple(
            Page.objects.filter(translation_key=page.translation_key, depth=page.depth).values_list(
                "path", flat=True
            )
        )

    paths = change_tokens.kept(("group paths", page.translation_key, page.depth), group_paths)
    children = Q(pk__in=[])
    for path in paths:
        children |= Q(path__range=Page._get_children_path_interval(path))
    return model.objects.filter(children, depth=page.depth + 1)


def readable(user, queryset: QuerySet, *, related: Iterable[str] = (), locale: Locale | None = None) -> list:
    """The live pages of `queryset` (pages of any language) that `user` may view, one per translation
    group: the reader's translation where there is one, else the source. In the source's tree order."""
    return readable_with_members(user, queryset, related=related, locale=locale)[0]


def readable_with_members(
    user, queryset: QuerySet, *, related: Iterable[str] = (), locale: Locale | None = None
) -> tuple[list, list]:
    """`readable`, and every page it chose from (each live page of `queryset` that `user` may view,
    in every language), from the same query."""
    # Listings link to pages: their StreamFields (bodies, objectives) are neither read nor decoded,
    # nor the fields of UNLISTED_FIELDS. In a request their locales are the request's (read once),
    # not joined to every row.
    if not in_request():
        related = ["locale", *related]
    pages = visible(user, queryset).defer_streamfields()
    if pages._iterable_class is ModelIterable:  # not `specific()`, which reads every field it copies
        pages = pages.defer(*UNLISTED_FIELDS)
    pages = list(pages.select_related(*related).order_by("path"))
    if in_request():
        with_locales(pages)
    return in_reader_language(pages, locale or current_locale()), pages


def with_locales(pages: Iterable[Page]) -> None:
    """Give each page its locale (`page.locale`, which Wagtail's URLs ask for) from the locales
    read once per request, instead of a join or a query per page."""
    by_id = {locale.pk: locale for locale in _locales().values()}
    for page in pages:
        locale = by_id.get(page.locale_id)
        if locale is not None:
            page.locale = locale


def in_reader_language(pages: list[Page], locale: Locale) -> list[Page]:
    """One page of each translation group among `pages` (already filtered by the policy): the one in
    `locale`, else the one in the default (source) language, else the first; ordered by the tree path
    of the group's source page. Pages not in `locale` are marked with their address in it."""
    default_id = default_locale_id()
    groups: dict = {}
    for page in pages:
        groups.setdefault(page.translation_key, []).append(page)
    chosen = []
    for members in groups.values():
        best = min(members, key=lambda p: (p.locale_id != locale.pk, p.locale_id != default_id, p.path))
        source = next((p for p in members if p.locale_id == default_id), best)
        chosen.append((source.path, best))
    chosen.sort(key=lambda item: item[0])
    result = [page for _, page in chosen]
    mark_shown_in(locale, [page for page in result if page.locale_id != locale.pk])
    return result


def default_locale_id() -> int:
    return _default_locale().pk


def mark_shown_in(locale: Locale, pages: list[Page]) -> None:
    """Give each page (not in `locale`) its address in `locale`'s part of the site: the address of its
    nearest ancestor translated into `locale`, then the slugs below it (what `route_child` follows)."""
    if not pages:
        return
    steplen = Page.steplen
    parents = {page.path[:-steplen] for page in pages if page.depth > access.LANDING_DEPTH}
    home_length = steplen * access.LANDING_DEPTH
    ancestor_paths = {path[:end] for path in parents for end in range(home_length, len(path) + 1, steplen)}
    ancestors = {
        page.path: page
        for page in Page.objects.filter(path__in=ancestor_paths).only(
            "path", "slug", "translation_key", "depth"
        )
    }
    translated = {
        page.translation_key: page
        for page in Page.objects.live().filter(
            locale=locale, translation_key__in={page.translation_key for page in ancestors.values()}
        )
    }
    prefixes: dict[str, str | None] = {}
    for parent in parents:
        slugs: list[str] = []
        prefix = None
        for end in range(len(parent), home_length - 1, -steplen):
            ancestor = ancestors.get(parent[:end])
            if ancestor is None:
                break
            translation = translated.get(ancestor.translation_key)
            if translation is not None:
                parts = translation.get_url_parts()
                if parts and parts[2]:
                    prefix = parts[2] + "".join(f"{slug}/" for slug in reversed(slugs))
                break
            slugs.append(ancestor.slug)
        prefixes[parent] = prefix
    for page in pages:
        prefix = prefixes.get(page.path[:-steplen])
        if prefix is not None:
            page.shown_at = f"{prefix}{page.slug}/"


def url_in_language(page: Page, locale: Locale, request: HttpRequest | None = None) -> str | None:
    """The address of `page` for a reader of `locale`: its live translation's, else its own content
    under that language's part of the site (`routing.route_child` serves it there). Made of watched
    tree fields only (addresses, translations, publication), so kept across requests while the
    change token holds, per page, language and site."""

    def compute() -> str | None:
        translation = page.get_translation_or_none(locale)
        if translation is not None and translation.live:
            return translation.get_url(request)
        marked = copy.copy(page)  # an instance of its own to mark, the caller's stays as it was
        mark_shown_in(locale, [marked])
        return getattr(marked, "shown_at", None)

    site = getattr(request, "_wagtail_site", None)
    return change_tokens.kept(("url in language", page.pk, locale.pk, site.pk if site else None), compute)


# --- the listings ------------------------------------------------------------------------------


class Navigation:
    """The tracks menu: courses visible to the user, grouped by track, in the reader's language."""

    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def tracks(self) -> list[dict]:

        if access.is_anonymous(self.user):
            return []
        courses = readable_courses(self.user)
        grouped: dict[int, dict] = {}
        for course in sorted(courses, key=lambda course: course.track.title):  # stable: tree order
            entry = grouped.setdefault(course.track_id, {"track": course.track, "courses": []})
            entry["courses"].append(course)
        return list(grouped.values())

    @cached_property
    def sections(self) -> list[Page]:
        from curriculum.models import HomePage

        if access.is_anonymous(self.user):
            return []
        # The menu pages below the reader's home page and its translations, in one query: the
        # home page's translation group is a subquery.
        home = HomePage.objects.filter(locale=current_locale(), depth=2).order_by("path")
        group = home.values("translation_key")[:1]
        homes = Page.objects.filter(depth=2, translation_key__in=group).values("path")
        menu = Page.objects.alias(parent_path=Substr("path", 1, 2 * Page.steplen)).filter(
            depth=3, parent_path__in=homes
        )
        return readable(self.user, menu.in_menu().specific(defer=True))


class MenuLink(NamedTuple):
    url: str
    title: str
    language: str  # of the linked page's content
    path: str  # its tree path and id, for aria-current (`portal_tags.aria_current`)
    pk: int


class MenuTrack(NamedTuple):
    id: int
    title: str
    courses: tuple[MenuLink, ...]


class Menu(NamedTuple):
    sections: tuple[MenuLink, ...]
    tracks: tuple[MenuTrack, ...]


def menu(request: HttpRequest) -> Menu:
    """The main menu's links for the request's reader, in the active language. The same for every
    reader who may read the same pages (`access.reader_key`), so it is kept across requests while the
    database's change token holds (`portal.change_tokens`: pages, tracks, sites, locales, and the
    policy's inputs)."""
    from wagtail.models import Site

    nav = Navigation(request.user)

    def link(target: Page) -> MenuLink:
        return MenuLink(
            target.get_url(request=request),
            target.title,
            language_code_of(target.locale_id),
            target.path,
            target.pk,
        )

    def compute() -> Menu:
        return Menu(
            sections=tuple(link(section) for section in nav.sections),
            tracks=tuple(
                MenuTrack(entry["track"].pk, entry["track"].display_title, tuple(map(link, entry["courses"])))
                for entry in nav.tracks
            ),
        )

    reader = access.reader_key(request.user)
    if reader is None:
        return compute()
    site = Site.find_for_request(request)
    return change_tokens.kept(("menu", reader, get_language(), site.pk if site else None), compute)


def readable_courses(user) -> list[Page]:
    """Every course `user` may read, with its track, in the reader's language: the menu's and the
    dashboard's, read once per request."""
    from curriculum.models import CoursePage

    def compute():
        return user, readable(user, CoursePage.objects.all(), related=["track"])

    # Keyed by the user object of this request (kept in the memo, so its id stays its own).
    return list(per_request(("readable courses", id(user), get_language()), compute)[1])


def navigation_for(request: HttpRequest) -> SimpleLazyObject:
    return SimpleLazyObject(lambda: Navigation(request.user))


def modules_for(user, *, course: Page) -> list[Page]:
    """The live modules of `course` (and of its translations) that `user` may view, in tree order."""
    from curriculum.models import ModulePage

    return readable(user, in_group_of(course, ModulePage))


def breadcrumbs(user, page: Page) -> list[Page]:
    """Ancestors of `page` below the root that `user` may view, from the home page down, each in the
    reader's language where it is translated."""
    ancestor_paths = [page.path[:end] for end in range(2 * Page.steplen, len(page.path), Page.steplen)]
    keys = Page.objects.filter(path__in=ancestor_paths).values("translation_key")
    crumbs = readable(user, Page.objects.filter(translation_key__in=keys))  # one query
    return sorted(crumbs, key=lambda crumb: crumb.depth)


def neighbours(user, page: Page) -> tuple[Page | None, Page | None]:
    """The previous and next sibling of `page` that `user` may view (modules in a course), among the
    siblings in every language of its parent, in the reader's language."""
    siblings = readable(user, in_group_of(page.get_parent(), type(page)))
    keys = [sibling.translation_key for sibling in siblings]
    if page.translation_key not in keys:
        return None, None
    index = keys.index(page.translation_key)
    previous = siblings[index - 1] if index > 0 else None
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    return previous, following


def with_parents(pages: list[Page]) -> list[Page]:
    """`pages`, each with its parent read (`get_parent()` asks no more), in one query for all."""
    paths = {page.path[: -Page.steplen] for page in pages if page.depth > 1}
    parents = {parent.path: parent for parent in Page.objects.filter(path__in=paths)}
    for page in pages:
        parent = parents.get(page.path[: -Page.steplen])
        if parent is not None:
            page._cached_parent_obj = parent  # what treebeard's get_parent() returns when set
    return pages


def children_for(user, page: Page, model: type[Page], related: list[str] | None = None) -> list[Page]:
    """The live children of `page` (and of its translations) of type `model` that `user` may view."""
    return readable(user, in_group_of(page, model), related=related or ())


def one_of_each(user, keys: Iterable, model: type[Page]) -> dict:
    """For each translation key, the page of that group `user` may read, in the reader's language
    where it is translated (groups they may not read are left out)."""
    pages = readable(user, model.objects.filter(translation_key__in=list(keys)))
    return {page.translation_key: page for page in pages}
