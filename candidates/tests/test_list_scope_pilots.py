"""The pilots kept on the candidate for the list's scope (Candidate.current_pilot, in_several_pilots) follow every way
an enrolment comes about and every move of a cohort, and the scope read from them holds the same candidates as one
read from the enrolments."""

from urllib.parse import urlencode

import pytest
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict

from candidates.filters import CandidateFilter
from candidates.lifecycle import EnrolmentStatus as S
from candidates.models import Candidate, Enrolment
from candidates.selectors import candidate_list
from candidates.services import enrolment_create, enrolments_carry_over
from candidates.tests.factories import CandidateFactory
from candidates.tests.journeys import walk
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.selectors import pilot_list
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory

pytestmark = pytest.mark.django_db


def assert_kept_pilots_are_right() -> None:
    for candidate in Candidate.objects.all():
        latest = Enrolment.objects.filter(candidate=candidate).order_by("-created_at", "-pk").first()
        pilots = set(Enrolment.objects.filter(candidate=candidate).values_list("cohort__pilot", flat=True))
        assert candidate.current_pilot_id == (latest.cohort.pilot_id if latest else None), candidate
        assert candidate.in_several_pilots == (len(pilots) > 1), candidate


def scope_from_enrolments(user) -> set[int]:
    """The scope read from the enrolments themselves: an enrolment in the user's pilots (an adviser: or theirs)."""
    in_pilots = Q(Exists(Enrolment.objects.filter(candidate=OuterRef("pk"), cohort__pilot__in=pilot_list(user=user))))
    if user.role == Role.ADVISER:
        in_pilots |= Q(adviser=user)
    return set(Candidate.objects.filter(in_pilots).values_list("pk", flat=True))


@pytest.mark.parametrize("status", [S.REGISTERED, S.RESERVE, S.STARTED, S.OUTFLOW])
def test_walking_a_candidate_keeps_the_pilot(status, adviser):
    walk(cohort=CohortFactory(seats=5), to=status, by_user=adviser)

    assert_kept_pilots_are_right()


def test_an_enrolment_in_a_second_pilot_marks_the_candidate_as_in_several(adviser):
    first, second = CohortFactory(), CohortFactory()
    candidate = CandidateFactory()

    enrolment_create(candidate=candidate, cohort=first, by_user=adviser)
    assert_kept_pilots_are_right()
    enrolment_create(candidate=candidate, cohort=second, by_user=adviser)

    candidate.refresh_from_db()
    assert candidate.current_pilot_id == second.pilot_id
    assert candidate.in_several_pilots
    assert_kept_pilots_are_right()


def test_a_second_cohort_of_the_same_pilot_keeps_one_pilot(adviser):
    first = CohortFactory()
    second = CohortFactory(pilot=first.pilot)
    candidate = CandidateFactory()

    enrolment_create(candidate=candidate, cohort=first, by_user=adviser)
    enrolment_create(candidate=candidate, cohort=second, by_user=adviser)

    candidate.refresh_from_db()
    assert candidate.current_pilot_id == first.pilot_id
    assert not candidate.in_several_pilots


def test_the_callers_copy_keeps_what_the_refresh_wrote(adviser):
    first, second = CohortFactory(), CohortFactory()
    candidate = CandidateFactory()
    enrolment_create(candidate=candidate, cohort=first, by_user=adviser)
    enrolment_create(candidate=candidate, cohort=second, by_user=adviser)

    # A later save of the same object writes the kept pilots as they are in the database.
    candidate.save()

    assert_kept_pilots_are_right()


def test_a_carried_over_candidate_is_kept_in_the_new_pilot(adviser):
    first, second = CohortFactory(seats=5), CohortFactory(seats=5)
    reserve = walk(cohort=first, to=S.RESERVE, by_user=adviser)

    enrolments_carry_over(enrolments=[reserve], to_cohort=second, by_user=adviser)

    assert_kept_pilots_are_right()


def test_a_cohort_moved_to_another_pilot_moves_its_candidates(adviser):
    cohort, elsewhere = CohortFactory(), CohortFactory()
    only_here, also_elsewhere = CandidateFactory(), CandidateFactory()
    enrolment_create(candidate=also_elsewhere, cohort=elsewhere, by_user=adviser)
    enrolment_create(candidate=only_here, cohort=cohort, by_user=adviser)
    enrolment_create(candidate=also_elsewhere, cohort=cohort, by_user=adviser)

    cohort.pilot = elsewhere.pilot
    cohort.save()

    assert_kept_pilots_are_right()
    assert not Candidate.objects.get(pk=also_elsewhere.pk).in_several_pilots

    cohort.pilot = PilotFactory()
    cohort.save()

    assert_kept_pilots_are_right()
    assert Candidate.objects.get(pk=also_elsewhere.pk).in_several_pilots


@pytest.mark.parametrize("role", [Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER])
def test_the_scope_holds_the_candidates_with_an_enrolment_in_the_users_pilots(role, adviser):
    organisation = OrganisationFactory()
    user = UserFactory(organisation=organisation, role=role)
    own, partner, foreign = (
        PilotFactory(lead_organisation=organisation),
        PilotFactory(),
        PilotFactory(),
    )
    PilotPartnerFactory(pilot=partner, organisation=organisation)
    own_cohort, partner_cohort, foreign_cohort = (CohortFactory(pilot=pilot) for pilot in (own, partner, foreign))
    cases = {
        "own": [own_cohort],
        "partner": [partner_cohort],
        "foreign": [foreign_cohort],
        "own, then foreign": [own_cohort, foreign_cohort],
        "foreign, then partner": [foreign_cohort, partner_cohort],
        "none": [],
    }
    candidates = {}
    for label, cohorts in cases.items():
        candidates[label] = CandidateFactory(last_name=label)
        for cohort in cohorts:
            enrolment_create(candidate=candidates[label], cohort=cohort, by_user=adviser)
    advised = CandidateFactory(last_name="advised", adviser=user)
    enrolment_create(candidate=advised, cohort=foreign_cohort, by_user=adviser)

    visible = set(candidate_list(user=user).values_list("pk", flat=True))

    assert visible == scope_from_enrolments(user)
    expected = {"own", "partner", "own, then foreign", "foreign, then partner"}
    assert {c.last_name for c in Candidate.objects.filter(pk__in=visible)} == expected | (
        {"advised"} if role == Role.ADVISER else set()
    )
    assert candidate_list(user=user).count() == len(visible)


@pytest.mark.parametrize("role", [Role.ADVISER, Role.COORDINATOR, Role.ADMINISTRATOR])
@pytest.mark.parametrize(
    "params",
    [{}, {"q": "jansen"}, {"status": S.REGISTERED}, {"referral_source": "uwv"}, {"adviser": "mine"}, {"q": "nobody"}],
)
def test_the_count_of_the_list_is_the_number_of_its_rows(role, params, adviser):
    organisation = OrganisationFactory()
    user = UserFactory(organisation=organisation, role=role)
    own, foreign = PilotFactory(lead_organisation=organisation), PilotFactory()
    own_cohort, foreign_cohort = CohortFactory(pilot=own), CohortFactory(pilot=foreign)
    for number, cohorts in enumerate(
        [[own_cohort], [foreign_cohort], [own_cohort, foreign_cohort], [foreign_cohort, own_cohort], []]
    ):
        for advised_by in (user, adviser):
            candidate = CandidateFactory(last_name=f"Jansen {number}", adviser=advised_by, referral_source="uwv")
            for cohort in cohorts:
                enrolment_create(candidate=candidate, cohort=cohort, by_user=adviser)
    if params.get("adviser") == "mine":
        params = {"adviser": user.pk}

    filterset = CandidateFilter(QueryDict(urlencode(params)), user=user)

    assert filterset.count() == len(filterset.qs) == filterset.qs.count()
