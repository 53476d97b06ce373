import math
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import guide as user_guide
from . import invitations, twofactor
from .audit import AuditAction, audit_event_list, record_event
from .forms import ChoosePasswordForm, LoginForm, OTPCodeForm, PasswordResetForm, SetPasswordForm
from .health import check_health
from .permissions import AuthenticatedRequest, role_required
from .redirects import safe_next
from .roles import START_PAGES, Role


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


class KeepsNextMixin:
    """A page of the password reset that carries the page the person came from (`next`) on to the next step.

    Someone who opens a link from an e-mail without a session reaches the login page with that page as `next`;
    if they choose a new password instead, they end on that page, not on the start page.
    """

    request: HttpRequest

    def next_url(self) -> str:
        return safe_next(self.request, "")

    def with_next(self, url: str) -> str:
        next_url = self.next_url()
        return f"{url}?{urlencode({'next': next_url}, safe='/')}" if next_url else url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["next"] = self.next_url()
        return context


class PasswordResetView(KeepsNextMixin, auth_views.PasswordResetView):
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        # The link in the e-mail carries `next` as well: the reset goes on in another tab, often without a session.
        self.extra_email_context = {"next": self.next_url()}
        return super().form_valid(form)

    def get_success_url(self) -> str:
        return self.with_next(super().get_success_url())


class PasswordResetDoneView(KeepsNextMixin, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(KeepsNextMixin, auth_views.PasswordResetConfirmView):
    """Choose the new password, and then go on logged in: to `next`, or else to the start page.

    The person has just shown they read the account's e-mail; a login page after the reset would only ask them to
    type the new password once more. The second step (TwoFactorMiddleware) still comes first when it applies.
    """

    form_class = SetPasswordForm
    post_reset_login = True
    # AxesStandaloneBackend comes first in AUTHENTICATION_BACKENDS but checks no password: the session is the
    # ModelBackend's, as after a login with a password.
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def dispatch(self, *args, **kwargs) -> HttpResponseBase:
        response = super().dispatch(*args, **kwargs)
        if kwargs.get("token") != self.reset_url_token and isinstance(response, HttpResponseRedirect):
            # Django swaps the token of the e-mail's link for one kept in the session, and drops the query.
            response["Location"] = self.with_next(response["Location"])
        return response

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your new password has been saved and you are logged in."))
        return response

    def get_success_url(self) -> str:
        return safe_next(self.request, resolve_url(settings.LOGIN_REDIRECT_URL))


@login_required
def guide(request: AuthenticatedRequest, chapter: str = "") -> HttpResponse:
    """The user guide (docs/guide/): its index, or the chapter of one role."""
    page = user_guide.page(chapter)
    if page is None:
        raise Http404
    return render(request, "guide/page.html", {"page": page, "contents": user_guide.table_of_contents()})


@login_required
def guide_image(request: AuthenticatedRequest, name: str) -> FileResponse:
    """A picture of the guide; docs/guide/screenshots.py makes them from the demo."""
    path = user_guide.image_path(name)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), content_type="image/png")


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


def _invitation_refused(request: HttpRequest, problem: str) -> HttpResponse:
    """A link that does not work: say why and what to do, never a server error."""
    status = 404 if problem == invitations.LinkProblem.UNKNOWN else 410
    context = {"problem": problem, "valid_days": settings.INVITATION_VALID_DAYS}
    return render(request, "core/invitation_invalid.html", context, status=status)


@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an invitation: choose a password, then on (to the second step where the role requires it) to
    the start page, logged in. The person has just shown they read the account's e-mail, as after a reset."""
    check = invitations.invitation_check(token=token)
    if check.problem or check.invitation is None:
        return _invitation_refused(request, check.problem)
    person = check.invitation.user
    form = ChoosePasswordForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = invitations.invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except invitations.InvitationLinkError as exc:
            return _invitation_refused(request, exc.problem)
        # Django's own backend makes the session, as after a password reset (see PasswordResetConfirmView).
        login(request, person, backend="django.contrib.auth.backends.ModelBackend")
        role = person.role
        start = reverse(START_PAGES[role]) if role in START_PAGES else resolve_url(settings.LOGIN_REDIRECT_URL)
        if twofactor.is_required_for(person):
            messages.success(
                request, _("Your password is saved. Your role needs two-step verification: set it up now.")
            )
            return redirect(f"{reverse('otp-setup')}?{urlencode({'next': start})}")
        messages.success(request, _("Welcome to Opstap. Your password is saved and you are logged in."))
        return redirect(start)
    return render(request, "core/invitation_accept.html", {"form": form, "person": person})


AUDIT_EVENTS_PER_PAGE = 50


@role_required(Role.ADMINISTRATOR)
def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    """The audit trail for the administrator: logins, exports, downloads and changes of access, newest first."""
    page = Paginator(audit_event_list(), AUDIT_EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "events": page.object_list})
