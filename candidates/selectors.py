"""Reads of candidates and enrolments, scoped to what the user may see."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.roles import Role
from pilots.models import Cohort, Pilot
from pilots.selectors import cohort_list, pilot_list

from .lifecycle import CARRY_OVER, SEAT_HOLDING, SELECTION, status_in
from .models import (
    AdviserChange,
    AppointmentStatus,
    Candidate,
    CandidateImport,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    Note,
    Outcome,
    Screening,
    ScreeningAppointment,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def candidate_list(*, user) -> QuerySet[Candidate]:
    """Candidates enrolled in a pilot the user works on, plus those an adviser registered without one yet."""
    if user.role == Role.ADMINISTRATOR:
        return Candidate.objects.all()
    if user.role not in (Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER):
        return Candidate.objects.none()
    in_pilots = Q(enrolments__cohort__pilot__in=pilot_list(user=user))
    if user.role == Role.ADVISER:
        in_pilots |= Q(adviser=user)
    return Candidate.objects.filter(in_pilots).distinct()


def enrolment_list(*, user) -> QuerySet[Enrolment]:
    if user.role == Role.ADMINISTRATOR:
        enrolments = Enrolment.objects.all()
    elif user.role in (Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER):
        enrolments = Enrolment.objects.filter(cohort__pilot__in=pilot_list(user=user))
    else:
        enrolments = Enrolment.objects.none()
    return enrolments.select_related("candidate", "cohort", "cohort__pilot")


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

# A large column (the leerlingpoule had 332 applicants) shows this many cards until "show all".
BOARD_COLUMN_SIZE = 50


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
    """Cohorts of pilots the user works on that have not ended: a next round or another track."""
    return (
        Cohort.objects.filter(pilot__in=pilot_list(user=user), end_date__gte=timezone.localdate())
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


@dataclass(frozen=True)
class BoardColumn:
    status: str
    label: str
    count: int
    cards: list[BoardCard]

    @property
    def is_truncated(self) -> bool:
        return len(self.cards) < self.count


def board_enrolments(*, user, pilot: Pilot, cohort: Cohort | None = None) -> QuerySet[Enrolment]:
    enrolments = enrolment_list(user=user).filter(cohort__pilot=pilot)
    if cohort is not None:
        enrolments = enrolments.filter(cohort=cohort)
    return enrolments


def board_columns(
    *,
    user,
    pilot: Pilot,
    cohort: Cohort | None = None,
    expanded: str | None = None,
    column_size: int = BOARD_COLUMN_SIZE,
) -> list[BoardColumn]:
    """A column per life-cycle stage with its count and first cards, in a fixed number of queries.

    A window function numbers the cards within each status, so one query returns the first
    `column_size` of every column however many enrolments the pilot has; the expanded column
    is read in full with one more.
    """
    enrolments = board_enrolments(user=user, pilot=pilot, cohort=cohort)
    counts = dict(enrolments.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    card_order = [F("latest_score").desc(nulls_last=True), F("status_changed_at").asc(nulls_last=True), F("pk").asc()]
    scored = _with_latest_screening(enrolments)
    first_cards = (
        scored.annotate(column_position=Window(RowNumber(), partition_by=F("status"), order_by=card_order))
        .filter(column_position__lte=column_size)
        .order_by(*card_order)
    )
    if expanded in EnrolmentStatus.values:
        cards = [*first_cards.exclude(status=expanded), *scored.filter(status=expanded).order_by(*card_order)]
    else:
        cards = list(first_cards)

    now = timezone.now()
    by_status: dict[str, list[BoardCard]] = {status: [] for status in EnrolmentStatus.values}
    for enrolment in cards:
        since = enrolment.status_changed_at or enrolment.created_at
        by_status[enrolment.status].append(
            BoardCard(
                enrolment=enrolment,
                days_in_stage=max((now - since).days, 0),
                allowed_targets=[
                    (status, str(EnrolmentStatus(status).label)) for status in enrolment.allowed_statuses()
                ],
            )
        )
    return [
        BoardColumn(
            status=status.value, label=str(status.label), count=counts.get(status.value, 0), cards=by_status[status]
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
        .filter(candidate__adviser=user)
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
        enrolment_count=Count("enrolments", distinct=True),
        selected_count=Count("enrolments", filter=status_in(SEAT_HOLDING, "enrolments__"), distinct=True),
    )


def adviser_stale_reserves(*, user, today: date | None = None) -> QuerySet[Enrolment]:
    """The adviser's candidates on a reserve list whose interest was never or too long ago confirmed.

    The same rule as selection_interest_is_stale, as a filter.
    """
    today = today or timezone.localdate()
    threshold = today - timedelta(days=settings.RESERVE_RECONFIRM_DAYS)
    return (
        enrolment_list(user=user)
        .filter(candidate__adviser=user, status=EnrolmentStatus.RESERVE)
        .filter(Q(interest_confirmed_on__isnull=True) | Q(interest_confirmed_on__lt=threshold))
        .order_by(F("interest_confirmed_on").asc(nulls_first=True), "cohort__start_date", "reserve_position", "pk")
    )


def adviser_caseload(*, user) -> QuerySet[Candidate]:
    """The candidates the adviser follows, within what the user may see."""
    return candidate_list(user=user).filter(adviser=user)


# --- The candidate page: the timeline ----------------------------------------------------------------

# Free notes are the advisers' working notes; training partners read the candidate's page without them.
NOTE_READER_ROLES = frozenset({Role.ADVISER, Role.COORDINATOR, Role.ADMINISTRATOR})

# The kinds of event in the order in which they follow each other when they share a moment: one
# service call records the appointment or screening and the status change it causes at once.
TIMELINE_ICONS = {
    "import": "file-earmark-arrow-up",
    "registered": "person-plus",
    "appointment": "calendar-event",
    "screening": "clipboard-check",
    "outcome": "flag",
    "status": "arrow-right-circle",
    "placement": "building",
    "adviser": "people",
    "note": "chat-left-text",
    "change": "pencil-square",
}
_TIMELINE_RANK = {kind: rank for rank, kind in enumerate(TIMELINE_ICONS)}


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str  # a key of TIMELINE_ICONS
    title: str
    detail: str = ""
    by: object = None  # the user who did it; None when the portal did it by itself

    @property
    def icon(self) -> str:
        return TIMELINE_ICONS.get(self.kind, "dot")


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _status_events(transitions) -> list[TimelineEvent]:
    events = []
    for step in transitions:
        cohort = step.enrolment.cohort.name
        if not step.from_status:
            title = _("Enrolled in %(cohort)s as %(status)s") % {
                "cohort": cohort,
                "status": step.get_to_status_display(),
            }
        elif step.from_status == step.to_status:
            title = _("%(cohort)s: still %(status)s") % {"cohort": cohort, "status": step.get_to_status_display()}
        else:
            title = _("%(cohort)s: %(from)s → %(to)s") % {
                "cohort": cohort,
                "from": step.get_from_status_display(),
                "to": step.get_to_status_display(),
            }
        events.append(TimelineEvent(at=step.at, kind="status", title=title, detail=step.reason, by=step.by_user))
    return events


def _appointment_events(appointments) -> list[TimelineEvent]:
    events = []
    for appointment in appointments:
        title = _("Screening appointment for %(cohort)s on %(when)s") % {
            "cohort": appointment.enrolment.cohort.name,
            "when": _when(appointment.starts_at),
        }
        detail = _("%(place)s, with %(adviser)s (%(status)s)") % {
            "place": appointment.location,
            "adviser": appointment.adviser,
            "status": appointment.get_status_display(),
        }
        events.append(
            TimelineEvent(
                at=appointment.created_at, kind="appointment", title=title, detail=detail, by=appointment.created_by
            )
        )
    return events


def _screening_events(screenings) -> list[TimelineEvent]:
    events = []
    for screening in screenings:
        title = _("Screened for %(cohort)s: %(total)s of %(max)s points") % {
            "cohort": screening.enrolment.cohort.name,
            "total": screening.total_score,
            "max": Screening.MAX_SCORE,
        }
        detail = _("Screened on %(day)s; recommendation: %(recommendation)s") % {
            "day": date_format(screening.screened_on, "DATE_FORMAT"),
            "recommendation": screening.get_recommendation_display(),
        }
        events.append(
            TimelineEvent(at=screening.created_at, kind="screening", title=title, detail=detail, by=screening.adviser)
        )
    return events


def _outcome_events(outcomes) -> list[TimelineEvent]:
    events = []
    for outcome in outcomes:
        title = _("Outcome for %(cohort)s: %(outcome)s") % {
            "cohort": outcome.enrolment.cohort.name,
            "outcome": outcome.get_kind_display(),
        }
        where = outcome.employer.organisation.name if outcome.employer_id else outcome.employer_name
        parts = (where, outcome.get_contract_type_display(), outcome.next_step)
        detail = " · ".join(part for part in parts if part)
        events.append(
            TimelineEvent(at=outcome.created_at, kind="outcome", title=title, detail=detail, by=outcome.recorded_by)
        )
    return events


def _adviser_events(changes) -> list[TimelineEvent]:
    events = []
    for change in changes:
        title = _("Adviser changed from %(from)s to %(to)s") % {
            "from": change.from_adviser or _("nobody"),
            "to": change.to_adviser,
        }
        events.append(TimelineEvent(at=change.at, kind="adviser", title=title, detail=change.reason, by=change.by_user))
    return events


# Per audited model, the fields whose change the timeline does not list from the history: bookkeeping, and
# what another event already tells (a status change, a hand-over, an answer of the employer).
UNTOLD_FIELDS = frozenset({"id", "created_at", "updated_at"})
_UNTOLD_CANDIDATE_FIELDS = UNTOLD_FIELDS | {"adviser", "consent_recorded_by", "anonymised_at"}
_UNTOLD_ENROLMENT_FIELDS = UNTOLD_FIELDS | {
    "candidate",
    "cohort",
    "status",
    "status_changed_at",
    "started_on",
    "ended_on",
    "dropout_reason",
    "reserve_position",
    "interest_confirmed_on",
}
_UNTOLD_OUTCOME_FIELDS = UNTOLD_FIELDS | {"enrolment", "recorded_by"}


def _changed_fields(model, previous, current, untold: frozenset[str]) -> list[str]:
    """The labels of the fields that differ between two saved versions, in the model's order."""
    return [
        str(field.verbose_name)
        for field in model._meta.concrete_fields
        if field.name not in untold
        and not field.generated
        and getattr(previous, field.attname) != getattr(current, field.attname)
    ]


def change_events(model, records, untold: frozenset[str], title) -> list[TimelineEvent]:
    """An event for each saved change of an audited row, naming the fields that changed, never their values.

    `records` are the row's history versions; `title(record, fields)` says what changed. Creating a row is
    told by its own event, so only changes count; a save that changed only untold fields adds nothing.
    """
    events = []
    previous_by_object: dict[int, object] = {}
    for record in sorted(records, key=lambda record: (record.history_date, record.history_id)):
        previous = previous_by_object.get(record.id)
        previous_by_object[record.id] = record
        if previous is None or record.history_type != "~":
            continue
        fields = _changed_fields(model, previous, record, untold)
        if fields:
            events.append(
                TimelineEvent(
                    at=record.history_date,
                    kind="change",
                    title=title(record, ", ".join(fields)),
                    by=record.history_user,
                )
            )
    return events


def _history_events(*, candidate: Candidate, enrolments) -> list[TimelineEvent]:
    """What the history tables hold beyond the other events: edits of the person's details, of an enrolment or
    an outcome. One query per table, whatever the number of changes."""
    events = change_events(
        Candidate,
        Candidate.history.filter(id=candidate.pk).select_related("history_user"),
        _UNTOLD_CANDIDATE_FIELDS,
        lambda record, fields: _("Details changed: %(fields)s") % {"fields": fields},
    )
    events += change_events(
        Enrolment,
        Enrolment.history.filter(id__in=enrolments.values("pk")).select_related("history_user", "cohort"),
        _UNTOLD_ENROLMENT_FIELDS,
        lambda record, fields: _("%(cohort)s: changed %(fields)s") % {"cohort": record.cohort.name, "fields": fields},
    )
    events += change_events(
        Outcome,
        Outcome.history.filter(enrolment_id__in=enrolments.values("pk")).select_related(
            "history_user", "enrolment__cohort"
        ),
        _UNTOLD_OUTCOME_FIELDS,
        lambda record, fields: (
            _("Outcome for %(cohort)s changed: %(fields)s") % {"cohort": record.enrolment.cohort.name, "fields": fields}
        ),
    )
    return events


def timeline_order(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    """Newest first; events of the same moment in the order in which they follow each other."""
    return sorted(events, key=lambda event: (event.at, _TIMELINE_RANK.get(event.kind, 0)), reverse=True)


def candidate_events(*, candidate: Candidate, user=None) -> list[TimelineEvent]:
    """What happened to a candidate in this app, newest first, in a fixed number of queries: the candidate's
    page adds the placements (employers.selectors.candidate_timeline).

    With a user, only what that user may see: the enrolments of their pilots, and the notes only for the roles
    that work with them.
    """
    enrolments: QuerySet[Enrolment]
    if user is None:
        enrolments = Enrolment.objects.filter(candidate=candidate)
        imports = CandidateImport.objects.filter(candidates=candidate)
        show_notes = True
    else:
        enrolments = enrolment_list(user=user).filter(candidate=candidate)
        imports = CandidateImport.objects.filter(candidates=candidate)
        if user.role != Role.ADMINISTRATOR:
            imports = imports.filter(cohort__pilot__in=pilot_list(user=user))
        show_notes = user.role in NOTE_READER_ROLES

    events = [
        TimelineEvent(
            at=candidate.created_at,
            kind="registered",
            title=_("Registered in the portal"),
            detail=_("Consent recorded for: %(purpose)s") % {"purpose": candidate.consent_purpose}
            if candidate.has_consent
            else "",
            by=candidate.consent_recorded_by,
        )
    ]
    events += _status_events(
        EnrolmentTransition.objects.filter(enrolment__in=enrolments).select_related("by_user", "enrolment__cohort")
    )
    events += _appointment_events(
        ScreeningAppointment.objects.filter(enrolment__in=enrolments).select_related(
            "created_by", "adviser", "enrolment__cohort"
        )
    )
    events += _screening_events(
        Screening.objects.filter(enrolment__in=enrolments).select_related("adviser", "enrolment__cohort")
    )
    events += _outcome_events(
        Outcome.objects.filter(enrolment__in=enrolments).select_related(
            "recorded_by", "employer__organisation", "enrolment__cohort"
        )
    )
    events += [
        TimelineEvent(
            at=record.at,
            kind="import",
            title=_("Imported from %(file)s") % {"file": record.file_name},
            detail=_("Into %(cohort)s") % {"cohort": record.cohort.name},
            by=record.uploaded_by,
        )
        for record in imports.select_related("uploaded_by", "cohort")
    ]
    events += _adviser_events(
        AdviserChange.objects.filter(candidate=candidate).select_related("from_adviser", "to_adviser", "by_user")
    )
    if show_notes:
        events += [
            TimelineEvent(at=note.created_at, kind="note", title=_("Note"), detail=note.text, by=note.author)
            for note in Note.objects.filter(candidate=candidate).select_related("author")
        ]
    events += _history_events(candidate=candidate, enrolments=enrolments)
    return timeline_order(events)
