"""Every write during and after the track: attendance, module results, certificates, coaching notes, evaluations,
leaving the track (completion, dropout, outflow) and the follow-ups at 3, 6 and 12 months.

Kept beside services.py rather than in it, so the intake and the progress of a track can change independently;
the reads and the definitions of the figures are in progress_selectors.py.

Each function is atomic and takes keyword arguments only; a refusal raises TransitionNotAllowed with a message
for the user, an unknown keyword a TypeError.
"""

import calendar
import logging
import operator
import re
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import reduce

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import User
from core.outbox import queue_mail
from core.roles import Role
from core.services import entry_point
from core.statemachine import TransitionNotAllowed
from pilots.models import Cohort, CohortModule, ReferenceItem, ReferenceKind

from .attendance_grid import attendance_marks_from, with_session_ids
from .lifecycle import OUTCOMES_WITH_MBO_LEVEL, STARTED, TRACK_OVER
from .models import (
    Attendance,
    AttendanceKind,
    AttendanceSession,
    AttendanceStatus,
    Certificate,
    CoachingNote,
    CoachKind,
    ContractType,
    DropoutReason,
    Enrolment,
    EnrolmentStatus,
    Evaluation,
    EvaluationAdvice,
    EvaluationGoal,
    EvaluationMoment,
    FollowUp,
    FollowUpDigest,
    FollowUpMonths,
    ModuleResult,
    ModuleResultStatus,
    NoteVisibility,
    Outcome,
    OutcomeKind,
)
from .progress_selectors import followups_for_digest, on_track, rhythm_days, week_monday
from .services import enrolment_transition, refuse_if_anonymised

logger = logging.getLogger(__name__)

# Used for the links in e-mail when the deployment does not set SITE_URL.
DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def _refuse_unknown(fields: Mapping, allowed: Iterable[str], what: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown {what} fields: {sorted(unknown)}")


def _check_on_track(enrolment: Enrolment) -> None:
    if enrolment.status not in STARTED:
        raise TransitionNotAllowed(_("%(name)s has not started the track.") % {"name": enrolment.candidate.full_name})


def _check_in_cohort(cohort_module: CohortModule | None, enrolment: Enrolment) -> None:
    if cohort_module is not None and cohort_module.cohort_id != enrolment.cohort_id:
        raise TransitionNotAllowed(_("This module is not on the learning line of the candidate's cohort."))


# --- Attendance ----------------------------------------------------------------------------------------------

# What can be known before the day: a sick report or an announced absence. Presence only afterwards.
MARKABLE_IN_ADVANCE = frozenset({AttendanceStatus.ABSENT_WITH_NOTICE, AttendanceStatus.SICK})


def _week_sessions(cohort: Cohort, monday: date) -> list[AttendanceSession]:
    return list(
        AttendanceSession.objects.filter(cohort=cohort, date__range=(monday, monday + timedelta(days=6)))
        .select_related("cohort_module")
        .order_by("date", "kind", "cohort_module__position", "pk")
    )


@entry_point
def attendance_week_sessions(*, cohort: Cohort, week_start: date, by_user: User) -> list[AttendanceSession]:
    """Create the week's school and internship days from the cohort's rhythm; returns all the week's sessions.

    Only days within the cohort's start and end date get a session. Called by a save of the grid, before its
    marks: existing sessions stay, and a day that left the rhythm loses its session as long as nothing was
    marked on it. Sessions added by hand (attendance_session_create) are never touched. The grid shows the
    same without writing (attendance_week_planned).
    """
    monday = week_monday(week_start)
    wanted = rhythm_days(cohort=cohort, week_start=monday)
    AttendanceSession.objects.bulk_create(
        [
            AttendanceSession(cohort=cohort, date=day, kind=kind, from_rhythm=True, created_by=by_user)
            for day, kind in wanted.items()
        ],
        ignore_conflicts=True,
    )
    outdated = [
        session.pk
        for session in AttendanceSession.objects.filter(
            cohort=cohort, from_rhythm=True, date__range=(monday, monday + timedelta(days=6))
        )
        .annotate(mark_count=Count("marks"))
        .filter(mark_count=0)
        if wanted.get(session.date) != session.kind
    ]
    AttendanceSession.objects.filter(pk__in=outdated).delete()
    return _week_sessions(cohort, monday)


@entry_point
def attendance_session_create(
    *, cohort: Cohort, on_date: date, kind: str, by_user: User, cohort_module: CohortModule | None = None
) -> AttendanceSession:
    """Add a session outside the rhythm, such as a module's lesson or exam day; an existing one is returned."""
    if kind not in AttendanceKind.values:
        raise TransitionNotAllowed(_("Choose a school day or an internship day."))
    if not cohort.start_date <= on_date <= cohort.end_date:
        raise TransitionNotAllowed(_("The day lies outside the period of the cohort."))
    if cohort_module is not None and cohort_module.cohort_id != cohort.pk:
        raise TransitionNotAllowed(_("This module is not on the learning line of the cohort."))
    session, _created = AttendanceSession.objects.get_or_create(
        cohort=cohort, date=on_date, kind=kind, cohort_module=cohort_module, defaults={"created_by": by_user}
    )
    return session


def _check_mark(session: AttendanceSession, enrolment: Enrolment, status: str, today: date) -> None:
    name = enrolment.candidate.full_name
    if status not in AttendanceStatus.values:
        raise TransitionNotAllowed(_("Choose present, absent with notice, absent without notice or sick."))
    if enrolment.cohort_id != session.cohort_id:
        raise TransitionNotAllowed(_("%(name)s is not in this cohort.") % {"name": name})
    if enrolment.status not in STARTED or not on_track(enrolment, session.date):
        raise TransitionNotAllowed(
            _("%(name)s was not on the track on %(day)s.") % {"name": name, "day": session.date.isoformat()}
        )
    if session.date > today and status not in MARKABLE_IN_ADVANCE:
        raise TransitionNotAllowed(_("For a day still to come, only sickness or an absence with notice is recorded."))


def _new_mark(session: AttendanceSession, enrolment: Enrolment, status: str, by_user: User) -> Attendance:
    return Attendance(
        session=session, enrolment=enrolment, status=status, recorded_by=by_user, recorded_at=timezone.now()
    )


def _save_marks(marks: list[Attendance]) -> None:
    """Insert or correct the marks in one statement."""
    Attendance.objects.bulk_create(
        marks,
        update_conflicts=True,
        unique_fields=["session", "enrolment"],
        update_fields=["status", "recorded_by", "recorded_at"],
    )


@entry_point
def attendance_mark(*, session: AttendanceSession, enrolment: Enrolment, status: str, by_user: User) -> Attendance:
    """Record (or correct) one candidate's attendance on one session."""
    _check_mark(session, enrolment, status, timezone.localdate())
    mark, _created = Attendance.objects.update_or_create(
        session=session,
        enrolment=enrolment,
        defaults={"status": status, "recorded_by": by_user, "recorded_at": timezone.now()},
    )
    return mark


@entry_point
def attendance_mark_row(
    *,
    enrolment: Enrolment,
    sessions: Iterable[AttendanceSession],
    by_user: User,
    status: str = AttendanceStatus.PRESENT,
    overwrite: bool = False,
) -> int:
    """Mark a candidate's whole row (for example the week) with one status in one action; returns the marks written.

    Marks already recorded stay unless overwrite is set, so "the rest present" after marking a sick day keeps
    the sick day. Days the candidate was not on the track, and days still to come (for a status that can only
    be known afterwards), are left open rather than refused. A session of another cohort is refused.
    """
    today = timezone.localdate()
    sessions = list(sessions)
    if any(session.cohort_id != enrolment.cohort_id for session in sessions):
        raise TransitionNotAllowed(_("%(name)s is not in this cohort.") % {"name": enrolment.candidate.full_name})
    existing = dict(
        Attendance.objects.filter(enrolment=enrolment, session__in=sessions).values_list("session_id", "status")
    )
    marks = []
    for session in sessions:
        current = existing.get(session.pk)
        if current == status or (current is not None and not overwrite):
            continue
        if not on_track(enrolment, session.date) or (session.date > today and status not in MARKABLE_IN_ADVANCE):
            continue
        _check_mark(session, enrolment, status, today)
        marks.append(_new_mark(session, enrolment, status, by_user))
    _save_marks(marks)
    return len(marks)


@entry_point
def attendance_mark_week(
    *, cohort: Cohort, week_start: date, marks: Mapping[tuple[int, int], str | None], by_user: User
) -> int:
    """Save the weekly grid: marks maps (session id, enrolment id) to a status, or to "" / None to clear the mark.

    All or nothing: one refused cell refuses the whole grid. Only cells that change are written, so the
    unchanged ones keep who recorded them and when. Returns the number of marks written or cleared; a fixed
    number of queries however large the grid.
    """
    today = timezone.localdate()
    monday = week_monday(week_start)
    session_ids = {session_id for session_id, _enrolment_id in marks}
    enrolment_ids = {enrolment_id for _session_id, enrolment_id in marks}
    sessions = AttendanceSession.objects.filter(
        cohort=cohort, date__range=(monday, monday + timedelta(days=6))
    ).in_bulk(session_ids)
    enrolments = Enrolment.objects.filter(cohort=cohort).select_related("candidate").in_bulk(enrolment_ids)
    existing = {
        (session_id, enrolment_id): status
        for session_id, enrolment_id, status in Attendance.objects.filter(
            session_id__in=session_ids, enrolment_id__in=enrolment_ids
        ).values_list("session_id", "enrolment_id", "status")
    }
    written: list[Attendance] = []
    cleared: list[tuple[int, int]] = []
    for key, status in marks.items():
        session, enrolment = sessions.get(key[0]), enrolments.get(key[1])
        if session is None or enrolment is None:
            raise TransitionNotAllowed(_("The attendance list has changed in the meantime; open the week again."))
        current = existing.get(key)
        if not status:
            if current is not None:
                cleared.append(key)
        elif status != current:
            _check_mark(session, enrolment, status, today)
            written.append(_new_mark(session, enrolment, status, by_user))
    _save_marks(written)
    if cleared:
        Attendance.objects.filter(
            reduce(
                operator.or_,
                (Q(session_id=session_id, enrolment_id=enrolment_id) for session_id, enrolment_id in cleared),
            )
        ).delete()
    return len(written) + len(cleared)


@entry_point
def attendance_grid_save(
    *,
    cohort: Cohort,
    week_start: date,
    cells: Mapping[str, str],
    by_user: User,
    row_enrolment_id: int | None = None,
) -> int:
    """Save the weekly grid as it was posted and, when a row's button was pressed, mark the rest of that row
    present; returns the marks written or cleared.

    cells maps the grid's field names (attendance_grid) to a status or ""; other names are left alone. All or
    nothing: a refusal saves no part of it. The week's sessions are brought in line with the rhythm first, so the
    cells of days the grid showed without a session can be saved; the grid is saved before the row, so a sick
    day chosen before pressing the row's button stays sick.
    """
    sessions = attendance_week_sessions.within(cohort=cohort, week_start=week_start, by_user=by_user)
    marks = attendance_marks_from(with_session_ids(cells, sessions))
    written = attendance_mark_week.within(cohort=cohort, week_start=week_start, marks=marks, by_user=by_user)
    if row_enrolment_id is not None:
        enrolment = Enrolment.objects.filter(cohort=cohort, pk=row_enrolment_id).select_related("candidate").first()
        if enrolment is None:
            raise TransitionNotAllowed(_("The attendance list has changed in the meantime; open the week again."))
        written += attendance_mark_row.within(enrolment=enrolment, sessions=sessions, by_user=by_user)
    return written


# --- Module results and certificates -----------------------------------------------------------------------

# VCA certificates are valid for ten years; other certificates have no default expiry.
VCA_VALID_YEARS = 10
_VCA = re.compile(r"\bvca\b", re.IGNORECASE)


def add_years(day: date, years: int) -> date:
    """The same date years later; 29 February becomes 28 February in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day months later; a day the month lacks becomes its last day (31 May + 3 months = 31 August,
    30 November + 3 months = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def certificate_default_expiry(*, name: str, issued_on: date) -> date | None:
    """The expiry a certificate gets when none is given: ten years for VCA (VCA Basis, VCA VOL, B-VCA), else none."""
    return add_years(issued_on, VCA_VALID_YEARS) if _VCA.search(name) else None


@entry_point
def module_result_record(
    *,
    enrolment: Enrolment,
    cohort_module: CohortModule,
    status: str,
    by_user: User,
    on_date: date | None = None,
) -> ModuleResult:
    """Record (or correct) a candidate's result in one module; a decided result is dated today unless on_date says."""
    _check_on_track(enrolment)
    _check_in_cohort(cohort_module, enrolment)
    if status not in ModuleResultStatus.values:
        raise TransitionNotAllowed(_("Choose in progress, passed, not passed or exempt."))
    day = on_date if status == ModuleResultStatus.IN_PROGRESS else on_date or timezone.localdate()
    result, _created = ModuleResult.objects.update_or_create(
        enrolment=enrolment,
        cohort_module=cohort_module,
        defaults={"status": status, "date": day, "recorded_by": by_user},
    )
    return result


@entry_point
def certificate_record(
    *,
    enrolment: Enrolment,
    issued_on: date,
    by_user: User,
    name: str = "",
    number: str = "",
    cohort_module: CohortModule | None = None,
    expires_on: date | None = None,
) -> Certificate:
    """Record a certificate the candidate obtained.

    Without a name the module's certificate name is used. Without an expiry date a VCA certificate expires
    ten years after it was issued (certificate_default_expiry); others do not expire.
    """
    _check_on_track(enrolment)
    _check_in_cohort(cohort_module, enrolment)
    name = (name or (cohort_module.certificate_name if cohort_module is not None else "")).strip()
    if not name:
        raise TransitionNotAllowed(_("Name the certificate."))
    if issued_on > timezone.localdate():
        raise TransitionNotAllowed(_("A certificate cannot be issued on a day still to come."))
    if expires_on is None:
        expires_on = certificate_default_expiry(name=name, issued_on=issued_on)
    if expires_on is not None and expires_on <= issued_on:
        raise TransitionNotAllowed(_("A certificate expires after the day it was issued."))
    return Certificate.objects.create(
        enrolment=enrolment,
        cohort_module=cohort_module,
        name=name,
        number=number.strip(),
        issued_on=issued_on,
        expires_on=expires_on,
        recorded_by=by_user,
    )


# --- Coaching notes and evaluations ---------------------------------------------------------------------------

# Who writes coaching notes: the coaching team (training partners and coaches) and the advisers.
COACHING_NOTE_WRITER_ROLES = frozenset({Role.TRAINING_PARTNER, Role.ADVISER, Role.ADMINISTRATOR})


@entry_point
def coaching_note_add(
    *, enrolment: Enrolment, by_user: User, text: str, coach_kind: str, visibility: str | None = None
) -> CoachingNote:
    """Add a coaching note. Without a visibility it stays within the coaching team; an adviser's note is always
    shared with the adviser (an adviser cannot write a note only the coaching team reads)."""
    refuse_if_anonymised(enrolment.candidate)
    role = by_user.role
    if role not in COACHING_NOTE_WRITER_ROLES:
        raise TransitionNotAllowed(_("Only the coaching team and the advisers write coaching notes."))
    if role == Role.ADVISER:
        visibility = visibility or NoteVisibility.SHARED_WITH_ADVISER
        if visibility != NoteVisibility.SHARED_WITH_ADVISER:
            raise TransitionNotAllowed(_("An adviser's coaching note is shared with the adviser."))
    visibility = visibility or NoteVisibility.COACHING_TEAM
    if visibility not in NoteVisibility.values:
        raise TransitionNotAllowed(_("Choose who may read the note."))
    if coach_kind not in CoachKind.values:
        raise TransitionNotAllowed(_("Choose as whom the note is written."))
    if not text.strip():
        raise TransitionNotAllowed(_("A note cannot be empty."))
    _check_on_track(enrolment)
    return CoachingNote.objects.create(
        enrolment=enrolment, author=by_user, coach_kind=coach_kind, visibility=visibility, text=text.strip()
    )


EVALUATION_FIELDS = ("held_on", "attendance_note", "advice", "next_step")


def _evaluation_goals(goals: Iterable[Mapping]) -> list[EvaluationGoal]:
    rows = []
    for position, item in enumerate(goals, start=1):
        _refuse_unknown(item, ("goal", "score", "note"), "goal")
        text = str(item.get("goal") or "").strip()
        score = item.get("score")
        if not text:
            raise TransitionNotAllowed(_("Describe each goal."))
        if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
            raise TransitionNotAllowed(_("Score the progress on “%(goal)s” from 1 to 5.") % {"goal": text})
        rows.append(
            EvaluationGoal(position=position, goal=text[:255], score=score, note=str(item.get("note") or "").strip())
        )
    if not rows:
        raise TransitionNotAllowed(_("An evaluation has at least one goal."))
    return rows


@entry_point
def evaluation_record(
    *, enrolment: Enrolment, moment: str, by_user: User, goals: Iterable[Mapping], **fields
) -> Evaluation:
    """Record (or redo) the mid-term or end evaluation of an enrolment.

    goals: a list of {"goal": text, "score": 1 to 5, "note": text (optional)}, in the order to show them; they
    replace the goals recorded before. fields: held_on (required), advice (required, EvaluationAdvice),
    attendance_note, next_step.
    """
    _refuse_unknown(fields, EVALUATION_FIELDS, "evaluation")
    _check_on_track(enrolment)
    if moment not in EvaluationMoment.values:
        raise TransitionNotAllowed(_("Choose the mid-term or the end evaluation."))
    held_on = fields.get("held_on")
    if not isinstance(held_on, date):
        raise TransitionNotAllowed(_("Give the date of the evaluation."))
    if held_on > timezone.localdate():
        raise TransitionNotAllowed(_("An evaluation is recorded after it was held."))
    if fields.get("advice") not in EvaluationAdvice.values:
        raise TransitionNotAllowed(_("Choose an advice: continue, continue with extra support, or stop."))
    rows = _evaluation_goals(goals)
    evaluation, _created = Evaluation.objects.update_or_create(
        enrolment=enrolment,
        moment=moment,
        defaults={
            "held_on": held_on,
            "advice": fields["advice"],
            "attendance_note": str(fields.get("attendance_note") or "").strip(),
            "next_step": str(fields.get("next_step") or "").strip(),
            "by_user": by_user,
        },
    )
    evaluation.goals.all().delete()
    for row in rows:
        row.evaluation = evaluation
    EvaluationGoal.objects.bulk_create(rows)
    return evaluation


# --- Leaving the track: completion, dropout and outflow -----------------------------------------------------------

OUTFLOW_FIELDS = (
    "kind",
    "employer",
    "employer_name",
    "contract_type",
    "education_level",
    "start_date",
    "hours_per_week",
    "next_step",
)
# An outflow is recorded whole: what is not given is cleared, so a correction leaves nothing of the last one behind.
_EMPTY_OUTFLOW = {
    "employer": None,
    "employer_name": "",
    "contract_type": "",
    "education_level": None,
    "start_date": None,
    "hours_per_week": None,
    "next_step": "",
}


@entry_point
def enrolment_complete(
    *, enrolment: Enrolment, by_user: User, on_date: date | None = None, note: str = ""
) -> Enrolment:
    """Mark the track completed (on_date, default today).

    Its consequences come with it (candidates.lifecycle): the open placements end as completed, and a contract
    offer the candidate accepted becomes the outcome. Otherwise the outflow follows with outflow_record.
    """
    return enrolment_transition.within(
        enrolment=enrolment,
        to_status=EnrolmentStatus.COMPLETED,
        by_user=by_user,
        reason=note.strip() or _("Track completed"),
        on_date=on_date,
    )


@entry_point
def enrolment_drop_out(
    *,
    enrolment: Enrolment,
    reason: str,
    note: str,
    by_user: User,
    found_work: Mapping | None = None,
    on_date: date | None = None,
) -> Enrolment:
    """Record that a candidate left the track early, with a reason (DropoutReason) and a note.

    The open placements end with the enrolment (candidates.lifecycle). Leaving for a job is outflow to work, not
    failure: with the reason "found work elsewhere" an outcome "job elsewhere" is recorded at once (through
    outflow_record, so its follow-ups are scheduled) and the enrolment moves on to outflow. found_work holds that
    job's details (employer_name, start_date, hours_per_week, contract_type, next_step) and is refused with any
    other reason. The reason "other" needs a note.
    """
    if reason not in ReferenceItem.objects.codes(ReferenceKind.DROPOUT_REASON):
        raise TransitionNotAllowed(_("Choose a reason for the dropout."))
    if reason == DropoutReason.OTHER and not note.strip():
        raise TransitionNotAllowed(_("Describe the reason in the note."))
    if found_work is not None and reason != DropoutReason.FOUND_WORK:
        raise TransitionNotAllowed(_("Details of a job go with the reason “found work elsewhere”."))
    left = enrolment_transition.within(
        enrolment=enrolment,
        to_status=EnrolmentStatus.DROPPED_OUT,
        by_user=by_user,
        reason=note.strip(),
        dropout_reason=reason,
        on_date=on_date,
    )
    if reason == DropoutReason.FOUND_WORK:
        details = {name: value for name, value in (found_work or {}).items() if name != "kind"}
        outflow_record.within(enrolment=left, by_user=by_user, kind=OutcomeKind.JOB_ELSEWHERE, **details)
        left.refresh_from_db()
    return left


def _check_outflow(values: Mapping) -> None:
    kind = values.get("kind")
    if kind not in OutcomeKind.values:
        raise TransitionNotAllowed(_("Choose where the candidate went after the track."))
    if kind == OutcomeKind.CONTRACT_AT_HOST and values["employer"] is None:
        raise TransitionNotAllowed(_("A contract at the host needs the host employer."))
    level = values["education_level"]
    if kind in OUTCOMES_WITH_MBO_LEVEL and level is None:
        raise TransitionNotAllowed(_("Give the MBO level of the education."))
    if level is not None and not 1 <= level <= 4:
        raise TransitionNotAllowed(_("The MBO level is 1, 2, 3 or 4."))
    hours = values["hours_per_week"]
    if hours is not None and not 1 <= hours <= 60:
        raise TransitionNotAllowed(_("The hours a week lie between 1 and 60."))
    if values["contract_type"] and values["contract_type"] not in ContractType.values:
        raise TransitionNotAllowed(_("Choose one of the listed contract types."))


@entry_point
def outflow_record(*, enrolment: Enrolment, by_user: User, **fields) -> Outcome:
    """Record (or correct) where a candidate went after completing or leaving the track: the one service that
    writes an outcome, from every page, the administration and an accepted contract offer.

    Validates the outcome, moves the enrolment to outflow when it is not there yet, and schedules the follow-ups
    at 3, 6 and 12 months. fields: kind (OutcomeKind, required), employer (required for a contract at the host),
    employer_name, contract_type, education_level (1 to 4, required for education), start_date, hours_per_week
    (1 to 60), next_step. The outflow is recorded whole: a field not given is cleared.
    """
    _refuse_unknown(fields, OUTFLOW_FIELDS, "outflow")
    values = {**_EMPTY_OUTFLOW, **fields}
    _check_outflow(values)
    # The status in the database decides, not that of a copy the caller may hold from before.
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if current.status not in TRACK_OVER:
        raise TransitionNotAllowed(_("An outcome can only be recorded after the track was completed or left."))
    outcome, _created = Outcome.objects.update_or_create(enrolment=current, defaults={**values, "recorded_by": by_user})
    if current.status != EnrolmentStatus.OUTFLOW:
        enrolment_transition.within(enrolment=current, to_status=EnrolmentStatus.OUTFLOW, by_user=by_user)
    _schedule(outcome)
    return outcome


# --- Follow-up after outflow ------------------------------------------------------------------------------


def outflow_date(outcome: Outcome) -> date:
    """The day someone flowed out, from which the follow-ups count.

    The outcome's start date (the first day of the job or education); without one, the day the track ended
    (completed or left); without that, the day the enrolment moved to outflow; failing all, the day the
    outcome was recorded.
    """
    if outcome.start_date is not None:
        return outcome.start_date
    enrolment = outcome.enrolment
    if enrolment.ended_on is not None:
        return enrolment.ended_on
    step = enrolment.transitions.filter(to_status=EnrolmentStatus.OUTFLOW).order_by("at", "pk").first()
    return timezone.localdate(step.at if step is not None else outcome.created_at)


def _schedule(outcome: Outcome) -> int:
    """Create the missing follow-ups and move the open ones to a changed outflow date; returns how many were new."""
    start = outflow_date(outcome)
    existing = {followup.months: followup for followup in outcome.followups.all()}
    new = []
    for months in FollowUpMonths.values:
        due_on = add_months(start, months)
        followup = existing.get(months)
        if followup is None:
            new.append(FollowUp(outcome=outcome, months=months, due_on=due_on))
        elif followup.answered_on is None and followup.due_on != due_on:
            followup.due_on = due_on
            followup.save(update_fields=["due_on", "updated_at"])
    # A backfill running at the same moment may have created some: those are kept, not doubled.
    FollowUp.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@entry_point
def followups_schedule(*, outcome: Outcome) -> list[FollowUp]:
    """Schedule the follow-ups at 3, 6 and 12 months after the outflow date (outflow_date); returns all three.

    Called whenever an outcome is recorded; calling it again after a correction moves the unanswered
    follow-ups to the new dates and leaves the answered ones as they were.
    """
    _schedule(outcome)
    return list(outcome.followups.order_by("months"))


def followups_schedule_missing() -> int:
    """Schedule the follow-ups of outcomes recorded without them (in the admin, by an import, before this
    existed); returns the number of follow-ups created. Each outcome in a transaction of its own."""
    created = 0
    outcomes = (
        Outcome.objects.annotate(followup_count=Count("followups"))
        .filter(followup_count__lt=len(FollowUpMonths.values))
        .select_related("enrolment")
        .order_by("pk")
    )
    for outcome in outcomes:
        with transaction.atomic():
            created += _schedule(outcome)
    return created


@entry_point
def followup_record(
    *,
    followup: FollowUp,
    by_user: User,
    still_working: bool | None,
    same_employer: bool | None = None,
    hours_per_week: int | None = None,
    note: str = "",
    on_date: date | None = None,
) -> FollowUp:
    """Record the answer of a follow-up (on_date, default today); recording again corrects it.

    still_working None records that there is no answer (the person could not be reached) and needs a note
    saying so. Someone who no longer works has no employer or hours to record.
    """
    note = note.strip()
    answered_on = on_date or timezone.localdate()
    if answered_on > timezone.localdate():
        raise TransitionNotAllowed(_("A follow-up is recorded after it was held."))
    if still_working is None:
        if not note:
            raise TransitionNotAllowed(_("Note why there is no answer, for example that the person was not reached."))
        same_employer, hours_per_week = None, None
    elif not still_working:
        if same_employer or hours_per_week is not None:
            raise TransitionNotAllowed(_("Someone who no longer works has no employer or hours to record."))
        same_employer = None
    if hours_per_week is not None and not 1 <= hours_per_week <= 60:
        raise TransitionNotAllowed(_("The hours a week lie between 1 and 60."))
    followup.answered_on = answered_on
    followup.still_working = still_working
    followup.same_employer = same_employer
    followup.hours_per_week = hours_per_week
    followup.note = note
    followup.recorded_by = by_user
    followup.save()
    return followup


def _queue_digest(adviser: User, followups: list[FollowUp], *, today: date, week_start: date) -> None:
    # Only these values reach the template: no barriers, benefits or notes can end up in the mail.
    site_url = getattr(settings, "SITE_URL", DEFAULT_SITE_URL).rstrip("/")
    items = [
        {
            "name": followup.outcome.enrolment.candidate.short_name,
            "cohort": followup.outcome.enrolment.cohort.name,
            "months": followup.months,
            "due_on": followup.due_on,
            "url": site_url + followup.outcome.enrolment.candidate.get_absolute_url(),
        }
        for followup in followups
    ]
    overdue = [item for item, followup in zip(items, followups, strict=True) if followup.due_on < today]
    due = [item for item, followup in zip(items, followups, strict=True) if followup.due_on >= today]
    context = {"adviser_name": adviser.first_name or adviser.username, "overdue": overdue, "due": due}
    # Mail is written outside any request, in the portal's language.
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "Opstap: %(count)d follow-up to do this week",
            "Opstap: %(count)d follow-ups to do this week",
            len(items),
        ) % {"count": len(items)}
        body = render_to_string("candidates/email/followup_digest.txt", context)
    queue_mail(
        key=f"followup-digest:{adviser.pk}:{week_start.isoformat()}",
        recipient=adviser.email,
        subject=subject,
        body=body,
    )


def followup_digests_send(*, today: date | None = None) -> int:
    """E-mail each adviser one digest a week of their candidates' follow-ups due this week or overdue.

    The ISO week of today decides: a FollowUpDigest row per adviser and week is claimed and the mail queued in the
    same transaction (core.outbox), so a second run in the same week (a redelivered task, a restarted beat) sends
    nothing, and a mail that fails is tried again by the outbox. Advisers without due follow-ups, without e-mail
    or inactive get none. Returns the digests sent.
    """
    today = today or timezone.localdate()
    week_start = week_monday(today)
    by_adviser: dict[int, list[FollowUp]] = {}
    advisers: dict[int, User] = {}
    for followup in followups_for_digest(today=today):
        adviser = followup.outcome.enrolment.candidate.adviser
        if adviser is None:
            continue
        advisers[adviser.pk] = adviser
        by_adviser.setdefault(adviser.pk, []).append(followup)
    sent = 0
    with transaction.atomic():
        for adviser_id, followups in by_adviser.items():
            _digest, created = FollowUpDigest.objects.get_or_create(
                adviser_id=adviser_id,
                week_start=week_start,
                defaults={"sent_at": timezone.now(), "followup_count": len(followups)},
            )
            if not created:
                continue
            _queue_digest(advisers[adviser_id], followups, today=today, week_start=week_start)
            sent += 1
    return sent
