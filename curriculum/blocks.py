"""StreamField blocks for curriculum bodies.

One block set serves modules, courses, programmes and guides, so an editor learns it once and the
Markdown bundle maps onto it one way (see curriculum.bundle.markdown).
"""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock as HandsontableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "code", "superscript", "subscript"]


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

    class Meta:
        icon = "media"
        template = "curriculum/blocks/video.html"
        description = _("An embedded video.")


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("note", _("Note")), ("warning", _("Warning"))], default="note", label=_("kind")
    )
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("text"))

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
