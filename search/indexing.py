"""Keeping the indexes true: the outbox, the drainer, the rebuild and the drift check.

Every change that can alter what search should return (publish, unpublish, move, delete, a new
translation, an access rule added, moved or removed) is recorded by `record()` as an `IndexChange`
row *in the transaction that makes the change*, and the drainer is handed over on commit
(`transaction.on_commit` → the `drain_outbox` task). django-tasks no longer enqueues on commit by
itself, and its immediate backend runs inside the transaction, so the row is what makes the change
durable: if the task never runs, or Elasticsearch is down, the row stays pending and a later drain
applies it (with exponential backoff between attempts). Applying a row re-reads the pages from the
database, so applying it twice, or late, is harmless.

Two sinks are kept: the database engine's `SearchDocument` table (always) and the Elasticsearch
index (when `ELASTICSEARCH_URL` is set).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from search import documents, elastic
from search.models import IndexChange, SearchDocument
from search.text import normalise

logger = logging.getLogger(__name__)
Kind = IndexChange.Kind
LEASE = datetime.timedelta(minutes=2)
ANALYZE_AFTER = 500  # changes applied in one drain after which the planner statistics are refreshed


# --- recording changes -------------------------------------------------------------------------


def record(kind: str, page_ids: Iterable[int]) -> None:
    """Record pending changes in the current transaction and schedule a drain after commit."""
    rows = [IndexChange(kind=kind, page_id=page_id) for page_id in set(page_ids) if page_id]
    if not rows:
        return
    IndexChange.objects.bulk_create(rows)
    transaction.on_commit(schedule_drain)


def schedule_drain(run_after: datetime.datetime | None = None) -> None:
    """Hand the outbox to the task queue. Never fails the caller: the rows stay pending."""
    from search.tasks import drain_outbox

    try:
        task = drain_outbox
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return
            task = task.using(run_after=run_after)
        task.enqueue()
    except Exception:
        logger.exception("could not enqueue the search outbox drain; the changes stay pending")


# --- draining ----------------------------------------------------------------------------------


@dataclass
class DrainReport:
    applied: int = 0
    failed: int = 0
    error: str = ""


def drain(
    *, now: datetime.datetime | None = None, batch_size: int = 500, max_batches: int = 100
) -> DrainReport:
    """Apply due outbox rows, oldest first, until none is due (or `max_batches`). A batch that the
    index cannot take is retried later with exponential backoff; nothing is lost."""
    report = DrainReport()
    for _ in range(max_batches):
        moment = now or timezone.now()
        rows = _claim(moment, batch_size)
        if not rows:
            break
        try:
            apply(rows)
        except elastic.Unavailable as error:
            _postpone(rows, moment, str(error))
            report.failed += len(rows)
            report.error = str(error)
            break
        IndexChange.objects.filter(pk__in=[row.pk for row in rows]).update(
            processed_at=timezone.now(), last_error=""
        )
        report.applied += len(rows)
    _purge()
    if report.applied >= ANALYZE_AFTER:
        analyze_database_tables()
    if report.failed:
        retry_at = IndexChange.objects.filter(processed_at__isnull=True).aggregate(Min("available_at"))
        if retry_at["available_at__min"]:
            schedule_drain(run_after=retry_at["available_at__min"])
    return report


def _claim(moment: datetime.datetime, batch_size: int) -> list[IndexChange]:
    """Take due rows for this worker: locked rows are skipped, claimed rows leased for a while."""
    with transaction.atomic():
        rows = list(
            IndexChange.objects.select_for_update(skip_locked=True)
            .filter(processed_at__isnull=True, available_at__lte=moment)
            .order_by("pk")[:batch_size]
        )
        if rows:
            IndexChange.objects.filter(pk__in=[row.pk for row in rows]).update(available_at=moment + LEASE)
    return rows


def _postpone(rows: list[IndexChange], moment: datetime.datetime, error: str) -> None:
    for row in rows:
        row.attempts += 1
        delay = min(
            settings.SEARCH_RETRY_MAX_SECONDS, settings.SEARCH_RETRY_BASE_SECONDS * 2 ** (row.attempts - 1)
        )
        row.available_at = moment + datetime.timedelta(seconds=delay)
        row.last_error = error[:2000]
    IndexChange.objects.bulk_update(rows, ["attempts", "available_at", "last_error"])
    logger.warning("search index unavailable, %d changes postponed: %s", len(rows), error)


def _purge() -> None:
    cutoff = timezone.now() - datetime.timedelta(hours=settings.SEARCH_OUTBOX_RETENTION_HOURS)
    IndexChange.objects.filter(processed_at__lt=cutoff).delete()


def pending_changes(limit: int) -> tuple[set[int], set[int]] | None:
    """Pages (`page`, `delete`) and subtree roots (`subtree`) with a change not yet in the index;
    None when there are more than `limit` (the index is too far behind to be trusted)."""
    rows = list(
        IndexChange.objects.filter(processed_at__isnull=True).values_list("kind", "page_id")[: limit + 1]
    )
    if len(rows) > limit:
        return None
    pages = {page_id for kind, page_id in rows if kind != Kind.SUBTREE}
    subtrees = {page_id for kind, page_id in rows if kind == Kind.SUBTREE}
    return pages, subtrees


def due_changes_exist(now: datetime.datetime | None = None) -> bool:
    return IndexChange.objects.filter(
        processed_at__isnull=True, available_at__lte=now or timezone.now()
    ).exists()


# --- applying ----------------------------------------------------------------------------------


def affected_page_ids(rows: Iterable[IndexChange]) -> set[int]:
    ids = {row.page_id for row in rows if row.kind != Kind.SUBTREE}
    roots = [row.page_id for row in rows if row.kind == Kind.SUBTREE]
    ids.update(roots)
    paths = list(Page.objects.filter(pk__in=roots).values_list("path", flat=True))
    for start in range(0, len(paths), 100):
        condition = None
        for path in paths[start : start + 100]:
            clause = Page.objects.filter(path__startswith=path)
            condition = clause if condition is None else condition | clause
        ids.update(condition.values_list("pk", flat=True))
    return ids


def apply(rows: Iterable[IndexChange], chunk_size: int = 500) -> None:
    """Bring both sinks up to date for the pages the rows concern (raises `elastic.Unavailable`)."""
    page_ids = sorted(affected_page_ids(rows))
    for start in range(0, len(page_ids), chunk_size):
        apply_pages(page_ids[start : start + chunk_size])


def apply_pages(page_ids: list[int]) -> None:
    version = elastic.version_now()
    docs = documents.build(documents.rows_for(page_ids))
    gone = set(page_ids) - {doc.id for doc in docs}
    database_write(docs, gone)
    if settings.ELASTICSEARCH_URL:
        elastic.write(docs, gone, version=version)


# --- the database sink -------------------------------------------------------------------------

_DOC_FIELDS = [
    "type",
    "locale",
    "track",
    "course",
    "title",
    "summary",
    "body",
    "title_norm",
    "summary_norm",
    "url",
    "published_at",
    "fingerprint",
]


def _row(doc: documents.PageDocument) -> SearchDocument:
    return SearchDocument(
        page_id=doc.id,
        type=doc.type,
        locale=doc.locale,
        track=doc.track,
        course=doc.course,
        title=doc.title,
        summary=doc.summary,
        body=doc.body,
        title_norm=normalise(doc.title),
        summary_norm=normalise(doc.summary),
        url=doc.url,
        published_at=doc.published_at,
        fingerprint=doc.fingerprint,
    )


def database_write(docs: list[documents.PageDocument], gone: Iterable[int]) -> None:
    """Upsert and delete `SearchDocument` rows and their full-text entries, in one transaction."""
    rows = [_row(doc) for doc in docs]
    changed = [row.page_id for row in rows] + list(gone)
    content_type = ContentType.objects.get_for_model(SearchDocument)
    with transaction.atomic():
        IndexEntry.objects.filter(
            content_type=content_type, object_id__in=[str(pk) for pk in changed]
        )._raw_delete(IndexEntry.objects.db)
        SearchDocument.objects.filter(page_id__in=list(gone)).delete()
        if rows:
            SearchDocument.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["page_id"], update_fields=_DOC_FIELDS
            )
            get_search_backend(settings.SEARCH_DATABASE_BACKEND).add_bulk(SearchDocument, rows)


def analyze_database_tables() -> None:
    """Refresh the query planner's statistics of the full-text tables. Without them SQLite joins the
    FTS5 table in the inner loop (one MATCH per index entry: seconds instead of milliseconds at 10,000
    documents); PostgreSQL's autovacuum keeps its own, this only makes them current."""
    with connection.cursor() as cursor:
        for model in (IndexEntry, SearchDocument):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


# --- rebuild and check -------------------------------------------------------------------------


@dataclass
class RebuildReport:
    documents: int = 0
    index: str = ""
    removed_indices: list[str] = field(default_factory=list)
    reapplied: int = 0
    seconds: float = 0.0


SINKS = ("database", "elasticsearch")


def rebuild(
    *,
    sinks: Iterable[str] = SINKS,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = 500,
) -> RebuildReport:
    """Rebuild the database engine's documents and, if configured, a new Elasticsearch index behind
    the alias (swapped atomically); `sinks` limits it to one of them. Changes recorded while it runs
    are re-applied after the swap."""
    from search import bulkload

    sinks = set(sinks)
    started = timezone.now()
    report = RebuildReport()
    seen: set[int] = set()
    loader = bulkload.Loader() if settings.ELASTICSEARCH_URL and "elasticsearch" in sinks else None
    if loader:
        report.index = loader.start()
    builder = documents.Builder()
    try:
        for batch in documents.indexed_rows(chunk_size):
            version = elastic.version_now()
            docs = builder.build(batch)
            if "database" in sinks:
                database_write(docs, ())
            if loader:
                loader.send(docs, version)
            seen.update(doc.id for doc in docs)
            report.documents += len(docs)
            if progress:
                progress(len(batch))
        if loader:
            loader.finish()
    except BaseException:
        if loader:
            loader.abort()
        raise
    if "database" in sinks:
        database_write([], set(SearchDocument.objects.values_list("page_id", flat=True)) - seen)
        analyze_database_tables()
    if loader:
        report.removed_indices = loader.swap()
    # Changes recorded since the rebuild began may have been applied to the old index only.
    since = started - datetime.timedelta(seconds=settings.SEARCH_REBUILD_MARGIN_SECONDS)
    recent = list(IndexChange.objects.filter(created_at__gte=since))
    if recent:
        apply(recent)
    report.reapplied = len(recent)
    if "database" in sinks and (loader or not settings.ELASTICSEARCH_URL):
        # Every sink now reflects the database as read since `started`, and the recent rows were
        # re-applied: what was pending up to them is done (later rows stay for the drainer).
        last = max((row.pk for row in recent), default=None)
        done = IndexChange.objects.filter(processed_at__isnull=True, created_at__lt=since)
        if last is not None:
            done = IndexChange.objects.filter(processed_at__isnull=True, pk__lte=last)
        done.update(processed_at=timezone.now(), last_error="")
    report.seconds = (timezone.now() - started).total_seconds()
    return report


@dataclass
class Drift:
    sink: str
    missing: set[int] = field(default_factory=set)
    extra: set[int] = field(default_factory=set)
    stale: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.stale)


def expected_fingerprints() -> dict[int, str]:
    builder = documents.Builder()
    return {doc.id: doc.fingerprint for batch in documents.indexed_rows() for doc in builder.build(batch)}


def check() -> list[Drift]:
    """Compare what the database says the indexes should hold with what they hold."""
    expected = expected_fingerprints()
    found = dict(SearchDocument.objects.values_list("page_id", "fingerprint"))
    drifts = [_compare("database", expected, found)]
    if settings.ELASTICSEARCH_URL:
        drifts.append(_compare("elasticsearch", expected, elastic_fingerprints()))
    return drifts


def elastic_fingerprints() -> dict[int, str]:
    from elasticsearch import helpers

    if not elastic.indices_behind_alias():
        return {}
    try:
        hits = helpers.scan(
            elastic.client(), index=elastic.alias_name(), query={"_source": ["fingerprint"]}, size=1000
        )
        return {int(hit["_id"]): hit["_source"].get("fingerprint", "") for hit in hits}
    except elastic.ERRORS as error:
        raise elastic.Unavailable(str(error)) from error


def _compare(sink: str, expected: dict[int, str], found: dict[int, str]) -> Drift:
    return Drift(
        sink=sink,
        missing=set(expected) - set(found),
        extra=set(found) - set(expected),
        stale={pk for pk in set(expected) & set(found) if expected[pk] != found[pk]},
    )
