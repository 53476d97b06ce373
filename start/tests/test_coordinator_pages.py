"""The coordinator's start page shows the pilots a page at a time, with their total, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from pilots.tests.factories import PilotFactory
from start.views import PILOTS_PER_PAGE

pytestmark = pytest.mark.django_db


def _pilots(organisation, count: int, start: int = 0) -> list[str]:
    return [
        PilotFactory(lead_organisation=organisation, name=f"Pilot {number:03d}", slug=f"pilot-{number:03d}").name
        for number in range(start, start + count)
    ]


def _get(client, user, **params):
    client.force_login(user)
    with translation.override("en"):
        return client.get(reverse("pilots:coordinator-start"), params, HTTP_ACCEPT_LANGUAGE="en")


def test_the_second_page_shows_the_pilots_after_the_first(client, coordinator, organisation):
    names = _pilots(organisation, PILOTS_PER_PAGE + 3)

    first = _get(client, coordinator)
    second = _get(client, coordinator, page=2)

    on_first = [pilot.name for pilot in first.context["pilots"]]
    on_second = [pilot.name for pilot in second.context["pilots"]]
    assert on_first == names[:PILOTS_PER_PAGE]
    assert on_second == names[PILOTS_PER_PAGE:]
    assert first.context["pilot_page"].paginator.count == PILOTS_PER_PAGE + 3
    # The page links and the other engineer's set-up button stay.
    assert 'href="?page=2"' in first.content.decode()
    assert reverse("people:list") in second.content.decode()


def test_a_page_number_past_the_end_shows_the_last_page(client, coordinator, organisation):
    names = _pilots(organisation, PILOTS_PER_PAGE + 1)

    response = _get(client, coordinator, page=9)

    assert [pilot.name for pilot in response.context["pilots"]] == names[PILOTS_PER_PAGE:]


def test_the_start_page_reads_as_often_with_many_pilots_as_with_few(client, coordinator, organisation):
    _pilots(organisation, 2)
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("pilots:coordinator-start"))
    _pilots(organisation, 2 * PILOTS_PER_PAGE, start=2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("pilots:coordinator-start"))

    assert len(response.context["pilots"]) == PILOTS_PER_PAGE
    assert len(many) == len(few)
