"""The life cycle of a placement: its statuses, the allowed steps, the named status sets and the one capacity rule.

The one place that says which placements are open, which hold one of a host's places and which count as
"ever confirmed" in the evaluation. The services, selectors, figures, views and the demo loader import these.

Capacity: a host's places for a cohort are taken by its open placements (proposed, confirmed or running). A
proposal, a joint vacancy's distribution and a confirmation all ask the same question, `room_left`: proposing or
distributing needs a free place for every new proposal, confirming needs the placement to fit among the places
(it already takes one of them). So the adviser never proposes to a host that is full, and a host never confirms
beyond what it offered.

Consequences of the enrolment's life cycle (candidates.lifecycle): when an enrolment leaves the track its open
placements close in the same transaction, with history: an unanswered proposal is withdrawn, a confirmed or
running placement ends with the reason that fits how the track ended (`END_REASON_ON_TRACK_END`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from candidates.lifecycle import IN_PLAY, RUNNING, EnrolmentStatus
from core.statemachine import Lifecycle


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


P = PlacementStatus
PLACEMENT_LIFECYCLE = Lifecycle(
    PlacementStatus,
    {
        # A proposal is answered by the host, or withdrawn when the candidate leaves before the answer.
        P.PROPOSED: {P.CONFIRMED, P.DECLINED, P.WITHDRAWN},
        P.CONFIRMED: {P.ACTIVE, P.ENDED},
        P.DECLINED: set(),
        P.WITHDRAWN: set(),
        P.ACTIVE: {P.ENDED},
        P.ENDED: set(),
    },
)


class EndReason(models.TextChoices):
    # A placement that runs to its planned end needs a reason too, so the report can tell it from an early end.
    COMPLETED = "completed", _("Completed as planned")
    NOT_A_FIT = "not_a_fit", _("Not a fit")
    CANDIDATE_STOPPED = "candidate_stopped", _("The candidate stopped")
    EMPLOYER_STOPPED = "employer_stopped", _("The employer stopped")
    HEALTH = "health", _("Health")
    FOUND_OTHER_WORK = "found_other_work", _("Found other work")
    OTHER = "other", _("Other")


# Open: waiting for the host's answer, or holding a place. At most one per candidate and host.
OPEN = frozenset({P.PROPOSED, P.CONFIRMED, P.ACTIVE})
# Taking one of the host's offered places: the capacity rule counts these.
PLACE_TAKING = OPEN
# Confirmed by the host and not (yet) ended: the host's interns now.
PLACE_HOLDING = frozenset({P.CONFIRMED, P.ACTIVE})
# Confirmed by the host at some point, ended since included: "placed" in the evaluation, and a host can offer a
# contract to such a candidate.
EVER_CONFIRMED = frozenset({P.CONFIRMED, P.ACTIVE, P.ENDED})
# Closed when the enrolment leaves the track.
CLOSED_ON_TRACK_END = OPEN

# A candidate can be proposed from selection on: werkfit and groepshulp look for a host before the start.
PROPOSABLE_ENROLMENT_STATUSES = IN_PLAY
# An internship starts only for a candidate on the track.
STARTABLE_ENROLMENT_STATUSES = RUNNING

# How a confirmed or running placement ends when the track ends: by the enrolment's new status, and for a dropout
# by its reason where one fits better.
END_REASON_ON_TRACK_END = {
    EnrolmentStatus.COMPLETED: EndReason.COMPLETED,
    EnrolmentStatus.DROPPED_OUT: EndReason.CANDIDATE_STOPPED,
    EnrolmentStatus.WITHDRAWN: EndReason.CANDIDATE_STOPPED,
    # A selection corrected back to the reserve list: the placement ends with the note that says so.
    EnrolmentStatus.RESERVE: EndReason.OTHER,
}
END_REASON_ON_DROPOUT = {"found_work": EndReason.FOUND_OTHER_WORK, "health": EndReason.HEALTH}


def places_left(*, offered: int, taking: int) -> int:
    """The capacity rule in numbers: the places offered less those the open placements take (PLACE_TAKING)."""
    return max(offered - taking, 0)
