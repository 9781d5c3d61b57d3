"""The search document: every field a document has, defined once.

Everything else is derived from `FIELDS`: the `Document` that a content type's declaration builds
(`search.registry`), the database engine's `SearchDocument` row (`search.models`), the Elasticsearch
mapping and source (`search.elastic`), the `Hit` that both engines answer with, the facets
(`FACETS`), the full-text fields and their boosts, the snippet fields and the fingerprint that
`search_index --check` compares.

A document is keyed by `key`: a page's is its page id (pages share one id space, so every page type's
keys are distinct), any other content's is `<type>:<id>` (see `document_key`).
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import json
from dataclasses import dataclass, make_dataclass
from dataclasses import field as dataclass_field

from django.utils.safestring import SafeString


class Kind(enum.Enum):
    TEXT = "text"  # analysed full text: found by words, highlighted in snippets
    KEYWORD = "keyword"  # exact values: facets and filters
    STORED = "stored"  # returned, never searched
    DATE = "date"
    INTEGER = "integer"
    INTEGERS = "integers"  # a list of integers


@dataclass(frozen=True)
class DocField:
    name: str
    kind: Kind
    boost: int = 1  # full text: title over summary over body
    facet: bool = False  # counted and filterable (`type`, `track`, …: the API's `facets`)
    in_hit: bool = False  # returned in every hit (the API's `results[]`)
    snippet: bool = False  # a snippet is cut from it
    suggest: bool = False  # suggestions match its beginnings
    access: bool = False  # what the access policy filters on in an index (never shown)
    database: bool = True  # a column of the database engine's row
    null: bool = False  # may be missing (None)
    column: str = ""  # the database column, when it differs from `name`
    # The hit also carries `<name>_title`: the value's label in the reader's language, from the
    # labeller its content app registered (`search.registry.label_facet`), the facet's own labels.
    titled: bool = False

    @property
    def db_column(self) -> str:
        return self.column or self.name


FIELDS: tuple[DocField, ...] = (
    DocField("id", Kind.INTEGER, in_hit=True, column="object_id"),
    DocField("type", Kind.KEYWORD, facet=True, in_hit=True),
    DocField("locale", Kind.KEYWORD, facet=True, in_hit=True),
    DocField("track", Kind.KEYWORD, facet=True, in_hit=True, null=True, titled=True),
    DocField("course", Kind.KEYWORD, facet=True, in_hit=True, null=True, titled=True),
    DocField("title", Kind.TEXT, boost=3, in_hit=True, suggest=True),
    DocField("summary", Kind.TEXT, boost=2, snippet=True),
    DocField("body", Kind.TEXT, snippet=True),
    DocField("url", Kind.STORED, in_hit=True),
    DocField("published_at", Kind.DATE, null=True),
    # Access: the page whose rules govern the document (its `page_id`), that page's tree path, depth
    # and owner, the ids of it and its ancestors and of the rules that govern it. Content that no page
    # governs has none of them (every signed-in user may read it).
    DocField("page_id", Kind.INTEGER, access=True, null=True),
    DocField("path", Kind.KEYWORD, access=True, database=False),
    DocField("depth", Kind.INTEGER, access=True, database=False, null=True),
    DocField("owner_id", Kind.INTEGER, access=True, database=False, null=True),
    DocField("ancestor_ids", Kind.INTEGERS, access=True, database=False),
    DocField("rule_ids", Kind.INTEGERS, access=True, database=False),
    # Access of content that names its own readers (`portal.access.Audience`, lessons): "review"
    # (its readers — author, action body — and lessons managers only) or "released" (then nations
    # and cohorts; empty lists: no condition); none for everything else. The database engine asks
    # the policy at query time instead (`IndexedType.readable`).
    DocField("audience", Kind.KEYWORD, access=True, database=False, null=True),
    DocField("audience_reader_ids", Kind.INTEGERS, access=True, database=False),
    DocField("audience_nation_ids", Kind.INTEGERS, access=True, database=False),
    DocField("audience_cohort_ids", Kind.INTEGERS, access=True, database=False),
)
# Facets in the order of the API's `facets` object.
FACETS: tuple[str, ...] = ("track", "type", "locale", "course")
assert set(FACETS) == {field.name for field in FIELDS if field.facet}

TEXT_FIELDS = tuple(field for field in FIELDS if field.kind is Kind.TEXT)
SNIPPET_FIELDS = tuple(field.name for field in TEXT_FIELDS if field.snippet)
SUGGEST_FIELDS = tuple(field.name for field in TEXT_FIELDS if field.suggest)
HIT_FIELDS = tuple(field.name for field in FIELDS if field.in_hit)
TITLED_FIELDS = tuple(field.name for field in FIELDS if field.in_hit and field.titled)
assert set(TITLED_FIELDS) <= set(FACETS)  # labelled by the facets' labellers
DATE_FIELD = "published_at"  # recency sorts by it
_EMPTY = {Kind.INTEGERS: list, Kind.TEXT: str, Kind.KEYWORD: str, Kind.STORED: str}


def _document_field(field: DocField):
    if field.kind in _EMPTY and not field.null:
        return (field.name, object, dataclass_field(default_factory=_EMPTY[field.kind]))
    return (field.name, object, dataclass_field(default=None))


_DocumentBase = make_dataclass(
    "_DocumentBase", [("key", str), *(_document_field(field) for field in FIELDS)], kw_only=True
)


class Document(_DocumentBase):
    """What one searchable thing contributes to every engine (fields: `FIELDS`, plus `key`)."""

    @property
    def fingerprint(self) -> str:
        """A digest of everything indexed: `search_index --check` compares it to find drift."""
        values = [getattr(self, field.name) for field in FIELDS]
        payload = json.dumps(values, ensure_ascii=False, default=str).encode()
        return hashlib.sha1(payload, usedforsecurity=False).hexdigest()

    def values(self) -> dict:
        return {field.name: getattr(self, field.name) for field in FIELDS}


Hit = make_dataclass(
    "Hit",
    [
        *((name, object) for name in HIT_FIELDS),
        ("snippet", SafeString),
        *((f"{name}_title", object, dataclass_field(default=None)) for name in TITLED_FIELDS),
    ],
    frozen=True,
)
Hit.__module__ = __name__
Hit.__doc__ = """One result as both engines answer it: the `HIT_FIELDS` of a document and a snippet; the
service adds `<name>_title` for the `TITLED_FIELDS` (the course's and track's titles)."""
HIT_TITLES = tuple(f"{name}_title" for name in TITLED_FIELDS)


def document_key(type_name: str, object_id: int, *, is_page: bool) -> str:
    return str(object_id) if is_page else f"{type_name}:{object_id}"


def describe_keys(keys) -> str:
    """Keys for a person: 'page ids 3, 4' or 'glossary ids 7' (at most 20 of each)."""
    groups: dict[str, list[str]] = {}
    for key in sorted(keys, key=lambda key: (":" in key, key.partition(":")[0], _number(key))):
        type_name, _, object_id = key.rpartition(":")
        groups.setdefault(type_name or "page", []).append(object_id)
    return "; ".join(f"{name} ids {', '.join(ids[:20])}" for name, ids in groups.items())


def _number(key: str) -> int:
    tail = key.rpartition(":")[2]
    return int(tail) if tail.isdigit() else 0


def iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None
