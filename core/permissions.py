"""Role checks for views. Object scoping lives in each app's selectors."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .models import User


class AuthenticatedRequest(HttpRequest):
    """The request a view behind `role_required` or `login_required` gets: its user has logged in.

    A type only (the django-stubs pattern): Django still passes a plain HttpRequest, whose `user` the
    decorator has checked before the view runs.
    """

    user: User


def role_required(*roles: str) -> Callable:
    """Let in only users holding one of the roles; anonymous users go to the login page."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
