"""Elasticsearch: the client, the document mapping, the versioned index behind its alias, bulk writes.

The index is `<SEARCH_INDEX_PREFIX>-content-<timestamp>` and is only ever reached through the alias
`<SEARCH_INDEX_PREFIX>-content`: a rebuild fills a new index and moves the alias in one atomic
`update_aliases` call. Writes carry an external version (the time the document was read from the
database, in microseconds, `version_type=external_gte`), so a slow writer holding an older reading of
a page can never overwrite a newer one.

Mapping: keyword fields for facets and for access (`rule_ids`, `ancestor_ids`, `owner_id`, `depth`);
text fields analysed by `tabadul_text` (standard tokenizer, lower case, Arabic normalisation, ASCII
folding) with an `.ar` sub-field analysed by the built-in `arabic` analyzer (stop words, stemming), and
`title.suggest`, an edge-n-gram sub-field that suggestions query (with the access filter: the
completion suggester would ignore it).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers
from elasticsearch_dsl import (
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    Long,
    MetaField,
    Text,
    analyzer,
    token_filter,
)

from search.documents import PageDocument

text_analyzer = analyzer(
    "tabadul_text",
    tokenizer="standard",
    filter=["lowercase", "decimal_digit", "arabic_normalization", "asciifolding"],
)
suggest_analyzer = analyzer(
    "tabadul_suggest",
    tokenizer="standard",
    filter=[
        "lowercase",
        "decimal_digit",
        "arabic_normalization",
        "asciifolding",
        token_filter("tabadul_edge", "edge_ngram", min_gram=1, max_gram=20),
    ],
)


def _text(**subfields) -> Text:
    return Text(analyzer=text_analyzer, fields={"ar": Text(analyzer="arabic"), **subfields})


class ContentDocument(Document):
    """One indexed page (see `search.documents.PageDocument`)."""

    id = Long()
    type = Keyword()
    locale = Keyword()
    track = Keyword()
    course = Keyword()
    title = _text(suggest=Text(analyzer=suggest_analyzer, search_analyzer=text_analyzer))
    summary = _text()
    body = _text()
    url = Keyword(index=False)
    published_at = Date()
    path = Keyword()
    depth = Integer()
    owner_id = Long()
    ancestor_ids = Long()
    rule_ids = Long()
    fingerprint = Keyword(index=False)

    class Meta:
        dynamic = MetaField("strict")


class Unavailable(Exception):
    """Elasticsearch did not answer, or the index is missing."""


ERRORS = (TransportError, ApiError)


def alias_name() -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}-content"


def new_index_name() -> str:
    return f"{alias_name()}-{timezone.now():%Y%m%d%H%M%S%f}"


def client() -> Elasticsearch:
    return _client(settings.ELASTICSEARCH_URL, float(settings.SEARCH_ELASTICSEARCH_TIMEOUT))


@lru_cache(maxsize=4)
def _client(url: str, timeout: float) -> Elasticsearch:
    return Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False)


def version_now() -> int:
    """An external document version: the time of reading, in microseconds."""
    return time.time_ns() // 1000


def source(document: PageDocument) -> dict:
    data = {
        "id": document.id,
        "type": document.type,
        "locale": document.locale,
        "track": document.track,
        "course": document.course,
        "title": document.title,
        "summary": document.summary,
        "body": document.body,
        "url": document.url,
        "published_at": document.published_at.isoformat() if document.published_at else None,
        "path": document.path,
        "depth": document.depth,
        "owner_id": document.owner_id,
        "ancestor_ids": document.ancestor_ids,
        "rule_ids": document.rule_ids,
        "fingerprint": document.fingerprint,
    }
    return data


def index_actions(documents: Iterable[PageDocument], *, index: str, version: int) -> Iterator[dict]:
    for document in documents:
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": document.id,
            "_source": source(document),
            "version": version,
            "version_type": "external_gte",
        }


def delete_actions(page_ids: Iterable[int], *, index: str, version: int) -> Iterator[dict]:
    for page_id in page_ids:
        yield {
            "_op_type": "delete",
            "_index": index,
            "_id": page_id,
            "version": version,
            "version_type": "external_gte",
        }


def create_index(name: str, *, loading: bool = False) -> None:
    """Create an index with the mapping; `loading` turns refresh and replicas off for a bulk load."""
    index = Index(name)
    index.document(ContentDocument)
    index.settings(
        number_of_shards=settings.SEARCH_INDEX_SHARDS,
        number_of_replicas=0 if loading else settings.SEARCH_INDEX_REPLICAS,
        refresh_interval="-1" if loading else "1s",
        max_result_window=settings.SEARCH_PAGE_SIZE * settings.SEARCH_MAX_PAGES,
    )
    index.create(using=client())


def finish_loading(name: str) -> None:
    es = client()
    es.indices.put_settings(
        index=name,
        settings={"index": {"number_of_replicas": settings.SEARCH_INDEX_REPLICAS, "refresh_interval": "1s"}},
    )
    es.indices.refresh(index=name)


def indices_behind_alias() -> list[str]:
    try:
        return sorted(client().indices.get_alias(name=alias_name()).body)
    except NotFoundError:
        return []
    except ERRORS as error:
        raise Unavailable(str(error)) from error


def managed_indices() -> list[str]:
    """Every index this prefix's rebuilds created (behind the alias or left over)."""
    try:
        return sorted(client().indices.get(index=f"{alias_name()}-*", expand_wildcards="open,closed").body)
    except NotFoundError:
        return []


def swap_alias(new_index: str) -> list[str]:
    """Point the alias at `new_index` alone, atomically; return the indices it left."""
    old = indices_behind_alias()
    actions = [{"remove": {"index": name, "alias": alias_name()}} for name in old]
    actions.append({"add": {"index": new_index, "alias": alias_name(), "is_write_index": True}})
    client().indices.update_aliases(actions=actions)
    return [name for name in old if name != new_index]


def write(documents: list[PageDocument], deleted: Iterable[int], *, version: int) -> None:
    """Apply documents and deletions to the index behind the alias, visible to searches on return.

    Raises `Unavailable` when Elasticsearch or the alias is missing; a version conflict (a newer
    reading already indexed) is not an error."""
    actions = [
        *index_actions(documents, index=alias_name(), version=version),
        *delete_actions(deleted, index=alias_name(), version=version),
    ]
    if not actions:
        return
    try:
        # Deletions with an external version would create a concrete index under the alias's name
        # (require_alias only guards index operations): never write before a rebuild made the alias.
        if not client().indices.exists_alias(name=alias_name()):
            raise Unavailable(f"the alias {alias_name()} does not exist yet: run search_index --rebuild")
        _, errors = helpers.bulk(
            client(), actions, refresh=True, require_alias=True, raise_on_error=False, max_retries=0
        )
    except ERRORS as error:
        raise Unavailable(str(error)) from error
    failures = [error for error in errors if not _harmless(error)]
    if failures:
        raise Unavailable(f"{len(failures)} bulk errors, first: {failures[0]}")


def _harmless(error: dict) -> bool:
    (operation,) = error.values()
    reason = (operation.get("error") or {}).get("type", "")
    return reason == "version_conflict_engine_exception" or (
        operation.get("status") == 404 and not operation.get("error")
    )
