import datetime
from types import SimpleNamespace

import pytest

from core.roles import Role
from core.tests.factories import UserFactory
from employers.tests.factories import EmployerFactory
from pilots.models import Organisation, PartnerRole
from pilots.selectors import cohort_list, pilot_list, pilot_organisations
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory


@pytest.fixture
def world(db):
    """Organisation A leads one pilot and partners in one of B's; B also runs a pilot of its own."""
    org_a = OrganisationFactory(name="WSP A")
    org_b = OrganisationFactory(name="WSP B")
    own = PilotFactory(name="Pilot van A", lead_organisation=org_a)
    shared = PilotFactory(name="Gedeelde pilot", lead_organisation=org_b)
    foreign = PilotFactory(name="Pilot van B", lead_organisation=org_b)
    PilotPartnerFactory(pilot=shared, organisation=org_a, role=PartnerRole.WSP)
    return SimpleNamespace(
        org_a=org_a,
        org_b=org_b,
        own=own,
        shared=shared,
        foreign=foreign,
        own_cohort=CohortFactory(pilot=own, start_date=datetime.date(2026, 9, 1)),
        shared_cohort=CohortFactory(pilot=shared, start_date=datetime.date(2026, 3, 1)),
        foreign_cohort=CohortFactory(pilot=foreign, start_date=datetime.date(2026, 1, 1)),
    )


@pytest.mark.parametrize("role", [Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER])
def test_pilot_list_shows_the_pilots_an_organisation_leads_or_partners_in(world, role):
    user = UserFactory(organisation=world.org_a, role=role)

    assert set(pilot_list(user=user)) == {world.own, world.shared}


def test_pilot_list_shows_the_lead_organisation_its_pilots_but_not_its_partners_pilots(world):
    user = UserFactory(organisation=world.org_b, role=Role.COORDINATOR)

    assert set(pilot_list(user=user)) == {world.shared, world.foreign}


def test_pilot_list_shows_a_pilot_once_when_the_organisation_holds_several_roles_in_it(world):
    PilotPartnerFactory(pilot=world.shared, organisation=world.org_a, role=PartnerRole.FUNDER)
    PilotPartnerFactory(pilot=world.own, organisation=world.org_a, role=PartnerRole.LEARN_WORK_DESK)
    user = UserFactory(organisation=world.org_a, role=Role.ADVISER)

    assert sorted(pilot.name for pilot in pilot_list(user=user)) == ["Gedeelde pilot", "Pilot van A"]


def test_pilot_list_shows_a_host_employer_the_pilots_it_takes_part_in(world):
    employer = EmployerFactory()
    PilotPartnerFactory(pilot=world.foreign, organisation=employer.organisation, role=PartnerRole.HOST_EMPLOYER)
    contact = UserFactory(organisation=employer.organisation, role=Role.EMPLOYER_CONTACT)

    assert list(pilot_list(user=contact)) == [world.foreign]


@pytest.mark.parametrize("role", [Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER, Role.EMPLOYER_CONTACT])
def test_pilot_list_shows_a_user_without_organisation_nothing(world, role):
    user = UserFactory(organisation=None, role=role)

    assert not pilot_list(user=user).exists()


def test_pilot_list_shows_an_administrator_every_pilot(world, administrator):
    assert set(pilot_list(user=administrator)) == {world.own, world.shared, world.foreign}


def test_pilot_list_shows_a_non_superuser_administrator_every_pilot(world):
    user = UserFactory(organisation=None, role=Role.ADMINISTRATOR)

    assert set(pilot_list(user=user)) == {world.own, world.shared, world.foreign}


def test_cohort_list_shows_the_cohorts_of_visible_pilots_by_start_date(world):
    user = UserFactory(organisation=world.org_a, role=Role.ADVISER)

    assert list(cohort_list(user=user)) == [world.shared_cohort, world.own_cohort]


def test_cohort_list_shows_a_user_without_organisation_nothing(world):
    user = UserFactory(organisation=None, role=Role.COORDINATOR)

    assert not cohort_list(user=user).exists()


def test_cohort_list_shows_an_administrator_every_cohort(world, administrator):
    assert set(cohort_list(user=administrator)) == {world.own_cohort, world.shared_cohort, world.foreign_cohort}


def test_pilot_organisations_are_the_leads_and_partners_of_the_users_pilots(world):
    """A's coordinator works on A's own pilot and on B's shared one: both leads and every partner of either, not
    an organisation that partners only in B's own pilot."""
    c = OrganisationFactory(name="Opleider C")
    d = OrganisationFactory(name="Opleider D")
    PilotPartnerFactory(pilot=world.own, organisation=c, role=PartnerRole.TRAINING_PARTNER)
    PilotPartnerFactory(pilot=world.foreign, organisation=d, role=PartnerRole.TRAINING_PARTNER)
    coordinator = UserFactory(role=Role.COORDINATOR, organisation=world.org_a)
    assert set(pilot_organisations(user=coordinator)) == {world.org_a, world.org_b, c}
    outsider = UserFactory(role=Role.COORDINATOR, organisation=OrganisationFactory(name="Elders"))
    assert not pilot_organisations(user=outsider).exists()


def test_pilot_organisations_are_every_organisation_for_an_administrator(world, administrator):
    elsewhere = OrganisationFactory(name="In geen enkele pilot")
    assert set(pilot_organisations(user=administrator)) == set(Organisation.objects.all())
    assert {world.org_a, world.org_b, elsewhere} <= set(pilot_organisations(user=administrator))
