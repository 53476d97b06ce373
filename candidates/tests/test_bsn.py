"""No BSN in the portal: nine-digit numbers passing the eleven-test are caught in notes and coaching notes."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from candidates.forms import CoachingNoteForm, NoteForm
from candidates.models import EnrolmentStatus, Note
from candidates.tests.factories import EnrolmentFactory
from candidates.validators import looks_like_bsn, passes_bsn_eleven_test
from pilots.tests.factories import CohortFactory, PilotFactory


@pytest.mark.parametrize("number", ["111222333", "123456782", "999999990"])
def test_valid_bsns_pass_the_eleven_test(number):
    assert passes_bsn_eleven_test(number)


@pytest.mark.parametrize("number", ["123456789", "111222334", "000000000", "12345678", "1234567890", "１１１222333"])
def test_other_numbers_fail_the_eleven_test(number):
    assert not passes_bsn_eleven_test(number)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Haar BSN is 111222333.", ["111222333"]),
        ("bsn 1112.22.333 meegenomen", ["1112.22.333"]),
        ("nummer 111 222 333", ["111 222 333"]),
        ("nummer 111-222-333", ["111-222-333"]),
        ("twee: 111222333 en 123456782", ["111222333", "123456782"]),
    ],
)
def test_looks_like_bsn_finds_numbers_as_typed(text, found):
    assert looks_like_bsn(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "klantnummer 123456789",  # fails the eleven-test
        "bel 06 12345678",  # a phone number
        "0111222333",  # ten digits
        "111222333 4",  # part of a longer number
        "NL91ABNA0417164300",
        "Geen nummer, wel 12 uur per week",
        "",
    ],
)
def test_looks_like_bsn_ignores_other_numbers(text):
    assert looks_like_bsn(text) == []


def test_note_form_refuses_a_bsn_once_with_a_clear_message():
    form = NoteForm({"text": "BSN 111222333 genoteerd"})

    assert not form.is_valid()
    assert form.bsn_numbers == ["111222333"]
    assert form.has_error("text", code="bsn")
    assert "111222333" in form.errors["text"][0]


def test_note_form_saves_a_number_ticked_as_not_a_bsn():
    form = NoteForm({"text": "Dossiernummer 111222333", "not_a_bsn": "on"})

    assert form.is_valid(), form.errors


def test_note_form_without_a_bsn_is_valid():
    assert NoteForm({"text": "Gesprek gehad over vervoer, klantnummer 123456789."}).is_valid()


@pytest.mark.parametrize("writes_as_adviser", [True, False])
def test_coaching_note_form_refuses_a_bsn(writes_as_adviser):
    data = {"note-text": "bsn: 1112.22.333", "note-coach_kind": "job_coach", "note-visibility": "coaching_team"}
    form = CoachingNoteForm(data, writes_as_adviser=writes_as_adviser, prefix="note")

    assert not form.is_valid()
    assert form.has_error("text", code="bsn")

    confirmed = CoachingNoteForm({**data, "note-not_a_bsn": "on"}, writes_as_adviser=writes_as_adviser, prefix="note")
    assert confirmed.is_valid(), confirmed.errors


@pytest.fixture
def own_candidate(adviser):
    cohort = CohortFactory(pilot=PilotFactory(lead_organisation=adviser.organisation))
    return EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.STARTED).candidate


def test_note_with_a_bsn_is_sent_back_with_the_checkbox_and_saved_once_ticked(client, adviser, own_candidate):
    client.force_login(adviser)
    url = reverse("candidates:note-add", kwargs={"pk": own_candidate.pk})

    response = client.post(url, {"text": "BSN 111222333"})

    assert response.status_code == 200
    assert not Note.objects.filter(candidate=own_candidate).exists()
    assert 'name="not_a_bsn"' in response.content.decode()

    response = client.post(url, {"text": "Dossier 111222333", "not_a_bsn": "on"})

    assert response.status_code == 302
    assert Note.objects.get(candidate=own_candidate).text == "Dossier 111222333"


def test_note_page_shows_no_bsn_checkbox_without_a_bsn(client, adviser, own_candidate):
    client.force_login(adviser)

    response = client.get(own_candidate.get_absolute_url())

    assert 'name="not_a_bsn"' not in response.content.decode()


def test_coaching_note_with_a_bsn_is_sent_back(client, adviser, own_candidate):
    client.force_login(adviser)
    enrolment = own_candidate.enrolments.get()
    url = reverse("candidates:coaching", kwargs={"pk": enrolment.pk})

    response = client.post(url, {"note-text": "bsn 111 222 333"})

    assert response.status_code == 200
    assert not enrolment.coaching_notes.exists()
    assert 'name="note-not_a_bsn"' in response.content.decode()
    assert gettext("This number is not a BSN, save the note anyway") in response.content.decode()
