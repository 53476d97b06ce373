"""The partners' API: clients and their tokens, authentication, scopes, rate limits, problem details, the audit of
every call, idempotency keys and webhooks. The endpoints live in the apps (candidates.api, reports.api);
config.api puts them together under /api/v1/.

A client belongs to one organisation and holds a set of scopes (ApiScope). Its token, `opst_<prefix>_<secret>`, is
shown once when it is issued; only its SHA-256 is kept (a token of 256 random bits needs no slow hash), and the
prefix, kept as it is, finds the row. A client acts through an account of its own, without a password and never
active for logging in: the history rows, imports and report jobs it makes name that account, and the selectors
scope it as they scope the organisation's users (pilots.selectors.pilot_list).

Every answer that is not a success is an RFC 9457 problem (application/problem+json) in Dutch, or in English when
the Accept-Language header asks for it.
"""

import functools
import hashlib
import hmac
import json
import logging
import math
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError
from ninja.errors import HttpError as NinjaHttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from .dispatch import send_when_committed
from .models import (
    API_TOKEN_START,
    ApiCall,
    ApiClient,
    ApiIdempotencyKey,
    ApiScope,
    User,
    WebhookDelivery,
    WebhookStatus,
)
from .services import entry_point

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
# A prefix of 8 hex digits: 4 billion of them, so a collision at issue is retried, not feared.
PREFIX_BYTES = 4
SECRET_BYTES = 32
# last_used_at is written at most this often per client: a busy client would otherwise write on every call.
LAST_USED_EVERY = timedelta(minutes=1)
RATE_WINDOW_SECONDS = 60
WEBHOOK_TIMEOUT_SECONDS = 10
WEBHOOK_BATCH = 50


# --- Problem details (RFC 9457) ---------------------------------------------------------------------------------


class ProblemSchema(Schema):
    """An error as RFC 9457 describes it; `errors` lists what is wrong per field or per row."""

    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[dict[str, Any]] | None = None


class Problem(Exception):  # noqa: N818 - named as RFC 9457 names it
    """An answer that is not a success; raised anywhere in an endpoint, turned into problem+json by the API."""

    status = 400
    slug = "bad-request"
    title: Any = _("The request cannot be handled.")

    def __init__(self, detail: Any = "", *, errors: list[dict] | None = None, headers: dict | None = None) -> None:
        super().__init__(str(detail))
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


class NotAuthenticated(Problem):
    status = 401
    slug = "not-authenticated"
    title = _("A valid API token is needed.")


class ScopeMissing(Problem):
    status = 403
    slug = "scope-missing"
    title = _("This client may not do this.")


class NotFound(Problem):
    status = 404
    slug = "not-found"
    title = _("Not found, or not visible to this client.")


class Conflict(Problem):
    status = 409
    slug = "conflict"
    title = _("The request conflicts with the current state.")


class Unprocessable(Problem):
    status = 422
    slug = "invalid-request"
    title = _("The request is not valid.")


class IdempotencyKeyReused(Unprocessable):
    slug = "idempotency-key-reused"
    title = _("This Idempotency-Key was used before for another request.")


class RateLimited(Problem):
    status = 429
    slug = "rate-limited"
    title = _("Too many requests.")


def problem_type(slug: str) -> str:
    return f"urn:opstap:problem:{slug}"


def problem_response(
    *,
    status: int,
    slug: str,
    title: Any,
    detail: Any = "",
    errors: list[dict] | None = None,
    headers: dict | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"type": problem_type(slug), "title": str(title), "status": status, "detail": str(detail)}
    if errors is not None:
        body["errors"] = errors
    response = JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"indent": None})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def problem_body(exc: Problem) -> dict[str, Any]:
    """The body of a problem as it is answered, for storing with an idempotency key."""
    body: dict[str, Any] = {
        "type": problem_type(exc.slug),
        "title": str(exc.title),
        "status": exc.status,
        "detail": str(exc.detail),
    }
    if exc.errors is not None:
        body["errors"] = exc.errors
    return body


# Every status an operation may answer with a problem, for its OpenAPI description.
AUTH_PROBLEMS: dict[int, type[ProblemSchema]] = {401: ProblemSchema, 403: ProblemSchema, 429: ProblemSchema}


def problems(*statuses: int) -> dict[int, type[ProblemSchema]]:
    return {**AUTH_PROBLEMS, **dict.fromkeys(statuses, ProblemSchema)}


def _messages(exc: ValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": name, "message": str(message)} for name, items in exc.message_dict.items() for message in items
        ]
    return [{"message": str(message)} for message in exc.messages]


def install_problem_handlers(api: NinjaAPI) -> None:
    """Answer every error of the API as a problem: ours, ninja's own, Django's 404 and permission errors."""

    def problem(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem_response(
            status=exc.status, slug=exc.slug, title=exc.title, detail=exc.detail, errors=exc.errors, headers=exc.headers
        )

    def not_authenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(request, NotAuthenticated(headers={"WWW-Authenticate": 'Bearer realm="opstap"'}))

    def invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [
            {"field": ".".join(str(part) for part in error.get("loc", ())), "message": str(error.get("msg", ""))}
            for error in exc.errors
        ]
        return problem(request, Unprocessable(_("Some values are missing or not valid."), errors=errors))

    def django_invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(request, Unprocessable(_("Some values are not valid."), errors=_messages(exc)))

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(request, NotFound())

    def forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(request, ScopeMissing())

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem_response(status=exc.status_code, slug="http-error", title=str(exc) or exc.status_code)

    api.add_exception_handler(Problem, problem)
    api.add_exception_handler(AuthenticationError, not_authenticated)
    api.add_exception_handler(NinjaValidationError, invalid)
    api.add_exception_handler(ValidationError, django_invalid)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(NinjaHttpError, http_error)


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _nul_problem(request: HttpRequest, path_values: dict[str, Any]) -> HttpResponse | None:
    """The answer to a request whose text holds a NUL character, which PostgreSQL takes in no query or column (it
    would end in a server error): a path with one names nothing (404), a query or JSON body with one is invalid."""
    if _holds_nul(list(path_values.values())):
        return _problem_of(NotFound())
    if _holds_nul([value for _name, values in request.GET.lists() for value in values]):
        return _problem_of(Unprocessable(_("Text in the request may not contain NUL characters (\\u0000).")))
    if request.body and "json" in (request.content_type or ""):
        try:
            body = json.loads(request.body)
        except ValueError:
            return None  # the API's own parsing answers that
        if _holds_nul(body):
            return _problem_of(Unprocessable(_("Text in the request may not contain NUL characters (\\u0000).")))
    return None


def _problem_of(exc: "Problem") -> HttpResponse:
    return problem_response(status=exc.status, slug=exc.slug, title=exc.title, detail=exc.detail)


class ProblemApi(NinjaAPI):
    """The API object: its OpenAPI document says that error answers are application/problem+json."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if str(status)[:1] in "45" and "application/json" in content:
                        content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
        return schema


# --- Language ---------------------------------------------------------------------------------------------------


def api_language(request: HttpRequest) -> str:
    """Dutch, unless the Accept-Language header asks for a language the portal speaks (English)."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


# --- Clients and tokens -----------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    prefix = secrets.token_hex(PREFIX_BYTES)
    return prefix, f"{API_TOKEN_START}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"


def webhook_secret(client: ApiClient) -> str:
    """The key the client checks our webhook signatures with: derived from SECRET_KEY, never stored."""
    return salted_hmac("opstap.api.webhook", f"{client.pk}:{client.prefix}", algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class IssuedClient:
    """A client just issued, with the token and the webhook key that are shown this once."""

    client: ApiClient
    token: str
    webhook_secret: str


def _check_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = [scope for scope in ApiScope.values if scope in set(scopes)]
    unknown = set(scopes) - set(ApiScope.values)
    if unknown or not chosen:
        raise ValidationError({"scopes": _("Choose at least one of the scopes.")}, code="scopes")
    return chosen


def _check_webhook_url(url: str) -> str:
    url = url.strip()
    if url and not url.lower().startswith("https://"):
        raise ValidationError({"webhook_url": _("The webhook address must start with https://.")}, code="webhook")
    return url


@entry_point
def api_client_issue(*, organisation, name: str, scopes: Iterable[str], webhook_url: str = "", by_user) -> IssuedClient:
    """Issue a client to the organisation. The caller has checked that by_user may do so for this organisation."""
    chosen = _check_scopes(list(scopes))
    url = _check_webhook_url(webhook_url)
    prefix, token = _new_token()
    while ApiClient.objects.filter(prefix=prefix).exists():  # pragma: no cover - 1 in 4 billion
        prefix, token = _new_token()
    account = User(
        username=f"api-{prefix}",
        first_name=name[:150],
        last_name="(API)",
        organisation=organisation,
        is_active=False,
    )
    account.set_unusable_password()
    account.save()
    client = ApiClient.objects.create(
        name=name,
        organisation=organisation,
        account=account,
        scopes=chosen,
        prefix=prefix,
        token_hash=token_hash(token),
        webhook_url=url,
        issued_by=by_user,
    )
    logger.info("API client %s issued to organisation %s by user %s", prefix, organisation.pk, by_user.pk)
    return IssuedClient(client=client, token=token, webhook_secret=webhook_secret(client))


@entry_point
def api_client_revoke(*, client: ApiClient, by_user) -> ApiClient:
    """Revoke the client: its next call is refused. Revoking twice keeps the first moment."""
    ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by_user
    )
    client.refresh_from_db()
    logger.info("API client %s revoked by user %s", client.prefix, by_user.pk)
    return client


def client_for_token(token: str) -> ApiClient | None:
    """The client whose token this is, revoked or not; None for an unknown or malformed token."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != API_TOKEN_START:
        return None
    client = ApiClient.objects.select_related("organisation", "account").filter(prefix=parts[1]).first()
    if client is None or not hmac.compare_digest(client.token_hash, token_hash(token)):
        return None
    return client


def _touch(client: ApiClient) -> None:
    now = timezone.now()
    if client.last_used_at is None or client.last_used_at < now - LAST_USED_EVERY:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)


# --- Rate limits ------------------------------------------------------------------------------------------------


def rate_limit_check(client: ApiClient, *, now: float | None = None) -> None:
    """Count the call in the client's window of a minute (in the cache); past API_RATE_LIMIT_PER_MINUTE, refuse it
    with 429 and a Retry-After of the seconds left in the window. A limit of 0 is no limit."""
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    if limit <= 0:
        return
    now = time.time() if now is None else now
    window = int(now // RATE_WINDOW_SECONDS)
    key = f"api-rate:{client.pk}:{client.prefix}:{window}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS + 1)
        count = 1
    if count > limit:
        retry_after = max(1, math.ceil((window + 1) * RATE_WINDOW_SECONDS - now))
        raise RateLimited(
            _("This client may make %(limit)s calls a minute. Try again in %(seconds)s seconds.")
            % {"limit": limit, "seconds": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


# --- Authentication and scopes ------------------------------------------------------------------------------------


class ApiToken(HttpBearer):
    """`Authorization: Bearer opst_…`, for an operation that needs one scope.

    Unknown or revoked token: 401. Then the call counts against the rate limit (429), then the scope (403).
    """

    openapi_scheme = "bearer"

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        client = client_for_token(token)
        if client is None:
            return None
        request.api_client = client  # type: ignore[attr-defined]  # the audit names it, revoked or not
        if client.revoked_at is not None:
            return None
        rate_limit_check(client)
        _touch(client)
        if self.scope not in client.scopes:
            raise ScopeMissing(
                _("This client does not have the scope %(scope)s.") % {"scope": self.scope},
            )
        return client


def api_auth(scope: str) -> list[ApiToken]:
    return [ApiToken(scope)]


def request_client(request: HttpRequest) -> ApiClient:
    """The client of an authenticated call."""
    return request.auth  # type: ignore[attr-defined]


# --- The audit of calls -------------------------------------------------------------------------------------------


def audited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer in the language asked for and record the call (ApiCall): one row per call, with its status."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        started = time.monotonic()
        language = api_language(request)
        with translation.override(language):
            response = _nul_problem(request, kwargs) or view(request, *args, **kwargs)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Cache-Control", "no-store")
        try:
            ApiCall.objects.create(
                client=getattr(request, "api_client", None),
                at=timezone.now(),
                method=(request.method or "")[:8],
                path=request.path[:255],
                status=response.status_code,
                duration_ms=int((time.monotonic() - started) * 1000),
                ip_address=get_client_ip_address(request) or None,
            )
        except Exception:  # the answer stands; the log says the row is missing
            logger.exception("The API call %s %s could not be recorded", request.method, request.path)
        return response

    return wrapper


def audited_urls(api: NinjaAPI, *, unaudited: Iterable[str] = ("openapi-json", "openapi-view")) -> Any:
    """The API's URL patterns, each view wrapped by `audited` (the schema and the docs page need no record)."""
    patterns, app_name, namespace = api.urls
    skip = set(unaudited)
    for pattern in patterns:
        if getattr(pattern, "name", None) not in skip and pattern.callback is not None:
            pattern.callback = audited(pattern.callback)
    return patterns, app_name, namespace


# --- Idempotency keys ---------------------------------------------------------------------------------------------


def request_fingerprint(*, path: str, body: Any) -> str:
    canonical = json.dumps({"path": path, "body": body}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent(
    *, client: ApiClient, key: str, fingerprint: str, produce: Callable[[], tuple[int, dict]]
) -> tuple[int, dict]:
    """The response of the first request with this key, or `produce()`'s, stored with the key; in the caller's
    transaction, which must be durable so that the key and what produce() saved commit together.

    Two requests with the same key at once: the second one's insert waits on the unique key until the first
    commits, then finds its row and answers its response. A key used with another request: 422.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("idempotent runs in the transaction of the service it guards")
    record, created = ApiIdempotencyKey.objects.get_or_create(
        client=client, key=key, defaults={"request_hash": fingerprint}
    )
    if not created:
        if record.request_hash != fingerprint:
            raise IdempotencyKeyReused(
                _("Send a new Idempotency-Key with a new request; a retry must repeat the request as it was.")
            )
        if record.status is None:  # the first request is still at work (SQLite does not wait): try again soon
            raise Conflict(_("A request with this Idempotency-Key is still being handled."))
        return record.status, record.response or {}
    status, body = produce()
    body = _storable(body)
    ApiIdempotencyKey.objects.filter(pk=record.pk).update(status=status, response=body)
    return status, body


def _storable(value: Any) -> Any:
    """The response with each NUL character, which PostgreSQL keeps in no text or JSON column, as U+FFFD. A row
    error may quote what was sent; the first answer and its replays must be the same, so both get this one."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {key: _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value


def idempotency_keys_delete_old(*, now: datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - timedelta(days=settings.API_IDEMPOTENCY_KEEP_DAYS)
    deleted, _rows = ApiIdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def api_calls_delete_old(*, now: datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - timedelta(days=settings.API_CALL_KEEP_DAYS)
    deleted, _rows = ApiCall.objects.filter(at__lt=cutoff).delete()
    return deleted


# --- Webhooks -----------------------------------------------------------------------------------------------------


def webhook_queue(*, account_id: int, key: str, event: str, payload: dict) -> bool:
    """In the transaction of the change it tells of: queue a POST to the webhook of the client acting as this
    account, if it has one and is active. Queued once per key; sent after the commit (webhooks_deliver)."""
    client = ApiClient.objects.filter(account_id=account_id, revoked_at__isnull=True).exclude(webhook_url="").first()
    if client is None:
        return False
    _delivery, created = WebhookDelivery.objects.get_or_create(
        client=client,
        key=key,
        defaults={"event": event, "payload": payload, "next_attempt_at": timezone.now()},
    )
    if created:
        send_when_committed(_publish_webhooks, key="webhooks")
    return created


def _publish_webhooks() -> bool:
    from .tasks import deliver_webhooks

    deliver_webhooks.apply_async(ignore_result=True)
    return True


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex: what the Opstap-Signature header carries as v1."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    if not url.lower().startswith("https://"):
        raise OSError("webhook addresses must be HTTPS")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - HTTPS only
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def webhook_backoff(attempt: int) -> timedelta:
    """The pause after the attempt-th failed try: API_WEBHOOK_RETRY_SECONDS, doubled after each."""
    return timedelta(seconds=settings.API_WEBHOOK_RETRY_SECONDS * 2 ** max(0, attempt - 1))


def webhooks_deliver(*, now: datetime | None = None, post: Callable[[str, bytes, dict], int] = _post) -> int:
    """Send the webhooks that are due; returns how many were delivered. Never inside a transaction or a lock.

    Each delivery is claimed by a conditional update that also sets the time of its next try, so that two workers
    never send it at once and a worker that dies mid-way leaves it to be tried again.
    """
    now = now or timezone.now()
    delivered = 0
    due = (
        WebhookDelivery.objects.filter(status=WebhookStatus.WAITING, next_attempt_at__lte=now)
        .select_related("client")
        .order_by("next_attempt_at", "pk")[:WEBHOOK_BATCH]
    )
    for delivery in due:
        attempt = delivery.attempts + 1
        claimed = WebhookDelivery.objects.filter(
            pk=delivery.pk, status=WebhookStatus.WAITING, attempts=delivery.attempts
        ).update(attempts=F("attempts") + 1, next_attempt_at=now + webhook_backoff(attempt))
        if not claimed:
            continue
        client = delivery.client
        if not client.is_active or not client.webhook_url:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=WebhookStatus.FAILED, last_error="client revoked or without a webhook address"
            )
            continue
        body = json.dumps(
            {"event": delivery.event, "id": delivery.key, "data": delivery.payload}, separators=(",", ":")
        ).encode()
        timestamp = int(now.timestamp())
        signature = webhook_signature(secret=webhook_secret(client), timestamp=timestamp, body=body)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Opstap-Webhook/1",
            "Opstap-Event": delivery.event,
            "Opstap-Delivery": delivery.key,
            "Opstap-Signature": f"t={timestamp},v1={signature}",
        }
        try:
            status = post(client.webhook_url, body, headers)
            error = "" if 200 <= status < 300 else f"HTTP {status}"
        except OSError as exc:
            error = f"{type(exc).__name__}: {exc}"
        if not error:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=WebhookStatus.DELIVERED, delivered_at=timezone.now(), last_error=""
            )
            delivered += 1
        elif attempt >= settings.API_WEBHOOK_MAX_ATTEMPTS:
            logger.warning("Webhook %s to client %s failed for good: %s", delivery.key, client.prefix, error)
            WebhookDelivery.objects.filter(pk=delivery.pk).update(status=WebhookStatus.FAILED, last_error=error)
        else:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(last_error=error)
    return delivered
