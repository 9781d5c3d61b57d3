from django.db import models


class ChangeToken(models.Model):
    """A row per scope whose token the database replaces, by trigger, whenever a table that answers
    kept across requests depend on changes (`portal.change_tokens`). Never written by the
    application."""

    scope = models.CharField(max_length=40, primary_key=True)
    token = models.CharField(max_length=64)

    class Meta:
        verbose_name = "change token"

    def __str__(self) -> str:
        return f"{self.scope}: {self.token}"
