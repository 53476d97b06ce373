"""A cohort's and its classes' changes are kept (django-simple-history) and told on the pilot's history page, with
who made them."""

import datetime

import pytest
from django.urls import reverse

from employers.services import cohort_close
from pilots.models import Cohort, CohortClass
from pilots.tests.factories import CohortFactory, PilotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def pilot(organisation):
    return PilotFactory(name="Groepshulp Test", lead_organisation=organisation, region=organisation.region)


def history_page(client, pilot) -> str:
    return client.get(reverse("pilots:pilot-history", kwargs={"slug": pilot.slug})).content.decode()


def test_planning_and_changing_a_cohort_is_told_with_who_did_it(client, coordinator, pilot):
    client.force_login(coordinator)
    client.post(
        reverse("pilots:cohort-create", args=[pilot.slug]),
        {"name": "Najaar 2026", "start_date": "2026-09-07", "end_date": "2026-12-18", "seats": "14", "location": ""},
    )
    cohort = Cohort.objects.get(pilot=pilot)
    client.post(
        reverse("pilots:cohort-update", args=[cohort.pk]),
        {"name": "Najaar 2026", "start_date": "2026-09-07", "end_date": "2026-12-18", "seats": "16", "location": ""},
    )

    assert [record.history_user for record in cohort.history.all()] == [coordinator, coordinator]
    page = history_page(client, pilot)
    assert "Cohort planned: Najaar 2026" in page
    assert "Cohort changed: Najaar 2026" in page
    assert "seats: 14 → 16" in page
    assert page.index("Cohort changed") < page.index("Cohort planned")  # newest first
    assert str(coordinator) in page


def test_closing_a_cohort_is_told(client, coordinator, pilot):
    cohort = CohortFactory(
        pilot=pilot, name="Voorjaar 2026", start_date=datetime.date(2026, 3, 2), end_date=datetime.date(2026, 6, 26)
    )
    cohort_close(cohort=cohort, by_user=coordinator)
    client.force_login(coordinator)
    assert "Cohort closed: Voorjaar 2026" in history_page(client, pilot)


def test_a_class_added_changed_and_removed_is_told(client, coordinator, pilot):
    cohort = CohortFactory(pilot=pilot, name="Voorjaar 2026")
    client.force_login(coordinator)
    client.post(reverse("pilots:cohort-class-create", args=[cohort.pk]), {"name": "Klas A", "seats": "8"})
    cohort_class = CohortClass.objects.get(cohort=cohort)
    client.post(reverse("pilots:cohort-class-update", args=[cohort_class.pk]), {"name": "Klas A", "seats": "9"})
    client.post(reverse("pilots:cohort-class-delete", args=[cohort_class.pk]))

    page = history_page(client, pilot)
    assert "Class added: Klas A (Voorjaar 2026)" in page
    assert "Class changed: Klas A (Voorjaar 2026)" in page
    assert "seats: 8 → 9" in page
    assert "Class removed: Klas A (Voorjaar 2026)" in page


def test_another_pilots_cohorts_are_not_in_the_history(client, coordinator, pilot):
    CohortFactory(pilot=PilotFactory(name="Andere pilot"), name="Ander cohort")
    client.force_login(coordinator)
    assert "Ander cohort" not in history_page(client, pilot)
