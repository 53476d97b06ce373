"""The people page: who works in the organisations of a coordinator's pilots, inviting more, ending access and
giving it back.

The accounts are core's (core.invitations); whose a coordinator sees follows their pilots (start.selectors), so
the page stands here, above both. Someone outside that scope is not found (404); someone inside it in a role
the user could not have given (a fellow coordinator, an administrator, oneself) is shown without actions.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.invitations import (
    PEOPLE_MANAGERS,
    InvitationRefusedError,
    PersonStatus,
    can_manage,
    grantable_roles,
    invitation_create,
    invitation_resend,
    person_status,
    user_deactivate,
    user_reactivate,
)
from core.models import User
from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role

from .forms import PersonInvitationForm
from .selectors import invitable_organisations, person_list

PEOPLE_PER_PAGE = 50


@dataclass(frozen=True)
class PersonRow:
    person: User
    status: PersonStatus
    role_label: str
    manageable: bool
    link_expired: bool

    @property
    def can_resend(self) -> bool:
        return self.manageable and self.status == PersonStatus.INVITED

    @property
    def can_deactivate(self) -> bool:
        return self.manageable and self.status != PersonStatus.DEACTIVATED

    @property
    def can_reactivate(self) -> bool:
        return self.manageable and self.status == PersonStatus.DEACTIVATED


def _row(person, *, by_user, now: datetime) -> PersonRow:
    role = person.role
    expires_at = person.invitation_expires_at
    return PersonRow(
        person=person,
        status=PersonStatus(person.status),
        role_label=str(Role(role).label) if role else _("No role"),
        manageable=can_manage(by_user=by_user, person=person),
        link_expired=person.status == PersonStatus.INVITED and (expires_at is None or expires_at <= now),
    )


def _invitation_form(request: AuthenticatedRequest, organisations) -> PersonInvitationForm:
    roles = grantable_roles(request.user)
    chosen = request.GET.get("rol", "")
    return PersonInvitationForm(
        request.POST or None,
        roles=roles,
        organisations=organisations,
        initial={"role": chosen} if chosen in {role.value for role in roles} else None,
    )


@role_required(*PEOPLE_MANAGERS)
def people(request: AuthenticatedRequest) -> HttpResponse:
    """The list with each person's status, and the form to invite someone."""
    user = request.user
    organisations = invitable_organisations(user=user)
    form = _invitation_form(request, organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = invitation_create(
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=data["role"],
                organisation=data["organisation"],
                by_user=user,
            )
        except InvitationRefusedError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(
                request,
                _("The invitation has been sent to %(email)s. The link works once.") % {"email": invitation.user.email},
            )
            return redirect("people:list")
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(person_list(user=user, search=search), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "start/people.html",
        {
            "form": form,
            "page": page,
            "rows": [_row(person, by_user=user, now=now) for person in page.object_list],
            "search": search,
            "all_regions": user.role == Role.ADMINISTRATOR,
            "can_invite": organisations.exists(),
        },
    )


def _person(request: AuthenticatedRequest, pk: int) -> User:
    """A person the user sees (else 404) and may manage (else 403)."""
    person = get_object_or_404(person_list(user=request.user), pk=pk)
    if not can_manage(by_user=request.user, person=person):
        raise PermissionDenied
    return person


def _person_post(request: AuthenticatedRequest, pk: int, action, success: str) -> HttpResponse:
    """Carry out a one-button action on a person (a service taking person and by_user), say how it went, and go
    back to the list; `success` is formatted with the person's name and e-mail address."""
    person = _person(request, pk)
    try:
        action(person=person, by_user=request.user)
    except InvitationRefusedError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success % {"name": person.get_full_name() or person, "email": person.email})
    return redirect("people:list")


@require_POST
@role_required(*PEOPLE_MANAGERS)
def person_resend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _person_post(
        request,
        pk,
        invitation_resend,
        _("A new invitation has been sent to %(email)s; the previous link no longer works."),
    )


@role_required(*PEOPLE_MANAGERS)
def person_deactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Ask, then end the person's access: they are logged out at once and can no longer log in."""
    person = _person(request, pk)
    if person_status(person) == PersonStatus.DEACTIVATED:
        messages.info(request, _("This person's access has been deactivated already."))
        return redirect("people:list")
    if request.method == "POST":
        try:
            user_deactivate(person=person, by_user=request.user)
        except InvitationRefusedError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("The access of %(name)s has been deactivated.") % {"name": person.get_full_name() or person}
            )
        return redirect("people:list")
    row = _row(person, by_user=request.user, now=timezone.now())
    return render(request, "start/person_deactivate.html", {"person": person, "role_label": row.role_label})


@require_POST
@role_required(*PEOPLE_MANAGERS)
def person_reactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Give a deactivated person access again: they get a new link and choose a new password with it."""
    return _person_post(
        request,
        pk,
        user_reactivate,
        _("%(name)s has access again: a link to choose a new password has been sent to %(email)s."),
    )
