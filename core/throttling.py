"""Login throttling on top of django-axes: a username from one address, and an address as a whole.

Axes counts the failures within AXES_COOLOFF_TIME per entry of AXES_LOCKOUT_PARAMETERS and compares the largest
count with one limit, AXES_FAILURE_LIMIT. That limit fits a username from one address; an address as a whole
(password spraying: many usernames, one try each) needs a higher one, or a dozen colleagues behind one office
NAT who each mistype a few times would lock each other out. This handler reads both counts and gives the address
its own limit, AXES_IP_FAILURE_LIMIT.
"""

from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

ADDRESS = "ip_address"


@dataclass(frozen=True)
class LoginFailures:
    """The failed logins within the cool-off that count against a request."""

    per_username: int  # of this username from this address
    per_address: int  # of every username from this address


def _is_address_only(parameter: str | list[str]) -> bool:
    return parameter == ADDRESS or list(parameter) == [ADDRESS]


class LoginThrottleHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The failures axes compares with AXES_FAILURE_LIMIT: the username's, or that limit once the address
        has reached its own. Both counts are left on the request for the audit trail (see `lock_reached`)."""
        per_username = per_address = 0
        parameters = get_lockout_parameters(request, credentials)
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if _is_address_only(parameter):
                per_address = max(per_address, failures)
            else:
                per_username = max(per_username, failures)
        request.axes_login_failures = LoginFailures(per_username=per_username, per_address=per_address)  # type: ignore[attr-defined]
        if per_address >= settings.AXES_IP_FAILURE_LIMIT:
            return max(per_username, get_failure_limit(request, credentials))
        return per_username

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """After a successful login, forget that username's failures from that address only.

        Axes would forget every failure of every lockout parameter, the whole address's included: then one
        account of their own would let a sprayer start counting again.
        """
        username = get_client_username(request, credentials)
        count, _deleted = AccessAttempt.objects.filter(
            username=username,
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
        ).delete()
        return count


def lock_reached(request: HttpRequest) -> str | None:
    """Which lock the failed login of this request has just closed: "address", "username", or None.

    Axes signals a lock-out at every refused try while the lock holds; only the try that reaches a limit
    exactly closes it. An address that reaches its limit is named before a username that reaches its own.
    """
    failures: LoginFailures | None = getattr(request, "axes_login_failures", None)
    if failures is None:
        return None
    if failures.per_address == settings.AXES_IP_FAILURE_LIMIT:
        return "address"
    if failures.per_username == get_failure_limit(request, getattr(request, "axes_credentials", None)):
        return "username"
    return None
