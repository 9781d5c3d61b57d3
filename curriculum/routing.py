"""Finding the page a request's path serves, along routing steps kept across requests.

Wagtail routes a path by walking the tree (`Page.route_for_request`): the site (a query), its root
page in the reader's language (two), then a query per level (`route_child`). Those steps depend only
on the page tree, the sites and the locales, so each is kept across requests while the database's
change token holds (`portal.change_tokens`, which watches every field a step reads); the page that is
served is read afresh on every request, whole. `RouteAhead` hands the result to Wagtail, which keeps
a request's route in `request._wagtail_route_for_request`, before its `serve` view runs: what is served
and whether the reader may see it (`before_serve_page`, the access policy) are decided as before.

`route_child` is also how `/ar/<path>` of an untranslated page serves its source: a child is looked
for among the children of every page of the parent's translation group (curriculum.navigation).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS
from django.db.models import DEFERRED, QuerySet
from django.http import Http404, HttpRequest

from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult

from curriculum import navigation
from portal import change_tokens

# What a routing step reads of a page: tree fields only, each watched by a change-token trigger
# (portal.apps, curriculum.apps), so that a kept step is never older than the tree.
STEP_FIELDS = (
    "id",
    "path",
    "depth",
    "translation_key",
    "locale_id",
    "live",
    "slug",
    "url_path",
    "content_type_id",
)


class Step(NamedTuple):
    values: tuple  # of STEP_FIELDS


def page_for(step: Step) -> Page:
    """An instance of the step's page's specific class holding only its tree fields: a page passed
    through on the way only routes; the one served is read whole (`whole`)."""
    values = dict(zip(STEP_FIELDS, step.values, strict=True))
    model = ContentType.objects.get_for_id(values["content_type_id"]).model_class() or Page
    for field in model._meta.concrete_fields:  # the links to its parent models are its id too
        if getattr(field.remote_field, "parent_link", False):
            values[field.attname] = values["id"]
    fields = model._meta.concrete_fields
    return model.from_db(
        DEFAULT_DB_ALIAS, [f.attname for f in fields], [values.get(f.attname, DEFERRED) for f in fields]
    )


def whole(page: Page) -> Page:
    """`page` with every field read, afresh (one query), keeping what routing set on it."""
    if not page.get_deferred_fields():
        return page
    try:
        fresh = type(page)._default_manager.get(pk=page.pk)
    except page.DoesNotExist:  # deleted since its step was kept (and its token with it)
        raise Http404 from None
    fields = {field.attname for field in page._meta.concrete_fields}
    for name, value in page.__dict__.items():
        if name not in fields:
            fresh.__dict__.setdefault(name, value)
    return fresh


def _step_of(page: Page | None) -> Step | None:
    return None if page is None else Step(tuple(getattr(page, name) for name in STEP_FIELDS))


def route_child(page: Page, slug: str, request: HttpRequest | None = None) -> Page | None:
    """The child called `slug` of `page` or of another page of its translation group, for serving: a
    live one first, in the reader's language first, then in the source language."""
    locales = getattr(request, "_tabadul_route_locales", None)
    if locales is None:  # read once per request, however deep the page
        locales = (navigation.current_locale(), navigation.default_locale_id())
        if request is not None:
            request._tabadul_route_locales = locales
    locale, default_id = locales

    def choose() -> Step | None:
        candidates = list(navigation.in_group_of(page).filter(slug=slug).only(*STEP_FIELDS))
        if not candidates:
            return None
        return _step_of(
            min(
                candidates,
                key=lambda child: (
                    not child.live,
                    child.locale_id != locale.pk,
                    child.path[: -Page.steplen] != page.path,
                    child.locale_id != default_id,
                ),
            )
        )

    step = change_tokens.kept(("route child", page.pk, slug, locale.pk, default_id), choose)
    return None if step is None else page_for(step)


def view_restrictions(page: Page, read: Callable[[], QuerySet]) -> QuerySet:
    """Wagtail's view restrictions on `page` and its ancestors (`read`: Wagtail's own reading), asked
    by Wagtail before every page is served: which of them apply is kept across requests while the
    change token holds (restrictions and the tree are watched), and a page none applies to asks no
    query."""
    ids = change_tokens.kept(
        ("view restrictions", page.pk), lambda: tuple(read().values_list("pk", flat=True))
    )
    return PageViewRestriction.objects.filter(pk__in=ids) if ids else PageViewRestriction.objects.none()


def site_for(request: HttpRequest) -> Site | None:
    """`Site.find_for_request`, kept across requests (per host and port); the request gets a copy of
    its own, as Wagtail keeps it (`request._wagtail_site`)."""
    if not hasattr(request, "_wagtail_site"):
        host, port = request._get_raw_host(), request.get_port()
        site = change_tokens.kept(("site", host, port), lambda: Site._find_for_request(request))
        request._wagtail_site = copy.deepcopy(site)
    return request._wagtail_site


def route(request: HttpRequest, path: str) -> RouteResult | None:
    """`Page.route_for_request`: the site's root page in the reader's language, then its route."""
    site = site_for(request)
    if site is None:
        return None
    components = [component for component in path.split("/") if component]
    locale = navigation.current_locale()

    # Wagtail's own choice of the root page in the active language (`localized`), kept per locale.
    step = change_tokens.kept(("home", site.pk, locale.pk), lambda: _step_of(site.root_page.localized))
    try:
        found = page_for(step).route(request, components)
        return RouteResult(whole(found.page), found.args, found.kwargs)
    except Http404:
        return None


class RouteAhead:
    """Middleware: the request's site (`site_for`) and, for a request that Wagtail's `serve` view
    will serve, its route, found by `route` and handed to Wagtail (`request._wagtail_route_for_request`),
    which then routes no further."""

    def __init__(self, get_response) -> None:
        from wagtail import views  # imports the page model: not while models load (pages import this module)

        self.get_response = get_response
        self.wagtail_serve = views.serve

    def __call__(self, request):
        site_for(request)  # every view's links ask for the site (`Page.get_url`)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is self.wagtail_serve and not hasattr(request, "_wagtail_route_for_request"):
            path = view_args[0] if view_args else view_kwargs.get("path", "")
            request._wagtail_route_for_request = route(request, path)
        return None
