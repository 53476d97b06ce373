"""The evaluation figures of one or more pilots: the selector the dashboard, the PDF, the XLSX and the API render.

Everything here is counted in the database, a fixed number of queries whatever the number of candidates, and
returned as plain frozen dataclasses: counts of groups, never a model object or a person's name.
`pilot_evaluation` returns the raw figures; `public_figures` hides the small counts, and the counts they could be
worked out from, before anyone sees them (reports.disclosure, docs/disclosure.md).

Each figure is written here once: its count, its label, its definition and the relations it has with the other
figures (`relations`: the parts of a table add up to its total, the same figure in two tables is one cell).
reports.document lays the figures out for every format.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date
from statistics import median
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidates.completeness import group_completeness_counted
from candidates.lifecycle import (
    OUTFLOW_TO_BBL,
    OUTFLOW_TO_EDUCATION,
    OUTFLOW_TO_WORK,
    POSITIVE_OUTFLOW,
    RUNNING,
    SCREENED_OR_LATER,
    SELECTED_EVER,
    STARTED,
    TRACK_OVER,
    WAITING_FOR_START,
    completed_q,
    dropped_out_q,
    outcome_in,
    status_in,
)
from candidates.models import (
    Attendance,
    AttendanceStatus,
    Candidate,
    CandidateBarrier,
    Certificate,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    FollowUpMonths,
    ModuleResult,
    ModuleResultStatus,
    Outcome,
    OutcomeKind,
)
from candidates.progress_selectors import AttendanceRate, counting_certificates, followup_results
from core.expressions import InSubqueryArray
from employers.lifecycle import EVER_CONFIRMED, OPEN, EndReason
from employers.models import Employer, Placement, PlacementStatus, SeatOffer
from pilots.models import Cohort, CohortClass, CohortModule, Module, Organisation, Pilot, ReferenceKind
from pilots.selectors import labelled_codes, reference_labels

from .disclosure import Relation, protect

S = EnrolmentStatus

# A count; None once it is hidden so that no one can be recognised (see public_figures).
Figure = int | None
# How every format writes a hidden count: one mark, whether the count is small itself or could give a small one
# away, so that a reader cannot tell which (docs/disclosure.md).
HIDDEN_MARK = "x"

# What a field of the dataclasses below is, for public_figures: a count of people (hidden when small or when it
# could give a hidden count away), or a rate or a median computed from counts (hidden with any of them).
COUNT = {"figure": "count"}


def computed_from(*names: str) -> dict[str, Any]:
    """The metadata of a field computed from the named count fields beside it: hidden when any of them is."""
    return {"figure": "computed", "from": names}


# --- The stages of the funnel and the outflow ---------------------------------------------------------------

STAGE_LABELS = {
    "applied": _("Applied"),
    "screened": _("Screened"),
    "not_selected": _("Not selected"),
    "selected": _("Selected"),
    "withdrawn": _("Withdrawn before the start"),
    "waiting": _("Waiting for the start"),
    "started": _("Started"),
    "completed": _("Completed"),
    "dropped_out": _("Dropped out"),
    "in_track": _("Still in the track"),
    "outflow": _("Positive outflow"),
}
# Every stage, in the order of the funnel table.
STAGES = tuple(STAGE_LABELS)
# The funnel's main line, from application to outflow, as the chart draws it.
FUNNEL_STAGES = ("applied", "screened", "selected", "started", "completed", "outflow")
# The stage each stage's rate is taken over (DOMAIN.md). Outflow is taken over started rather than completed: a
# dropout who found work flows out too, so outflow is not a part of completed.
STAGE_BASE = {
    "screened": "applied",
    "not_selected": "screened",
    "selected": "screened",
    "withdrawn": "selected",
    "waiting": "selected",
    "started": "selected",
    "completed": "started",
    "dropped_out": "started",
    "in_track": "started",
    "outflow": "started",
}
# The stages that divide another one without overlap: each enrolment of the whole is in exactly one part.
STAGE_PARTS = {
    "selected": ("withdrawn", "waiting", "started"),
    "started": ("completed", "dropped_out", "in_track"),
}

# The outflow figures (DOMAIN.md): each the enrolments whose outcome is one of its kinds, as a percentage of those
# who started, against the pilot's target for it where it has one.
OUTFLOW_KINDS = {
    "positive": POSITIVE_OUTFLOW,
    "work": OUTFLOW_TO_WORK,
    "bbl": OUTFLOW_TO_BBL,
    "education": OUTFLOW_TO_EDUCATION,
}
OUTFLOW_LABELS = {
    "positive": _("Positive outflow"),
    "work": _("Outflow to work"),
    "bbl": _("Outflow to BBL"),
    "education": _("Outflow to education"),
}
# Work, BBL and education are mutually exclusive and make up positive outflow.
OUTFLOW_PARTS = {"positive": ("work", "bbl", "education")}


def pilot_targets(pilot: Pilot) -> dict[str, int | None]:
    """The pilot's target percentage for each outflow figure; None where it has none."""
    return {
        "positive": pilot.target_outflow_percentage,
        "work": pilot.target_work_percentage,
        "bbl": pilot.target_bbl_percentage,
        "education": None,
    }


# Within 10 percentage points below the target counts as close.
CLOSE_TO_TARGET_POINTS = 10

DEFINITIONS = {
    "period": _(
        "The report covers the cohorts of the chosen pilots that start within the period, first and last day "
        "included; without a period, all their cohorts. Every figure counts enrolments of these cohorts: a person "
        "in two cohorts counts in each."
    ),
    "design": _(
        "Design: what the pilot set out to do, as recorded for the pilot: its duration, its weekly rhythm of "
        "internship and school days, the places it planned and its targets. Places in the cohorts are the seats "
        "of the cohorts in the report; classes the classes they were taught in."
    ),
    "applied": _("Applied: every candidate enrolled for a cohort, whatever became of the enrolment."),
    "screened": _(
        "Screened: candidates who had a screening, also those who were not selected afterwards, and everyone who "
        "got further than the screening."
    ),
    "not_selected": _("Not selected: screened and given neither a seat nor a place on the reserve list."),
    "selected": _(
        "Selected: candidates who were given a seat in the cohort, including those who withdrew before the first "
        "day. The reserve list is not counted. Selected is withdrawn plus waiting for the start plus started."
    ),
    "withdrawn": _(
        "Withdrawn before the start: selected, then left before the first day; the seat went to the reserve list."
    ),
    "waiting": _("Waiting for the start: selected and not started yet."),
    "started": _(
        "Started: candidates who started the track, including those who dropped out later. Started is completed "
        "plus dropped out plus still in the track."
    ),
    "completed": _("Completed: candidates who completed the whole track, whether or not they flowed out since."),
    "dropped_out": _("Dropped out: candidates who started and left before the end, with one reason."),
    "in_track": _("Still in the track: candidates who started and have neither completed nor dropped out."),
    "outflow": _(
        "Positive outflow: candidates whose outcome is work, a BBL work-study place or education, including those "
        "who left the track early. It is outflow to work plus outflow to BBL plus outflow to education."
    ),
    "outflow_work": _(
        "Outflow to work: candidates whose outcome is a job: a contract at a host employer or a job elsewhere (a "
        "dropout who found work counts here)."
    ),
    "outflow_bbl": _("Outflow to BBL: candidates whose outcome is a BBL work-study place (a contract plus school)."),
    "outflow_education": _(
        "Outflow to education: candidates whose outcome is school without a job (BOL or other education)."
    ),
    "funnel_rate": _(
        "Rate: the stage as a percentage of the stage it is taken over, named beside it; every outflow figure as "
        "a percentage of those who started, to one decimal."
    ),
    "target_status": _(
        "Target met at or above the target; close within 10 percentage points below it; otherwise not met. Where "
        "the pilots of a report have different targets, the total has none and each cohort is held to its own."
    ),
    "outflow_by_kind": _(
        "Outflow by kind: the recorded outcomes of the enrolments, one per enrolment, per kind of outcome; the "
        "kinds add up to the outcomes recorded."
    ),
    "dropout_by_reason": _(
        "Dropout by reason: candidates who left the track early, one reason each, so that the reasons add up to "
        "those who dropped out; and how many of them flowed out positively all the same (such as those who found "
        "work elsewhere)."
    ),
    "employer_offered": _("Places offered: the places the host employer offered the cohorts."),
    "employer_proposed": _("Proposed: candidates proposed to the host employer who have no answer yet."),
    "employer_confirmed": _(
        "Placed: candidates the host employer confirmed at some point, also those whose placement has ended since. "
        "A candidate placed at two host employers counts at each, so the total counts placements."
    ),
    "employer_ended_early": _(
        "Ended early: of those placed, the placements that ended before their planned end (any reason but "
        "“completed as planned”), also when the candidate left the track."
    ),
    "employer_contracts": _(
        "Contracts: candidates whose outcome is a contract at this host employer; they add up to the outflow "
        "by kind “contract at the host employer”."
    ),
    "cohorts": _("Cohorts side by side: the same funnel and outflow for each cohort on its own."),
    "pilots": _(
        "Pilots side by side: the same funnel and outflow for each pilot on its own, over its cohorts within the "
        "period, each held to its own targets."
    ),
    "barriers": _(
        "Barriers met: per kind of barrier, the candidates who started the track and have that barrier recorded, "
        "and of them those whose barrier has been resolved. A candidate with several barriers counts once for each."
    ),
    "modules": _(
        "Module completion: per module of the learning line the cohorts follow (modules of the same name taken "
        "together; the pilot's learning line where a cohort has none of its own), the results passed out of all "
        "results recorded, in progress, not passed and exempt included."
    ),
    "module_certificates": _(
        "Certificates issued: per module, the certificates that count as a result: a unit certificate always, a "
        "certificate of a module of the whole track once the track was completed. The total adds the certificates "
        "recorded without a module."
    ),
    "attendance": _(
        "Attendance: present as a percentage of the marked sessions of all candidates of the cohorts, to one "
        "decimal. Sick and absent with notice count as absences; a session without a mark is not counted."
    ),
    "followup": _(
        "Follow-up at 3, 6 and 12 months after outflow: due are the checks whose due date has been reached on the "
        "day of the report; answered, reached and still working are counted among the due ones only. The "
        "completeness of the records counts follow-ups the same way."
    ),
    "days_to_placement": _(
        "Days to placement: the median number of days from the day a candidate started the track to the first "
        "day of their first placement the host employer confirmed (confirmed, running or ended since), over the "
        "started candidates who have one with a start date. It is negative when the placement began before the "
        "track."
    ),
    "days_to_outflow": _(
        "Days to outflow: the median number of days from the day a candidate started the track to the start date "
        "of their work, BBL or education, over the candidates with positive outflow and a start date recorded."
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
        "has been erased count as their record was when it was erased."
    ),
    "completeness_record": _(
        "Candidate record complete: candidates enrolled in the cohorts whose record has everything a selection "
        "needs (date of birth, e-mail or phone, postcode, highest education, the four language levels, "
        "available days and consent). Candidates whose data has been erased count as their record was when it was "
        "erased."
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
        "Outcome recorded: candidates whose track is over (completed or dropped out) with an outcome recorded; "
        "without one they count in no outflow figure."
    ),
    "completeness_outcome_start": _(
        "Start of work recorded: outcomes of positive outflow with the start date of the work, BBL or education "
        "recorded."
    ),
    "completeness_followup": _(
        "Follow-up answered: follow-up checks at 3, 6 and 12 months whose due date has been reached on the day of "
        "the report, with an answer recorded."
    ),
    "suppressed": _(
        "So that no one can be recognised, a count of one up to the report threshold is not shown (x), nor any "
        "count it could be worked out from by adding or subtracting the other figures of the report, nor a "
        "percentage or median computed from a hidden count. Places offered, planned and in the cohorts are not "
        "about people and are always shown."
    ),
}


class TargetStatus(models.TextChoices):
    MET = "met", _("Target met")
    CLOSE = "close", _("Close to the target")
    NOT_MET = "not_met", _("Target not met")


@dataclass(frozen=True)
class FunnelStage:
    key: str  # one of STAGES; its definition is DEFINITIONS[key]
    count: Figure = field(metadata=COUNT)
    base: Figure = field(metadata=COUNT)  # the count of the stage the rate is taken over; None for the first
    rate: float | None = field(metadata=computed_from("count", "base"))  # count / base × 100, to one decimal

    @property
    def label(self) -> str:
        return str(STAGE_LABELS[self.key])

    @property
    def base_key(self) -> str | None:
        return STAGE_BASE.get(self.key)


@dataclass(frozen=True)
class OutflowFigure:
    key: str  # one of OUTFLOW_KINDS
    count: Figure = field(metadata=COUNT)
    started: Figure = field(metadata=COUNT)
    percentage: float | None = field(metadata=computed_from("count", "started"))
    target: int | None  # the pilot's target percentage for this figure
    status: str | None = field(metadata=computed_from("percentage"))  # a TargetStatus value

    @property
    def label(self) -> str:
        return str(OUTFLOW_LABELS[self.key])


@dataclass(frozen=True)
class KeyFigures:
    """The figures that are shown for the whole report and for each cohort and pilot side by side."""

    stages: tuple[FunnelStage, ...]  # every stage, in the order of STAGES
    outflow: tuple[OutflowFigure, ...]  # every outflow figure, in the order of OUTFLOW_KINDS

    def stage(self, key: str) -> FunnelStage:
        return next(stage for stage in self.stages if stage.key == key)

    def measure(self, key: str) -> OutflowFigure:
        return next(figure for figure in self.outflow if figure.key == key)

    @property
    def funnel(self) -> tuple[FunnelStage, ...]:
        return tuple(self.stage(key) for key in FUNNEL_STAGES)

    @property
    def targeted(self) -> tuple[OutflowFigure, ...]:
        """The outflow figures the pilot has a target for, positive outflow always."""
        return tuple(figure for figure in self.outflow if figure.key == "positive" or figure.target is not None)


@dataclass(frozen=True)
class CohortFigures:
    pilot_slug: str
    pilot_name: str
    name: str
    start_date: date
    end_date: date
    figures: KeyFigures


@dataclass(frozen=True)
class KindCount:
    kind: str  # an OutcomeKind value
    label: str
    count: Figure = field(metadata=COUNT)


@dataclass(frozen=True)
class DropoutFigure:
    reason: str  # a code of the dropout reason list; "" for the total
    label: str
    count: Figure = field(metadata=COUNT)
    to_work: Figure = field(metadata=COUNT)  # of them, positive outflow


@dataclass(frozen=True)
class EmployerFigures:
    name: str
    offered: int  # places, not people: always shown
    proposed: Figure = field(metadata=COUNT)  # open proposals, not answered yet
    confirmed: Figure = field(metadata=COUNT)  # candidates ever confirmed at the host, ended placements included
    ended_early: Figure = field(metadata=COUNT)  # of those, placements that ended before their planned end
    contracts: Figure = field(metadata=COUNT)  # outcomes: a contract at this host


@dataclass(frozen=True)
class BarrierCount:
    kind: str  # a code of the barrier list
    label: str
    count: Figure = field(metadata=COUNT)
    resolved: Figure = field(metadata=COUNT)


@dataclass(frozen=True)
class ModuleFigure:
    name: str  # the module's name; modules of the same name in several cohorts are taken together
    results: Figure = field(metadata=COUNT)  # results recorded
    passed: Figure = field(metadata=COUNT)
    rate: float | None = field(metadata=computed_from("passed", "results"))
    certificates: Figure = field(metadata=COUNT)  # certificates that count as a result (see counting_certificates)


@dataclass(frozen=True)
class AttendanceFigure:
    present: Figure = field(metadata=COUNT)
    marked: Figure = field(metadata=COUNT)
    percentage: float | None = field(metadata=computed_from("present", "marked"))


@dataclass(frozen=True)
class FollowUpFigure:
    months: int  # 3, 6 or 12; 0 for the total
    due: Figure = field(metadata=COUNT)
    answered: Figure = field(metadata=COUNT)
    reached: Figure = field(metadata=COUNT)
    still_working: Figure = field(metadata=COUNT)

    @property
    def label(self) -> str:
        return str(FollowUpMonths(self.months).label) if self.months else str(_("Total"))


@dataclass(frozen=True)
class MedianDays:
    count: Figure = field(metadata=COUNT)  # the number of candidates it is taken over
    # The median number of days; None without anyone to take it over. A median over a handful of people is nearly
    # one person's figure: hidden with their count.
    days: float | None = field(metadata=computed_from("count"))


@dataclass(frozen=True)
class PilotDesign:
    """What the pilot set out to do: facts about the pilot and its cohorts, not about people; always shown."""

    sector: str
    track_kind: str
    target_group: str
    target_qualification: str
    duration_weeks: int
    internship_days_per_week: int
    school_days_per_week: int
    planned_places: int | None
    seats: int  # the seats of its cohorts in the report
    cohorts: int
    classes: int
    first_start: date | None
    last_end: date | None


@dataclass(frozen=True)
class PilotFigures:
    slug: str
    name: str
    region: str
    design: PilotDesign
    figures: KeyFigures


@dataclass(frozen=True)
class CompletenessFigure:
    key: str  # one of COMPLETENESS_CHECKS; its definition is DEFINITIONS["completeness_" + key]
    label: str
    complete: Figure = field(metadata=COUNT)  # the records that have what the check asks
    total: Figure = field(metadata=COUNT)  # the records the check applies to
    rate: float | None = field(metadata=computed_from("complete", "total"))


@dataclass(frozen=True)
class Evaluation:
    pilot_names: tuple[str, ...]
    period_start: date | None
    period_end: date | None
    total: KeyFigures
    outflow_by_kind: tuple[KindCount, ...]
    outcomes_recorded: Figure = field(metadata=COUNT)  # the kinds add up to this
    dropout_by_reason: tuple[DropoutFigure, ...]
    dropout_total: DropoutFigure  # the reasons add up to this
    employers: tuple[EmployerFigures, ...]
    employers_total: EmployerFigures  # the host employers add up to this
    cohorts: tuple[CohortFigures, ...]
    barriers: tuple[BarrierCount, ...]
    modules: tuple[ModuleFigure, ...]
    certificates_without_module: Figure = field(metadata=COUNT)
    certificates_issued: Figure = field(metadata=COUNT)  # the modules' and those without a module add up to this
    attendance: AttendanceFigure
    followups: tuple[FollowUpFigure, ...]
    followups_total: FollowUpFigure  # the moments add up to this
    days_to_placement: MedianDays
    days_to_outflow: MedianDays
    completeness: tuple[CompletenessFigure, ...]
    pilots: tuple[PilotFigures, ...]  # every chosen pilot, also one without cohorts in the period
    region_names: tuple[str, ...]  # the regions of the chosen pilots
    partner_names: tuple[str, ...]  # the organisations that lead the chosen pilots or are partners in them
    today: date  # the day the figures were counted on, which decides the follow-ups due and the tracks ended
    public: bool = False  # set by public_figures once the small counts are hidden

    def completeness_check(self, key: str) -> "CompletenessFigure":
        return next(check for check in self.completeness if check.key == key)


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


# The counts per cohort: every stage and the outflow figures that are not a stage themselves.
COUNTED = (*STAGES, *(key for key in OUTFLOW_KINDS if key != "positive"))


def _key_figures(counts: dict[str, int], *, targets: dict[str, int | None]) -> KeyFigures:
    stages = tuple(
        FunnelStage(
            key=key,
            count=counts[key],
            base=counts[STAGE_BASE[key]] if key in STAGE_BASE else None,
            rate=rate(counts[key], counts[STAGE_BASE[key]]) if key in STAGE_BASE else None,
        )
        for key in STAGES
    )
    outflow = []
    for key in OUTFLOW_KINDS:
        count = counts["outflow" if key == "positive" else key]
        percentage = rate(count, counts["started"])
        target = targets.get(key)
        outflow.append(
            OutflowFigure(
                key=key,
                count=count,
                started=counts["started"],
                percentage=percentage,
                target=target,
                status=target_status(percentage, target),
            )
        )
    return KeyFigures(stages=stages, outflow=tuple(outflow))


def _cohorts(
    *,
    pilots: Iterable[Pilot] | QuerySet[Pilot],
    cohorts: Iterable[Cohort] | QuerySet[Cohort] | None,
    period_start: date | None,
    period_end: date | None,
) -> list[Cohort]:
    selected = (
        Cohort.objects.filter(in_period(period_start, period_end), pilot__in=pilots)
        .select_related("pilot")
        .annotate(
            # What else is counted per cohort, read with the cohorts rather than a query each: whether it has a
            # learning line of its own (_modules), its classes (_per_pilot) and its attendance marks (_attendance).
            has_own_modules=Exists(CohortModule.objects.filter(cohort=OuterRef("pk"))),
            class_count=_count_of(CohortClass.objects.filter(cohort=OuterRef("pk"))),
            **{
                f"attendance_{status}": _count_of(
                    Attendance.objects.filter(session__cohort=OuterRef("pk"), status=status)
                )
                for status in AttendanceStatus.values
            },
        )
    )
    if cohorts is not None:
        selected = selected.filter(pk__in=[cohort.pk for cohort in cohorts])
    return list(selected.order_by("start_date", "pilot__name", "name", "pk"))


def _count_of(rows: QuerySet) -> Coalesce:
    """The number of `rows` (filtered on an OuterRef) as a subquery of the outer query; 0 when there are none."""
    counted = rows.order_by().values(one=Value(1)).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _part(rows: QuerySet, *, key: str | Cast, a: Any = 0, b: Any = 0, c: Any = 0) -> QuerySet:
    """A read of _union_parts: per row a key (a field's name, or text computed from the row) and three numbers
    (expressions, aggregates over the rows' grouping, or 0), under names every part shares."""
    a, b, c = (Value(number) if isinstance(number, int) else number for number in (a, b, c))
    return rows.order_by().annotate(row_key=F(key) if isinstance(key, str) else key, row_a=a, row_b=b, row_c=c)


def _union_parts(**parts: QuerySet) -> dict[str, list[tuple]]:
    """Several small reads of the report in one UNION ALL query, each a _part; per part its rows as (key, a, b, c),
    in the order of the keys (the database's collation) and then of a."""
    rows: dict[str, list[tuple]] = {name: [] for name in parts}
    selected = [
        part.annotate(row_part=Value(name)).values_list("row_part", "row_key", "row_a", "row_b", "row_c")
        for name, part in parts.items()
    ]
    first, *rest = selected
    for name, *row in first.union(*rest, all=True).order_by("row_part", "row_key", "row_a"):
        rows[name].append(tuple(row))
    return rows


def in_period(period_start: date | None, period_end: date | None) -> Q:
    """The cohorts a report's period counts: those that start within it, first and last day included; either
    bound may be left open."""
    within = Q()
    if period_start is not None:
        within &= Q(start_date__gte=period_start)
    if period_end is not None:
        within &= Q(start_date__lte=period_end)
    return within


def _funnel_counts(cohort_ids: list[int]) -> dict[int, dict[str, int]]:
    """The counts of every stage and outflow figure per cohort id, in one query."""
    had_screening = Exists(EnrolmentTransition.objects.filter(enrolment=OuterRef("pk"), to_status=S.SCREENED))
    rows = (
        Enrolment.objects.filter(cohort_id__in=cohort_ids)
        .order_by()
        .values("cohort_id")
        .annotate(
            applied=Count("pk"),
            # The status covers most, also enrolments written straight into a later status without a history; the
            # history shows a screening that was followed by "not selected". The status first: the database stops
            # at the first true term, so the history is read only for the enrolments the status does not count.
            screened=Count("pk", filter=status_in(SCREENED_OR_LATER) | Q(had_screening)),
            not_selected=Count("pk", filter=Q(status=S.NOT_SELECTED)),
            selected=Count("pk", filter=status_in(SELECTED_EVER)),
            withdrawn=Count("pk", filter=Q(status=S.WITHDRAWN)),
            waiting=Count("pk", filter=status_in(WAITING_FOR_START)),
            started=Count("pk", filter=status_in(STARTED)),
            completed=Count("pk", filter=completed_q()),
            dropped_out=Count("pk", filter=dropped_out_q()),
            in_track=Count("pk", filter=status_in(RUNNING)),
            outflow=Count("pk", filter=outcome_in(POSITIVE_OUTFLOW)),
            work=Count("pk", filter=outcome_in(OUTFLOW_TO_WORK)),
            bbl=Count("pk", filter=outcome_in(OUTFLOW_TO_BBL)),
            education=Count("pk", filter=outcome_in(OUTFLOW_TO_EDUCATION)),
            **{f"kind_{kind}": Count("pk", filter=Q(outcome__kind=kind)) for kind in OutcomeKind.values},
            **_enrolment_completeness(),
        )
        .values_list("cohort_id", *COUNTED, *ALSO_COUNTED)
    )
    return {cohort_id: dict(zip((*COUNTED, *ALSO_COUNTED), counts, strict=True)) for cohort_id, *counts in rows}


def _enrolment_completeness() -> dict[str, Count]:
    """The counts of the enrolments' completeness (_completeness), counted per cohort with the funnel."""
    started = status_in(STARTED)
    completed = completed_q()
    ended = status_in(TRACK_OVER)
    to_work = outcome_in(POSITIVE_OUTFLOW)
    # Exists rather than joins, so that an enrolment with many marks or results still counts once.
    marked = Exists(Attendance.objects.filter(enrolment=OuterRef("pk")))
    has_results = Exists(ModuleResult.objects.filter(enrolment=OuterRef("pk")))
    return {
        "records_started": Count("pk", filter=started),
        "with_start": Count("pk", filter=started & Q(started_on__isnull=False)),
        "with_marks": Count("pk", filter=started & Q(marked)),
        "records_completed": Count("pk", filter=completed),
        "with_results": Count("pk", filter=completed & Q(has_results)),
        "ended": Count("pk", filter=ended),
        "with_outcome": Count("pk", filter=ended & Q(outcome__isnull=False)),
        "records_work": Count("pk", filter=to_work),
        "with_work_start": Count("pk", filter=to_work & Q(outcome__start_date__isnull=False)),
    }


# What _funnel_counts counts per cohort besides the stages: the outcomes per kind and the enrolments' completeness.
ALSO_COUNTED = (*(f"kind_{kind}" for kind in OutcomeKind.values), *_enrolment_completeness())


def _outflow_by_kind(totals: dict[str, int]) -> tuple[KindCount, ...]:
    """The outcomes per kind, from the totals of _funnel_counts."""
    return tuple(
        KindCount(kind=kind.value, label=str(kind.label), count=totals[f"kind_{kind.value}"]) for kind in OutcomeKind
    )


def _dropout_part(cohort_ids: list[int]) -> QuerySet:
    """Per reason, the dropouts and, of them, the positive outflow: a part of _union_parts."""
    return _part(
        Enrolment.objects.filter(dropped_out_q(), cohort_id__in=cohort_ids).values("dropout_reason"),
        key="dropout_reason",
        a=Count("pk"),
        b=Count("pk", filter=outcome_in(POSITIVE_OUTFLOW)),
    )


def _dropout_by_reason(counted: list[tuple], labels: dict[str, str]) -> tuple[tuple[DropoutFigure, ...], DropoutFigure]:
    """Per reason of the dropout reason list (`labels`, in its order) the dropouts and, of them, the positive
    outflow; and the totals. From the rows of _dropout_part."""
    rows = {reason: {"n": n, "to_work": to_work} for reason, n, to_work, _zero in counted}
    reasons = tuple(
        DropoutFigure(
            reason=code,
            label=label,
            count=rows[code]["n"] if code in rows else 0,
            to_work=rows[code]["to_work"] if code in rows else 0,
        )
        for code, label in labelled_codes(labels, rows)
    )
    total = DropoutFigure(
        reason="",
        label=str(_("Total")),
        count=sum(row["n"] for row in rows.values()),
        to_work=sum(row["to_work"] for row in rows.values()),
    )
    return reasons, total


def _employer_parts(cohort_ids: list[int]) -> dict[str, QuerySet]:
    """The reads of _employers, parts of _union_parts, per host employer (its id as the key): the places it offered
    the cohorts, its placements and its contracts.

    Placements count those that are open or were ever confirmed, which makes a host involved: open proposals,
    the candidates ever confirmed there (ended placements included) and, of them, those whose placement ended
    before its planned end. Contracts come from the outcomes (DOMAIN.md).
    """
    host = Cast("employer_id", output_field=models.CharField())
    ended_early = Q(status=PlacementStatus.ENDED) & ~Q(end_reason=EndReason.COMPLETED)
    return {
        "host_offers": _part(
            SeatOffer.objects.filter(cohort_id__in=cohort_ids).values("employer_id"), key=host, a=Sum("places")
        ),
        "host_placements": _part(
            Placement.objects.filter(status__in=OPEN | EVER_CONFIRMED, enrolment__cohort_id__in=cohort_ids).values(
                "employer_id"
            ),
            key=host,
            a=Count("pk", filter=Q(status=PlacementStatus.PROPOSED)),
            b=Count("enrolment_id", filter=Q(status__in=EVER_CONFIRMED), distinct=True),
            c=Count("enrolment_id", filter=ended_early, distinct=True),
        ),
        "host_contracts": _part(
            Outcome.objects.filter(
                enrolment__cohort_id__in=cohort_ids, kind=OutcomeKind.CONTRACT_AT_HOST, employer__isnull=False
            ).values("employer_id"),
            key=host,
            a=Count("pk"),
        ),
    }


def _employers(parts: dict[str, list[tuple]]) -> tuple[tuple[EmployerFigures, ...], EmployerFigures]:
    """The host employers involved in the cohorts, with their places summed over the cohorts, and the totals.

    Involved: places offered, a proposal or placement that is open or was ever confirmed, or a contract as the
    outcome. Placed counts the candidates ever confirmed at the host, ended placements included; contracts come
    from the outcomes (DOMAIN.md). From the rows of _employer_parts, counted over all cohorts at once, and one
    query for the hosts' names in their order, so the number of queries grows neither with the cohorts nor with
    the hosts.
    """
    counted: dict[int, dict[str, int]] = {}

    def host(key: str) -> dict[str, int]:
        return counted.setdefault(
            int(key), dict.fromkeys(("offered", "proposed", "confirmed", "ended", "contracts"), 0)
        )

    for key, places, _b, _c in parts["host_offers"]:
        host(key)["offered"] = places or 0
    for key, proposed, placed, ended in parts["host_placements"]:
        host(key).update(proposed=proposed, confirmed=placed, ended=ended)
    for key, contracts, _b, _c in parts["host_contracts"]:
        host(key)["contracts"] = contracts
    names = (
        Employer.objects.filter(pk__in=list(counted))
        .order_by("organisation__name", "pk")
        .values_list("pk", "organisation__name")
        if counted
        else []
    )
    employers = tuple(
        EmployerFigures(
            name=name,
            offered=counts["offered"],
            proposed=counts["proposed"],
            confirmed=counts["confirmed"],
            ended_early=counts["ended"],
            contracts=counts["contracts"],
        )
        for pk, name in names
        for counts in [counted[pk]]
    )
    total = EmployerFigures(
        name=str(_("Total")),
        offered=sum(row.offered for row in employers),
        proposed=sum(row.proposed or 0 for row in employers),
        confirmed=sum(row.confirmed or 0 for row in employers),
        ended_early=sum(row.ended_early or 0 for row in employers),
        contracts=sum(row.contracts or 0 for row in employers),
    )
    return employers, total


def _barrier_part(cohort_ids: list[int]) -> QuerySet:
    """Per barrier, the distinct candidates who started in one of the cohorts with that barrier, and of them those
    whose barrier is resolved: a part of _union_parts."""
    # The candidates as a set (a semi-join on the enrolments) rather than joined through each of their enrolments.
    started = Enrolment.objects.filter(status_in(STARTED), cohort_id__in=cohort_ids).values("candidate_id")
    return _part(
        CandidateBarrier.objects.filter(candidate_id__in=started).values("kind"),
        key="kind",
        a=Count("candidate_id", distinct=True),
        b=Count("candidate_id", filter=Q(resolved=True), distinct=True),
    )


def _barriers(counted: list[tuple], labels: dict[str, str]) -> tuple[BarrierCount, ...]:
    """Per barrier of the barrier list (`labels`, in its order), the rows of _barrier_part."""
    rows = {kind: (n, resolved) for kind, n, resolved, _zero in counted}
    return tuple(
        BarrierCount(kind=code, label=label, count=rows.get(code, (0, 0))[0], resolved=rows.get(code, (0, 0))[1])
        for code, label in labelled_codes(labels, rows)
    )


def _module_parts(cohorts: list[Cohort]) -> dict[str, QuerySet]:
    """The reads of _modules, parts of _union_parts: the results per module of the cohorts' own learning lines,
    the modules of the pilots' learning lines for the cohorts without one of their own, and the certificates.

    A cohort follows its own copy of the learning line (CohortModule); a cohort that has none follows its pilot's
    learning line as it is, so that its modules are listed with nothing recorded yet rather than left out.
    """
    cohort_ids = [cohort.pk for cohort in cohorts]
    parts = {
        "cohort_modules": _part(
            CohortModule.objects.filter(cohort_id__in=cohort_ids).values("name"),
            key="name",
            a=Min("position"),
            b=Count("results", distinct=True),
            c=Count("results", filter=Q(results__status=ModuleResultStatus.PASSED), distinct=True),
        ),
        "certificates": _part(
            Certificate.objects.filter(counting_certificates(), enrolment__cohort_id__in=cohort_ids).values(
                "cohort_module__name"
            ),
            key="cohort_module__name",
            a=Count("pk"),
        ),
    }
    # Read with the cohorts (_cohorts): whether each has a learning line of its own.
    without_own = {cohort.pilot_id for cohort in cohorts if not cohort.has_own_modules}  # type: ignore[attr-defined]
    if without_own:
        parts["pilot_modules"] = _part(Module.objects.filter(pilot_id__in=without_own), key="name", a=F("position"))
    return parts


def _modules(parts: dict[str, list[tuple]]) -> tuple[tuple[ModuleFigure, ...], int, int]:
    """Per module of the learning line the cohorts follow, the results and the counting certificates; the
    certificates recorded without a module; and the total of certificates. From the rows of _module_parts."""
    rows = [(position, name, recorded, passed) for name, position, recorded, passed in parts["cohort_modules"]]
    listed = {name for _position, name, _recorded, _passed in rows}
    # By name, then position: of the pilots' modules of the same name, the first in the learning line counts.
    for name, position, _zero, _none in parts.get("pilot_modules", ()):
        if name not in listed:
            listed.add(name)
            rows.append((position, name, 0, 0))
    rows.sort(key=lambda row: (row[0], row[1]))
    certificates: dict[str | None, int] = {name: n for name, n, _b, _c in parts["certificates"]}
    modules = tuple(
        ModuleFigure(
            name=name,
            results=recorded,
            passed=passed,
            rate=rate(passed, recorded),
            certificates=certificates.get(name, 0),
        )
        for _position, name, recorded, passed in rows
    )
    return modules, certificates.get(None, 0), sum(certificates.values())


def _attendance(cohorts: list[Cohort]) -> AttendanceFigure:
    """Present over marked sessions of the cohorts, as in candidates.progress_selectors; counted with the cohorts
    (_cohorts)."""
    counts = {
        status: sum(getattr(cohort, f"attendance_{status}") for cohort in cohorts) for status in AttendanceStatus.values
    }
    marks = AttendanceRate(**counts)
    return AttendanceFigure(present=marks.present, marked=marks.marked, percentage=marks.percentage)


def _median_days(days: list[int]) -> MedianDays:
    return MedianDays(days=float(median(days)) if days else None, count=len(days))


def _days_to(cohort_ids: list[int]) -> tuple[MedianDays, MedianDays]:
    """Median days from the start to the first confirmed placement and to positive outflow; one query."""
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


def _followups(cohorts: list[Cohort], today: date) -> tuple[tuple[FollowUpFigure, ...], FollowUpFigure]:
    followups = tuple(
        FollowUpFigure(
            months=result.months,
            due=result.due,
            answered=result.answered,
            reached=result.reached,
            still_working=result.still_working,
        )
        for result in followup_results(cohorts=cohorts, today=today)
    )
    total = FollowUpFigure(
        months=0,
        due=sum(row.due or 0 for row in followups),
        answered=sum(row.answered or 0 for row in followups),
        reached=sum(row.reached or 0 for row in followups),
        still_working=sum(row.still_working or 0 for row in followups),
    )
    return followups, total


def _completeness(
    cohort_ids: list[int], *, enrolments: dict[str, int], followups: FollowUpFigure
) -> tuple[CompletenessFigure, ...]:
    """How complete the records behind the figures are: one query (the candidates' counts); the enrolments are
    counted with the funnel (_enrolment_completeness, summed over the cohorts) and the follow-ups due are
    _followups' total.

    The candidate checks reuse candidates.completeness, the same check advisers see per candidate, counted by the
    database (group_completeness_counted); it counts an erased record as it was when erased, so that erasure
    changes no figure. Neither its rows nor its queries grow with the candidates.
    """
    # The pilot's candidates by their primary key (core.expressions.InSubqueryArray): a few thousand index probes,
    # where `IN (subquery)` had PostgreSQL read every candidate of the region to keep them.
    candidates = Candidate.objects.filter(
        InSubqueryArray("pk", Enrolment.objects.filter(cohort_id__in=cohort_ids).order_by().values("candidate_id"))
    )
    records = group_completeness_counted(candidates)
    counts = {
        "consent": (records.candidates - records.missing_by_requirement["consent"], records.candidates),
        "record": (records.complete, records.candidates),
        "started_on": (enrolments["with_start"], enrolments["records_started"]),
        "attendance": (enrolments["with_marks"], enrolments["records_started"]),
        "module_results": (enrolments["with_results"], enrolments["records_completed"]),
        "outcome": (enrolments["with_outcome"], enrolments["ended"]),
        "outcome_start": (enrolments["with_work_start"], enrolments["records_work"]),
        "followup": (followups.answered, followups.due),
    }
    return tuple(
        CompletenessFigure(key=key, label=str(label), complete=complete, total=total, rate=rate(complete, total))
        for key, label in COMPLETENESS_CHECKS.items()
        for complete, total in [counts[key]]
    )


def _chosen_pilots(pilots: Iterable[Pilot] | QuerySet[Pilot]) -> list[Pilot]:
    """The chosen pilots with their regions, in one query, also those without a cohort in the period; none for
    one pilot that was read with its region already (the dashboard's)."""
    if not isinstance(pilots, QuerySet):
        pilots = list(pilots)
        if len(pilots) == 1 and pilots[0].pk is not None and Pilot.region.is_cached(pilots[0]):
            return pilots
    if isinstance(pilots, QuerySet):
        chosen = Pilot.objects.filter(pk__in=pilots.values_list("pk", flat=True))
    else:
        chosen = Pilot.objects.filter(pk__in=[pilot.pk for pilot in pilots])
    return list(chosen.select_related("region").order_by("name", "pk"))


def _partner_part(pilot_ids: list[int]) -> QuerySet:
    """The organisations that lead the pilots or are partners in them, a part of _union_parts. Organisations, never
    people."""
    return _part(
        Organisation.objects.filter(Q(led_pilots__in=pilot_ids) | Q(partnerships__pilot_id__in=pilot_ids)), key="name"
    ).distinct()


def _per_pilot(
    chosen: list[Pilot], selected: list[Cohort], per_cohort: dict[int, dict[str, int]], sectors: dict[str, str]
) -> tuple[PilotFigures, ...]:
    """Each pilot's design and key figures, summed from the counts per cohort and the classes counted with the
    cohorts (_cohorts)."""
    empty = dict.fromkeys(COUNTED, 0)
    classes: dict[int, int] = {}
    for cohort in selected:
        count = cohort.class_count  # type: ignore[attr-defined]  # annotated by _cohorts
        if count:
            classes[cohort.pilot_id] = classes.get(cohort.pilot_id, 0) + count
    figures = []
    for pilot in chosen:
        own = [cohort for cohort in selected if cohort.pilot_id == pilot.pk]
        counts = {key: sum(per_cohort.get(cohort.pk, empty)[key] for cohort in own) for key in COUNTED}
        design = PilotDesign(
            sector=sectors.get(pilot.sector, pilot.sector),
            track_kind=str(pilot.get_track_kind_display()),
            target_group=pilot.target_group,
            target_qualification=pilot.target_qualification,
            duration_weeks=pilot.duration_weeks,
            internship_days_per_week=pilot.internship_days_per_week,
            school_days_per_week=pilot.school_days_per_week,
            planned_places=pilot.planned_places,
            seats=sum(cohort.seats for cohort in own),
            cohorts=len(own),
            classes=classes.get(pilot.pk, 0),
            first_start=min((cohort.start_date for cohort in own), default=None),
            last_end=max((cohort.end_date for cohort in own), default=None),
        )
        figures.append(
            PilotFigures(
                slug=pilot.slug,
                name=pilot.name,
                region=pilot.region.name,
                design=design,
                figures=_key_figures(counts, targets=pilot_targets(pilot)),
            )
        )
    return tuple(figures)


def _shared_targets(pilots: list[Pilot]) -> dict[str, int | None]:
    """The targets the pilots share; a figure whose target differs between them has none for the whole."""
    shared: dict[str, int | None] = {}
    for key in OUTFLOW_KINDS:
        values = {pilot_targets(pilot)[key] for pilot in pilots}
        shared[key] = values.pop() if len(values) == 1 else None
    return shared


def pilot_evaluation(
    *,
    pilots: Iterable[Pilot] | QuerySet[Pilot],
    cohorts: Iterable[Cohort] | QuerySet[Cohort] | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    today: date | None = None,
) -> Evaluation:
    """The raw evaluation figures of the pilots' cohorts, in a fixed number of queries whatever the number of
    candidates (ten, and one for the labels of the reference data).

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
    empty = dict.fromkeys((*COUNTED, *ALSO_COUNTED), 0)
    totals = {key: sum(per_cohort.get(pk, empty)[key] for pk in cohort_ids) for key in (*COUNTED, *ALSO_COUNTED)}
    parts = _union_parts(
        **_module_parts(selected),
        dropout=_dropout_part(cohort_ids),
        barriers=_barrier_part(cohort_ids),
        partners=_partner_part([pilot.pk for pilot in chosen]),
        **_employer_parts(cohort_ids),
    )
    modules, without_module, certificates_issued = _modules(parts)
    days_to_placement, days_to_outflow = _days_to(cohort_ids)
    followups, followups_total = _followups(selected, today)
    outflow_by_kind = _outflow_by_kind(totals)
    labels = reference_labels()
    dropout_by_reason, dropout_total = _dropout_by_reason(parts["dropout"], labels[ReferenceKind.DROPOUT_REASON])
    employers, employers_total = _employers(parts)
    return Evaluation(
        pilot_names=tuple(dict.fromkeys(cohort.pilot.name for cohort in selected)),
        period_start=period_start,
        period_end=period_end,
        # Pilots with different targets share no single target; each cohort is held to its own pilot's.
        total=_key_figures(totals, targets=_shared_targets(chosen)),
        outflow_by_kind=outflow_by_kind,
        outcomes_recorded=sum(kind.count or 0 for kind in outflow_by_kind),
        dropout_by_reason=dropout_by_reason,
        dropout_total=dropout_total,
        employers=employers,
        employers_total=employers_total,
        cohorts=tuple(
            CohortFigures(
                pilot_slug=cohort.pilot.slug,
                pilot_name=cohort.pilot.name,
                name=cohort.name,
                start_date=cohort.start_date,
                end_date=cohort.end_date,
                figures=_key_figures(per_cohort.get(cohort.pk, empty), targets=pilot_targets(cohort.pilot)),
            )
            for cohort in selected
        ),
        barriers=_barriers(parts["barriers"], labels[ReferenceKind.BARRIER]),
        modules=modules,
        certificates_without_module=without_module,
        certificates_issued=certificates_issued,
        attendance=_attendance(selected),
        followups=followups,
        followups_total=followups_total,
        days_to_placement=days_to_placement,
        days_to_outflow=days_to_outflow,
        completeness=_completeness(cohort_ids, enrolments=totals, followups=followups_total),
        pilots=_per_pilot(chosen, selected, per_cohort, labels[ReferenceKind.SECTOR]),
        region_names=tuple(sorted({pilot.region.name for pilot in chosen})),
        partner_names=tuple(name for name, *_numbers in parts["partners"]),
        today=today,
    )


# --- How the figures hang together ----------------------------------------------------------------------------
# A cell is a count field of the dataclasses above, named by its path ("total.stages.3.count"). The relations say
# what a reader of the whole report can add up: public_figures hides enough cells that none of the hidden ones
# can be worked out from them, and the tests check that the raw figures satisfy every relation.


def cells(evaluation: Evaluation) -> dict[str, int]:
    """Every count of the evaluation by its path; a count that is None already is left out."""
    return {path: value for path, value in _count_fields(evaluation, "") if value is not None}


def _count_fields(node: Any, path: str) -> Iterator[tuple[str, Figure]]:
    if isinstance(node, tuple):
        for index, item in enumerate(node):
            yield from _count_fields(item, f"{path}{index}.")
    elif is_dataclass(node) and not isinstance(node, type):
        for item in fields(node):
            value = getattr(node, item.name)
            if item.metadata.get("figure") == "count":
                yield f"{path}{item.name}", value
            elif isinstance(value, tuple) or is_dataclass(value):
                yield from _count_fields(value, f"{path}{item.name}.")


def _relation(total: str, parts: Iterable[str]) -> Relation | None:
    """total = sum(parts); None for a sum without parts: its total is zero, which points at no one."""
    parts = tuple(parts)
    return Relation(total, parts) if parts else None


def _key_figure_relations(prefix: str) -> list[Relation | None]:
    """Within one set of key figures: each stage's base is the stage it is taken over, the parts of a stage add up
    to it, and the outflow figures are the stages they repeat and add up to positive outflow."""
    index = {key: position for position, key in enumerate(STAGES)}
    measure = {key: position for position, key in enumerate(OUTFLOW_KINDS)}

    def stage(key: str) -> str:
        return f"{prefix}stages.{index[key]}.count"

    def outflow(key: str, name: str = "count") -> str:
        return f"{prefix}outflow.{measure[key]}.{name}"

    relations = [_relation(f"{prefix}stages.{index[key]}.base", (stage(base),)) for key, base in STAGE_BASE.items()]
    relations += [_relation(stage(whole), tuple(stage(part) for part in parts)) for whole, parts in STAGE_PARTS.items()]
    relations += [_relation(outflow(key, "started"), (stage("started"),)) for key in OUTFLOW_KINDS]
    relations.append(_relation(outflow("positive"), (stage("outflow"),)))
    relations += [
        _relation(outflow(whole), tuple(outflow(part) for part in parts)) for whole, parts in OUTFLOW_PARTS.items()
    ]
    return relations


def _key_figure_paths() -> list[str]:
    """The count paths within one set of key figures."""
    paths = [f"stages.{position}.{name}" for position in range(len(STAGES)) for name in ("count", "base")]
    paths += [f"outflow.{position}.{name}" for position in range(len(OUTFLOW_KINDS)) for name in ("count", "started")]
    return [
        path for path in paths if not (path.endswith(".base") and STAGES[int(path.split(".")[1])] not in STAGE_BASE)
    ]


def relations(evaluation: Evaluation) -> list[Relation]:
    """Every sum the report lets a reader make, over the paths of `cells`."""
    result: list[Relation | None] = _key_figure_relations("total.")
    for position, _cohort in enumerate(evaluation.cohorts):
        result += _key_figure_relations(f"cohorts.{position}.figures.")
    for position, _pilot in enumerate(evaluation.pilots):
        result += _key_figure_relations(f"pilots.{position}.figures.")
    # The cohorts add up to their pilot, and the pilots to the total.
    if evaluation.cohorts:
        for path in _key_figure_paths():
            result.append(
                _relation(
                    f"total.{path}", tuple(f"pilots.{index}.figures.{path}" for index in range(len(evaluation.pilots)))
                )
            )
            for index, pilot in enumerate(evaluation.pilots):
                own = [pos for pos, cohort in enumerate(evaluation.cohorts) if cohort.pilot_slug == pilot.slug]
                result.append(
                    _relation(f"pilots.{index}.figures.{path}", tuple(f"cohorts.{pos}.figures.{path}" for pos in own))
                )
    stage = {key: f"total.stages.{position}.count" for position, key in enumerate(STAGES)}
    measure = {key: f"total.outflow.{position}.count" for position, key in enumerate(OUTFLOW_KINDS)}
    kind = {row.kind: f"outflow_by_kind.{position}.count" for position, row in enumerate(evaluation.outflow_by_kind)}
    # Outflow by kind: the kinds add up to the outcomes recorded, and make up the outflow figures.
    result.append(_relation("outcomes_recorded", tuple(kind.values())))
    for key, kinds in OUTFLOW_KINDS.items():
        result.append(_relation(measure[key], tuple(kind[value] for value in sorted(kinds))))
    # Dropout by reason: the reasons add up to the dropouts of the funnel.
    reasons = range(len(evaluation.dropout_by_reason))
    result.append(_relation("dropout_total.count", tuple(f"dropout_by_reason.{i}.count" for i in reasons)))
    result.append(_relation("dropout_total.to_work", tuple(f"dropout_by_reason.{i}.to_work" for i in reasons)))
    result.append(_relation(stage["dropped_out"], ("dropout_total.count",)))
    # Host employers: the hosts add up to the total row; their contracts to the outcomes "contract at the host".
    hosts = range(len(evaluation.employers))
    for name in ("proposed", "confirmed", "ended_early", "contracts"):
        result.append(_relation(f"employers_total.{name}", tuple(f"employers.{i}.{name}" for i in hosts)))
    result.append(_relation(kind[OutcomeKind.CONTRACT_AT_HOST], ("employers_total.contracts",)))
    # Certificates: the modules' and those without a module add up to the certificates issued.
    result.append(
        _relation(
            "certificates_issued",
            (*(f"modules.{i}.certificates" for i in range(len(evaluation.modules))), "certificates_without_module"),
        )
    )
    # Follow-up: the moments add up to the total row.
    for name in ("due", "answered", "reached", "still_working"):
        result.append(
            _relation(
                f"followups_total.{name}", tuple(f"followups.{i}.{name}" for i in range(len(evaluation.followups)))
            )
        )
    # Completeness: each check is taken over a figure shown elsewhere.
    check = {row.key: f"completeness.{position}" for position, row in enumerate(evaluation.completeness)}
    result += [
        _relation(f"{check['consent']}.total", (f"{check['record']}.total",)),
        _relation(f"{check['started_on']}.total", (stage["started"],)),
        _relation(f"{check['attendance']}.total", (stage["started"],)),
        _relation(f"{check['module_results']}.total", (stage["completed"],)),
        _relation(f"{check['outcome']}.total", (stage["completed"], stage["dropped_out"])),
        _relation(f"{check['outcome']}.complete", ("outcomes_recorded",)),
        _relation(f"{check['outcome_start']}.total", (stage["outflow"],)),
        _relation(f"{check['followup']}.total", ("followups_total.due",)),
        _relation(f"{check['followup']}.complete", ("followups_total.answered",)),
    ]
    return [relation for relation in result if relation is not None]


# --- What may be shown ------------------------------------------------------------------------------------


def suppress(count: Figure, threshold: int | None = None) -> Figure:
    """None for a count from 1 up to (not including) the threshold, so that no one can be recognised in it.

    Zero is shown: it points at no one. The threshold defaults to settings.REPORT_SMALL_COUNT_THRESHOLD. This is
    the primary rule alone; public_figures adds the counts a hidden one could be worked out from.
    """
    if threshold is None:
        threshold = settings.REPORT_SMALL_COUNT_THRESHOLD
    if count is None or 0 < count < threshold:
        return None
    return count


def hidden_cells(evaluation: Evaluation, threshold: int | None = None) -> frozenset[str]:
    """The paths of the counts to hide: the small ones and those they could be worked out from (reports.disclosure)."""
    if threshold is None:
        threshold = settings.REPORT_SMALL_COUNT_THRESHOLD
    values = cells(evaluation)
    return protect(
        values,
        relations(evaluation),
        threshold=threshold,
        public=known_zeros(evaluation),
        cost={path: _cost(path) for path in values},
    )


# The stages nobody can be in once a track has ended: whoever waited for the start or was still in the track has
# started, completed, dropped out or withdrawn since, or the records are behind.
_OVER_WHEN_ENDED = ("waiting", "in_track")
# The stages nobody can have reached before a track has begun, and the outflow that follows them.
_AFTER_THE_START = ("started", "completed", "dropped_out", "in_track", "outflow")


def known_zeros(evaluation: Evaluation) -> frozenset[str]:
    """The counts a reader knows to be zero without the report: nobody waiting or still in a track that has
    ended, nobody started, finished or flowed out of one that has not begun. Hiding one of them would protect
    nothing, so they are never hidden; a count there that is not zero after all (the records lag behind) is
    hidden like any other."""
    values = cells(evaluation)
    today = evaluation.today

    def paths(prefix: str, cohorts: list[CohortFigures]) -> list[str]:
        found = []
        if cohorts and all(cohort.end_date < today for cohort in cohorts):
            found += [f"{prefix}stages.{STAGES.index(key)}.count" for key in _OVER_WHEN_ENDED]
        if cohorts and all(cohort.start_date > today for cohort in cohorts):
            found += [f"{prefix}stages.{STAGES.index(key)}.count" for key in _AFTER_THE_START]
            found += [
                f"{prefix}outflow.{position}.{name}"
                for position in range(len(OUTFLOW_KINDS))
                for name in ("count", "started")
            ]
        return found

    candidates = [
        path for index, cohort in enumerate(evaluation.cohorts) for path in paths(f"cohorts.{index}.figures.", [cohort])
    ]
    for index, pilot in enumerate(evaluation.pilots):
        own = [cohort for cohort in evaluation.cohorts if cohort.pilot_slug == pilot.slug]
        candidates += paths(f"pilots.{index}.figures.", own)
    candidates += paths("total.", list(evaluation.cohorts))
    return frozenset(path for path in candidates if values.get(path) == 0)


# What a count is worth to the reader of the report, for the choice of the counts that hide a small one: the
# report's own key figures first, then each pilot's, then the total rows of the tables, then each cohort's; the
# breakdowns (kinds, reasons, hosts, barriers) give way before any of them.
_COSTS = (
    ("total.", 4),
    ("pilots.", 3),
    ("outcomes_recorded", 2),
    ("dropout_total.", 2),
    ("employers_total.", 2),
    ("followups_total.", 2),
    ("certificates_issued", 2),
    ("cohorts.", 1),
)


def _cost(path: str) -> int:
    return next((cost for prefix, cost in _COSTS if path.startswith(prefix)), 0)


def _hide(node: Any, path: str, hidden: frozenset[str]) -> Any:
    """A copy of the node with the hidden counts set to None and what is computed from them with them."""
    if isinstance(node, tuple):
        return tuple(_hide(item, f"{path}{index}.", hidden) for index, item in enumerate(node))
    if not is_dataclass(node) or isinstance(node, type):
        return node
    changes: dict[str, Any] = {}
    for item in fields(node):
        value = getattr(node, item.name)
        kind = item.metadata.get("figure")
        if kind == "count":
            if f"{path}{item.name}" in hidden:
                changes[item.name] = None
        elif isinstance(value, tuple) or is_dataclass(value):
            changes[item.name] = _hide(value, f"{path}{item.name}.", hidden)
    # Computed fields in the order they are declared, so that a status follows its percentage.
    for item in fields(node):
        sources = item.metadata.get("from")
        if (
            item.metadata.get("figure") == "computed"
            and sources
            and any(changes.get(name, getattr(node, name)) is None for name in sources)
        ):
            changes[item.name] = None
    return replace(node, **changes)


def public_figures(figures: Evaluation) -> Evaluation:
    """The evaluation as it may be shown: small counts hidden, the counts they could be worked out from hidden as
    well, and the rates, percentages, medians and target statuses computed from any hidden count with them.

    Every view and export passes its figures through here as a safety net; figures already made public come
    back as they are, so that the repeated calls cost nothing.
    """
    if figures.public:
        return figures
    return replace(_hide(figures, "", hidden_cells(figures)), public=True)
