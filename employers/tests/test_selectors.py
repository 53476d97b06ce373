from types import SimpleNamespace

import pytest

from core.roles import Role
from core.tests.factories import UserFactory
from employers.selectors import employer_for_user, placement_list, seat_offer_list
from employers.tests.factories import EmployerFactory, PlacementFactory, SeatOfferFactory
from pilots.models import OrganisationKind, PartnerRole
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory


@pytest.fixture
def world(db):
    """Two hosts take part in the same pilots; organisation A leads one and partners in one of B's."""
    org_a = OrganisationFactory(name="WSP A")
    org_b = OrganisationFactory(name="WSP B")
    college = OrganisationFactory(name="ROC Test", kind=OrganisationKind.COLLEGE)
    sun = EmployerFactory(organisation__name="Kinderopvang Zon")
    moon = EmployerFactory(organisation__name="Kinderopvang Maan")
    own = PilotFactory(lead_organisation=org_a)
    shared = PilotFactory(lead_organisation=org_b)
    foreign = PilotFactory(lead_organisation=org_b)
    PilotPartnerFactory(pilot=shared, organisation=org_a, role=PartnerRole.WSP)
    PilotPartnerFactory(pilot=own, organisation=college, role=PartnerRole.TRAINING_PARTNER)
    for pilot in (own, shared, foreign):
        for employer in (sun, moon):
            PilotPartnerFactory(pilot=pilot, organisation=employer.organisation, role=PartnerRole.HOST_EMPLOYER)
    cohorts = {pilot: CohortFactory(pilot=pilot) for pilot in (own, shared, foreign)}
    placements = {
        (pilot, employer): PlacementFactory(employer=employer, enrolment__cohort=cohorts[pilot])
        for pilot in (own, shared, foreign)
        for employer in (sun, moon)
    }
    offers = {
        (pilot, employer): SeatOfferFactory(employer=employer, cohort=cohorts[pilot])
        for pilot in (own, shared, foreign)
        for employer in (sun, moon)
    }
    return SimpleNamespace(
        org_a=org_a,
        college=college,
        sun=sun,
        moon=moon,
        own=own,
        shared=shared,
        foreign=foreign,
        placements=placements,
        offers=offers,
    )


def test_placement_list_shows_an_employer_contact_only_the_placements_at_their_employer(world):
    contact = UserFactory(organisation=world.sun.organisation, role=Role.EMPLOYER_CONTACT)

    assert set(placement_list(user=contact)) == {
        world.placements[world.own, world.sun],
        world.placements[world.shared, world.sun],
        world.placements[world.foreign, world.sun],
    }


def test_placement_list_shows_a_contact_of_an_organisation_that_is_no_employer_nothing(world):
    contact = UserFactory(organisation=world.org_a, role=Role.EMPLOYER_CONTACT)

    assert not placement_list(user=contact).exists()


@pytest.mark.parametrize("role", [Role.ADVISER, Role.COORDINATOR])
def test_placement_list_shows_the_placements_of_the_pilots_of_the_organisation(world, role):
    user = UserFactory(organisation=world.org_a, role=role)

    assert set(placement_list(user=user)) == {
        world.placements[pilot, employer] for pilot in (world.own, world.shared) for employer in (world.sun, world.moon)
    }


def test_placement_list_shows_a_training_partner_nothing(world):
    user = UserFactory(organisation=world.college, role=Role.TRAINING_PARTNER)

    assert not placement_list(user=user).exists()


@pytest.mark.parametrize("role", [Role.ADVISER, Role.COORDINATOR, Role.EMPLOYER_CONTACT])
def test_placement_list_shows_a_user_without_organisation_nothing(world, role):
    user = UserFactory(organisation=None, role=role)

    assert not placement_list(user=user).exists()


def test_placement_list_shows_an_administrator_every_placement(world, administrator):
    assert set(placement_list(user=administrator)) == set(world.placements.values())


def test_seat_offer_list_shows_an_employer_contact_only_the_offers_of_their_employer(world):
    contact = UserFactory(organisation=world.moon.organisation, role=Role.EMPLOYER_CONTACT)

    assert set(seat_offer_list(user=contact)) == {
        world.offers[world.own, world.moon],
        world.offers[world.shared, world.moon],
        world.offers[world.foreign, world.moon],
    }


@pytest.mark.parametrize("role", [Role.ADVISER, Role.COORDINATOR])
def test_seat_offer_list_shows_the_offers_for_the_pilots_of_the_organisation(world, role):
    user = UserFactory(organisation=world.org_a, role=role)

    assert set(seat_offer_list(user=user)) == {
        world.offers[pilot, employer] for pilot in (world.own, world.shared) for employer in (world.sun, world.moon)
    }


def test_seat_offer_list_shows_a_training_partner_nothing(world):
    user = UserFactory(organisation=world.college, role=Role.TRAINING_PARTNER)

    assert not seat_offer_list(user=user).exists()


@pytest.mark.parametrize("role", [Role.ADVISER, Role.COORDINATOR, Role.EMPLOYER_CONTACT])
def test_seat_offer_list_shows_a_user_without_organisation_nothing(world, role):
    user = UserFactory(organisation=None, role=role)

    assert not seat_offer_list(user=user).exists()


def test_seat_offer_list_shows_an_administrator_every_offer(world, administrator):
    assert set(seat_offer_list(user=administrator)) == set(world.offers.values())


def test_employer_for_user_finds_the_employer_of_the_user_organisation(world):
    contact = UserFactory(organisation=world.sun.organisation, role=Role.EMPLOYER_CONTACT)

    assert employer_for_user(user=contact) == world.sun


def test_employer_for_user_is_none_for_an_organisation_that_is_no_employer(world):
    user = UserFactory(organisation=world.org_a, role=Role.ADVISER)

    assert employer_for_user(user=user) is None


def test_employer_for_user_is_none_without_organisation(world):
    user = UserFactory(organisation=None, role=Role.EMPLOYER_CONTACT)

    assert employer_for_user(user=user) is None
