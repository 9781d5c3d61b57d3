"""Template helpers for the officer-facing pages: language switcher, durations, anchors, labels.

Presentation only: nothing here decides who may see what (that is `portal.access`); the language
switcher links a page only to its own translation, which is governed by the same access rules.
"""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import get_language, get_language_info, ngettext, pgettext

from wagtail.models import Page

from curriculum.navigation import MenuLink, language_code_of, locale_for, menu, url_in_language
from portal.i18n import in_active_language

register = template.Library()

LANGUAGE_LABELS = {"en": "English", "ar": "العربية"}


def _other_language(current: str) -> str:
    return "en" if current.startswith("ar") else "ar"


def _home_url(language: str) -> str:
    return "/" if language == "en" else f"/{language}/"


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context, page=None, home_only=False):
    """A link to this content in the other language.

    For a Wagtail page: its live translation when one exists, else the page itself under the other
    language's prefix (shown in its own language there, with a notice).
    For other views under the language prefix (the glossary): the same view in the other language.
    `home_only` always links to the other home (used by the 404 page, which must reveal nothing).
    """
    request = context.get("request")
    current = (get_language() or "en").split("-")[0]
    target = _other_language(current)
    url = None
    if not home_only:
        if isinstance(page, Page):
            locale = locale_for(target)
            # Its translation, else the page itself in the other language's chrome (served there
            # from its source: curriculum.routing.route_child).
            url = url_in_language(page, locale, request) if locale else None
        elif request is not None:
            translated = translate_url(request.path, target)
            if translated != request.path:
                url = translated
                query = request.GET.urlencode()
                if query:
                    url = f"{url}?{query}"
    return {
        "url": url or _home_url(target),
        "language": target,
        "label": LANGUAGE_LABELS.get(target, get_language_info(target)["name_local"]),
        "bidi": get_language_info(target)["bidi"],
        "is_translation": bool(url) and not (isinstance(page, Page) and _language_of(page) != target),
    }


@register.simple_tag(takes_context=True)
def menu_links(context, page=None) -> dict:
    """The main menu's links (`curriculum.navigation.menu`), each with its address, its aria-current
    and lang attributes and its title; the wide strip and the compact menu show the same links, so
    they render these instead of asking `pageurl`, `aria_current` and `lang_attrs` twice per link."""
    request = context.get("request")
    if request is None:
        return {"sections": [], "tracks": []}
    found = menu(request)
    active = _active_language()

    def link(target: MenuLink) -> dict:
        current = aria_current(page, target)
        return {
            "url": target.url,
            "attrs": format_html("{}{}", current, _lang_attrs(target.language, active)),
            "title": target.title,
        }

    return {
        "sections": [link(section) for section in found.sections],
        "tracks": [
            {"id": track.id, "title": track.title, "courses": [link(course) for course in track.courses]}
            for track in found.tracks
        ],
    }


@register.simple_tag
def optional_url(name, *args, **kwargs):
    """`reverse()` that yields "" when the URL does not exist (yet), for links to optional views."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


@register.filter
def duration(minutes):
    """45 → "45 min", 90 → "1 h 30 min", in the active language."""
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        return ""
    if minutes <= 0:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return ngettext("%(minutes)d min", "%(minutes)d min", rest) % {"minutes": rest}
    if not rest:
        return ngettext("%(hours)d h", "%(hours)d h", hours) % {"hours": hours}
    return pgettext("duration", "%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}


@register.filter
def anchor_id(text):
    """A stable fragment id for a heading (Unicode slugs, so Arabic headings get one too)."""
    slug = slugify(str(text or ""), allow_unicode=True)
    return f"sec-{slug}" if slug else "sec"


@register.simple_tag
def table_of_contents(body):
    """The heading blocks of a StreamField body as [{"id", "text", "level"}] for a contents list."""
    entries = []
    for block in body or []:
        if getattr(block, "block_type", None) == "heading":
            text = block.value.get("text", "")
            entries.append({"id": anchor_id(text), "text": text, "level": block.value.get("level", "h2")})
    return entries


@register.filter
def display_name(obj):
    """A nation's (or any object's) `name_ar` when Arabic is active and it has one, else `name`."""
    return in_active_language(getattr(obj, "name", "") or str(obj), getattr(obj, "name_ar", ""))


CLASSIFICATION_LEVELS = [
    ("TOP SECRET", "top-secret"),
    ("SECRET", "secret"),
    ("CONFIDENTIAL", "confidential"),
    ("RESTRICTED", "restricted"),
    ("CUI", "cui"),
    ("CONTROLLED", "cui"),
    ("OFFICIAL", "official"),
    ("UNCLASSIFIED", "unclassified"),
]


@register.filter
def classification_level(marking):
    """The CSS modifier for a classification marking: "UNCLASSIFIED//FOUO" → "unclassified"."""
    text = str(marking or "").strip().upper()
    for prefix, level in CLASSIFICATION_LEVELS:
        if text.startswith(prefix):
            return level
    return "other"


@register.filter
def is_within(page, section):
    """True when `page` is `section` or below it in the tree (for aria-current in menus); `section`
    a page or a `navigation.MenuLink`."""
    page_path = getattr(page, "path", None)
    section_path = getattr(section, "path", None)
    return bool(page_path and section_path and page_path.startswith(section_path))


@register.simple_tag
def aria_current(page, target):
    """The aria-current attribute of a menu link to `target` seen from `page`: "page" on the link to
    the page itself, "true" on a link to a section that holds it, no attribute otherwise."""
    if not page or not is_within(page, target):
        return ""
    return format_html(' aria-current="{}"', "page" if page.pk == target.pk else "true")


@register.filter
def viewable_by(page, user):
    """True when `page` is live and the access policy lets `user` view it (for optional links)."""
    from portal import access

    return bool(page is not None and getattr(page, "live", False) and access.can_view(user, page))


def _language_of(page) -> str:
    """The language of a page's content (its locale's), without a query per page."""
    return language_code_of(page.locale_id).split("-")[0]


def _active_language() -> str:
    return (get_language() or "en").split("-")[0]


@register.simple_tag
def lang_attrs(page):
    """` lang="…" dir="…"` for content of `page` when its language is not the page chrome's (a page
    shown in its source language to a reader of another), else nothing."""
    if not isinstance(page, Page):
        return ""
    return _lang_attrs(_language_of(page), _active_language())


def _lang_attrs(language: str, active: str) -> str:
    language = language.split("-")[0]
    if language == active:
        return ""
    return format_html(
        ' lang="{}" dir="{}"', language, "rtl" if get_language_info(language)["bidi"] else "ltr"
    )


@register.simple_tag
def untranslated_language(page):
    """The name (in the active language) of `page`'s language when the page is shown to a reader of
    another language because it has no translation in theirs; else ""."""
    if not isinstance(page, Page) or _language_of(page) == _active_language():
        return ""
    return get_language_info(_language_of(page))["name_translated"]
