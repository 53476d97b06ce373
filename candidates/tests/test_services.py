import datetime
import itertools
import threading

import pytest
from django.db import connection
from django.utils import timezone

from candidates.models import (
    DropoutReason,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    Outcome,
    OutcomeKind,
)
from candidates.progress import outflow_record
from candidates.services import CohortFull, enrolment_create, enrolment_transition
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.statemachine import TransitionNotAllowed
from employers.tests.factories import EmployerFactory
from pilots.tests.factories import CohortFactory
from tests.services import require_postgres

from ..lifecycle import ENROLMENT_LIFECYCLE, SEAT_HOLDING

S = EnrolmentStatus

# The life of a candidate as the partners describe it; the code's table must say the same.
ALLOWED_TRANSITIONS = {
    (S.REGISTERED, S.SCREENING_PLANNED),
    (S.REGISTERED, S.SCREENED),
    (S.REGISTERED, S.NOT_SELECTED),
    (S.SCREENING_PLANNED, S.SCREENED),
    (S.SCREENING_PLANNED, S.REGISTERED),
    (S.SCREENING_PLANNED, S.NOT_SELECTED),
    (S.SCREENED, S.SELECTED),
    (S.SCREENED, S.RESERVE),
    (S.SCREENED, S.NOT_SELECTED),
    (S.RESERVE, S.SELECTED),
    (S.RESERVE, S.NOT_SELECTED),
    (S.SELECTED, S.STARTED),
    (S.SELECTED, S.RESERVE),
    # Someone who leaves before the first day withdraws; "not selected" is no longer a step after selection.
    (S.SELECTED, S.WITHDRAWN),
    (S.STARTED, S.COMPLETED),
    (S.STARTED, S.DROPPED_OUT),
    (S.COMPLETED, S.OUTFLOW),
    (S.DROPPED_OUT, S.OUTFLOW),
}
REFUSED_TRANSITIONS = sorted(set(itertools.product(S, S)) - ALLOWED_TRANSITIONS)
EXPECTED_SEAT_HOLDING = [S.SELECTED, S.STARTED, S.COMPLETED, S.DROPPED_OUT, S.OUTFLOW]
NOT_SEAT_HOLDING = [status for status in S if status not in EXPECTED_SEAT_HOLDING]


def enrolment_in(status: str, **fields) -> Enrolment:
    if status == S.DROPPED_OUT:
        fields.setdefault("dropout_reason", DropoutReason.HEALTH)
    return EnrolmentFactory(status=status, **fields)


def cohort_running_today(**fields):
    """A cohort that runs on the day the test runs: a start needs no reason and is not after the end."""
    today = timezone.localdate()
    return CohortFactory(start_date=today, end_date=today + datetime.timedelta(days=100), **fields)


def history(enrolment: Enrolment) -> list[tuple[str, str]]:
    return list(enrolment.transitions.order_by("at", "pk").values_list("from_status", "to_status"))


def test_the_enrolment_lifecycle_allows_exactly_the_agreed_transitions():
    table = {(source, target) for source, targets in ENROLMENT_LIFECYCLE.transitions.items() for target in targets}

    assert table == ALLOWED_TRANSITIONS


@pytest.mark.parametrize("status", [S.NOT_SELECTED, S.WITHDRAWN, S.OUTFLOW])
def test_not_selected_withdrawn_and_outflow_end_the_lifecycle(status):
    assert ENROLMENT_LIFECYCLE.is_final(status)


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED_TRANSITIONS))
def test_an_allowed_transition_changes_the_status_and_writes_history(adviser, source, target):
    enrolment = enrolment_in(source)
    extra = {"dropout_reason": DropoutReason.TRANSPORT} if target == S.DROPPED_OUT else {}
    if target == S.STARTED:
        # A start is refused after the cohort's end: start on its first day, whatever the day the test runs.
        extra["on_date"] = enrolment.cohort.start_date

    result = enrolment_transition(
        enrolment=enrolment, to_status=target, by_user=adviser, reason="Besproken in het overleg", **extra
    )

    enrolment.refresh_from_db()
    assert result.status == enrolment.status == target
    transition = enrolment.transitions.get()
    assert (transition.from_status, transition.to_status) == (source, target)
    assert transition.by_user == adviser
    assert transition.reason == "Besproken in het overleg"
    assert transition.at == enrolment.status_changed_at


@pytest.mark.parametrize(("source", "target"), REFUSED_TRANSITIONS)
def test_a_refused_transition_leaves_status_and_history_unchanged(adviser, source, target):
    enrolment = enrolment_in(source)

    with pytest.raises(TransitionNotAllowed) as refusal:
        enrolment_transition(
            enrolment=enrolment,
            to_status=target,
            by_user=adviser,
            reason="Besproken in het overleg",
            dropout_reason=DropoutReason.HEALTH,
        )

    assert str(S(source).label) in str(refusal.value)
    assert str(S(target).label) in str(refusal.value)
    enrolment.refresh_from_db()
    assert enrolment.status == source
    assert not enrolment.transitions.exists()


def test_an_unknown_status_is_refused_as_a_transition(adviser):
    enrolment = enrolment_in(S.SCREENED)

    with pytest.raises(TransitionNotAllowed):
        enrolment_transition(enrolment=enrolment, to_status="graduated", by_user=adviser)

    enrolment.refresh_from_db()
    assert enrolment.status == S.SCREENED


@pytest.mark.parametrize("reason", ["", "   "])
def test_not_selecting_a_candidate_needs_a_reason(adviser, reason):
    enrolment = enrolment_in(S.SCREENED)

    with pytest.raises(TransitionNotAllowed):
        enrolment_transition(enrolment=enrolment, to_status=S.NOT_SELECTED, by_user=adviser, reason=reason)

    enrolment.refresh_from_db()
    assert enrolment.status == S.SCREENED
    assert not enrolment.transitions.exists()


def test_a_dropout_without_any_reason_is_refused(adviser):
    enrolment = enrolment_in(S.STARTED)

    with pytest.raises(TransitionNotAllowed):
        enrolment_transition(enrolment=enrolment, to_status=S.DROPPED_OUT, by_user=adviser)

    enrolment.refresh_from_db()
    assert enrolment.status == S.STARTED
    assert not enrolment.transitions.exists()


@pytest.mark.parametrize("dropout_reason", ["", "bored"])
def test_a_dropout_needs_one_of_the_dropout_reasons(adviser, dropout_reason):
    enrolment = enrolment_in(S.STARTED)

    with pytest.raises(TransitionNotAllowed):
        enrolment_transition(
            enrolment=enrolment,
            to_status=S.DROPPED_OUT,
            by_user=adviser,
            reason="Stopt per direct",
            dropout_reason=dropout_reason,
        )

    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.dropout_reason) == (S.STARTED, "")


def test_a_dropout_records_its_reason_and_end_date(adviser):
    enrolment = enrolment_in(S.STARTED, started_on=datetime.date(2026, 9, 1))

    enrolment_transition(
        enrolment=enrolment,
        to_status=S.DROPPED_OUT,
        by_user=adviser,
        dropout_reason=DropoutReason.CARE_FOR_FAMILY,
        on_date=datetime.date(2026, 10, 5),
    )

    enrolment.refresh_from_db()
    assert enrolment.dropout_reason == DropoutReason.CARE_FOR_FAMILY
    assert enrolment.ended_on == datetime.date(2026, 10, 5)


def test_starting_sets_the_start_date(adviser):
    enrolment = enrolment_in(S.SELECTED)

    enrolment_transition(enrolment=enrolment, to_status=S.STARTED, by_user=adviser, on_date=datetime.date(2026, 9, 7))

    enrolment.refresh_from_db()
    assert enrolment.started_on == datetime.date(2026, 9, 7)
    assert enrolment.ended_on is None


def test_starting_without_a_date_starts_today(adviser):
    enrolment = enrolment_in(S.SELECTED, cohort=cohort_running_today())

    enrolment_transition(enrolment=enrolment, to_status=S.STARTED, by_user=adviser)

    enrolment.refresh_from_db()
    assert enrolment.started_on == timezone.localdate()


def test_completing_sets_the_end_date(adviser):
    enrolment = enrolment_in(S.STARTED, started_on=datetime.date(2026, 9, 1))

    enrolment_transition(
        enrolment=enrolment, to_status=S.COMPLETED, by_user=adviser, on_date=datetime.date(2026, 12, 15)
    )

    enrolment.refresh_from_db()
    assert (enrolment.started_on, enrolment.ended_on) == (datetime.date(2026, 9, 1), datetime.date(2026, 12, 15))


def test_completing_on_a_date_before_the_start_ends_on_the_start_date(adviser):
    enrolment = enrolment_in(S.STARTED, started_on=datetime.date(2026, 9, 1))

    enrolment_transition(
        enrolment=enrolment, to_status=S.COMPLETED, by_user=adviser, on_date=datetime.date(2026, 8, 20)
    )

    enrolment.refresh_from_db()
    assert enrolment.ended_on == datetime.date(2026, 9, 1)


def test_enrolment_create_registers_and_writes_the_first_history_row(adviser):
    candidate = CandidateFactory()
    cohort = CohortFactory()

    enrolment = enrolment_create(candidate=candidate, cohort=cohort, by_user=adviser, reason="Aangemeld door UWV")

    assert enrolment.status == S.REGISTERED
    transition = EnrolmentTransition.objects.get(enrolment=enrolment)
    assert (transition.from_status, transition.to_status) == ("", S.REGISTERED)
    assert transition.by_user == adviser
    assert transition.reason == "Aangemeld door UWV"


def test_the_full_walk_to_outflow_leaves_seven_history_rows_in_order(adviser):
    enrolment = enrolment_create(candidate=CandidateFactory(), cohort=cohort_running_today(seats=1), by_user=adviser)
    for status in (S.SCREENING_PLANNED, S.SCREENED, S.SELECTED, S.STARTED, S.COMPLETED):
        enrolment = enrolment_transition(enrolment=enrolment, to_status=status, by_user=adviser)
    employer = EmployerFactory()

    outcome = outflow_record(
        enrolment=enrolment,
        by_user=adviser,
        kind=OutcomeKind.CONTRACT_AT_HOST,
        employer=employer,
        hours_per_week=24,
    )

    enrolment.refresh_from_db()
    assert enrolment.status == S.OUTFLOW
    assert history(enrolment) == [
        ("", S.REGISTERED),
        (S.REGISTERED, S.SCREENING_PLANNED),
        (S.SCREENING_PLANNED, S.SCREENED),
        (S.SCREENED, S.SELECTED),
        (S.SELECTED, S.STARTED),
        (S.STARTED, S.COMPLETED),
        (S.COMPLETED, S.OUTFLOW),
    ]
    assert set(enrolment.transitions.values_list("by_user", flat=True)) == {adviser.pk}
    assert (outcome.kind, outcome.employer, outcome.recorded_by) == (OutcomeKind.CONTRACT_AT_HOST, employer, adviser)


@pytest.mark.parametrize("status", [S.SELECTED, S.STARTED])
def test_an_outcome_cannot_be_recorded_before_the_track_ends(adviser, status):
    enrolment = enrolment_in(status)

    with pytest.raises(TransitionNotAllowed):
        outflow_record(enrolment=enrolment, by_user=adviser, kind=OutcomeKind.JOB_ELSEWHERE)

    assert not Outcome.objects.exists()
    enrolment.refresh_from_db()
    assert enrolment.status == status


def test_an_outcome_after_a_dropout_moves_the_enrolment_to_outflow(adviser):
    enrolment = enrolment_in(S.DROPPED_OUT, dropout_reason=DropoutReason.FOUND_WORK)

    outflow_record(enrolment=enrolment, by_user=adviser, kind=OutcomeKind.JOB_ELSEWHERE, employer_name="Bakkerij")

    enrolment.refresh_from_db()
    assert enrolment.status == S.OUTFLOW
    assert enrolment.dropout_reason == DropoutReason.FOUND_WORK
    assert history(enrolment) == [(S.DROPPED_OUT, S.OUTFLOW)]


def test_correcting_an_outcome_updates_it_without_new_history(adviser):
    enrolment = enrolment_in(S.COMPLETED)
    outflow_record(enrolment=enrolment, by_user=adviser, kind=OutcomeKind.NONE)
    enrolment.refresh_from_db()

    outflow_record(enrolment=enrolment, by_user=adviser, kind=OutcomeKind.EDUCATION, education_level=3)

    outcome = Outcome.objects.get(enrolment=enrolment)
    assert (outcome.kind, outcome.education_level) == (OutcomeKind.EDUCATION, 3)
    assert history(enrolment) == [(S.COMPLETED, S.OUTFLOW)]


def test_the_seat_holding_statuses_are_the_ones_that_took_a_seat():
    assert set(SEAT_HOLDING) == set(EXPECTED_SEAT_HOLDING)


def test_selecting_beyond_the_cohort_seats_raises_cohort_full(adviser):
    cohort = CohortFactory(seats=2, name="Voorjaar 2027")
    enrolment_in(S.SELECTED, cohort=cohort)
    enrolment_in(S.SELECTED, cohort=cohort)
    waiting = enrolment_in(S.SCREENED, cohort=cohort)

    with pytest.raises(CohortFull, match="Voorjaar 2027"):
        enrolment_transition(enrolment=waiting, to_status=S.SELECTED, by_user=adviser)

    waiting.refresh_from_db()
    assert waiting.status == S.SCREENED
    assert not waiting.transitions.exists()
    assert cohort.enrolments.filter(status=S.SELECTED).count() == 2


def test_a_full_cohort_still_takes_candidates_on_its_reserve_list(adviser):
    cohort = CohortFactory(seats=1)
    enrolment_in(S.SELECTED, cohort=cohort)
    waiting = enrolment_in(S.SCREENED, cohort=cohort)

    enrolment_transition(enrolment=waiting, to_status=S.RESERVE, by_user=adviser)

    waiting.refresh_from_db()
    assert waiting.status == S.RESERVE


def test_a_candidate_on_the_reserve_list_cannot_take_a_seat_of_a_full_cohort(adviser):
    cohort = CohortFactory(seats=1)
    enrolment_in(S.STARTED, cohort=cohort)
    reserve = enrolment_in(S.RESERVE, cohort=cohort)

    with pytest.raises(CohortFull):
        enrolment_transition(enrolment=reserve, to_status=S.SELECTED, by_user=adviser)


def test_a_seat_given_back_to_the_reserve_list_can_be_taken_again(adviser):
    cohort = CohortFactory(seats=1)
    selected = enrolment_in(S.SELECTED, cohort=cohort)
    reserve = enrolment_in(S.RESERVE, cohort=cohort)
    enrolment_transition(enrolment=selected, to_status=S.RESERVE, by_user=adviser)

    enrolment_transition(enrolment=reserve, to_status=S.SELECTED, by_user=adviser)

    reserve.refresh_from_db()
    assert reserve.status == S.SELECTED


@pytest.mark.parametrize("status", EXPECTED_SEAT_HOLDING)
def test_an_enrolment_in_a_seat_holding_status_takes_a_seat(adviser, status):
    cohort = CohortFactory(seats=1)
    enrolment_in(status, cohort=cohort)
    waiting = enrolment_in(S.SCREENED, cohort=cohort)

    with pytest.raises(CohortFull):
        enrolment_transition(enrolment=waiting, to_status=S.SELECTED, by_user=adviser)


@pytest.mark.parametrize("status", NOT_SEAT_HOLDING)
def test_an_enrolment_in_another_status_leaves_the_seat_free(adviser, status):
    cohort = CohortFactory(seats=1)
    enrolment_in(status, cohort=cohort)
    waiting = enrolment_in(S.SCREENED, cohort=cohort)

    enrolment_transition(enrolment=waiting, to_status=S.SELECTED, by_user=adviser)

    waiting.refresh_from_db()
    assert waiting.status == S.SELECTED


def test_selected_candidates_of_another_cohort_take_no_seat(adviser):
    cohort = CohortFactory(seats=1)
    enrolment_in(S.SELECTED, cohort=CohortFactory(pilot=cohort.pilot, seats=1))
    waiting = enrolment_in(S.SCREENED, cohort=cohort)

    enrolment_transition(enrolment=waiting, to_status=S.SELECTED, by_user=adviser)

    waiting.refresh_from_db()
    assert waiting.status == S.SELECTED


def run_at_once(work, *arguments) -> list:
    """Run work(argument) in one thread per argument, released together; return what each returned or raised."""
    barrier = threading.Barrier(len(arguments))
    results: list = [None] * len(arguments)

    def run(index: int, argument) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = work(argument)
        except Exception as error:  # the test inspects every failure
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, argument)) for index, argument in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting for a lock"
    return results


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_advisers_selecting_for_the_last_seat_at_once_fill_it_only_once(adviser):
    require_postgres()
    cohort = CohortFactory(seats=1)
    first = enrolment_in(S.SCREENED, cohort=cohort)
    second = enrolment_in(S.SCREENED, cohort=cohort)

    results = run_at_once(
        lambda enrolment: enrolment_transition(enrolment=enrolment, to_status=S.SELECTED, by_user=adviser),
        first,
        second,
    )

    selected = [result for result in results if isinstance(result, Enrolment)]
    refused = [result for result in results if isinstance(result, CohortFull)]
    assert (len(selected), len(refused)) == (1, 1), results
    assert Enrolment.objects.filter(cohort=cohort, status=S.SELECTED).count() == 1
    assert EnrolmentTransition.objects.filter(enrolment__cohort=cohort, to_status=S.SELECTED).count() == 1
