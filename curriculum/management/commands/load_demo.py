from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from wagtail import hooks

from curriculum.bundle.importer import BundleInvalid, import_bundle
from curriculum.demo.attempts import OFFICER, record_demo_attempts
from curriculum.demo.loader import apply_guide_audiences, apply_lessons_managers, demo_bundle
from curriculum.demo.people import DEMO_PASSWORD, SIGN_IN_NOTES
from curriculum.management.commands.import_curriculum import summarise

SUPERUSER = "admin"
# Apps that add demo data of their own register a function of the day the demo is loaded under this
# Wagtail hook (content apps do not import each other); it runs after the bundle, safe to run again.
DEMO_HOOK = "demo_loaded"


class Command(BaseCommand):
    help = (
        "Load the demo curriculum shipped with the project (safe to run again: it updates in place) "
        "and print the demo sign-ins."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--base-url",
            default=settings.WAGTAILADMIN_BASE_URL,
            help="The address the portal is served on, for the sign-ins printed at the end "
            "(`make run` passes http://$(HOST):$(PORT); default: WAGTAILADMIN_BASE_URL).",
        )

    def handle(self, *args, **options) -> None:
        try:
            report = import_bundle(demo_bundle(timezone.localdate()))
        except BundleInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(str(error))
            raise CommandError("The demo bundle is invalid; nothing was loaded.") from invalid
        apply_guide_audiences()
        apply_lessons_managers()
        for extend in hooks.get_hooks(DEMO_HOOK):  # the other content apps' demo data (discussion)
            extend(timezone.localdate())
        recorded = record_demo_attempts()
        self._ensure_superuser()
        self.stdout.write(summarise(report))
        if recorded:
            self.stdout.write(f"Knowledge checks: {recorded} attempts recorded for {OFFICER}.")
        base_url = options["base_url"].rstrip("/")
        self.stdout.write(f"\nDemo sign-ins ({base_url}/accounts/login/, admin at {base_url}/admin/):")
        self.stdout.write(f"  {SUPERUSER:<16} {DEMO_PASSWORD}  superuser")
        for username, note in SIGN_IN_NOTES.items():
            self.stdout.write(f"  {username:<16} {DEMO_PASSWORD}  {note}")
        self.stdout.write(
            "Staff accounts (admin, instructor, editor, programme.admin) set up two-factor authentication"
            " with an authenticator app on their first sign-in; officers sign in with the password alone."
        )

    def _ensure_superuser(self) -> None:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=SUPERUSER, defaults={"is_superuser": True, "is_staff": True, "first_name": "Portal"}
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save()
