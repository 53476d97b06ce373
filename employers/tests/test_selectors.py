import zoneinfo
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone

from candidates.models import EnrolmentStatus
from candidates.tests.factories import EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from employers.models import ContractOfferStatus, DeclineReason
from employers.models import PlacementStatus as P
from employers.selectors import (
    adviser_declined_placements,
    adviser_overdue_proposals,
    cohort_places,
    contract_offer_list,
    employer_contacts,
    employer_for_user,
    placement_list,
    seat_offer_list,
    vacancy_distribution,
    vacancy_list,
)
from employers.tests.factories import (
    ContractOfferFactory,
    EmployerFactory,
    EmployerLocationFactory,
    JointVacancyFactory,
    PlacementFactory,
    SeatOfferFactory,
    VacancyApplicationFactory,
)
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


# --- Employer contacts ------------------------------------------------------------------------------------------


def test_employer_contacts_are_the_active_contacts_of_the_employer_organisation(world):
    own = UserFactory(username="eigen", organisation=world.sun.organisation, role=Role.EMPLOYER_CONTACT)
    UserFactory(username="weg", organisation=world.sun.organisation, role=Role.EMPLOYER_CONTACT, is_active=False)
    UserFactory(username="adviseur-bij-zon", organisation=world.sun.organisation, role=Role.ADVISER)
    UserFactory(username="geen-rol", organisation=world.sun.organisation)
    UserFactory(username="maan", organisation=world.moon.organisation, role=Role.EMPLOYER_CONTACT)

    assert list(employer_contacts(employer=world.sun)) == [own]


# --- Places per employer ----------------------------------------------------------------------------------------


def test_cohort_places_counts_offered_proposed_confirmed_and_contracts_per_employer(world):
    cohort = CohortFactory(pilot=world.own)
    location = EmployerLocationFactory(employer=world.sun)
    SeatOfferFactory(employer=world.sun, cohort=cohort, location=None, places=3)
    SeatOfferFactory(employer=world.sun, cohort=cohort, location=location, places=2)
    for status in [P.PROPOSED, P.PROPOSED, P.CONFIRMED, P.ACTIVE, P.DECLINED, P.ENDED]:
        PlacementFactory(employer=world.sun, enrolment__cohort=cohort, status=status)
    accepted = ContractOfferFactory(
        placement=PlacementFactory(employer=world.sun, enrolment__cohort=cohort, status=P.ENDED),
        status=ContractOfferStatus.ACCEPTED,
    )
    ContractOfferFactory(placement=accepted.placement, status=ContractOfferStatus.DECLINED)
    ContractOfferFactory(placement=accepted.placement, status=ContractOfferStatus.OFFERED)
    SeatOfferFactory(employer=world.moon, cohort=cohort, places=1)
    # Another cohort of the same employers counts nowhere.
    PlacementFactory(employer=world.sun, status=P.CONFIRMED)

    rows = {row.employer: row for row in cohort_places(cohort=cohort)}

    sun = rows[world.sun]
    assert (sun.offered, sun.proposed, sun.confirmed, sun.contracts, sun.remaining) == (5, 2, 2, 1, 1)
    moon = rows[world.moon]
    assert (moon.offered, moon.proposed, moon.confirmed, moon.contracts, moon.remaining) == (1, 0, 0, 0, 1)


def test_cohort_places_lists_an_employer_with_a_proposal_but_no_offer(world):
    cohort = CohortFactory(pilot=world.own)
    PlacementFactory(employer=world.moon, enrolment__cohort=cohort, status=P.PROPOSED)
    PlacementFactory(employer=world.sun, enrolment__cohort=cohort, status=P.DECLINED)

    rows = cohort_places(cohort=cohort)

    assert [(row.employer, row.offered, row.proposed, row.remaining) for row in rows] == [(world.moon, 0, 1, 0)]


def test_cohort_places_is_one_query_however_many_employers(world, django_assert_num_queries):
    cohort = CohortFactory(pilot=world.own)

    def add_employer() -> None:
        employer = EmployerFactory()
        SeatOfferFactory(employer=employer, cohort=cohort, places=2)
        PlacementFactory(employer=employer, enrolment__cohort=cohort, status=P.CONFIRMED)

    add_employer()
    with django_assert_num_queries(1):
        assert len(cohort_places(cohort=cohort)) == 1
    for _ in range(5):
        add_employer()
    with django_assert_num_queries(1):
        rows = cohort_places(cohort=cohort)
        assert [row.employer.name for row in rows] == sorted(row.employer.name for row in rows)
    assert len(rows) == 6


def test_vacancy_distribution_shows_places_per_employer_and_who_is_left(world):
    vacancy = JointVacancyFactory(cohort=CohortFactory(pilot=world.own))
    vacancy.employers.set([world.sun, world.moon])
    SeatOfferFactory(employer=world.sun, cohort=vacancy.cohort, places=3)
    proposed, confirmed, waiting, reserve = (
        VacancyApplicationFactory(vacancy=vacancy, enrolment__status=status).enrolment
        for status in [EnrolmentStatus.SELECTED, EnrolmentStatus.STARTED, EnrolmentStatus.SELECTED, "reserve"]
    )
    PlacementFactory(employer=world.sun, enrolment=proposed, status=P.PROPOSED)
    PlacementFactory(employer=world.sun, enrolment=confirmed, status=P.CONFIRMED)
    PlacementFactory(employer=world.moon, enrolment=waiting, status=P.DECLINED)
    # An outsider's offer and placements count for the outsider only.
    outsider = EmployerFactory()
    SeatOfferFactory(employer=outsider, cohort=vacancy.cohort, places=9)

    distribution = vacancy_distribution(vacancy=vacancy)

    rows = {row.employer: row for row in distribution.employers}
    assert set(rows) == {world.sun, world.moon}
    sun, moon = rows[world.sun], rows[world.moon]
    assert (sun.offered, sun.proposed, sun.confirmed, sun.remaining) == (3, 1, 1, 1)
    assert (moon.offered, moon.proposed, moon.confirmed, moon.remaining) == (0, 0, 0, 0)
    assert [application.enrolment for application in distribution.unplaced] == [waiting]
    assert reserve not in [application.enrolment for application in distribution.unplaced]


# --- The adviser's start page -----------------------------------------------------------------------------------


def test_adviser_declined_placements_shows_recent_declines_of_own_candidates(world, adviser):
    now = timezone.now()
    recent = PlacementFactory(
        enrolment__candidate__adviser=adviser, status=P.DECLINED, status_changed_at=now - timedelta(days=29)
    )
    PlacementFactory(
        enrolment__candidate__adviser=adviser, status=P.DECLINED, status_changed_at=now - timedelta(days=31)
    )
    PlacementFactory(enrolment__candidate__adviser=UserFactory(role=Role.ADVISER), status=P.DECLINED)
    PlacementFactory(enrolment__candidate__adviser=adviser, status=P.PROPOSED)

    declined = list(adviser_declined_placements(user=adviser))

    assert declined == [recent]
    assert declined[0].get_decline_reason_display() == str(DeclineReason.NO_SUPERVISOR.label)


def test_a_decline_leaves_the_queue_once_the_candidate_is_proposed_anew(world, adviser):
    declined = PlacementFactory(
        enrolment__candidate__adviser=adviser,
        status=P.DECLINED,
        status_changed_at=timezone.now() - timedelta(days=2),
    )
    assert list(adviser_declined_placements(user=adviser)) == [declined]

    PlacementFactory(enrolment=declined.enrolment, status=P.PROPOSED)

    assert list(adviser_declined_placements(user=adviser)) == []


def test_a_decline_stays_in_the_queue_beside_a_proposal_made_before_it(world, adviser):
    enrolment = EnrolmentFactory(candidate__adviser=adviser, status=EnrolmentStatus.SELECTED)
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        PlacementFactory(enrolment=enrolment, status=P.PROPOSED)
    declined = PlacementFactory(enrolment=enrolment, status=P.DECLINED)

    assert list(adviser_declined_placements(user=adviser)) == [declined]


def test_the_newest_decline_comes_first(world, adviser):
    now = timezone.now()
    older, newer = (
        PlacementFactory(
            enrolment__candidate__adviser=adviser, status=P.DECLINED, status_changed_at=now - timedelta(days=days)
        )
        for days in (5, 1)
    )

    assert list(adviser_declined_placements(user=adviser)) == [newer, older]


AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def at(day: int, hour: int = 10) -> datetime:
    """A moment in October 2026: the 2nd, 9th and 16th are Fridays."""
    return datetime(2026, 10, day, hour, tzinfo=AMSTERDAM)


def test_adviser_overdue_proposals_flags_own_proposals_after_five_working_days(world, adviser):
    overdue = PlacementFactory(enrolment__candidate__adviser=adviser, status_changed_at=at(2))
    PlacementFactory(enrolment__candidate__adviser=adviser, status_changed_at=at(5))
    PlacementFactory(enrolment__candidate__adviser=adviser, status_changed_at=at(2), status=P.CONFIRMED)
    PlacementFactory(enrolment__candidate__adviser=UserFactory(role=Role.ADVISER), status_changed_at=at(2))

    assert list(adviser_overdue_proposals(user=adviser, now=at(7))) == []
    assert list(adviser_overdue_proposals(user=adviser, now=at(9, 8))) == [overdue]


def test_an_overdue_proposal_stays_flagged_after_the_reminder(world, adviser):
    placement = PlacementFactory(
        enrolment__candidate__adviser=adviser, status_changed_at=at(2), reminder_sent_at=at(9, 8)
    )

    assert list(adviser_overdue_proposals(user=adviser, now=at(12))) == [placement]


def test_the_number_of_working_days_comes_from_the_settings(world, adviser, settings):
    settings.PLACEMENT_REMINDER_WORKING_DAYS = 2
    placement = PlacementFactory(enrolment__candidate__adviser=adviser, status_changed_at=at(2))

    assert list(adviser_overdue_proposals(user=adviser, now=at(5))) == []
    assert list(adviser_overdue_proposals(user=adviser, now=at(6))) == [placement]


def test_christmas_does_not_count_towards_the_working_days_of_a_proposal(world, adviser, settings):
    settings.PLACEMENT_REMINDER_WORKING_DAYS = 3
    # Wednesday 23 December 2026: Thursday the 24th counts, Christmas (Friday) and the weekend do not.
    placement = PlacementFactory(
        enrolment__candidate__adviser=adviser, status_changed_at=datetime(2026, 12, 23, 10, tzinfo=AMSTERDAM)
    )

    assert list(adviser_overdue_proposals(user=adviser, now=datetime(2026, 12, 28, 10, tzinfo=AMSTERDAM))) == []
    assert list(adviser_overdue_proposals(user=adviser, now=datetime(2026, 12, 29, 8, tzinfo=AMSTERDAM))) == [placement]


def test_vacancy_list_shows_an_employer_contact_the_vacancies_of_their_employer(world):
    ours = JointVacancyFactory(cohort=CohortFactory(pilot=world.own))
    ours.employers.set([world.sun, world.moon])
    theirs = JointVacancyFactory(cohort=CohortFactory(pilot=world.own))
    theirs.employers.set([world.moon])
    contact = UserFactory(organisation=world.sun.organisation, role=Role.EMPLOYER_CONTACT)

    assert list(vacancy_list(user=contact)) == [ours]


@pytest.mark.parametrize("role", [Role.ADVISER, Role.COORDINATOR])
def test_vacancy_list_shows_the_vacancies_of_the_pilots_of_the_organisation(world, role):
    visible = JointVacancyFactory(cohort=CohortFactory(pilot=world.shared))
    JointVacancyFactory(cohort=CohortFactory(pilot=world.foreign))
    user = UserFactory(organisation=world.org_a, role=role)

    assert list(vacancy_list(user=user)) == [visible]


def test_contract_offer_list_shows_an_employer_contact_only_their_own_offers(world):
    own = ContractOfferFactory(placement=world.placements[world.foreign, world.sun])
    ContractOfferFactory(placement=world.placements[world.own, world.moon])
    contact = UserFactory(organisation=world.sun.organisation, role=Role.EMPLOYER_CONTACT)

    assert list(contract_offer_list(user=contact)) == [own]


def test_contract_offer_list_shows_a_training_partner_nothing(world):
    ContractOfferFactory(placement=world.placements[world.own, world.sun])
    user = UserFactory(organisation=world.college, role=Role.TRAINING_PARTNER)

    assert not contract_offer_list(user=user).exists()
