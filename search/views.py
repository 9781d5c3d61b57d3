"""The search page (`/search/`) and the JSON API (`/api/v1/search/`, `/api/v1/search/suggest/`).

Thin views: `SearchForm` validates the request, `search.service` does the work, a template or
`JsonResponse` renders it. The API answers every refusal as JSON: 405 with `Allow` to a method other
than GET, 403 with the reason to a CSRF failure (`portal.api`), 401 to anonymous callers and 400 with
the reasons to invalid parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal import api
from search import labels, service
from search.forms import SearchForm


@require_GET
@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    context = {"form": form, "query": "", "results": None}
    if not form.is_valid():
        return render(request, "search/search.html", context, status=400)
    query = form.cleaned_data["q"]
    context["query"] = query
    if query:
        results = service.search(
            request.user, query, form.filters, form.page_number, sort=form.sort_order, label_facets=True
        )
        types = labels.type_labels()
        context.update(
            results=results,
            facets=labels.facet_labels(request.user, results),
            items=[(hit, types.get(hit.type, hit.type)) for hit in results.hits],
            page_url=labels.page_url(results),
            clear_filters_url=labels.clear_filters_url(results),
        )
    return render(request, "search/search.html", context)


def _api(view: Callable[[HttpRequest, SearchForm], JsonResponse]) -> Callable[[HttpRequest], JsonResponse]:
    """The API's opening checks, once: GET only (405 JSON with `Allow`), 401 JSON for anonymous
    callers, 400 JSON with the reasons for invalid parameters; the view gets the valid form. Marked
    as a JSON API view, so that Django's own refusals before it (CSRF) are JSON too."""

    @api.json_api
    @wraps(view)
    def checked(request: HttpRequest) -> JsonResponse:
        if request.method != "GET":
            return api.method_not_allowed(["GET"])
        if not request.user.is_authenticated:
            return JsonResponse({"error": _("Authentication required.")}, status=401)
        form = SearchForm(request.GET)
        if not form.is_valid():
            return JsonResponse(
                {"error": _("Invalid parameters."), "fields": form.error_reasons()}, status=400
            )
        return view(request, form)

    return checked


def _json(data: dict) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@_api
def search_api(request: HttpRequest, form: SearchForm) -> JsonResponse:
    results = service.search(
        request.user, form.cleaned_data["q"], form.filters, form.page_number, sort=form.sort_order
    )
    return _json(results.as_json())


@_api
def suggest_api(request: HttpRequest, form: SearchForm) -> JsonResponse:
    suggestions = service.suggest(request.user, form.cleaned_data["q"])
    return _json({"suggestions": [{"title": item.title, "url": item.url} for item in suggestions]})
