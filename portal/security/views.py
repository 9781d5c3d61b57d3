"""The second sign-in step, enrolment and recovery codes, sign-in itself, and the CSP report endpoint."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from axes.helpers import get_cool_off, get_failure_limit

from portal import api, audit
from portal.models import CspReport
from portal.security import two_factor
from portal.security.forms import CodeForm, RecoveryCodeForm
from portal.security.middleware import second_factor_exempt

logger = logging.getLogger(__name__)


def landing_url(user) -> str:
    """Where a sign-in goes when `next` names nowhere: staff (who can reach the admin) to the admin,
    officers to their dashboard."""
    if two_factor.must_use_second_factor(user):
        return reverse("wagtailadmin_home")
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class SignInView(auth_views.LoginView):
    """Django's sign-in (fields username and password), landing as `landing_url` says."""

    def get_default_redirect_url(self) -> str:
        if self.next_page:
            return super().get_default_redirect_url()
        return landing_url(self.request.user)


# Sign-in and sign-out; the second step follows sign-in for accounts that need one
# (SecondFactorMiddleware), and keeps the `next` it was given.
login = second_factor_exempt(SignInView.as_view(redirect_authenticated_user=True))
logout = second_factor_exempt(auth_views.LogoutView.as_view())


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return landing_url(request.user)


def _log(request: HttpRequest, title: str, outcome: str) -> None:
    audit.record(request, object_type=audit.ObjectType.TWO_FACTOR, title=title, outcome=outcome)


def _codes_page(request: HttpRequest, codes: list[str], *, next_url: str) -> HttpResponse:
    """Recovery codes are shown once, in the answer to the request that made them; never cached."""
    response = render(
        request, "registration/two_factor/recovery_codes.html", {"codes": codes, "next": next_url}
    )
    add_never_cache_headers(response)
    return response


class SecondStepView(View):
    """The second step after the password: a code of one kind, checked by `check`. Both kinds (the
    authenticator app, a recovery code) answer alike: a session that owes no step goes on, a right
    code goes on and is logged, a wrong one and a throttled try are logged and explained."""

    form_class: type[forms.Form]
    template_name: str
    wrong_code_log: str
    wrong_code_message: str
    throttled_log: str

    def check(self, request: HttpRequest, code: str) -> bool:
        raise NotImplementedError

    def passed(self, request: HttpRequest) -> None:
        """Log (and tell) that the step was passed."""
        raise NotImplementedError

    def before_form(self, request: HttpRequest) -> HttpResponse | None:
        """An answer instead of the form, when the step cannot be taken here."""
        return None

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not two_factor.owes_second_factor(request, request.user):
            return HttpResponseRedirect(_next_url(request))
        return self.before_form(request) or super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.form_page(request, self.form_class())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form_class(request.POST or None)
        if form.is_valid():
            try:
                if self.check(request, form.cleaned_data["code"]):
                    self.passed(request)
                    return HttpResponseRedirect(_next_url(request))
                _log(request, self.wrong_code_log, audit.Outcome.DENIED)
                form.add_error("code", self.wrong_code_message)
            except two_factor.Throttled:
                _log(request, self.throttled_log, audit.Outcome.DENIED)
                form.add_error(None, _("Too many wrong codes in a row. Wait a minute, then try again."))
        return self.form_page(request, form)

    def form_page(self, request: HttpRequest, form: forms.Form) -> HttpResponse:
        return render(request, self.template_name, {"form": form, "next": _next_url(request)})


class VerifyView(SecondStepView):
    """The second step after the password: a code from the authenticator app."""

    form_class = CodeForm
    template_name = "registration/two_factor/verify.html"
    wrong_code_log = "Wrong second-step code"
    wrong_code_message = gettext_lazy("That code is not right. Check the time on your phone and try again.")
    throttled_log = "Second step refused: too many wrong codes"

    def before_form(self, request: HttpRequest) -> HttpResponse | None:
        if not two_factor.has_device(request.user):
            return redirect(f"{reverse('two_factor_setup')}?{request.GET.urlencode()}")
        return None

    def check(self, request: HttpRequest, code: str) -> bool:
        return two_factor.verify_code(request, request.user, code)

    def passed(self, request: HttpRequest) -> None:
        _log(request, "Second step passed (authenticator app)", audit.Outcome.GRANTED)


class RecoveryView(SecondStepView):
    """The second step with a recovery code, when the phone is not at hand."""

    form_class = RecoveryCodeForm
    template_name = "registration/two_factor/recovery.html"
    wrong_code_log = "Wrong recovery code"
    wrong_code_message = gettext_lazy("That recovery code is not right, or it was used before.")
    throttled_log = "Recovery code refused: too many wrong codes"

    def check(self, request: HttpRequest, code: str) -> bool:
        return two_factor.verify_recovery_code(request, request.user, code)

    def passed(self, request: HttpRequest) -> None:
        left = two_factor.recovery_codes_left(request.user)
        _log(request, f"Second step passed (recovery code; {left} left)", audit.Outcome.GRANTED)
        messages.warning(
            request,
            _("You used a recovery code; %(left)d are left. Make new ones in “Two-factor authentication”.")
            % {"left": left},
        )


def _second_step(view: type[SecondStepView]) -> Callable[..., HttpResponse]:
    """Reachable before the second step (it is the step), never cached, for signed-in sessions."""
    return second_factor_exempt(never_cache(login_required(view.as_view())))


verify = _second_step(VerifyView)
recovery = _second_step(RecoveryView)


@second_factor_exempt
@never_cache
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code, and
    receive the recovery codes once. Replacing a device needs a verified session."""
    user = request.user
    if two_factor.has_device(user) and not two_factor.is_verified(user):
        return redirect(f"{reverse('two_factor_verify')}?{request.GET.urlencode()}")
    device = two_factor.pending_device(user)
    form = CodeForm(request.POST or None)
    next_url = _next_url(request)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_enrolment(request, device, form.cleaned_data["code"])
        if codes is not None:
            _log(request, "Authenticator app enrolled; new recovery codes", audit.Outcome.GRANTED)
            return _codes_page(request, codes, next_url=next_url)
        _log(request, "Enrolment refused: wrong code", audit.Outcome.DENIED)
        form.add_error("code", _("That code is not right. Check the time on your phone and try again."))
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": two_factor.qr_code_svg(device),
        "secret": two_factor.secret_for_typing(device),
        "required": two_factor.must_use_second_factor(user),
    }
    response = render(request, "registration/two_factor/setup.html", context)
    add_never_cache_headers(response)
    return response


@never_cache
@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """Where an account sees its second factor, makes new recovery codes or (officers) turns it off."""
    user = request.user
    return render(
        request,
        "registration/two_factor/manage.html",
        {
            "has_device": two_factor.has_device(user),
            "codes_left": two_factor.recovery_codes_left(user),
            "required": two_factor.must_use_second_factor(user),
        },
    )


@require_POST
@login_required
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    if not two_factor.has_device(request.user):
        return redirect("two_factor_manage")
    codes = two_factor.new_recovery_codes(request.user)
    _log(request, "New recovery codes", audit.Outcome.GRANTED)
    return _codes_page(request, codes, next_url=reverse("two_factor_manage"))


@require_POST
@login_required
def turn_off(request: HttpRequest) -> HttpResponse:
    """Officers may turn their second factor off; whoever can reach the admin may not."""
    if two_factor.must_use_second_factor(request.user):
        messages.error(request, _("Your account can reach the administration: it must keep a second factor."))
        return redirect("two_factor_manage")
    two_factor.turn_off(request, request.user)
    _log(request, "Two-factor authentication turned off", audit.Outcome.GRANTED)
    messages.info(request, _("Two-factor authentication is off. You sign in with your password alone."))
    return redirect("two_factor_manage")


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE): a page in the portal's
    language that says what happened and until when, with 429 Too Many Requests."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF_FAILURE_VIEW: the JSON API answers 403 JSON with the reason (`portal.api`); every
    other page shows the portal's "The form had expired" page (templates/403_csrf.html)."""
    if api.is_json_api(request):
        return api.csrf_refused(reason)
    return django_csrf_failure(request, reason=reason)


# --- CSP reports ---------------------------------------------------------------------------------

CSP_REPORT_MAX_BYTES = 64 * 1024
CSP_REPORTS_PER_REQUEST = 20
CSP_REPORT_TYPES = ("application/csp-report", "application/json", "application/reports+json")


def _without_query(address: object) -> str:
    text = str(address or "")[:2000]
    try:
        parts = urlsplit(text)
    except ValueError:
        return text[:500]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))[:500]


def _violations(payload: object) -> list[dict] | None:
    """The violations in either format: report-uri's {"csp-report": {...}} or the Reporting API's
    [{"type": "csp-violation", "body": {...}}]."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        body = payload["csp-report"]
        return [
            {
                "document_uri": body.get("document-uri"),
                "effective_directive": body.get("effective-directive") or body.get("violated-directive"),
                "blocked_uri": body.get("blocked-uri"),
                "source_file": body.get("source-file"),
                "line_number": body.get("line-number"),
                "disposition": body.get("disposition"),
                "sample": body.get("script-sample"),
            }
        ]
    if isinstance(payload, list):
        found = []
        for report in payload[:CSP_REPORTS_PER_REQUEST]:
            if not isinstance(report, dict) or report.get("type") != "csp-violation":
                continue
            body = report.get("body")
            if not isinstance(body, dict):
                continue
            found.append(
                {
                    "document_uri": body.get("documentURL"),
                    "effective_directive": body.get("effectiveDirective"),
                    "blocked_uri": body.get("blockedURL"),
                    "source_file": body.get("sourceFile"),
                    "line_number": body.get("lineNumber"),
                    "disposition": body.get("disposition"),
                    "sample": body.get("sample"),
                }
            )
        return found or None
    return None


def _line(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31 else None


@csrf_exempt
@second_factor_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Browsers report CSP violations here (report-uri); each is logged and counted (CspReport)."""
    content_type = request.content_type or ""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if content_type not in CSP_REPORT_TYPES:
        return JsonResponse({"error": "unsupported content type"}, status=415)
    if length > CSP_REPORT_MAX_BYTES:
        return JsonResponse({"error": "report too large"}, status=413)
    try:
        payload = json.loads(request.read(CSP_REPORT_MAX_BYTES + 1)[:CSP_REPORT_MAX_BYTES])
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "not a CSP report"}, status=400)
    violations = _violations(payload)
    if not violations:
        return JsonResponse({"error": "not a CSP report"}, status=400)
    for violation in violations:
        fields = {
            "document_uri": _without_query(violation["document_uri"]),
            "effective_directive": str(violation["effective_directive"] or "")[:100],
            "blocked_uri": _without_query(violation["blocked_uri"]),
            "source_file": _without_query(violation["source_file"]),
            "line_number": _line(violation["line_number"]),
            "disposition": str(violation["disposition"] or "")[:10],
            "sample": str(violation["sample"] or "")[:200],
        }
        fields = {
            name: value.replace("\x00", "") if isinstance(value, str) else value
            for name, value in fields.items()
        }
        logger.warning(
            "CSP violation: %s blocked %s on %s",
            fields["effective_directive"],
            fields["blocked_uri"],
            fields["document_uri"],
        )
        CspReport.note(**fields)
    return HttpResponse(status=204)
