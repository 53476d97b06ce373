"""People by invitation: a coordinator or administrator makes the account, the person opens it with a one-time link.

Inviting makes the account at once, in its role and organisation, without a usable password: nobody can log in
with it until the person follows the link in the e-mail and chooses a password (then, where the role requires it,
sets up the second step, core.twofactor). The link holds a random token; only its hash is stored. It works once,
for INVITATION_VALID_DAYS days, and stops working when a new invitation is sent or the access is deactivated.

Nobody gives more rights than their own (GRANTABLE_ROLES): a coordinator invites advisers, host employers'
contacts and training partners, an administrator coordinators as well. Which organisations someone may invite
into, and whose accounts they see, is a matter of pilots (start.selectors scopes it); the services here take the
organisation and the person as found there.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .audit import AuditAction, record_event
from .models import Invitation, User
from .outbox import queue_mail
from .roles import Role, assign_role
from .services import entry_point

# Who may give which role: never one with more rights than the giver's own.
GRANTABLE_ROLES: dict[str, tuple[Role, ...]] = {
    Role.COORDINATOR: (Role.ADVISER, Role.EMPLOYER_CONTACT, Role.TRAINING_PARTNER),
    Role.ADMINISTRATOR: (Role.COORDINATOR, Role.ADVISER, Role.EMPLOYER_CONTACT, Role.TRAINING_PARTNER),
}
# The roles that see the people page.
PEOPLE_MANAGERS = tuple(GRANTABLE_ROLES)


class PersonStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DEACTIVATED = "deactivated", _("Deactivated")


# The status as a query: invited while active and no password chosen yet (the invitation's account has none).
_NO_PASSWORD = Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)
STATUS_CONDITIONS: dict[str, Q] = {
    PersonStatus.DEACTIVATED: Q(is_active=False),
    PersonStatus.INVITED: Q(is_active=True) & _NO_PASSWORD,
    PersonStatus.ACCEPTED: Q(is_active=True) & ~_NO_PASSWORD,
}


class InvitationRefusedError(Exception):
    """An invitation, or a change to one, that the rules do not allow; `field` names the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class LinkProblem(models.TextChoices):
    """Why a link does not (or no longer) work; the page says what to do about each."""

    UNKNOWN = "unknown", _("unknown")
    EXPIRED = "expired", _("expired")
    USED = "used", _("used")
    CLOSED = "closed", _("closed")


class InvitationLinkError(Exception):
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def grantable_roles(user) -> tuple[Role, ...]:
    return GRANTABLE_ROLES.get(user.role or "", ())


def can_manage(*, by_user, person: User) -> bool:
    """Whether by_user may send again or deactivate: someone else, in a role they could have given."""
    return person.pk != by_user.pk and person.role in grantable_roles(by_user)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    """The absolute link of the e-mail (no request to take the host from)."""
    return settings.SITE_URL.rstrip("/") + reverse("invitation-accept", kwargs={"token": token})


@dataclass(frozen=True)
class LinkCheck:
    invitation: Invitation | None
    problem: str = ""  # a LinkProblem, or empty when the link works


def invitation_check(*, token: str, lock: bool = False, now: datetime | None = None) -> LinkCheck:
    """The invitation a link opens, or why it does not."""
    invitations = Invitation.objects.select_related("user", "user__organisation")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(token_hash=hash_token(token)).first()
    if invitation is None:
        return LinkCheck(None, LinkProblem.UNKNOWN)
    if invitation.accepted_at is not None:
        return LinkCheck(invitation, LinkProblem.USED)
    if invitation.revoked_at is not None or not invitation.user.is_active:
        return LinkCheck(invitation, LinkProblem.CLOSED)
    if invitation.expires_at <= (now or timezone.now()):
        return LinkCheck(invitation, LinkProblem.EXPIRED)
    return LinkCheck(invitation)


def person_status(person: User) -> PersonStatus:
    """The same rule as STATUS_CONDITIONS, for one person already read."""
    if not person.is_active:
        return PersonStatus.DEACTIVATED
    return PersonStatus.ACCEPTED if person.has_usable_password() else PersonStatus.INVITED


def with_status(users: QuerySet[User]) -> QuerySet[User]:
    """People with their `status`, when they accepted (`accepted_at`) and until when an open link works."""
    open_invitation = Invitation.objects.filter(
        user=OuterRef("pk"), accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("-created_at")
    return users.annotate(
        status=Case(
            *(When(condition, then=Value(status)) for status, condition in STATUS_CONDITIONS.items()),
            output_field=models.CharField(),
        ),
        accepted_at=Max("invitations__accepted_at"),
        invitation_expires_at=Subquery(open_invitation.values("expires_at")[:1]),
    )


def status_counts(users: QuerySet[User]) -> dict[str, int]:
    """How many people have each status, in one query."""
    return users.aggregate(
        **{status: models.Count("pk", filter=condition) for status, condition in STATUS_CONDITIONS.items()}
    )


# --- Writes -------------------------------------------------------------------------------------------------------


def _open_invitation(*, person: User, role: str, by_user, now: datetime) -> Invitation:
    """A new link for the person, mailed through the outbox in the caller's transaction."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=person,
        role=role,
        token_hash=hash_token(token),
        invited_by=by_user,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    context = {
        "person": person,
        "invited_by": by_user,
        "organisation": person.organisation,
        "role": Role(role).label,
        "url": invitation_url(token),
        "expires_at": invitation.expires_at,
        "username": person.get_username(),
    }
    # Written outside the inviter's language: the mail is in the portal's language.
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("core/email/invitation_subject.txt", context).split())
        body = render_to_string("core/email/invitation.txt", context)
    queue_mail(key=f"invitation:{invitation.pk}", recipient=person.email, subject=subject, body=body)
    return invitation


def _close_open_invitations(person: User, *, now: datetime) -> int:
    return person.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)


def _locked_to_manage(person: User, *, by_user) -> User:
    """The person's row, locked for a change of their access; refused unless by_user may manage them."""
    if not can_manage(by_user=by_user, person=person):
        raise InvitationRefusedError(str(_("You cannot change the access of this person.")))
    return User.objects.select_for_update().get(pk=person.pk)


@entry_point
def invitation_create(*, first_name: str, last_name: str, email: str, role: str, organisation, by_user) -> Invitation:
    """Make the account of an invited person (their e-mail address is the username) and mail them the link."""
    if role not in grantable_roles(by_user):
        raise InvitationRefusedError(str(_("You cannot give this role.")), field="role")
    email = email.strip()
    username = email.lower()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise InvitationRefusedError(
            str(_("This e-mail address cannot be used as a username. Use another address.")), field="email"
        ) from None
    if User.objects.filter(Q(email__iexact=email) | Q(username__iexact=username)).exists():
        raise InvitationRefusedError(
            str(_("Someone with this e-mail address already has an account.")),
            field="email",
        )
    person = User(username=username, first_name=first_name, last_name=last_name, email=email, organisation=organisation)
    person.set_unusable_password()
    person.save()
    assign_role(person, role)
    invitation = _open_invitation(person=person, role=role, by_user=by_user, now=timezone.now())
    record_event(action=AuditAction.INVITATION_SENT, user=by_user, target=person, detail=f"role {role}")
    return invitation


@entry_point
def invitation_resend(*, person: User, by_user) -> Invitation:
    """A new link for someone who has not accepted yet; the previous link stops working."""
    person = _locked_to_manage(person, by_user=by_user)
    status = person_status(person)
    if status == PersonStatus.DEACTIVATED:
        raise InvitationRefusedError(str(_("This person's access has been deactivated.")))
    if status == PersonStatus.ACCEPTED:
        raise InvitationRefusedError(
            str(_("This person has chosen a password already. A forgotten password is reset from the login page."))
        )
    now = timezone.now()
    _close_open_invitations(person, now=now)
    role = person.role or ""
    invitation = _open_invitation(person=person, role=role, by_user=by_user, now=now)
    record_event(action=AuditAction.INVITATION_RESENT, user=by_user, target=person, detail=f"role {role}")
    return invitation


@entry_point
def invitation_accept(*, token: str, password: str) -> User:
    """The person chose a password with the link: the account opens and the link is used up.

    The password has passed the password validators in the form (core.forms.ChoosePasswordForm).
    """
    check = invitation_check(token=token, lock=True)
    if check.problem or check.invitation is None:
        raise InvitationLinkError(check.problem)
    invitation = check.invitation
    person = invitation.user
    person.set_password(password)
    person.save(update_fields=["password"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record_event(action=AuditAction.INVITATION_ACCEPTED, user=person, target=person)
    return person


@entry_point
def user_deactivate(*, person: User, by_user) -> User:
    """End a person's access at once: no login, no open link, and every session they have ends now."""
    person = _locked_to_manage(person, by_user=by_user)
    if not person.is_active:
        return person
    person.is_active = False
    person.save(update_fields=["is_active"])
    _close_open_invitations(person, now=timezone.now())
    ended = sessions_end(person)
    record_event(action=AuditAction.ACCESS_DEACTIVATED, user=by_user, target=person, detail=f"{ended} sessions ended")
    return person


@entry_point
def user_reactivate(*, person: User, by_user) -> Invitation:
    """Give a deactivated person access again: a new link by e-mail, with which they choose a new password.

    The password they had stops working, so that access comes back only through their own mailbox, as it came the
    first time; until they use the link they show as invited.
    """
    person = _locked_to_manage(person, by_user=by_user)
    if person.is_active:
        raise InvitationRefusedError(str(_("This person has access already.")))
    person.is_active = True
    person.set_unusable_password()
    person.save(update_fields=["is_active", "password"])
    role = person.role or ""
    invitation = _open_invitation(person=person, role=role, by_user=by_user, now=timezone.now())
    record_event(action=AuditAction.ACCESS_REACTIVATED, user=by_user, target=person, detail=f"role {role}")
    return invitation


def sessions_end(person: User) -> int:
    """Delete every session the person is logged in with; returns how many.

    Sessions are stored in the database (SESSION_ENGINE) and live SESSION_IDLE_MINUTES, so the live ones are few
    enough to read each and look for the person.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    session_model = store.get_model_class()
    mine = [
        session.pk
        for session in session_model.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == str(person.pk)
    ]
    # Through the store, so a cached session goes as well as its row.
    for key in mine:
        store(session_key=key).delete()
    return len(mine)
