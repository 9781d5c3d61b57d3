"""Revoking a certificate: a programme admin says, with a reason, that it no longer stands.

A revocation is final: no form or action brings a certificate back (a new completion issues a new
one, `curriculum.certificates.issuing`). It is written on the certificate (when, by whom, why) and in
Wagtail's audit log, where the certificate's history in the admin shows it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from wagtail.log_actions import log

from curriculum.models import Certificate

REVOKE_ACTION = "curriculum.certificate.revoke"
PERMISSION = "curriculum.revoke_certificate"


class AlreadyRevoked(Exception):
    pass


def may_revoke(user) -> bool:
    return bool(user.is_active and user.has_perm(PERMISSION))


def revoke(certificate: Certificate, *, by, reason: str) -> Certificate:
    """Revoke `certificate` now; `AlreadyRevoked` when it was (by anyone, even a moment ago)."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a revocation needs a reason")
    now = timezone.now()
    with transaction.atomic():
        # One UPDATE that only a valid certificate matches: two admins revoking at once cannot both win.
        changed = (
            Certificate.objects.valid()
            .filter(pk=certificate.pk)
            .update(revoked_at=now, revoked_by=by, revocation_reason=reason)
        )
        if not changed:
            raise AlreadyRevoked
        certificate.refresh_from_db()
        log(instance=certificate, action=REVOKE_ACTION, user=by, data={"reason": reason})
    return certificate
