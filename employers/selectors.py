"""Reads of the employer side. An employer contact only ever sees their own organisation."""

from django.db.models import QuerySet

from core.roles import Role
from pilots.selectors import pilot_list

from .models import Employer, Placement, SeatOffer


def employer_for_user(*, user) -> Employer | None:
    if user.organisation_id is None:
        return None
    return Employer.objects.filter(organisation_id=user.organisation_id).select_related("organisation").first()


def placement_list(*, user) -> QuerySet[Placement]:
    placements = Placement.objects.select_related(
        "enrolment__candidate", "enrolment__cohort__pilot", "employer__organisation", "location"
    )
    if user.role == Role.ADMINISTRATOR:
        return placements
    if user.role == Role.EMPLOYER_CONTACT:
        return placements.filter(employer__organisation_id=user.organisation_id)
    if user.role in (Role.ADVISER, Role.COORDINATOR):
        return placements.filter(enrolment__cohort__pilot__in=pilot_list(user=user))
    return placements.none()


def seat_offer_list(*, user) -> QuerySet[SeatOffer]:
    offers = SeatOffer.objects.select_related("employer__organisation", "cohort__pilot", "location")
    if user.role == Role.ADMINISTRATOR:
        return offers
    if user.role == Role.EMPLOYER_CONTACT:
        return offers.filter(employer__organisation_id=user.organisation_id)
    if user.role in (Role.ADVISER, Role.COORDINATOR):
        return offers.filter(cohort__pilot__in=pilot_list(user=user))
    return offers.none()
