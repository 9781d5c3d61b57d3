"""The registry of indexed types: how a kind of content joins search.

A content app declares each of its searchable types in its own package — a subclass of `IndexedType`
(or of `search.pages.PageType` for Wagtail pages) naming the model, its `type` facet value and how a
document is built from it — and registers an instance from its `AppConfig.ready()`:

    search.registry.register(GlossaryType())

The arrow runs from the content app to this registry, never back: nothing under `search/` names a
content model. From the declarations, search knows what to index, how to rebuild, which changes to
record (`connect`) and which values the `type` facet has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import ClassVar

from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from wagtail.models import Page

from portal import access, change_tokens
from portal.memo import per_request
from search import outbox
from search.schema import Document, document_key


class BuildContext:
    """What the builders of one run (a drain, a rebuild) share between batches: any type may keep
    what it read once (parent pages, URLs, the access facts of ancestors) in `memo`."""

    def __init__(self) -> None:
        self.memo: dict[str, object] = {}

    def remembered(self, name: str, make: Callable[[], object]):
        if name not in self.memo:
            self.memo[name] = make()
        return self.memo[name]


class IndexedType:
    """A kind of content that search finds: one document per indexable object.

    Set `name` (the `type` facet value and API `type`), `model`, `columns` (the `values()` columns
    the document needs) and implement `content(row, context)`, which returns the document's fields by
    role: `title`, `summary`, `body` (text), `locale` (language), `url`, `published_at` (date) and
    the facets `track` and `course`.

    Who may read a document is the access policy's answer for the page that governs it: name the
    column that holds that page's id in `page_column` (and in `columns`). Without one (or where it is
    null), every signed-in user may read it. A document whose page is not live is not indexed; a
    change of the page or of the rules on it (or above it) reindexes the documents it governs.

    Content that names its own readers (a lesson: its author, then nations and cohorts) implements
    `audience(row, context)`, the row's `portal.access.Audience`, which the Elasticsearch filter
    matches, and `readable(user, today)`, the policy's queryset of what the user may read, which the
    database engine joins.
    """

    name: ClassVar[str]
    model: ClassVar[type[Model]]
    is_page: ClassVar[bool] = False
    columns: ClassVar[tuple[str, ...]] = ("pk",)
    page_column: ClassVar[str | None] = None
    # Other models whose change alters these documents: model → the ids of the objects to reindex.
    dependencies: ClassVar[dict[type[Model], Callable[[Model], Iterable[int]]]] = {}

    def label(self) -> str:
        """The `type` facet's label, in the active language."""
        return str(self.model._meta.verbose_name).capitalize()

    def indexable(self) -> QuerySet:
        """What should be in the index now."""
        return self.model._default_manager.all()

    def key(self, object_id: int) -> str:
        return document_key(self.name, object_id, is_page=self.is_page)

    def rows(self, queryset: QuerySet, chunk_size: int = 500) -> Iterator[dict]:
        # `values()` rows, not instances: a rebuild reads everything, and building model instances
        # (a page's StreamFields above all) costs more than the rest of the work together.
        yield from queryset.values(*self.columns).iterator(chunk_size=chunk_size)

    def content(self, row: dict, context: BuildContext) -> dict:
        raise NotImplementedError

    def prepare(self, rows: list[dict], context: BuildContext) -> None:
        """Read what a batch of rows needs from elsewhere, with a fixed number of queries."""

    def audience(self, row: dict, context: BuildContext) -> access.Audience | None:
        """Who may read the row's document, when the content names its readers (None: its page
        decides, or every signed-in user)."""
        return None

    def readable(self, user, today) -> QuerySet | None:
        """The objects `user` may read on the day, when the content names its readers (None: only
        its governing page decides)."""
        return None

    def documents(self, rows: list[dict], context: BuildContext) -> list[Document]:
        self.prepare(rows, context)
        pages = governing_pages([row[self.page_column] for row in rows] if self.page_column else [], context)
        documents = []
        for row in rows:
            governing = {}
            if self.page_column and row[self.page_column] is not None:
                governing = pages.get(row[self.page_column])
                if governing is None:
                    continue  # its page is not live: nobody reads it
            documents.append(
                Document(
                    key=self.key(row["pk"]),
                    id=row["pk"],
                    type=self.name,
                    **governing,
                    **_audience_fields(self.audience(row, context)),
                    **self.content(row, context),
                )
            )
        return documents

    def governed_by(self, page_ids: list[int]) -> list[int]:
        """Ids of the objects that these pages govern (reindexed when the pages or their rules change)."""
        if not self.page_column or not page_ids:
            return []
        return list(
            self.indexable().filter(**{f"{self.page_column}__in": page_ids}).values_list("pk", flat=True)
        )

    def connect(self) -> None:
        """Record every change of the model (and of its dependencies) in the outbox."""
        post_save.connect(self._saved, sender=self.model, dispatch_uid=f"search.{self.name}.saved")
        post_delete.connect(self._saved, sender=self.model, dispatch_uid=f"search.{self.name}.deleted")
        self.connect_dependencies()

    def disconnect(self) -> None:
        post_save.disconnect(sender=self.model, dispatch_uid=f"search.{self.name}.saved")
        post_delete.disconnect(sender=self.model, dispatch_uid=f"search.{self.name}.deleted")
        self.disconnect_dependencies()

    def disconnect_dependencies(self) -> None:
        for model in self.dependencies:
            post_save.disconnect(sender=model, dispatch_uid=f"search.{self.name}.{model.__name__}")

    def connect_dependencies(self) -> None:
        for model in self.dependencies:
            post_save.connect(
                self._dependency_saved, sender=model, dispatch_uid=f"search.{self.name}.{model.__name__}"
            )

    def _saved(self, sender, instance, raw: bool = False, **kwargs) -> None:
        if not raw:
            outbox.record_objects(self.name, [instance.pk])

    def _dependency_saved(self, sender, instance, created: bool = False, raw: bool = False, **kwargs):
        if not created and not raw:
            self.record(self.dependencies[sender](instance))

    def record(self, object_ids: Iterable[int]) -> None:
        outbox.record_objects(self.name, object_ids)


def _audience_fields(audience: access.Audience | None) -> dict:
    if audience is None:
        return {}
    return {
        "audience": "released" if audience.released else "review",
        "audience_reader_ids": sorted(audience.reader_ids),
        "audience_nation_ids": sorted(audience.nation_ids),
        "audience_cohort_ids": sorted(audience.cohort_ids),
    }


_types: dict[str, IndexedType] = {}


def register(indexed_type: IndexedType) -> IndexedType:
    """Add a type (once per name; registering the same name again replaces it, for tests)."""
    previous = _types.get(indexed_type.name)
    if previous is not None and type(previous) is type(indexed_type):
        return previous
    if previous is not None:
        previous.disconnect()
    _types[indexed_type.name] = indexed_type
    indexed_type.connect()
    return indexed_type


def unregister(name: str) -> None:
    """Remove a type and stop recording its changes (tests that declare one of their own)."""
    indexed = _types.pop(name, None)
    if indexed is not None:
        indexed.disconnect()


def types() -> list[IndexedType]:
    return list(_types.values())


def type_names() -> tuple[str, ...]:
    return tuple(_types)


def get(name: str) -> IndexedType:
    return _types[name]


def page_types() -> list[IndexedType]:
    return [indexed for indexed in _types.values() if indexed.is_page]


def count_indexable() -> int:
    return sum(indexed.indexable().count() for indexed in _types.values())


def batches(chunk_size: int = 500, context: BuildContext | None = None) -> Iterator[tuple[int, list]]:
    """Every indexable object's document, in batches of at most `chunk_size`, type after type:
    (rows read, documents)."""
    context = context or BuildContext()
    for indexed in types():
        rows: list[dict] = []
        for row in indexed.rows(indexed.indexable().order_by("pk"), chunk_size):
            rows.append(row)
            if len(rows) == chunk_size:
                yield len(rows), indexed.documents(rows, context)
                rows = []
        if rows:
            yield len(rows), indexed.documents(rows, context)


def documents_for(indexed: IndexedType, object_ids: Iterable[int], context: BuildContext) -> list[Document]:
    """Documents of the indexable objects among `object_ids` (the others are not, or no longer, indexed)."""
    ids = list(object_ids)
    if not ids:
        return []
    return indexed.documents(
        list(indexed.rows(indexed.indexable().filter(pk__in=ids).order_by("pk"))), context
    )


def governing_pages(page_ids: Iterable[int], context: BuildContext) -> dict[int, dict]:
    """For each live page among `page_ids`, the access fields of the documents it governs (its id,
    path, depth and owner, and the policy's `GoverningRules` facts), in two queries per batch."""
    ids = set(page_ids) - {None}
    if not ids:
        return {}
    rows = list(Page.objects.live().filter(pk__in=ids).values("pk", "path", "depth", "owner_id"))
    facts = context.remembered("governing rules", access.GoverningRules).facts(row["path"] for row in rows)
    return {
        row["pk"]: {
            "page_id": row["pk"],
            "path": row["path"],
            "depth": row["depth"],
            "owner_id": row["owner_id"],
            "ancestor_ids": facts[row["path"]].ancestor_ids,
            "rule_ids": facts[row["path"]].rule_ids,
        }
        for row in rows
    }


# --- facet labels ------------------------------------------------------------------------------
# The values of a facet that content types fill (`track`, `course`) are named by the app that knows
# them: a labeller takes the user and the values present in their (trimmed) facet counts. Its answer
# may depend only on the values, the pages the reader may read (`portal.access.reader_key`), the
# active language and tables the change token watches (`portal.change_tokens.watch`): it is kept
# across requests on those terms (`facet_value_labels`).
FacetLabeller = Callable[[object, list[str]], dict[str, str]]
_facet_labellers: dict[str, FacetLabeller] = {}


def label_facet(name: str, labeller: FacetLabeller) -> None:
    _facet_labellers[name] = labeller


def facet_value_labels(name: str, user, values: Iterable[str]) -> dict[str, str]:
    """The labels of `values` of facet `name` for `user`. Within a request each value is labelled
    once: a search names its hits' courses and tracks, then the page its facets'
    (`search.service._titled` asks for both at once with `label_facets`), so the second ask reads
    nothing. The memo is the request's and the reader's (user and language): nothing labelled for one
    reader is shown to another. Across requests, `_labelled` keeps answers per reader access."""
    if name == "type":
        return {indexed.name: indexed.label() for indexed in _types.values()}
    labeller = _facet_labellers.get(name)
    if labeller is None:
        return {}
    values = list(values)
    # Kept with the user object of this request (in the memo, so its id stays its own).
    known = per_request(("facet labels", name, id(user), get_language()), lambda: (user, {}))[1]
    missing = [value for value in dict.fromkeys(values) if value not in known]
    if missing:
        found = _labelled(name, labeller, user, missing)
        for value in missing:
            known[value] = found.get(value)  # None: not for this reader (or not there)
    return {value: known[value] for value in values if known.get(value) is not None}


def _labelled(name: str, labeller: FacetLabeller, user, values: list[str]) -> dict[str, str]:
    """The labeller's answer, kept across requests for every reader who may read the same pages
    (`access.reader_key`) in the same language, while the change token holds; staff who edit pages
    (no reader key: their own answer) and anything inside a transaction ask the labeller."""
    reader = access.reader_key(user)
    if reader is None:
        return labeller(user, values)
    key = ("search.facet labels", name, reader, get_language(), tuple(values))
    return dict(change_tokens.kept(key, lambda: tuple(sorted(labeller(user, values).items()))))
