from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_save

        from wagtail.models import Page
        from wagtail.signals import (
            copy_for_translation_done,
            page_published,
            page_slug_changed,
            page_unpublished,
            post_page_move,
        )

        from curriculum.models import Track
        from portal.models import AccessRule
        from search import signals
        from search.documents import TYPES

        for model in TYPES:
            post_save.connect(signals.page_saved, sender=model, dispatch_uid=f"search.saved.{model.__name__}")
        post_delete.connect(signals.page_deleted, sender=Page, dispatch_uid="search.page_deleted")
        page_published.connect(signals.page_published, dispatch_uid="search.page_published")
        page_unpublished.connect(signals.page_unpublished, dispatch_uid="search.page_unpublished")
        page_slug_changed.connect(signals.page_moved, dispatch_uid="search.page_slug_changed")
        post_page_move.connect(signals.page_moved, dispatch_uid="search.post_page_move")
        copy_for_translation_done.connect(signals.translation_created, dispatch_uid="search.translation")
        pre_save.connect(signals.rule_before_save, sender=AccessRule, dispatch_uid="search.rule_before_save")
        post_save.connect(signals.rule_saved, sender=AccessRule, dispatch_uid="search.rule_saved")
        post_delete.connect(signals.rule_deleted, sender=AccessRule, dispatch_uid="search.rule_deleted")
        post_save.connect(signals.track_saved, sender=Track, dispatch_uid="search.track_saved")
