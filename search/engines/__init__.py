"""The search engines, and what they exchange with the service and the indexing pipeline.

An engine is one class that owns everything it does with its store: it answers one `Query` for one
user with an `EngineResult`, with the access policy inside its own query (never a filter on the
results afterwards); it applies documents and deletions (`write`); it rebuilds its store from every
document (`start_rebuild`); and it says what it holds (`fingerprints`, for the drift check). It raises
`EngineUnavailable` when it cannot answer or write; the service then asks the next engine, and the
drainer keeps the changes for later.

`settings.SEARCH_ENGINES` lists the engine classes in the order they are asked; `configured()` gives
those that are configured here. Nothing else names an engine.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from search.schema import FACETS, Document, Hit

__all__ = [
    "FACETS",
    "SORTS",
    "Engine",
    "EngineResult",
    "EngineUnavailable",
    "Hit",
    "Query",
    "Rebuild",
    "Suggestion",
    "configured",
    "version_now",
]

SORTS = ("relevance", "recent")


def version_now() -> int:
    """A document version: the time of reading from the database, in microseconds."""
    return time.time_ns() // 1000


class EngineUnavailable(Exception):
    """The engine cannot answer or write now (down, unreachable, index missing or behind)."""


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
class Suggestion:
    title: str
    url: str


@dataclass
class EngineResult:
    count: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=lambda: {name: {} for name in FACETS})


class Rebuild:
    """One engine's rebuild in progress: every document is sent, then it finishes (or is aborted),
    then it completes (the new store replaces the old). `index` and `removed` name what replaced what,
    for engines with named indices."""

    index: str = ""
    removed: list[str]

    def __init__(self) -> None:
        self.removed = []

    def send(self, documents: list[Document], version: int) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Everything was sent: make the new store complete (still not in use)."""

    def abort(self) -> None:
        """Something failed: leave the store in use as it was."""

    def complete(self) -> None:
        """Put the new store in use."""


class Engine:
    """What every engine offers. Subclasses set `name` (reported to API clients as `engine`)."""

    name = ""

    @classmethod
    def is_configured(cls) -> bool:
        return True

    # --- reads ---

    def search(self, query: Query) -> EngineResult:
        raise NotImplementedError

    def suggest(
        self, user, prefix: str, *, limit: int, today: datetime.date | None = None
    ) -> list[Suggestion]:
        raise NotImplementedError

    # --- writes ---

    def write(self, documents: list[Document], gone: Iterable[str], *, version: int) -> None:
        """Store `documents` and delete the documents keyed `gone`; visible to searches on return.
        `version` is when the documents were read (microseconds): an older reading never wins."""
        raise NotImplementedError

    def after_drain(self, applied: int) -> None:
        """A drain applied `applied` changes (an engine may refresh statistics after many)."""

    def start_rebuild(self) -> Rebuild:
        raise NotImplementedError

    def fingerprints(self) -> dict[str, str]:
        """Document key → fingerprint of everything the engine holds."""
        raise NotImplementedError


@cache
def _engine_classes(paths: tuple[str, ...]) -> list[type[Engine]]:
    return [import_string(path) for path in paths]


def configured() -> list[Engine]:
    """The configured engines, in the order they are asked."""
    return [cls() for cls in _engine_classes(tuple(settings.SEARCH_ENGINES)) if cls.is_configured()]


def available_names() -> list[str]:
    """The names of every engine the settings list (configured here or not)."""
    return [cls.name for cls in _engine_classes(tuple(settings.SEARCH_ENGINES))]
