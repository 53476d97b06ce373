import math
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import twofactor
from .audit import AuditAction, record_event
from .forms import LoginForm, OTPCodeForm, PasswordResetForm, SetPasswordForm
from .health import check_health
from .permissions import AuthenticatedRequest
from .redirects import safe_next
from .roles import START_PAGES


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Send each role to its own start page."""
    role = request.user.role
    if role is None:
        return render(request, "core/no_role.html", status=403)
    return redirect(START_PAGES[role])


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self, request: HttpRequest | None = None) -> str:
        # Django's own check lets a bare word through ("logout" as a relative address): take only a path here.
        return safe_next(request or self.request, "")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = check_health()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


def _next_url(request: HttpRequest) -> str:
    """Where to go after the second step: a safe ?next= on this site, or else the start page."""
    return safe_next(request, resolve_url(settings.LOGIN_REDIRECT_URL))


def _code_refused(check: twofactor.CodeCheck) -> str:
    if check.locked_until is None:
        return _("This code is not correct. Check that the time on your phone is right and try again.")
    seconds = max(1, math.ceil((check.locked_until - timezone.now()).total_seconds()))
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second and try again.",
        "Too many wrong codes. Wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


@never_cache
@login_required
def otp_verify(request: AuthenticatedRequest) -> HttpResponse:
    """The second step of logging in: a code from the app or a backup code."""
    next_url = _next_url(request)
    has_device = twofactor.refresh_device_flag(request)
    if twofactor.is_verified(request.user) or not has_device:
        return HttpResponseRedirect(next_url)
    form = OTPCodeForm(request.POST or None, allow_backup_code=True, submit_label=_("Log in"))
    if request.method == "POST" and form.is_valid():
        check = twofactor.check_login_code(user=request.user, token=form.cleaned_data["code"])
        if check.device is not None:
            twofactor.verify_session(request=request, device=check.device)
            return HttpResponseRedirect(next_url)
        record_event(action=AuditAction.TWO_STEP_FAILED, request=request)
        form.add_error("code", _code_refused(check))
    return render(request, "registration/otp_verify.html", {"form": form, "next": next_url})


CODES_PREFIX = "codes"


@never_cache
@login_required
def otp_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Turn two-step verification on (scan, then confirm with a code) or off (with a code)."""
    user = request.user
    next_param = request.POST.get("next") or request.GET.get("next") or ""
    next_url = _next_url(request) if next_param else ""
    has_device = twofactor.refresh_device_flag(request)
    if has_device and not twofactor.is_verified(user):
        # Only a verified session may change the second step; the code page comes first.
        return redirect(f"{reverse('otp-verify')}?{urlencode({'next': request.get_full_path()})}")
    context = {"required": twofactor.is_required_for(user), "next": next_url}
    if has_device:
        # Two forms on one page, each confirmed with a code: new backup codes (prefix "codes"), or turning it off.
        renewing = request.method == "POST" and f"{CODES_PREFIX}-code" in request.POST
        form = OTPCodeForm(
            request.POST if request.method == "POST" and not renewing else None,
            allow_backup_code=True,
            submit_label=_("Turn off two-step verification"),
        )
        codes_form = OTPCodeForm(
            request.POST if renewing else None, prefix=CODES_PREFIX, submit_label=_("Make new backup codes")
        )
        codes_form.fields["code"].widget.attrs.pop("autofocus", None)
        if renewing and codes_form.is_valid():
            check = twofactor.check_login_code(user=user, token=codes_form.cleaned_data["code"])
            if check.device is not None:
                request.session[twofactor.BACKUP_CODES_SESSION_KEY] = twofactor.backup_codes_renew(request=request)
                messages.success(request, _("New backup codes are made; the old ones no longer work."))
                return redirect("otp-setup")
            codes_form.add_error("code", _code_refused(check))
        elif request.method == "POST" and form.is_valid():
            check = twofactor.check_login_code(user=user, token=form.cleaned_data["code"])
            if check.device is not None:
                twofactor.devices_remove(request=request)
                messages.success(request, _("Two-step verification is off."))
                return redirect("otp-setup")
            form.add_error("code", _code_refused(check))
        context.update(
            codes_form=codes_form,
            form=form,
            has_device=True,
            backup_codes=request.session.pop(twofactor.BACKUP_CODES_SESSION_KEY, []),
            backup_codes_left=twofactor.backup_codes_left(user),
        )
        return render(request, "registration/otp_setup.html", context)

    device = twofactor.totp_setup_start(user=user)
    form = OTPCodeForm(request.POST or None, submit_label=_("Turn on two-step verification"))
    if request.method == "POST" and form.is_valid():
        check, codes = twofactor.totp_confirm(request=request, device=device, token=form.cleaned_data["code"])
        if check.device is not None:
            request.session[twofactor.BACKUP_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-step verification is on."))
            url = reverse("otp-setup")
            return redirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)
        form.add_error("code", _code_refused(check))
    context.update(
        form=form,
        qr_code=twofactor.qr_code_svg(device.config_url, label=_("QR code to scan with your authenticator app")),
        secret=twofactor.totp_secret(device),
    )
    return render(request, "registration/otp_setup.html", context)
