"""Setting up a pilot in the portal: the steps, the partners found or made, the learning line, the summary, changes
later with their history, the next round, and the regions a coordinator may work in."""

import pytest
from django.urls import reverse

from candidates.tests.factories import EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.models import (
    Cohort,
    Module,
    ModuleKind,
    Organisation,
    OrganisationKind,
    PartnerRole,
    Pilot,
    PilotPartner,
    PilotStatus,
    TrackKind,
)
from pilots.tests.factories import (
    CohortFactory,
    ModuleFactory,
    OrganisationFactory,
    PilotFactory,
    PilotPartnerFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    """The pages are asserted on in their English source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def details(region, **overrides) -> dict:
    data = {
        "name": "Horeca Utrecht",
        "region": region.pk,
        "sector": "childcare",
        "track_kind": TrackKind.PRE_TRAINING,
        "target_group": "Statushouders",
        "target_qualification": "",
        "description": "",
        "duration_weeks": "16",
        "internship_days_per_week": "3",
        "school_days_per_week": "2",
        "planned_places": "12",
        "target_outflow_percentage": "70",
        "target_work_percentage": "50",
        "target_bbl_percentage": "",
    }
    return {**data, **overrides}


def new_organisation(**overrides) -> dict:
    data = {
        "new-organisation": "1",
        "new-name": "Hotel De Gouden Leeuw",
        "new-kind": OrganisationKind.HOST_EMPLOYER,
        "new-city": "Utrecht",
        "new-kvk_number": "12345678",
        "new-role": PartnerRole.HOST_EMPLOYER,
        "new-contribution": "",
    }
    return {**data, **overrides}


def step_url(name: str, pilot: Pilot) -> str:
    return reverse(f"pilots:pilot-setup-{name}", kwargs={"slug": pilot.slug})


@pytest.fixture
def other_coordinator(db):
    elsewhere = OrganisationFactory(name="WSP Elders", region=RegionFactory(name="Rijnmond"))
    return UserFactory(username="coordinator-rijnmond", organisation=elsewhere, role=Role.COORDINATOR)


def test_the_coordinators_start_page_offers_to_set_up_a_pilot(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("pilots:coordinator-start")).content.decode()
    assert reverse("pilots:pilot-setup") in page
    assert "Set up a new pilot" in page


def test_a_coordinator_sets_up_a_pilot_with_partners_and_a_learning_line(client, coordinator):
    client.force_login(coordinator)
    region = coordinator.organisation.region
    college = OrganisationFactory(name="ROC Horecacollege", kind=OrganisationKind.COLLEGE, city="Nieuwegein")

    first = client.post(reverse("pilots:pilot-setup"), details(region))
    pilot = Pilot.objects.get(name="Horeca Utrecht")
    assert first.status_code == 302 and first.url == step_url("partners", pilot)
    assert (pilot.status, pilot.region, pilot.lead_organisation) == (
        PilotStatus.DESIGN,
        region,
        coordinator.organisation,
    )

    found = client.get(step_url("partners", pilot), {"q": "horeca"}).content.decode()
    assert "ROC Horecacollege" in found and "Step 2 of 4" in found
    client.post(step_url("partners", pilot), {"add-organisation": college.pk, "add-role": PartnerRole.TRAINING_PARTNER})
    made = client.post(step_url("partners", pilot), new_organisation())
    assert made.status_code == 302

    client.post(
        step_url("modules", pilot),
        {
            "name": "VCA Basis",
            "kind": ModuleKind.CERTIFICATE,
            "provider": college.pk,
            "planned_hours": "16",
            "start_week": "2",
            "end_week": "3",
            "certificate_name": "VCA",
            "save": "1",
        },
    )
    summary = client.get(step_url("summary", pilot)).content.decode()
    assert "Hotel De Gouden Leeuw" in summary and "VCA" in summary

    done = client.post(step_url("summary", pilot))

    assert done.url == pilot.get_absolute_url()
    pilot.refresh_from_db()
    assert pilot.status == PilotStatus.RECRUITMENT
    assert set(pilot.partnerships.values_list("organisation__name", "role")) == {
        ("WSP Testregio", PartnerRole.WSP),
        ("ROC Horecacollege", PartnerRole.TRAINING_PARTNER),
        ("Hotel De Gouden Leeuw", PartnerRole.HOST_EMPLOYER),
    }
    assert list(pilot.modules.values_list("name", "certificate_name", "provider__name")) == [
        ("VCA Basis", "VCA", "ROC Horecacollege")
    ]
    hotel = Organisation.objects.get(name="Hotel De Gouden Leeuw")
    assert (hotel.kvk_number, hotel.city) == ("12345678", "Utrecht")


@pytest.mark.parametrize(
    ("kvk_number", "message"),
    [
        ("1234567", "A KvK number has exactly eight digits."),
        ("1234567a", "A KvK number has exactly eight digits."),
        ("87654321", "Another organisation already has this KvK number."),
    ],
)
def test_a_new_organisation_with_a_wrong_or_taken_kvk_number_gets_a_form_error(
    client, coordinator, kvk_number, message
):
    OrganisationFactory(name="Bestaande BV", kvk_number="87654321")
    pilot = PilotFactory(lead_organisation=coordinator.organisation, region=coordinator.organisation.region)
    client.force_login(coordinator)

    response = client.post(step_url("partners", pilot), new_organisation(**{"new-kvk_number": kvk_number}))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organisation.objects.filter(name="Hotel De Gouden Leeuw").exists()


def test_an_organisation_that_exists_is_found_rather_than_made_again(client, coordinator):
    OrganisationFactory(name="Hotel De Gouden Leeuw")
    pilot = PilotFactory(lead_organisation=coordinator.organisation, region=coordinator.organisation.region)
    client.force_login(coordinator)

    response = client.post(step_url("partners", pilot), new_organisation(**{"new-name": "hotel de gouden leeuw"}))

    assert "An organisation with this name already exists" in response.content.decode()
    assert Organisation.objects.filter(name__iexact="hotel de gouden leeuw").count() == 1


def test_internship_and_school_days_over_five_a_week_get_a_form_error(client, coordinator):
    client.force_login(coordinator)
    data = details(coordinator.organisation.region, internship_days_per_week="4", school_days_per_week="2")

    response = client.post(reverse("pilots:pilot-setup"), data)

    assert "Internship and school days together cannot exceed five a week." in response.content.decode()
    assert not Pilot.objects.filter(name="Horeca Utrecht").exists()


def test_a_coordinator_cannot_set_up_a_pilot_in_another_region(client, coordinator, other_coordinator):
    client.force_login(coordinator)
    elsewhere = other_coordinator.organisation.region

    response = client.post(reverse("pilots:pilot-setup"), details(elsewhere))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Pilot.objects.filter(name="Horeca Utrecht").exists()


@pytest.mark.parametrize("step", ["details", "partners", "modules", "summary"])
def test_another_regions_coordinator_gets_404_on_every_step(client, coordinator, other_coordinator, step):
    pilot = PilotFactory(lead_organisation=coordinator.organisation, region=coordinator.organisation.region)
    client.force_login(other_coordinator)

    assert client.get(step_url(step, pilot)).status_code == 404
    assert client.post(step_url(step, pilot), details(pilot.region, name="Overgenomen")).status_code == 404
    assert client.get(reverse("pilots:pilot-copy", kwargs={"slug": pilot.slug})).status_code == 404
    assert client.get(reverse("pilots:pilot-history", kwargs={"slug": pilot.slug})).status_code == 404
    pilot.refresh_from_db()
    assert pilot.name != "Overgenomen"


def test_a_partner_coordinator_of_another_region_sees_the_pilot_but_cannot_change_it(
    client, coordinator, other_coordinator
):
    pilot = PilotFactory(lead_organisation=coordinator.organisation, region=coordinator.organisation.region)
    PilotPartnerFactory(pilot=pilot, organisation=other_coordinator.organisation, role=PartnerRole.WSP)
    client.force_login(other_coordinator)

    page = client.get(pilot.get_absolute_url()).content.decode()

    assert step_url("details", pilot) not in page
    assert client.get(step_url("details", pilot)).status_code == 404


@pytest.mark.parametrize("role", [Role.ADVISER, Role.TRAINING_PARTNER, Role.EMPLOYER_CONTACT])
def test_other_roles_cannot_set_up_pilots(client, user_for_role, role):
    client.force_login(user_for_role(role))
    assert client.get(reverse("pilots:pilot-setup")).status_code == 403


def test_an_administrator_sets_up_a_pilot_in_any_region_with_a_lead_organisation_of_choice(client, administrator):
    region = RegionFactory(name="Groningen")
    lead = OrganisationFactory(name="WSP Groningen", region=region)
    client.force_login(administrator)

    client.post(reverse("pilots:pilot-setup"), details(region, lead_organisation=lead.pk))

    pilot = Pilot.objects.get(name="Horeca Utrecht")
    assert (pilot.region, pilot.lead_organisation) == (region, lead)


def test_the_pilot_page_links_the_coordinator_to_changing_its_steps(client, coordinator):
    pilot = PilotFactory(lead_organisation=coordinator.organisation, region=coordinator.organisation.region)
    client.force_login(coordinator)

    page = client.get(pilot.get_absolute_url()).content.decode()

    for step in ("details", "partners", "modules"):
        assert step_url(step, pilot) in page
    assert reverse("pilots:pilot-history", kwargs={"slug": pilot.slug}) in page
    assert reverse("pilots:pilot-copy", kwargs={"slug": pilot.slug}) in page


def test_a_change_from_the_pilot_page_is_kept_in_its_history(client, coordinator):
    pilot = PilotFactory(
        lead_organisation=coordinator.organisation, region=coordinator.organisation.region, status=PilotStatus.RUNNING
    )
    client.force_login(coordinator)
    data = details(pilot.region, name=pilot.name, duration_weeks="20", target_outflow_percentage="80")

    response = client.post(step_url("details", pilot), data)

    pilot.refresh_from_db()
    assert response.url == pilot.get_absolute_url()  # an open pilot goes back to its page, not to the next step
    assert (pilot.duration_weeks, pilot.target_outflow_percentage) == (20, 80)
    latest = pilot.history.latest()
    assert latest.history_user == coordinator and latest.duration_weeks == 20
    history = client.get(reverse("pilots:pilot-history", kwargs={"slug": pilot.slug})).content.decode()
    assert "Details changed" in history
    assert "duration in weeks: 15 → 20" in history


def test_removing_a_partner_is_kept_in_the_history(client, coordinator):
    pilot = PilotFactory(lead_organisation=coordinator.organisation, region=coordinator.organisation.region)
    partnership = PilotPartnerFactory(pilot=pilot, organisation=OrganisationFactory(name="Zorgcollege"))
    client.force_login(coordinator)

    client.post(step_url("partners", pilot), {"remove": partnership.pk})

    assert not PilotPartner.objects.filter(pk=partnership.pk).exists()
    history = client.get(reverse("pilots:pilot-history", kwargs={"slug": pilot.slug})).content.decode()
    assert "Partner removed: Zorgcollege" in history


def test_the_next_round_has_the_partners_and_learning_line_but_no_cohorts_or_people(client, coordinator):
    pilot = PilotFactory(
        name="Werkfit", lead_organisation=coordinator.organisation, region=coordinator.organisation.region
    )
    PilotPartnerFactory(pilot=pilot, organisation=OrganisationFactory(name="Astrum"), role=PartnerRole.TRAINING_PARTNER)
    ModuleFactory(pilot=pilot, name="VCA Basis", kind=ModuleKind.CERTIFICATE, certificate_name="VCA", position=1)
    EnrolmentFactory(cohort=CohortFactory(pilot=pilot))
    client.force_login(coordinator)
    copy_url = reverse("pilots:pilot-copy", kwargs={"slug": pilot.slug})

    form = client.get(copy_url).content.decode()
    assert 'value="Werkfit round 2"' in form

    response = client.post(copy_url, {"name": "Werkfit ronde 2"})

    copy = Pilot.objects.get(name="Werkfit ronde 2")
    assert response.url == step_url("details", copy)
    assert copy.slug != pilot.slug and copy.status == PilotStatus.DESIGN
    assert list(copy.partnerships.values_list("organisation__name", "role")) == [
        ("Astrum", PartnerRole.TRAINING_PARTNER)
    ]
    assert list(copy.modules.values_list("name", "certificate_name")) == [("VCA Basis", "VCA")]
    assert not Cohort.objects.filter(pilot=copy).exists()
    assert Module.objects.filter(pilot=pilot).count() == 1  # the original keeps its own


@pytest.mark.parametrize(
    ("step", "data"),
    [
        ("partners", {"remove": "²"}),
        ("partners", {"remove": "9" * 30}),
        ("partners", {"add-organisation": "x", "add-role": "captain"}),
        ("partners", {"add-organisation": "9" * 30, "add-role": PartnerRole.WSP}),
        ("partners", {"new-organisation": "1", "new-name": "\x00", "new-kvk_number": "１２３４５６７８"}),
        ("modules", {"remove": "-1"}),
        ("modules", {"name": "", "start_week": "9" * 30}),
        ("details", {"duration_weeks": "abc", "region": "x", "sector": "\x00"}),
        ("summary", {"anything": "1"}),
    ],
)
def test_odd_posts_get_an_answer_not_a_server_error(client, coordinator, step, data):
    pilot = PilotFactory(lead_organisation=coordinator.organisation, region=coordinator.organisation.region)
    client.force_login(coordinator)

    response = client.post(step_url(step, pilot), data)

    assert response.status_code in (200, 302, 404)
