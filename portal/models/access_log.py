from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessLogEntry(models.Model):
    """One view of restricted content, one denied attempt, or one sign-in event: who, what, when,
    outcome, from where."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Granted")
        DENIED = "denied", _("Denied")

    class ObjectType(models.TextChoices):
        PAGE = "page", _("Page")
        DOCUMENT = "document", _("Document")
        IMAGE = "image", _("Image")
        PDF = "pdf", _("PDF download")
        VIEW_AS = "view_as", _("“View as” started")
        SIGN_IN = "sign_in", _("Sign-in")
        SIGN_OUT = "sign_out", _("Sign-out")
        LOCKOUT = "lockout", _("Sign-in lockout")
        TWO_FACTOR = "two_factor", _("Two-factor authentication")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text so the record survives the account.
    username = models.CharField(_("user"), max_length=150, blank=True)
    viewing_as = models.CharField(
        _("viewing as"), max_length=200, blank=True, help_text=_("Set when staff used “view as”.")
    )
    object_type = models.CharField(_("object type"), max_length=10, choices=ObjectType.choices)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    object_title = models.CharField(_("object"), max_length=255, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or '-'} {self.outcome} {self.object_title}"
