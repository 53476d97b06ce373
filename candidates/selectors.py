"""Reads of candidates and enrolments, scoped to what the user may see."""

from django.db.models import Q, QuerySet

from core.roles import Role
from pilots.selectors import pilot_list

from .models import Candidate, Enrolment


def candidate_list(*, user) -> QuerySet[Candidate]:
    """Candidates enrolled in a pilot the user works on, plus those an adviser registered without one yet."""
    if user.role == Role.ADMINISTRATOR:
        return Candidate.objects.all()
    if user.role not in (Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER):
        return Candidate.objects.none()
    in_pilots = Q(enrolments__cohort__pilot__in=pilot_list(user=user))
    if user.role == Role.ADVISER:
        in_pilots |= Q(adviser=user)
    return Candidate.objects.filter(in_pilots).distinct()


def enrolment_list(*, user) -> QuerySet[Enrolment]:
    if user.role == Role.ADMINISTRATOR:
        enrolments = Enrolment.objects.all()
    elif user.role in (Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER):
        enrolments = Enrolment.objects.filter(cohort__pilot__in=pilot_list(user=user))
    else:
        enrolments = Enrolment.objects.none()
    return enrolments.select_related("candidate", "cohort", "cohort__pilot")


def candidate_duplicates(
    *, user, email: str = "", first_name: str = "", last_name: str = "", date_of_birth=None, exclude_pk=None
) -> QuerySet[Candidate]:
    """Candidates the user can see who may be the same person: same e-mail, or same name and birth date."""
    match = Q(pk__in=[])
    if email:
        match |= Q(email__iexact=email.strip())
    if first_name and last_name and date_of_birth:
        match |= Q(
            first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip(), date_of_birth=date_of_birth
        )
    duplicates = candidate_list(user=user).filter(match)
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    return duplicates.order_by("last_name", "first_name")
