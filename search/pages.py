"""`PageType`: the declaration of a Wagtail page type that search finds.

Everything pages have in common is here — live pages only, their language, URL, publication date,
the text of their StreamFields, and what the access policy needs to become a filter inside an
engine's query (`portal.access.GoverningRules`: the page's ancestors and the rules that govern it).
A page type's declaration names its model and `type`, and adds what is its own (its facets, extra
text) in `content()`. Nothing here knows a content app's page types.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import ClassVar

from django.db.models import JSONField, QuerySet
from django.db.models.functions import Cast

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import StreamField
from wagtail.models import Locale, Page, Site

from portal import access
from search import text
from search.registry import BuildContext, IndexedType
from search.schema import Document

_TAGS = re.compile(r"<[^>]*>")
PAGE_COLUMNS = (
    "pk",
    "path",
    "depth",
    "title",
    "slug",
    "url_path",
    "translation_key",
    "locale_id",
    "owner_id",
    "last_published_at",
    "first_published_at",
)


class PageType(IndexedType):
    """A page type. `text_columns` are plain text columns added to the body, `stream_fields` the
    StreamFields whose text is (in order); `summary_column` the summary (blank when the model has
    none). Override `content()` for facets: call `super().content()` and add to it."""

    is_page: ClassVar[bool] = True
    summary_column: ClassVar[str] = "summary"
    text_columns: ClassVar[tuple[str, ...]] = ()
    stream_fields: ClassVar[tuple[str, ...]] = ()
    extra_columns: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self.columns = (
            *PAGE_COLUMNS,
            *((self.summary_column,) if self.summary_column else ()),
            *self.text_columns,
            *self.stream_fields,
            *self.extra_columns,
        )
        self._stream_blocks = {name: _stream_block(self.model, name) for name in self.stream_fields}

    def indexable(self) -> QuerySet:
        return self.model.objects.live()

    def rows(self, queryset: QuerySet, chunk_size: int = 500):
        # StreamFields as their stored JSON: Wagtail's `from_db_value` builds a StreamValue (and a
        # JSONField to decode with) per value, a fifth of a rebuild's Python time, for text that
        # `_raw_text` reads from the raw data anyway.
        stored = {f"{name}_stored": Cast(name, JSONField()) for name in self.stream_fields}
        plain = [column for column in self.columns if column not in self.stream_fields]
        for row in queryset.values(*plain, **stored).iterator(chunk_size=chunk_size):
            for name in self.stream_fields:
                row[name] = row.pop(f"{name}_stored")
            yield row

    def connect(self) -> None:
        # Publishing, moving, deleting and translating any page are recorded once for every page
        # type by `search.signals`; a page type records its own saves (and its dependencies).
        from search import signals

        signals.connect_page_type(self.model, self.name)
        self.connect_dependencies()

    def disconnect(self) -> None:
        from search import signals

        signals.disconnect_page_type(self.model, self.name)
        self.disconnect_dependencies()

    def record(self, object_ids: Iterable[int]) -> None:
        """A dependency changed: these pages and everything below them are reindexed."""
        from search import outbox

        outbox.record_pages(outbox.Kind.SUBTREE, object_ids)

    def documents(self, rows: list[dict], context: BuildContext) -> list[Document]:
        if not rows:
            return []
        self.prepare(rows, context)
        facts = context.remembered("governing rules", access.GoverningRules).facts(
            (row["path"] for row in rows),
            known={row["path"]: (row["pk"], row["translation_key"]) for row in rows},
        )
        locales = context.remembered(
            "locales", lambda: dict(Locale.objects.values_list("pk", "language_code"))
        )
        urls = context.remembered("urls", _Urls)
        documents = []
        for row in rows:
            governing = facts[row["path"]]
            documents.append(
                Document(
                    key=self.key(row["pk"]),
                    id=row["pk"],
                    type=self.name,
                    locale=locales.get(row["locale_id"], ""),
                    url=urls.of(row),
                    published_at=row["last_published_at"] or row["first_published_at"],
                    page_id=row["pk"],
                    path=row["path"],
                    depth=row["depth"],
                    owner_id=row["owner_id"],
                    ancestor_ids=governing.ancestor_ids,
                    rule_ids=governing.rule_ids,
                    **self.content(row, context),
                )
            )
        return documents

    def content(self, row: dict, context: BuildContext) -> dict:
        """Title, summary and body; subclasses add their facets."""
        return {
            "title": text.clean(row["title"]),
            "summary": text.clean(row.get(self.summary_column) or "") if self.summary_column else "",
            "body": text.clean(self.body_text(row)),
        }

    def body_text(self, row: dict) -> str:
        """The text columns, then the StreamFields' text, without block settings (heading levels)."""
        parts: list[str] = [row[name] for name in self.text_columns if row.get(name)]
        for name in self.stream_fields:
            value = row.get(name)  # stored JSON (`rows`), or a StreamValue
            if value is not None:
                parts.extend(_raw_text(self._stream_blocks[name], getattr(value, "raw_data", value)))
        return "\n".join(part for part in parts if part and part.strip())


class _Urls:
    """Page URLs as Wagtail's `Page.get_url` gives them. Below the site roots a page's URL is its
    parent's URL and its slug (the default routing), so a batch asks Wagtail once per parent."""

    def __init__(self) -> None:
        self.roots = Site.get_site_root_paths()
        self.cache: dict[str, str] = {}

    def _wagtail(self, url_path: str) -> str:
        if url_path not in self.cache:
            page = Page(url_path=url_path)
            page._wagtail_cached_site_root_paths = self.roots
            self.cache[url_path] = page.get_url() or url_path
        return self.cache[url_path]

    def of(self, row: dict) -> str:
        return self._below(row["url_path"], row["depth"], row["slug"])

    def _below(self, url_path: str, depth: int, slug: str) -> str:
        # An ASCII slug is its own URL segment; any other is quoted by Wagtail's `reverse`. The
        # parent's URL is found the same way, so Wagtail is asked once per section, not once per
        # course (a rebuild of 100,000 modules has 4,800 parents, each a `reverse`).
        if depth > access.LANDING_DEPTH + 1 and slug.isascii() and url_path.endswith(f"/{slug}/"):
            parent = url_path[: -len(slug) - 1]
            if parent not in self.cache:
                parent_slug = parent.rstrip("/").rpartition("/")[2]
                self.cache[parent] = self._below(parent, depth - 1, parent_slug)
            return f"{self.cache[parent]}{slug}/"
        return self._wagtail(url_path)


def _stream_block(model, name: str) -> blocks.StreamBlock:
    field = model._meta.get_field(name)
    if not isinstance(field, StreamField):
        raise TypeError(f"{model.__name__}.{name} is not a StreamField")
    return field.stream_block


def _raw_text(block: blocks.Block, raw) -> list[str]:
    """Text of a block's stored (raw JSON) value, without building block values."""
    if raw is None or isinstance(block, blocks.ChoiceBlock | blocks.ChooserBlock | EmbedBlock):
        return []
    if isinstance(block, blocks.StreamBlock):
        return [
            part
            for item in raw
            if (child := block.child_blocks.get(item.get("type"))) is not None
            for part in _raw_text(child, item.get("value"))
        ]
    if isinstance(block, blocks.StructBlock):
        return [
            part for name, child in block.child_blocks.items() for part in _raw_text(child, raw.get(name))
        ]
    if isinstance(block, blocks.ListBlock):
        items = (
            item["value"] if isinstance(item, dict) and item.get("type") == "item" else item for item in raw
        )
        return [part for item in items for part in _raw_text(block.child_block, item)]
    if isinstance(block, blocks.RichTextBlock):
        return [html.unescape(_TAGS.sub(" ", raw))]
    if isinstance(raw, str):
        return [raw]
    return [str(part) for part in block.get_searchable_content(block.to_python(raw))]
