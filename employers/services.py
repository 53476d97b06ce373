"""Every write to the employer side. Each function is atomic and records its history."""

from datetime import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.models import Enrolment, EnrolmentStatus
from core.statemachine import TransitionNotAllowed

from .models import (
    PLACE_HOLDING_STATUSES,
    PLACEMENT_LIFECYCLE,
    Employer,
    Placement,
    PlacementStatus,
    PlacementTransition,
    SeatOffer,
)

# A candidate can be proposed from selection on: werkfit and groepshulp look for a host before the start.
PROPOSABLE_ENROLMENT_STATUSES = frozenset({EnrolmentStatus.SELECTED, EnrolmentStatus.STARTED})


def places_offered(*, employer: Employer, cohort_id: int) -> int:
    total = SeatOffer.objects.filter(employer=employer, cohort_id=cohort_id).aggregate(total=Sum("places"))["total"]
    return total or 0


def places_confirmed(*, employer: Employer, cohort_id: int) -> int:
    return Placement.objects.filter(
        employer=employer, enrolment__cohort_id=cohort_id, status__in=PLACE_HOLDING_STATUSES
    ).count()


def _record(placement: Placement, from_status: str, by_user, reason: str, at: datetime) -> None:
    PlacementTransition.objects.create(
        placement=placement, from_status=from_status, to_status=placement.status, by_user=by_user, at=at, reason=reason
    )


@transaction.atomic
def placement_propose(*, enrolment: Enrolment, employer: Employer, by_user, **details) -> Placement:
    """Propose a candidate to a host employer. Needs the candidate's recorded consent."""
    if not enrolment.candidate.has_consent:
        raise TransitionNotAllowed(_("Record the candidate's consent before proposing a placement."))
    if enrolment.status not in PROPOSABLE_ENROLMENT_STATUSES:
        raise TransitionNotAllowed(_("Only selected or started candidates can be proposed to an employer."))
    if Placement.objects.filter(
        enrolment=enrolment, employer=employer, status__in=[PlacementStatus.PROPOSED, *PLACE_HOLDING_STATUSES]
    ).exists():
        raise TransitionNotAllowed(_("This candidate already has an open proposal or placement at this employer."))
    now = timezone.now()
    placement = Placement.objects.create(
        enrolment=enrolment,
        employer=employer,
        status=PlacementStatus.PROPOSED,
        status_changed_at=now,
        proposed_by=by_user,
        **details,
    )
    _record(placement, "", by_user, details.get("motivation", ""), now)
    return placement


@transaction.atomic
def placement_transition(*, placement: Placement, to_status: str, by_user, reason: str = "") -> Placement:
    """Move a placement one allowed step.

    Confirming locks the employer's seat offers for the cohort, so two contacts confirming the
    last place at the same moment cannot overbook it.
    """
    locked = Placement.objects.select_for_update().select_related("enrolment").get(pk=placement.pk)
    PLACEMENT_LIFECYCLE.check(locked.status, to_status)
    if to_status in (PlacementStatus.DECLINED, PlacementStatus.ENDED) and not reason.strip():
        raise TransitionNotAllowed(_("Give a reason."))
    if to_status == PlacementStatus.CONFIRMED:
        cohort_id = locked.enrolment.cohort_id
        list(SeatOffer.objects.select_for_update().filter(employer_id=locked.employer_id, cohort_id=cohort_id))
        employer = locked.employer
        if places_confirmed(employer=employer, cohort_id=cohort_id) >= places_offered(
            employer=employer, cohort_id=cohort_id
        ):
            raise TransitionNotAllowed(_("All places this employer offered for the cohort are filled."))
    from_status = locked.status
    locked.status = to_status
    now = timezone.now()
    locked.status_changed_at = now
    locked.save(update_fields=["status", "status_changed_at", "updated_at"])
    _record(locked, from_status, by_user, reason, now)
    return locked
