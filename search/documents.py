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
from dataclasses import asdict, dataclass, field

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import StreamField
from wagtail.models import Locale, Page

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
        data = asdict(self)
        data["published_at"] = self.published_at.isoformat() if self.published_at else None
        payload = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha1(payload, usedforsecurity=False).hexdigest()


def is_indexed(page: Page) -> bool:
    return page.live and type(page) in TYPES


def indexed_pages(chunk_size: int = 500) -> Iterator[list[Page]]:
    """Every indexable page, in batches, ordered by id within each type."""
    for model in TYPES:
        batch: list[Page] = []
        for page in model.objects.live().order_by("pk").iterator(chunk_size=chunk_size):
            batch.append(page)
            if len(batch) == chunk_size:
                yield batch
                batch = []
        if batch:
            yield batch


def count_indexed_pages() -> int:
    return sum(model.objects.live().count() for model in TYPES)


def build(pages: Iterable[Page]) -> list[PageDocument]:
    """Documents for the indexable pages among `pages` (specific instances), with a fixed number of
    queries whatever the batch size."""
    pages = [page for page in pages if is_indexed(page)]
    if not pages:
        return []
    step = Page.steplen
    ancestor_paths = {page.path[:end] for page in pages for end in range(step, len(page.path) + 1, step)}
    ancestors = {
        path: (pk, key)
        for path, pk, key in Page.objects.filter(path__in=ancestor_paths).values_list(
            "path", "pk", "translation_key"
        )
    }
    rules_by_key: dict = defaultdict(list)
    for rule_id, key in AccessRule.objects.filter(
        page__translation_key__in={key for _, key in ancestors.values()}
    ).values_list("pk", "page__translation_key"):
        rules_by_key[key].append(rule_id)
    course_paths = {page.path[:-step] for page in pages if isinstance(page, ModulePage)}
    courses = {
        course.path: course
        for course in CoursePage.objects.filter(path__in=course_paths).select_related("track")
    }
    locales = dict(Locale.objects.values_list("pk", "language_code"))
    course_urls = {path: course.get_url() for path, course in courses.items()}

    documents = []
    for page in pages:
        path_ids, rule_ids = [], set()
        for end in range(step, len(page.path) + 1, step):
            if (found := ancestors.get(page.path[:end])) is not None:
                path_ids.append(found[0])
                rule_ids.update(rules_by_key.get(found[1], ()))
        course = page if isinstance(page, CoursePage) else courses.get(page.path[:-step])
        if isinstance(page, ModulePage | CoursePage) and course is not None:
            track, course_slug = course.track.slug, course.slug
        else:
            track = course_slug = None
        documents.append(
            PageDocument(
                id=page.pk,
                type=TYPES[type(page)],
                locale=locales.get(page.locale_id, ""),
                title=text.clean(page.title),
                summary=text.clean(page.summary or ""),
                body=text.clean(body_text(page)),
                url=_url(page, course_urls.get(page.path[:-step])),
                track=track,
                course=course_slug,
                published_at=page.last_published_at or page.first_published_at,
                path=page.path,
                depth=page.depth,
                owner_id=page.owner_id,
                ancestor_ids=path_ids,
                rule_ids=sorted(rule_ids),
            )
        )
    return documents


def _url(page: Page, parent_url: str | None) -> str:
    """The page's URL; below a known parent, Wagtail's default routing makes it the parent's URL and
    the slug (one `get_url` per course instead of one per module)."""
    if parent_url:
        return f"{parent_url}{page.slug}/"
    return page.get_url() or page.url_path


def body_text(page: Page) -> str:
    """The searchable text of a page besides its title and summary: objectives, topics, region and
    the StreamField body, without block settings such as heading levels."""
    parts: list[str] = []
    region = getattr(page, "region", "")
    if region:
        parts.append(region)
    for name in _STREAM_FIELDS:
        value = getattr(page, name, None)
        if value is None:
            continue
        stream_field = page._meta.get_field(name)
        if isinstance(stream_field, StreamField):
            parts.extend(_block_text(stream_field.stream_block, value))
    return "\n".join(part for part in parts if part and part.strip())


def _block_text(block: blocks.Block, value) -> list[str]:
    if value is None or isinstance(block, blocks.ChoiceBlock | blocks.ChooserBlock | EmbedBlock):
        return []
    if isinstance(block, blocks.StreamBlock):
        return [part for child in value for part in _block_text(child.block, child.value)]
    if isinstance(block, blocks.StructBlock):
        return [
            part for name, child in block.child_blocks.items() for part in _block_text(child, value.get(name))
        ]
    if isinstance(block, blocks.ListBlock):
        return [part for item in value for part in _block_text(block.child_block, item)]
    if isinstance(block, blocks.RichTextBlock):
        return [html.unescape(_TAGS.sub(" ", value.source))]
    return [str(part) for part in block.get_searchable_content(value)]
