"""Attendance: sessions from the rhythm, marking (one, a row, the weekly grid), percentages and flags."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates.attendance_grid import cell_field_name
from candidates.models import Attendance, AttendanceKind, AttendanceSession, AttendanceStatus, EnrolmentStatus
from candidates.progress import (
    attendance_grid_save,
    attendance_mark,
    attendance_mark_row,
    attendance_mark_week,
    attendance_session_create,
    attendance_week_sessions,
)
from candidates.progress_selectors import (
    AttendanceRate,
    attendance_flags,
    attendance_rate,
    attendance_rates,
    attendance_week,
    attendance_week_planned,
    module_attendance_rates,
)
from candidates.tests.factories import AttendanceFactory, AttendanceSessionFactory, CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.statemachine import TransitionNotAllowed
from core.tests.factories import UserFactory
from pilots.services import cohort_rhythm_update
from pilots.tests.factories import CohortFactory, CohortModuleFactory, PilotFactory

pytestmark = pytest.mark.django_db

P, WITH_NOTICE, WITHOUT_NOTICE, SICK = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.ABSENT_WITH_NOTICE,
    AttendanceStatus.ABSENT_WITHOUT_NOTICE,
    AttendanceStatus.SICK,
)
MONDAY = datetime.date(2026, 9, 7)  # the cohort starts on Tuesday 1 September 2026
TODAY = datetime.date(2026, 9, 18)  # a Friday


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 9, 18, 12, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def world(organisation, adviser, training_partner):
    """A cohort with two internship days (Monday, Tuesday) and a school day (Wednesday), and two candidates."""
    pilot = PilotFactory(lead_organisation=organisation, internship_days_per_week=2, school_days_per_week=1)
    cohort = CohortFactory(pilot=pilot, start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2026, 12, 15))
    amina, bram = (
        EnrolmentFactory(
            cohort=cohort,
            status=EnrolmentStatus.STARTED,
            started_on=datetime.date(2026, 9, 1),
            candidate=CandidateFactory(first_name=first, last_name=last, adviser=adviser),
        )
        for first, last in (("Amina", "Bakker"), ("Bram", "Visser"))
    )
    return SimpleNamespace(cohort=cohort, amina=amina, bram=bram, by=training_partner)


def marked(enrolment) -> dict[datetime.date, str]:
    return {mark.session.date: mark.status for mark in Attendance.objects.filter(enrolment=enrolment)}


# --- Sessions ----------------------------------------------------------------------------------------------


def test_the_weeks_sessions_follow_the_pilots_rhythm(world):
    sessions = attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)

    assert [(s.date.isoformat(), s.kind) for s in sessions] == [
        ("2026-09-07", AttendanceKind.INTERNSHIP),
        ("2026-09-08", AttendanceKind.INTERNSHIP),
        ("2026-09-09", AttendanceKind.SCHOOL),
    ]


def test_asking_for_the_sessions_twice_creates_them_once(world):
    attendance_week_sessions(cohort=world.cohort, week_start=MONDAY + datetime.timedelta(days=2), by_user=world.by)
    attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)

    assert AttendanceSession.objects.filter(cohort=world.cohort).count() == 3


def test_the_first_week_has_only_the_days_from_the_cohorts_start(world):
    sessions = attendance_week_sessions(cohort=world.cohort, week_start=datetime.date(2026, 8, 31), by_user=world.by)

    assert [s.date.isoformat() for s in sessions] == ["2026-09-01", "2026-09-02"]


def test_a_changed_rhythm_moves_the_unmarked_days_and_keeps_the_marked_ones(world, coordinator):
    monday, tuesday, _wednesday = attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)
    attendance_mark(session=monday, enrolment=world.amina, status=P, by_user=world.by)
    cohort_rhythm_update(cohort=world.cohort, internship_weekdays=["thu"], school_weekdays=["fri"], by_user=coordinator)

    sessions = attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)

    assert [(s.date.day, s.kind) for s in sessions] == [(7, "internship"), (10, "internship"), (11, "school")]
    assert not AttendanceSession.objects.filter(pk=tuesday.pk).exists()


def test_a_day_added_by_hand_stays_when_the_rhythm_changes(world, coordinator):
    extra = attendance_session_create(
        cohort=world.cohort, on_date=MONDAY.replace(day=10), kind=AttendanceKind.SCHOOL, by_user=world.by
    )
    cohort_rhythm_update(cohort=world.cohort, internship_weekdays=["mon"], school_weekdays=["fri"], by_user=coordinator)

    sessions = attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)

    assert [(s.date.day, s.kind) for s in sessions] == [(7, "internship"), (10, "school"), (11, "school")]
    assert extra in sessions


def _shown(sessions) -> list[tuple[bool, int, str]]:
    return [(s.pk is not None, s.date.day, s.kind) for s in sessions]


def test_the_planned_week_shows_the_rhythms_days_without_creating_them(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        sessions = attendance_week_planned(cohort=world.cohort, week_start=MONDAY + datetime.timedelta(days=4))

    assert _shown(sessions) == [(False, 7, "internship"), (False, 8, "internship"), (False, 9, "school")]
    assert all(s.from_rhythm and s.cohort == world.cohort for s in sessions)
    assert not AttendanceSession.objects.exists()


def test_the_planned_week_is_what_saving_makes_of_it(world, coordinator):
    monday, tuesday, _wednesday = attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)
    attendance_mark(session=monday, enrolment=world.amina, status=P, by_user=world.by)
    extra = attendance_session_create(
        cohort=world.cohort, on_date=MONDAY.replace(day=10), kind=AttendanceKind.SCHOOL, by_user=world.by
    )
    cohort_rhythm_update(cohort=world.cohort, internship_weekdays=["thu"], school_weekdays=["fri"], by_user=coordinator)

    planned = attendance_week_planned(cohort=world.cohort, week_start=MONDAY)

    # Monday is marked and stays, Tuesday left the rhythm unmarked and is left out but not yet removed, Thursday
    # has the session added by hand (not from the rhythm, so of another kind it stays), Friday is new.
    assert _shown(planned) == [
        (True, 7, "internship"),
        (False, 10, "internship"),
        (True, 10, "school"),
        (False, 11, "school"),
    ]
    assert monday in planned and extra in planned
    assert AttendanceSession.objects.filter(pk=tuesday.pk).exists()
    saved = attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)
    assert [(s.date, s.kind) for s in saved] == [(s.date, s.kind) for s in planned]
    assert attendance_week_planned(cohort=world.cohort, week_start=MONDAY) == saved


def test_the_planned_week_has_only_the_days_within_the_cohorts_period(world):
    sessions = attendance_week_planned(cohort=world.cohort, week_start=datetime.date(2026, 8, 31))

    assert [s.date.isoformat() for s in sessions] == ["2026-09-01", "2026-09-02"]


def test_a_module_day_is_a_session_of_its_own(world):
    vca = CohortModuleFactory(cohort=world.cohort, name="VCA Basis")
    attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)

    exam = attendance_session_create(
        cohort=world.cohort, on_date=MONDAY, kind=AttendanceKind.SCHOOL, cohort_module=vca, by_user=world.by
    )
    again = attendance_session_create(
        cohort=world.cohort, on_date=MONDAY, kind=AttendanceKind.SCHOOL, cohort_module=vca, by_user=world.by
    )

    assert exam == again
    assert AttendanceSession.objects.filter(cohort=world.cohort, date=MONDAY).count() == 2


# --- Marking -----------------------------------------------------------------------------------------------


def test_marking_twice_corrects_the_mark(world):
    session = AttendanceSessionFactory(cohort=world.cohort, date=MONDAY)

    attendance_mark(session=session, enrolment=world.amina, status=WITHOUT_NOTICE, by_user=world.by)
    attendance_mark(session=session, enrolment=world.amina, status=SICK, by_user=world.by)

    assert marked(world.amina) == {MONDAY: SICK}


@pytest.mark.parametrize(
    "case", ["other-cohort", "not-started", "before-start", "after-leaving", "present-in-the-future", "unknown-status"]
)
def test_marking_is_refused_when_it_cannot_be_true(world, case):
    session = AttendanceSessionFactory(cohort=world.cohort, date=MONDAY)
    enrolment, status = world.amina, P
    if case == "other-cohort":
        enrolment = EnrolmentFactory(status=EnrolmentStatus.STARTED)
    elif case == "not-started":
        enrolment = EnrolmentFactory(cohort=world.cohort, status=EnrolmentStatus.SELECTED)
    elif case == "before-start":
        enrolment = EnrolmentFactory(
            cohort=world.cohort, status=EnrolmentStatus.STARTED, started_on=MONDAY.replace(day=8)
        )
    elif case == "after-leaving":
        enrolment = EnrolmentFactory(
            cohort=world.cohort,
            status=EnrolmentStatus.COMPLETED,
            started_on=datetime.date(2026, 9, 1),
            ended_on=datetime.date(2026, 9, 4),
        )
    elif case == "present-in-the-future":
        session = AttendanceSessionFactory(cohort=world.cohort, date=TODAY + datetime.timedelta(days=3))
    else:
        status = "late"

    with pytest.raises(TransitionNotAllowed):
        attendance_mark(session=session, enrolment=enrolment, status=status, by_user=world.by)

    assert not Attendance.objects.exists()


def test_sickness_can_be_reported_for_a_day_still_to_come(world):
    session = AttendanceSessionFactory(cohort=world.cohort, date=TODAY + datetime.timedelta(days=3))

    attendance_mark(session=session, enrolment=world.amina, status=SICK, by_user=world.by)

    assert marked(world.amina) == {session.date: SICK}


def test_a_whole_row_is_marked_present_in_one_action(world):
    sessions = attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)

    written = attendance_mark_row(enrolment=world.amina, sessions=sessions, by_user=world.by)

    assert written == 3
    assert marked(world.amina) == {MONDAY: P, MONDAY.replace(day=8): P, MONDAY.replace(day=9): P}
    assert marked(world.bram) == {}


def test_marking_a_row_keeps_the_marks_already_there_unless_asked(world):
    sessions = attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)
    attendance_mark(session=sessions[1], enrolment=world.amina, status=SICK, by_user=world.by)

    attendance_mark_row(enrolment=world.amina, sessions=sessions, by_user=world.by)
    kept = marked(world.amina)
    attendance_mark_row(enrolment=world.amina, sessions=sessions, by_user=world.by, overwrite=True)

    assert kept == {MONDAY: P, MONDAY.replace(day=8): SICK, MONDAY.replace(day=9): P}
    assert set(marked(world.amina).values()) == {P}


def test_marking_a_row_leaves_the_days_to_come_and_before_the_start_open(world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 9, 8, 12, 0, tzinfo=datetime.UTC), tick=False)  # Tuesday
    late_starter = EnrolmentFactory(
        cohort=world.cohort, status=EnrolmentStatus.STARTED, started_on=MONDAY.replace(day=8)
    )
    sessions = attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)

    attendance_mark_row(enrolment=late_starter, sessions=sessions, by_user=world.by)

    assert marked(late_starter) == {MONDAY.replace(day=8): P}


def test_a_row_with_a_session_of_another_cohort_is_refused(world):
    sessions = [
        *attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by),
        AttendanceSessionFactory(date=MONDAY),
    ]

    with pytest.raises(TransitionNotAllowed):
        attendance_mark_row(enrolment=world.amina, sessions=sessions, by_user=world.by)

    assert not Attendance.objects.exists()


def test_the_weekly_grid_is_saved_at_once_and_writes_only_what_changed(world, adviser):
    monday, tuesday, wednesday = attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)
    attendance_mark(session=monday, enrolment=world.amina, status=P, by_user=adviser)
    attendance_mark(session=tuesday, enrolment=world.bram, status=WITHOUT_NOTICE, by_user=adviser)

    changed = attendance_mark_week(
        cohort=world.cohort,
        week_start=MONDAY,
        marks={
            (monday.pk, world.amina.pk): P,  # unchanged
            (tuesday.pk, world.amina.pk): SICK,
            (wednesday.pk, world.amina.pk): WITH_NOTICE,
            (monday.pk, world.bram.pk): P,
            (tuesday.pk, world.bram.pk): "",  # cleared
        },
        by_user=world.by,
    )

    assert changed == 4
    assert marked(world.amina) == {MONDAY: P, MONDAY.replace(day=8): SICK, MONDAY.replace(day=9): WITH_NOTICE}
    assert marked(world.bram) == {MONDAY: P}
    assert Attendance.objects.get(session=monday, enrolment=world.amina).recorded_by == adviser


@pytest.mark.parametrize("case", ["enrolment-of-another-cohort", "session-of-another-week", "present-in-the-future"])
def test_one_wrong_cell_refuses_the_whole_grid(world, case):
    monday, tuesday, _wednesday = attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)
    marks = {(monday.pk, world.amina.pk): P, (tuesday.pk, world.bram.pk): SICK}
    if case == "enrolment-of-another-cohort":
        marks[(tuesday.pk, EnrolmentFactory(status=EnrolmentStatus.STARTED).pk)] = P
    elif case == "session-of-another-week":
        later = attendance_week_sessions(cohort=world.cohort, week_start=MONDAY.replace(day=14), by_user=world.by)
        marks[(later[0].pk, world.amina.pk)] = P
    else:
        coming = attendance_week_sessions(cohort=world.cohort, week_start=MONDAY.replace(day=21), by_user=world.by)
        marks = {(coming[0].pk, world.amina.pk): P}
        week = MONDAY.replace(day=21)

    with pytest.raises(TransitionNotAllowed):
        attendance_mark_week(
            cohort=world.cohort,
            week_start=week if case == "present-in-the-future" else MONDAY,
            marks=marks,
            by_user=world.by,
        )

    assert not Attendance.objects.exists()


def grid_cells(world, statuses: dict) -> dict[str, str]:
    """The grid's fields as the page names them, filled in: statuses maps (enrolment, weekday) to a status."""
    week = attendance_week(cohort=world.cohort, week_start=MONDAY)
    return {
        cell_field_name(cell): statuses.get((row.enrolment, cell.session.date.weekday()), "")
        for row in week.rows
        for cell in row.cells
    }


def test_saving_the_posted_grid_makes_the_rhythms_days_and_marks_them(world):
    cells = grid_cells(world, {(world.amina, 0): P, (world.amina, 1): SICK, (world.bram, 2): WITH_NOTICE})

    written = attendance_grid_save(cohort=world.cohort, week_start=MONDAY, cells=cells, by_user=world.by)

    assert written == 3
    assert AttendanceSession.objects.filter(cohort=world.cohort).count() == 3
    assert marked(world.amina) == {MONDAY: P, MONDAY.replace(day=8): SICK}
    assert marked(world.bram) == {MONDAY.replace(day=9): WITH_NOTICE}
    assert {mark.recorded_by for mark in Attendance.objects.all()} == {world.by}


def test_a_rows_button_marks_the_rest_of_that_row_present_after_the_grid(world):
    cells = {"csrfmiddlewaretoken": "x", **grid_cells(world, {(world.amina, 1): SICK})}

    written = attendance_grid_save(
        cohort=world.cohort, week_start=MONDAY, cells=cells, row_enrolment_id=world.amina.pk, by_user=world.by
    )

    assert written == 3
    # The sick day chosen in the grid stays sick; the row's button fills the rest.
    assert marked(world.amina) == {MONDAY: P, MONDAY.replace(day=8): SICK, MONDAY.replace(day=9): P}
    assert marked(world.bram) == {}


@pytest.mark.parametrize("case", ["unknown-mark", "row-of-another-cohort", "day-left-the-rhythm"])
def test_a_refused_grid_saves_nothing_not_even_the_weeks_sessions(world, coordinator, case):
    cells = grid_cells(world, {(world.amina, 0): P, (world.bram, 1): SICK})
    row = None
    if case == "unknown-mark":
        cells[next(iter(cells))] = "on-holiday"
    elif case == "row-of-another-cohort":
        row = EnrolmentFactory(status=EnrolmentStatus.STARTED).pk
    else:
        # Wednesday leaves the rhythm after the page was shown.
        cohort_rhythm_update(
            cohort=world.cohort, internship_weekdays=["mon", "tue"], school_weekdays=["thu"], by_user=coordinator
        )
        cells[next(name for name in cells if "2026-09-09" in name)] = P

    with pytest.raises(TransitionNotAllowed):
        attendance_grid_save(
            cohort=world.cohort, week_start=MONDAY, cells=cells, row_enrolment_id=row, by_user=world.by
        )

    assert not Attendance.objects.exists()
    assert not AttendanceSession.objects.exists()


# --- The weekly grid ---------------------------------------------------------------------------------------


def test_the_grid_shows_who_was_on_the_track_that_week_with_their_marks(world):
    monday, tuesday, _wednesday = attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)
    attendance_mark(session=monday, enrolment=world.amina, status=P, by_user=world.by)
    attendance_mark(session=tuesday, enrolment=world.bram, status=SICK, by_user=world.by)
    left_this_week = EnrolmentFactory(
        cohort=world.cohort,
        status=EnrolmentStatus.DROPPED_OUT,
        dropout_reason="moved",
        started_on=datetime.date(2026, 9, 1),
        ended_on=MONDAY,
        candidate__last_name="Aalders",
    )
    EnrolmentFactory(
        cohort=world.cohort,
        status=EnrolmentStatus.DROPPED_OUT,
        dropout_reason="health",
        started_on=datetime.date(2026, 9, 1),
        ended_on=datetime.date(2026, 9, 4),
    )
    EnrolmentFactory(cohort=world.cohort, status=EnrolmentStatus.SELECTED)

    week = attendance_week(cohort=world.cohort, week_start=MONDAY + datetime.timedelta(days=3))

    assert week.week_start == MONDAY
    assert [row.enrolment for row in week.rows] == [left_this_week, world.amina, world.bram]
    assert [cell.on_track for cell in week.rows[0].cells] == [True, False, False]
    assert [cell.status for cell in week.rows[1].cells] == [P, None, None]
    assert [cell.status for cell in week.rows[2].cells] == [None, SICK, None]
    assert week.rows[1].cells[0].key == (monday.pk, world.amina.pk)
    assert week.rows[1].rate.percentage == 100.0


@pytest.mark.parametrize("candidates", [2, 8])
def test_the_grid_reads_three_queries_however_many_candidates(world, candidates, django_assert_num_queries):
    for _ in range(candidates - 2):
        EnrolmentFactory(cohort=world.cohort, status=EnrolmentStatus.STARTED)
    sessions = attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)
    attendance_mark_row(enrolment=world.amina, sessions=sessions, by_user=world.by)
    attendance_mark_row(enrolment=world.bram, sessions=sessions, by_user=world.by, status=SICK)

    with django_assert_num_queries(3):
        week = attendance_week(cohort=world.cohort, week_start=MONDAY)
        shown = [(row.enrolment.candidate.full_name, [cell.status for cell in row.cells]) for row in week.rows]

    assert len(shown) == candidates


def test_an_empty_week_takes_the_same_three_queries(world, django_assert_num_queries):
    before_the_start = datetime.date(2026, 8, 24)
    with django_assert_num_queries(3):
        week = attendance_week(cohort=world.cohort, week_start=before_the_start)

    assert (week.sessions, [cell for row in week.rows for cell in row.cells]) == ([], [])


def test_a_week_without_sessions_yet_shows_the_rhythms_days_unmarked_in_three_queries(world, django_assert_num_queries):
    with django_assert_num_queries(3):
        week = attendance_week(cohort=world.cohort, week_start=MONDAY)

    assert [(s.pk, s.date.day, s.kind) for s in week.sessions] == [
        (None, 7, "internship"),
        (None, 8, "internship"),
        (None, 9, "school"),
    ]
    assert [cell.status for cell in week.rows[0].cells] == [None, None, None]
    assert not AttendanceSession.objects.exists()


def test_saving_the_grid_takes_a_fixed_number_of_queries(world):
    def save(enrolments) -> int:
        sessions = attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)
        marks = {(session.pk, enrolment.pk): SICK for session in sessions for enrolment in enrolments}
        with CaptureQueriesContext(connection) as queries:
            attendance_mark_week(cohort=world.cohort, week_start=MONDAY, marks=marks, by_user=world.by)
        return len(queries)

    few = save([world.amina])
    many = save([world.amina, world.bram, *(EnrolmentFactory(cohort=world.cohort, status="started") for _ in range(5))])

    assert few == many


# --- Percentages -------------------------------------------------------------------------------------------


def rate_of(*statuses) -> AttendanceRate:
    enrolment = EnrolmentFactory(status=EnrolmentStatus.STARTED)
    for day, status in enumerate(statuses, start=1):
        AttendanceFactory(
            enrolment=enrolment,
            session=AttendanceSessionFactory(cohort=enrolment.cohort, date=MONDAY.replace(day=day)),
            status=status,
        )
    return attendance_rate(enrolment=enrolment)


def test_without_marked_sessions_the_percentages_are_unknown_not_zero():
    rate = rate_of()

    assert (rate.marked, rate.percentage, rate.unexcused_percentage) == (0, None, None)
    assert not rate.is_below(80)


def test_sick_and_notified_absences_lower_attendance_but_are_not_unexcused():
    rate = rate_of(P, P, P, SICK, WITHOUT_NOTICE)

    assert (rate.percentage, rate.unexcused_percentage, rate.excused) == (60.0, 20.0, 1)


def test_all_sick_is_no_attendance_and_no_unexcused_absence():
    rate = rate_of(SICK, SICK, SICK)

    assert (rate.percentage, rate.unexcused_percentage, rate.excused) == (0.0, 0.0, 3)


def test_a_partial_week_counts_only_its_marked_days(world):
    sessions = attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)
    attendance_mark(session=sessions[0], enrolment=world.amina, status=P, by_user=world.by)
    attendance_mark(session=sessions[1], enrolment=world.amina, status=WITH_NOTICE, by_user=world.by)

    rate = attendance_rate(enrolment=world.amina)

    assert (rate.marked, rate.percentage) == (2, 50.0)


def test_rates_of_several_candidates_come_in_one_query(world, django_assert_num_queries):
    session = AttendanceSessionFactory(cohort=world.cohort, date=MONDAY)
    attendance_mark(session=session, enrolment=world.amina, status=P, by_user=world.by)

    with django_assert_num_queries(1):
        rates = attendance_rates(enrolments=[world.amina, world.bram])

    assert (rates[world.amina.pk].percentage, rates[world.bram.pk].percentage) == (100.0, None)


def test_attendance_per_module_counts_only_that_modules_sessions(world):
    vca = CohortModuleFactory(cohort=world.cohort, name="VCA Basis")
    day = attendance_session_create(cohort=world.cohort, on_date=MONDAY, kind="internship", by_user=world.by)
    lesson = attendance_session_create(
        cohort=world.cohort, on_date=MONDAY, kind="school", cohort_module=vca, by_user=world.by
    )
    attendance_mark(session=day, enrolment=world.amina, status=P, by_user=world.by)
    attendance_mark(session=lesson, enrolment=world.amina, status=WITHOUT_NOTICE, by_user=world.by)
    attendance_mark(session=lesson, enrolment=world.bram, status=P, by_user=world.by)

    assert attendance_rate(enrolment=world.amina, cohort_module=vca).percentage == 0.0
    assert attendance_rate(enrolment=world.amina).percentage == 50.0
    assert module_attendance_rates(cohort=world.cohort)[vca.pk].percentage == 50.0


# --- Flags for the adviser ---------------------------------------------------------------------------------


def mark_days(world, enrolment, statuses, *, last_day=TODAY) -> None:
    """One session a day, ending on last_day, marked with the statuses in order."""
    for offset, status in enumerate(reversed(statuses)):
        day = last_day - datetime.timedelta(days=offset)
        session, _created = AttendanceSession.objects.get_or_create(cohort=world.cohort, date=day, kind="school")
        attendance_mark(session=session, enrolment=enrolment, status=status, by_user=world.by)


@pytest.mark.parametrize(
    ("statuses", "flagged"),
    [
        ([P, P, P, P, WITHOUT_NOTICE], False),  # exactly 80%: not below the threshold
        ([P, P, P, WITHOUT_NOTICE], True),  # 75%
        ([P] * 7 + [SICK, WITH_NOTICE, P], False),  # 80%
        ([P] * 7 + [SICK, WITH_NOTICE, WITHOUT_NOTICE], True),  # 70%
        ([SICK] * 4, True),  # all sick: 0%, the adviser should know
        ([P], False),
    ],
)
def test_candidates_below_the_threshold_are_flagged(world, adviser, statuses, flagged):
    mark_days(world, world.amina, statuses)

    flags = attendance_flags(user=adviser, today=TODAY)

    assert [flag.enrolment for flag in flags] == ([world.amina] if flagged else [])


def test_a_candidate_without_marked_sessions_is_not_flagged(world, adviser):
    attendance_week_sessions(cohort=world.cohort, week_start=MONDAY, by_user=world.by)  # days, but no marks

    assert attendance_flags(user=adviser, today=TODAY) == []


def test_only_the_window_counts(world, adviser, settings):
    settings.ATTENDANCE_WINDOW_DAYS = 14
    mark_days(world, world.amina, [WITHOUT_NOTICE] * 3, last_day=TODAY - datetime.timedelta(days=14))
    mark_days(world, world.amina, [P, P])

    assert attendance_flags(user=adviser, today=TODAY) == []
    assert [flag.enrolment for flag in attendance_flags(user=adviser, today=TODAY - datetime.timedelta(days=2))] == [
        world.amina
    ]


def test_the_threshold_is_a_setting(world, adviser, settings):
    mark_days(world, world.amina, [P, P, P, WITHOUT_NOTICE])  # 75%
    settings.ATTENDANCE_THRESHOLD_PERCENT = 70

    assert attendance_flags(user=adviser, today=TODAY) == []


def test_flags_show_the_advisers_own_started_candidates_lowest_first(world, adviser, organisation):
    colleague = UserFactory(organisation=organisation, role=Role.ADVISER)
    other = EnrolmentFactory(
        cohort=world.cohort, status=EnrolmentStatus.STARTED, candidate=CandidateFactory(adviser=colleague)
    )
    mark_days(world, world.amina, [P, WITHOUT_NOTICE])
    mark_days(world, world.bram, [WITHOUT_NOTICE, WITHOUT_NOTICE])
    mark_days(world, other, [WITHOUT_NOTICE])

    flags = attendance_flags(user=adviser, today=TODAY)

    assert [(flag.enrolment, flag.rate.percentage) for flag in flags] == [(world.bram, 0.0), (world.amina, 50.0)]
    assert [flag.enrolment for flag in attendance_flags(user=colleague, today=TODAY)] == [other]
