"""The cohort table on the coordinator's start page: the cohorts of the pilots on the page shown, at most the latest
COHORTS_SHOWN of them, in a fixed number of queries however many cohorts the pilots have."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilots.tests.factories import CohortFactory, PilotFactory
from start.views import COHORTS_SHOWN, PILOTS_PER_PAGE

pytestmark = pytest.mark.django_db

FIRST_START = datetime.date(2026, 1, 5)


def _get(client, user, **params):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(reverse("pilots:coordinator-start"), params)


def _cohorts(pilot, count: int, *, start: int = 0) -> list[str]:
    """`count` cohorts of the pilot, a week apart, in the order of their start dates."""
    return [
        CohortFactory(
            pilot=pilot,
            name=f"{pilot.name} ronde {number:03d}",
            start_date=FIRST_START + datetime.timedelta(weeks=number),
            end_date=FIRST_START + datetime.timedelta(weeks=number + 20),
        ).name
        for number in range(start, start + count)
    ]


def _shown(response) -> list[str]:
    return [cohort.name for cohort in response.context["cohorts"]]


def test_the_table_holds_the_cohorts_of_the_pilots_on_the_page_shown(client, coordinator, organisation):
    pilots = [
        PilotFactory(lead_organisation=organisation, name=f"Pilot {number:03d}", slug=f"pilot-{number:03d}")
        for number in range(PILOTS_PER_PAGE + 1)
    ]
    first_cohort = _cohorts(pilots[0], 1)
    last_cohort = _cohorts(pilots[-1], 1)

    first = _get(client, coordinator)
    second = _get(client, coordinator, page=2)

    assert _shown(first) == first_cohort
    assert _shown(second) == last_cohort
    assert last_cohort[0] in second.content.decode()
    assert last_cohort[0] not in first.content.decode()
    assert "The cohorts of the pilots on this page." in second.content.decode()


def test_the_table_shows_the_latest_cohorts_in_the_order_of_their_start(client, coordinator, organisation):
    pilot = PilotFactory(lead_organisation=organisation, name="Kinderopvang")
    names = _cohorts(pilot, COHORTS_SHOWN + 2)

    response = _get(client, coordinator)

    assert _shown(response) == names[2:]
    page = response.content.decode()
    assert f"Only the latest {COHORTS_SHOWN} cohorts are shown." in page
    assert pilot.get_absolute_url() in page
    # The set-up buttons above the pilots stay.
    assert reverse("people:list") in page


def test_all_cohorts_are_shown_without_a_note_when_they_fit(client, coordinator, organisation):
    pilot = PilotFactory(lead_organisation=organisation, name="Kinderopvang")
    names = _cohorts(pilot, 3)

    response = _get(client, coordinator)

    assert _shown(response) == names
    assert "Only the latest" not in response.content.decode()


def test_the_start_page_reads_as_often_with_many_cohorts_as_with_few(client, coordinator, organisation):
    pilot = PilotFactory(lead_organisation=organisation, name="Kinderopvang")
    _cohorts(pilot, 2)
    client.force_login(coordinator)
    client.get(reverse("pilots:coordinator-start"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("pilots:coordinator-start"))
    _cohorts(pilot, 2 * COHORTS_SHOWN, start=2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("pilots:coordinator-start"))

    assert len(response.context["cohorts"]) == COHORTS_SHOWN
    assert len(many) == len(few)
