"""Leaving the track (completion, dropout with a reason, outflow) and the follow-ups at 3, 6 and 12 months."""

import datetime

import pytest
from django.utils.translation import gettext

from candidates.lifecycle import OUTFLOW_TO_WORK
from candidates.models import (
    ContractType,
    DropoutReason,
    EnrolmentStatus,
    Outcome,
    OutcomeKind,
)
from candidates.progress import (
    add_months,
    enrolment_complete,
    enrolment_drop_out,
    followup_record,
    followups_schedule,
    followups_schedule_missing,
    outflow_date,
    outflow_record,
)
from candidates.progress_selectors import dropout_counts, followup_results, followups_due
from candidates.tests.factories import CandidateFactory, EnrolmentFactory, FollowUpFactory, OutcomeFactory
from core.roles import Role
from core.statemachine import TransitionNotAllowed
from core.tests.factories import UserFactory
from employers.tests.factories import EmployerFactory
from pilots.tests.factories import CohortFactory, PilotFactory

pytestmark = pytest.mark.django_db

S = EnrolmentStatus


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 15, 12, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def cohort(organisation):
    return CohortFactory(pilot=PilotFactory(lead_organisation=organisation))


@pytest.fixture
def started(cohort, adviser):
    return EnrolmentFactory(cohort=cohort, status=S.STARTED, candidate=CandidateFactory(adviser=adviser))


def due_dates(outcome: Outcome) -> dict[int, datetime.date]:
    return dict(outcome.followups.values_list("months", "due_on"))


def last_step(enrolment):
    return enrolment.transitions.order_by("at", "pk").last()


# --- Dropout -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("reason", "note"), [("", "Gestopt"), ("bored", "Gestopt"), (DropoutReason.OTHER, " ")])
def test_a_dropout_needs_a_listed_reason_and_other_needs_a_note(started, adviser, reason, note):
    with pytest.raises(TransitionNotAllowed):
        enrolment_drop_out(enrolment=started, reason=reason, note=note, by_user=adviser)

    started.refresh_from_db()
    assert (started.status, started.dropout_reason) == (S.STARTED, "")


def test_a_dropout_keeps_its_reason_and_note(started, adviser):
    left = enrolment_drop_out(
        enrolment=started,
        reason=DropoutReason.HEALTH,
        note="Langdurig ziek gemeld",
        by_user=adviser,
        on_date=datetime.date(2026, 11, 2),
    )

    assert (left.status, left.dropout_reason, left.ended_on) == (S.DROPPED_OUT, "health", datetime.date(2026, 11, 2))
    assert (last_step(left).reason, last_step(left).by_user) == ("Langdurig ziek gemeld", adviser)
    assert not Outcome.objects.exists()


def test_leaving_for_a_job_is_outflow_to_work_with_follow_ups(started, adviser):
    left = enrolment_drop_out(
        enrolment=started,
        reason=DropoutReason.FOUND_WORK,
        note="Vaste baan gevonden in de thuiszorg",
        by_user=adviser,
        on_date=datetime.date(2026, 11, 20),
        found_work={
            "employer_name": "Thuiszorg Noord",
            "start_date": datetime.date(2026, 12, 1),
            "hours_per_week": 28,
            "contract_type": ContractType.REGULAR,
        },
    )

    outcome = left.outcome
    assert (left.status, left.dropout_reason) == (S.OUTFLOW, DropoutReason.FOUND_WORK)
    assert (outcome.kind, outcome.is_positive, outcome.employer_name, outcome.hours_per_week) == (
        OutcomeKind.JOB_ELSEWHERE,
        True,
        "Thuiszorg Noord",
        28,
    )
    assert [(step.from_status, step.to_status) for step in left.transitions.order_by("at", "pk")][-2:] == [
        (S.STARTED, S.DROPPED_OUT),
        (S.DROPPED_OUT, S.OUTFLOW),
    ]
    assert due_dates(outcome) == {
        3: datetime.date(2027, 3, 1),
        6: datetime.date(2027, 6, 1),
        12: datetime.date(2027, 12, 1),
    }


def test_leaving_for_a_job_without_details_counts_from_the_day_of_leaving(started, adviser):
    left = enrolment_drop_out(
        enrolment=started,
        reason=DropoutReason.FOUND_WORK,
        note="",
        by_user=adviser,
        on_date=datetime.date(2026, 11, 20),
    )

    assert left.outcome.kind == OutcomeKind.JOB_ELSEWHERE
    assert due_dates(left.outcome)[3] == datetime.date(2027, 2, 20)


def test_job_details_with_another_reason_are_refused(started, adviser):
    with pytest.raises(TransitionNotAllowed):
        enrolment_drop_out(
            enrolment=started,
            reason=DropoutReason.MOVED,
            note="Verhuisd",
            by_user=adviser,
            found_work={"employer_name": "Elders"},
        )

    started.refresh_from_db()
    assert started.status == S.STARTED


def test_dropouts_per_reason_tell_leaving_for_work_from_failure(cohort, adviser):
    def leaver(reason, **kwargs):
        enrolment = EnrolmentFactory(cohort=cohort, status=S.STARTED)
        return enrolment_drop_out(enrolment=enrolment, reason=reason, note="", by_user=adviser, **kwargs)

    leaver(DropoutReason.HEALTH)
    leaver(DropoutReason.HEALTH)
    leaver(DropoutReason.FOUND_WORK)
    moved = leaver(DropoutReason.MOVED)
    outflow_record(enrolment=moved, by_user=adviser, kind=OutcomeKind.EDUCATION, education_level=2)
    EnrolmentFactory(cohort=CohortFactory(), status=S.DROPPED_OUT, dropout_reason=DropoutReason.HEALTH)

    counts = dropout_counts(cohorts=[cohort])

    assert [(row.reason, row.count, row.to_work, row.without_work) for row in counts] == [
        ("health", 2, 0, 2),
        ("found_work", 1, 1, 0),
        ("moved", 1, 1, 0),
    ]


# --- Completion and outflow --------------------------------------------------------------------------------


def test_completing_the_track_ends_it_on_the_day(started, adviser):
    completed = enrolment_complete(enrolment=started, by_user=adviser, on_date=datetime.date(2026, 12, 11))

    assert (completed.status, completed.ended_on, completed.dropout_reason) == (
        S.COMPLETED,
        datetime.date(2026, 12, 11),
        "",
    )
    assert last_step(completed).reason == gettext("Track completed")


def test_only_a_started_track_can_be_completed(cohort, adviser):
    selected = EnrolmentFactory(cohort=cohort, status=S.SELECTED)

    with pytest.raises(TransitionNotAllowed):
        enrolment_complete(enrolment=selected, by_user=adviser)


def test_a_contract_at_the_host_after_completion_is_outflow_to_work(started, adviser):
    host = EmployerFactory()
    completed = enrolment_complete(enrolment=started, by_user=adviser, on_date=datetime.date(2026, 12, 11))

    outcome = outflow_record(
        enrolment=completed,
        by_user=adviser,
        kind=OutcomeKind.CONTRACT_AT_HOST,
        employer=host,
        contract_type=ContractType.GROUP_HELPER,
        start_date=datetime.date(2027, 1, 5),
        hours_per_week=24,
        next_step="BBL pedagogisch medewerker niveau 3",
    )

    started.refresh_from_db()
    assert (started.status, outcome.is_positive, outcome.recorded_by) == (S.OUTFLOW, True, adviser)
    assert outcome.kind in OUTFLOW_TO_WORK
    assert due_dates(outcome)[12] == datetime.date(2028, 1, 5)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": OutcomeKind.EDUCATION},
        {"kind": OutcomeKind.BBL},
        {"kind": OutcomeKind.EDUCATION, "education_level": 5},
        {"kind": OutcomeKind.CONTRACT_AT_HOST, "employer_name": "Kinderopvang Zon"},
        {"kind": OutcomeKind.JOB_ELSEWHERE, "hours_per_week": 0},
        {"kind": OutcomeKind.JOB_ELSEWHERE, "hours_per_week": 61},
        {"kind": OutcomeKind.JOB_ELSEWHERE, "contract_type": "zero_hours"},
        {"kind": "abroad"},
        {},
    ],
    ids=[
        "education-without-level",
        "bbl-without-level",
        "level-5",
        "host-without-employer",
        "no-hours",
        "too-many-hours",
        "unknown-contract",
        "unknown-kind",
        "no-kind",
    ],
)
def test_an_incomplete_outflow_is_refused(cohort, adviser, fields):
    completed = EnrolmentFactory(cohort=cohort, status=S.COMPLETED, ended_on=datetime.date(2026, 12, 11))

    with pytest.raises(TransitionNotAllowed):
        outflow_record(enrolment=completed, by_user=adviser, **fields)

    completed.refresh_from_db()
    assert completed.status == S.COMPLETED
    assert not Outcome.objects.exists()


@pytest.mark.parametrize("hours", [1, 60])
def test_the_hours_a_week_range_includes_its_ends(cohort, adviser, hours):
    completed = EnrolmentFactory(cohort=cohort, status=S.COMPLETED, ended_on=datetime.date(2026, 12, 11))

    outcome = outflow_record(enrolment=completed, by_user=adviser, kind=OutcomeKind.VOLUNTEER, hours_per_week=hours)

    assert outcome.hours_per_week == hours


def test_outflow_is_recorded_only_after_the_track(started, adviser):
    with pytest.raises(TransitionNotAllowed):
        outflow_record(enrolment=started, by_user=adviser, kind=OutcomeKind.NONE)


def test_outflow_takes_only_outflow_fields(cohort, adviser):
    completed = EnrolmentFactory(cohort=cohort, status=S.COMPLETED, ended_on=datetime.date(2026, 12, 11))

    with pytest.raises(TypeError):
        outflow_record(enrolment=completed, by_user=adviser, kind=OutcomeKind.NONE, barriers=["debts"])


def test_a_corrected_outflow_replaces_the_last_and_moves_the_open_follow_ups(cohort, adviser):
    completed = EnrolmentFactory(cohort=cohort, status=S.COMPLETED, ended_on=datetime.date(2026, 12, 11))
    first = outflow_record(
        enrolment=completed,
        by_user=adviser,
        kind=OutcomeKind.EDUCATION,
        education_level=3,
        employer_name="Astrum College",
        start_date=datetime.date(2027, 1, 1),
    )
    three_months = first.followups.get(months=3)
    followup_record(followup=three_months, by_user=adviser, still_working=True, same_employer=True, hours_per_week=32)

    corrected = outflow_record(
        enrolment=completed, by_user=adviser, kind=OutcomeKind.JOB_ELSEWHERE, start_date=datetime.date(2027, 2, 1)
    )

    assert corrected.pk == first.pk
    assert (corrected.employer_name, corrected.education_level) == ("", None)
    assert due_dates(corrected) == {
        3: datetime.date(2027, 4, 1),  # answered: kept as it was
        6: datetime.date(2027, 8, 1),
        12: datetime.date(2028, 2, 1),
    }


# --- The follow-up schedule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 11, 30), 3, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 12, 15), 12, datetime.date(2027, 12, 15)),
        (datetime.date(2026, 10, 31), 6, datetime.date(2027, 4, 30)),
    ],
)
def test_months_are_added_by_the_calendar(start, months, due):
    assert add_months(start, months) == due


def test_the_schedule_counts_from_the_outcomes_start_date(cohort, adviser):
    completed = EnrolmentFactory(cohort=cohort, status=S.COMPLETED, ended_on=datetime.date(2026, 12, 11))

    outcome = outflow_record(
        enrolment=completed, by_user=adviser, kind=OutcomeKind.JOB_ELSEWHERE, start_date=datetime.date(2026, 11, 30)
    )

    assert due_dates(outcome) == {
        3: datetime.date(2027, 2, 28),
        6: datetime.date(2027, 5, 30),
        12: datetime.date(2027, 11, 30),
    }
    assert set(outcome.followups.values_list("answered_on", flat=True)) == {None}


def test_without_a_start_date_the_schedule_counts_from_the_end_of_the_track(cohort, adviser):
    completed = EnrolmentFactory(cohort=cohort, status=S.COMPLETED, ended_on=datetime.date(2026, 12, 11))

    outcome = outflow_record(enrolment=completed, by_user=adviser, kind=OutcomeKind.NONE)

    assert outflow_date(outcome) == datetime.date(2026, 12, 11)
    assert due_dates(outcome)[3] == datetime.date(2027, 3, 11)


def test_without_an_end_date_the_schedule_counts_from_the_move_to_outflow(cohort, adviser, time_machine):
    completed = EnrolmentFactory(cohort=cohort, status=S.COMPLETED, ended_on=None)
    outcome = outflow_record(enrolment=completed, by_user=adviser, kind=OutcomeKind.NONE)
    time_machine.move_to(datetime.datetime(2027, 1, 20, 12, 0, tzinfo=datetime.UTC), tick=False)

    followups_schedule(outcome=outcome)

    assert due_dates(outcome)[3] == datetime.date(2027, 3, 15)


def test_failing_all_dates_the_schedule_counts_from_the_recording_of_the_outcome(cohort):
    outcome = OutcomeFactory(
        enrolment=EnrolmentFactory(cohort=cohort, status=S.OUTFLOW, ended_on=None), start_date=None
    )

    followups_schedule(outcome=outcome)

    assert due_dates(outcome)[6] == datetime.date(2027, 6, 15)


def test_outcomes_recorded_elsewhere_get_their_follow_ups_once(cohort, adviser):
    # Written without outflow_record (an import, older data): no follow-ups yet.
    elsewhere = [
        OutcomeFactory(
            enrolment=EnrolmentFactory(cohort=cohort, status=S.OUTFLOW, ended_on=datetime.date(2026, 12, 11))
        )
        for _ in range(2)
    ]
    partly = OutcomeFactory()
    FollowUpFactory(outcome=partly, months=3, due_on=datetime.date(2027, 3, 1))
    # outflow_record schedules all three itself: nothing is left for the sweep.
    recorded = outflow_record(
        enrolment=EnrolmentFactory(cohort=cohort, status=S.COMPLETED, ended_on=datetime.date(2026, 12, 11)),
        by_user=adviser,
        kind=OutcomeKind.JOB_ELSEWHERE,
    )

    created = followups_schedule_missing()
    again = followups_schedule_missing()

    assert (created, again) == (3 + 3 + 2, 0)
    assert all(len(due_dates(outcome)) == 3 for outcome in [*elsewhere, partly, recorded])


# --- Recording a follow-up ----------------------------------------------------------------------------------


def test_a_follow_up_records_whether_someone_still_works(adviser):
    followup = FollowUpFactory()

    followup_record(followup=followup, by_user=adviser, still_working=True, same_employer=False, hours_per_week=32)

    followup.refresh_from_db()
    assert (followup.answered_on, followup.still_working, followup.same_employer, followup.hours_per_week) == (
        datetime.date(2026, 12, 15),
        True,
        False,
        32,
    )
    assert followup.recorded_by == adviser


def test_someone_not_reached_is_recorded_with_a_note(adviser):
    followup = FollowUpFactory()

    with pytest.raises(TransitionNotAllowed):
        followup_record(followup=followup, by_user=adviser, still_working=None)
    followup_record(followup=followup, by_user=adviser, still_working=None, note="Drie keer gebeld, geen gehoor")

    followup.refresh_from_db()
    assert (followup.answered_on, followup.still_working) == (datetime.date(2026, 12, 15), None)


@pytest.mark.parametrize(
    "answer",
    [
        {"still_working": False, "hours_per_week": 20},
        {"still_working": False, "same_employer": True},
        {"still_working": True, "hours_per_week": 61},
        {"still_working": True, "hours_per_week": 0},
        {"still_working": True, "on_date": datetime.date(2026, 12, 16)},
    ],
    ids=["hours-without-work", "employer-without-work", "too-many-hours", "no-hours", "tomorrow"],
)
def test_a_contradicting_follow_up_is_refused(adviser, answer):
    followup = FollowUpFactory()

    with pytest.raises(TransitionNotAllowed):
        followup_record(followup=followup, by_user=adviser, **answer)

    followup.refresh_from_db()
    assert followup.answered_on is None


# --- What is due ------------------------------------------------------------------------------------------


@pytest.fixture
def caseload(cohort, adviser, organisation):
    """Follow-ups of the adviser's candidates and of a colleague's, seen on 25 February 2027."""

    def outflow(start: datetime.date, adviser) -> Outcome:
        enrolment = EnrolmentFactory(
            cohort=cohort, status=S.COMPLETED, ended_on=start, candidate=CandidateFactory(adviser=adviser)
        )
        return outflow_record(enrolment=enrolment, by_user=adviser, kind=OutcomeKind.JOB_ELSEWHERE, start_date=start)

    colleague = UserFactory(organisation=organisation, role=Role.ADVISER)
    return {
        "soon": outflow(datetime.date(2026, 12, 1), adviser),  # 3 months: 1 March, within the week
        "missed": outflow(datetime.date(2026, 11, 2), adviser),  # 3 months: 2 February
        "answered": outflow(datetime.date(2026, 11, 9), adviser),
        "colleague": outflow(datetime.date(2026, 11, 2), colleague),
        "later": outflow(datetime.date(2026, 12, 11), adviser),  # 3 months: 11 March
        "colleague_user": colleague,
    }


def listed(user, today) -> list[tuple[Outcome, int, bool]]:
    return [(f.outcome, f.months, f.is_overdue) for f in followups_due(user=user, today=today)]


def test_due_and_overdue_follow_ups_of_the_advisers_candidates_are_listed(caseload, adviser):
    answered = caseload["answered"].followups.get(months=3)
    followup_record(followup=answered, by_user=adviser, still_working=True, hours_per_week=20, on_date=None)

    assert listed(adviser, datetime.date(2027, 2, 25)) == [(caseload["missed"], 3, True), (caseload["soon"], 3, False)]
    assert listed(caseload["colleague_user"], datetime.date(2027, 2, 25)) == [(caseload["colleague"], 3, True)]


def test_a_missed_follow_up_stays_listed_beside_the_next_one(caseload, adviser, time_machine):
    time_machine.move_to(datetime.datetime(2027, 5, 5, 12, 0, tzinfo=datetime.UTC), tick=False)
    for name in ("soon", "answered", "later"):
        for followup in caseload[name].followups.filter(months=3):
            followup_record(followup=followup, by_user=adviser, still_working=True, hours_per_week=24)

    shown = listed(adviser, datetime.date(2027, 5, 5))

    assert (caseload["missed"], 3, True) in shown
    assert (caseload["missed"], 6, True) in shown
    assert shown[0] == (caseload["missed"], 3, True)


def test_a_follow_up_answered_late_leaves_the_list(caseload, adviser, time_machine):
    time_machine.move_to(datetime.datetime(2027, 5, 5, 12, 0, tzinfo=datetime.UTC), tick=False)
    missed = caseload["missed"].followups.get(months=3)

    followup_record(followup=missed, by_user=adviser, still_working=False)

    assert missed not in followups_due(user=adviser, today=datetime.date(2027, 5, 5))


def test_follow_up_results_per_moment_count_groups_not_people(cohort, adviser):
    outcomes = [OutcomeFactory(enrolment=EnrolmentFactory(cohort=cohort, status=S.OUTFLOW)) for _ in range(4)]
    for outcome in outcomes:
        followups_schedule(outcome=outcome)
    answers = [
        {"still_working": True, "same_employer": True, "hours_per_week": 24},
        {"still_working": True, "same_employer": False, "hours_per_week": 32},
        {"still_working": False},
        {"still_working": None, "note": "Niet bereikt"},
    ]
    for outcome, answer in zip(outcomes, answers, strict=True):
        followup_record(followup=outcome.followups.get(months=3), by_user=adviser, **answer)
    FollowUpFactory(outcome=OutcomeFactory(), months=3)  # another cohort

    three, six, twelve = followup_results(cohorts=[cohort], today=datetime.date(2027, 3, 1))

    assert (three.months, three.scheduled, three.due, three.answered, three.reached, three.not_reached) == (
        3,
        4,
        4,
        4,
        3,
        1,
    )
    assert (three.still_working, three.same_employer, three.average_hours) == (2, 1, 28.0)
    assert three.still_working_percentage == 66.7
    assert (six.scheduled, six.due, six.answered, six.still_working_percentage) == (4, 0, 0, None)
    assert twelve.months == 12


def test_an_answer_counts_among_the_due_follow_ups_only_once_it_is_due(cohort, adviser):
    outcome = OutcomeFactory(enrolment=EnrolmentFactory(cohort=cohort, status=S.OUTFLOW))
    followups_schedule(outcome=outcome)
    six = outcome.followups.get(months=6)
    followup_record(followup=six, by_user=adviser, still_working=True, hours_per_week=20)

    before = followup_results(cohorts=[cohort], today=six.due_on - datetime.timedelta(days=1))[1]
    after = followup_results(cohorts=[cohort], today=six.due_on)[1]

    assert (before.due, before.answered, before.still_working) == (0, 0, 0)
    assert (after.due, after.answered, after.still_working) == (1, 1, 1)
