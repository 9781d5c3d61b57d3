"""What happens to pages, rules and tracks, recorded in the search outbox (`search.indexing.record`).

Receivers are connected in `SearchConfig.ready()` to specific senders; `curriculum` never calls
`search`. They only write outbox rows in the current transaction: the index work happens after
commit, in the drainer.

Rule *content* (cohorts, dates, nations) is not recorded: the denied rules are computed at query
time, so membership, dates and releasability take effect without reindexing. What a rule governs
(the page it is attached to) is indexed, so creating, moving or deleting a rule reindexes the
subtrees of every page of its translation group.
"""

from __future__ import annotations

from wagtail.models import Page

from search import indexing
from search.models import IndexChange

Kind = IndexChange.Kind


def _group_ids(page_id: int | None) -> list[int]:
    """Every page of the translation group of `page_id` (rules govern the whole group)."""
    if page_id is None:
        return []
    keys = Page.objects.filter(pk=page_id).values("translation_key")
    return list(Page.objects.filter(translation_key__in=keys).values_list("pk", flat=True)) or [page_id]


def page_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        indexing.record(Kind.PAGE, [instance.pk])


def page_published(sender, instance, **kwargs):
    # The title, slug, track or URL of a page shows in the documents of its descendants too.
    indexing.record(Kind.SUBTREE, [instance.pk])


def page_unpublished(sender, instance, **kwargs):
    indexing.record(Kind.SUBTREE, [instance.pk])


def page_deleted(sender, instance, **kwargs):
    indexing.record(Kind.DELETE, [instance.pk])


def page_moved(sender, instance, **kwargs):
    indexing.record(Kind.SUBTREE, [instance.pk])


def translation_created(sender, source_obj, target_obj, **kwargs):
    if isinstance(target_obj, Page):
        indexing.record(Kind.SUBTREE, [target_obj.pk])


def rule_before_save(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        instance._search_previous_page_id = (
            sender.objects.filter(pk=instance.pk).values_list("page_id", flat=True).first()
        )


def rule_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    previous = getattr(instance, "_search_previous_page_id", None)
    if created or previous != instance.page_id:
        indexing.record(Kind.SUBTREE, _group_ids(instance.page_id) + _group_ids(previous))


def rule_deleted(sender, instance, **kwargs):
    indexing.record(Kind.SUBTREE, _group_ids(instance.page_id))


def track_saved(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:
        indexing.record(Kind.SUBTREE, instance.courses.values_list("pk", flat=True))
