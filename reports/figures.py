"""The evaluation figures of one or more pilots: the selector the dashboard, the PDF and the XLSX all render.

Everything here is counted in the database, a fixed number of queries whatever the number of candidates, and
returned as plain frozen dataclasses: counts of groups, never a model object or a person's name.
`pilot_evaluation` returns the raw figures; `public_figures` hides the small counts before anyone sees them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from statistics import median

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidates.completeness import CHECKED_FIELDS, group_completeness
from candidates.lifecycle import (
    POSITIVE_OUTFLOW,
    SCREENED_OR_LATER,
    SELECTED_EVER,
    STARTED,
    TRACK_OVER,
    completed_q,
    outcome_in,
    status_in,
)
from candidates.models import (
    Attendance,
    AttendanceStatus,
    BarrierKind,
    Candidate,
    CandidateBarrier,
    Certificate,
    DropoutReason,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    FollowUp,
    FollowUpMonths,
    ModuleResult,
    ModuleResultStatus,
    Outcome,
    OutcomeKind,
)
from candidates.progress_selectors import AttendanceRate, counting_certificates, followup_results
from employers.lifecycle import EVER_CONFIRMED, OPEN, EndReason
from employers.models import (
    Employer,
    Placement,
    PlacementStatus,
    SeatOffer,
)
from employers.selectors import count_per_employer
from pilots.models import Cohort, CohortModule, Organisation, Pilot

S = EnrolmentStatus

# A count; None once it is suppressed because it is too small to show (see public_figures).
Figure = int | None

FUNNEL_STAGES = ("applied", "screened", "selected", "started", "completed", "outflow")
FUNNEL_LABELS = {
    "applied": _("Applied"),
    "screened": _("Screened"),
    "selected": _("Selected"),
    "started": _("Started"),
    "completed": _("Completed"),
    "outflow": _("Outflow to work"),
}
# The stage each stage's rate is taken over. Outflow is taken over started rather than completed: someone who
# leaves the track early for a job flows out too, so outflow is not a part of completed.
FUNNEL_BASE = {
    "screened": "applied",
    "selected": "screened",
    "started": "selected",
    "completed": "started",
    "outflow": "started",
}

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
        "Selected: candidates who were given a seat in the cohort, including those who withdrew before the first "
        "day. The reserve list is not counted."
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
    "employer_confirmed": _(
        "Placed: candidates the host employer confirmed at some point, also those whose placement has ended since."
    ),
    "employer_ended_early": _(
        "Ended early: of those placed, the placements that ended before their planned end (any reason but "
        "“completed as planned”), also when the candidate left the track."
    ),
    "employer_contracts": _("Contracts: candidates whose outcome is a contract at this host employer."),
    "cohorts": _("Cohorts side by side: the same funnel and outflow to work for each cohort on its own."),
    "barriers": _(
        "Barriers met: per kind of barrier, the candidates who started the track and have that barrier recorded, "
        "whether or not it has been resolved since. A candidate with several barriers counts once for each."
    ),
    "modules": _(
        "Module completion: per module of the cohorts' learning lines (modules of the same name taken together), "
        "the results passed out of all results recorded, in progress, not passed and exempt included."
    ),
    "module_certificates": _(
        "Certificates issued: per module, the certificates that count as a result: a unit certificate always, a "
        "certificate of a module of the whole track once the track was completed. The total also counts the "
        "certificates recorded without a module."
    ),
    "attendance": _(
        "Attendance: present as a percentage of the marked sessions of all candidates of the cohorts, to one "
        "decimal. Sick and absent with notice count as absences; a session without a mark is not counted."
    ),
    "followup": _(
        "Follow-up at 3, 6 and 12 months after outflow: due are the checks whose due date has been reached on the "
        "day of the report; answered those of them with an answer recorded; still working those answered with "
        "still working. The completeness of the records counts follow-ups the same way."
    ),
    "days_to_placement": _(
        "Days to placement: the median number of days from the day a candidate started the track to the first "
        "day of their first placement the host employer confirmed (confirmed, running or ended since), over the "
        "started candidates who have one with a start date. It is negative when the placement began before the "
        "track."
    ),
    "days_to_outflow": _(
        "Days to outflow: the median number of days from the day a candidate started the track to the start date "
        "of their work or education, over the candidates who flowed out to work with a start date recorded."
    ),
    "pilots": _(
        "Pilots side by side: the same funnel and outflow to work for each pilot on its own, over its cohorts "
        "within the period, each held to its own target."
    ),
    "partners": _(
        "Partners: the organisations that lead the pilots or take part in them as a partner, such as the "
        "municipality, the college and the host employers."
    ),
    "completeness": _(
        "Completeness of the records: for each check, the records that have what the figures need out of all "
        "records the check applies to, as a percentage to one decimal. Gaps make the figures above lower than "
        "they really are."
    ),
    "completeness_consent": _(
        "Consent recorded: candidates enrolled in the cohorts whose consent is recorded. Candidates whose data "
        "has been erased are not counted."
    ),
    "completeness_record": _(
        "Candidate record complete: candidates enrolled in the cohorts whose record has everything a selection "
        "needs (date of birth, e-mail or phone, postcode, highest education, the four language levels, "
        "available days and consent). Candidates whose data has been erased are not counted."
    ),
    "completeness_started_on": _(
        "Start date recorded: candidates who started the track with the day they started recorded; the median "
        "days are taken over these only."
    ),
    "completeness_attendance": _(
        "Attendance marked: candidates who started the track with at least one session marked."
    ),
    "completeness_module_results": _(
        "Module results recorded: candidates who completed the whole track with at least one module result recorded."
    ),
    "completeness_outcome": _(
        "Outcome recorded: candidates whose track is over (completed, dropped out or flowed out) with an outcome "
        "recorded; without one they count neither in outflow by kind nor in outflow to work."
    ),
    "completeness_outcome_start": _(
        "Start of work recorded: outcomes of outflow to work with the start date of the work or education recorded."
    ),
    "completeness_followup": _(
        "Follow-up answered: follow-up checks at 3, 6 and 12 months whose due date has been reached on the day of "
        "the report, with an answer recorded."
    ),
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

    @property
    def label(self) -> str:
        return str(FUNNEL_LABELS[self.key])


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
    proposed: Figure  # open proposals, not answered yet
    confirmed: Figure  # candidates ever confirmed at the host, ended placements included
    ended_early: Figure  # of those, placements that ended before their planned end
    contracts: Figure  # outcomes: a contract at this host


@dataclass(frozen=True)
class BarrierCount:
    kind: str  # a BarrierKind value
    label: str
    count: Figure


@dataclass(frozen=True)
class ModuleFigure:
    name: str  # the cohort module's name; modules of the same name in several cohorts are taken together
    results: Figure  # results recorded
    passed: Figure
    rate: float | None  # passed / results × 100, to one decimal
    certificates: Figure  # certificates that count as a result (see counting_certificates)


@dataclass(frozen=True)
class AttendanceFigure:
    present: Figure
    marked: Figure
    percentage: float | None  # present / marked × 100, to one decimal, as AttendanceRate.percentage


@dataclass(frozen=True)
class FollowUpFigure:
    months: int  # 3, 6 or 12
    due: Figure
    answered: Figure
    still_working: Figure

    @property
    def label(self) -> str:
        return str(FollowUpMonths(self.months).label)


@dataclass(frozen=True)
class MedianDays:
    days: float | None  # the median number of days; None without any candidate to take it over
    count: Figure  # the number of candidates it is taken over


@dataclass(frozen=True)
class PilotFigures:
    name: str
    region: str
    figures: KeyFigures


@dataclass(frozen=True)
class CompletenessFigure:
    key: str  # one of COMPLETENESS_CHECKS; its definition is DEFINITIONS["completeness_" + key]
    label: str
    complete: Figure  # the records that have what the check asks
    total: Figure  # the records the check applies to
    rate: float | None  # complete / total × 100, to one decimal


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
    barriers: tuple[BarrierCount, ...]
    modules: tuple[ModuleFigure, ...]
    certificates_issued: Figure  # all certificates that count as a result, with or without a module
    attendance: AttendanceFigure
    followups: tuple[FollowUpFigure, ...]
    days_to_placement: MedianDays
    days_to_outflow: MedianDays
    completeness: tuple[CompletenessFigure, ...]
    pilots: tuple[PilotFigures, ...]  # every chosen pilot, also one without cohorts in the period
    region_names: tuple[str, ...]  # the regions of the chosen pilots
    partner_names: tuple[str, ...]  # the organisations that lead the chosen pilots or are partners in them
    public: bool = False  # set by public_figures once the small counts are suppressed


COMPLETENESS_CHECKS = {
    "consent": _("Consent recorded"),
    "record": _("Candidate record complete"),
    "started_on": _("Start date recorded"),
    "attendance": _("Attendance marked"),
    "module_results": _("Module results recorded"),
    "outcome": _("Outcome recorded"),
    "outcome_start": _("Start of work recorded"),
    "followup": _("Follow-up answered"),
}


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
    completed = completed_q()
    rows = (
        Enrolment.objects.filter(cohort_id__in=cohort_ids)
        .order_by()
        .values("cohort_id")
        .annotate(
            applied=Count("pk"),
            # The history shows a screening that was followed by "not selected"; the status covers the rest, also
            # enrolments written straight into a later status without a history.
            screened=Count("pk", filter=had_screening | status_in(SCREENED_OR_LATER)),
            selected=Count("pk", filter=status_in(SELECTED_EVER)),
            started=Count("pk", filter=status_in(STARTED)),
            completed=Count("pk", filter=completed),
            outflow=Count("pk", filter=outcome_in(POSITIVE_OUTFLOW)),
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
        .annotate(n=Count("pk"), to_work=Count("pk", filter=Q(outcome__kind__in=POSITIVE_OUTFLOW)))
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


def _employers(cohort_ids: list[int]) -> tuple[EmployerFigures, ...]:
    """The host employers involved in the cohorts, with their places summed over the cohorts; one query.

    Involved: places offered, a proposal or placement that is open or was ever confirmed, or a contract as the
    outcome. Placed counts the candidates ever confirmed at the host, ended placements included; contracts come
    from the outcomes (DOMAIN.md). Counted over all cohorts at once rather than cohort by cohort, so the number of
    queries does not grow with the number of cohorts either.
    """
    offers = SeatOffer.objects.filter(cohort_id__in=cohort_ids)
    placements = Placement.objects.filter(enrolment__cohort_id__in=cohort_ids)
    placed = placements.filter(status__in=EVER_CONFIRMED)
    contracts = Outcome.objects.filter(enrolment__cohort_id__in=cohort_ids, kind=OutcomeKind.CONTRACT_AT_HOST)
    involved = (
        Q(pk__in=offers.values("employer_id"))
        | Q(pk__in=placements.filter(status__in=OPEN | EVER_CONFIRMED).values("employer_id"))
        | Q(pk__in=contracts.values("employer_id"))
    )
    rows = (
        Employer.objects.filter(involved)
        .annotate(
            places_offered=count_per_employer(offers, total=Sum("places")),
            places_proposed=count_per_employer(placements.filter(status=PlacementStatus.PROPOSED)),
            candidates_placed=count_per_employer(placed, total=Count("enrolment_id", distinct=True)),
            ended_early=count_per_employer(
                placed.filter(status=PlacementStatus.ENDED).exclude(end_reason=EndReason.COMPLETED),
                total=Count("enrolment_id", distinct=True),
            ),
            contracts_at_host=count_per_employer(contracts),
        )
        .order_by("organisation__name", "pk")
        .values_list(
            "organisation__name",
            "places_offered",
            "places_proposed",
            "candidates_placed",
            "ended_early",
            "contracts_at_host",
        )
    )
    return tuple(
        EmployerFigures(
            name=name, offered=offered, proposed=proposed, confirmed=placed, ended_early=ended, contracts=contracts
        )
        for name, offered, proposed, placed, ended, contracts in rows
    )


def _barriers(cohort_ids: list[int]) -> tuple[BarrierCount, ...]:
    """Per barrier kind, the distinct candidates who started in one of the cohorts and have that barrier."""
    counts = dict(
        CandidateBarrier.objects.filter(
            status_in(STARTED, prefix="candidate__enrolments__"), candidate__enrolments__cohort_id__in=cohort_ids
        )
        .order_by()
        .values("kind")
        .annotate(n=Count("candidate_id", distinct=True))
        .values_list("kind", "n")
    )
    return tuple(
        BarrierCount(kind=kind.value, label=str(kind.label), count=counts.get(kind.value, 0)) for kind in BarrierKind
    )


def _modules(cohort_ids: list[int]) -> tuple[tuple[ModuleFigure, ...], int]:
    """Per module name the results and the counting certificates, and the total of certificates; two queries."""
    rows = (
        CohortModule.objects.filter(cohort_id__in=cohort_ids)
        .order_by()
        .values("name")
        .annotate(
            first_position=Min("position"),
            results_recorded=Count("results", distinct=True),
            results_passed=Count("results", filter=Q(results__status=ModuleResultStatus.PASSED), distinct=True),
        )
        .order_by("first_position", "name")
        .values_list("name", "results_recorded", "results_passed")
    )
    certificates = dict(
        Certificate.objects.filter(counting_certificates(), enrolment__cohort_id__in=cohort_ids)
        .order_by()
        .values("cohort_module__name")
        .annotate(n=Count("pk"))
        .values_list("cohort_module__name", "n")
    )
    modules = tuple(
        ModuleFigure(
            name=name,
            results=recorded,
            passed=passed,
            rate=rate(passed, recorded),
            certificates=certificates.get(name, 0),
        )
        for name, recorded, passed in rows
    )
    return modules, sum(certificates.values())


def _attendance(cohort_ids: list[int]) -> AttendanceFigure:
    """Present over marked sessions of the cohorts, as in candidates.progress_selectors; one query."""
    counts = Attendance.objects.filter(session__cohort_id__in=cohort_ids).aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in AttendanceStatus.values}
    )
    marks = AttendanceRate(**{status: counts[status] or 0 for status in AttendanceStatus.values})
    return AttendanceFigure(present=marks.present, marked=marks.marked, percentage=marks.percentage)


def _median_days(days: list[int]) -> MedianDays:
    return MedianDays(days=float(median(days)) if days else None, count=len(days))


def _days_to(cohort_ids: list[int]) -> tuple[MedianDays, MedianDays]:
    """Median days from the start to the first confirmed placement and to outflow to work; one query."""
    rows = (
        Enrolment.objects.filter(status_in(STARTED), cohort_id__in=cohort_ids, started_on__isnull=False)
        .annotate(first_placement=Min("placements__start_date", filter=Q(placements__status__in=EVER_CONFIRMED)))
        .order_by()
        .values_list("started_on", "first_placement", "outcome__kind", "outcome__start_date")
    )
    to_placement: list[int] = []
    to_outflow: list[int] = []
    for started_on, first_placement, outcome_kind, outcome_start in rows:
        if started_on is None:  # the filter already excludes these; the type does not know
            continue
        if first_placement is not None:
            to_placement.append((first_placement - started_on).days)
        if outcome_kind in POSITIVE_OUTFLOW and outcome_start is not None:
            to_outflow.append((outcome_start - started_on).days)
    return _median_days(to_placement), _median_days(to_outflow)


def _completeness(cohort_ids: list[int], *, today: date) -> tuple[CompletenessFigure, ...]:
    """How complete the records behind the figures are; three queries (candidates, enrolments, follow-ups).

    The candidate checks reuse candidates.completeness, the same check advisers see per candidate. Its rows grow
    with the candidates, its number of queries does not.
    """
    candidates = (
        Candidate.objects.filter(enrolments__cohort_id__in=cohort_ids, anonymised_at__isnull=True)
        .distinct()
        .order_by()
        .only(*CHECKED_FIELDS)
    )
    records = group_completeness(candidates)
    started = status_in(STARTED)
    completed = completed_q()
    ended = status_in(TRACK_OVER)
    to_work = outcome_in(POSITIVE_OUTFLOW)
    # Exists rather than joins, so that an enrolment with many marks or results still counts once.
    marked = Exists(Attendance.objects.filter(enrolment=OuterRef("pk")))
    has_results = Exists(ModuleResult.objects.filter(enrolment=OuterRef("pk")))
    enrolments = Enrolment.objects.filter(cohort_id__in=cohort_ids).aggregate(
        started=Count("pk", filter=started),
        with_start=Count("pk", filter=started & Q(started_on__isnull=False)),
        with_marks=Count("pk", filter=started & Q(marked)),
        completed=Count("pk", filter=completed),
        with_results=Count("pk", filter=completed & Q(has_results)),
        ended=Count("pk", filter=ended),
        with_outcome=Count("pk", filter=ended & Q(outcome__isnull=False)),
        work=Count("pk", filter=to_work),
        with_work_start=Count("pk", filter=to_work & Q(outcome__start_date__isnull=False)),
    )
    followups = FollowUp.objects.filter(outcome__enrolment__cohort_id__in=cohort_ids, due_on__lte=today).aggregate(
        due=Count("pk"), answered=Count("pk", filter=Q(answered_on__isnull=False))
    )
    counts = {
        "consent": (records.candidates - records.missing_by_requirement["consent"], records.candidates),
        "record": (records.complete, records.candidates),
        "started_on": (enrolments["with_start"], enrolments["started"]),
        "attendance": (enrolments["with_marks"], enrolments["started"]),
        "module_results": (enrolments["with_results"], enrolments["completed"]),
        "outcome": (enrolments["with_outcome"], enrolments["ended"]),
        "outcome_start": (enrolments["with_work_start"], enrolments["work"]),
        "followup": (followups["answered"], followups["due"]),
    }
    return tuple(
        CompletenessFigure(key=key, label=str(label), complete=complete, total=total, rate=rate(complete, total))
        for key, label in COMPLETENESS_CHECKS.items()
        for complete, total in [counts[key]]
    )


def _chosen_pilots(pilots: Iterable[Pilot] | QuerySet[Pilot]) -> list[Pilot]:
    """The chosen pilots with their regions, in one query, also those without a cohort in the period."""
    if isinstance(pilots, QuerySet):
        chosen = Pilot.objects.filter(pk__in=pilots.values_list("pk", flat=True))
    else:
        chosen = Pilot.objects.filter(pk__in=[pilot.pk for pilot in pilots])
    return list(chosen.select_related("region").order_by("name", "pk"))


def _partner_names(pilot_ids: list[int]) -> tuple[str, ...]:
    """The organisations that lead the pilots or are partners in them; one query. Organisations, never people."""
    names = (
        Organisation.objects.filter(Q(led_pilots__in=pilot_ids) | Q(partnerships__pilot_id__in=pilot_ids))
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )
    return tuple(names)


def _per_pilot(
    chosen: list[Pilot], selected: list[Cohort], per_cohort: dict[int, dict[str, int]]
) -> tuple[PilotFigures, ...]:
    """Each pilot's key figures, summed from the funnel counts per cohort: no query of its own."""
    empty = dict.fromkeys(FUNNEL_STAGES, 0)
    figures = []
    for pilot in chosen:
        cohort_ids = [cohort.pk for cohort in selected if cohort.pilot_id == pilot.pk]
        counts = {key: sum(per_cohort.get(pk, empty)[key] for pk in cohort_ids) for key in FUNNEL_STAGES}
        figures.append(
            PilotFigures(
                name=pilot.name,
                region=pilot.region.name,
                figures=_key_figures(counts, target=pilot.target_outflow_percentage),
            )
        )
    return tuple(figures)


def pilot_evaluation(
    *,
    pilots: Iterable[Pilot] | QuerySet[Pilot],
    cohorts: Iterable[Cohort] | QuerySet[Cohort] | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    today: date | None = None,
) -> Evaluation:
    """The raw evaluation figures of the pilots' cohorts, in sixteen queries whatever the number of candidates.

    The cohorts counted are those of the pilots, narrowed to `cohorts` when given, that start within the period
    (start_date from period_start up to and including period_end; either bound may be left open). The
    follow-ups due are those due by `today` (by default the current date). The figures are raw: pass them
    through public_figures before showing them to anyone.
    """
    today = today or timezone.localdate()
    chosen = _chosen_pilots(pilots)
    selected = _cohorts(pilots=chosen, cohorts=cohorts, period_start=period_start, period_end=period_end)
    cohort_ids = [cohort.pk for cohort in selected]
    per_cohort = _funnel_counts(cohort_ids)
    empty = dict.fromkeys(FUNNEL_STAGES, 0)
    totals = {key: sum(per_cohort.get(pk, empty)[key] for pk in cohort_ids) for key in FUNNEL_STAGES}
    targets = {cohort.pilot.target_outflow_percentage for cohort in selected}
    pilot_names = tuple(dict.fromkeys(cohort.pilot.name for cohort in selected))
    modules, certificates_issued = _modules(cohort_ids)
    days_to_placement, days_to_outflow = _days_to(cohort_ids)
    followups = followup_results(cohorts=selected, today=today)
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
        barriers=_barriers(cohort_ids),
        modules=modules,
        certificates_issued=certificates_issued,
        attendance=_attendance(cohort_ids),
        followups=tuple(
            FollowUpFigure(
                months=result.months, due=result.due, answered=result.answered, still_working=result.still_working
            )
            for result in followups
        ),
        days_to_placement=days_to_placement,
        days_to_outflow=days_to_outflow,
        completeness=_completeness(cohort_ids, today=today),
        pilots=_per_pilot(chosen, selected, per_cohort),
        region_names=tuple(sorted({pilot.region.name for pilot in chosen})),
        partner_names=_partner_names([pilot.pk for pilot in chosen]),
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
            rate=_shown_rate(stage.count, stage.base, stage.rate, threshold),
        )
        for stage in figures.funnel
    )
    outflow = figures.outflow_to_work
    percentage = _shown_rate(outflow.to_work, outflow.started, outflow.percentage, threshold)
    return KeyFigures(
        funnel=funnel,
        outflow_to_work=replace(
            outflow,
            to_work=suppress(outflow.to_work, threshold),
            started=suppress(outflow.started, threshold),
            percentage=percentage,
            # The status is read from the percentage and says as much: hidden with it.
            status=outflow.status if percentage is not None else None,
        ),
    )


def _shown_rate(count: Figure, base: Figure, value: float | None, threshold: int) -> float | None:
    """The rate or percentage, unless either count it is made from is hidden."""
    if suppress(count, threshold) is None or suppress(base, threshold) is None:
        return None
    return value


def _public_median(figure: MedianDays, threshold: int) -> MedianDays:
    # A median over a handful of people is nearly one person's figure: hidden with their count.
    count = suppress(figure.count, threshold)
    return MedianDays(days=figure.days if count is not None else None, count=count)


def public_figures(figures: Evaluation) -> Evaluation:
    """The evaluation as it may be shown: small counts suppressed, and the rates computed from them hidden.

    Every view and export passes its figures through here as a safety net; figures already made public come
    back as they are, so that the repeated calls cost nothing.
    """
    if figures.public:
        return figures
    threshold = settings.REPORT_SMALL_COUNT_THRESHOLD
    return replace(
        figures,
        public=True,
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
                ended_early=suppress(employer.ended_early, threshold),
                contracts=suppress(employer.contracts, threshold),
            )
            for employer in figures.employers
        ),
        cohorts=tuple(
            replace(cohort, figures=_public_key_figures(cohort.figures, threshold)) for cohort in figures.cohorts
        ),
        barriers=tuple(replace(barrier, count=suppress(barrier.count, threshold)) for barrier in figures.barriers),
        modules=tuple(
            replace(
                module,
                results=suppress(module.results, threshold),
                passed=suppress(module.passed, threshold),
                rate=_shown_rate(module.passed, module.results, module.rate, threshold),
                certificates=suppress(module.certificates, threshold),
            )
            for module in figures.modules
        ),
        certificates_issued=suppress(figures.certificates_issued, threshold),
        attendance=AttendanceFigure(
            present=suppress(figures.attendance.present, threshold),
            marked=suppress(figures.attendance.marked, threshold),
            percentage=_shown_rate(
                figures.attendance.present, figures.attendance.marked, figures.attendance.percentage, threshold
            ),
        ),
        followups=tuple(
            replace(
                followup,
                due=suppress(followup.due, threshold),
                answered=suppress(followup.answered, threshold),
                still_working=suppress(followup.still_working, threshold),
            )
            for followup in figures.followups
        ),
        days_to_placement=_public_median(figures.days_to_placement, threshold),
        days_to_outflow=_public_median(figures.days_to_outflow, threshold),
        completeness=tuple(
            replace(
                check,
                complete=suppress(check.complete, threshold),
                total=suppress(check.total, threshold),
                rate=_shown_rate(check.complete, check.total, check.rate, threshold),
            )
            for check in figures.completeness
        ),
        pilots=tuple(replace(pilot, figures=_public_key_figures(pilot.figures, threshold)) for pilot in figures.pilots),
    )
