"""The life cycle of an enrolment: its statuses, the allowed steps, the named status sets and how to count them.

This is the one place that says which statuses mean "started", "the track is over" or "positive outflow". The
services, selectors, figures, views, the demo loader and the tests import these names; nothing else spells a
status list. What each figure counts is defined in DOMAIN.md ("The figures, defined once"); the sets below are
that table in code.

Lock order. Every service that locks more than one row locks them in this order, and only in this order, so two
services can never wait for each other:

    cohort  →  enrolment  →  placement  (→ seat offers of the placement's employer)

A service that needs the cohort (selecting, the reserve list, withdrawing) locks it before the enrolment; a
service that ends placements locks the enrolment before them.

Consequences. Leaving the track (completing, dropping out, withdrawing) has consequences in a higher layer: the
open placements of the enrolment end, and an accepted contract offer becomes the outcome. The higher layer
registers them here with `on_track_end` (employers.lifecycle does, from its AppConfig), and the services call
`track_end_consequences` inside their own transaction. This keeps the order of the apps (core ← pilots ←
candidates ← employers ← reports) and still lets one service carry every consequence of its action.
"""

from datetime import date
from typing import Any, Protocol

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.statemachine import Lifecycle


class EnrolmentStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    SCREENING_PLANNED = "screening_planned", _("Screening planned")
    SCREENED = "screened", _("Screened")
    SELECTED = "selected", _("Selected")
    RESERVE = "reserve", _("Reserve")
    NOT_SELECTED = "not_selected", _("Not selected")
    WITHDRAWN = "withdrawn", pgettext_lazy("enrolment status", "Withdrawn")
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    OUTFLOW = "outflow", _("Outflow")


S = EnrolmentStatus
ENROLMENT_LIFECYCLE = Lifecycle(
    EnrolmentStatus,
    {
        S.REGISTERED: {S.SCREENING_PLANNED, S.SCREENED, S.NOT_SELECTED},
        S.SCREENING_PLANNED: {S.SCREENED, S.REGISTERED, S.NOT_SELECTED},
        S.SCREENED: {S.SELECTED, S.RESERVE, S.NOT_SELECTED},
        # The reserve list is kept for a next round or a seat that comes free.
        S.RESERVE: {S.SELECTED, S.NOT_SELECTED},
        # Back to the reserve list corrects a selection; someone who leaves before the first day withdraws.
        S.SELECTED: {S.STARTED, S.RESERVE, S.WITHDRAWN},
        S.NOT_SELECTED: set(),
        S.WITHDRAWN: set(),
        S.STARTED: {S.COMPLETED, S.DROPPED_OUT},
        S.COMPLETED: {S.OUTFLOW},
        # Someone who leaves early for a job still flows out to work.
        S.DROPPED_OUT: {S.OUTFLOW},
        S.OUTFLOW: set(),
    },
)

# --- The named status sets ---------------------------------------------------------------------------------

# Every enrolment counts as registered ("aangemeld"), whatever became of it.
REGISTERED = frozenset(S.values)
# A screening can be planned and recorded in these.
SCREENABLE = frozenset({S.REGISTERED, S.SCREENING_PLANNED, S.SCREENED})
# The statuses a selection decision is taken in, and what can be carried over to a next round.
SELECTION = frozenset({S.SCREENED, S.SELECTED, S.RESERVE, S.NOT_SELECTED})
CARRY_OVER = frozenset({S.RESERVE, S.NOT_SELECTED})
# Given a seat at some point: also those who withdrew before the first day ("geselecteerd").
SELECTED_EVER = frozenset({S.SELECTED, S.WITHDRAWN, S.STARTED, S.COMPLETED, S.DROPPED_OUT, S.OUTFLOW})
# Holding one of the cohort's seats now. Withdrawing frees the seat; after the start it stays taken.
SEAT_HOLDING = SELECTED_EVER - {S.WITHDRAWN}
# Only reachable after a screening (not selected can also follow registration directly).
SCREENED_OR_LATER = frozenset({S.SCREENED, S.RESERVE}) | SELECTED_EVER
# Began the track ("gestart"), whatever happened after.
STARTED = frozenset({S.STARTED, S.COMPLETED, S.DROPPED_OUT, S.OUTFLOW})
# Following the track right now: attendance, results and internships are for them.
RUNNING = frozenset({S.STARTED})
# The track is over, one way or another: an outcome can be recorded.
TRACK_OVER = frozenset({S.COMPLETED, S.DROPPED_OUT, S.OUTFLOW})
# Selected but not started: someone here who leaves withdraws.
WAITING_FOR_START = frozenset({S.SELECTED})
# Statuses whose candidates are still in play for this cohort: their data is needed for a running track.
IN_PLAY = frozenset({S.SELECTED, S.STARTED})
# The statuses that need a reason from the person making the change.
REASON_REQUIRED = frozenset({S.NOT_SELECTED, S.WITHDRAWN, S.DROPPED_OUT})
# Leaving the track, in any of its ways, or going back to the reserve list: the consequences of on_track_end
# follow (a candidate is proposed to hosts only while selected or started, IN_PLAY).
LEAVING = frozenset({S.WITHDRAWN, S.COMPLETED, S.DROPPED_OUT, S.RESERVE})


class OutcomeKind(models.TextChoices):
    CONTRACT_AT_HOST = "contract_at_host", _("Contract at the host employer")
    JOB_ELSEWHERE = "job_elsewhere", _("Job elsewhere")
    BBL = "bbl", _("BBL work-study place")
    EDUCATION = "education", _("School without a job (BOL or other education)")
    VOLUNTEER = "volunteer", _("Volunteer work")
    NONE = "none", _("None")


# Outflow to work ("uitstroom: werk"): a contract at a host or a job elsewhere.
OUTFLOW_TO_WORK = frozenset({OutcomeKind.CONTRACT_AT_HOST, OutcomeKind.JOB_ELSEWHERE})
# Outflow to a work-study place ("uitstroom: BBL"): a contract plus school.
OUTFLOW_TO_BBL = frozenset({OutcomeKind.BBL})
# Outflow to education ("uitstroom: opleiding"): school without a job.
OUTFLOW_TO_EDUCATION = frozenset({OutcomeKind.EDUCATION})
# Positive outflow ("positieve uitstroom"): work, BBL or education. The three are mutually exclusive.
POSITIVE_OUTFLOW = OUTFLOW_TO_WORK | OUTFLOW_TO_BBL | OUTFLOW_TO_EDUCATION
# The outcomes that are a course of MBO and so name its level.
OUTCOMES_WITH_MBO_LEVEL = frozenset({OutcomeKind.BBL, OutcomeKind.EDUCATION})


# --- Expressions ---------------------------------------------------------------------------------------------
# Each takes the path to the enrolment ("" on Enrolment itself, "enrolment__" from an outcome, and so on), so that
# a count over another model says the same as a count over enrolments.


def status_in(statuses: frozenset[str], prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": sorted(statuses)})


def completed_q(prefix: str = "") -> Q:
    """Completed the whole track ("afgerond"), whether or not they flowed out since.

    A dropout keeps its reason after moving on to outflow; a completed track has none.
    """
    return Q(**{f"{prefix}status": S.COMPLETED}) | Q(**{f"{prefix}status": S.OUTFLOW, f"{prefix}dropout_reason": ""})


def dropped_out_q(prefix: str = "") -> Q:
    """Started and left before the end ("uitgevallen"), whether or not they flowed out since."""
    return Q(**{f"{prefix}status": S.DROPPED_OUT}) | (
        Q(**{f"{prefix}status": S.OUTFLOW}) & ~Q(**{f"{prefix}dropout_reason": ""})
    )


def outcome_in(kinds: frozenset[str], prefix: str = "") -> Q:
    """Enrolments whose outcome is one of kinds; prefix is the path to the enrolment."""
    return Q(**{f"{prefix}outcome__kind__in": sorted(kinds)})


class EnrolmentQuerySet(models.QuerySet):
    """The named sets as queryset methods: Enrolment.objects.started(), .track_over(), ..."""

    def screenable(self) -> "EnrolmentQuerySet":
        return self.filter(status_in(SCREENABLE))

    def selected_ever(self) -> "EnrolmentQuerySet":
        return self.filter(status_in(SELECTED_EVER))

    def seat_holding(self) -> "EnrolmentQuerySet":
        return self.filter(status_in(SEAT_HOLDING))

    def withdrawn(self) -> "EnrolmentQuerySet":
        return self.filter(status=S.WITHDRAWN)

    def not_selected(self) -> "EnrolmentQuerySet":
        return self.filter(status=S.NOT_SELECTED)

    def started(self) -> "EnrolmentQuerySet":
        return self.filter(status_in(STARTED))

    def running(self) -> "EnrolmentQuerySet":
        return self.filter(status_in(RUNNING))

    def track_over(self) -> "EnrolmentQuerySet":
        return self.filter(status_in(TRACK_OVER))

    def completed(self) -> "EnrolmentQuerySet":
        return self.filter(completed_q())

    def dropped_out(self) -> "EnrolmentQuerySet":
        return self.filter(dropped_out_q())

    def positive_outflow(self) -> "EnrolmentQuerySet":
        return self.filter(outcome_in(POSITIVE_OUTFLOW))

    def outflow_to_work(self) -> "EnrolmentQuerySet":
        return self.filter(outcome_in(OUTFLOW_TO_WORK))

    def outflow_to_bbl(self) -> "EnrolmentQuerySet":
        return self.filter(outcome_in(OUTFLOW_TO_BBL))

    def outflow_to_education(self) -> "EnrolmentQuerySet":
        return self.filter(outcome_in(OUTFLOW_TO_EDUCATION))


# --- Consequences of leaving the track -----------------------------------------------------------------------


class TrackEndHandler(Protocol):
    def __call__(self, *, enrolment: Any, to_status: str, by_user: Any, on_date: date) -> None: ...


_track_end_handlers: list[TrackEndHandler] = []


def on_track_end(handler: TrackEndHandler) -> TrackEndHandler:
    """Register a consequence of leaving the track (a status in LEAVING); registering twice has no effect."""
    if handler not in _track_end_handlers:
        _track_end_handlers.append(handler)
    return handler


def track_end_consequences(*, enrolment: Any, to_status: str, by_user: Any, on_date: date) -> None:
    """Carry out every registered consequence of the enrolment leaving the track, in the caller's transaction."""
    if to_status not in LEAVING:
        return
    for handler in list(_track_end_handlers):
        handler(enrolment=enrolment, to_status=to_status, by_user=by_user, on_date=on_date)
