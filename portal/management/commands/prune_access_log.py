"""`manage.py prune_access_log [--days N] [--dry-run]`: delete access-log entries past retention."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from portal.models import AccessLogEntry


class Command(BaseCommand):
    help = (
        "Delete access-log entries older than the retention period "
        "(ACCESS_LOG_RETENTION_DAYS, or --days) and print how many."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days of entries (default: the ACCESS_LOG_RETENTION_DAYS setting).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the entries that would be deleted."
        )

    def handle(self, *args, days: int | None, dry_run: bool, **options) -> None:
        if days is None:
            days = settings.ACCESS_LOG_RETENTION_DAYS
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise CommandError(f"The retention must be a whole number of days, at least 1 (got {days!r}).")
        cutoff = timezone.now() - datetime.timedelta(days=days)
        expired = AccessLogEntry.objects.filter(at__lt=cutoff)
        if dry_run:
            count = expired.count()
            self.stdout.write(f"{count} access-log entries older than {days} days would be deleted.")
            return
        with transaction.atomic():
            count, _ = expired.delete()
        self.stdout.write(self.style.SUCCESS(f"Deleted {count} access-log entries older than {days} days."))
