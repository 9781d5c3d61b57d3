"""The Markdown subset of discussion posts, rendered to HTML and sanitised.

CommonMark (markdown-it-py) with raw HTML off, headings, rules and images off: paragraphs, emphasis,
strong, inline code, code blocks, block quotes, lists and links. The HTML then goes through nh3 with
an allow-list of exactly those tags; links keep only an absolute http(s) address and get
`rel="nofollow noopener"`. Whatever a member writes, no other tag, attribute or scheme reaches the
page.
"""

from __future__ import annotations

from functools import cache

from django.utils.safestring import SafeString, mark_safe

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset({"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a"})
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}, "*": set()}
LINK_SCHEMES = frozenset({"http", "https"})
LINK_REL = "nofollow noopener"


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).disable(["heading", "lheading", "hr", "image"])


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Relative addresses would point into the portal itself: only absolute http(s) links are kept.
    if tag == "a" and attribute == "href" and not value.lower().startswith(("http://", "https://")):
        return None
    return value


def render(text: str) -> SafeString:
    """`text` (the Markdown subset) as HTML that is safe to put on a page."""
    html = _parser().render(text or "")
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(LINK_SCHEMES),
        link_rel=LINK_REL,
        attribute_filter=_keep_attribute,
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - nh3's output, built from an allow-list
