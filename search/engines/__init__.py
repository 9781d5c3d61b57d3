"""The two search engines behind `search.service`, and what they exchange with it.

An engine answers one `Query` for one user with an `EngineResult`, with the access policy inside its
own query (never a filter on the results afterwards). It raises `EngineUnavailable` when it cannot
answer; the service then asks the next engine.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString

FACETS = ("track", "type", "locale", "course")
SORTS = ("relevance", "recent")


class EngineUnavailable(Exception):
    """The engine cannot answer now (down, unreachable, index missing or behind)."""


@dataclass(frozen=True)
class Query:
    """One search: the user's words, facet filters, the page wanted and the sort."""

    user: Any
    text: str
    filters: dict[str, str] = field(default_factory=dict)
    page: int = 1
    page_size: int = 10
    sort: str = "relevance"
    today: datetime.date | None = None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True)
class Hit:
    id: int
    title: str
    url: str
    type: str
    track: str | None
    course: str | None
    locale: str
    snippet: SafeString


@dataclass(frozen=True)
class Suggestion:
    title: str
    url: str


@dataclass
class EngineResult:
    count: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=lambda: {name: {} for name in FACETS})


class Engine:
    """What every engine offers. Subclasses set `name` (reported to API clients as `engine`)."""

    name = ""

    @classmethod
    def is_configured(cls) -> bool:
        return True

    def search(self, query: Query) -> EngineResult:
        raise NotImplementedError

    def suggest(
        self, user, prefix: str, *, limit: int, today: datetime.date | None = None
    ) -> list[Suggestion]:
        raise NotImplementedError
