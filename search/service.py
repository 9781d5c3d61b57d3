"""The search service: the one facade the page, the API and anything else call.

`search(user, query, filters, page)` and `suggest(user, prefix)` ask the first configured engine of
`settings.SEARCH_ENGINES` (Elasticsearch when `ELASTICSEARCH_URL` is set, else the database engine)
and, when it cannot answer, the next one: the answer then says which engine served it and carries a
notice for the page. Results, counts, pages, facets, snippets and suggestions only ever reflect what
the access policy lets the user view: each engine puts the policy inside its own query.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.paginator import Page, Paginator
from django.utils.translation import gettext_lazy as _

from portal import access
from search import engines, outbox, registry
from search.engines import FACETS, SORTS, Engine, EngineResult, EngineUnavailable, Hit, Query, Suggestion
from search.schema import HIT_FIELDS, HIT_TITLES, TITLED_FIELDS

logger = logging.getLogger(__name__)

FALLBACK_NOTICE = _(
    "The main search index is not available at the moment, so these results come from the backup search. "
    "They are complete, but may be ranked differently."
)


class _ResultWindow(Sequence):
    """The whole result set as Django's paginator sees it: `count` long, and the engine's hits where
    the page being shown lies (the engine fetched only those)."""

    def __init__(self, count: int, hits: list[Hit]) -> None:
        self.count = count
        self.hits = hits

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.hits
        raise IndexError(index)


@dataclass
class SearchResults:
    """One page of results for one user, with the facet counts of the whole result set. `page` is a
    Django paginator page (`number`, `has_next`, `start_index`, …) over at most SEARCH_MAX_PAGES."""

    query: str
    filters: dict[str, str]
    sort: str
    count: int
    page: Page
    engine: str
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    notice: str = ""

    @property
    def hits(self) -> list[Hit]:
        return list(self.page.object_list)

    @property
    def number(self) -> int:
        return self.page.number

    @property
    def num_pages(self) -> int:
        return self.page.paginator.num_pages

    def as_json(self) -> dict:
        """The shape of `GET /api/v1/search/` (docs/architecture.md)."""
        return {
            "count": self.count,
            "page": self.number,
            "num_pages": self.num_pages,
            "engine": self.engine,
            "results": [
                {
                    **{name: getattr(hit, name) for name in (*HIT_FIELDS, *HIT_TITLES)},
                    "snippet": str(hit.snippet),
                }
                for hit in self.hits
            ],
            "facets": {name: dict(self.facets.get(name, {})) for name in FACETS},
        }


def search(
    user,
    query: str,
    filters: dict[str, str] | None,
    page: int = 1,
    *,
    today: datetime.date | None = None,
    sort: str = "relevance",
    label_facets: bool = False,
) -> SearchResults:
    """Search what `user` may read. `page` past the end gives the last page. The hits carry their
    course's and track's titles; `label_facets` labels the facets' values in the same ask (for the
    page, which shows them: `search.labels.facet_labels` then reads nothing), not for the API, whose
    facets are values and counts."""
    with access.request_scope():  # a second ask (page past the end) reuses the policy's answers
        return _search(user, query, filters, page, today=today, sort=sort, label_facets=label_facets)


def _search(
    user,
    query: str,
    filters: dict[str, str] | None,
    page: int,
    *,
    today: datetime.date | None,
    sort: str,
    label_facets: bool,
) -> SearchResults:
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    filters = {name: value for name, value in (filters or {}).items() if name in FACETS and value}
    size = settings.SEARCH_PAGE_SIZE
    wanted = Query(
        user=user,
        text=query,
        filters=filters,
        page=max(1, min(page, settings.SEARCH_MAX_PAGES)),
        page_size=size,
        sort=sort,
        today=today,
    )
    engine, result, notice = _ask(lambda engine: engine.search(wanted))
    paginator = _paginator(result)
    if wanted.page > paginator.num_pages:
        wanted = replace(wanted, page=paginator.num_pages)
        engine, result, notice = _ask(lambda engine: engine.search(wanted), first=engine)
    titled = _titled(user, result.hits, result.facets if label_facets else None)
    paginator = _paginator(replace(result, hits=titled))
    return SearchResults(
        query=query,
        filters=filters,
        sort=sort,
        count=result.count,
        page=paginator.page(wanted.page),
        engine=engine.name,
        facets=result.facets,
        notice=notice,
    )


def _titled(user, hits: list[Hit], facets: dict | None = None) -> list[Hit]:
    """The hits with the titles of their course and track (`TITLED_FIELDS`) in the reader's language,
    from the same labellers as the facet values (`search.registry.label_facet`). The values of the
    facets of those names are labelled in the same ask, for the facet list of the same request."""
    titles = {}
    for name in TITLED_FIELDS:
        values = sorted({getattr(hit, name) for hit in hits if getattr(hit, name)})
        shown = [value for value in (facets or {}).get(name) or {} if value not in values]
        labels = registry.facet_value_labels(name, user, values + shown) if values or shown else {}
        titles[name] = {value: labels[value] for value in values if value in labels}
    return [
        replace(hit, **{f"{name}_title": titles[name].get(getattr(hit, name)) for name in TITLED_FIELDS})
        for hit in hits
    ]


def _paginator(result: EngineResult) -> Paginator:
    # Pages past SEARCH_MAX_PAGES are never offered (the engines would refuse so deep an offset).
    size = settings.SEARCH_PAGE_SIZE
    shown = min(result.count, size * settings.SEARCH_MAX_PAGES)
    return Paginator(_ResultWindow(shown, result.hits), size)


def suggest(user, prefix: str, *, today: datetime.date | None = None) -> list[Suggestion]:
    """Titles (and URLs) of pages `user` may view that start with the words of `prefix`."""
    _, suggestions, _ = _ask(
        lambda engine: engine.suggest(user, prefix, limit=settings.SEARCH_SUGGESTIONS, today=today)
    )
    return suggestions


def _ask(call, first: Engine | None = None) -> tuple[Engine, EngineResult | list, str]:
    candidates = engines.configured()
    if first is not None:
        candidates = [first] + [engine for engine in candidates if type(engine) is not type(first)]
    notice = ""
    for position, engine in enumerate(candidates):
        try:
            answer = call(engine)
        except EngineUnavailable as error:
            if position == len(candidates) - 1:
                raise
            logger.warning("search engine %s unavailable, asking the next one: %s", engine.name, error)
            notice = str(FALLBACK_NOTICE)
            continue
        _catch_up()
        return engine, answer, notice
    raise EngineUnavailable("no search engine is configured")


def _catch_up() -> None:
    """The index answered: if changes are waiting for it (after an outage), hand them to the task
    backend — never drained in this request (`search.outbox.schedule_catch_up`). Checked at most once
    per SEARCH_CATCH_UP_SECONDS."""
    if not django_cache.add("search:catch-up", True, settings.SEARCH_CATCH_UP_SECONDS):
        return
    if outbox.due_changes_exist():
        outbox.schedule_catch_up()
