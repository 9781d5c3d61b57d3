"""The curriculum pages a lesson refers to (courses, modules, programmes), known by their content
type's name: content apps do not import each other, so lessons reach curriculum pages as Wagtail
pages. What is offered and shown is what the reader may read, one page per translation group, in
the reader's language where it is translated."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import get_language

from wagtail.models import Page

from portal import access

COURSE, MODULE, PROGRAMME = "coursepage", "modulepage", "programmepage"


def of_kind(*kinds: str) -> QuerySet[Page]:
    types = [ContentType.objects.get_by_natural_key("curriculum", kind) for kind in kinds]
    return Page.objects.live().filter(content_type__in=types)


def kind_of(page: Page) -> str:
    return ContentType.objects.get_for_id(page.content_type_id).model


def readable(user, pages: QuerySet[Page]) -> list[Page]:
    """One page of each translation group among `pages` that `user` may read (any translation of a
    group counts), in the reader's language where there is one, else the source; in tree order."""
    groups = pages.values("translation_key")
    candidates = access.viewable_pages(user, None, Page.objects.live().filter(translation_key__in=groups))
    language = (get_language() or "en").split("-")[0]
    chosen: dict = {}
    for page in candidates.select_related("locale").order_by("path"):
        current = chosen.get(page.translation_key)
        if current is None or (
            page.locale.language_code == language and current.locale.language_code != language
        ):
            chosen[page.translation_key] = page
    return sorted(chosen.values(), key=lambda page: page.path)


def groups_of(pages: Iterable[Page]) -> QuerySet[Page]:
    """Every page of the translation groups of `pages` (a lesson linked to the English module is
    about its Arabic translation too)."""
    return Page.objects.filter(translation_key__in=[page.translation_key for page in pages])
