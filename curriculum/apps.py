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


def _remember_preferred_language(sender, request, user, **kwargs) -> None:
    """The dashboard opens in the officer's preferred language right after sign-in."""
    from curriculum.views import PREFERRED_LANGUAGE_PENDING

    if request is not None and hasattr(request, "session"):
        request.session[PREFERRED_LANGUAGE_PENDING] = True


def _watch_menu_inputs() -> None:
    """The tables what is kept across requests for the menu and routing comes from
    (`curriculum.navigation.menu`, `curriculum.routing`): titles, addresses, publication and aliases
    of pages, tracks and which course is in which, sites, locales, Wagtail's view restrictions."""
    from wagtail.models import Locale, Page, PageViewRestriction, Site

    from curriculum.models import CoursePage, Track
    from portal import change_tokens

    change_tokens.watch(
        Page, ["title", "slug", "url_path", "live", "show_in_menus", "content_type", "alias_of"]
    )
    change_tokens.watch(CoursePage, ["track"])
    for model in (Track, Site, Locale, PageViewRestriction):
        change_tokens.watch(model)


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = "Curriculum"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from curriculum import search_types
        from curriculum.certificates import issuing
        from curriculum.signals import course_completed

        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="curriculum.ensure_site_structure")
        search_types.register()
        _watch_menu_inputs()
        user_logged_in.connect(_remember_preferred_language, dispatch_uid="curriculum.preferred_language")
        course_completed.connect(issuing.on_course_completed, dispatch_uid="curriculum.issue_certificate")
