from django.apps import AppConfig
from django.db.models.signals import post_migrate


def attach_access_tabs() -> None:
    """Every page type with `access_tab = True` and no edit handler of its own gets the usual tabs
    and then the read-only "Access" tab. Done here, by the app that owns the tab, once every model is
    loaded, so page models never import admin screens."""
    from wagtail.models import get_page_models

    from portal.admin.access_panel import tabs_with_access

    for model in get_page_models():
        if getattr(model, "access_tab", False) and "edit_handler" not in model.__dict__:
            model.edit_handler = tabs_with_access(model)


def watch_policy_inputs() -> None:
    """The tables the access policy's inputs come from: answers kept across requests
    (`portal.change_tokens`) are dropped when any of them changes."""
    from wagtail.models import Page

    from portal import change_tokens
    from portal.models import AccessRule, Cohort, CohortMembership, OfficerProfile

    rules = (AccessRule, AccessRule.cohorts.through, AccessRule.releasable_to.through)
    for model in (*rules, Cohort, CohortMembership):
        change_tokens.watch(model)
    change_tokens.watch(OfficerProfile, ["user", "nation"])
    change_tokens.watch(Page, ["path", "depth", "translation_key", "locale"])


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal import change_tokens
        from portal.security import signals, two_factor

        signals.connect()
        attach_access_tabs()
        watch_policy_inputs()
        two_factor.watch_permissions()
        post_migrate.connect(
            change_tokens.install_after_migrate, sender=self, dispatch_uid="portal.change_token_triggers"
        )
