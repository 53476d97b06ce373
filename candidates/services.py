"""Every write to candidates and enrolments. Each function is atomic and records its history."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.statemachine import TransitionNotAllowed
from pilots.models import Cohort

from .models import (
    ENROLMENT_LIFECYCLE,
    SEAT_HOLDING_STATUSES,
    Candidate,
    DropoutReason,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    Outcome,
)

# Statuses that need a reason from the person making the change.
REASON_REQUIRED = frozenset({EnrolmentStatus.NOT_SELECTED, EnrolmentStatus.DROPPED_OUT})


class CohortFull(TransitionNotAllowed):
    """Selecting one more candidate would exceed the cohort's seats."""


@transaction.atomic
def enrolment_create(*, candidate: Candidate, cohort: Cohort, by_user, reason: str = "") -> Enrolment:
    """Register a candidate for a cohort; the first history row records where it started."""
    now = timezone.now()
    enrolment = Enrolment.objects.create(
        candidate=candidate, cohort=cohort, status=EnrolmentStatus.REGISTERED, status_changed_at=now
    )
    EnrolmentTransition.objects.create(
        enrolment=enrolment,
        from_status="",
        to_status=EnrolmentStatus.REGISTERED,
        by_user=by_user,
        at=now,
        reason=reason,
    )
    return enrolment


def seats_taken(*, cohort: Cohort) -> int:
    return cohort.enrolments.filter(status__in=SEAT_HOLDING_STATUSES).count()


@transaction.atomic
def enrolment_transition(
    *,
    enrolment: Enrolment,
    to_status: str,
    by_user,
    reason: str = "",
    dropout_reason: str = "",
    on_date: date | None = None,
) -> Enrolment:
    """Move an enrolment one allowed step; refuse the rest with a message for the user.

    Selecting locks the cohort row first, so two advisers taking the last seat at the same
    moment are served one after the other and the second is refused.
    """
    locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    ENROLMENT_LIFECYCLE.check(locked.status, to_status)
    if to_status in REASON_REQUIRED and not reason.strip() and not dropout_reason:
        raise TransitionNotAllowed(_("Give a reason for this status."))
    if to_status == EnrolmentStatus.DROPPED_OUT and dropout_reason not in DropoutReason.values:
        raise TransitionNotAllowed(_("Choose a reason for the dropout."))
    if to_status == EnrolmentStatus.SELECTED:
        cohort = Cohort.objects.select_for_update().get(pk=locked.cohort_id)
        if seats_taken(cohort=cohort) >= cohort.seats:
            raise CohortFull(
                _("All %(seats)s seats of %(cohort)s are taken; put the candidate on the reserve list.")
                % {"seats": cohort.seats, "cohort": cohort.name}
            )

    now = timezone.now()
    today = on_date or timezone.localdate()
    from_status = locked.status
    locked.status = to_status
    locked.status_changed_at = now
    if to_status == EnrolmentStatus.STARTED:
        locked.started_on = today
    if to_status in (EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED_OUT):
        locked.ended_on = max(today, locked.started_on) if locked.started_on else today
    if to_status == EnrolmentStatus.DROPPED_OUT:
        locked.dropout_reason = dropout_reason
    locked.save(update_fields=["status", "status_changed_at", "started_on", "ended_on", "dropout_reason", "updated_at"])
    EnrolmentTransition.objects.create(
        enrolment=locked, from_status=from_status, to_status=to_status, by_user=by_user, at=now, reason=reason
    )
    return locked


@transaction.atomic
def outcome_record(*, enrolment: Enrolment, by_user, **fields) -> Outcome:
    """Record (or correct) where the enrolment led and move it to outflow when it is not there yet."""
    if enrolment.status not in (EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED_OUT, EnrolmentStatus.OUTFLOW):
        raise TransitionNotAllowed(_("An outcome can only be recorded after the track was completed or left."))
    outcome, _created = Outcome.objects.update_or_create(
        enrolment=enrolment, defaults={**fields, "recorded_by": by_user}
    )
    if enrolment.status != EnrolmentStatus.OUTFLOW:
        enrolment_transition(enrolment=enrolment, to_status=EnrolmentStatus.OUTFLOW, by_user=by_user)
    return outcome
