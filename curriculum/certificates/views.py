"""The officer's certificates (`/certificates/`), a download (`/certificates/<id>/pdf/`), and the
public verification page (`/verify/<code>/`); English at the root, Arabic under /ar/."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from curriculum.certificates import pdf, ratelimit, verification
from curriculum.models import Certificate
from curriculum.models.certificates import CertificateQuerySet
from portal import access


def _mine(user) -> CertificateQuerySet:
    """A real officer's certificates; none for a "view as" stand-in (it has no account)."""
    if not access.is_account_holder(user):
        return Certificate.objects.none()
    return Certificate.objects.filter(user=user)


@require_safe
@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    return render(request, "curriculum/certificates/list.html", {"certificates": list(_mine(request.user))})


@require_safe
@login_required
def certificate_download(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """The owner's PDF of a certificate that stands; 404 for anyone else's, and for a revoked one
    (the list says it was revoked and offers no download)."""
    certificate = _mine(request.user).valid().filter(pk=certificate_id).first()
    if certificate is None:
        raise Http404
    answer = HttpResponse(pdf.render(request, certificate), content_type="application/pdf")
    name = f"certificate-{slugify(certificate.course_title) or certificate.pk}.pdf"
    answer["Content-Disposition"] = content_disposition_header(True, name)
    answer["Cache-Control"] = "private, no-store"
    return answer


@require_safe
@never_cache
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: anyone with the code may check it, signed in or not. Always a page of its own (200),
    whether the code is valid, revoked, unknown or malformed; 429 past the rate limit."""
    decision = ratelimit.check(request)
    if not decision.allowed:
        answer = render(request, "curriculum/certificates/rate_limited.html", status=429)
        answer["Retry-After"] = str(decision.retry_after)
        return answer
    answer = render(request, "curriculum/certificates/verify.html", {"result": verification.verify(code)})
    answer["X-Robots-Tag"] = "noindex"
    return answer
