"""Tasks of the xapi app (django-tasks)."""

from django_tasks import task

from xapi import sending


@task()
def send_statements() -> dict:
    """Send the pending xAPI statements to the learning record store (see `xapi.sending.send_due`)."""
    report = sending.send_due()
    return {"sent": report.sent, "failed": report.failed, "error": report.error}
