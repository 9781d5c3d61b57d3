import hashlib

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CspReport(models.Model):
    """A Content-Security-Policy violation that browsers reported (POST /csp-report/).

    The same violation (page, directive, blocked address, source line) is one row with a count, so
    that a flood of identical reports cannot fill the table. Addresses are kept without their
    query strings (a search query is nobody's business here)."""

    digest = models.CharField(max_length=64, unique=True, editable=False)
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now, db_index=True)
    count = models.PositiveIntegerField(_("count"), default=1)
    document_uri = models.CharField(_("page"), max_length=500, blank=True)
    effective_directive = models.CharField(_("directive"), max_length=100, blank=True)
    blocked_uri = models.CharField(_("blocked"), max_length=500, blank=True)
    source_file = models.CharField(_("source file"), max_length=500, blank=True)
    line_number = models.PositiveIntegerField(_("line"), null=True, blank=True)
    disposition = models.CharField(_("disposition"), max_length=10, blank=True)
    sample = models.CharField(_("sample"), max_length=200, blank=True)

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("CSP report")
        verbose_name_plural = _("CSP reports")

    def __str__(self) -> str:
        return f"{self.effective_directive} {self.blocked_uri} on {self.document_uri}"

    @classmethod
    def note(cls, **fields) -> "CspReport":
        """Count one more of this violation, or record it for the first time."""
        key = "\x1f".join(
            str(fields.get(name) or "")
            for name in ("document_uri", "effective_directive", "blocked_uri", "source_file", "line_number")
        )
        digest = hashlib.sha256(key.encode()).hexdigest()
        now = timezone.now()
        for _attempt in range(2):
            if cls.objects.filter(digest=digest).update(count=F("count") + 1, last_seen=now):
                return cls.objects.get(digest=digest)
            try:
                with transaction.atomic():
                    return cls.objects.create(digest=digest, first_seen=now, last_seen=now, **fields)
            except IntegrityError:  # the same report arrived at the same moment: count it instead
                continue
        return cls.objects.get(digest=digest)
