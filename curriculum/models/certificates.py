"""Certificates of completion (docs/certificates.md).

A certificate is a record, not a file: it keeps what it certifies as it was on the day it was issued
(the officer's name, rank and nation, the course's English and Arabic titles, the cohort), so a PDF
downloaded a year later says the same as on the first day, whatever was renamed or deleted since.
The PDF is rendered from these fields on every download (`curriculum.certificates.pdf`).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# 24 random bytes: 192 bits, 32 URL-safe characters. Knowing one code tells nothing about another.
CODE_BYTES = 24
CODE_LENGTH = 32


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


class CertificateQuerySet(models.QuerySet):
    def valid(self) -> CertificateQuerySet:
        return self.filter(revoked_at__isnull=True)


class Certificate(models.Model):
    """One officer's certificate of completion of one course (its translation group: the English and
    the Arabic course are one course). At most one that is not revoked per officer and course."""

    code = models.CharField(
        _("verification code"), max_length=64, unique=True, default=new_code, editable=False
    )
    # Kept when the account is deleted, so the certificate can still be verified.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    course_key = models.UUIDField(_("course translation key"), db_index=True)
    course = models.ForeignKey(
        "curriculum.CoursePage",
        verbose_name=_("course"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The course page completed (in whichever language)."),
    )
    cohort = models.ForeignKey(
        "portal.Cohort",
        verbose_name=_("cohort"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    issued_at = models.DateTimeField(_("issued"), db_index=True)

    # What the certificate says, as on the day it was issued.
    officer_name = models.CharField(_("officer's name"), max_length=300)
    rank = models.CharField(_("rank"), max_length=60, blank=True)
    nation_name = models.CharField(_("nation"), max_length=100, blank=True)
    nation_name_ar = models.CharField(_("nation (Arabic)"), max_length=100, blank=True)
    course_title = models.CharField(_("course title"), max_length=255)
    course_title_ar = models.CharField(_("course title (Arabic)"), max_length=255, blank=True)
    cohort_name = models.CharField(_("cohort name"), max_length=200, blank=True)

    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # Issuing twice at once (two completions racing) meets this, not a second certificate.
            models.UniqueConstraint(
                fields=["user", "course_key"],
                condition=Q(revoked_at__isnull=True),
                name="one_valid_certificate_per_course",
            )
        ]
        permissions = [("revoke_certificate", _("Can revoke a certificate"))]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.officer_name} – {self.course_title} ({self.issued_at:%Y-%m-%d})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
