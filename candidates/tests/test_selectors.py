from types import SimpleNamespace

import pytest

from candidates.models import DropoutReason, EnrolmentStatus
from candidates.selectors import candidate_list, enrolment_list, with_seat_counts
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from employers.tests.factories import EmployerFactory
from pilots.models import OrganisationKind, PartnerRole
from pilots.selectors import cohort_list
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory


@pytest.fixture
def world(db):
    """A leads one pilot and partners in one of B's; a college trains in the shared one; a host takes part in all."""
    org_a = OrganisationFactory(name="WSP A")
    org_b = OrganisationFactory(name="WSP B")
    college = OrganisationFactory(name="ROC Test", kind=OrganisationKind.COLLEGE)
    host = EmployerFactory(organisation__name="Kinderopvang Zon")
    own = PilotFactory(lead_organisation=org_a)
    shared = PilotFactory(lead_organisation=org_b)
    foreign = PilotFactory(lead_organisation=org_b)
    PilotPartnerFactory(pilot=shared, organisation=org_a, role=PartnerRole.WSP)
    PilotPartnerFactory(pilot=shared, organisation=college, role=PartnerRole.TRAINING_PARTNER)
    for pilot in (own, shared, foreign):
        PilotPartnerFactory(pilot=pilot, organisation=host.organisation, role=PartnerRole.HOST_EMPLOYER)
    own_enrolment = EnrolmentFactory(cohort=CohortFactory(pilot=own))
    shared_enrolment = EnrolmentFactory(cohort=CohortFactory(pilot=shared))
    foreign_enrolment = EnrolmentFactory(cohort=CohortFactory(pilot=foreign))
    return SimpleNamespace(
        org_a=org_a,
        org_b=org_b,
        college=college,
        host=host,
        own=own,
        shared=shared,
        foreign=foreign,
        own_enrolment=own_enrolment,
        shared_enrolment=shared_enrolment,
        foreign_enrolment=foreign_enrolment,
    )


@pytest.mark.parametrize("role", [Role.ADVISER, Role.COORDINATOR])
def test_candidate_list_shows_candidates_enrolled_in_the_pilots_of_the_organisation(world, role):
    user = UserFactory(organisation=world.org_a, role=role)

    assert set(candidate_list(user=user)) == {world.own_enrolment.candidate, world.shared_enrolment.candidate}


def test_candidate_list_shows_the_lead_organisation_candidates_of_its_pilots_only(world):
    user = UserFactory(organisation=world.org_b, role=Role.ADVISER)

    assert set(candidate_list(user=user)) == {world.shared_enrolment.candidate, world.foreign_enrolment.candidate}


def test_candidate_list_shows_a_training_partner_the_candidates_of_the_pilots_it_trains_in(world):
    user = UserFactory(organisation=world.college, role=Role.TRAINING_PARTNER)

    assert list(candidate_list(user=user)) == [world.shared_enrolment.candidate]


def test_candidate_list_shows_an_adviser_the_candidates_they_registered_before_enrolment(world):
    adviser = UserFactory(organisation=world.org_a, role=Role.ADVISER)
    registered = CandidateFactory(adviser=adviser)
    CandidateFactory(adviser=UserFactory(organisation=world.org_a, role=Role.ADVISER))

    assert set(candidate_list(user=adviser)) == {
        world.own_enrolment.candidate,
        world.shared_enrolment.candidate,
        registered,
    }


def test_candidate_list_does_not_show_a_coordinator_the_candidates_not_yet_enrolled(world):
    adviser = UserFactory(organisation=world.org_a, role=Role.ADVISER)
    registered = CandidateFactory(adviser=adviser)
    coordinator = UserFactory(organisation=world.org_a, role=Role.COORDINATOR)

    assert registered not in candidate_list(user=coordinator)


def test_candidate_list_shows_a_candidate_in_two_cohorts_once(world):
    EnrolmentFactory(
        candidate=world.own_enrolment.candidate,
        cohort=CohortFactory(pilot=world.shared),
        status=EnrolmentStatus.RESERVE,
    )
    user = UserFactory(organisation=world.org_a, role=Role.ADVISER)

    assert list(candidate_list(user=user)).count(world.own_enrolment.candidate) == 1
    assert candidate_list(user=user).count() == 2


def test_candidate_list_shows_an_employer_contact_nothing(world):
    contact = UserFactory(organisation=world.host.organisation, role=Role.EMPLOYER_CONTACT)

    assert not candidate_list(user=contact).exists()


@pytest.mark.parametrize("role", [Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER])
def test_candidate_list_shows_a_user_without_organisation_nothing(world, role):
    user = UserFactory(organisation=None, role=role)

    assert not candidate_list(user=user).exists()


def test_candidate_list_shows_an_adviser_without_organisation_only_their_own_registrations(world):
    adviser = UserFactory(organisation=None, role=Role.ADVISER)
    registered = CandidateFactory(adviser=adviser)

    assert list(candidate_list(user=adviser)) == [registered]


def test_candidate_list_shows_a_user_without_role_nothing(world):
    user = UserFactory(organisation=world.org_a)

    assert not candidate_list(user=user).exists()


def test_candidate_list_shows_an_administrator_every_candidate(world, administrator):
    unenrolled = CandidateFactory()

    assert set(candidate_list(user=administrator)) == {
        world.own_enrolment.candidate,
        world.shared_enrolment.candidate,
        world.foreign_enrolment.candidate,
        unenrolled,
    }


@pytest.mark.parametrize("role", [Role.ADVISER, Role.COORDINATOR])
def test_enrolment_list_shows_the_enrolments_of_the_pilots_of_the_organisation(world, role):
    user = UserFactory(organisation=world.org_a, role=role)

    assert set(enrolment_list(user=user)) == {world.own_enrolment, world.shared_enrolment}


def test_enrolment_list_shows_a_training_partner_the_enrolments_of_the_pilots_it_trains_in(world):
    user = UserFactory(organisation=world.college, role=Role.TRAINING_PARTNER)

    assert list(enrolment_list(user=user)) == [world.shared_enrolment]


def test_enrolment_list_shows_an_employer_contact_nothing(world):
    contact = UserFactory(organisation=world.host.organisation, role=Role.EMPLOYER_CONTACT)

    assert not enrolment_list(user=contact).exists()


@pytest.mark.parametrize("role", [Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER])
def test_enrolment_list_shows_a_user_without_organisation_nothing(world, role):
    user = UserFactory(organisation=None, role=role)

    assert not enrolment_list(user=user).exists()


def test_enrolment_list_shows_an_administrator_every_enrolment(world, administrator):
    assert set(enrolment_list(user=administrator)) == {
        world.own_enrolment,
        world.shared_enrolment,
        world.foreign_enrolment,
    }


def test_enrolment_list_loads_candidate_cohort_and_pilot_in_one_query(world, django_assert_num_queries):
    user = UserFactory(organisation=world.org_a, role=Role.ADVISER)
    user.role  # noqa: B018 - resolve the role before counting

    with django_assert_num_queries(1):
        names = [(e.candidate.full_name, e.cohort.name, e.cohort.pilot.name) for e in enrolment_list(user=user)]

    assert len(names) == 2


# --- Seats taken per cohort -----------------------------------------------------------------------------------


def test_with_seat_counts_counts_enrolments_and_the_ones_holding_a_seat(world):
    own_cohort, shared_cohort = world.own_enrolment.cohort, world.shared_enrolment.cohort
    for status in EnrolmentStatus:
        reason = DropoutReason.HEALTH if status == EnrolmentStatus.DROPPED_OUT else ""
        EnrolmentFactory(cohort=own_cohort, status=status, dropout_reason=reason)
    EnrolmentFactory(cohort=shared_cohort, status=EnrolmentStatus.SELECTED)
    EnrolmentFactory(cohort=shared_cohort, status=EnrolmentStatus.RESERVE)
    # A second role in the pilot must not multiply the counts.
    PilotPartnerFactory(pilot=world.shared, organisation=world.org_a, role=PartnerRole.FUNDER)
    user = UserFactory(organisation=world.org_a, role=Role.COORDINATOR)

    counts = {
        cohort: (cohort.enrolment_count, cohort.selected_count) for cohort in with_seat_counts(cohort_list(user=user))
    }

    # Besides the fixture's own enrolment (registered): selected, started, completed, dropped out and outflow hold
    # a seat; the others, withdrawn among them, do not.
    assert counts == {own_cohort: (len(EnrolmentStatus) + 1, 5), shared_cohort: (3, 1)}


def test_with_seat_counts_counts_zero_for_a_cohort_without_enrolments(world):
    user = UserFactory(organisation=world.org_a, role=Role.COORDINATOR)
    empty = CohortFactory(pilot=world.own)

    cohort = with_seat_counts(cohort_list(user=user)).get(pk=empty.pk)

    assert (cohort.enrolment_count, cohort.selected_count) == (0, 0)
