"""The candidate's current enrolment (the column the list sorts on) follows every way an enrolment comes about."""

import pytest

from candidates.lifecycle import EnrolmentStatus as S
from candidates.models import Candidate, Enrolment
from candidates.services import enrolments_carry_over
from candidates.tests.factories import CandidateFactory
from candidates.tests.journeys import walk
from pilots.tests.factories import CohortFactory

pytestmark = pytest.mark.django_db


def assert_current_is_latest() -> None:
    for candidate in Candidate.objects.all():
        latest = Enrolment.objects.filter(candidate=candidate).order_by("-created_at", "-pk").first()
        assert candidate.current_enrolment_id == (latest.pk if latest else None), candidate


@pytest.mark.parametrize("status", [*S.values])
def test_every_status_walked_to_keeps_the_current_enrolment(status, adviser):
    cohort = CohortFactory(seats=5)

    walk(cohort=cohort, to=status, by_user=adviser)

    assert_current_is_latest()


def test_a_carried_over_candidate_is_current_in_the_new_cohort(adviser):
    first, second = CohortFactory(seats=5), CohortFactory(seats=5)
    reserve = walk(cohort=first, to=S.RESERVE, by_user=adviser)

    [carried] = enrolments_carry_over(enrolments=[reserve], to_cohort=second, by_user=adviser)

    assert Candidate.objects.get(pk=reserve.candidate_id).current_enrolment_id == carried.pk
    assert_current_is_latest()


def test_a_candidate_without_an_enrolment_has_no_current_one(adviser):
    CandidateFactory()

    assert_current_is_latest()
