"""Modules and courses as PDF downloads (`<page-url>pdf/`), rendered by WeasyPrint.

Who may download is never decided here: the PDF is a way of serving the page (`PdfDownloadMixin`
routes `pdf/` to the page itself), so Wagtail's `before_serve_page` hook asks the access policy
exactly as for the page — 404 for a reader who may not read it, the sign-in page for an anonymous
visitor. This module shapes what a permitted reader gets (docs/pdfs.md):

- every page carries the classification marking at its top and bottom, with the releasability that
  the governing access rules imply ("RELEASABLE TO PK, US"), and a trace line: the reader's name and
  username and the time of the download (UTC);
- a course holds its summary, a table of contents and the modules the reader may read, in order;
- images come from storage, each asked of the access policy; nothing is fetched over the network.
"""

from __future__ import annotations

import datetime
import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, get_language_info

from wagtail.models import Page

import weasyprint

from curriculum.templatetags.portal_tags import classification_level
from portal import access, audit
from portal.media import media_object

STYLESHEET = "curriculum/pdf.css"
DEFAULT_MARKING = "UNCLASSIFIED"
# Most restrictive first, as `classification_level` (portal_tags) names them; a marking it does not
# recognise ("other") counts as the most restrictive, so a cover never understates what follows it.
MARKING_RANKS = [
    "other",
    "top-secret",
    "secret",
    "confidential",
    "restricted",
    "cui",
    "official",
    "unclassified",
]


def releasability(pages: list[Page]) -> str:
    """ "RELEASABLE TO PK, US" (ISO codes, sorted) when the rules governing `pages` name nations
    (`access.releasable_nations`), "RELEASABLE TO NONE" when those lists share no nation, "" when no
    rule names one (the classification marking alone then says what the page is)."""
    nations = access.releasable_nations(pages)
    if nations is None:
        return ""
    return "RELEASABLE TO " + (", ".join(sorted(nations)) if nations else "NONE")


def banner(marking: str, releasable: str) -> str:
    """The line printed at the top and bottom of every page: "SECRET//RELEASABLE TO PK, US"."""
    marking = (marking or DEFAULT_MARKING).strip()
    return f"{marking}//{releasable}" if releasable else marking


def highest_marking(modules: list[Page]) -> str:
    """The most restrictive of the modules' markings, for the pages of a course PDF that come before
    its modules: by level (TOP SECRET … UNCLASSIFIED, an unrecognised marking above them all), then
    the one with more caveats ("UNCLASSIFIED//FOUO" over "UNCLASSIFIED")."""
    markings = [module.classification.strip() for module in modules if module.classification.strip()]
    if not markings:
        return DEFAULT_MARKING
    return min(markings, key=lambda m: (MARKING_RANKS.index(classification_level(m)), -len(m)))


def trace(request: HttpRequest) -> dict:
    """Who downloaded, and when: the account behind the request (the staff member during "view as",
    with the simulated officer's label)."""
    viewer = getattr(request, "user", None)
    person = getattr(request, "real_user", None) or viewer
    return {
        "name": person.get_full_name() or person.get_username(),
        "username": person.get_username(),
        "at": timezone.now().astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "viewing_as": viewer.label if access.is_simulated(viewer) else "",
    }


class StorageFetcher(weasyprint.URLFetcher):
    """Resources for the renderer from this site's storage only: media files the reader may view
    (asked of the access policy, as `portal.media.serve_media` does), static files, data: URLs.
    Anything else — another host, another scheme, a file: URL — is refused, so rendering a PDF never
    reaches the network or the file system beyond those two places."""

    def __init__(self, request: HttpRequest):
        super().__init__(allowed_protocols={"http", "https", "data"})
        self.request = request
        self.host = request.get_host()

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc != self.host:
            raise ValueError(f"refused: {url}")
        path = unquote(parts.path)
        if path.startswith(settings.MEDIA_URL):
            name = path.removeprefix(settings.MEDIA_URL)
            obj = media_object(name)
            if obj is None or not access.can_view_media(self.request.user, obj):
                raise ValueError(f"refused: {url}")
            with default_storage.open(name) as file:
                body = file.read()
        elif path.startswith(settings.STATIC_URL) and (
            found := finders.find(path.removeprefix(settings.STATIC_URL))
        ):
            with open(found, "rb") as file:
                body = file.read()
        else:
            raise ValueError(f"refused: {url}")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return weasyprint.urls.URLFetcherResponse(url, body, {"Content-Type": content_type})


def render(request: HttpRequest, page: Page, *, modules: list[Page], course: Page | None) -> bytes:
    """The PDF of a module (`modules` is [page], `course` the course it is shown in) or of a course
    (`course` is `page`)."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    is_course = course is page
    marking = highest_marking(modules) if is_course else page.classification
    context = {
        "page": page,
        "course": course,
        "is_course": is_course,
        "modules": modules,
        "total_minutes": sum(module.estimated_minutes or 0 for module in modules),
        "banner": banner(marking, releasability([page, *modules])),
        "sections": [
            {"module": module, "banner": banner(module.classification, releasability([module]))}
            for module in modules
        ],
        "trace": trace(request),
        "language": language,
        "direction": "rtl" if get_language_info(language)["bidi"] else "ltr",
        "request": request,
        "user": request.user,
    }
    html = render_to_string("curriculum/pdf/document.html", context, request=request)
    fetcher = StorageFetcher(request)
    document = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/"), url_fetcher=fetcher)
    stylesheet = weasyprint.CSS(filename=finders.find(STYLESHEET), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet])


def response(request: HttpRequest, page: Page, *, modules: list[Page], course: Page | None) -> HttpResponse:
    """The download: private, never stored by a cache, recorded in the access log."""
    pdf = render(request, page, modules=modules, course=course)
    answer = HttpResponse(pdf, content_type="application/pdf")
    answer["Content-Disposition"] = content_disposition_header(True, f"{page.slug}.pdf")
    answer["Cache-Control"] = "private, no-store"
    audit.record(request, object_type=audit.ObjectType.PDF, obj=page, outcome=audit.Outcome.GRANTED)
    return answer
