"""pilots.selectors.pilot_cards: the coordinator's pilots, each once, with their number of cohorts."""

import pytest

from pilots.models import PartnerRole
from pilots.selectors import pilot_cards, pilot_list
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory

pytestmark = pytest.mark.django_db


def test_the_cards_are_the_pilots_of_pilot_list_each_once_with_their_cohorts(coordinator, organisation):
    led = PilotFactory(name="A geleid", lead_organisation=organisation)
    # Led and a partner as well, with other partners besides: joined, it would come back once per partner.
    PilotPartnerFactory(pilot=led, organisation=organisation, role=PartnerRole.TRAINING_PARTNER)
    PilotPartnerFactory(pilot=led, organisation=OrganisationFactory(), role=PartnerRole.HOST_EMPLOYER)
    partner_of = PilotFactory(name="B partner")
    PilotPartnerFactory(pilot=partner_of, organisation=organisation, role=PartnerRole.TRAINING_PARTNER)
    PilotFactory(name="C van een ander")
    CohortFactory.create_batch(3, pilot=led)
    CohortFactory(pilot=partner_of)

    cards = list(pilot_cards(user=coordinator).order_by("name", "pk"))

    assert [pilot.pk for pilot in cards] == list(
        pilot_list(user=coordinator).order_by("name", "pk").values_list("pk", flat=True)
    )
    assert [(pilot.name, pilot.cohort_count) for pilot in cards] == [("A geleid", 3), ("B partner", 1)]
    assert all(pilot.sector_label for pilot in cards)


def test_a_pilot_without_cohorts_counts_none(administrator):
    PilotFactory(name="Nog leeg")

    assert [pilot.cohort_count for pilot in pilot_cards(user=administrator)] == [0]
