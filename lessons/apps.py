from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Lessons learned"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lessons import search_types

        search_types.register()
