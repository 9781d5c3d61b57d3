from django.core.management.base import BaseCommand, CommandError

from curriculum.bundle.importer import BundleInvalid, ImportReport, import_bundle
from curriculum.bundle.io import BundleFileError, read_bundle


class Command(BaseCommand):
    help = (
        "Load a curriculum bundle (JSON or YAML, format curriculum-bundle/1). Idempotent by slug and "
        "locale; atomic: a bundle with any error imports nothing, lists every error and exits 1."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the bundle file (.json, .yaml or .yml)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="validate and report what would change (each existing account's fields too); write nothing",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="also set the bundle's passwords on existing officer accounts (else only new ones get them)",
        )

    def handle(self, *args, path: str, dry_run: bool, reset_passwords: bool, **options) -> None:
        try:
            report = import_bundle(read_bundle(path), dry_run=dry_run, reset_passwords=reset_passwords)
        except BundleFileError as error:
            raise CommandError(str(error)) from error
        except BundleInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(invalid.errors)} error(s); nothing was imported.") from invalid
        self.stdout.write(summarise(report))


def summarise(report: ImportReport) -> str:
    kinds = sorted(set(report.created) | set(report.updated) | set(report.unchanged))
    lines = [
        f"  {kind}: {report.created[kind]} created, {report.updated[kind]} updated, "
        f"{report.unchanged[kind]} unchanged"
        for kind in kinds
    ]
    verb = "would change" if report.dry_run else "changed"
    lines += [
        f"  account {username}: {verb} {', '.join(fields)}"
        for username, fields in sorted(report.account_changes.items())
    ]
    lines += [
        f"  account {username}: password kept (the bundle's differs; pass --reset-passwords to set it)"
        for username in sorted(report.passwords_kept)
    ]
    head = "Dry run: nothing was written." if report.dry_run else "Imported."
    return "\n".join([head, *lines])
