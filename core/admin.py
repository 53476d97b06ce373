"""The admin site itself, the user admin, and the pieces the apps' admins share.

The admin is a tool for administrators, not a way around the rules: history rows are read-only
and every life-cycle step goes through the same services the portal uses.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Model, TextChoices
from django.http import HttpRequest
from django.urls import reverse, reverse_lazy
from django.utils.functional import SimpleLazyObject
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from post_office import models as post_office
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_history_model_for_model

from . import outbox
from .models import AuditEvent, Invitation, OutboxMessage, User, WorkerPing
from .roles import Role
from .statemachine import TransitionNotAllowed

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

admin.site.site_header = _("Opstap administration")
admin.site.site_title = _("Opstap administration")
admin.site.index_title = _("Administration")
# No sidebar listing every model beside each page: drawing it cost more than a page of a long list's rows, and the
# breadcrumbs lead back to that list on the administration's home page.
admin.site.enable_nav_sidebar = False
# "View site" leads to the administrator's home in the portal (start.views_admin), not back into the admin.
admin.site.site_url = reverse_lazy("admin-home")  # type: ignore[assignment]  # a lazy URL is a str when read


def _app_list_when_read(request: HttpRequest, app_label: str | None = None) -> list:
    """AdminSite.get_app_list, worked out only when a template reads it. Every page of the administration puts the
    list of apps in its context (AdminSite.each_context, for the sidebar), which asks each model admin for the
    user's permissions: without the sidebar only the home page reads it, and every other page spent as long on it
    as on a page of a long list's rows. The same list for the same user, when it is read."""
    return SimpleLazyObject(lambda: admin.AdminSite.get_app_list(admin.site, request, app_label))  # type: ignore[return-value]


admin.site.get_app_list = _app_list_when_read  # type: ignore[method-assign]


class RowLinksChangeList(ChangeList):
    """A ChangeList whose rows' links are written once per page rather than worked out per row.

    The admin adds the list's filters to each row's link (add_preserved_filters), and to know whether a link leads
    back to the list it resolves the link against every address of the site: once per row of a page that was
    filtered, sorted or paged, more than the rest of the row cost. The link of one row, with the filters, is worked
    out by the admin's own code; every row's link is that one with the row's pk in its place, and the filters, now
    in each link, are not added again (the admin reads the list's preserved_filters for the rows' links only).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        marker = "9876543210123"  # a pk no row holds, to find where the pk stands in the link
        link = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(marker,),
            current_app=self.model_admin.admin_site.name,
        )
        # The pk stands in the path, before any filter in the query that might hold the same digits.
        before, _marker, after = add_preserved_filters(
            {"preserved_filters": self.preserved_filters, "opts": self.opts}, link
        ).partition(marker)
        self._row_link = (before, after)
        self.preserved_filters = ""

    def url_for_result(self, result) -> str:
        before, after = self._row_link
        return f"{before}{quote(getattr(result, self.pk_attname))}{after}"


class ReadOnlyAdminMixin:
    """For rows written only by services or the worker: visible, never added, edited or deleted here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyTabularInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class HistoryAdmin(SimpleHistoryAdmin):
    """A model admin whose History page lists every saved version with who, when and what changed.

    Showing an old version never turns the row back to it (SIMPLE_HISTORY_REVERT_DISABLED hides the
    button; a posted form is refused here as well), because that would bypass the services.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class HistoricalRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The history table of one audited model: every version ever saved, for administrators to read."""

    list_display = ("history_date", "history_type", "object_label", "history_user", "history_change_reason")
    list_filter = ("history_type", "history_date")
    list_select_related = ("history_user",)
    search_fields = ("id", "history_user__username")
    search_help_text = _("Search by the object's number or the username of who changed it.")
    date_hierarchy = "history_date"
    ordering = ("-history_date", "-history_id")

    def get_readonly_fields(self, request, obj=None):
        return ("changes", *[field.name for field in self.model._meta.fields])

    @admin.display(description=_("object"))
    def object_label(self, obj) -> str:
        return f"{capfirst(obj.instance_type._meta.verbose_name)} #{obj.id}"

    @admin.display(description=_("what changed"))
    def changes(self, obj) -> str:
        previous = obj.prev_record
        if previous is None:
            return "–"
        names = {field.name: field.verbose_name for field in obj.instance_type._meta.fields}
        changed = obj.diff_against(previous, foreign_keys_are_objs=False).changed_fields
        return ", ".join(str(names.get(name, name)) for name in changed) or "–"


def register_history(*models: type[Model]) -> None:
    """Show the history tables of these models read-only in the admin."""
    for model in models:
        admin.site.register(get_history_model_for_model(model), HistoricalRecordAdmin)


def adopt(instance: Model, saved: Model) -> None:
    """Turn the admin's unsaved instance into the row a service saved.

    The admin goes on to log, save inlines and redirect with the instance it built from the
    form, so that instance has to become the saved row.
    """
    instance.pk = saved.pk
    instance.refresh_from_db()


def model_field_names(model: type[Model]) -> list[str]:
    """The model's own fields in declaration order, without the id and the timestamps."""
    return [field.name for field in model._meta.fields if field.name not in ("id", "created_at", "updated_at")]


def refusal_of(service: Callable[..., object], /, **kwargs) -> TransitionNotAllowed | None:
    """Ask a service whether it would accept a write, without keeping anything it writes.

    The service stays the only place that knows its rules; running it in a savepoint that is
    always rolled back lets a form show a refusal as a form error before the real call.
    """
    # An entry-point service runs as a step of this savepoint (core.services).
    run = getattr(service, "within", service)
    try:
        with transaction.atomic():
            run(**kwargs)
            transaction.set_rollback(True)
    except TransitionNotAllowed as refusal:
        return refusal
    except IntegrityError:
        # A broken model constraint is reported by the model validation that follows clean().
        return None
    return None


class TransitionActionForm(helpers.ActionForm):
    """The action menu, with a reason for the steps that need one."""

    reason = forms.CharField(label=_("Reason"), required=False)


def posted_action_value(request: HttpRequest, name: str) -> str:
    """A field of the action form, posted from the change list or (prefixed) from a change form."""
    change_form_prefix = f"{admin.ActionLocation.CHANGE_FORM.value}-"
    prefix = change_form_prefix if f"{change_form_prefix}action" in request.POST else ""
    return request.POST.get(f"{prefix}{name}", "").strip()


def transition_action[M: Model](
    status: TextChoices, description: "StrOrPromise", move: Callable[[M, str, HttpRequest], object]
) -> Callable:
    """An admin action that takes each selected row one step through its service.

    `move(obj, status, request)` calls the service; a refusal becomes an error message for that
    row, so one refused row neither stops the others nor ends in a server error.
    """

    @admin.action(
        description=description,
        permissions=["change"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
        moved = 0
        for obj in queryset:
            try:
                move(obj, status, request)
            except TransitionNotAllowed as refusal:
                modeladmin.message_user(
                    request, _("%(object)s: %(refusal)s") % {"object": obj, "refusal": refusal}, level=messages.ERROR
                )
            else:
                moved += 1
        if moved:
            modeladmin.message_user(
                request,
                ngettext(
                    "%(count)d %(items)s moved to “%(status)s”.",
                    "%(count)d %(items)s moved to “%(status)s”.",
                    moved,
                )
                % {
                    "count": moved,
                    "items": modeladmin.opts.verbose_name if moved == 1 else modeladmin.opts.verbose_name_plural,
                    "status": status.label,
                },
                level=messages.SUCCESS,
            )

    # The admin tells actions apart by their function name.
    action.__name__ = f"move_to_{status.value}"
    return action


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("Organisation"), {"fields": ("organisation", "job_title")}),
        (
            _("Roles and permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "organisation", "job_title")}),
    )
    list_display = ("username", "full_name", "email", "organisation", "job_title", "roles", "is_staff", "is_active")
    list_filter = ("groups", "is_staff", "is_superuser", "is_active", "organisation")
    list_select_related = ("organisation",)
    search_fields = ("username", "first_name", "last_name", "email", "phone", "organisation__name")
    autocomplete_fields = ("organisation",)
    ordering = ("last_name", "first_name", "username")
    date_hierarchy = "date_joined"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()

    @admin.display(description=_("roles"))
    def roles(self, obj: User) -> str:
        # Role groups carry stable codes as names; people read the translated labels.
        labels = {role.value: role.label for role in Role}
        return ", ".join(str(labels.get(group.name, group.name)) for group in obj.groups.all())


@admin.register(WorkerPing)
class WorkerPingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("token", "created_at", "answered_at", "answered_by")
    list_filter = ("answered_at",)
    search_fields = ("token", "answered_by")
    date_hierarchy = "created_at"
    readonly_fields = ("token", "created_at", "answered_at", "answered_by")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Logins, exports and downloads: written by core.audit.record_event, read here, never changed."""

    list_display = ("at", "action", "username", "target_repr", "detail", "ip_address")
    list_filter = ("action", "at")
    search_fields = ("username", "target_repr", "detail", "ip_address")
    date_hierarchy = "at"
    readonly_fields = (
        "at",
        "action",
        "user",
        "username",
        "target_type",
        "target_id",
        "target_repr",
        "detail",
        "ip_address",
    )


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The invitations sent from the people page (core.invitations): who, in which role, by whom, and whether the
    link was used or closed. Only a hash of the link is kept, so it is not shown; sending again is done there."""

    list_display = ("user", "role", "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at")
    list_filter = ("role", "created_at", "accepted_at")
    list_select_related = ("user", "invited_by")
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    date_hierarchy = "created_at"
    fields = ("user", "role", "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at")
    readonly_fields = fields


# Post-office's own admin pages edit templates and mail by hand and speak English: the outbox is read here instead.
for _model in (post_office.Email, post_office.Log, post_office.EmailTemplate, post_office.Attachment):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class OutboxStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("waiting to be sent")),
            ("failed", _("failed")),
            ("sent", _("sent")),
        ]

    def queryset(self, request, queryset):
        statuses = {
            "waiting": outbox.WAITING,
            "failed": (post_office.STATUS.failed,),
            "sent": (post_office.STATUS.sent,),
        }.get(self.value() or "")
        return queryset if statuses is None else queryset.filter(email__status__in=statuses)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The mail the portal sends (core.outbox): what waits, what failed and why; failed mail can be queued again."""

    list_display = ("created_at", "recipient", "subject", "state", "tries", "next_try", "last_error")
    list_filter = (OutboxStatusFilter, "created_at")
    search_fields = ("key", "email__to", "email__subject")
    date_hierarchy = "created_at"
    fields = ("key", "created_at", "recipient", "subject", "state", "tries", "next_try", "last_error", "body")
    readonly_fields = fields
    actions = ("queue_again",)
    list_select_related = ("email",)

    @admin.display(description=_("recipient"))
    def recipient(self, obj: OutboxMessage) -> str:
        return ", ".join(obj.email.to)

    @admin.display(description=_("subject"))
    def subject(self, obj: OutboxMessage) -> str:
        return obj.email.subject

    @admin.display(description=_("text"))
    def body(self, obj: OutboxMessage) -> str:
        return obj.email.message

    @admin.display(description=_("status"))
    def state(self, obj: OutboxMessage) -> str:
        if obj.email.status in outbox.WAITING:
            return str(_("waiting to be sent"))
        return str(_("sent") if obj.email.status == post_office.STATUS.sent else _("failed"))

    @admin.display(description=_("tries that failed"))
    def tries(self, obj: OutboxMessage) -> int:
        return obj.email.number_of_retries or 0

    @admin.display(description=_("next try"))
    def next_try(self, obj: OutboxMessage):
        return obj.email.scheduled_time if obj.email.status in outbox.WAITING else None

    @admin.display(description=_("last error"))
    def last_error(self, obj: OutboxMessage) -> str:
        log = obj.email.logs.filter(status=post_office.STATUS.failed).order_by("-date").first()
        return f"{log.exception_type}: {log.message}" if log else ""

    @admin.action(description=_("Queue the selected failed messages again"))
    def queue_again(self, request: HttpRequest, queryset) -> None:
        count = outbox.requeue(
            emails=post_office.Email.objects.filter(outbox_message__in=queryset),
        )
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count) % {"count": count},
            messages.SUCCESS,
        )


# The API clients, their calls and webhook deliveries (kept apart, as the API is a part of its own).
from . import admin_api  # noqa: E402, F401
