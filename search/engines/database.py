"""The embedded engine: Wagtail's own database search backend (SQLite FTS5, PostgreSQL full text) over
`SearchDocument` rows.

Everything happens in SQL: the full-text match is modelsearch's, the access policy is
`portal.access.viewable_pages` as a subquery on page ids, the facet filters are plain `WHERE`
clauses, and the ranking (title over summary over body) is an expression in `ORDER BY`. Text and
query words are normalised (`search.text.normalise`) so Arabic is found however it is written.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When

from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from portal import access
from search import text
from search.engines import FACETS, Engine, EngineResult, Hit, Query, Suggestion
from search.models import SearchDocument

TITLE_WEIGHT = 2
SUMMARY_WEIGHT = 1


class DatabaseEngine(Engine):
    name = "database"

    @property
    def backend(self):
        return get_search_backend(settings.SEARCH_DATABASE_BACKEND)

    def visible(self, user, today: datetime.date | None) -> QuerySet[SearchDocument]:
        """Documents of live pages the policy lets `user` view: the access filter, as SQL."""
        pages = access.viewable_pages(user, today, Page.objects.live())
        return SearchDocument.objects.filter(page_id__in=pages.values("pk"))

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
                id=doc.page_id,
                title=doc.title,
                url=doc.url,
                type=doc.type,
                track=doc.track,
                course=doc.course,
                locale=doc.locale,
                snippet=text.snippet([doc.summary, doc.body], terms),
            )
            for doc in page
        ]
        # One grouped count over every match gives the total and each facet (counted with the
        # other facets' filters, not its own), instead of one full-text query per number.
        matches = self._matching(visible, terms).get_queryset()
        groups = list(matches.order_by().values(*FACETS).annotate(n=Count("page_id")))

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
        recency = [F("published_at").desc(nulls_last=True), F("page_id").desc()]
        if sort == "recent":
            return recency
        rank = Value(0, output_field=IntegerField())
        for term in terms:
            rank += Case(When(title_norm__contains=term, then=Value(TITLE_WEIGHT)), default=Value(0))
            rank += Case(When(summary_norm__contains=term, then=Value(SUMMARY_WEIGHT)), default=Value(0))
        return [rank.desc(), *recency]

    def suggest(
        self, user, prefix: str, *, limit: int, today: datetime.date | None = None
    ) -> list[Suggestion]:
        terms = text.query_terms(prefix)
        if not terms:
            return []
        results = self.backend.autocomplete(" ".join(terms), self.visible(user, today), operator="and")
        return [Suggestion(title=doc.title, url=doc.url) for doc in results[:limit]]
