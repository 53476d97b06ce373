"""A proposal takes the supervisor (werkbegeleider) of the chosen location unless the adviser names another."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from candidates.lifecycle import EnrolmentStatus
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from employers.models import Placement
from employers.services import employer_location_create, placement_propose
from employers.tests.factories import SeatOfferFactory
from pilots.tests.factories import CohortFactory, PilotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolment(organisation, adviser, employer):
    pilot = PilotFactory(lead_organisation=organisation, region=organisation.region)
    cohort = CohortFactory(
        pilot=pilot, name="Ronde 2", start_date=datetime.date(2027, 2, 1), end_date=datetime.date(2027, 5, 14)
    )
    SeatOfferFactory(employer=employer, cohort=cohort, places=2)
    return EnrolmentFactory(candidate=CandidateFactory(adviser=adviser), cohort=cohort, status=EnrolmentStatus.SELECTED)


@pytest.fixture
def location(employer, coordinator):
    return employer_location_create(
        employer=employer,
        by_user=coordinator,
        name="De Boomhut",
        city="Utrecht",
        supervisor_name="Mirjam de Boer",
        supervisor_phone="0612345678",
        supervisor_email="mirjam@boomhut.example.nl",
    )


def propose(client, enrolment, employer, location, supervisor_name=""):
    return client.post(
        reverse("employers:placement-propose", args=[enrolment.pk]),
        {
            "employer": employer.pk,
            "location": location.pk,
            "supervisor_name": supervisor_name,
            "days_per_week": 2,
            "start_date": "2027-02-01",
            "end_date": "2027-05-14",
        },
    )


def test_a_proposal_without_a_supervisor_takes_the_locations(client, adviser, enrolment, employer, location):
    client.force_login(adviser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    assert propose(client, enrolment, employer, location).status_code == 302

    assert Placement.objects.get(enrolment=enrolment).supervisor_name == "Mirjam de Boer"


def test_a_supervisor_the_adviser_names_wins(client, adviser, enrolment, employer, location):
    client.force_login(adviser)

    assert propose(client, enrolment, employer, location, supervisor_name="Karin Smit").status_code == 302

    assert Placement.objects.get(enrolment=enrolment).supervisor_name == "Karin Smit"


def test_without_a_location_there_is_no_default_supervisor(enrolment, employer, location, adviser):
    placement = placement_propose(enrolment=enrolment, employer=employer, by_user=adviser, notify=False)
    assert placement.supervisor_name == ""
