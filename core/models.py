import uuid
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A person who logs in. The role is the group; the organisation scopes what they see."""

    organisation = models.ForeignKey(
        "pilots.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def role(self) -> str | None:
        from .roles import role_of

        return role_of(self)


class WorkerPing(models.Model):
    """A task the worker answers by writing to the database: proof that the whole chain works."""

    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.CharField(_("answered by"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("worker ping")
        verbose_name_plural = _("worker pings")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.token)


class OutboxMessage(models.Model):
    """The idempotency key of a queued mail (core.outbox): one row per message and recipient, never two."""

    key = models.CharField(_("key"), max_length=255, unique=True)
    email = models.OneToOneField(
        "post_office.Email", on_delete=models.CASCADE, related_name="outbox_message", verbose_name=_("e-mail")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Login failed")
    LOCKED_OUT = "locked_out", _("Locked out after failed logins")
    LOGOUT = "logout", _("Logged out")
    EXPORT = "export", _("Export downloaded")
    REPORT_DOWNLOAD = "report_download", _("Report downloaded")
    ACCESS_EXPORT = "access_export", _("Access request exported")
    ERASURE = "erasure", _("Personal data erased")
    TWO_STEP_ON = "two_step_on", _("Two-step verification turned on")
    TWO_STEP_OFF = "two_step_off", _("Two-step verification turned off")
    TWO_STEP_FAILED = "two_step_failed", _("Wrong two-step code")
    BACKUP_CODES_RENEWED = "backup_codes_renewed", _("New backup codes made")
    INVITATION_SENT = "invitation_sent", _("Invitation sent")
    INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    ACCESS_DEACTIVATED = "access_deactivated", _("Access deactivated")
    ACCESS_REACTIVATED = "access_reactivated", _("Access given again")


class AuditEvent(models.Model):
    """Something done that changes no audited row but must be traceable: a login, an export, a download.

    Changes to candidates and their track are kept in the history tables; this table holds the rest.
    Written only through core.audit.record_event and never edited.
    """

    at = models.DateTimeField(_("at"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as typed, so the row still says who it was after the account is removed (or for a failed login).
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices, db_index=True)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of object"), on_delete=models.SET_NULL, null=True, blank=True
    )
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="auditevent_target_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(action__in=AuditAction.values), name="auditevent_action_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.username or '–'}"


class Invitation(models.Model):
    """A one-time link that lets an invited person choose a password for the account made for them (core.invitations).

    Only a hash of the token is kept: the link itself lives in the e-mail alone. A person has at most one open
    invitation; sending it again closes the previous one (`revoked_at`), as does deactivating the account.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"


# --- The partners' API (core.api) ---------------------------------------------------------------------------------


class ApiScope(models.TextChoices):
    """What an API client may do; a client is issued a chosen set of them (core.api)."""

    REFERRALS_WRITE = "referrals:write", _("Send referral lists to cohorts")
    COHORTS_READ = "cohorts:read", _("Read cohorts, their status counts and the status of own referrals")
    FIGURES_READ = "figures:read", _("Read evaluation figures and request evaluation reports")


# The visible start of every API token, `opst_<prefix>_<secret>` (core.api makes and reads them).
API_TOKEN_START = "opst"  # noqa: S105 - not a secret


class ApiClient(models.Model):
    """A system of one organisation that calls the API with a token (core.api).

    Only a hash of the token is kept; its prefix is stored as it is, so that a token in a log can be recognised and
    looked up. The client acts through an account of its own (`account`: no password, never logged in), which the
    history rows, the imports and the report jobs it makes name; it sees what the users of its organisation see.
    """

    name = models.CharField(_("name"), max_length=100)
    organisation = models.ForeignKey(
        "pilots.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="api_clients"
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT, related_name="api_client"
    )
    scopes = models.JSONField(_("scopes"), default=list)
    prefix = models.CharField(_("token prefix"), max_length=16, unique=True, editable=False)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    webhook_url = models.URLField(
        _("webhook address"),
        blank=True,
        help_text=_("An HTTPS address that is told when a requested report is ready; empty for none."),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["organisation", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def token_hint(self) -> str:
        """How the client's token starts, to recognise it by; the secret part stays out."""
        return f"{API_TOKEN_START}_{self.prefix}_…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def get_scopes_display(self) -> str:
        labels = dict(ApiScope.choices)
        return ", ".join(str(labels.get(scope, scope)) for scope in self.scopes)


class ApiCall(models.Model):
    """One call of the API: who, when, what and how it was answered. Written once per call, never edited.

    A compact row of its own rather than an AuditEvent: a partner's system may call many times a minute.
    """

    client = models.ForeignKey(
        ApiClient, verbose_name=_("API client"), on_delete=models.PROTECT, null=True, blank=True, related_name="calls"
    )
    at = models.DateTimeField(_("at"), db_index=True)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=255)
    status = models.PositiveSmallIntegerField(_("status"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["client", "-at"], name="apicall_client_at_idx")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class ApiIdempotencyKey(models.Model):
    """A POST's Idempotency-Key: the hash of its request and the response it got, so that a retry gets the same."""

    client = models.ForeignKey(
        ApiClient, verbose_name=_("API client"), on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(_("key"), max_length=255)
    request_hash = models.CharField(_("request hash"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    response = models.JSONField(_("response"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="apiidempotencykey_unique_key")]

    def __str__(self) -> str:
        return self.key


class WebhookStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """A signed POST to a client's webhook address, written in the transaction of the change it tells of and sent
    afterwards by a worker (core.api.webhooks_deliver), with retries that wait longer each time."""

    client = models.ForeignKey(
        ApiClient, verbose_name=_("API client"), on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    key = models.CharField(_("key"), max_length=255)
    event = models.CharField(_("event"), max_length=64)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=16, choices=WebhookStatus.choices, default=WebhookStatus.WAITING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="webhookdelivery_unique_key"),
            models.CheckConstraint(
                condition=models.Q(status__in=WebhookStatus.values), name="webhookdelivery_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.key}"
