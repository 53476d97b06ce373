"""Reads of what happens during and after the track: rhythm, attendance, results, certificates, coaching notes,
evaluations, dropout and follow-up.

Kept beside selectors.py rather than in it, so the intake and the progress of a track can change independently;
the writes live in progress.py.

Definitions the pages, the e-mail and the evaluation report share:

Attendance percentage
    present / marked sessions × 100, over the sessions that have a mark for the candidate. Sick and absent with
    notice are absences: they count in the denominator and lower the percentage, because the report states how
    much of the programme someone followed. Beside it, the unexcused absence percentage is absent without notice
    / marked sessions × 100; sick and absent with notice are the excused absences.
    A session without a mark (a day still to come, a holiday, a day before someone started, a day not yet
    recorded) is not counted at all, so a partial week only counts its recorded days. Without any marked session
    both percentages are None: unknown, neither 0 nor 100. All sick is 0% attendance and 0% unexcused absence.
Per module
    The marks on sessions linked to that module (a VCA exam day, a module's lessons); the cohort's plain school
    and internship days belong to no single module.
Attendance flag
    A started candidate whose attendance over the last ATTENDANCE_WINDOW_DAYS days (today included) is below
    ATTENDANCE_THRESHOLD_PERCENT; exactly the threshold is not below it. No marked session in the window: no flag.
Follow-up due / overdue
    An unanswered follow-up is listed from FOLLOWUP_HORIZON_DAYS before its due date; it is overdue once its due
    date has passed, and it stays listed (flagged) until it is answered: a missed check is never dropped.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import timezone

from core.models import User
from core.roles import Role
from pilots.models import Cohort, CohortModule, ReferenceItem, ReferenceKind, TrackWeekday
from pilots.selectors import cohort_learning_line, labelled_codes

from .lifecycle import POSITIVE_OUTFLOW, STARTED
from .models import (
    Attendance,
    AttendanceKind,
    AttendanceSession,
    AttendanceStatus,
    Certificate,
    CoachingNote,
    Enrolment,
    EnrolmentStatus,
    Evaluation,
    EvaluationMoment,
    FollowUp,
    FollowUpMonths,
    ModuleResult,
    NoteVisibility,
    name_fields,
)
from .selectors import advised_by, enrolment_list

# An unanswered follow-up shows this many days before it is due, so a week's calls can be planned.
FOLLOWUP_HORIZON_DAYS = 7


# --- The weekly rhythm and the learning line ------------------------------------------------------------------


@dataclass(frozen=True)
class Rhythm:
    """The cohort's week: which weekdays ("mon" to "fri") are internship days and which are school days."""

    internship: tuple[str, ...]
    school: tuple[str, ...]
    inherited: bool  # True when derived from the pilot's counts, not set for the cohort

    def kind_on(self, day: date) -> str | None:
        """AttendanceKind of the day, or None when the cohort has nothing planned on it."""
        weekdays = TrackWeekday.values
        code = weekdays[day.weekday()] if day.weekday() < len(weekdays) else None
        if code in self.internship:
            return AttendanceKind.INTERNSHIP
        if code in self.school:
            return AttendanceKind.SCHOOL
        return None


def cohort_rhythm(cohort: Cohort) -> Rhythm:
    """The cohort's weekly rhythm: its own days, or a default from the pilot's counts when it has none.

    The default puts the internship days first in the week and the school days after them: the pilot's
    "two internship days and one school day" becomes internship on Monday and Tuesday, school on Wednesday.
    """
    if cohort.internship_weekdays or cohort.school_weekdays:
        return Rhythm(
            internship=tuple(cohort.internship_weekdays), school=tuple(cohort.school_weekdays), inherited=False
        )
    weekdays = TrackWeekday.values
    internship_days = cohort.pilot.internship_days_per_week
    school_days = cohort.pilot.school_days_per_week
    return Rhythm(
        internship=tuple(weekdays[:internship_days]),
        school=tuple(weekdays[internship_days : internship_days + school_days]),
        inherited=True,
    )


# --- Attendance --------------------------------------------------------------------------------------------


def week_monday(day: date) -> date:
    """The Monday of the ISO week the day falls in."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class AttendanceRate:
    """Counts of one candidate's marks; the percentages follow the module's definitions."""

    present: int = 0
    absent_with_notice: int = 0
    absent_without_notice: int = 0
    sick: int = 0

    @property
    def marked(self) -> int:
        return self.present + self.absent_with_notice + self.absent_without_notice + self.sick

    @property
    def excused(self) -> int:
        return self.absent_with_notice + self.sick

    @property
    def percentage(self) -> float | None:
        """Present / marked sessions × 100, to one decimal; None without marked sessions."""
        return round(100 * self.present / self.marked, 1) if self.marked else None

    @property
    def unexcused_percentage(self) -> float | None:
        """Absent without notice / marked sessions × 100, to one decimal; None without marked sessions."""
        return round(100 * self.absent_without_notice / self.marked, 1) if self.marked else None

    def is_below(self, threshold_percent: int) -> bool:
        """Below the threshold, compared in whole numbers so exactly 80% is not below 80."""
        return self.marked > 0 and self.present * 100 < threshold_percent * self.marked

    @staticmethod
    def below(*, present: F, marked: F, threshold_percent: int) -> Q:
        """is_below as a condition on counts of marks in a query (`present` and `marked` name them)."""
        return Q(GreaterThan(marked * threshold_percent, present * 100)) & Q(GreaterThan(marked, 0))

    @classmethod
    def of(cls, statuses: Iterable[str | None]) -> "AttendanceRate":
        counts = dict.fromkeys(AttendanceStatus.values, 0)
        for status in statuses:
            if status is not None:
                counts[status] += 1
        return cls(**counts)


def _rate_counts() -> dict[str, Count]:
    # In the order of AttendanceStatus, which is the order of AttendanceRate's fields.
    return {f"marks_{status}": Count("pk", filter=Q(status=status)) for status in AttendanceStatus.values}


def _marks(
    *, cohort_module: CohortModule | None = None, since: date | None = None, until: date | None = None
) -> QuerySet[Attendance]:
    marks = Attendance.objects.all()
    if cohort_module is not None:
        marks = marks.filter(session__cohort_module=cohort_module)
    if since is not None:
        marks = marks.filter(session__date__gte=since)
    if until is not None:
        marks = marks.filter(session__date__lte=until)
    return marks


def attendance_rates(
    *,
    enrolments: Sequence[Enrolment],
    cohort_module: CohortModule | None = None,
    since: date | None = None,
    until: date | None = None,
) -> dict[int, AttendanceRate]:
    """The attendance of each given enrolment (by pk), in one query; an enrolment without marks gets an empty rate.

    With a cohort module only the sessions of that module count; since / until limit the session dates
    (both included).
    """
    rates = {enrolment.pk: AttendanceRate() for enrolment in enrolments}
    rows = (
        _marks(cohort_module=cohort_module, since=since, until=until)
        .filter(enrolment_id__in=list(rates))
        .order_by()
        .values_list("enrolment_id")
        .annotate(**_rate_counts())
    )
    for enrolment_id, *counts in rows:
        rates[enrolment_id] = AttendanceRate(*counts)
    return rates


def attendance_rate(
    *,
    enrolment: Enrolment,
    cohort_module: CohortModule | None = None,
    since: date | None = None,
    until: date | None = None,
) -> AttendanceRate:
    """One enrolment's attendance; see attendance_rates."""
    return attendance_rates(enrolments=[enrolment], cohort_module=cohort_module, since=since, until=until)[enrolment.pk]


def module_attendance_rates(*, cohort: Cohort) -> dict[int, AttendanceRate]:
    """Attendance per module of the cohort (by cohort module pk), over all its candidates, in one query."""
    rows = (
        Attendance.objects.filter(session__cohort=cohort, session__cohort_module__isnull=False)
        .order_by()
        .values_list("session__cohort_module_id")
        .annotate(**_rate_counts())
    )
    return {cohort_module_id: AttendanceRate(*counts) for cohort_module_id, *counts in rows}


@dataclass(frozen=True)
class AttendanceCell:
    session: AttendanceSession
    enrolment: Enrolment
    status: str | None  # None: not marked
    on_track: bool  # the candidate had started and not yet left on that day
    is_future: bool

    @property
    def key(self) -> tuple[int | None, int]:
        """The (session id, enrolment id) pair attendance_mark_week takes; no session id for an unsaved session."""
        return (self.session.pk, self.enrolment.pk)


@dataclass(frozen=True)
class AttendanceRow:
    enrolment: Enrolment
    cells: list[AttendanceCell]

    @property
    def rate(self) -> AttendanceRate:
        return AttendanceRate.of(cell.status for cell in self.cells)


@dataclass(frozen=True)
class AttendanceWeek:
    cohort: Cohort
    week_start: date  # a Monday
    sessions: list[AttendanceSession]
    rows: list[AttendanceRow] = field(default_factory=list)

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)


def on_track(enrolment: Enrolment, day: date) -> bool:
    """Whether the candidate had started and not yet left the track on that day."""
    started = enrolment.started_on is not None and enrolment.started_on <= day
    return started and (enrolment.ended_on is None or day <= enrolment.ended_on)


def rhythm_days(*, cohort: Cohort, week_start: date) -> dict[date, str]:
    """The week's days the cohort's rhythm plans, with their AttendanceKind; only days within the cohort's period."""
    monday = week_monday(week_start)
    rhythm = cohort_rhythm(cohort)
    days: dict[date, str] = {}
    for offset in range(7):
        day = monday + timedelta(days=offset)
        kind = rhythm.kind_on(day)
        if kind is not None and cohort.start_date <= day <= cohort.end_date:
            days[day] = kind
    return days


def attendance_week_planned(*, cohort: Cohort, week_start: date) -> list[AttendanceSession]:
    """The week's sessions as attendance_week_sessions would leave them, without writing anything.

    The existing sessions, less the unmarked ones of the rhythm whose day left the rhythm, and an unsaved
    session (no pk) for each day of the rhythm that has none yet. Saving a mark is what creates or removes
    them (attendance_week_sessions). One query.
    """
    monday = week_monday(week_start)
    planned = rhythm_days(cohort=cohort, week_start=monday)
    existing = list(
        AttendanceSession.objects.filter(cohort=cohort, date__range=(monday, monday + timedelta(days=6)))
        .select_related("cohort_module")
        .annotate(is_marked=Exists(Attendance.objects.filter(session=OuterRef("pk"))))
    )
    sessions = [
        session
        for session in existing
        if session.is_marked or not session.from_rhythm or planned.get(session.date) == session.kind
    ]
    # One session without a module per day and kind (the model's constraint), which the rhythm's day would be.
    held = {(session.date, session.kind) for session in sessions if session.cohort_module_id is None}
    unsaved = [
        AttendanceSession(cohort=cohort, date=day, kind=kind, from_rhythm=True)
        for day, kind in planned.items()
        if (day, kind) not in held
    ]
    return sorted([*sessions, *unsaved], key=_session_order)


def _session_order(session: AttendanceSession) -> tuple:
    """The grid's column order: by day and kind, a module's sessions by its position and the plain day last (as
    PostgreSQL orders a NULL position), then by age, an unsaved session last."""
    module = session.cohort_module
    return (
        session.date,
        session.kind,
        module is None,
        module.position if module is not None else 0,
        session.pk is None,
        session.pk or 0,
    )


ATTENDANCE_ROW_FIELDS = (
    "cohort_id",
    "status",
    "started_on",
    "ended_on",
    *name_fields("candidate"),
)


def attendance_week(*, cohort: Cohort, week_start: date, today: date | None = None) -> AttendanceWeek:
    """The attendance grid of one week: the week's sessions as columns, the candidates on the track as rows.

    Rows are the enrolments that were on the track at some day of the week (started on or before its Sunday,
    not ended before its Monday), so a past week still shows who left since. Three queries, however many
    candidates and sessions. The columns are those of attendance_week_planned: a day of the rhythm without a
    session yet is an unsaved session, whose cells have no mark.
    """
    today = today or timezone.localdate()
    monday = week_monday(week_start)
    sunday = monday + timedelta(days=6)
    sessions = attendance_week_planned(cohort=cohort, week_start=monday)
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort, status__in=STARTED, started_on__lte=sunday)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=monday))
        .select_related("candidate")
        # What a row shows and on_track reads: the candidate's name, the days on the track.
        .only(*ATTENDANCE_ROW_FIELDS)
        .order_by("candidate__last_name", "candidate__first_name", "pk")
    )
    # On the cohort and the week rather than the session ids, so an empty week takes the same three queries.
    # Unordered: a mark's default order joins its session, enrolment and candidate for nothing here.
    marks = {
        (session_id, enrolment_id): status
        for session_id, enrolment_id, status in Attendance.objects.filter(
            session__cohort=cohort, session__date__range=(monday, sunday)
        )
        .order_by()
        .values_list("session_id", "enrolment_id", "status")
    }
    rows = [
        AttendanceRow(
            enrolment=enrolment,
            cells=[
                AttendanceCell(
                    session=session,
                    enrolment=enrolment,
                    status=marks.get((session.pk, enrolment.pk)),
                    on_track=on_track(enrolment, session.date),
                    is_future=session.date > today,
                )
                for session in sessions
            ],
        )
        for enrolment in enrolments
    ]
    return AttendanceWeek(cohort=cohort, week_start=monday, sessions=sessions, rows=rows)


@dataclass(frozen=True)
class AttendanceFlag:
    enrolment: Enrolment
    rate: AttendanceRate


def attendance_flag_enrolments(*, user: User, today: date | None = None) -> QuerySet[Enrolment]:
    """The adviser's started candidates whose recent attendance is below the threshold, lowest first, each with
    the counts of its marks in the window (see attendance_flags_of).

    The window is the last ATTENDANCE_WINDOW_DAYS days up to and including today. The threshold is a condition of
    the query (AttendanceRate.below), so that a page reads the lowest few and counts the rest in the database
    instead of every started candidate of the caseload.
    """
    today = today or timezone.localdate()
    since = today - timedelta(days=settings.ATTENDANCE_WINDOW_DAYS - 1)
    threshold = settings.ATTENDANCE_THRESHOLD_PERCENT
    in_window = Q(attendance__session__date__range=(since, today))
    marks = {
        f"marks_{status}": Count("attendance", filter=in_window & Q(attendance__status=status))
        for status in AttendanceStatus.values
    }
    present = F(f"marks_{AttendanceStatus.PRESENT}")
    return (
        enrolment_list(user=user)
        .filter(advised_by(user), status=EnrolmentStatus.STARTED)
        .annotate(**marks, marked=Count("attendance", filter=in_window))
        .filter(AttendanceRate.below(present=present, marked=F("marked"), threshold_percent=threshold))
        .order_by(
            ExpressionWrapper(present * 1.0 / F("marked"), output_field=FloatField()), "candidate__last_name", "pk"
        )
    )


def attendance_flags_of(enrolments: Iterable[Enrolment]) -> list[AttendanceFlag]:
    """The enrolments of attendance_flag_enrolments with their rates."""
    return [
        AttendanceFlag(
            enrolment=enrolment,
            rate=AttendanceRate(
                **{status: getattr(enrolment, f"marks_{status}") for status in AttendanceStatus.values}
            ),
        )
        for enrolment in enrolments
    ]


def attendance_flags(*, user: User, today: date | None = None) -> list[AttendanceFlag]:
    """The adviser's started candidates whose recent attendance is below the threshold, lowest first; one query."""
    return attendance_flags_of(attendance_flag_enrolments(user=user, today=today))


# --- Results and certificates ------------------------------------------------------------------------------


def module_results_for(*, enrolment: Enrolment) -> list[tuple[CohortModule, ModuleResult | None]]:
    """Each module of the enrolment's cohort with the candidate's result in it, if any; two queries."""
    results = {result.cohort_module_id: result for result in enrolment.module_results.select_related("recorded_by")}
    return [(module, results.get(module.pk)) for module in cohort_learning_line(cohort=enrolment.cohort)]


def _track_completed() -> Q:
    # A dropout keeps its reason after moving on to outflow; a completed track has none.
    return Q(enrolment__status=EnrolmentStatus.COMPLETED) | Q(
        enrolment__status=EnrolmentStatus.OUTFLOW, enrolment__dropout_reason=""
    )


def counting_certificates() -> Q:
    """The certificates that count as a result: a certificate per unit (onderwijs op maat) or one recorded on
    its own always counts; a certificate of a module that is part of the whole track counts once the track
    was completed."""
    return Q(cohort_module__isnull=True) | Q(cohort_module__is_unit_certificate=True) | _track_completed()


def enrolment_certificates_count(*, enrolment: Enrolment) -> int:
    """How many of the enrolment's certificates count as a result (see counting_certificates)."""
    return enrolment.certificates.filter(counting_certificates()).count()


def certificates_of(*, enrolment: Enrolment) -> QuerySet[Certificate]:
    return enrolment.certificates.select_related("cohort_module").order_by("-issued_on", "name", "pk")


def _followed_enrolments(user: User) -> QuerySet[Enrolment]:
    """The enrolments the user follows: an adviser their own candidates, other roles those of their pilots."""
    enrolments = enrolment_list(user=user)
    if user.role == Role.ADVISER:
        enrolments = enrolments.filter(advised_by(user))
    return enrolments


def certificates_expiring(*, user: User, within_days: int = 90, today: date | None = None) -> QuerySet[Certificate]:
    """Certificates of the candidates the user follows that expire from today up to within_days days ahead."""
    today = today or timezone.localdate()
    return (
        Certificate.objects.filter(
            enrolment__in=_followed_enrolments(user), expires_on__range=(today, today + timedelta(days=within_days))
        )
        .select_related("enrolment__candidate", "enrolment__cohort")
        .order_by("expires_on", "pk")
    )


# --- Coaching notes and evaluations ---------------------------------------------------------------------------

# Who works in the coaching team: they read every note of the enrolments of their pilots.
COACHING_TEAM_ROLES = frozenset({Role.TRAINING_PARTNER, Role.ADMINISTRATOR})
# Who reads the notes shared with the adviser (and their own).
SHARED_NOTE_READER_ROLES = frozenset({Role.ADVISER, Role.COORDINATOR})


def coaching_notes_for(*, user: User, enrolment: Enrolment) -> QuerySet[CoachingNote]:
    """The coaching notes on the enrolment the user may read, newest first.

    Training partners and coaches (the coaching team) read all; advisers and coordinators the notes shared with
    the adviser and the ones they wrote themselves; host employers, and anyone without a role, never read any.
    Only for enrolments of pilots the user works on.
    """
    notes = CoachingNote.objects.filter(enrolment=enrolment).select_related("author").order_by("-created_at", "-pk")
    return readable_coaching_notes(user=user, notes=notes)


def readable_coaching_notes[Notes: QuerySet](*, user: User, notes: Notes) -> Notes:
    """The notes of `notes` the user may read: the one rule for the coaching page and the access request.

    `notes` is a queryset of coaching notes or of their history rows (both have the enrolment, the author and
    the visibility), so an older version of a note is read under the same rule as the note.
    """
    role = user.role
    if role == Role.ADMINISTRATOR:
        return notes
    if role not in COACHING_TEAM_ROLES | SHARED_NOTE_READER_ROLES:
        return notes.none()
    notes = notes.filter(enrolment__in=enrolment_list(user=user).values("pk"))
    if role in COACHING_TEAM_ROLES:
        return notes
    return notes.filter(Q(visibility=NoteVisibility.SHARED_WITH_ADVISER) | Q(author=user))


def evaluations_of(*, enrolment: Enrolment) -> QuerySet[Evaluation]:
    """The enrolment's evaluations with their goals, mid-term first; two queries."""
    return (
        enrolment.evaluations.select_related("by_user")
        .prefetch_related(Prefetch("goals"))
        .order_by("held_on", "moment", "pk")
    )


# --- Leaving the track: dropout -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DropoutCount:
    reason: str
    label: str
    count: int
    to_work: int  # of these, flowed out to work (found work elsewhere, or work or education found afterwards)

    @property
    def without_work(self) -> int:
        return self.count - self.to_work


def dropout_counts(*, cohorts: Iterable[Cohort] | QuerySet[Cohort]) -> list[DropoutCount]:
    """Dropouts per reason, in the order of the dropout reason list, with how many of them flowed out to work.

    "Found work elsewhere" is a reason to leave that ends in outflow to work, so a report subtracts to_work
    from the dropouts it counts as failure. One query.
    """
    rows = (
        Enrolment.objects.filter(cohort__in=cohorts)
        .exclude(dropout_reason="")
        .order_by()
        .values("dropout_reason")
        .annotate(n=Count("pk"), to_work=Count("pk", filter=Q(outcome__kind__in=POSITIVE_OUTFLOW)))
    )
    by_reason = {row["dropout_reason"]: row for row in rows}
    labels = ReferenceItem.objects.labels(ReferenceKind.DROPOUT_REASON)
    return [
        DropoutCount(reason=code, label=label, count=by_reason[code]["n"], to_work=by_reason[code]["to_work"])
        for code, label in labelled_codes(labels, by_reason)
        if code in by_reason
    ]


# --- Follow-up after outflow ------------------------------------------------------------------------------


def _open_followups(*, until: date, today: date) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(answered_on__isnull=True, due_on__lte=until)
        .annotate(
            is_overdue=Case(When(due_on__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField())
        )
        .select_related("outcome__enrolment__candidate", "outcome__enrolment__cohort__pilot")
        .order_by("due_on", "pk")
    )


def followups_due(
    *, user: User, today: date | None = None, horizon_days: int = FOLLOWUP_HORIZON_DAYS
) -> QuerySet[FollowUp]:
    """The unanswered follow-ups of the adviser's candidates, due up to horizon_days ahead or already overdue.

    Each row carries is_overdue (its due date has passed); missed ones stay in the list until answered.
    """
    today = today or timezone.localdate()
    return _open_followups(until=today + timedelta(days=horizon_days), today=today).filter(
        advised_by(user, candidate="outcome__enrolment__candidate_id")
    )


def followups_for_digest(*, today: date) -> QuerySet[FollowUp]:
    """Every unanswered follow-up due by the end of today's week (Sunday), of candidates with an active adviser
    with an e-mail address."""
    return (
        _open_followups(until=week_monday(today) + timedelta(days=6), today=today)
        .filter(outcome__enrolment__candidate__adviser__is_active=True)
        .exclude(outcome__enrolment__candidate__adviser__email="")
        .select_related("outcome__enrolment__candidate__adviser")
    )


@dataclass(frozen=True)
class FollowUpResult:
    """The follow-ups at one moment (3, 6 or 12 months) of a group; no names, counts only."""

    months: int
    scheduled: int
    due: int  # due date reached
    answered: int
    reached: int  # answered with whether the person still works
    still_working: int
    same_employer: int
    average_hours: float | None

    @property
    def not_reached(self) -> int:
        return self.answered - self.reached

    @property
    def still_working_percentage(self) -> float | None:
        """Still working / reached × 100, to one decimal; None when nobody was reached."""
        return round(100 * self.still_working / self.reached, 1) if self.reached else None


def followup_results(
    *, cohorts: Iterable[Cohort] | QuerySet[Cohort], today: date | None = None
) -> list[FollowUpResult]:
    """The follow-up figures of the cohorts per moment, 3, 6 and 12 months, in one query.

    One definition (DOMAIN.md): the follow-ups due by today and, of those, the ones answered; the answers are
    counted among the due ones only, so answered never exceeds due. The report suppresses small counts itself;
    this returns them as they are.
    """
    today = today or timezone.localdate()
    due = Q(due_on__lte=today)
    rows: dict[int, dict[str, Any]] = {
        row["months"]: dict(row)
        for row in FollowUp.objects.filter(outcome__enrolment__cohort__in=cohorts)
        .order_by()
        .values("months")
        .annotate(
            scheduled=Count("pk"),
            due=Count("pk", filter=due),
            answered=Count("pk", filter=due & Q(answered_on__isnull=False)),
            reached=Count("pk", filter=due & Q(still_working__isnull=False)),
            working=Count("pk", filter=due & Q(still_working=True)),
            same=Count("pk", filter=due & Q(still_working=True, same_employer=True)),
            hours=Avg("hours_per_week", filter=due & Q(still_working=True)),
        )
    }
    results = []
    for months in FollowUpMonths.values:
        row = rows.get(months, {})
        hours = row.get("hours")
        results.append(
            FollowUpResult(
                months=months,
                scheduled=row.get("scheduled", 0),
                due=row.get("due", 0),
                answered=row.get("answered", 0),
                reached=row.get("reached", 0),
                still_working=row.get("working", 0),
                same_employer=row.get("same", 0),
                average_hours=round(float(hours), 1) if hours is not None else None,
            )
        )
    return results


# --- What the training partner's start page lists ----------------------------------------------------------

# An end evaluation still missing this long after the track ended is no longer asked for.
END_EVALUATION_WINDOW_DAYS = 90


@dataclass(frozen=True)
class EvaluationDue:
    enrolment: Enrolment
    moment: str
    label: str
    since: date  # from when it was due

    @property
    def url(self) -> str:
        return reverse("candidates:evaluation", kwargs={"pk": self.enrolment.pk, "moment": self.moment})


class AddDays(Func):
    """A date plus a whole number of days, as a date (PostgreSQL adds an integer to a date as days)."""

    template = "(%(expressions)s)"
    arg_joiner = " + "
    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="date(%(expressions)s || ' days')", arg_joiner=", '+' || ", **extra_context
        )


def _evaluations_due(*, user: User, today: date) -> QuerySet[Enrolment]:
    """The enrolments that owe an evaluation, each with `since`: the day it became due.

    A mid-term evaluation is due once a started candidate is past half the pilot's duration (half of it in days,
    so a 15-week pilot asks for it after 52 days); an end evaluation once the track ended (completed or left), for
    END_EVALUATION_WINDOW_DAYS days. Worked out in the database, so that a page can count them and read only the
    oldest few.
    """
    has_moment = {
        moment: Exists(Evaluation.objects.filter(enrolment=OuterRef("pk"), moment=moment))
        for moment in EvaluationMoment.values
    }
    halfway = AddDays(F("started_on"), F("cohort__pilot__duration_weeks") * 7 / 2)
    return (
        enrolment_list(user=user)
        .annotate(
            has_mid_term=has_moment[EvaluationMoment.MID_TERM],
            has_end=has_moment[EvaluationMoment.END],
            since=Case(When(ended_on__isnull=False, then=F("ended_on")), default=halfway, output_field=DateField()),
        )
        # Every enrolment that owes one has started; said once, beside the cohort, so that PostgreSQL reads the
        # enrolments of each cohort in its (cohort, status) index instead of OR-ing two scans of the status index.
        .filter(status__in=STARTED)
        .filter(
            Q(status=EnrolmentStatus.STARTED, ended_on__isnull=True, since__lt=today, has_mid_term=False)
            | Q(ended_on__range=(today - timedelta(days=END_EVALUATION_WINDOW_DAYS), today), has_end=False)
        )
    )


def evaluations_due_enrolments(*, user: User, today: date | None = None) -> QuerySet[Enrolment]:
    """The enrolments that owe an evaluation, oldest first: a page counts them and shows a page of them
    (evaluation_due_items)."""
    return _evaluations_due(user=user, today=today or timezone.localdate()).order_by(
        "since",  # type: ignore[misc]  # an annotation of _evaluations_due
        "candidate__last_name",
        "pk",
    )


def evaluation_due_items(enrolments: Iterable[Enrolment]) -> list[EvaluationDue]:
    """What each enrolment of evaluations_due_enrolments owes: the end evaluation once it ended, else mid-term."""
    return [
        EvaluationDue(enrolment, moment, str(EvaluationMoment(moment).label), enrolment.since)  # type: ignore[attr-defined]
        for enrolment in enrolments
        for moment in [EvaluationMoment.END if enrolment.ended_on is not None else EvaluationMoment.MID_TERM]
    ]
