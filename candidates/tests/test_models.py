"""The database itself refuses what the candidate models forbid, whatever writes the row."""

import datetime
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, transaction

from candidates.models import (
    BarrierKind,
    Candidate,
    CandidateBarrier,
    DropoutReason,
    Enrolment,
    EnrolmentStatus,
    Outcome,
    OutcomeKind,
)
from candidates.services import candidate_update
from candidates.tests.factories import CandidateBarrierFactory, CandidateFactory, EnrolmentFactory
from core.statemachine import TransitionNotAllowed
from employers.tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db


@contextmanager
def refused_by(constraint: str, *, unique: bool = False):
    # PostgreSQL names the failed constraint; SQLite names a unique constraint's columns instead.
    pattern = f"{constraint}|UNIQUE constraint failed" if unique else constraint
    with pytest.raises(IntegrityError, match=pattern), transaction.atomic():
        yield


def test_consent_without_a_purpose_is_refused():
    with refused_by("candidate_consent_has_purpose"):
        CandidateFactory(consent_purpose="")


def test_clearing_the_purpose_of_a_given_consent_is_refused():
    candidate = CandidateFactory()

    with refused_by("candidate_consent_has_purpose"):
        Candidate.objects.filter(pk=candidate.pk).update(consent_purpose="")


def test_a_candidate_without_consent_needs_no_purpose():
    candidate = CandidateFactory(consent_given_at=None, consent_purpose="")

    assert not Candidate.objects.get(pk=candidate.pk).has_consent


@pytest.mark.parametrize("skill", ["speaking", "listening", "reading", "writing"])
def test_an_unknown_language_level_is_refused(skill):
    candidate = CandidateFactory()

    with refused_by(f"candidate_{skill}_level_valid"):
        Candidate.objects.filter(pk=candidate.pk).update(**{f"{skill}_level": "D1"})


def test_an_unknown_language_level_is_refused_on_create():
    with refused_by("candidate_speaking_level_valid"):
        CandidateFactory(speaking_level="B3")


def test_an_unrecorded_language_level_is_accepted():
    candidate = CandidateFactory(speaking_level="", listening_level="", reading_level="", writing_level="")

    assert Candidate.objects.filter(pk=candidate.pk).exists()


def test_an_unknown_benefit_type_is_refused():
    with refused_by("candidate_benefit_valid"):
        CandidateFactory(benefit_type="pension")


def test_an_unknown_referral_source_is_refused():
    with refused_by("candidate_referral_source_valid"):
        CandidateFactory(referral_source="newspaper")


def test_a_barrier_kind_is_recorded_once_per_candidate():
    barrier = CandidateBarrierFactory(kind=BarrierKind.TRANSPORT)

    with refused_by("candidatebarrier_unique_kind", unique=True):
        CandidateBarrier.objects.create(candidate=barrier.candidate, kind=BarrierKind.TRANSPORT)


def test_a_candidate_may_have_barriers_of_several_kinds():
    candidate = CandidateFactory()
    CandidateBarrierFactory(candidate=candidate, kind=BarrierKind.TRANSPORT)
    CandidateBarrierFactory(candidate=candidate, kind=BarrierKind.CHILDCARE)

    assert candidate.barriers.count() == 2


def test_an_unknown_barrier_kind_is_refused(adviser):
    # Barrier kinds are a list a coordinator extends (pilots.ReferenceItem), so the services check them, not a
    # database constraint.
    candidate = CandidateBarrierFactory().candidate
    with pytest.raises(TransitionNotAllowed):
        candidate_update(candidate=candidate, by_user=adviser, data={}, barriers=["weather"])
    assert list(candidate.barriers.values_list("kind", flat=True)) != ["weather"]


def test_a_candidate_is_enrolled_once_per_cohort():
    enrolment = EnrolmentFactory()

    with refused_by("enrolment_unique_candidate_cohort", unique=True):
        Enrolment.objects.create(candidate=enrolment.candidate, cohort=enrolment.cohort)


def test_a_candidate_may_be_enrolled_in_a_next_cohort():
    first = EnrolmentFactory(status=EnrolmentStatus.RESERVE)
    EnrolmentFactory(candidate=first.candidate)

    assert first.candidate.enrolments.count() == 2


def test_an_unknown_enrolment_status_is_refused():
    enrolment = EnrolmentFactory()

    with refused_by("enrolment_status_valid"):
        Enrolment.objects.filter(pk=enrolment.pk).update(status="graduated")


def test_a_dropout_without_a_reason_is_refused():
    with refused_by("enrolment_dropout_has_reason"):
        EnrolmentFactory(status=EnrolmentStatus.DROPPED_OUT, dropout_reason="")


def test_a_dropout_with_a_reason_is_accepted():
    enrolment = EnrolmentFactory(status=EnrolmentStatus.DROPPED_OUT, dropout_reason=DropoutReason.TRANSPORT)

    assert Enrolment.objects.get(pk=enrolment.pk).dropout_reason == DropoutReason.TRANSPORT


@pytest.mark.parametrize("status", [EnrolmentStatus.STARTED, EnrolmentStatus.COMPLETED, EnrolmentStatus.SELECTED])
def test_a_dropout_reason_on_an_enrolment_that_did_not_drop_out_is_refused(status):
    with refused_by("enrolment_dropout_reason_only_after_dropout"):
        EnrolmentFactory(status=status, dropout_reason=DropoutReason.HEALTH)


def test_a_dropout_reason_stays_when_the_dropout_flows_out_to_work():
    enrolment = EnrolmentFactory(status=EnrolmentStatus.OUTFLOW, dropout_reason=DropoutReason.FOUND_WORK)

    assert Enrolment.objects.get(pk=enrolment.pk).dropout_reason == DropoutReason.FOUND_WORK


def test_an_enrolment_ending_before_it_started_is_refused():
    with refused_by("enrolment_ends_after_start"):
        EnrolmentFactory(
            status=EnrolmentStatus.COMPLETED,
            started_on=datetime.date(2026, 9, 10),
            ended_on=datetime.date(2026, 9, 1),
        )


def test_an_enrolment_that_ends_without_having_started_is_refused():
    with refused_by("enrolment_ends_after_start"):
        EnrolmentFactory(status=EnrolmentStatus.REGISTERED, started_on=None, ended_on=datetime.date(2026, 9, 1))


def test_an_outcome_contract_at_the_host_without_the_employer_is_refused():
    enrolment = EnrolmentFactory(status=EnrolmentStatus.OUTFLOW)

    with refused_by("outcome_contract_at_host_names_employer"):
        Outcome.objects.create(enrolment=enrolment, kind=OutcomeKind.CONTRACT_AT_HOST)


def test_an_outcome_contract_at_the_host_with_the_employer_is_accepted():
    enrolment = EnrolmentFactory(status=EnrolmentStatus.OUTFLOW)

    outcome = Outcome.objects.create(enrolment=enrolment, kind=OutcomeKind.CONTRACT_AT_HOST, employer=EmployerFactory())

    assert outcome.is_positive


def test_an_outcome_of_more_than_sixty_hours_a_week_is_refused():
    enrolment = EnrolmentFactory(status=EnrolmentStatus.OUTFLOW)

    with refused_by("outcome_hours_per_week_range"):
        Outcome.objects.create(enrolment=enrolment, kind=OutcomeKind.JOB_ELSEWHERE, hours_per_week=61)


def test_an_outcome_of_sixty_hours_a_week_is_accepted():
    enrolment = EnrolmentFactory(status=EnrolmentStatus.OUTFLOW)

    outcome = Outcome.objects.create(enrolment=enrolment, kind=OutcomeKind.JOB_ELSEWHERE, hours_per_week=60)

    assert Outcome.objects.get(pk=outcome.pk).hours_per_week == 60


@pytest.mark.parametrize("level", [0, 5])
def test_an_outcome_outside_mbo_levels_one_to_four_is_refused(level):
    enrolment = EnrolmentFactory(status=EnrolmentStatus.OUTFLOW)

    with refused_by("outcome_education_level_range"):
        Outcome.objects.create(enrolment=enrolment, kind=OutcomeKind.EDUCATION, education_level=level)


def test_an_outcome_at_mbo_level_four_is_accepted():
    enrolment = EnrolmentFactory(status=EnrolmentStatus.OUTFLOW)

    outcome = Outcome.objects.create(enrolment=enrolment, kind=OutcomeKind.EDUCATION, education_level=4)

    assert Outcome.objects.get(pk=outcome.pk).education_level == 4


def test_an_unknown_outcome_kind_is_refused():
    enrolment = EnrolmentFactory(status=EnrolmentStatus.OUTFLOW)

    with refused_by("outcome_kind_valid"):
        Outcome.objects.create(enrolment=enrolment, kind="lottery")


@pytest.mark.parametrize(
    ("first", "last", "expected"), [("Fatima", "Amrani", "Fatima A."), ("Jan", "berg", "Jan B."), ("Noor", "", "Noor")]
)
def test_short_name_keeps_the_first_name_and_the_initial(first, last, expected):
    assert Candidate(first_name=first, last_name=last).short_name == expected
