from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _after_migrate(sender, **kwargs) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from curriculum.setup import ensure_site_structure

    # Page permissions need every app's Permission rows, which Django makes after *all* migrations.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    ensure_site_structure()


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = "Curriculum"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="curriculum.ensure_site_structure")
