"""core.expressions: the same rows as the ORM's own `__in`, on either database."""

import pytest

from candidates.models import Candidate, Enrolment
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.expressions import InSubqueryArray
from core.roles import Role
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_in_subquery_array_keeps_the_rows_whose_value_the_subquery_gives():
    adviser = UserFactory(role=Role.ADVISER)
    mine = EnrolmentFactory(candidate=CandidateFactory(adviser=adviser))
    EnrolmentFactory(candidate=CandidateFactory(adviser=UserFactory(role=Role.ADVISER)))
    EnrolmentFactory(candidate=CandidateFactory(adviser=None))
    caseload = Candidate.objects.filter(adviser=adviser).order_by().values("pk")

    found = Enrolment.objects.filter(InSubqueryArray("candidate_id", caseload))

    assert list(found) == [mine]
    assert set(found) == set(Enrolment.objects.filter(candidate_id__in=caseload))


def test_in_subquery_array_of_an_empty_subquery_keeps_nothing():
    EnrolmentFactory()

    assert not Enrolment.objects.filter(InSubqueryArray("candidate_id", Candidate.objects.none().values("pk"))).exists()
