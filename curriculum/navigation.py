"""Listings used by menus, breadcrumbs and course pages. Each asks the access policy."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from wagtail.models import Locale, Page

from portal import access


def current_locale() -> Locale:
    try:
        return Locale.objects.get_for_language(get_language() or "en")
    except Locale.DoesNotExist:
        return Locale.get_default()


def visible(user, queryset):
    """Live pages of `queryset` that `user` may view today."""
    return access.viewable_pages(user, queryset=queryset.live())


class Navigation:
    """The tracks menu: courses visible to the user, grouped by track, in the active language."""

    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def tracks(self) -> list[dict]:
        from curriculum.models import CoursePage

        if access.is_anonymous(self.user):
            return []
        courses = (
            visible(self.user, CoursePage.objects.filter(locale=current_locale()))
            .select_related("track")
            .order_by("track__title", "path")
        )
        grouped: dict[int, dict] = {}
        for course in courses:
            entry = grouped.setdefault(course.track_id, {"track": course.track, "courses": []})
            entry["courses"].append(course)
        return list(grouped.values())

    @cached_property
    def sections(self) -> list[Page]:
        from curriculum.models import HomePage

        if access.is_anonymous(self.user):
            return []
        home = HomePage.objects.filter(locale=current_locale(), depth=2).first()
        if home is None:
            return []
        return list(visible(self.user, home.get_children()).in_menu())


def navigation_for(request: HttpRequest) -> SimpleLazyObject:
    return SimpleLazyObject(lambda: Navigation(request.user))


def modules_for(user, *, course: Page) -> list[Page]:
    """The live modules of `course` that `user` may view, in tree order."""
    from curriculum.models import ModulePage

    return list(visible(user, ModulePage.objects.child_of(course)).order_by("path"))


def breadcrumbs(user, page: Page) -> list[Page]:
    """Ancestors of `page` below the root that `user` may view, from the home page down."""
    ancestors = page.get_ancestors().filter(depth__gte=2).live().order_by("depth")
    return access.filter_viewable(user, ancestors)


def neighbours(user, page: Page) -> tuple[Page | None, Page | None]:
    """The previous and next sibling of `page` that `user` may view (modules in a course)."""
    siblings = page.get_siblings(inclusive=False).type(type(page)).live().order_by("path")
    readable = access.filter_viewable(user, siblings.only("id", "path", "title", "url_path", "depth"))
    previous = [sibling for sibling in readable if sibling.path < page.path]
    following = [sibling for sibling in readable if sibling.path > page.path]
    return (previous[-1] if previous else None), (following[0] if following else None)


def children_for(user, page: Page, model: type[Page], related: list[str] | None = None) -> list[Page]:
    """The live children of `page` of type `model` that `user` may view, in tree order."""
    queryset = model.objects.child_of(page)
    if related:
        queryset = queryset.select_related(*related)
    return list(visible(user, queryset).order_by("path"))
