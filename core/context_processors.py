from django.http import HttpRequest

from .roles import Role


def navigation(request: HttpRequest) -> dict:
    """The current user's role, so the base template can show the navigation for it."""
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else None
    label = Role(role).label if role else ""
    return {"current_role": role, "current_role_label": label, "Role": Role}
