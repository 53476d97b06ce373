"""A coordinator plans, changes and closes the cohorts of their own pilots, and their classes, in the portal.

The pages are used as a coordinator uses them, through the test client; states with candidates are built through
the services (candidates/tests/journeys.py). A pilot or cohort of another region is a 404 and changes nothing.
"""

import datetime

import pytest
from django.urls import reverse

from candidates.lifecycle import EnrolmentStatus as S
from candidates.tests.journeys import walk
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.models import Cohort, CohortClass
from pilots.tests.factories import CohortClassFactory, CohortFactory, OrganisationFactory, PilotFactory, RegionFactory

pytestmark = pytest.mark.django_db

DUTCH_END_BEFORE_START = "De einddatum kan niet vóór de startdatum liggen."


@pytest.fixture
def pilot(organisation):
    return PilotFactory(name="Groepshulp Test", lead_organisation=organisation, region=organisation.region)


@pytest.fixture
def cohort(pilot):
    return CohortFactory(
        pilot=pilot, name="Voorjaar 2026", start_date=datetime.date(2026, 3, 2), end_date=datetime.date(2026, 6, 26)
    )


@pytest.fixture
def college(db):
    return OrganisationFactory(name="ROC Test", kind="college")


@pytest.fixture
def other_pilot(db):
    """A pilot of another region, led by another WSP, with a cohort and a class."""
    region = RegionFactory(name="Rijnmond Test")
    pilot = PilotFactory(
        name="Rijnmond pilot", region=region, lead_organisation=OrganisationFactory(name="WSP Rijnmond", region=region)
    )
    cohort = CohortFactory(pilot=pilot, name="Rijnmond cohort")
    CohortClassFactory(cohort=cohort, name="Rijnmond klas")
    return pilot


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def cohort_data(**changes) -> dict:
    data = {
        "name": "Najaar 2026",
        "start_date": "2026-09-07",
        "end_date": "2026-12-18",
        "seats": "14",
        "location": "ROC Test, Utrecht",
        "trainer": "",
    }
    data.update(changes)
    return data


def test_the_pilot_page_offers_the_coordinator_the_set_up_of_its_cohorts(client, coordinator, pilot, cohort):
    client.force_login(coordinator)
    page = client.get(pilot.get_absolute_url()).content.decode()
    assert reverse("pilots:cohort-create", args=[pilot.slug]) in page
    assert reverse("pilots:cohort-update", args=[cohort.pk]) in page
    assert reverse("pilots:cohort-copy", args=[cohort.pk]) in page
    assert reverse("pilots:cohort-close", args=[cohort.pk]) in page
    assert reverse("pilots:host-list", args=[pilot.slug]) in page
    cohort_page = client.get(cohort.get_absolute_url()).content.decode()
    assert reverse("pilots:cohort-update", args=[cohort.pk]) in cohort_page
    assert reverse("pilots:cohort-copy", args=[cohort.pk]) in cohort_page
    assert reverse("pilots:cohort-close", args=[cohort.pk]) in cohort_page


def test_an_adviser_sees_no_set_up_links_and_cannot_open_the_pages(client, adviser, pilot, cohort):
    client.force_login(adviser)
    page = client.get(pilot.get_absolute_url()).content.decode()
    assert reverse("pilots:cohort-create", args=[pilot.slug]) not in page
    assert reverse("pilots:cohort-close", args=[cohort.pk]) not in page
    assert client.get(reverse("pilots:cohort-create", args=[pilot.slug])).status_code == 403
    assert client.post(reverse("pilots:cohort-close", args=[cohort.pk])).status_code == 403


def test_a_coordinator_plans_a_cohort_with_its_location_and_trainer(client, coordinator, pilot, college):
    client.force_login(coordinator)
    response = client.post(reverse("pilots:cohort-create", args=[pilot.slug]), cohort_data(trainer=str(college.pk)))
    cohort = Cohort.objects.get(pilot=pilot, name="Najaar 2026")
    assert response.status_code == 302
    assert (cohort.start_date, cohort.end_date, cohort.seats) == (
        datetime.date(2026, 9, 7),
        datetime.date(2026, 12, 18),
        14,
    )
    assert (cohort.location, cohort.trainer) == ("ROC Test, Utrecht", college)
    assert client.get(pilot.get_absolute_url()).content.decode().count("Najaar 2026") >= 1


def test_an_end_before_the_start_is_refused_in_dutch(client, coordinator, pilot):
    client.force_login(coordinator)
    response = client.post(
        reverse("pilots:cohort-create", args=[pilot.slug]), cohort_data(start_date="2026-09-07", end_date="2026-09-01")
    )
    assert response.status_code == 200
    assert DUTCH_END_BEFORE_START in response.content.decode()
    assert not Cohort.objects.filter(pilot=pilot).exists()


@pytest.mark.parametrize("seats", ["0", "-3"])
def test_fewer_than_one_seat_is_refused(client, english, coordinator, pilot, seats):
    client.force_login(coordinator)
    response = client.post(reverse("pilots:cohort-create", args=[pilot.slug]), cohort_data(seats=seats))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "seat" in page
    assert not Cohort.objects.filter(pilot=pilot).exists()


def test_zero_seats_says_a_cohort_needs_a_seat(client, english, coordinator, pilot):
    client.force_login(coordinator)
    response = client.post(reverse("pilots:cohort-create", args=[pilot.slug]), cohort_data(seats="0"))
    assert "A cohort has at least one seat." in response.content.decode()


def test_a_second_cohort_with_the_same_name_is_refused(client, english, coordinator, pilot, cohort):
    client.force_login(coordinator)
    response = client.post(reverse("pilots:cohort-create", args=[pilot.slug]), cohort_data(name=cohort.name))
    assert "This pilot already has a cohort with this name." in response.content.decode()
    assert Cohort.objects.filter(pilot=pilot).count() == 1


def test_a_coordinator_changes_a_cohort(client, coordinator, cohort, college):
    client.force_login(coordinator)
    response = client.post(
        reverse("pilots:cohort-update", args=[cohort.pk]),
        cohort_data(
            name="Voorjaar 2026", start_date="2026-03-09", end_date="2026-07-03", seats="16", trainer=college.pk
        ),
    )
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert (cohort.start_date, cohort.end_date, cohort.seats, cohort.trainer) == (
        datetime.date(2026, 3, 9),
        datetime.date(2026, 7, 3),
        16,
        college,
    )


def test_a_change_with_the_end_before_the_start_changes_nothing(client, coordinator, cohort):
    client.force_login(coordinator)
    response = client.post(
        reverse("pilots:cohort-update", args=[cohort.pk]),
        cohort_data(name=cohort.name, start_date="2026-03-09", end_date="2026-03-01"),
    )
    assert DUTCH_END_BEFORE_START in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.end_date == datetime.date(2026, 6, 26)


def class_data(**changes) -> dict:
    data = {
        "name": "Klas A",
        "seats": "8",
        "start_date": "2026-03-02",
        "end_date": "2026-06-26",
        "location": "Lokaal 3",
    }
    data.update(changes)
    return data


def test_a_coordinator_adds_changes_and_removes_a_class(client, coordinator, cohort, college):
    client.force_login(coordinator)
    response = client.post(reverse("pilots:cohort-class-create", args=[cohort.pk]), class_data(trainer=str(college.pk)))
    assert response.status_code == 302
    cohort_class = CohortClass.objects.get(cohort=cohort)
    assert (cohort_class.name, cohort_class.seats, cohort_class.location, cohort_class.trainer) == (
        "Klas A",
        8,
        "Lokaal 3",
        college,
    )
    assert "Klas A" in client.get(cohort.get_absolute_url()).content.decode()

    client.post(reverse("pilots:cohort-class-update", args=[cohort_class.pk]), class_data(name="Klas B", seats="9"))
    cohort_class.refresh_from_db()
    assert (cohort_class.name, cohort_class.seats) == ("Klas B", 9)

    client.post(reverse("pilots:cohort-class-delete", args=[cohort_class.pk]))
    assert not CohortClass.objects.filter(cohort=cohort).exists()


def test_a_class_with_bad_dates_or_no_seats_is_refused(client, english, coordinator, cohort):
    client.force_login(coordinator)
    response = client.post(
        reverse("pilots:cohort-class-create", args=[cohort.pk]),
        class_data(seats="0", start_date="2026-05-01", end_date="2026-04-01"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in page
    assert "A class has at least one seat" in page
    assert not CohortClass.objects.filter(cohort=cohort).exists()


def test_closing_is_refused_while_candidates_are_on_the_track(client, english, coordinator, adviser, cohort):
    walk(cohort=cohort, to=S.STARTED, by_user=adviser)
    walk(cohort=cohort, to=S.SCREENED, by_user=adviser)
    client.force_login(coordinator)
    page = client.get(reverse("pilots:cohort-close", args=[cohort.pk])).content.decode()
    assert "This cohort cannot be closed yet" in page
    assert "1 candidate is still selected or on the track." in page

    response = client.post(reverse("pilots:cohort-close", args=[cohort.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "cannot be closed yet: 1 candidate is still selected or on the track." in page
    assert "1 candidate still waits for a selection decision." in page
    cohort.refresh_from_db()
    assert cohort.closed_at is None


def test_a_cohort_whose_candidates_all_finished_closes_and_can_no_longer_change(
    client, english, coordinator, adviser, cohort
):
    walk(cohort=cohort, to=S.COMPLETED, by_user=adviser)
    walk(cohort=cohort, to=S.RESERVE, by_user=adviser)
    client.force_login(coordinator)
    response = client.post(reverse("pilots:cohort-close", args=[cohort.pk]))
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.closed_at is not None
    assert cohort.closed_by == coordinator
    assert "Closed" in client.get(cohort.pilot.get_absolute_url()).content.decode()

    response = client.post(reverse("pilots:cohort-update", args=[cohort.pk]), cohort_data(name=cohort.name, seats="20"))
    assert "is closed and can no longer be changed" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.seats == 14


@pytest.mark.parametrize(
    ("method", "name", "arg"),
    [
        ("get", "pilots:cohort-create", "slug"),
        ("post", "pilots:cohort-create", "slug"),
        ("get", "pilots:cohort-update", "cohort"),
        ("post", "pilots:cohort-update", "cohort"),
        ("post", "pilots:cohort-class-create", "cohort"),
        ("get", "pilots:cohort-class-update", "class"),
        ("post", "pilots:cohort-class-update", "class"),
        ("post", "pilots:cohort-class-delete", "class"),
        ("get", "pilots:cohort-close", "cohort"),
        ("post", "pilots:cohort-close", "cohort"),
        ("get", "pilots:cohort-copy", "cohort"),
        ("post", "pilots:cohort-copy", "cohort"),
    ],
)
def test_another_regions_cohorts_are_not_found_and_stay_unchanged(
    client, coordinator, pilot, other_pilot, method, name, arg
):
    other_cohort = other_pilot.cohorts.get()
    args = {
        "slug": other_pilot.slug,
        "cohort": other_cohort.pk,
        "class": other_cohort.classes.get().pk,
    }[arg]
    client.force_login(coordinator)
    data = {**cohort_data(name="Ingebroken"), "start_date": "2027-01-04"} if method == "post" else None
    response = getattr(client, method)(reverse(name, args=[args]), data)
    assert response.status_code == 404
    other_cohort.refresh_from_db()
    assert other_cohort.closed_at is None
    assert other_cohort.name == "Rijnmond cohort"
    assert other_pilot.cohorts.count() == 1
    assert other_cohort.classes.count() == 1


def test_the_other_regions_coordinator_manages_their_own_cohorts(client, other_pilot):
    """The same pages work the other way round: each coordinator reaches their own region's cohorts only."""
    other_coordinator = UserFactory(organisation=other_pilot.lead_organisation, role=Role.COORDINATOR)
    other_cohort = other_pilot.cohorts.get()
    client.force_login(other_coordinator)
    assert client.get(reverse("pilots:cohort-update", args=[other_cohort.pk])).status_code == 200
    mine = CohortFactory(pilot=PilotFactory(), name="Elders")
    assert client.get(reverse("pilots:cohort-update", args=[mine.pk])).status_code == 404


def test_an_administrator_sets_up_cohorts_of_any_pilot(client, administrator, other_pilot):
    client.force_login(administrator)
    response = client.post(reverse("pilots:cohort-create", args=[other_pilot.slug]), cohort_data())
    assert response.status_code == 302
    assert other_pilot.cohorts.filter(name="Najaar 2026").exists()
