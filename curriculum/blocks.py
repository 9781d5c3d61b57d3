"""StreamField blocks for curriculum bodies.

One block set serves modules, courses, programmes and guides, so an editor learns it once and the
Markdown bundle maps onto it one way (see curriculum.bundle.markdown).
"""

import html
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.contrib.table_block.blocks import TableBlock as HandsontableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "code", "superscript", "subscript"]

# --- the URLs a body may store: http/https only; videos only from the providers whose players the
# Content-Security-Policy lets the page frame (CONTENT_SECURITY_POLICY_EMBED_ORIGINS). The bundle
# importer (curriculum.bundle.markdown) and the admin (the blocks' clean) both ask these functions.

# The hosts an editor pastes a video link from, for each player origin the policy allows; an origin
# not listed here allows links on its own host only.
EMBED_PROVIDER_HOSTS = {
    "www.youtube.com": ("youtube.com", "youtu.be"),
    "www.youtube-nocookie.com": ("youtube-nocookie.com",),
    "player.vimeo.com": ("vimeo.com",),
}
_URL_ATTRIBUTE = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def url_error(url: str) -> str | None:
    """Why `url` may not be stored in a body, or None when it is an absolute http(s) URL."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return gettext("“%(url)s” is not an http or https URL") % {"url": url}
    return None


def video_url_error(url: str) -> str | None:
    """Why `url` may not be a video, or None when it is http(s) on an allowed provider's host."""
    if error := url_error(url):
        return error
    host = (urlsplit(url.strip()).hostname or "").lower()
    allowed = set()
    for origin in settings.CONTENT_SECURITY_POLICY_EMBED_ORIGINS:
        origin_host = (urlsplit(origin).hostname or "").lower()
        allowed.update(EMBED_PROVIDER_HOSTS.get(origin_host, (origin_host,)))
    if any(host == domain or host.endswith(f".{domain}") for domain in allowed if domain):
        return None
    return gettext("“%(url)s” is not from an allowed video provider (%(providers)s)") % {
        "url": url,
        "providers": ", ".join(sorted(allowed)),
    }


def rich_text_url_errors(value: str) -> list[str]:
    """Why the links and sources in stored rich text may not be kept (internal links have no href)."""
    errors = []
    for match in _URL_ATTRIBUTE.finditer(str(value)):
        url = html.unescape(match.group(1) if match.group(1) is not None else match.group(2))
        if error := url_error(url):
            errors.append(error)
    return errors


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"))
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Section")), ("h3", _("Subsection"))], default="h2", label=_("level")
    )

    class Meta:
        icon = "title"
        template = "curriculum/blocks/heading.html"
        description = _("A section heading; headings build the module's table of contents.")
        preview_value = {"text": "Mission analysis", "level": "h2"}


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(label=_("alternative text"), required=False)
    caption = blocks.CharBlock(label=_("caption"), required=False)

    class Meta:
        icon = "image"
        template = "curriculum/blocks/image.html"
        description = _("An image with a caption.")


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    label = blocks.CharBlock(label=_("link text"), required=False)

    class Meta:
        icon = "doc-full"
        template = "curriculum/blocks/document.html"
        description = _("A link to a document in the library.")


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("video URL"))
    caption = blocks.CharBlock(label=_("caption"), required=False)

    def clean(self, value):
        # Before Wagtail's own check, which asks the provider for the embed over the network.
        url = getattr(value.get("video"), "url", None) or ""
        if url and (error := video_url_error(url)):
            raise StructBlockValidationError({"video": ValidationError(error)})
        return super().clean(value)

    class Meta:
        icon = "media"
        template = "curriculum/blocks/video.html"
        description = _("An embedded video.")


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("note", _("Note")), ("warning", _("Warning"))], default="note", label=_("kind")
    )
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("text"))

    def clean(self, value):
        if errors := rich_text_url_errors(getattr(value.get("text"), "source", value.get("text") or "")):
            raise StructBlockValidationError({"text": ValidationError(errors)})
        return super().clean(value)

    class Meta:
        icon = "warning"
        template = "curriculum/blocks/callout.html"
        description = _("A highlighted note or warning.")
        preview_value = {"kind": "note", "text": "<p>Read the commander's intent twice.</p>"}


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False)

    class Meta:
        icon = "openquote"
        template = "curriculum/blocks/quote.html"
        description = _("A quotation with its source.")
        preview_value = {"quote": "War is the realm of uncertainty.", "attribution": "Clausewitz"}


class TableBlock(HandsontableBlock):
    class Meta:
        icon = "table"
        template = "curriculum/blocks/table.html"
        description = _("A table; the first row is its header.")


class KeyTermsBlock(blocks.StructBlock):
    terms = blocks.ListBlock(SnippetChooserBlock("curriculum.GlossaryTerm"), label=_("terms"))

    class Meta:
        icon = "list-ul"
        template = "curriculum/blocks/key_terms.html"
        description = _("Key terms of this section, linked to the glossary.")


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    rich_text = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        template="curriculum/blocks/rich_text.html",
        icon="pilcrow",
        label=_("Text"),
    )
    image = CaptionedImageBlock()
    document = DocumentLinkBlock()
    video = VideoBlock()
    callout = CalloutBlock()
    quote = QuoteBlock()
    table = TableBlock()
    key_terms = KeyTermsBlock()

    def clean(self, value):
        """The children's own validation (videos, callouts), and the links of every text block."""
        block_errors, non_block_errors, cleaned = {}, None, None
        try:
            cleaned = super().clean(value)
        except StreamBlockValidationError as error:
            block_errors, non_block_errors = dict(error.block_errors), error.non_block_errors
        for index, child in enumerate(value):
            source = getattr(child.value, "source", child.value)
            if child.block_type == "rich_text" and (errors := rich_text_url_errors(source)):
                block_errors.setdefault(index, ValidationError(errors))
        if block_errors or non_block_errors:
            raise StreamBlockValidationError(block_errors=block_errors, non_block_errors=non_block_errors)
        return cleaned
