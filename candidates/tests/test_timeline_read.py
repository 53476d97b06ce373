"""The timeline is read in two queries (its events, then the users they name) and cut in the database: the
candidate's page shows the newest events and says when older ones are left out."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from candidates.services import candidate_update, note_add
from candidates.tests.test_timeline import (  # noqa: F401 (fixtures)
    START,
    at,
    cohort,
    colleague,
    english,
    history,
    pilot,
)
from employers.selectors import candidate_timeline


def test_the_timeline_reads_every_kind_of_event_and_their_users_in_two_queries(
    history,  # noqa: F811
    adviser,
    coordinator,
    django_assert_max_num_queries,
):
    with at(11):
        candidate_update(candidate=history, by_user=coordinator, data={"city": "Zeist"})
    assert adviser.role  # the reader's role is read once per request, before the page asks for the timeline

    with django_assert_max_num_queries(2):
        events = candidate_timeline(candidate=history, user=adviser)

    assert len({event.kind for event in events}) == 10


def test_a_limit_keeps_the_newest_events_in_their_order(history):  # noqa: F811
    everything = candidate_timeline(candidate=history)

    assert candidate_timeline(candidate=history, limit=5) == everything[:5]


@pytest.mark.parametrize("notes", [2, 5])
def test_the_candidate_page_shows_the_newest_events_and_says_when_older_ones_are_left_out(
    notes,
    history,  # noqa: F811
    adviser,
    client,
    monkeypatch,
):
    monkeypatch.setattr("employers.views_candidate.TIMELINE_SHOWN", 20)
    for number in range(notes):
        with at(20 + number):
            note_add(candidate=history, by_user=adviser, text=f"Notitie {number}")
    client.force_login(adviser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(reverse("candidates:candidate-detail", args=[history.pk]))

    shown = response.context["timeline"]
    # The journey tells 17 events; the notes come on top of them.
    assert len(shown) == min(17 + notes, 20)
    assert shown[0].detail == f"Notitie {notes - 1}"
    assert shown[0].at == START + datetime.timedelta(hours=20 + notes - 1)
    page = response.content.decode()
    assert ("Only the latest 20 events are shown." in page) == (17 + notes > 20)
    assert ("Imported from verwijzingen-maart.xlsx" in page) == (17 + notes <= 20)
