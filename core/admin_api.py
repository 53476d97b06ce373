"""The API's clients in the administration: issue one (its token is shown once, in the message after saving),
revoke, and read the calls and webhook deliveries. Imported by core.admin."""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .admin import ReadOnlyAdminMixin
from .api import api_client_issue, api_client_revoke
from .models import ApiCall, ApiClient, ApiScope, WebhookDelivery


class ApiClientAddForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(label=_("scopes"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiClient
        fields = ["name", "organisation", "scopes", "webhook_url"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "prefix", "get_scopes_display", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "organisation__name"]
    readonly_fields = [
        "prefix",
        "account",
        "scopes",
        "issued_by",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    fields = ["name", "organisation", *readonly_fields, "webhook_url"]
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiClientAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return ["name", "organisation", "scopes", "webhook_url"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return []
        # The organisation and the scopes are the client's identity: issue a new client to change them.
        return [*self.readonly_fields, "organisation"]

    def save_model(self, request: HttpRequest, obj: ApiClient, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = api_client_issue.within(
            organisation=form.cleaned_data["organisation"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            webhook_url=form.cleaned_data.get("webhook_url", ""),
            by_user=request.user,
        )
        obj.pk = issued.client.pk
        message = _("Copy the token now, it is not shown again: %(token)s") % {"token": issued.token}
        if issued.client.webhook_url:
            message += " · " + str(_("Webhook signing key: %(key)s") % {"key": issued.webhook_secret})
        messages.warning(request, message)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # revoke instead: the audit trail of its calls stays with the client

    @admin.action(description=_("Revoke the selected API clients"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset.filter(revoked_at__isnull=True):
            api_client_revoke.within(client=client, by_user=request.user)
        messages.success(request, _("The selected API clients have been revoked."))


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "client", "method", "path", "status", "duration_ms", "ip_address"]
    list_filter = ["status", "method"]
    search_fields = ["path", "client__prefix", "client__name"]
    date_hierarchy = "at"
    list_select_related = ["client"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "client", "event", "key", "status", "attempts", "next_attempt_at", "delivered_at"]
    list_filter = ["status", "event"]
    list_select_related = ["client"]
