"""What the search app stores in the database: the outbox of pending index changes, and the documents
the database engine searches.

`IndexChange` is the outbox: a row is written in the same transaction as the change it records, so a
change that commits is never forgotten, whatever happens to the task queue or to Elasticsearch; the
drainer (`search.indexing.drain`) applies it and marks it processed.

`SearchDocument` is the database engine's copy of an indexed page, kept current by the drainer: the
text as written (for snippets), its normalised form (for Arabic and accents), and the facet fields. It
is indexed by Wagtail's own database search backend (SQLite FTS5 / PostgreSQL full text) under the
`search` backend alias; access is not stored here, the policy joins it at query time.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.search import index

from search import text


class IndexChange(models.Model):
    """A pending change to the search index (the outbox)."""

    class Kind(models.TextChoices):
        PAGE = "page", _("page")
        SUBTREE = "subtree", _("page and its descendants")
        DELETE = "delete", _("deleted page")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # No foreign key: a deleted page's change must outlive the page.
    page_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    available_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
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
        return f"{self.kind} {self.page_id}"


class SearchDocument(index.Indexed, models.Model):
    """One live, searchable page as the database engine sees it."""

    page_id = models.BigIntegerField(primary_key=True)
    type = models.CharField(max_length=20)
    locale = models.CharField(max_length=10)
    track = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001 - null means "no track"
    course = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    title = models.TextField()
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    title_norm = models.TextField()
    summary_norm = models.TextField(blank=True)
    url = models.TextField()
    published_at = models.DateTimeField(null=True, blank=True)
    fingerprint = models.CharField(max_length=40)

    # Indexed by search.indexing under its own backend alias, never by Wagtail's signal handlers
    # (they would index inside the transaction, before commit).
    search_auto_update = False
    search_fields = [
        index.SearchField("title_norm"),
        index.SearchField("summary_norm"),
        index.SearchField("body_norm"),
        index.AutocompleteField("title_norm"),
        index.FilterField("page_id"),
        index.FilterField("type"),
        index.FilterField("locale"),
        index.FilterField("track"),
        index.FilterField("course"),
        index.FilterField("published_at"),
    ]

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return self.title

    def body_norm(self) -> str:
        return text.normalise(self.body)

    @classmethod
    def get_indexed_objects(cls):
        """Wagtail's `update_index` leaves these alone: `search_index --rebuild` owns them."""
        return cls.objects.none()
