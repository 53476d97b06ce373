import uuid
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


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
