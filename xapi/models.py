"""The xAPI outbox: one row per statement, recorded in the transaction of the event it describes."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class XapiStatement(models.Model):
    """A statement for the learning record store, sent by the `send_statements` task.

    `statement_id` is the statement's `id`, made when the row is recorded: sending it again (a retry
    after a lost answer, `xapi_resend`) sends the same statement, which the store keeps once.
    """

    statement_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    statement = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Due for sending from this moment (later after a failure, or while a sender holds the row).
    available_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    claims = models.PositiveIntegerField(default=0)
    claimed_by = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["available_at"], condition=models.Q(sent_at__isnull=True), name="xapi_statement_due"
            )
        ]
        verbose_name = "xAPI statement"

    def __str__(self) -> str:
        verb = (self.statement.get("verb") or {}).get("id", "?").rsplit("/", 1)[-1]
        return f"{self.statement_id} {verb} ({'sent' if self.sent_at else 'pending'})"
