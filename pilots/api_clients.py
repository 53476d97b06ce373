"""Who may issue API clients to which organisations, and the form they do it with (the views: views_api_clients).

An administrator issues to any organisation; a coordinator to the organisations of the pilots they work on (the
lead organisations and partners of their pilots, pilots.selectors.pilot_organisations), as they see those
pilots everywhere else.
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.models import ApiClient, ApiScope
from core.roles import Role

from .models import Organisation
from .selectors import pilot_organisations

API_CLIENT_ISSUERS = (Role.COORDINATOR, Role.ADMINISTRATOR)


def api_client_organisations(*, user) -> QuerySet[Organisation]:
    """The organisations the user may issue API clients to, and see and revoke the clients of."""
    if user.role not in API_CLIENT_ISSUERS:
        return Organisation.objects.none()
    return pilot_organisations(user=user).order_by("name")


def api_client_list(*, user) -> QuerySet[ApiClient]:
    """The clients of those organisations, active ones first."""
    return (
        ApiClient.objects.filter(organisation__in=api_client_organisations(user=user))
        .select_related("organisation", "issued_by", "revoked_by")
        .order_by("revoked_at", "organisation__name", "name", "pk")
    )


class ApiClientForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("Which system calls the API, for example “Suite4Sociaal Domein”.")
    )
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    scopes = forms.MultipleChoiceField(
        label=_("May"),
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one of the scopes.")},
    )
    webhook_url = forms.URLField(
        label=_("Webhook address"),
        required=False,
        assume_scheme="https",
        help_text=_("An HTTPS address that is told when a requested report is ready; leave empty for none."),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = api_client_organisations(user=user)  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_webhook_url(self) -> str:
        url = self.cleaned_data["webhook_url"]
        if url and not url.lower().startswith("https://"):
            raise forms.ValidationError(_("The webhook address must start with https://."))
        return url
