"""Reads of candidates and enrolments, scoped to what the user may see."""

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.core.paginator import Page
from django.db import connections
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from core.expressions import InSubqueryArray
from core.paginator import IdsFirstPaginator
from core.roles import Role
from pilots.models import Cohort, Pilot
from pilots.selectors import cohort_list, pilot_list

from .completeness import CHECKED_FIELDS, gap_count
from .lifecycle import CARRY_OVER, SEAT_HOLDING, SELECTION, status_in
from .models import (
    NAME_FIELDS,
    AppointmentStatus,
    Candidate,
    CandidateImport,
    Enrolment,
    EnrolmentStatus,
    Screening,
    ScreeningAppointment,
    name_fields,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def candidate_list(*, user, pilot_ids: list[int] | None = None) -> QuerySet[Candidate]:
    """Candidates enrolled in a pilot the user works on, plus those an adviser registered without one yet.

    `pilot_ids`: the keys of pilot_list(user=user), when the caller has read them already (the list's pilot filter
    does): the query then holds them as values, which the database counts the candidates of better than a subquery.
    """
    if user.role == Role.ADMINISTRATOR:
        return Candidate.objects.all()
    if user.role not in (Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER):
        if user.role is None and user.organisation_id is not None and hasattr(user, "api_client"):
            # The account of an API client (core.api): the candidates its organisation referred, nobody else's.
            return Candidate.objects.filter(referring_organisation_id=user.organisation_id)
        return Candidate.objects.none()
    current, others = _in_pilots_of(user, pilot_ids=pilot_ids)
    return Candidate.objects.filter(current | others)


def _in_pilots_of(user, *, pilot_ids: list[int] | None = None) -> tuple[Q, Q]:
    """Two conditions that together say: the candidate has an enrolment in a pilot the user works on (an adviser:
    or is theirs). The first holds for the candidates whose current enrolment is in one of those pilots, the
    second for the few others: enrolled in several pilots, one of them the user's, or advised by the user.

    Read from the candidate's own row (Candidate.current_pilot, kept by the services) rather than searched for in
    the enrolments of each candidate. Both lists come first, before the query (core.expressions.InSubqueryArray),
    so the database finds the candidates in the indexes of these columns, and a page of the list reads only the
    rows it shows. With `pilot_ids` (candidate_list), the pilots are values in the query: PostgreSQL then estimates
    how many candidates the first condition holds from the statistics of the column rather than guessing a tenth.
    """
    if pilot_ids is not None:
        pilots: Any = list(pilot_ids)
        current = Q(current_pilot_id__in=pilots)
        several_pilots = Q(cohort__pilot_id__in=pilots)
    else:
        pilots = pilot_list(user=user).values("pk")
        current = Q(InSubqueryArray("current_pilot", pilots))
        several_pilots = Q(cohort__pilot__in=pilots)
    several = (
        Enrolment.objects.filter(several_pilots, candidate__in_several_pilots=True).order_by().values("candidate_id")
    )
    others = Q(InSubqueryArray("pk", several))
    if user.role == Role.ADVISER:
        others |= Q(adviser=user)
    return current, others


def candidate_list_count(*, user, candidates: QuerySet[Candidate], pilot_ids: list[int] | None = None) -> int:
    """How many of `candidates` (Candidate.objects narrowed by filters, without the scope) candidate_list(user=user)
    holds: the count of a list of candidate_list filtered the same way, in one query.

    Counted in two parts that do not overlap, added in one UNION ALL: the candidates whose current pilot is the
    user's, which the database counts in the index of that column without reading a row, and the few others
    (_in_pilots_of). `pilot_ids` as for candidate_list.
    """
    if user.role not in (Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER):
        return (candidates & candidate_list(user=user)).count()
    current, others = _in_pilots_of(user, pilot_ids=pilot_ids)
    # Not the first: no current pilot at all, or one that is not the user's.
    not_current = Q(current_pilot__isnull=True) | ~current
    first = candidates.filter(current).order_by().values("pk")
    second = candidates.filter(not_current & others).order_by().values("pk")
    return first.union(second, all=True).count()


def enrolment_list(*, user) -> QuerySet[Enrolment]:
    if user.role == Role.ADMINISTRATOR:
        enrolments = Enrolment.objects.all()
    elif user.role in (Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER):
        enrolments = Enrolment.objects.filter(cohort__pilot__in=pilot_list(user=user))
    else:
        enrolments = Enrolment.objects.none()
    return enrolments.select_related("candidate", "cohort", "cohort__pilot")


class CurrentEnrolmentValues(TypedDict):
    status: str
    cohort_id: int
    cohort__name: str
    cohort__pilot__name: str


def candidate_current_enrolments(
    *, user, candidate_ids, match: dict | None = None
) -> dict[int, CurrentEnrolmentValues]:
    """Per candidate, the latest enrolment the user may see (with `match`, the latest that matches): one query.

    For the rows of one page of a list, not for a whole scope: which enrolment the user may see depends on the
    user, so it is read for the rows shown rather than kept on the candidate.
    """
    rows = (
        enrolment_list(user=user)
        .filter(candidate_id__in=list(candidate_ids), **(match or {}))
        .order_by("candidate_id", "-created_at", "-pk")
        .values_list("candidate_id", "status", "cohort_id", "cohort__name", "cohort__pilot__name")
    )
    latest: dict[int, CurrentEnrolmentValues] = {}
    for candidate_id, status, cohort_id, cohort_name, pilot_name in rows:
        latest.setdefault(
            candidate_id,
            {"status": status, "cohort_id": cohort_id, "cohort__name": cohort_name, "cohort__pilot__name": pilot_name},
        )
    return latest


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


# --- Selection and the pipeline board --------------------------------------------------------------

# A large column (the leerlingpoule had 332 applicants) shows this many cards until "show all": about a screen's
# height, so that a board of eleven columns stays a page a browser draws (and the server renders) at once however
# large the pilot.
BOARD_COLUMN_SIZE = 10
# "Show all" opens one column in pages of this many cards.
BOARD_EXPANDED_SIZE = 50


def _latest_screening(field: str) -> Subquery:
    latest = Screening.objects.filter(enrolment=OuterRef("pk")).order_by("-screened_on", "-pk")
    return Subquery(latest.values(field)[:1])


class LatestScreening(TypedDict):
    latest_score: int | None
    latest_recommendation: str | None


def _with_latest_screening(
    enrolments: QuerySet[Enrolment],
) -> "QuerySet[WithAnnotations[Enrolment, LatestScreening]]":
    """One query for the whole list: the latest screening's score and recommendation as columns."""
    return enrolments.annotate(
        latest_score=_latest_screening("total_score"), latest_recommendation=_latest_screening("recommendation")
    )


def selection_ranking(*, user, cohort: Cohort) -> "QuerySet[WithAnnotations[Enrolment, LatestScreening]]":
    """The cohort's screened candidates, ranked by their latest screening's combined score, best first."""
    enrolments = enrolment_list(user=user).filter(cohort=cohort, status__in=SELECTION)
    return _with_latest_screening(enrolments).order_by(
        F("latest_score").desc(nulls_last=True), "candidate__last_name", "candidate__first_name", "pk"
    )


def selection_reserve_list(*, user, cohort: Cohort) -> "QuerySet[WithAnnotations[Enrolment, LatestScreening]]":
    """The cohort's reserve list in the order in which seats that come free are offered."""
    enrolments = enrolment_list(user=user).filter(cohort=cohort, status=EnrolmentStatus.RESERVE)
    return _with_latest_screening(enrolments).order_by("reserve_position", "pk")


def selection_interest_is_stale(enrolment: Enrolment, *, today: date | None = None) -> bool:
    """A reserve whose interest was last confirmed too long ago must be asked again before promotion."""
    today = today or timezone.localdate()
    confirmed_on = enrolment.interest_confirmed_on
    return confirmed_on is None or confirmed_on < today - timedelta(days=settings.RESERVE_RECONFIRM_DAYS)


def selection_carry_over_enrolments(*, user, cohort: Cohort) -> QuerySet[Enrolment]:
    """Who may be carried to another cohort: those on the reserve list or not selected."""
    return (
        enrolment_list(user=user)
        .filter(cohort=cohort, status__in=CARRY_OVER)
        .order_by("status", "reserve_position", "candidate__last_name", "candidate__first_name", "pk")
    )


def selection_carry_over_targets(*, user, cohort: Cohort) -> QuerySet[Cohort]:
    """Open cohorts of pilots the user works on that have not ended: a next round or another track."""
    return (
        Cohort.objects.open()
        .filter(pilot__in=pilot_list(user=user), end_date__gte=timezone.localdate())
        .exclude(pk=cohort.pk)
        .select_related("pilot")
        .order_by("start_date", "pilot__name", "name")
    )


@dataclass(frozen=True)
class BoardCard:
    enrolment: Enrolment
    days_in_stage: int
    allowed_targets: list[tuple[str, str]]  # (status, label) in the order of the life cycle

    @property
    def allowed_values(self) -> str:
        return " ".join(value for value, _label in self.allowed_targets)

    @property
    def score_label(self) -> str:
        score = getattr(self.enrolment, "latest_score", None)
        if score is None:
            return ""
        return gettext("score %(score)s/%(max)s") % {"score": score, "max": Screening.MAX_SCORE}

    @property
    def days_label(self) -> str:
        return ngettext("%(days)s day in this stage", "%(days)s days in this stage", self.days_in_stage) % {
            "days": self.days_in_stage
        }


@dataclass(frozen=True)
class BoardColumn:
    status: str
    label: str
    count: int
    cards: list[BoardCard]
    page: Page | None = None  # the expanded column's page of cards; the other columns show their first cards

    @property
    def is_truncated(self) -> bool:
        return self.page is None and len(self.cards) < self.count


def board_enrolments(*, user, pilot: Pilot, cohort: Cohort | None = None) -> QuerySet[Enrolment]:
    enrolments = enrolment_list(user=user).filter(cohort__pilot=pilot)
    if cohort is not None:
        enrolments = enrolments.filter(cohort=cohort)
    return enrolments


# Within a column: the best latest screening first, then who waits longest in the stage.
_CARD_ORDER = (F("latest_score").desc(nulls_last=True), F("status_changed_at").asc(nulls_last=True), F("pk").asc())


# What a card shows (candidates.views.board.CardDrawer) and what _board_card reads.
_CARD_FIELDS = (
    "status",
    "status_changed_at",
    "created_at",
    *name_fields("candidate"),
    "cohort__name",
)


def _board_card(enrolment: Enrolment, now: datetime, targets: dict[str, list[tuple[str, str]]]) -> BoardCard:
    """A card; `targets` keeps the steps allowed from each status (the life cycle's, labelled) for a board's cards."""
    since = enrolment.status_changed_at or enrolment.created_at
    if enrolment.status not in targets:
        targets[enrolment.status] = [
            (status, str(EnrolmentStatus(status).label)) for status in enrolment.allowed_statuses()
        ]
    return BoardCard(
        enrolment=enrolment,
        days_in_stage=max((now - since).days, 0),
        allowed_targets=targets[enrolment.status],
    )


def board_columns(
    *,
    user,
    pilot: Pilot,
    cohort: Cohort | None = None,
    expanded: str | None = None,
    page: str | int | None = 1,
    column_size: int = BOARD_COLUMN_SIZE,
    expanded_size: int = BOARD_EXPANDED_SIZE,
) -> list[BoardColumn]:
    """A column per life-cycle stage with its count and first cards, in a fixed number of queries.

    One query numbers the narrow rows of the scope (an enrolment, its status and latest screening score, which the
    enrolment keeps) within each status
    with a window function and counts each status, keeping the ids of the first `column_size` of every column
    however many enrolments the pilot has; one more reads those cards with their candidate and cohort. The
    expanded column is read a page of `expanded_size` cards at a time (three queries more: its count, the page's
    ids and their rows).
    """
    # The latest score as the screening service keeps it on the enrolment: no screening is read for the numbering.
    scored = board_enrolments(user=user, pilot=pilot, cohort=cohort).annotate(latest_score=F("latest_screening_score"))
    firsts = list(
        scored.annotate(
            column_position=Window(RowNumber(), partition_by=F("status"), order_by=list(_CARD_ORDER)),
            column_count=Window(Count("pk"), partition_by=F("status")),
        )
        .filter(column_position__lte=column_size)
        .order_by(*_CARD_ORDER)
        .values_list("pk", "status", "column_count", "latest_score")
    )
    counts = {status: count for _pk, status, count, _score in firsts}
    expanded_page = None
    if expanded in EnrolmentStatus.values:
        paginator = IdsFirstPaginator(scored.filter(status=expanded).order_by(*_CARD_ORDER), expanded_size)
        expanded_page = paginator.get_page(page)
        firsts = [first for first in firsts if first[1] != expanded]
    # The cards' few fields only (the scores came with the numbering): a hundred full rows of three tables cost
    # more to build than to read.
    read = (
        Enrolment.objects.filter(pk__in=[pk for pk, _status, _count, _score in firsts])
        .select_related("candidate", "cohort")
        .only(*_CARD_FIELDS)
        .order_by()
        .in_bulk()
    )
    first_cards = []
    for pk, _status, _count, score in firsts:
        if pk in read:
            read[pk].latest_score = score  # type: ignore[attr-defined]  # as board_columns' numbering read it
            first_cards.append(read[pk])

    now = timezone.now()
    by_status: dict[str, list[BoardCard]] = {status: [] for status in EnrolmentStatus.values}
    targets: dict[str, list[tuple[str, str]]] = {}
    for enrolment in [*first_cards, *(expanded_page or ())]:
        by_status[enrolment.status].append(_board_card(enrolment, now, targets))
    return [
        BoardColumn(
            status=status.value,
            label=str(status.label),
            count=counts.get(status.value, 0),
            cards=by_status[status],
            page=expanded_page if status == expanded else None,
        )
        for status in EnrolmentStatus
    ]


# --- Imports and the adviser's start page ------------------------------------------------------------------

# A row that may be someone already registered shows at most this many of the candidates it resembles.
IMPORT_DUPLICATES_SHOWN = 5
# The start page lists cohorts that start within this many days.
STARTING_SOON_DAYS = 28


def import_row_duplicates(*, user, values: dict) -> QuerySet[Candidate]:
    """The candidates the user can see that a valid row of a referral list may be, for the import's preview."""
    return candidate_duplicates(
        user=user,
        email=values.get("email", ""),
        first_name=values["first_name"],
        last_name=values["last_name"],
        date_of_birth=values["date_of_birth"],
    )[:IMPORT_DUPLICATES_SHOWN]


def candidate_import_list(*, user) -> QuerySet[CandidateImport]:
    """The imports into cohorts of the pilots the user works on, newest first."""
    imports = CandidateImport.objects.select_related("uploaded_by", "cohort__pilot").order_by("-at", "-pk")
    if user.role == Role.ADMINISTRATOR:
        return imports
    if user.role != Role.ADVISER:
        return imports.none()
    return imports.filter(cohort__pilot__in=pilot_list(user=user))


@dataclass(frozen=True)
class StageCount:
    status: str
    label: str
    count: int


def adviser_stage_counts(*, user) -> list[StageCount]:
    """How many enrolments of the adviser's own candidates are in each stage, in the order of the life cycle."""
    rows = (
        enrolment_list(user=user)
        .filter(advised_by(user))
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    counts = dict(rows)
    return [
        StageCount(status=status.value, label=str(status.label), count=counts.get(status.value, 0))
        for status in EnrolmentStatus
    ]


def adviser_week_appointments(*, user, today: date | None = None) -> QuerySet[ScreeningAppointment]:
    """The adviser's planned screenings in the current ISO week (Monday to Sunday, local time)."""
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    # Both ends from the calendar, not start + 7 × 24 hours: a week with a clock change is an hour shorter or longer.
    start = timezone.make_aware(datetime.combine(monday, time.min))
    end = timezone.make_aware(datetime.combine(monday + timedelta(days=7), time.min))
    return (
        ScreeningAppointment.objects.filter(
            adviser=user, status=AppointmentStatus.PLANNED, starts_at__gte=start, starts_at__lt=end
        )
        .select_related("enrolment__candidate", "enrolment__cohort")
        .order_by("starts_at", "pk")
    )


def adviser_starting_cohorts(*, user, today: date | None = None) -> QuerySet[Cohort]:
    """Cohorts of the adviser's pilots that start within four weeks, with their seats taken."""
    today = today or timezone.localdate()
    return with_seat_counts(
        cohort_list(user=user).filter(start_date__gte=today, start_date__lte=today + timedelta(days=STARTING_SOON_DAYS))
    )


# --- Seats taken per cohort -----------------------------------------------------------------------------------


class SeatCounts(TypedDict):
    enrolment_count: int
    selected_count: int


def with_seat_counts(cohorts: QuerySet[Cohort]) -> "QuerySet[WithAnnotations[Cohort, SeatCounts]]":
    """The cohorts with enrolment_count and selected_count (the enrolments holding a seat), in the same query.

    Kept out of pilots.selectors.cohort_list, which pages use to scope a cohort: which enrolments hold a seat is
    the candidates' life cycle (SEAT_HOLDING), and most pages that look a cohort up need no counts.
    """
    return cohorts.annotate(
        enrolment_count=_count_per_cohort(Enrolment.objects.all()),
        selected_count=_count_per_cohort(Enrolment.objects.filter(status_in(SEAT_HOLDING))),
    )


def _count_per_cohort(enrolments: QuerySet[Enrolment]) -> Coalesce:
    """How many of the enrolments the cohort of the row has, as a subquery per cohort: it counts in the index of
    (cohort, status) for the cohorts a page shows, where a join grouped by cohort sorts every enrolment of them."""
    counted = enrolments.filter(cohort=OuterRef("pk")).order_by().values("cohort").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def adviser_stale_reserves(*, user, today: date | None = None) -> QuerySet[Enrolment]:
    """The adviser's candidates on a reserve list whose interest was never or too long ago confirmed.

    The same rule as selection_interest_is_stale, as a filter.
    """
    today = today or timezone.localdate()
    threshold = today - timedelta(days=settings.RESERVE_RECONFIRM_DAYS)
    return (
        enrolment_list(user=user)
        .filter(advised_by(user), status=EnrolmentStatus.RESERVE)
        .filter(Q(interest_confirmed_on__isnull=True) | Q(interest_confirmed_on__lt=threshold))
        .order_by(F("interest_confirmed_on").asc(nulls_first=True), "cohort__start_date", "reserve_position", "pk")
    )


def advised_by(user, *, candidate: str = "candidate_id") -> InSubqueryArray:
    """A condition: the row belongs to a candidate the user advises (Candidate.adviser); `candidate` names the
    row's candidate id. The lists of the adviser's start page filter on it: the caseload is read first, in the
    index of the adviser, and the rows through the index of their candidate, not by hashing every enrolment.
    """
    return InSubqueryArray(candidate, Candidate.objects.filter(adviser=user).order_by().values("pk"))


def adviser_caseload(*, user) -> QuerySet[Candidate]:
    """The candidates the adviser follows, within what the user may see."""
    return candidate_list(user=user).filter(adviser=user)


def _gap_count_sql(alias: str) -> RawSQL:
    """completeness.gap_count() for a query of candidates, compiled once per database: the expression is the same
    for every user, and building its CASE per requirement cost more time than the query it stands in."""
    sql, params = _compiled_gap_count(alias, connections[alias].vendor)
    return RawSQL(sql, params, output_field=IntegerField())  # noqa: S611 - SQL compiled by the ORM, no input


@functools.cache
def _compiled_gap_count(alias: str, vendor: str) -> tuple[str, tuple]:
    query = Candidate.objects.all().query
    sql, params = query.get_compiler(using=alias).compile(gap_count().resolve_expression(query))
    return sql, tuple(params)


def adviser_record_gaps(*, user, limit: int) -> tuple[list[Candidate], int]:
    """The first `limit` candidates of the caseload whose records lack what a selection needs, most gaps first
    (then by name), and how many there are in all: one query, however large the caseload.

    Records whose data was erased are left out: nothing can be filled in on them any more.
    """
    # An adviser's own candidates are all within what they may see (candidate_list), and an administrator sees
    # every candidate: for them the caseload is the candidates they advise, without the scope's conditions.
    caseload = (
        Candidate.objects.filter(adviser=user)
        if user.role in (Role.ADVISER, Role.ADMINISTRATOR)
        else adviser_caseload(user=user)
    )
    rows: list[Any] = list(
        caseload.filter(requirements_met_when_erased__isnull=True)
        .alias(gaps=_gap_count_sql(caseload.db))
        .filter(gaps__gt=0)
        .annotate(gap_total=Window(Count("pk")))
        .only(*NAME_FIELDS, *CHECKED_FIELDS)
        .order_by("-gaps", "last_name", "first_name", "pk")[:limit]
    )
    return rows, (rows[0].gap_total if rows else 0)


# --- The candidate page -----------------------------------------------------------------------------
# The timeline is read in candidates/timeline.py.

# Free notes are the advisers' working notes; training partners read the candidate's page without them.
NOTE_READER_ROLES = frozenset({Role.ADVISER, Role.COORDINATOR, Role.ADMINISTRATOR})
