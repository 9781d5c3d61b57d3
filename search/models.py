"""What the search app stores in the database: the outbox of pending index changes, and the documents
the database engine searches.

`IndexChange` is the outbox: a row is written in the same transaction as the change it records, so a
change that commits is never forgotten, whatever happens to the task queue or to Elasticsearch; the
drainer (`search.indexing.drain`) applies it and marks it processed.

`SearchDocument` is the database engine's copy of a document (`search.schema.FIELDS`), kept current by
the drainer: the text as written (for snippets), its analysed form (`search.text.analyse`: the terms
Elasticsearch's analyzer makes of it, Arabic and English stemmed), and the facet fields. It is
indexed by Wagtail's own database search backend (SQLite FTS5 / PostgreSQL full text) under the
`search` backend alias; access is not stored here, the policy joins it at query time through
`page_id`, the page that governs the document.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.search import index

from search import text
from search.schema import FACETS, FIELDS, SUGGEST_FIELDS, TEXT_FIELDS, DocField, Kind


class IndexChange(models.Model):
    """A pending change to the search index (the outbox)."""

    class Kind(models.TextChoices):
        PAGE = "page", _("page")
        SUBTREE = "subtree", _("page and its descendants")
        DELETE = "delete", _("deleted page")
        OBJECT = "object", _("other content (saved or deleted)")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The indexed type of an `object` change (pages are one id space: their changes need none).
    type = models.CharField(max_length=40, blank=True)
    # No foreign key: a deleted object's change must outlive the object.
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    available_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)  # failed attempts (they back off)
    last_error = models.TextField(blank=True)
    # Every claim by a drainer counts: a row claimed twice was given up by a drainer that died
    # (its lease expired), which the worker tests and the admin can see.
    claims = models.PositiveIntegerField(default=0)
    claimed_by = models.CharField(max_length=100, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["available_at"],
                name="search_pending_idx",
                condition=models.Q(processed_at__isnull=True),
            )
        ]
        verbose_name = _("search index change")
        verbose_name_plural = _("search index changes")

    def __str__(self) -> str:
        return f"{self.kind} {self.type} {self.object_id}".replace("  ", " ")


_COLUMN_TYPES = {
    Kind.TEXT: lambda field: models.TextField(blank=field.name != "title"),
    Kind.KEYWORD: lambda field: models.CharField(max_length=255, null=field.null, blank=field.null),
    Kind.STORED: lambda field: models.TextField(),
    Kind.DATE: lambda field: models.DateTimeField(null=field.null, blank=field.null),
    # The governing page is what the access policy joins on.
    Kind.INTEGER: lambda field: models.BigIntegerField(
        null=field.null, blank=field.null, db_index=field.access
    ),
}


def _column(field: DocField) -> models.Field:
    return _COLUMN_TYPES[field.kind](field)


def _derived(name: str, suffix: str, form):
    def derived(self) -> str:
        return form(getattr(self, name))

    derived.__name__ = f"{name}_{suffix}"
    return derived


class _Meta:
    verbose_name = _("search document")
    verbose_name_plural = _("search documents")


def _search_document_attributes() -> dict:
    """The model's columns and Wagtail search fields, from `search.schema.FIELDS`: every field the
    database keeps; the analysed form of each text field, `<name>_norm` (stored for the title and
    summary, which ranking reads, computed for the body); the normalised, unstemmed words of the
    suggestion fields, `<name>_plain`, which suggestions match by prefix; the facets, the date and the
    governing page as filters."""
    columns = [field for field in FIELDS if field.database]
    attributes: dict = {
        "key": models.CharField(max_length=80, primary_key=True),
        **{field.db_column: _column(field) for field in columns},
        "fingerprint": models.CharField(max_length=40),
    }
    search_fields = []
    for field in TEXT_FIELDS:
        if field.boost > 1:
            attributes[f"{field.name}_norm"] = models.TextField(blank=field.name != "title")
        else:
            attributes[f"{field.name}_norm"] = _derived(field.name, "norm", text.analyse)
        search_fields.append(index.SearchField(f"{field.name}_norm"))
    for name in SUGGEST_FIELDS:
        attributes[f"{name}_plain"] = _derived(name, "plain", text.normalise)
        search_fields.append(index.AutocompleteField(f"{name}_plain"))
    # Access filters on the governing page, and on the object of a type that names its readers.
    search_fields += [index.FilterField(name) for name in (*FACETS, "page_id", "object_id", "published_at")]
    attributes["search_fields"] = search_fields
    return attributes


class _SearchDocumentBase(index.Indexed, models.Model):
    # Indexed by the database engine under its own backend alias, never by Wagtail's signal handlers
    # (they would index inside the transaction, before commit).
    search_auto_update = False

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @classmethod
    def get_indexed_objects(cls):
        """Wagtail's `update_index` leaves these alone: `search_index --rebuild` owns them."""
        return cls.objects.none()


SearchDocument = type(
    "SearchDocument",
    (_SearchDocumentBase,),
    {
        "__module__": __name__,
        "__doc__": "One searchable document as the database engine sees it.",
        "Meta": _Meta,
        **_search_document_attributes(),
    },
)
