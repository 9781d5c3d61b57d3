"""Search documents: what the index knows about a page, built from the database in batches.

One `PageDocument` per live page of an indexed type. Both engines are written from the same
documents: the database engine's `SearchDocument` rows and Elasticsearch's `ContentDocument`s.

Besides the text and the facets, a document carries what the access policy needs to become a filter
inside Elasticsearch's query (see `portal.access.search_filter`): the ids of the rules that govern the
page (`portal.access.governing_rule_ids`, computed here for a whole batch at once), the ids of the page
and its ancestors, its owner and its depth.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields

from django.core.exceptions import FieldDoesNotExist

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import StreamField
from wagtail.models import Locale, Page, Site

from curriculum.models import CoursePage, CultureGuidePage, ModulePage, ProgrammePage
from portal.models import AccessRule
from search import text

# Indexed page types and the `type` they have in results and facets.
TYPES: dict[type[Page], str] = {
    ModulePage: "module",
    CoursePage: "course",
    CultureGuidePage: "guide",
    ProgrammePage: "programme",
}
TYPE_NAMES = tuple(TYPES.values())
_STREAM_FIELDS = ("objectives", "learning_objectives", "topics", "body")
_TAGS = re.compile(r"<[^>]*>")


@dataclass
class PageDocument:
    id: int
    type: str
    locale: str
    title: str
    summary: str
    body: str
    url: str
    track: str | None
    course: str | None
    published_at: datetime.datetime | None
    path: str
    depth: int
    owner_id: int | None
    ancestor_ids: list[int] = field(default_factory=list)
    rule_ids: list[int] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """A digest of everything indexed: `search_index --check` compares it to find drift."""
        values = [getattr(self, name.name) for name in fields(self)]
        payload = json.dumps(values, ensure_ascii=False, default=str).encode()
        return hashlib.sha1(payload, usedforsecurity=False).hexdigest()


# --- reading pages as rows ---------------------------------------------------------------------
# Documents are built from `values()` rows, not page instances: a rebuild reads every page, and
# instantiating Wagtail pages and their StreamFields costs more than the rest of the work together.

_COMMON = (
    "id",
    "path",
    "depth",
    "title",
    "slug",
    "url_path",
    "locale_id",
    "owner_id",
    "last_published_at",
    "first_published_at",
    "summary",
)


def _columns(model: type[Page]) -> list[str]:
    names = {field.name for field in model._meta.get_fields()}
    columns = [*_COMMON, *(name for name in (*_STREAM_FIELDS, "region") if name in names)]
    if model is CoursePage:
        columns.append("track__slug")
    return columns


def _rows(model: type[Page], queryset, chunk_size: int = 500) -> Iterator[dict]:
    for row in queryset.values(*_columns(model)).iterator(chunk_size=chunk_size):
        row["type"] = TYPES[model]
        yield row


def indexed_rows(chunk_size: int = 500) -> Iterator[list[dict]]:
    """Every indexable page as a row, in batches, ordered by id within each type."""
    for model in TYPES:
        batch: list[dict] = []
        for row in _rows(model, model.objects.live().order_by("pk"), chunk_size):
            batch.append(row)
            if len(batch) == chunk_size:
                yield batch
                batch = []
        if batch:
            yield batch


def rows_for(page_ids: Iterable[int]) -> list[dict]:
    """Rows of the indexable pages among `page_ids` (the others are not, or no longer, indexed)."""
    ids = list(page_ids)
    rows: list[dict] = []
    for model in TYPES:
        rows.extend(_rows(model, model.objects.live().filter(pk__in=ids).order_by("pk")))
    return rows


def count_indexed_pages() -> int:
    return sum(model.objects.live().count() for model in TYPES)


def build(rows: Iterable[dict], builder: Builder | None = None) -> list[PageDocument]:
    """Documents for `rows` (from `indexed_rows` or `rows_for`). A `Builder` shared between batches
    (as a rebuild does) remembers ancestors, rules, courses and URLs already read."""
    return (builder or Builder()).build(rows)


class Builder:
    """Builds documents with a fixed number of queries per batch, whatever its size."""

    def __init__(self) -> None:
        self.ancestors: dict[str, tuple[int, str]] = {}  # path → (page id, translation key)
        self.rules: dict[str, list[int]] = {}  # translation key → rule ids
        self.courses: dict[str, dict] = {}  # path → course row
        self.locales = dict(Locale.objects.values_list("pk", "language_code"))
        self.urls = _Urls()

    def _load(self, rows: list[dict]) -> None:
        step = Page.steplen
        paths = {row["path"][:end] for row in rows for end in range(step, len(row["path"]) + 1, step)}
        missing = paths - self.ancestors.keys()
        if missing:
            for path, pk, key in Page.objects.filter(path__in=missing).values_list(
                "path", "pk", "translation_key"
            ):
                self.ancestors[path] = (pk, str(key))
        keys = {key for _, key in self.ancestors.values()} - self.rules.keys()
        if keys:
            self.rules.update(dict.fromkeys(keys, ()))
            found: dict[str, list[int]] = defaultdict(list)
            for rule_id, key in AccessRule.objects.filter(page__translation_key__in=keys).values_list(
                "pk", "page__translation_key"
            ):
                found[str(key)].append(rule_id)
            self.rules.update(found)
        for row in rows:
            if row["type"] == "course":
                self.courses[row["path"]] = row
        parents = {row["path"][:-step] for row in rows if row["type"] == "module"} - self.courses.keys()
        if parents:
            for course in CoursePage.objects.filter(path__in=parents).values(
                "path", "slug", "url_path", "track__slug"
            ):
                self.courses[course["path"]] = course

    def build(self, rows: Iterable[dict]) -> list[PageDocument]:
        rows = list(rows)
        if not rows:
            return []
        self._load(rows)
        step = Page.steplen
        documents = []
        for row in rows:
            path = row["path"]
            path_ids, rule_ids = [], set()
            for end in range(step, len(path) + 1, step):
                if (found := self.ancestors.get(path[:end])) is not None:
                    path_ids.append(found[0])
                    rule_ids.update(self.rules.get(found[1], ()))
            course = self.courses.get(path if row["type"] == "course" else path[:-step])
            in_course = row["type"] in ("module", "course") and course is not None
            documents.append(
                PageDocument(
                    id=row["id"],
                    type=row["type"],
                    locale=self.locales.get(row["locale_id"], ""),
                    title=text.clean(row["title"]),
                    summary=text.clean(row["summary"] or ""),
                    body=text.clean(body_text(row)),
                    url=self.urls.of(row, course if row["type"] == "module" else None),
                    track=course["track__slug"] if in_course else None,
                    course=course["slug"] if in_course else None,
                    published_at=row["last_published_at"] or row["first_published_at"],
                    path=path,
                    depth=row["depth"],
                    owner_id=row["owner_id"],
                    ancestor_ids=path_ids,
                    rule_ids=sorted(rule_ids),
                )
            )
        return documents


class _Urls:
    """Page URLs as Wagtail's `Page.get_url` gives them; below a course, its URL and the slug (the
    default routing), so a batch asks Wagtail once per course, not once per module."""

    def __init__(self) -> None:
        self.roots = Site.get_site_root_paths()
        self.cache: dict[str, str] = {}

    def _wagtail(self, url_path: str) -> str:
        if url_path not in self.cache:
            page = Page(url_path=url_path)
            page._wagtail_cached_site_root_paths = self.roots
            self.cache[url_path] = page.get_url() or url_path
        return self.cache[url_path]

    def of(self, row: dict, parent: dict | None) -> str:
        if parent is not None:
            return f"{self._wagtail(parent['url_path'])}{row['slug']}/"
        return self._wagtail(row["url_path"])


def body_text(row: dict) -> str:
    """The searchable text of a page besides its title and summary: region, objectives, topics and
    the StreamField body, without block settings such as heading levels."""
    parts: list[str] = [row["region"]] if row.get("region") else []
    for name in _STREAM_FIELDS:
        value = row.get(name)
        if value is not None:
            parts.extend(_raw_text(_stream_blocks[name], value.raw_data))
    return "\n".join(part for part in parts if part and part.strip())


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


def _stream_block(name: str) -> blocks.StreamBlock:
    for model in TYPES:
        try:
            field_ = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field_, StreamField):
            return field_.stream_block
    raise LookupError(name)


_stream_blocks = {name: _stream_block(name) for name in _STREAM_FIELDS}
