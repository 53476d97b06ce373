"""A coordinator manages the hosts of their own pilots: which employers host, their locations and supervisors, and
the places a host offered when it does not log in itself. Another region's pilot is a 404 and changes nothing.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.roles import Role
from core.tests.factories import UserFactory
from employers.models import Employer, EmployerLocation, SeatOffer, SeatOfferChange
from employers.tests.factories import EmployerFactory, EmployerLocationFactory
from pilots.models import OrganisationKind, PartnerRole, PilotPartner, Sector
from pilots.tests.factories import (
    CohortFactory,
    OrganisationFactory,
    PilotFactory,
    PilotPartnerFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 8, 3, 9, 0, tzinfo=AMSTERDAM), tick=False)


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def pilot(organisation):
    return PilotFactory(name="Kinderopvang Test", lead_organisation=organisation, region=organisation.region)


@pytest.fixture
def cohort(pilot):
    return CohortFactory(
        pilot=pilot, name="Najaar 2026", start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2026, 12, 15)
    )


@pytest.fixture
def host(pilot, employer):
    """The conftest's employer (with its contact), a host of the pilot."""
    PilotPartnerFactory(pilot=pilot, organisation=employer.organisation, role=PartnerRole.HOST_EMPLOYER)
    return employer


@pytest.fixture
def other_pilot(db):
    region = RegionFactory(name="Twente Test")
    pilot = PilotFactory(
        name="Twente pilot", region=region, lead_organisation=OrganisationFactory(name="WSP Twente", region=region)
    )
    CohortFactory(pilot=pilot, name="Twente cohort")
    other_host = EmployerFactory(organisation__name="Zorg Twente", organisation__region=region)
    PilotPartnerFactory(pilot=pilot, organisation=other_host.organisation, role=PartnerRole.HOST_EMPLOYER)
    EmployerLocationFactory(employer=other_host, name="Hengelo")
    return pilot


def hosts_url(pilot) -> str:
    return reverse("pilots:host-list", args=[pilot.slug])


def host_url(pilot, employer) -> str:
    return reverse("pilots:host-detail", args=[pilot.slug, employer.pk])


def test_a_coordinator_adds_a_registered_employer_as_host(client, coordinator, pilot):
    registered = EmployerFactory(organisation__name="Kinderopvang Zon", organisation__region=pilot.region)
    client.force_login(coordinator)
    assert "Kinderopvang Zon" in client.get(hosts_url(pilot)).content.decode()
    response = client.post(reverse("pilots:host-add", args=[pilot.slug]), {"employer": registered.pk})
    assert response.status_code == 302
    assert PilotPartner.objects.filter(
        pilot=pilot, organisation=registered.organisation, role=PartnerRole.HOST_EMPLOYER
    ).exists()
    assert "Kinderopvang Zon" in client.get(pilot.get_absolute_url()).content.decode()


def test_a_coordinator_makes_an_organisation_of_the_region_a_host(client, coordinator, pilot):
    organisation = OrganisationFactory(name="Zorggroep Noord", kind=OrganisationKind.HOST_EMPLOYER, region=pilot.region)
    client.force_login(coordinator)
    response = client.post(
        reverse("pilots:host-create", args=[pilot.slug]),
        {"organisation": organisation.pk, "kvk_number": "1234 5678", "sector": Sector.ELDERLY_CARE},
    )
    assert response.status_code == 302
    employer = Employer.objects.get(organisation=organisation)
    assert (employer.kvk_number, employer.sector) == ("12345678", Sector.ELDERLY_CARE)
    assert PilotPartner.objects.filter(pilot=pilot, organisation=organisation, role=PartnerRole.HOST_EMPLOYER).exists()
    assert response.url == host_url(pilot, employer)


def test_a_bad_or_taken_kvk_number_is_refused(client, english, coordinator, pilot, employer):
    organisation = OrganisationFactory(name="Zorggroep Noord", region=pilot.region)
    client.force_login(coordinator)
    url = reverse("pilots:host-create", args=[pilot.slug])
    page = client.post(url, {"organisation": organisation.pk, "kvk_number": "1234", "sector": "childcare"})
    assert "A KvK number has exactly eight digits." in page.content.decode()
    page = client.post(url, {"organisation": organisation.pk, "kvk_number": employer.kvk_number, "sector": "childcare"})
    assert "A host employer with this KvK number is already registered." in page.content.decode()
    assert not Employer.objects.filter(organisation=organisation).exists()


def test_organisations_of_another_region_are_not_offered(client, coordinator, pilot, other_pilot):
    client.force_login(coordinator)
    page = client.get(hosts_url(pilot)).content.decode()
    assert "Zorg Twente" not in page
    assert "WSP Twente" not in page
    twente = other_pilot.lead_organisation
    response = client.post(
        reverse("pilots:host-create", args=[pilot.slug]),
        {"organisation": twente.pk, "kvk_number": "87654321", "sector": "childcare"},
    )
    assert response.status_code == 200
    assert not Employer.objects.filter(organisation=twente).exists()


def test_a_coordinator_adds_a_location_with_its_supervisor(client, coordinator, pilot, host):
    client.force_login(coordinator)
    response = client.post(
        reverse("pilots:host-location-create", args=[pilot.slug, host.pk]),
        {
            "name": "De Regenboog",
            "street": "Kerkstraat 1",
            "postcode": "3511ab",
            "city": "Utrecht",
            "supervisor_name": "Ans de Vries",
            "supervisor_phone": "06-12345678",
            "supervisor_email": "ans@example.org",
        },
    )
    assert response.status_code == 302
    location = EmployerLocation.objects.get(employer=host, name="De Regenboog")
    assert (location.postcode, location.supervisor_name, location.supervisor_phone, location.supervisor_email) == (
        "3511 AB",
        "Ans de Vries",
        "+31612345678",
        "ans@example.org",
    )
    page = client.get(host_url(pilot, host)).content.decode()
    assert "Ans de Vries" in page

    client.post(
        reverse("pilots:host-location-update", args=[pilot.slug, host.pk, location.pk]),
        {"name": "De Regenboog", "city": "Utrecht", "supervisor_name": "Piet Jansen"},
    )
    location.refresh_from_db()
    assert location.supervisor_name == "Piet Jansen"


def test_a_location_with_a_bad_postcode_or_phone_is_refused(client, english, coordinator, pilot, host):
    client.force_login(coordinator)
    response = client.post(
        reverse("pilots:host-location-create", args=[pilot.slug, host.pk]),
        {"name": "De Regenboog", "postcode": "12", "city": "Utrecht", "supervisor_phone": "bel maar"},
    )
    page = response.content.decode()
    assert "Enter a Dutch postcode such as 1234 AB." in page
    assert "Enter a valid Dutch phone number" in page
    assert not EmployerLocation.objects.filter(employer=host).exists()


def test_a_seat_offer_entered_for_the_host_reaches_the_host_and_the_adviser(
    client, coordinator, adviser, employer_contact, pilot, cohort, host
):
    location = EmployerLocationFactory(employer=host, name="De Regenboog")
    client.force_login(coordinator)
    response = client.post(host_url(pilot, host), {"cohort": cohort.pk, "location": location.pk, "places": "4"})
    assert response.status_code == 302
    offer = SeatOffer.objects.get(employer=host, cohort=cohort)
    assert (offer.location, offer.places) == (location, 4)
    change = SeatOfferChange.objects.get(seat_offer=offer)
    assert (change.from_places, change.to_places, change.by_user) == (0, 4, coordinator)
    # The coordinator's page keeps the history with their name.
    assert coordinator.get_full_name() in client.get(host_url(pilot, host)).content.decode()

    client.force_login(employer_contact)
    host_page = client.get(reverse("employers:seat-offers")).content.decode()
    assert "Najaar 2026" in host_page
    assert "De Regenboog" in host_page

    client.force_login(adviser)
    cohort_page = client.get(cohort.get_absolute_url()).content.decode()
    assert host.name in cohort_page
    offers_page = client.get(reverse("employers:seat-offer-on-behalf", args=[cohort.pk])).content.decode()
    assert host.name in offers_page
    assert "De Regenboog" in offers_page


def test_a_lower_offer_than_the_places_taken_is_refused_on_the_form(client, english, coordinator, pilot, cohort, host):
    client.force_login(coordinator)
    response = client.post(host_url(pilot, host), {"cohort": cohort.pk, "location": "", "places": "0"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not SeatOffer.objects.filter(employer=host).exists()


@pytest.mark.parametrize(
    ("method", "name", "kind"),
    [
        ("get", "pilots:host-list", "pilot"),
        ("post", "pilots:host-add", "pilot"),
        ("post", "pilots:host-create", "pilot"),
        ("get", "pilots:host-detail", "host"),
        ("post", "pilots:host-detail", "host"),
        ("get", "pilots:host-location-create", "host"),
        ("post", "pilots:host-location-create", "host"),
        ("get", "pilots:host-location-update", "location"),
        ("post", "pilots:host-location-update", "location"),
    ],
)
def test_another_regions_hosts_are_not_found_and_stay_unchanged(client, coordinator, other_pilot, method, name, kind):
    other_host = Employer.objects.get(organisation__name="Zorg Twente")
    location = other_host.locations.get()
    args = {
        "pilot": [other_pilot.slug],
        "host": [other_pilot.slug, other_host.pk],
        "location": [other_pilot.slug, other_host.pk, location.pk],
    }[kind]
    data = {
        "employer": other_host.pk,
        "name": "Ingebroken",
        "city": "Ergens",
        "cohort": other_pilot.cohorts.get().pk,
        "places": "9",
    }
    client.force_login(coordinator)
    response = getattr(client, method)(reverse(name, args=args), data if method == "post" else None)
    assert response.status_code == 404
    location.refresh_from_db()
    assert location.name == "Hengelo"
    assert not other_host.locations.filter(name="Ingebroken").exists()
    assert not SeatOffer.objects.filter(employer=other_host).exists()


def test_an_employer_that_does_not_host_the_pilot_is_not_found_under_it(client, coordinator, pilot, other_pilot):
    other_host = Employer.objects.get(organisation__name="Zorg Twente")
    client.force_login(coordinator)
    assert client.get(host_url(pilot, other_host)).status_code == 404


def test_each_coordinator_reaches_the_hosts_of_their_own_region_only(client, coordinator, pilot, host, other_pilot):
    other_coordinator = UserFactory(organisation=other_pilot.lead_organisation, role=Role.COORDINATOR)
    other_host = Employer.objects.get(organisation__name="Zorg Twente")
    client.force_login(other_coordinator)
    assert client.get(host_url(other_pilot, other_host)).status_code == 200
    assert client.get(host_url(pilot, host)).status_code == 404
    client.force_login(coordinator)
    assert client.get(host_url(pilot, host)).status_code == 200


def test_an_adviser_cannot_manage_hosts(client, adviser, pilot, host):
    client.force_login(adviser)
    assert client.get(hosts_url(pilot)).status_code == 403
    assert client.get(host_url(pilot, host)).status_code == 403
