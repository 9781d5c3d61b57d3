"""The engine at scale: one request to the index behind `<SEARCH_INDEX_PREFIX>-content` per search (an
`_msearch` of the page of hits and of the count with the facets) — its reads, its bulk writes, its
rebuild (a new index swapped in, `search.bulkload`) and its drift check.

The access policy (`portal.access.search_filter`) becomes a few `terms` filters on indexed fields,
whatever the number of rules: pages governed by a denied rule are excluded, unless the user can edit
them. Pages whose index entry is not yet current (a change still in the outbox) are excluded too, so
a rule or a move that has not reached the index yet can never reveal a page. Facet counts are
aggregations of the same filtered query (unranked); the facet filters go to `post_filter` there so
that each facet counts what choosing one of its values would give.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings

from elasticsearch import helpers
from elasticsearch_dsl import Q

from portal import access
from search import elastic, outbox, text
from search.engines import FACETS, Engine, EngineResult, EngineUnavailable, Hit, Query, Rebuild, Suggestion
from search.schema import (
    DATE_FIELD,
    HIT_FIELDS,
    SNIPPET_FIELDS,
    SUGGEST_FIELDS,
    TEXT_FIELDS,
    Document,
    document_key,
)

FIELDS = [f"{field.name}^{field.boost}" if field.boost > 1 else field.name for field in TEXT_FIELDS]
HIGHLIGHTED = SNIPPET_FIELDS
# Title over summary over body, as in the database engine: a field boosted n adds n - 1 points per
# query term it holds, in units larger than any text score, which then only orders within a level.
RANK_WEIGHTS = {field.name: field.boost - 1 for field in TEXT_FIELDS if field.boost > 1}
RANK_UNIT = 1000.0


def access_filter(policy: access.SearchFilter) -> Q | None:
    """`portal.access.SearchFilter` as an Elasticsearch filter (None: everything is visible)."""
    if policy.everything:
        return None
    if policy.landing_only:
        return Q("term", depth=access.LANDING_DEPTH)
    clauses = [clause for clause in (_page_filter(policy), _audience_filter(policy)) if clause is not None]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else Q("bool", filter=clauses)


def _page_filter(policy: access.SearchFilter) -> Q | None:
    """The governing page's rules (documents that no page governs have no rule ids: they pass)."""
    if not policy.denied_rule_ids:
        return None
    visible = [~Q("terms", rule_ids=sorted(policy.denied_rule_ids))]
    if policy.editable_root_ids:
        visible.append(Q("terms", ancestor_ids=sorted(policy.editable_root_ids)))
    if policy.owned_root_ids and policy.owner_id is not None:
        visible.append(
            Q("terms", ancestor_ids=sorted(policy.owned_root_ids)) & Q("term", owner_id=policy.owner_id)
        )
    return Q("bool", should=visible, minimum_should_match=1)


def _audience_filter(policy: access.SearchFilter) -> Q | None:
    """`portal.access.can_read_audience` on the `audience*` fields (documents without an audience
    pass): those it names (author, action body), else released to the reader's nation (or every
    nation) and, where cohorts are named, to a member of one of them open today."""
    if policy.every_audience:
        return None
    nation = ~Q("exists", field="audience_nation_ids")
    if policy.nation_id is not None:
        nation = Q("bool", should=[nation, Q("term", audience_nation_ids=policy.nation_id)])
    cohort = ~Q("exists", field="audience_cohort_ids")
    if policy.open_cohort_ids:
        cohort = Q("bool", should=[cohort, Q("terms", audience_cohort_ids=sorted(policy.open_cohort_ids))])
    readable = [
        ~Q("exists", field="audience"),
        Q("bool", filter=[Q("term", audience="released"), nation, cohort]),
    ]
    if policy.reader_id is not None:
        readable.append(Q("term", audience_reader_ids=policy.reader_id))
    return Q("bool", should=readable, minimum_should_match=1)


def _change_key(change) -> str:
    """The document key an outbox row concerns: a page's (no type), or another type's object's —
    also of a type no longer registered, which must not break a search."""
    return document_key(change.type, change.object_id, is_page=not change.type)


def stale_filter() -> Q | None:
    """Exclude what the outbox says is not current in the index yet (fail closed)."""
    pending = outbox.pending_changes(settings.SEARCH_MAX_PENDING_CHANGES, key_of=_change_key)
    if pending is None:
        raise EngineUnavailable("the index is catching up")
    keys, subtrees = pending
    clauses = []
    if keys:
        clauses.append(Q("ids", values=sorted(keys)))
    if subtrees:
        clauses.append(Q("terms", ancestor_ids=sorted(subtrees)))
    return Q("bool", should=clauses, minimum_should_match=1) if clauses else None


class ElasticsearchEngine(Engine):
    name = "elasticsearch"

    @classmethod
    def is_configured(cls) -> bool:
        return bool(settings.ELASTICSEARCH_URL)

    def _query(self, user, today: datetime.date | None, query: Q) -> dict:
        return self._trimmed(self._trimming(user, today), query)

    @staticmethod
    def _trimming(user, today: datetime.date | None) -> tuple[list[Q], list[Q]]:
        """The access filter and the exclusion of pages not current in the index yet, asked once."""
        filters = [clause for clause in (access_filter(access.search_filter(user, today)),) if clause]
        must_not = [clause for clause in (stale_filter(),) if clause]
        return filters, must_not

    @staticmethod
    def _trimmed(trimming: tuple[list[Q], list[Q]], query: Q, *extra: dict) -> dict:
        filters, must_not = trimming
        body = Q("bool", must=[query], filter=filters, must_not=must_not).to_dict()
        if extra:  # the chosen facet values (plain clauses)
            body["bool"].setdefault("filter", []).extend(extra)
        return body

    def request(self, query: Query) -> list[dict] | None:
        """The search's `_msearch` body for `query` (None: no words to search): two searches that the
        node runs side by side, both trimmed by the same access and outbox filters.

        1. The page of hits: the ranked query with the chosen facet values as filters, sorted,
           highlighted, without counting every match (so Lucene may skip the documents that cannot
           reach the page: the ranking's units make most of them).
        2. The count and the facets: the same query unranked, as a filter (no scores), `size` 0;
           the chosen facet values in `post_filter`, so the total counts what the hits are drawn from
           and each facet counts the matches with the other facets' choices only.

        Queries are composed with elasticsearch-dsl's `Q`; the rest is a plain body, so a search
        costs one request and no response wrapping."""
        words = text.query_text(query.text)
        if not words:
            return None
        trimming = self._trimming(query.user, query.today)
        match = Q("multi_match", query=words, type="cross_fields", operator="and", fields=FIELDS)
        ranked = match
        if query.sort == "relevance":
            # The terms are the index analyzer's (`search.text.query_terms` makes the same).
            ranks = [
                Q("constant_score", filter=Q("term", **{name: term}), boost=weight * RANK_UNIT)
                for term in text.query_terms(query.text)
                for name, weight in RANK_WEIGHTS.items()
            ]
            ranked = Q("bool", must=[match], should=ranks)
        chosen = {name: {"term": {name: value}} for name, value in query.filters.items()}
        aggregations = {}
        for name in FACETS:
            others = [clause for key, clause in chosen.items() if key != name]
            aggregations[name] = {
                "filter": {"bool": {"filter": others}} if others else {"match_all": {}},
                "aggs": {"values": {"terms": {"field": name, "size": settings.SEARCH_FACET_SIZE}}},
            }
        recency = [{DATE_FIELD: {"order": "desc", "missing": "_last"}}, {"path": "asc"}]
        hits = {
            "query": self._trimmed(trimming, ranked, *chosen.values()),
            "highlight": {
                "pre_tags": [text.MARK_START],
                "post_tags": [text.MARK_END],
                "fragment_size": 200,
                "number_of_fragments": 1,
                "no_match_size": 200,
                "fields": {name: {} for name in HIGHLIGHTED},
            },
            "_source": list(HIT_FIELDS),
            "sort": recency if query.sort == "recent" else ["_score", *recency],
            "from": query.offset,
            "size": query.page_size,
            "track_total_hits": False,
        }
        counts = {
            "query": {"bool": {"filter": [self._trimmed(trimming, match)]}},
            "aggs": aggregations,
            "size": 0,
            "track_total_hits": True,
        }
        if chosen:
            counts["post_filter"] = {"bool": {"filter": list(chosen.values())}}
        # A shard with no copy left (a node lost, no replica) fails the search rather than leaving
        # its documents out: the database engine's answer is complete.
        header = {"index": elastic.alias_name(), "allow_partial_search_results": False}
        return [header, hits, header, counts]

    def search(self, query: Query) -> EngineResult:
        searches = self.request(query)
        if searches is None:
            return EngineResult()
        try:
            found, counted = elastic.client().msearch(searches=searches).body["responses"]
        except elastic.ERRORS as error:
            raise EngineUnavailable(str(error)) from error
        for response in (found, counted):
            if "error" in response:
                raise EngineUnavailable(str(response["error"]))
        hits = []
        for hit in found["hits"]["hits"]:
            source = hit["_source"]
            hits.append(
                Hit(
                    **{name: source.get(name) for name in HIT_FIELDS},
                    snippet=_snippet(hit.get("highlight", {})),
                )
            )
        facets = {
            name: {
                bucket["key"]: bucket["doc_count"]
                for bucket in counted["aggregations"][name]["values"]["buckets"]
            }
            for name in FACETS
        }
        return EngineResult(count=counted["hits"]["total"]["value"], hits=hits, facets=facets)

    def suggest(
        self, user, prefix: str, *, limit: int, today: datetime.date | None = None
    ) -> list[Suggestion]:
        words = text.query_text(prefix)
        if not words:
            return []
        (suggested,) = SUGGEST_FIELDS
        match = Q("match", **{f"{suggested}.suggest": {"query": words, "operator": "and"}})
        body = {"query": self._query(user, today, match), "_source": ["title", "url"], "size": limit}
        return [
            Suggestion(title=hit["_source"]["title"], url=hit["_source"]["url"])
            for hit in self._execute(body)["hits"]["hits"]
        ]

    @staticmethod
    def _execute(body: dict) -> dict:
        # A shard with no copy left (a node lost, no replica) fails the search rather than leaving its
        # documents out: the database engine's answer is complete.
        try:
            return (
                elastic.client()
                .search(index=elastic.alias_name(), body=body, allow_partial_search_results=False)
                .body
            )
        except elastic.ERRORS as error:
            raise EngineUnavailable(str(error)) from error

    # --- writes --------------------------------------------------------------------------------

    def write(self, documents: list[Document], gone: Iterable[str], *, version: int) -> None:
        """Apply documents and deletions to the index behind the alias, visible to searches on return.

        Raises `elastic.Unavailable` when Elasticsearch or the alias is missing; a version conflict (a
        newer reading already indexed) is not an error."""
        alias = elastic.alias_name()
        actions = [
            *elastic.index_actions(documents, index=alias, version=version),
            *elastic.delete_actions(gone, index=alias, version=version),
        ]
        if not actions:
            return
        try:
            # Deletions with an external version would create a concrete index under the alias's
            # name (require_alias only guards index operations): never write before a rebuild made it.
            if not elastic.client().indices.exists_alias(name=alias):
                raise elastic.Unavailable(f"the alias {alias} does not exist yet: run search_index --rebuild")
            _, errors = helpers.bulk(
                elastic.client(),
                actions,
                refresh=True,
                require_alias=True,
                raise_on_error=False,
                max_retries=0,
            )
        except elastic.ERRORS as error:
            raise elastic.Unavailable(str(error)) from error
        failures = [error for error in errors if not _harmless(error)]
        if failures:
            raise elastic.Unavailable(f"{len(failures)} bulk errors, first: {failures[0]}")

    def start_rebuild(self) -> Rebuild:
        from search.bulkload import Loader

        loader = Loader()
        loader.start()
        return loader

    def fingerprints(self) -> dict[str, str]:
        if not elastic.indices_behind_alias():
            return {}
        try:
            hits = helpers.scan(
                elastic.client(), index=elastic.alias_name(), query={"_source": ["fingerprint"]}, size=1000
            )
            return {hit["_id"]: hit["_source"].get("fingerprint", "") for hit in hits}
        except elastic.ERRORS as error:
            raise elastic.Unavailable(str(error)) from error


def _harmless(error: dict) -> bool:
    (operation,) = error.values()
    reason = (operation.get("error") or {}).get("type", "")
    return reason == "version_conflict_engine_exception" or (
        operation.get("status") == 404 and not operation.get("error")
    )


def _snippet(highlight: dict) -> str:
    """The first highlighted fragment that marks a match; else the start of the summary or body."""
    fragments = [highlight[name][0] for name in HIGHLIGHTED if highlight.get(name)]
    for fragment in fragments:
        if text.MARK_START in fragment:
            return text.marked(fragment)
    return text.marked(fragments[0]) if fragments else text.marked("")
