"""Keeping every engine true: the drainer, the rebuild and the drift check.

The pipeline knows no engine by name: it loops over `search.engines.configured()` (the engines of
`settings.SEARCH_ENGINES` configured here) and builds documents from the registry of indexed types
(`search.registry`). Changes come from the outbox (`search.outbox`); applying a change re-reads the
objects it concerns from the database, so applying it twice, or late, is harmless.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from wagtail.models import Page

from portal.outbox import Report
from search import engines, outbox, registry
from search.engines import Engine, EngineUnavailable, version_now
from search.models import IndexChange
from search.schema import Document, describe_keys

Kind = IndexChange.Kind


# --- draining ----------------------------------------------------------------------------------


class DrainReport(Report):
    @property
    def applied(self) -> int:
        return self.done


def drain(
    *, now: datetime.datetime | None = None, batch_size: int | None = None, max_batches: int = 100
) -> DrainReport:
    """Apply due outbox rows, oldest first, until none is due (or `max_batches`). A batch that an
    engine cannot take is retried later with exponential backoff; a row whose document cannot be
    built is set aside the same way, with its error, without holding back the rest; nothing is
    lost (`portal.outbox`)."""
    targets = engines.configured()
    report = outbox.CHANGES.process(
        lambda rows: apply(rows, targets=targets),
        unavailable=EngineUnavailable,
        batch_size=batch_size or settings.SEARCH_DRAIN_BATCH_SIZE,
        max_batches=max_batches,
        now=now,
        report=DrainReport(),
    )
    outbox.purge()
    for engine in targets:
        engine.after_drain(report.applied)
    return report


# --- applying ----------------------------------------------------------------------------------


def affected_page_ids(rows: Iterable[IndexChange]) -> set[int]:
    """The pages that page changes concern: the pages themselves and every page below a subtree."""
    rows = [row for row in rows if row.kind != Kind.OBJECT]
    ids = {row.object_id for row in rows}
    roots = [row.object_id for row in rows if row.kind == Kind.SUBTREE]
    paths = list(Page.objects.filter(pk__in=roots).values_list("path", flat=True))
    for start in range(0, len(paths), 100):
        condition = None
        for path in paths[start : start + 100]:
            clause = Page.objects.filter(path__startswith=path)
            condition = clause if condition is None else condition | clause
        ids.update(condition.values_list("pk", flat=True))
    return ids


def apply(rows: Iterable[IndexChange], chunk_size: int = 500, *, targets: list[Engine] | None = None) -> None:
    """Bring every engine up to date for what the rows concern (raises `EngineUnavailable`)."""
    rows = list(rows)
    targets = engines.configured() if targets is None else targets
    context = registry.BuildContext()
    page_ids = sorted(affected_page_ids(rows))
    for start in range(0, len(page_ids), chunk_size):
        chunk = page_ids[start : start + chunk_size]
        version = version_now()
        documents = documents_for_pages(chunk, context)
        built = {document.id for document in documents}
        _write(targets, documents, [str(pk) for pk in chunk if pk not in built], version)
    objects: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if row.kind == Kind.OBJECT and row.type in registry.type_names():
            objects[row.type].add(row.object_id)
    for indexed in registry.types():  # content the changed pages govern
        if not indexed.is_page:
            objects[indexed.name].update(indexed.governed_by(page_ids))
    for type_name, ids in objects.items():
        indexed = registry.get(type_name)
        ordered = sorted(ids)
        for start in range(0, len(ordered), chunk_size):
            chunk = ordered[start : start + chunk_size]
            version = version_now()
            documents = registry.documents_for(indexed, chunk, context)
            built = {document.id for document in documents}
            _write(targets, documents, [indexed.key(pk) for pk in chunk if pk not in built], version)


def documents_for_pages(
    page_ids: Iterable[int], context: registry.BuildContext | None = None
) -> list[Document]:
    """The documents of the indexable pages among `page_ids`, whatever their type."""
    context = context or registry.BuildContext()
    ids = list(page_ids)
    return [
        document
        for indexed in registry.page_types()
        for document in registry.documents_for(indexed, ids, context)
    ]


def _write(targets: list[Engine], documents: list[Document], gone: list[str], version: int) -> None:
    """Every engine gets the change even when another cannot take it (so the fallback engine is
    current during an outage); the first failure is raised afterwards, and the rows retried."""
    failure: EngineUnavailable | None = None
    for engine in targets:
        try:
            engine.write(documents, gone, version=version)
        except EngineUnavailable as error:
            failure = failure or error
    if failure is not None:
        raise failure


# --- rebuild -----------------------------------------------------------------------------------


@dataclass
class RebuildReport:
    documents: int = 0
    engines: list[str] = field(default_factory=list)
    index: str = ""
    removed_indices: list[str] = field(default_factory=list)
    reapplied: int = 0
    seconds: float = 0.0


def rebuild(
    *,
    only: Iterable[str] | None = None,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = 500,
) -> RebuildReport:
    """Rebuild every configured engine (or those named) from every indexable object; each engine
    puts its new store in use only once it is complete. Changes recorded while it runs are
    re-applied afterwards."""
    targets = [engine for engine in engines.configured() if only is None or engine.name in set(only)]
    started = timezone.now()
    report = RebuildReport(engines=[engine.name for engine in targets])
    rebuilds = []
    try:
        for engine in targets:
            rebuilds.append(engine.start_rebuild())
        for rows_read, documents in registry.batches(chunk_size):
            version = version_now()
            for running in rebuilds:
                running.send(documents, version)
            report.documents += len(documents)
            if progress:
                progress(rows_read)
        for running in rebuilds:
            running.finish()
    except BaseException:
        for running in rebuilds:
            running.abort()
        raise
    for running in rebuilds:
        running.complete()
        report.index = report.index or running.index
        report.removed_indices += running.removed
    # Changes recorded since the rebuild began may have reached only the old stores.
    since = started - datetime.timedelta(seconds=settings.SEARCH_REBUILD_MARGIN_SECONDS)
    recent = outbox.recorded_since(since)
    if recent:
        apply(recent)
    report.reapplied = len(recent)
    if {engine.name for engine in targets} == {engine.name for engine in engines.configured()}:
        # Every engine now reflects the database as read since `started`, and the recent rows were
        # re-applied: what was pending up to them is done.
        outbox.settle_before(recent, since)
    report.seconds = (timezone.now() - started).total_seconds()
    return report


# --- drift -------------------------------------------------------------------------------------


@dataclass
class Drift:
    engine: str
    missing: set[str] = field(default_factory=set)
    extra: set[str] = field(default_factory=set)
    stale: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.stale)

    def lines(self) -> list[str]:
        """'database: 2 missing (page ids 3, 4)' for each kind of drift."""
        return [
            f"{self.engine}: {len(keys)} {label} ({describe_keys(keys)})"
            for label, keys in (("missing", self.missing), ("extra", self.extra), ("stale", self.stale))
            if keys
        ]


def expected_fingerprints() -> dict[str, str]:
    return {
        document.key: document.fingerprint
        for _, documents in registry.batches(context=registry.BuildContext())
        for document in documents
    }


def check() -> list[Drift]:
    """Compare what the database says each engine should hold with what it holds."""
    expected = expected_fingerprints()
    return [_compare(engine.name, expected, engine.fingerprints()) for engine in engines.configured()]


def _compare(name: str, expected: dict[str, str], found: dict[str, str]) -> Drift:
    return Drift(
        engine=name,
        missing=set(expected) - set(found),
        extra=set(found) - set(expected),
        stale={key for key in set(expected) & set(found) if expected[key] != found[key]},
    )
