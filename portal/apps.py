from django.apps import AppConfig


def attach_access_tabs() -> None:
    """Every page type with `access_tab = True` and no edit handler of its own gets the usual tabs
    and then the read-only "Access" tab. Done here, by the app that owns the tab, once every model is
    loaded, so page models never import admin screens."""
    from wagtail.models import get_page_models

    from portal.admin.access_panel import tabs_with_access

    for model in get_page_models():
        if getattr(model, "access_tab", False) and "edit_handler" not in model.__dict__:
            model.edit_handler = tabs_with_access(model)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.security import signals

        signals.connect()
        attach_access_tabs()
