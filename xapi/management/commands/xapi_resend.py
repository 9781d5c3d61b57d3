"""Send again the statements recorded since a date, for a store that lost them."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xapi import outbox, sending


def moment(value: str, *, end_of_day: bool = False) -> datetime.datetime:
    """A date (the start of that day, or the start of the next with `end_of_day`, in the portal's time
    zone) or an ISO 8601 date and time."""
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError as error:
            raise CommandError(f"not a date: {value!r} (YYYY-MM-DD or an ISO 8601 date and time)") from error
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    if end_of_day:
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class Command(BaseCommand):
    help = (
        "Send the xAPI statements recorded since DATE (until DATE, inclusive, if given) to the learning "
        "record store again, with their own ids: the store keeps each statement once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="YYYY-MM-DD (or an ISO 8601 date and time)")
        parser.add_argument("--until", help="YYYY-MM-DD, inclusive (or an ISO 8601 date and time, exclusive)")

    def handle(self, *args, since, until=None, **options):
        if not outbox.enabled():
            raise CommandError("xAPI is off: set XAPI_LRS_URL")
        start = moment(since)
        end = moment(until, end_of_day=True) if until else None
        if end is not None and end <= start:
            raise CommandError("--until is before --since")
        queued = outbox.queue_again(start, end)
        report = sending.send_due()
        self.stdout.write(f"{queued} statements queued again; {report.sent} sent.")
        if report.failed:
            self.stderr.write(
                f"{report.failed} not sent yet (they stay pending and are retried): {report.error}"
            )
