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
import math
from dataclasses import dataclass, field, replace
from functools import cache

from django.conf import settings
from django.core.cache import cache as django_cache
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from portal import access
from search import indexing
from search.engines import FACETS, SORTS, Engine, EngineResult, EngineUnavailable, Hit, Query, Suggestion

logger = logging.getLogger(__name__)

FALLBACK_NOTICE = _(
    "The main search index is not available at the moment, so these results come from the backup search. "
    "They are complete, but may be ranked differently."
)


@dataclass
class SearchResults:
    """One page of results for one user, with the facet counts of the whole result set."""

    query: str
    filters: dict[str, str]
    sort: str
    count: int
    number: int
    num_pages: int
    page_size: int
    engine: str
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    notice: str = ""

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.page_size + 1 if self.count else 0

    def as_json(self) -> dict:
        """The shape of `GET /api/v1/search/` (docs/architecture.md)."""
        return {
            "count": self.count,
            "page": self.number,
            "num_pages": self.num_pages,
            "engine": self.engine,
            "results": [
                {
                    "id": hit.id,
                    "title": hit.title,
                    "url": hit.url,
                    "type": hit.type,
                    "track": hit.track,
                    "course": hit.course,
                    "locale": hit.locale,
                    "snippet": str(hit.snippet),
                }
                for hit in self.hits
            ],
            "facets": {name: dict(self.facets.get(name, {})) for name in FACETS},
        }


@cache
def _engine_classes(paths: tuple[str, ...]) -> list[type[Engine]]:
    return [import_string(path) for path in paths]


def engines() -> list[Engine]:
    """The configured engines, in the order they are asked."""
    return [cls() for cls in _engine_classes(tuple(settings.SEARCH_ENGINES)) if cls.is_configured()]


def search(
    user,
    query: str,
    filters: dict[str, str] | None,
    page: int = 1,
    *,
    today: datetime.date | None = None,
    sort: str = "relevance",
) -> SearchResults:
    """Search what `user` may read. `page` past the end gives the last page."""
    with access.request_scope():  # a second ask (page past the end) reuses the policy's answers
        return _search(user, query, filters, page, today=today, sort=sort)


def _search(
    user, query: str, filters: dict[str, str] | None, page: int, *, today: datetime.date | None, sort: str
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
    num_pages = max(1, min(math.ceil(result.count / size), settings.SEARCH_MAX_PAGES))
    if wanted.page > num_pages:
        wanted = replace(wanted, page=num_pages)
        engine, result, notice = _ask(lambda engine: engine.search(wanted), first=engine)
    return SearchResults(
        query=query,
        filters=filters,
        sort=sort,
        count=result.count,
        number=wanted.page,
        num_pages=num_pages,
        page_size=size,
        engine=engine.name,
        hits=result.hits,
        facets=result.facets,
        notice=notice,
    )


def suggest(user, prefix: str, *, today: datetime.date | None = None) -> list[Suggestion]:
    """Titles (and URLs) of pages `user` may view that start with the words of `prefix`."""
    _, suggestions, _ = _ask(
        lambda engine: engine.suggest(user, prefix, limit=settings.SEARCH_SUGGESTIONS, today=today)
    )
    return suggestions


def _ask(call, first: Engine | None = None) -> tuple[Engine, EngineResult | list, str]:
    candidates = engines()
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
    """The index answered: if changes are waiting for it (after an outage), hand them over again.
    Checked at most once per SEARCH_CATCH_UP_SECONDS."""
    if not django_cache.add("search:catch-up", True, settings.SEARCH_CATCH_UP_SECONDS):
        return
    if indexing.due_changes_exist():
        indexing.schedule_drain()
