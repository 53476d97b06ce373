"""The one place a return-to address from the request (`next`) is checked before a view redirects to it."""

import unicodedata

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` of the request (POST before GET) if it is a path on this site, or else `default`.

    Only an absolute path is taken ("/kandidaten/"), never a view name: `redirect("logout")` would reverse
    it, and a name that does not exist is a NoReverseMatch after the change is already committed. Callers
    redirect with the returned URL string, so user input never reaches `reverse()`. A path that a browser
    could read as another host ("//evil", "/\\evil") or that holds a control character or white space
    (which browsers drop or a response header refuses) is not taken either.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    return candidate if _is_same_site_path(request, candidate) else default


def _is_same_site_path(request: HttpRequest, url: str) -> bool:
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        return False
    # Category C (control, format, unassigned...) and Z (spaces, line and paragraph separators).
    if any(unicodedata.category(char)[0] in "CZ" for char in url):
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
