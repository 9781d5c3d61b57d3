"""Changes of pages and access rules, recorded in the search outbox (`search.outbox`).

Connected by `SearchConfig.ready()` (the page-wide and rule signals) and by each page type's
declaration (`search.pages.PageType.connect`: its own saves). Receivers only write outbox rows in the
current transaction: the index work happens after commit, in the drainer.

Rule *content* (cohorts, dates, nations) is not recorded: the denied rules are computed at query
time, so membership, dates and releasability take effect without reindexing. What a rule governs
is indexed (the ids of the rules on each document), so creating, moving or deleting a rule reindexes
the pages the policy says it governs from (`portal.access.rule_root_page_ids`) and everything below.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save

from wagtail.models import Page
from wagtail.signals import (
    copy_for_translation_done,
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
)

from portal import access
from portal.models import AccessRule
from search import outbox

Kind = outbox.Kind


def connect() -> None:
    post_delete.connect(page_deleted, sender=Page, dispatch_uid="search.page_deleted")
    page_published.connect(page_changed_below, dispatch_uid="search.page_published")
    page_unpublished.connect(page_changed_below, dispatch_uid="search.page_unpublished")
    page_slug_changed.connect(page_changed_below, dispatch_uid="search.page_slug_changed")
    post_page_move.connect(page_changed_below, dispatch_uid="search.post_page_move")
    copy_for_translation_done.connect(translation_created, dispatch_uid="search.translation")
    pre_save.connect(rule_before_save, sender=AccessRule, dispatch_uid="search.rule_before_save")
    post_save.connect(rule_saved, sender=AccessRule, dispatch_uid="search.rule_saved")
    post_delete.connect(rule_deleted, sender=AccessRule, dispatch_uid="search.rule_deleted")


def connect_page_type(model: type[Page], type_name: str) -> None:
    post_save.connect(page_saved, sender=model, dispatch_uid=f"search.{type_name}.saved")


def disconnect_page_type(model: type[Page], type_name: str) -> None:
    post_save.disconnect(sender=model, dispatch_uid=f"search.{type_name}.saved")


def page_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        outbox.record_pages(Kind.PAGE, [instance.pk])


def page_changed_below(sender, instance, **kwargs):
    # The title, slug, facets or URL of a page show in the documents of its descendants too.
    outbox.record_pages(Kind.SUBTREE, [instance.pk])


def page_deleted(sender, instance, **kwargs):
    outbox.record_pages(Kind.DELETE, [instance.pk])


def translation_created(sender, source_obj, target_obj, **kwargs):
    if isinstance(target_obj, Page):
        outbox.record_pages(Kind.SUBTREE, [target_obj.pk])


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
        roots = access.rule_root_page_ids(instance.page_id) | access.rule_root_page_ids(previous)
        outbox.record_pages(Kind.SUBTREE, roots)


def rule_deleted(sender, instance, **kwargs):
    outbox.record_pages(Kind.SUBTREE, access.rule_root_page_ids(instance.page_id))
