"""The services of a pilot's set-up: making, changing, opening and copying a pilot, organisations and reference data."""

import pytest
from django.core.exceptions import ValidationError

from core.statemachine import TransitionNotAllowed
from pilots.models import ModuleKind, OrganisationKind, PartnerRole, PilotStatus, ReferenceKind, Sector, TrackKind
from pilots.services import (
    organisation_create,
    pilot_copy,
    pilot_create,
    pilot_open,
    pilot_partner_add,
    pilot_partner_add_new_organisation,
    pilot_update,
    reference_code_from,
    reference_item_create,
)
from pilots.tests.factories import CohortFactory, ModuleFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory

pytestmark = pytest.mark.django_db


def _details(region, **overrides) -> dict:
    return {
        "name": "Horeca Utrecht",
        "region": region,
        "sector": Sector.CHILDCARE,
        "track_kind": TrackKind.PRE_TRAINING,
        "duration_weeks": 12,
        "internship_days_per_week": 3,
        "school_days_per_week": 2,
        "target_outflow_percentage": 60,
        **overrides,
    }


def test_a_new_pilot_is_a_draft_led_by_its_organisation_which_takes_part_in_its_own_role(coordinator):
    lead = coordinator.organisation

    pilot = pilot_create(lead_organisation=lead, by_user=coordinator, **_details(lead.region))

    assert (pilot.status, pilot.slug) == (PilotStatus.DESIGN, "horeca-utrecht")
    assert list(pilot.partnerships.values_list("organisation", "role")) == [(lead.pk, PartnerRole.WSP)]
    assert pilot.history.get().history_user == coordinator


def test_slugs_stay_unique_and_keep_clear_of_the_sections_own_addresses(coordinator):
    lead = coordinator.organisation
    first = pilot_create(lead_organisation=lead, by_user=coordinator, **_details(lead.region))
    second = pilot_create(lead_organisation=lead, by_user=coordinator, **_details(lead.region))
    reserved = pilot_create(lead_organisation=lead, by_user=coordinator, **_details(lead.region, name="Nieuw"))

    assert (first.slug, second.slug, reserved.slug) == ("horeca-utrecht", "horeca-utrecht-2", "nieuw-2")


def test_a_sector_that_is_not_on_the_list_is_refused(coordinator):
    lead = coordinator.organisation
    with pytest.raises(ValidationError) as refused:
        pilot_create(lead_organisation=lead, by_user=coordinator, **_details(lead.region, sector="space_travel"))
    assert "sector" in refused.value.message_dict


def test_an_update_keeps_the_slug_and_records_who_changed_what(coordinator):
    pilot = PilotFactory(slug="werkfit")

    pilot_update(pilot=pilot, name="Werkfit Groningen", planned_places=24, by_user=coordinator)

    pilot.refresh_from_db()
    assert (pilot.slug, pilot.name, pilot.planned_places) == ("werkfit", "Werkfit Groningen", 24)
    assert pilot.history.latest().history_user == coordinator


def test_a_pilot_opens_once(coordinator):
    pilot = PilotFactory(status=PilotStatus.DESIGN)
    pilot_open(pilot=pilot, by_user=coordinator)
    assert pilot.status == PilotStatus.RECRUITMENT
    with pytest.raises(TransitionNotAllowed):
        pilot_open(pilot=pilot, by_user=coordinator)


@pytest.mark.parametrize("kvk_number", ["1234567", "123456789", "abcdefgh"])
def test_an_organisation_needs_eight_digits_as_its_kvk_number(coordinator, kvk_number):
    with pytest.raises(ValidationError) as refused:
        organisation_create(
            name="Nieuw BV", kind=OrganisationKind.HOST_EMPLOYER, kvk_number=kvk_number, by_user=coordinator
        )
    assert "kvk_number" in refused.value.message_dict


def test_a_kvk_number_belongs_to_one_organisation_but_many_may_have_none(coordinator):
    OrganisationFactory(name="Eerste BV", kvk_number="12345678")
    organisation_create(name="Zonder nummer 1", kind=OrganisationKind.HOST_EMPLOYER, by_user=coordinator)
    organisation_create(name="Zonder nummer 2", kind=OrganisationKind.HOST_EMPLOYER, by_user=coordinator)

    with pytest.raises(ValidationError) as refused:
        organisation_create(
            name="Tweede BV", kind=OrganisationKind.HOST_EMPLOYER, kvk_number="12345678", by_user=coordinator
        )
    assert "kvk_number" in refused.value.message_dict


def test_a_new_organisation_and_its_role_are_made_together_or_not_at_all(coordinator):
    pilot = PilotFactory()
    OrganisationFactory(name="Eerste BV", kvk_number="12345678")

    with pytest.raises(ValidationError):
        pilot_partner_add_new_organisation(
            pilot=pilot,
            role=PartnerRole.HOST_EMPLOYER,
            name="Tweede BV",
            kind=OrganisationKind.HOST_EMPLOYER,
            kvk_number="12345678",
            by_user=coordinator,
        )
    partnership = pilot_partner_add_new_organisation(
        pilot=pilot,
        role=PartnerRole.HOST_EMPLOYER,
        name="Derde BV",
        kind=OrganisationKind.HOST_EMPLOYER,
        by_user=coordinator,
    )

    assert partnership.organisation.name == "Derde BV"
    assert list(pilot.partnerships.values_list("organisation__name", flat=True)) == ["Derde BV"]


def test_the_same_role_twice_is_refused(coordinator):
    partnership = PilotPartnerFactory()
    with pytest.raises(ValidationError):
        pilot_partner_add(
            pilot=partnership.pilot, organisation=partnership.organisation, role=partnership.role, by_user=coordinator
        )


def test_a_copy_takes_details_partners_and_learning_line_but_no_cohorts(coordinator):
    pilot = PilotFactory(name="Werkfit", status=PilotStatus.RUNNING, planned_places=30, target_group="Statushouders")
    PilotPartnerFactory(pilot=pilot, role=PartnerRole.TRAINING_PARTNER, contribution="Lessen")
    ModuleFactory(pilot=pilot, name="Taal", position=1)
    ModuleFactory(pilot=pilot, name="VCA", kind=ModuleKind.CERTIFICATE, certificate_name="VCA", position=2)
    CohortFactory(pilot=pilot)

    copy = pilot_copy(pilot=pilot, name="Werkfit ronde 2", by_user=coordinator)

    assert (copy.status, copy.planned_places, copy.target_group, copy.region) == (
        PilotStatus.DESIGN,
        30,
        "Statushouders",
        pilot.region,
    )
    assert list(copy.partnerships.values_list("role", "contribution")) == [(PartnerRole.TRAINING_PARTNER, "Lessen")]
    assert list(copy.modules.order_by("position").values_list("name", "certificate_name")) == [
        ("Taal", ""),
        ("VCA", "VCA"),
    ]
    assert not copy.cohorts.exists()
    assert pilot.cohorts.count() == 1


@pytest.mark.parametrize(
    ("label", "code"),
    [("Horeca", "horeca"), ("Retail & detailhandel", "retail_detailhandel"), ("3D-print", "item_3d_print")],
)
def test_a_code_is_made_from_the_label(label, code):
    assert reference_code_from(label) == code


def test_a_new_item_goes_to_the_end_of_its_list(coordinator):
    item = reference_item_create(kind=ReferenceKind.SECTOR, label="Horeca", by_user=coordinator)
    assert item.position == 7 and item.code == "horeca"
