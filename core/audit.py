"""The audit trail: who changed what (the history tables) and who logged in, exported or downloaded (AuditEvent).

Changes to candidates and their track are kept by django-simple-history, one history table per audited model
with a full copy of the row after every save. The user of a change is the `by_user` of the service that made it
(see `records_history_user`), or else the logged-in user of the request (HistoryRequestMiddleware).

What changes no row but must still be traceable goes through `record_event`: logins, logouts and failed logins
(from Django's signals), lock-outs (from django-axes' signal), every CSV/XLSX export, report downloads,
access-request exports and erasures.
"""

import functools
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import signals as auth_signals
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from .models import AuditAction, AuditEvent
from .throttling import lock_reached

__all__ = [
    "AuditAction",
    "acting_user",
    "audit_event_list",
    "history_user",
    "record_event",
    "records_history_user",
    "target_label",
]

_actor: ContextVar = ContextVar("history_actor", default=None)


def history_user(instance=None, request: HttpRequest | None = None, **kwargs):
    """The user a history row records: the acting user of the service, else the request's logged-in user.

    django-simple-history calls this (the models pass it as `get_user`); it hands over a request only when its
    user is logged in. A change by the portal itself (a periodic task) records nobody.
    """
    actor = _actor.get()
    if actor is not None:
        return actor
    return getattr(request, "user", None)


@contextmanager
def acting_user(user):
    """Record `user` as the one who made every history row written inside the block."""
    if user is None or getattr(user, "pk", None) is None:
        # Nobody known (a task, or an anonymous visitor): keep whoever acts further out.
        yield
        return
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def records_history_user[**P, R](service: Callable[P, R]) -> Callable[P, R]:
    """Make a service's `by_user` argument the user of the history rows it writes.

    Services are called from views, the admin, tasks and tests alike; taking the user from the argument
    rather than from the request records the right person in all of them.
    """

    @functools.wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with acting_user(kwargs.get("by_user")):
            return service(*args, **kwargs)

    return wrapper


def target_label(target: Model) -> str:
    """A short name of an object for the audit trail that holds no personal data: "Candidate #12"."""
    return f"{type(target)._meta.object_name} #{target.pk}"


def _ip_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # The same address the login throttling sees.
    return get_client_ip_address(request) or None


def record_event(
    *,
    action: str,
    user=None,
    request: HttpRequest | None = None,
    target: Model | None = None,
    detail: str = "",
    username: str = "",
) -> AuditEvent:
    """Write one audit event. The user defaults to the request's logged-in user.

    `detail` is stored as given: put no personal data in it (a file name, a filter, a count is fine).
    `username` is for a failed login, where no user is known but the typed name is.
    """
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    event = AuditEvent(
        at=timezone.now(),
        user=user,
        username=(user.get_username() if user is not None else username)[:150],
        action=action,
        detail=detail[:500],
        ip_address=_ip_address(request),
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        event.target_id = str(target.pk)
        event.target_repr = target_label(target)[:200]
    event.save()
    return event


def audit_event_list() -> QuerySet[AuditEvent]:
    """The audit events, newest first, with who did it (for the administrator's pages)."""
    return AuditEvent.objects.select_related("user", "target_type").order_by("-at", "-pk")


@receiver(auth_signals.user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    record_event(action=AuditAction.LOGIN, user=user, request=request)


@receiver(auth_signals.user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    # A logout without a session (user None) is nobody leaving; nothing to record.
    if user is not None:
        record_event(action=AuditAction.LOGOUT, user=user, request=request)


@receiver(auth_signals.user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password in the credentials; only the typed name is kept.
    record_event(action=AuditAction.LOGIN_FAILED, request=request, username=str(credentials.get("username") or ""))


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs) -> None:
    # Axes sends this at every refused try while locked; each of those is already a failed login. Only the try
    # that closes a lock is recorded, with which one: an address (many usernames) or a username from it.
    lock = lock_reached(request)
    if lock == "address":
        detail = f"address locked after {settings.AXES_IP_FAILURE_LIMIT} failed logins"
    elif lock == "username":
        detail = f"username locked from this address after {settings.AXES_FAILURE_LIMIT} failed logins"
    else:
        return
    record_event(action=AuditAction.LOCKED_OUT, request=request, username=str(username or ""), detail=detail)
