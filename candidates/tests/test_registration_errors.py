"""What a refused registration tells the adviser: a summary at the top that links to each field, and per field what
to do ("Vul de achternaam in"), not only that something is wrong."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from candidates.forms import CANDIDATE_ERROR_MESSAGES, CandidateForm
from candidates.tests.test_views_candidates import log_in, registration_data

CREATE_URL = reverse("candidates:candidate-create")


def summary_of(page: str) -> str:
    return page.split("data-error-summary>")[1].split("</ul>")[0]


def test_a_refused_registration_opens_with_a_summary_that_links_to_each_field(client, adviser):
    log_in(client, adviser)

    response = client.post(
        CREATE_URL,
        registration_data(last_name="", date_of_birth="", postcode="12345", available_days=None, consent=None),
    )

    assert response.status_code == 200
    page = response.text
    assert '<div class="error-summary alert alert-danger mb-4" id="error-summary" tabindex="-1"' in page
    summary = summary_of(page)
    assert "There is a problem" in summary
    links = [
        ('href="#id_last_name"', "Enter the last name"),
        ('href="#id_date_of_birth"', "Enter the date of birth as 31/12/1990"),
        ('href="#id_postcode"', "Enter the postcode as 1234 AB"),
        ('href="#id_consent"', "Tick that the candidate consents"),
    ]
    for href, message in links:
        assert f'<a class="alert-link" {href}>{escape(message)}' in summary
    # In the order of the form.
    assert [summary.index(href) for href, _message in links] == sorted(summary.index(href) for href, _m in links)
    # The same message stands at the field.
    assert page.count("Enter the last name") == 2
    # The page's script moves the focus to the summary.
    assert '<script src="/static/js/error-summary.js"></script>' in page


def test_the_summary_follows_the_order_of_the_page(client, adviser):
    log_in(client, adviser)

    response = client.post(CREATE_URL, registration_data(consent=None, consent_purpose=""))

    summary = summary_of(response.text)
    # The form shows the consent before its purpose, though the purpose is a field of the model and comes first.
    assert summary.index('href="#id_consent"') < summary.index('href="#id_consent_purpose"')


def test_a_registration_page_without_errors_has_no_summary(client, adviser):
    log_in(client, adviser)

    response = client.get(CREATE_URL)

    assert "data-error-summary" not in response.text
    assert "There is a problem" not in response.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "", "Enter the first name"),
        ("last_name", "", "Enter the last name"),
        ("date_of_birth", "", "Enter the date of birth as 31/12/1990"),
        ("date_of_birth", "31-02-1990", "Enter the date of birth as 31/12/1990"),
        ("email", "fatima@", "Enter the e-mail address as name@example.nl"),
        ("postcode", "ABCD 12", "Enter the postcode as 1234 AB"),
        ("referral_source", "", "Choose how the candidate was referred"),
        ("hours_per_week", "veel", "Enter the hours a week as a whole number, such as 24"),
        ("consent_purpose", "", "Enter what the candidate gives consent for"),
    ],
)
def test_each_field_says_what_to_do(db, field, value, message):
    form = CandidateForm(data=registration_data(**{field: value}))

    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_no_field_of_the_registration_says_only_that_it_is_required(db):
    form = CandidateForm(data={})

    with translation.override("en-gb"):
        assert not form.is_valid()
        messages = [message for errors in form.errors.values() for message in errors]

    assert "This field is required." not in messages


def test_the_messages_stand_in_one_place_for_registration_and_the_import():
    from candidates.forms import CandidateImportRowForm

    assert CandidateImportRowForm._meta.error_messages is CANDIDATE_ERROR_MESSAGES
    assert CandidateForm._meta.error_messages is CANDIDATE_ERROR_MESSAGES
