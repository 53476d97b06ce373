"""The evaluation figures of one or more pilots: the selector the dashboard, the PDF and the XLSX all render.

Everything here is counted in the database, a fixed number of queries whatever the number of candidates, and
returned as plain frozen dataclasses: counts of groups, never a model object or a person's name.
`pilot_evaluation` returns the raw figures; `public_figures` hides the small counts before anyone sees them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from candidates.models import (
    SEAT_HOLDING_STATUSES,
    WORK_OUTCOMES,
    DropoutReason,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    Outcome,
    OutcomeKind,
)
from employers.models import (
    OPEN_STATUSES,
    PLACE_HOLDING_STATUSES,
    ContractOffer,
    ContractOfferStatus,
    Employer,
    Placement,
    PlacementStatus,
    SeatOffer,
)
from pilots.models import Cohort, Pilot

S = EnrolmentStatus

# A count; None once it is suppressed because it is too small to show (see public_figures).
Figure = int | None

FUNNEL_STAGES = ("applied", "screened", "selected", "started", "completed", "outflow")
# The stage each stage's rate is taken over. Outflow is taken over started rather than completed: someone who
# leaves the track early for a job flows out too, so outflow is not a part of completed.
FUNNEL_BASE = {
    "screened": "applied",
    "selected": "screened",
    "started": "selected",
    "completed": "started",
    "outflow": "started",
}

# Statuses that can only be reached after a screening; not selected can also follow registration directly.
SCREENED_OR_LATER = frozenset({S.SCREENED, S.RESERVE, *SEAT_HOLDING_STATUSES})
STARTED_OR_LATER = frozenset({S.STARTED, S.COMPLETED, S.DROPPED_OUT, S.OUTFLOW})
# Within 10 percentage points below the target counts as close.
CLOSE_TO_TARGET_POINTS = 10

DEFINITIONS = {
    "period": _(
        "The report covers the cohorts of the chosen pilots that start within the period, first and last day "
        "included; without a period, all their cohorts."
    ),
    "applied": _("Applied: every candidate enrolled for a cohort, whatever became of the enrolment."),
    "screened": _(
        "Screened: candidates who had a screening, also those who were not selected afterwards, and everyone who "
        "got further than the screening."
    ),
    "selected": _(
        "Selected: candidates who hold a seat in the cohort (selected, started, completed, dropped out or flowed "
        "out). The reserve list is not counted."
    ),
    "started": _("Started: candidates who started the track, including those who dropped out later."),
    "completed": _("Completed: candidates who completed the whole track, whether or not they flowed out since."),
    "outflow": _(
        "Outflow to work: candidates whose outcome is a contract at the host employer, a job elsewhere, or BBL or "
        "other education, including those who left the track early for work."
    ),
    "funnel_rate": _(
        "Rate: the stage as a percentage of the stage before it; outflow as a percentage of those who started."
    ),
    "outflow_to_work": _(
        "Outflow to work %: outflow to work as a percentage of those who started, to one decimal, against the "
        "pilot's target."
    ),
    "target_status": _(
        "Target met at or above the target; close within 10 percentage points below it; otherwise not met. Where "
        "the pilots of a report have different targets, the total has none and each cohort is held to its own."
    ),
    "outflow_by_kind": _("Outflow by kind: the recorded outcomes of the enrolments, per kind of outcome."),
    "dropout_by_reason": _(
        "Dropout by reason: candidates who left the track early, per reason, and how many of them flowed out to "
        "work all the same (such as those who found work elsewhere)."
    ),
    "employer_offered": _("Places offered: the places the host employer offered the cohorts."),
    "employer_proposed": _("Proposed: candidates proposed to the host employer who have no answer yet."),
    "employer_confirmed": _("Confirmed: placements the host employer confirmed, or that are running."),
    "employer_contracts": _("Contracts: contract offers of the host employer that the candidate accepted."),
    "cohorts": _("Cohorts side by side: the same funnel and outflow to work for each cohort on its own."),
    "suppressed": _(
        "So that no one can be recognised, a count of one up to the report threshold is not shown, nor any "
        "percentage computed from such a count. Places offered are not about people and are always shown."
    ),
}


class TargetStatus(models.TextChoices):
    MET = "met", _("Target met")
    CLOSE = "close", _("Close to the target")
    NOT_MET = "not_met", _("Target not met")


@dataclass(frozen=True)
class FunnelStage:
    key: str  # one of FUNNEL_STAGES; its definition is DEFINITIONS[key]
    count: Figure
    base: Figure  # the count of the stage the rate is taken over; None for the first stage
    rate: float | None  # count / base × 100, to one decimal


@dataclass(frozen=True)
class OutflowToWork:
    to_work: Figure
    started: Figure
    percentage: float | None
    target: int | None  # the pilot's target outflow percentage
    status: str | None  # a TargetStatus value


@dataclass(frozen=True)
class KeyFigures:
    """The figures that are shown for the whole report and for each cohort side by side."""

    funnel: tuple[FunnelStage, ...]
    outflow_to_work: OutflowToWork

    def stage(self, key: str) -> FunnelStage:
        return next(stage for stage in self.funnel if stage.key == key)


@dataclass(frozen=True)
class CohortFigures:
    pilot_name: str
    name: str
    start_date: date
    figures: KeyFigures


@dataclass(frozen=True)
class KindCount:
    kind: str  # an OutcomeKind value
    label: str
    count: Figure


@dataclass(frozen=True)
class DropoutFigure:
    reason: str  # a DropoutReason value
    label: str
    count: Figure
    to_work: Figure


@dataclass(frozen=True)
class EmployerFigures:
    name: str
    offered: int
    proposed: Figure
    confirmed: Figure
    contracts: Figure


@dataclass(frozen=True)
class Evaluation:
    pilot_names: tuple[str, ...]
    period_start: date | None
    period_end: date | None
    total: KeyFigures
    outflow_by_kind: tuple[KindCount, ...]
    dropout_by_reason: tuple[DropoutFigure, ...]
    employers: tuple[EmployerFigures, ...]
    cohorts: tuple[CohortFigures, ...]


def rate(count: Figure, base: Figure) -> float | None:
    """count / base × 100 to one decimal; None when either is unknown or there is nothing to divide by."""
    if count is None or not base:
        return None
    return round(100 * count / base, 1)


def target_status(percentage: float | None, target: int | None) -> str | None:
    if percentage is None or target is None:
        return None
    if percentage >= target:
        return TargetStatus.MET
    if percentage >= target - CLOSE_TO_TARGET_POINTS:
        return TargetStatus.CLOSE
    return TargetStatus.NOT_MET


def _key_figures(counts: dict[str, int], *, target: int | None) -> KeyFigures:
    funnel = tuple(
        FunnelStage(
            key=key,
            count=counts[key],
            base=counts[FUNNEL_BASE[key]] if key in FUNNEL_BASE else None,
            rate=rate(counts[key], counts[FUNNEL_BASE[key]]) if key in FUNNEL_BASE else None,
        )
        for key in FUNNEL_STAGES
    )
    percentage = rate(counts["outflow"], counts["started"])
    outflow = OutflowToWork(
        to_work=counts["outflow"],
        started=counts["started"],
        percentage=percentage,
        target=target,
        status=target_status(percentage, target),
    )
    return KeyFigures(funnel=funnel, outflow_to_work=outflow)


def _cohorts(
    *,
    pilots: Iterable[Pilot] | QuerySet[Pilot],
    cohorts: Iterable[Cohort] | QuerySet[Cohort] | None,
    period_start: date | None,
    period_end: date | None,
) -> list[Cohort]:
    selected = Cohort.objects.filter(pilot__in=pilots).select_related("pilot")
    if cohorts is not None:
        selected = selected.filter(pk__in=[cohort.pk for cohort in cohorts])
    if period_start is not None:
        selected = selected.filter(start_date__gte=period_start)
    if period_end is not None:
        selected = selected.filter(start_date__lte=period_end)
    return list(selected.order_by("start_date", "pilot__name", "name", "pk"))


def _funnel_counts(cohort_ids: list[int]) -> dict[int, dict[str, int]]:
    """The funnel counts per cohort id, in one query."""
    had_screening = Exists(EnrolmentTransition.objects.filter(enrolment=OuterRef("pk"), to_status=S.SCREENED))
    # A dropout keeps its reason after moving on to outflow; a completed track has none.
    completed = Q(status=S.COMPLETED) | Q(status=S.OUTFLOW, dropout_reason="")
    rows = (
        Enrolment.objects.filter(cohort_id__in=cohort_ids)
        .order_by()
        .values("cohort_id")
        .annotate(
            applied=Count("pk"),
            # The history shows a screening that was followed by "not selected"; the status covers the rest, also
            # enrolments written straight into a later status without a history.
            screened=Count("pk", filter=had_screening | Q(status__in=SCREENED_OR_LATER)),
            selected=Count("pk", filter=Q(status__in=SEAT_HOLDING_STATUSES)),
            started=Count("pk", filter=Q(status__in=STARTED_OR_LATER)),
            completed=Count("pk", filter=completed),
            outflow=Count("pk", filter=Q(outcome__kind__in=WORK_OUTCOMES)),
        )
        .values_list("cohort_id", *FUNNEL_STAGES)
    )
    return {cohort_id: dict(zip(FUNNEL_STAGES, counts, strict=True)) for cohort_id, *counts in rows}


def _outflow_by_kind(cohort_ids: list[int]) -> tuple[KindCount, ...]:
    counts = dict(
        Outcome.objects.filter(enrolment__cohort_id__in=cohort_ids)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return tuple(
        KindCount(kind=kind.value, label=str(kind.label), count=counts.get(kind.value, 0)) for kind in OutcomeKind
    )


def _dropout_by_reason(cohort_ids: list[int]) -> tuple[DropoutFigure, ...]:
    rows = {
        row["dropout_reason"]: row
        for row in Enrolment.objects.filter(cohort_id__in=cohort_ids)
        .exclude(dropout_reason="")
        .order_by()
        .values("dropout_reason")
        .annotate(n=Count("pk"), to_work=Count("pk", filter=Q(outcome__kind__in=WORK_OUTCOMES)))
    }
    return tuple(
        DropoutFigure(
            reason=reason.value,
            label=str(reason.label),
            count=rows[reason.value]["n"] if reason.value in rows else 0,
            to_work=rows[reason.value]["to_work"] if reason.value in rows else 0,
        )
        for reason in DropoutReason
    )


def _per_employer(queryset: QuerySet, *, total=None) -> Coalesce:
    """A correlated subquery counting (or summing) the rows of one employer; 0 when there are none."""
    values = queryset.filter(employer_id=OuterRef("pk")).order_by().values("employer_id")
    aggregate = values.annotate(result=total if total is not None else Count("pk")).values("result")
    return Coalesce(Subquery(aggregate, output_field=IntegerField()), 0)


def _employers(cohort_ids: list[int]) -> tuple[EmployerFigures, ...]:
    """The host employers involved in the cohorts, with their places summed over the cohorts; one query.

    Involved as in employers.selectors.cohort_places: places offered, an open proposal or placement, or an
    accepted contract offer. Counted over all cohorts at once rather than cohort by cohort, so the number of
    queries does not grow with the number of cohorts either.
    """
    offers = SeatOffer.objects.filter(cohort_id__in=cohort_ids)
    placements = Placement.objects.filter(enrolment__cohort_id__in=cohort_ids)
    contracts = ContractOffer.objects.filter(enrolment__cohort_id__in=cohort_ids, status=ContractOfferStatus.ACCEPTED)
    involved = (
        Q(pk__in=offers.values("employer_id"))
        | Q(pk__in=placements.filter(status__in=OPEN_STATUSES).values("employer_id"))
        | Q(pk__in=contracts.values("employer_id"))
    )
    rows = (
        Employer.objects.filter(involved)
        .annotate(
            places_offered=_per_employer(offers, total=Sum("places")),
            places_proposed=_per_employer(placements.filter(status=PlacementStatus.PROPOSED)),
            places_confirmed=_per_employer(placements.filter(status__in=PLACE_HOLDING_STATUSES)),
            contracts_accepted=_per_employer(contracts),
        )
        .order_by("organisation__name", "pk")
        .values_list(
            "organisation__name", "places_offered", "places_proposed", "places_confirmed", "contracts_accepted"
        )
    )
    return tuple(
        EmployerFigures(name=name, offered=offered, proposed=proposed, confirmed=confirmed, contracts=accepted)
        for name, offered, proposed, confirmed, accepted in rows
    )


def pilot_evaluation(
    *,
    pilots: Iterable[Pilot] | QuerySet[Pilot],
    cohorts: Iterable[Cohort] | QuerySet[Cohort] | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
) -> Evaluation:
    """The raw evaluation figures of the pilots' cohorts, in five queries whatever the number of candidates.

    The cohorts counted are those of the pilots, narrowed to `cohorts` when given, that start within the period
    (start_date from period_start up to and including period_end; either bound may be left open). The figures
    are raw: pass them through public_figures before showing them to anyone.
    """
    selected = _cohorts(pilots=pilots, cohorts=cohorts, period_start=period_start, period_end=period_end)
    cohort_ids = [cohort.pk for cohort in selected]
    per_cohort = _funnel_counts(cohort_ids)
    empty = dict.fromkeys(FUNNEL_STAGES, 0)
    totals = {key: sum(per_cohort.get(pk, empty)[key] for pk in cohort_ids) for key in FUNNEL_STAGES}
    targets = {cohort.pilot.target_outflow_percentage for cohort in selected}
    pilot_names = tuple(dict.fromkeys(cohort.pilot.name for cohort in selected))
    return Evaluation(
        pilot_names=pilot_names,
        period_start=period_start,
        period_end=period_end,
        # Pilots with different targets share no single target; each cohort is held to its own pilot's.
        total=_key_figures(totals, target=targets.pop() if len(targets) == 1 else None),
        outflow_by_kind=_outflow_by_kind(cohort_ids),
        dropout_by_reason=_dropout_by_reason(cohort_ids),
        employers=_employers(cohort_ids),
        cohorts=tuple(
            CohortFigures(
                pilot_name=cohort.pilot.name,
                name=cohort.name,
                start_date=cohort.start_date,
                figures=_key_figures(per_cohort.get(cohort.pk, empty), target=cohort.pilot.target_outflow_percentage),
            )
            for cohort in selected
        ),
    )


# --- What may be shown ------------------------------------------------------------------------------------


def suppress(count: Figure, threshold: int | None = None) -> Figure:
    """None for a count from 1 up to (not including) the threshold, so that no one can be recognised in it.

    Zero is shown: it points at no one. The threshold defaults to settings.REPORT_SMALL_COUNT_THRESHOLD.
    """
    if threshold is None:
        threshold = settings.REPORT_SMALL_COUNT_THRESHOLD
    if count is None or 0 < count < threshold:
        return None
    return count


def _public_key_figures(figures: KeyFigures, threshold: int) -> KeyFigures:
    funnel = tuple(
        replace(
            stage,
            count=suppress(stage.count, threshold),
            base=suppress(stage.base, threshold) if stage.base is not None else None,
            # A rate would give a hidden count away again, whether the hidden count is above or below the line.
            rate=stage.rate
            if suppress(stage.count, threshold) is not None and suppress(stage.base, threshold) is not None
            else None,
        )
        for stage in figures.funnel
    )
    outflow = figures.outflow_to_work
    to_work, started = suppress(outflow.to_work, threshold), suppress(outflow.started, threshold)
    shown = to_work is not None and started is not None
    return KeyFigures(
        funnel=funnel,
        outflow_to_work=replace(
            outflow,
            to_work=to_work,
            started=started,
            percentage=outflow.percentage if shown else None,
            status=outflow.status if shown else None,
        ),
    )


def public_figures(figures: Evaluation) -> Evaluation:
    """The evaluation as it may be shown: small counts suppressed, and the rates computed from them hidden."""
    threshold = settings.REPORT_SMALL_COUNT_THRESHOLD
    return replace(
        figures,
        total=_public_key_figures(figures.total, threshold),
        outflow_by_kind=tuple(replace(kind, count=suppress(kind.count, threshold)) for kind in figures.outflow_by_kind),
        dropout_by_reason=tuple(
            replace(dropout, count=suppress(dropout.count, threshold), to_work=suppress(dropout.to_work, threshold))
            for dropout in figures.dropout_by_reason
        ),
        employers=tuple(
            replace(
                employer,
                proposed=suppress(employer.proposed, threshold),
                confirmed=suppress(employer.confirmed, threshold),
                contracts=suppress(employer.contracts, threshold),
            )
            for employer in figures.employers
        ),
        cohorts=tuple(
            replace(cohort, figures=_public_key_figures(cohort.figures, threshold)) for cohort in figures.cohorts
        ),
    )
