from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from . import twofactor


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Dutch unless the person chose another language with the switch at the bottom of the page.

    The browser's Accept-Language is not followed: the portal is used on shared desk computers
    that are often set to English, and its users expect the Dutch of their colleagues.
    """

    # Codes the switch once offered, read as the language that replaced them, so that nobody's choice is lost.
    FORMER_CODES = {"en": "en-gb"}

    def process_request(self, request: HttpRequest) -> None:
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        code = self.FORMER_CODES.get(code, code)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


class TwoFactorMiddleware:
    """Keeps a logged-in person at the second step until it is done.

    Someone with a confirmed device goes to the code page until this session is verified; someone whose
    role is in OTP_REQUIRED_ROLES and who has no device goes to the setup page. The Django admin is
    behind this too, so an administrator passes the same second step. Logging in and out, the two
    pages themselves, password reset, an invitation's link, the language switch and the health check stay
    open.
    """

    EXEMPT_URL_NAMES = frozenset(
        {
            "login",
            "logout",
            "otp-verify",
            "otp-setup",
            "password_reset",
            "password_reset_done",
            "password_reset_confirm",
            "password_reset_complete",
            "invitation-accept",
            "healthz",
            "readyz",
            "set_language",
            "javascript-catalog",
        }
    )

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        target = self._second_step(request)
        if target is not None and not self._is_exempt(request):
            url = reverse(target)
            if request.method == "GET":
                url = f"{url}?{urlencode({'next': request.get_full_path()})}"
            return HttpResponseRedirect(url)
        return self.get_response(request)

    @staticmethod
    def _second_step(request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        if twofactor.session_has_device(request):
            return "otp-verify"
        if twofactor.is_required_for(user):
            return "otp-setup"
        return None

    def _is_exempt(self, request: HttpRequest) -> bool:
        if request.path_info.startswith(f"/{settings.STATIC_URL.lstrip('/')}"):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name in self.EXEMPT_URL_NAMES


class PrivatePagesMiddleware:
    """Tells the browser to keep no copy of a page for a logged-in person, nor of a file download.

    The portal is used on shared desk computers: a page with a candidate's details, or an exported list,
    must not be there for the next person to find in the browser's cache or history. Static files and the
    pages anyone may see (logging in, password reset) keep the caching they have.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info.startswith(f"/{settings.STATIC_URL.lstrip('/')}"):
            return response
        user = getattr(request, "user", None)
        is_download = response.get("Content-Disposition", "").lstrip().lower().startswith("attachment")
        if is_download or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
