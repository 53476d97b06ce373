"""The AVG (GDPR) rights on the candidate page: an access request (JSON and a printable page) and erasure.

Advisers and administrators, for candidates they may see; anyone else finds no such candidate (404) or is refused.
An adviser's access request holds what the pages show them; the complete one, with the notes for the coaching team
only, is the administrator's (the role that handles AVG requests), and the audit trail says which it was.
"""

import json

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role

from ..privacy import (
    CandidateAnonymised,
    access_export,
    access_report,
    anonymise_candidate,
    is_complete_export,
    record_access_export,
)
from .candidates import visible_candidate

PRIVACY_ROLES = (Role.ADVISER, Role.ADMINISTRATOR)


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("For example “request of the candidate by e-mail of 3 March”. Do not name the person."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that the personal data is erased for good and cannot be restored"),
        required=True,
    )


@role_required(*PRIVACY_ROLES)
def access_request(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Everything about the person on one printable page."""
    candidate = visible_candidate(request, pk)
    sections = access_report(candidate, user=request.user)
    record_access_export(candidate=candidate, user=request.user, request=request, fmt="html")
    return render(
        request,
        "candidates/privacy_access.html",
        {
            "candidate": candidate,
            "sections": sections,
            "exported_at": timezone.now(),
            "complete": is_complete_export(request.user),
        },
    )


@role_required(*PRIVACY_ROLES)
def access_request_json(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Everything about the person as a JSON download."""
    candidate = visible_candidate(request, pk)
    data = access_export(candidate, user=request.user)
    record_access_export(candidate=candidate, user=request.user, request=request, fmt="json")
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json; charset=utf-8"
    )
    filename = f"{_('access-request')}-{candidate.pk}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@role_required(*PRIVACY_ROLES)
def erase(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A warning and a confirmation with a reason; a POST anonymises the person's data."""
    candidate = visible_candidate(request, pk)
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            anonymise_candidate(candidate, by=request.user, reason=form.cleaned_data["reason"])
        except CandidateAnonymised as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The personal data of the candidate is erased."))
        return redirect(candidate)
    return render(request, "candidates/privacy_erase.html", {"candidate": candidate, "form": form})
