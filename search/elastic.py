"""Elasticsearch's index: the client, the document mapping, the versioned index behind its alias and
the bulk actions (the engine, `search.engines.elasticsearch`, sends them).

The index is `<SEARCH_INDEX_PREFIX>-content-<timestamp>` and is only ever reached through the alias
`<SEARCH_INDEX_PREFIX>-content`: a rebuild fills a new index and moves the alias in one atomic
`update_aliases` call. Writes carry an external version (the time the document was read from the
database, in microseconds, `version_type=external_gte`), so a slow writer holding an older reading of
a page can never overwrite a newer one.

Mapping (derived from `search.schema.FIELDS`): keyword fields for facets and for access (`rule_ids`,
`ancestor_ids`, `owner_id`, `depth`);
text fields analysed by `tabadul_text`: the standard tokenizer, then what Lucene's `ArabicAnalyzer`
does (lower case, decimal digits, its stop words, `ArabicNormalizer`, `ArabicStemmer`), ASCII
folding, the English possessive and the Snowball English stemmer (`porter2`) — the database engine
makes the same terms (`search.text.term`); and `title.suggest`, an edge-n-gram sub-field of the
normalised, unstemmed words that suggestions query (with the access filter: the completion suggester
would ignore it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch_dsl import Date, Document, Index, Keyword, Long, MetaField, Text, analyzer, token_filter

from search.engines import EngineUnavailable, version_now  # noqa: F401 - the writes' version
from search.schema import FIELDS, DocField, Kind, iso
from search.schema import Document as SchemaDocument

# The terms of `search.text.term`, in its order (the `arabic` analyzer's chain, then the English one).
text_analyzer = analyzer(
    "tabadul_text",
    tokenizer="standard",
    filter=[
        "lowercase",
        "decimal_digit",
        token_filter("tabadul_arabic_stop", "stop", stopwords="_arabic_"),
        "arabic_normalization",
        "arabic_stem",
        "asciifolding",
        token_filter("tabadul_english_possessive", "stemmer", language="possessive_english"),
        token_filter("tabadul_english_stem", "stemmer", language="porter2"),
    ],
)
# Normalised words, not stemmed: what suggestions match by their beginnings (`search.text.normalise`).
_PLAIN = ["lowercase", "decimal_digit", "arabic_normalization", "asciifolding"]
plain_analyzer = analyzer("tabadul_plain", tokenizer="standard", filter=_PLAIN)
suggest_analyzer = analyzer(
    "tabadul_suggest",
    tokenizer="standard",
    filter=[*_PLAIN, token_filter("tabadul_edge", "edge_ngram", min_gram=1, max_gram=20)],
)


def _text(**subfields) -> Text:
    return Text(analyzer=text_analyzer, fields=subfields)


def _mapping(field: DocField):
    """The mapping of one `search.schema` field: text analysed by `tabadul_text`, with the edge-n-gram
    `.suggest` sub-field where suggestions match; keywords for facets and access; the rest stored."""
    if field.kind is Kind.TEXT:
        if field.suggest:
            return _text(suggest=Text(analyzer=suggest_analyzer, search_analyzer=plain_analyzer))
        return _text()
    if field.kind is Kind.STORED:
        return Keyword(index=False)
    return {Kind.KEYWORD: Keyword, Kind.DATE: Date, Kind.INTEGER: Long, Kind.INTEGERS: Long}[field.kind]()


class _Meta:
    dynamic = MetaField("strict")


ContentDocument = type(
    "ContentDocument",
    (Document,),
    {
        "__module__": __name__,
        "__doc__": "The mapping of one indexed document (`search.schema.FIELDS`).",
        **{field.name: _mapping(field) for field in FIELDS},
        "fingerprint": Keyword(index=False),
        "Meta": _Meta,
    },
)


class Unavailable(EngineUnavailable):
    """Elasticsearch did not answer, or the index is missing."""


ERRORS = (TransportError, ApiError)


def alias_name() -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}-content"


def new_index_name() -> str:
    return f"{alias_name()}-{timezone.now():%Y%m%d%H%M%S%f}"


def node_urls(value: str) -> tuple[str, ...]:
    """The nodes of `ELASTICSEARCH_URL`: one URL, or several separated by commas (a cluster)."""
    return tuple(url.strip() for url in value.split(",") if url.strip())


def client() -> Elasticsearch:
    return _client(node_urls(settings.ELASTICSEARCH_URL), float(settings.SEARCH_ELASTICSEARCH_TIMEOUT))


@lru_cache(maxsize=4)
def _client(urls: tuple[str, ...], timeout: float) -> Elasticsearch:
    """One client per process and node list. Requests go round-robin over the listed nodes (no
    sniffing: the list is the configuration, and nodes behind a proxy or in containers may publish
    addresses the portal cannot reach). A node that refuses or drops the connection is marked dead
    and the request is retried at once on the next one, so a dead node of several costs no failed
    search; it is tried again after a backoff of 1 s doubling up to 30 s. With one node nothing is
    retried: the database engine answers instead. A timeout is never retried (a cluster that slow
    would keep the reader waiting `timeout` per node)."""
    return Elasticsearch(
        list(urls),
        request_timeout=timeout,
        max_retries=len(urls) - 1,
        retry_on_timeout=False,
        dead_node_backoff_factor=1.0,
        max_dead_node_backoff=30.0,
    )


def source(document: SchemaDocument) -> dict:
    data = document.values()
    data["published_at"] = iso(data["published_at"])
    data["fingerprint"] = document.fingerprint
    return data


def index_actions(documents: Iterable[SchemaDocument], *, index: str, version: int) -> Iterator[dict]:
    for document in documents:
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": document.key,
            "_source": source(document),
            "version": version,
            "version_type": "external_gte",
        }


def delete_actions(keys: Iterable[str], *, index: str, version: int) -> Iterator[dict]:
    for key in keys:
        yield {
            "_op_type": "delete",
            "_index": index,
            "_id": key,
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
