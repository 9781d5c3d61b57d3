from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Page-wide and access-rule changes; each indexed type connects its own when it is
        # registered (search.registry), by the content app that declares it.
        from portal import change_tokens
        from search import outbox, signals
        from search.models import IndexChange

        signals.connect()
        # A change recorded (a row) or applied (`processed_at`) replaces the change token, so every
        # search's check of the pending changes (`search.outbox.pending_changes`) can be kept
        # across requests until then. The drainer's claims and leases change nothing searches read.
        change_tokens.watch(IndexChange, ["processed_at"], scope=outbox.TOKEN_SCOPE)
