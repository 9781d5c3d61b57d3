from django.core.management.base import BaseCommand, CommandError

from curriculum.bundle.exporter import export_bundle
from curriculum.bundle.io import write_bundle


class Command(BaseCommand):
    help = (
        "Write the portal's curriculum as a bundle (JSON, or YAML for .yaml/.yml) that re-imports to "
        "the same content. Passwords are never exported."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="where to write the bundle")

    def handle(self, *args, path: str, **options) -> None:
        bundle = export_bundle()
        try:
            write_bundle(bundle, path)
        except OSError as error:
            raise CommandError(f"{path}: cannot write ({error.strerror or error})") from error
        pages = (
            len(bundle.get("courses", [])) + len(bundle.get("guides", [])) + len(bundle.get("programmes", []))
        )
        self.stdout.write(f"Exported {pages} courses, guides and programmes to {path}.")
