"""Verification: what anyone holding a code may learn — that the certificate is valid, with the
officer's name, the course and the date only; or that it is revoked; or that the code is unknown.
A malformed code is unknown, without a query."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from curriculum.models import Certificate
from curriculum.models.certificates import CODE_LENGTH

# What `secrets.token_urlsafe` writes; anything else cannot be a code.
CODE_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{{CODE_LENGTH}}}")


class Status(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Verification:
    status: Status
    certificate: Certificate | None = None  # only when valid


def verify(code: str) -> Verification:
    if not CODE_PATTERN.fullmatch(code):
        return Verification(Status.UNKNOWN)
    certificate = (
        Certificate.objects.filter(code=code)
        .only("code", "officer_name", "course_title", "course_title_ar", "issued_at", "revoked_at")
        .first()
    )
    if certificate is None:
        return Verification(Status.UNKNOWN)
    if certificate.is_revoked:
        return Verification(Status.REVOKED)
    return Verification(Status.VALID, certificate)
