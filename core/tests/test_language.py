"""Dutch and British English: the languages offered, their dates and times, and the names nobody translated before."""

import datetime

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, time_format

from candidates.models import Candidate, Weekday
from core.apps import EMPTY_CHOICE_LABEL

MOMENT = datetime.datetime(2026, 12, 7, 16, 41)


def test_the_portal_speaks_dutch_and_british_english():
    assert settings.LANGUAGE_CODE == "nl"
    assert [code for code, _name in settings.LANGUAGES] == ["nl", "en-gb"]


@pytest.mark.parametrize("cookie", ["en", "en-gb"])
def test_a_choice_of_english_before_and_now_shows_british_english(client, settings, cookie):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie

    response = client.get(reverse("login"))

    assert '<html lang="en-gb">' in response.text
    assert response["Content-Language"] == "en-gb"


def test_without_a_choice_the_portal_is_dutch(client):
    response = client.get(reverse("login"))

    assert '<html lang="nl">' in response.text


def test_the_language_switch_offers_british_english(client):
    response = client.get(reverse("login"))

    assert 'value="en-gb" lang="en-gb"' in response.text
    assert "British English</button>" in response.text


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("DATE_FORMAT", "7 December 2026"),
        ("SHORT_DATE_FORMAT", "07/12/2026"),
        ("DATETIME_FORMAT", "7 December 2026, 16:41"),
        ("SHORT_DATETIME_FORMAT", "07/12/2026 16:41"),
        ("WEEKDAY_MONTH_DAY_FORMAT", "Mon 7 Dec"),
    ],
)
def test_english_dates_put_the_day_first_and_the_time_on_a_24_hour_clock(name, text):
    with translation.override("en-gb"):
        assert date_format(MOMENT, name) == text
        assert time_format(MOMENT) == "16:41"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("DATE_FORMAT", "7 december 2026"),
        ("SHORT_DATE_FORMAT", "7-12-2026"),
        ("DATETIME_FORMAT", "7 december 2026 16:41"),
        ("WEEKDAY_MONTH_DAY_FORMAT", "ma 7 dec"),
        ("WEEKDAY_DATE_FORMAT", "ma 7 dec 2026"),
    ],
)
def test_dutch_dates_keep_month_and_day_names_in_lower_case(name, text):
    with translation.override("nl"):
        assert date_format(MOMENT, name) == text


def test_dutch_weekday_names_are_lower_case_in_running_text():
    with translation.override("nl"):
        days = [str(label) for label in (Weekday.MONDAY.label, Weekday.TUESDAY.label)]
        written = date_format(MOMENT, "l j F")

    assert days == ["maandag", "dinsdag"]
    assert written == "maandag 7 december"


def test_an_empty_choice_is_offered_in_the_pages_language():
    form = forms.models.modelform_factory(Candidate, fields=["education_level"])()

    with translation.override("nl"):
        html = str(form["education_level"])

    assert "- Select an option -" not in html
    with translation.override("nl"):
        assert f'<option value="" selected>{EMPTY_CHOICE_LABEL}</option>' in html


@pytest.fixture
def admin_index(client, administrator):
    client.force_login(administrator)

    def index(language: str) -> str:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client.get(reverse("admin:index")).text

    return index


def test_the_administration_names_the_history_and_the_login_tables_in_the_pages_language(admin_index):
    english = admin_index("en-gb")

    for name in (
        "History of candidates",
        "History of placements",
        "Login lock-outs",
        "Failed login counters",
        "Failed logins",
        "Login sessions",
        "Two-step verification with an app",
        "Authenticator apps",
        "Two-step verification backup codes",
        "Sets of backup codes",
    ):
        assert name in english


def test_the_dutch_administration_shows_no_english_names_of_other_packages(admin_index):
    dutch = admin_index("nl")

    for english in ("Historical", "Access attempts", "Access failures", "Access logs", "Otp_", "TOTP devices", "Axes"):
        assert english not in dutch


def test_the_administrations_forms_offer_the_same_empty_choice(admin_index, client):
    # The admin builds the forms of every admin.py as it starts, before the portal's own apps are ready.
    admin_index("nl")

    response = client.get(reverse("admin:candidates_outcome_add"))

    assert response.status_code == 200
    assert "- Select an option -" not in response.text
    with translation.override("nl"):
        assert f'<option value="" selected>{EMPTY_CHOICE_LABEL}</option>' in response.text
