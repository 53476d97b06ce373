"""The page where an administrator or coordinator issues API clients to organisations and revokes them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.api import api_client_issue, api_client_revoke
from core.permissions import AuthenticatedRequest, role_required

from .api_clients import API_CLIENT_ISSUERS, ApiClientForm, api_client_list


@never_cache
@role_required(*API_CLIENT_ISSUERS)
def api_clients(request: AuthenticatedRequest) -> HttpResponse:
    """The clients of the user's organisations and the form to issue one; the new token is shown once, here."""
    form = ApiClientForm(request.POST or None, user=request.user)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_client_issue(
                organisation=form.cleaned_data["organisation"],
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                webhook_url=form.cleaned_data["webhook_url"],
                by_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = ApiClientForm(user=request.user)
    return render(
        request,
        "pilots/api_clients/list.html",
        {"form": form, "issued": issued, "clients": api_client_list(user=request.user)},
    )


@require_POST
@role_required(*API_CLIENT_ISSUERS)
def api_client_revoke_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(api_client_list(user=request.user), pk=pk)
    api_client_revoke(client=client, by_user=request.user)
    messages.success(request, _("The API client has been revoked; its token no longer works."))
    return redirect("api-clients:list")
