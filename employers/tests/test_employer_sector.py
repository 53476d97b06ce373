"""A host employer's sector is a code of the sector list (reference data), like a pilot's: a sector a coordinator
adds, such as horeca, can be given to a host at once, and the host's pages show the sector's label."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from employers.models import Employer
from employers.services import pilot_host_add, pilot_host_create
from employers.tests.factories import EmployerFactory
from pilots.models import OrganisationKind, ReferenceKind
from pilots.services import reference_item_create, reference_item_update
from pilots.tests.factories import OrganisationFactory, PilotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def pilot(organisation):
    return PilotFactory(name="Horeca Utrecht", lead_organisation=organisation, region=organisation.region)


@pytest.fixture
def horeca(coordinator):
    return reference_item_create(kind=ReferenceKind.SECTOR, label="Horeca", label_en="Hospitality", by_user=coordinator)


def test_a_host_can_be_put_in_a_sector_a_coordinator_added(client, coordinator, pilot, horeca):
    organisation = OrganisationFactory(name="Hotel De Wolk", kind=OrganisationKind.HOST_EMPLOYER, region=pilot.region)
    client.force_login(coordinator)
    hosts = client.get(reverse("pilots:host-list", args=[pilot.slug])).content.decode()
    assert '<option value="horeca">Hospitality</option>' in hosts

    response = client.post(
        reverse("pilots:host-create", args=[pilot.slug]),
        {"organisation": organisation.pk, "kvk_number": "12345678", "sector": "horeca"},
    )

    assert response.status_code == 302
    employer = Employer.objects.get(organisation=organisation)
    assert employer.sector == "horeca"
    assert "Hospitality" in client.get(response.url).content.decode()
    assert "Hospitality" in client.get(reverse("pilots:host-list", args=[pilot.slug])).content.decode()


def test_a_switched_off_or_unknown_sector_is_refused(client, coordinator, pilot, horeca):
    reference_item_update(item=horeca, label="Horeca", label_en="Hospitality", active=False, position=9, by_user=None)
    organisation = OrganisationFactory(name="Hotel De Wolk", kind=OrganisationKind.HOST_EMPLOYER, region=pilot.region)
    client.force_login(coordinator)

    for code in ("horeca", "space_travel"):
        page = client.post(
            reverse("pilots:host-create", args=[pilot.slug]),
            {"organisation": organisation.pk, "kvk_number": "12345678", "sector": code},
        )
        assert page.status_code == 200
        assert "Select a valid choice." in page.content.decode()
    assert not Employer.objects.filter(organisation=organisation).exists()

    with pytest.raises(ValidationError) as refused:
        pilot_host_create(
            pilot=pilot, organisation=organisation, kvk_number="12345678", sector="horeca", by_user=coordinator
        )
    assert "sector" in refused.value.message_dict


def test_an_employer_shows_the_label_of_its_sector_and_keeps_a_switched_off_one(horeca):
    employer = EmployerFactory(sector="horeca")
    reference_item_update(item=horeca, label="Horeca", label_en="Hospitality", active=False, position=9, by_user=None)
    with translation.override("nl"):
        assert Employer.objects.get(pk=employer.pk).get_sector_display() == "Horeca"
    with translation.override("en"):
        assert Employer.objects.get(pk=employer.pk).get_sector_display() == "Hospitality"


def test_the_hosts_page_reads_the_sector_labels_with_the_hosts(
    client, coordinator, pilot, django_assert_max_num_queries
):
    client.force_login(coordinator)
    url = reverse("pilots:host-list", args=[pilot.slug])
    hosts_of = [EmployerFactory(organisation__region=pilot.region) for _ in range(2)]
    for employer in hosts_of:
        pilot_host_add(pilot=pilot, employer=employer, by_user=coordinator)
    with django_assert_max_num_queries(100) as few:
        client.get(url)
    for employer in [EmployerFactory(organisation__region=pilot.region) for _ in range(3)]:
        pilot_host_add(pilot=pilot, employer=employer, by_user=coordinator)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()

    assert page.count("Childcare") >= 5
