"""The engine at scale: one query to the index behind `<SEARCH_INDEX_PREFIX>-content`.

The access policy (`portal.access.search_filter`) becomes a few `terms` filters on indexed fields,
whatever the number of rules: pages governed by a denied rule are excluded, unless the user can edit
them. Pages whose index entry is not yet current (a change still in the outbox) are excluded too, so
a rule or a move that has not reached the index yet can never reveal a page. Facet counts are
aggregations of the same filtered query; the facet filters go to `post_filter` so that each facet
counts what choosing one of its values would give.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from elasticsearch_dsl import Q

from portal import access
from search import elastic, indexing, text
from search.engines import FACETS, Engine, EngineResult, EngineUnavailable, Hit, Query, Suggestion

FIELDS = ["title^3", "summary^2", "body"]
ARABIC_FIELDS = ["title.ar^3", "summary.ar^2", "body.ar"]
SNIPPET_FIELDS = ("summary", "body", "summary.ar", "body.ar")


def access_filter(policy: access.SearchFilter) -> Q | None:
    """`portal.access.SearchFilter` as an Elasticsearch filter (None: everything is visible)."""
    if policy.everything:
        return None
    if policy.landing_only:
        return Q("term", depth=access.LANDING_DEPTH)
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


def stale_filter() -> Q | None:
    """Exclude what the outbox says is not current in the index yet (fail closed)."""
    pending = indexing.pending_changes(limit=settings.SEARCH_MAX_PENDING_CHANGES)
    if pending is None:
        raise EngineUnavailable("the index is catching up")
    pages, subtrees = pending
    clauses = []
    if pages:
        clauses.append(Q("ids", values=[str(page_id) for page_id in sorted(pages)]))
    if subtrees:
        clauses.append(Q("terms", ancestor_ids=sorted(subtrees)))
    return Q("bool", should=clauses, minimum_should_match=1) if clauses else None


class ElasticsearchEngine(Engine):
    name = "elasticsearch"

    @classmethod
    def is_configured(cls) -> bool:
        return bool(settings.ELASTICSEARCH_URL)

    def _query(self, user, today: datetime.date | None, query: Q) -> dict:
        filters = [clause for clause in (access_filter(access.search_filter(user, today)),) if clause]
        must_not = [clause for clause in (stale_filter(),) if clause]
        return Q("bool", must=[query], filter=filters, must_not=must_not).to_dict()

    def request(self, query: Query) -> dict | None:
        """The search request body for `query`, access filter included (None: no words to search).
        Queries are composed with elasticsearch-dsl's `Q`; the rest is a plain body, so a search
        costs one request and no response wrapping."""
        words = text.query_text(query.text)
        if not words:
            return None
        match = Q(
            "bool",
            should=[
                Q("multi_match", query=words, type="cross_fields", operator="and", fields=FIELDS),
                Q("multi_match", query=words, type="cross_fields", operator="and", fields=ARABIC_FIELDS),
            ],
            minimum_should_match=1,
        )
        chosen = {name: {"term": {name: value}} for name, value in query.filters.items()}
        aggregations = {}
        for name in FACETS:
            others = [clause for key, clause in chosen.items() if key != name]
            aggregations[name] = {
                "filter": {"bool": {"filter": others}} if others else {"match_all": {}},
                "aggs": {"values": {"terms": {"field": name, "size": settings.SEARCH_FACET_SIZE}}},
            }
        recency = [{"published_at": {"order": "desc", "missing": "_last"}}, {"path": "asc"}]
        body = {
            "query": self._query(query.user, query.today, match),
            "aggs": aggregations,
            "highlight": {
                "pre_tags": [text.MARK_START],
                "post_tags": [text.MARK_END],
                "fragment_size": 200,
                "number_of_fragments": 1,
                "no_match_size": 200,
                "fields": {name: {} for name in SNIPPET_FIELDS},
            },
            "_source": ["id", "title", "url", "type", "track", "course", "locale"],
            "sort": recency if query.sort == "recent" else ["_score", *recency],
            "from": query.offset,
            "size": query.page_size,
            "track_total_hits": True,
        }
        if chosen:
            body["post_filter"] = {"bool": {"filter": list(chosen.values())}}
        return body

    def search(self, query: Query) -> EngineResult:
        body = self.request(query)
        if body is None:
            return EngineResult()
        response = self._execute(body)
        hits = []
        for hit in response["hits"]["hits"]:
            source = hit["_source"]
            hits.append(
                Hit(
                    id=source["id"],
                    title=source["title"],
                    url=source["url"],
                    type=source["type"],
                    track=source.get("track"),
                    course=source.get("course"),
                    locale=source["locale"],
                    snippet=_snippet(hit.get("highlight", {})),
                )
            )
        facets = {
            name: {
                bucket["key"]: bucket["doc_count"]
                for bucket in response["aggregations"][name]["values"]["buckets"]
            }
            for name in FACETS
        }
        return EngineResult(count=response["hits"]["total"]["value"], hits=hits, facets=facets)

    def suggest(
        self, user, prefix: str, *, limit: int, today: datetime.date | None = None
    ) -> list[Suggestion]:
        words = text.query_text(prefix)
        if not words:
            return []
        match = Q("match", **{"title.suggest": {"query": words, "operator": "and"}})
        body = {"query": self._query(user, today, match), "_source": ["title", "url"], "size": limit}
        return [
            Suggestion(title=hit["_source"]["title"], url=hit["_source"]["url"])
            for hit in self._execute(body)["hits"]["hits"]
        ]

    @staticmethod
    def _execute(body: dict) -> dict:
        try:
            return elastic.client().search(index=elastic.alias_name(), body=body).body
        except elastic.ERRORS as error:
            raise EngineUnavailable(str(error)) from error


def _snippet(highlight: dict) -> str:
    """The first highlighted fragment that marks a match; else the start of the summary or body."""
    fragments = [highlight[name][0] for name in SNIPPET_FIELDS if highlight.get(name)]
    for fragment in fragments:
        if text.MARK_START in fragment:
            return text.marked(fragment)
    return text.marked(fragments[0]) if fragments else text.marked("")
