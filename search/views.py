"""The search page. Until the search service lands it searches page titles and summaries of what the
signed-in user may read, through Wagtail's database backend."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wagtail.models import Page

from portal import access


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    results = Page.objects.none()
    if query:
        pages = access.viewable_pages(request.user).live().specific()
        results = pages.search(query, operator="and")
    paginator = Paginator(results, 20)
    return render(
        request,
        "search/search.html",
        {"query": query, "page_obj": paginator.get_page(request.GET.get("page"))},
    )
