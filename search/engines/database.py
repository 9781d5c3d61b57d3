"""The embedded engine: Wagtail's own database search backend (SQLite FTS5, PostgreSQL full text) over
`SearchDocument` rows — its reads, its writes, its rebuild and its drift check.

Everything happens in SQL: the full-text match is modelsearch's, the access policy is
`portal.access.viewable_content` (a subquery on the governing pages), the facet filters are plain
`WHERE` clauses, and the ranking (title over summary over body) is an expression in `ORDER BY`. Text
and query words are analysed (`search.text.analyse`, `query_terms`) into the terms Elasticsearch's
analyzer makes of them, so a word is found however it is written, with or without its Arabic
prefixes and suffixes or its English ending.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from portal import access
from search import registry, text
from search.engines import FACETS, Engine, EngineResult, Hit, Query, Rebuild, Suggestion
from search.models import SearchDocument
from search.schema import DATE_FIELD, FIELDS, HIT_FIELDS, SNIPPET_FIELDS, TEXT_FIELDS, Document

ANALYZE_AFTER = 500  # changes applied in one drain after which the planner statistics are refreshed
_COLUMNS = {field.name: field.db_column for field in FIELDS if field.database}
# Ranking weights: a field boosted n counts n - 1 per query term found in its analysed form.
_WEIGHTS = {f"{field.name}_norm": field.boost - 1 for field in TEXT_FIELDS if field.boost > 1}
_STORED_NORMS = tuple(_WEIGHTS)
_WRITTEN = [*_COLUMNS.values(), *_STORED_NORMS, "fingerprint"]


class DatabaseEngine(Engine):
    name = "database"

    @property
    def backend(self):
        return get_search_backend(settings.SEARCH_DATABASE_BACKEND)

    # --- reads ---------------------------------------------------------------------------------

    def visible(self, user, today: datetime.date | None) -> QuerySet[SearchDocument]:
        """Documents the policy lets `user` read: the access filter, as SQL — the governing page's
        decision, and for content that names its readers (lessons), the policy's own queryset."""
        visible = access.viewable_content(user, today, SearchDocument.objects.all(), page_field="page_id")
        for indexed in registry.types():
            readable = indexed.readable(user, today)
            if readable is not None:
                visible = visible.exclude(Q(type=indexed.name) & ~Q(object_id__in=readable.values("pk")))
        return visible

    def _matching(self, queryset: QuerySet, terms: list[str]):
        return self.backend.search(" ".join(terms), queryset, operator="and", order_by_relevance=False)

    def search(self, query: Query) -> EngineResult:
        terms = text.query_terms(query.text)
        if not terms:
            return EngineResult()
        visible = self.visible(query.user, query.today)
        ordered = visible.filter(**query.filters).order_by(*self._ordering(query.sort, terms))
        page = self._matching(ordered, terms)[query.offset : query.offset + query.page_size]
        hits = [
            Hit(
                **{name: getattr(doc, _COLUMNS[name]) for name in HIT_FIELDS},
                snippet=text.snippet([getattr(doc, name) for name in SNIPPET_FIELDS], terms),
            )
            for doc in page
        ]
        # One grouped count over every match gives the total and each facet (counted with the
        # other facets' filters, not its own), instead of one full-text query per number.
        matches = self._matching(visible, terms).get_queryset()
        groups = list(matches.order_by().values(*FACETS).annotate(n=Count("key")))

        def chosen(group: dict, skip: str | None = None) -> bool:
            return all(group[name] == value for name, value in query.filters.items() if name != skip)

        facets: dict[str, dict[str, int]] = {}
        for name in FACETS:
            counts: dict[str, int] = {}
            for group in groups:
                if group[name] is not None and chosen(group, skip=name):
                    counts[group[name]] = counts.get(group[name], 0) + group["n"]
            facets[name] = dict(sorted(counts.items(), key=lambda item: -item[1]))
        count = sum(group["n"] for group in groups if chosen(group))
        return EngineResult(count=count, hits=hits, facets=facets)

    def _ordering(self, sort: str, terms: list[str]) -> list:
        recency = [F(DATE_FIELD).desc(nulls_last=True), F("key").desc()]
        if sort == "recent":
            return recency
        rank = Value(0, output_field=IntegerField())
        for term in terms:
            for column, weight in _WEIGHTS.items():
                rank += Case(When(**{f"{column}__contains": term}, then=Value(weight)), default=Value(0))
        return [rank.desc(), *recency]

    def suggest(
        self, user, prefix: str, *, limit: int, today: datetime.date | None = None
    ) -> list[Suggestion]:
        terms = text.prefix_terms(prefix)
        if not terms:
            return []
        results = self.backend.autocomplete(" ".join(terms), self.visible(user, today), operator="and")
        return [Suggestion(title=doc.title, url=doc.url) for doc in results[:limit]]

    # --- writes --------------------------------------------------------------------------------

    def write(self, documents: list[Document], gone: Iterable[str], *, version: int = 0) -> None:
        """Upsert and delete `SearchDocument` rows and their full-text entries, in one transaction."""
        rows = [_row(document) for document in documents]
        gone = list(gone)
        changed = [row.key for row in rows] + gone
        content_type = ContentType.objects.get_for_model(SearchDocument)
        with transaction.atomic():
            IndexEntry.objects.filter(content_type=content_type, object_id__in=changed)._raw_delete(
                IndexEntry.objects.db
            )
            SearchDocument.objects.filter(key__in=gone).delete()
            if rows:
                SearchDocument.objects.bulk_create(
                    rows, update_conflicts=True, unique_fields=["key"], update_fields=_WRITTEN
                )
                self.backend.add_bulk(SearchDocument, rows)

    def after_drain(self, applied: int) -> None:
        if applied >= ANALYZE_AFTER:
            analyze_tables()

    def start_rebuild(self) -> Rebuild:
        return _DatabaseRebuild(self)

    def fingerprints(self) -> dict[str, str]:
        return dict(SearchDocument.objects.values_list("key", "fingerprint"))


class _DatabaseRebuild(Rebuild):
    """Rows are replaced in place, batch by batch (each batch one transaction): searches see every
    document throughout; what no longer exists is deleted at the end."""

    def __init__(self, engine: DatabaseEngine) -> None:
        super().__init__()
        self.engine = engine
        self.seen: set[str] = set()

    def send(self, documents: list[Document], version: int) -> None:
        self.engine.write(documents, ())
        self.seen.update(document.key for document in documents)

    def finish(self) -> None:
        self.engine.write([], set(SearchDocument.objects.values_list("key", flat=True)) - self.seen)
        analyze_tables()


def _row(document: Document) -> SearchDocument:
    values = document.values()
    return SearchDocument(
        key=document.key,
        **{column: values[name] for name, column in _COLUMNS.items()},
        **{column: text.analyse(values[column.removesuffix("_norm")]) for column in _STORED_NORMS},
        fingerprint=document.fingerprint,
    )


def analyze_tables() -> None:
    """Refresh the query planner's statistics of the full-text tables. Without them SQLite joins the
    FTS5 table in the inner loop (one MATCH per index entry: seconds instead of milliseconds at 10,000
    documents); PostgreSQL's autovacuum keeps its own, this only makes them current."""
    with connection.cursor() as cursor:
        for model in (IndexEntry, SearchDocument):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
