"""Walk an enrolment through the life cycle with the services, as the portal does.

Tests of figures and rules build their states with this rather than with a factory in a preset status, so that
every consequence of every step (history, seats, placements closed, follow-ups) is there as in real use.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from candidates.lifecycle import EnrolmentStatus as S
from candidates.models import Candidate, DropoutReason, Enrolment, OutcomeKind, Recommendation
from candidates.progress import enrolment_complete, enrolment_drop_out, outflow_record
from candidates.services import (
    enrolment_create,
    enrolment_start,
    enrolment_transition,
    enrolment_withdraw,
    screening_plan,
    screening_record,
)
from pilots.models import Cohort

from .factories import CandidateFactory

SCORES = {
    "interest_score": 4,
    "motivation_score": 4,
    "language_score": 3,
    "availability_score": 4,
    "recommendation": Recommendation.SELECT,
}
# The route to each status; outflow goes through completion unless a dropout reason is given.
ROUTE = {
    S.REGISTERED: (),
    S.SCREENING_PLANNED: (S.SCREENING_PLANNED,),
    S.SCREENED: (S.SCREENED,),
    S.NOT_SELECTED: (S.SCREENED, S.NOT_SELECTED),
    S.RESERVE: (S.SCREENED, S.RESERVE),
    S.SELECTED: (S.SCREENED, S.SELECTED),
    S.WITHDRAWN: (S.SCREENED, S.SELECTED, S.WITHDRAWN),
    S.STARTED: (S.SCREENED, S.SELECTED, S.STARTED),
    S.COMPLETED: (S.SCREENED, S.SELECTED, S.STARTED, S.COMPLETED),
    S.DROPPED_OUT: (S.SCREENED, S.SELECTED, S.STARTED, S.DROPPED_OUT),
}


def walk(
    *,
    cohort: Cohort,
    to: str,
    by_user,
    candidate: Candidate | None = None,
    dropout_reason: str = "",
    outcome: dict | None = None,
    started_on: date | None = None,
    ended_on: date | None = None,
) -> Enrolment:
    """Register a candidate in the cohort and take them to `to`, one service call per step.

    To outflow: `outcome` holds outflow_record's fields (default: a job elsewhere); with a `dropout_reason` the
    route goes through dropping out, otherwise through completion. A dropout gets reason health unless told.
    """
    candidate = candidate or CandidateFactory()
    enrolment = enrolment_create(candidate=candidate, cohort=cohort, by_user=by_user)
    route = ROUTE[S.DROPPED_OUT if dropout_reason else S.COMPLETED] if to == S.OUTFLOW else ROUTE[to]
    started_on = started_on or cohort.start_date
    ended_on = ended_on or max(started_on, cohort.end_date - timedelta(days=1))
    for status in route:
        enrolment = _step(enrolment, status, by_user, dropout_reason, started_on, ended_on)
    if to == S.OUTFLOW:
        outflow_record(enrolment=enrolment, by_user=by_user, **(outcome or {"kind": OutcomeKind.JOB_ELSEWHERE}))
    enrolment.refresh_from_db()
    return enrolment


def _step(enrolment: Enrolment, status: str, by_user, dropout_reason: str, started_on: date, ended_on: date):
    if status == S.SCREENING_PLANNED:
        screening_plan(
            enrolment=enrolment,
            starts_at=timezone.make_aware(datetime.combine(enrolment.cohort.start_date - timedelta(days=20), time(10))),
            location="WSP Midden-Utrecht",
            adviser=by_user,
            by_user=by_user,
        )
        return Enrolment.objects.get(pk=enrolment.pk)
    if status == S.SCREENED:
        screening_record(
            enrolment=enrolment, by_user=by_user, screened_on=enrolment.cohort.start_date - timedelta(days=14), **SCORES
        )
        return Enrolment.objects.get(pk=enrolment.pk)
    if status == S.WITHDRAWN:
        return enrolment_withdraw(enrolment=enrolment, by_user=by_user, reason="Heeft een baan gevonden")
    if status == S.STARTED:
        return enrolment_start(enrolment=enrolment, by_user=by_user, on_date=started_on)
    if status == S.COMPLETED:
        return enrolment_complete(enrolment=enrolment, by_user=by_user, on_date=ended_on)
    if status == S.DROPPED_OUT:
        return enrolment_drop_out(
            enrolment=enrolment,
            reason=dropout_reason or DropoutReason.HEALTH,
            note="Gestopt",
            by_user=by_user,
            on_date=ended_on,
        )
    return enrolment_transition(enrolment=enrolment, to_status=status, by_user=by_user, reason="Besproken")
