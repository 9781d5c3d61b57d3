from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Page-wide and access-rule changes; each indexed type connects its own when it is
        # registered (search.registry), by the content app that declares it.
        from search import signals

        signals.connect()
