"""A coordinator copies a cohort as the next round: the dates move to the new start, the classes, learning line and
the hosts' seat offers come along, the people do not.
"""

import datetime

import pytest
from django.urls import reverse

from candidates.lifecycle import EnrolmentStatus as S
from candidates.models import Enrolment
from candidates.tests.journeys import walk
from employers.models import Placement, SeatOffer, SeatOfferChange
from employers.services import cohort_copy_as_next_round, placement_propose, seat_offer_set
from employers.tests.factories import EmployerFactory, EmployerLocationFactory
from pilots.models import Cohort, CohortClass, CohortModule
from pilots.tests.factories import (
    CohortClassFactory,
    CohortFactory,
    CohortModuleFactory,
    ModuleFactory,
    OrganisationFactory,
    PilotFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def pilot(organisation):
    return PilotFactory(name="WelSlagen Test", lead_organisation=organisation, region=organisation.region)


@pytest.fixture
def cohort(pilot, adviser):
    """A spring round with two classes, its own learning line, two hosts' offers and people on the track."""
    cohort = CohortFactory(
        pilot=pilot,
        name="Voorjaar 2026",
        start_date=datetime.date(2026, 3, 2),
        end_date=datetime.date(2026, 6, 26),
        seats=12,
        location="Zorgcollege, Utrecht",
        trainer=OrganisationFactory(name="Zorgcollege", kind="college"),
        internship_weekdays=["mon", "tue"],
        school_weekdays=["thu"],
    )
    CohortClassFactory(
        cohort=cohort, name="Klas A", seats=6, start_date=datetime.date(2026, 3, 2), end_date=datetime.date(2026, 6, 12)
    )
    CohortClassFactory(cohort=cohort, name="Klas B", location="Lokaal 2")
    pilot_module = ModuleFactory(pilot=pilot, name="Taal op de werkvloer")
    CohortModuleFactory(cohort=cohort, module=pilot_module, name="Taal op de werkvloer", position=1)
    CohortModuleFactory(cohort=cohort, name="VCA", certificate_name="VCA", position=2, start_week=5, end_week=6)
    zon = EmployerFactory(organisation__name="Zorggroep Zon")
    location = EmployerLocationFactory(employer=zon, name="De Linde")
    seat_offer_set(employer=zon, cohort=cohort, location=location, places=3, by_user=adviser)
    maan = EmployerFactory(organisation__name="Thuiszorg Maan")
    seat_offer_set(employer=maan, cohort=cohort, places=2, by_user=adviser)
    enrolment = walk(cohort=cohort, to=S.STARTED, by_user=adviser)
    placement_propose(enrolment=enrolment, employer=zon, location=location, by_user=adviser, notify=False)
    walk(cohort=cohort, to=S.RESERVE, by_user=adviser)
    return cohort


def copy_through_the_page(client, cohort, *, name="Najaar 2026", start_date="2026-09-07"):
    return client.post(reverse("pilots:cohort-copy", args=[cohort.pk]), {"name": name, "start_date": start_date})


def test_the_copy_moves_the_dates_and_keeps_their_distance(client, coordinator, cohort):
    client.force_login(coordinator)
    response = copy_through_the_page(client, cohort)
    copy = Cohort.objects.get(pilot=cohort.pilot, name="Najaar 2026")
    assert response.status_code == 302
    assert response.url == copy.get_absolute_url()
    shift = datetime.date(2026, 9, 7) - cohort.start_date
    assert (copy.start_date, copy.end_date) == (datetime.date(2026, 9, 7), cohort.end_date + shift)
    assert (copy.seats, copy.location, copy.trainer_id) == (12, "Zorgcollege, Utrecht", cohort.trainer_id)
    assert (copy.internship_weekdays, copy.school_weekdays) == (["mon", "tue"], ["thu"])
    assert copy.closed_at is None


def test_the_copy_takes_the_classes_with_their_dates_moved(client, coordinator, cohort):
    client.force_login(coordinator)
    copy_through_the_page(client, cohort)
    copy = Cohort.objects.get(name="Najaar 2026")
    classes = {cohort_class.name: cohort_class for cohort_class in CohortClass.objects.filter(cohort=copy)}
    assert set(classes) == {"Klas A", "Klas B"}
    assert (classes["Klas A"].seats, classes["Klas A"].start_date, classes["Klas A"].end_date) == (
        6,
        datetime.date(2026, 9, 7),
        datetime.date(2026, 12, 18),
    )
    assert (classes["Klas B"].start_date, classes["Klas B"].location) == (None, "Lokaal 2")
    # The originals stay as they were.
    assert cohort.classes.get(name="Klas A").start_date == datetime.date(2026, 3, 2)


def test_the_copy_takes_the_cohorts_own_learning_line(client, coordinator, cohort):
    client.force_login(coordinator)
    copy_through_the_page(client, cohort)
    copy = Cohort.objects.get(name="Najaar 2026")
    copied = list(CohortModule.objects.filter(cohort=copy).order_by("position"))
    assert [(module.name, module.certificate_name, module.start_week) for module in copied] == [
        ("Taal op de werkvloer", "", 1),
        ("VCA", "VCA", 5),
    ]
    assert copied[0].module == cohort.learning_line.get(name="Taal op de werkvloer").module
    assert cohort.learning_line.count() == 2


def test_a_cohort_on_the_pilots_line_gives_a_round_on_the_pilots_line(coordinator, pilot):
    ModuleFactory(pilot=pilot, name="Rekenen")
    plain = CohortFactory(pilot=pilot, name="Op de lijn van de pilot")
    copy = cohort_copy_as_next_round(
        cohort=plain, name="Volgende", start_date=datetime.date(2027, 1, 4), by_user=coordinator
    )
    assert not copy.learning_line.exists()


def test_the_copy_takes_the_seat_offers_entered_by_the_coordinator(client, coordinator, cohort):
    client.force_login(coordinator)
    copy_through_the_page(client, cohort)
    copy = Cohort.objects.get(name="Najaar 2026")
    offers = {
        (offer.employer.name, offer.location.name if offer.location else None): offer.places
        for offer in SeatOffer.objects.filter(cohort=copy)
    }
    assert offers == {("Zorggroep Zon", "De Linde"): 3, ("Thuiszorg Maan", None): 2}
    changes = SeatOfferChange.objects.filter(seat_offer__cohort=copy)
    assert {(change.from_places, change.by_user) for change in changes} == {(0, coordinator)}
    # The new cohort's page shows the places per host.
    page = client.get(copy.get_absolute_url()).content.decode()
    assert "Zorggroep Zon" in page
    assert "Thuiszorg Maan" in page


def test_the_copy_takes_no_people(client, coordinator, cohort):
    client.force_login(coordinator)
    copy_through_the_page(client, cohort)
    copy = Cohort.objects.get(name="Najaar 2026")
    assert not Enrolment.objects.filter(cohort=copy).exists()
    assert not Placement.objects.filter(enrolment__cohort=copy).exists()
    assert Enrolment.objects.filter(cohort=cohort).count() == 2
    assert Placement.objects.filter(enrolment__cohort=cohort).count() == 1


def test_the_page_says_what_is_copied(client, english, coordinator, cohort):
    client.force_login(coordinator)
    page = client.get(reverse("pilots:cohort-copy", args=[cohort.pk])).content.decode()
    assert "Klas A" in page
    assert "VCA" in page
    assert "Zorggroep Zon, De Linde: 3 places" in page
    assert "Voorjaar 2026 (next round)" in page


def test_a_copy_without_a_start_date_or_with_a_taken_name_is_refused(client, english, coordinator, cohort):
    client.force_login(coordinator)
    response = copy_through_the_page(client, cohort, name="Voorjaar 2026", start_date="")
    page = response.content.decode()
    assert response.status_code == 200
    assert "This pilot already has a cohort with this name." in page
    assert "This field is required." in page
    assert Cohort.objects.filter(pilot=cohort.pilot).count() == 1


def test_another_regions_cohort_cannot_be_copied(client, coordinator, cohort):
    region = RegionFactory(name="Twente Test")
    elsewhere = CohortFactory(
        pilot=PilotFactory(region=region, lead_organisation=OrganisationFactory(name="WSP Twente", region=region))
    )
    client.force_login(coordinator)
    assert copy_through_the_page(client, elsewhere).status_code == 404
    assert elsewhere.pilot.cohorts.count() == 1
    # ... while the coordinator's own cohort can be.
    assert copy_through_the_page(client, cohort).status_code == 302
