"""The referral list carries the candidate's available days and hours, so an imported candidate is complete."""

import csv
import datetime
import io

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from candidates.completeness import missing_requirements
from candidates.importing import TEMPLATE_EXAMPLE, TEMPLATE_HEADER, parse_table
from candidates.models import Candidate
from pilots.tests.factories import CohortFactory, PilotFactory

HEADER = "voornaam;achternaam;geboortedatum;e-mail;beschikbare dagen;beschikbaar vanaf;uren per week"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 15, 12, 0, tzinfo=datetime.UTC), tick=False):
        yield


def parse(*lines: str):
    content = "\r\n".join([HEADER, *lines]).encode()
    with translation.override("en"):
        return parse_table(file_name="lijst.csv", content=content)


def test_the_template_has_columns_for_the_available_days_hours_and_first_day():
    columns = dict(zip(TEMPLATE_HEADER, TEMPLATE_EXAMPLE, strict=True))

    assert columns["beschikbare dagen"] == "ma, di, do"
    assert columns["beschikbaar vanaf"] == "01-09-2026"
    assert columns["uren per week"] == "24"


@pytest.mark.parametrize(
    ("written", "days"),
    [
        ("ma, di, do", ["mon", "tue", "thu"]),
        ("maandag/woensdag", ["mon", "wed"]),
        ("Ma en Vr", ["mon", "fri"]),
        ("ma-vr", ["mon", "tue", "wed", "thu", "fri"]),
        ("ma t/m wo, za", ["mon", "tue", "wed", "sat"]),
        ("dinsdag - donderdag", ["tue", "wed", "thu"]),
        ("vr ma", ["mon", "fri"]),
        ("tue, Thursday", ["tue", "thu"]),
        ("", []),
    ],
)
def test_the_available_days_are_read_as_referral_lists_write_them(db, written, days):
    table = parse(f"Jan;Jansen;01-01-1990;jan@example.org;{written};;")

    assert table.rows[0].errors == []
    assert table.rows[0].values["available_days"] == days


def test_the_hours_and_the_first_available_day_are_read(db):
    table = parse("Jan;Jansen;01-01-1990;jan@example.org;ma;1-9-2026;24 uur")

    values = table.rows[0].values
    assert values["available_from"] == datetime.date(2026, 9, 1)
    assert values["hours_per_week"] == 24


def test_unreadable_availability_is_an_error_naming_the_column_on_its_row(db):
    table = parse(
        "Jan;Jansen;01-01-1990;jan@example.org;ma;;",
        "Piet;Bakker;02-02-1991;piet@example.org;ma, soms, vr-ma;morgen;veel",
    )

    assert table.rows[0].is_valid
    row = table.rows[1]
    assert row.line == 3
    assert row.errors == [
        "Available days: “soms, vr-ma” is not a day; write the days as “ma, di, do” or “ma-vr”.",
        "Available from: “morgen” is not a date such as 01-09-2026.",
        "Hours a week available: Enter the hours a week as a whole number, such as 24",
    ]


def test_the_imported_candidate_has_the_days_and_hours_of_the_list(client, adviser, tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "MEDIA_ROOT", tmp_path)
    cohort = CohortFactory(pilot=PilotFactory(lead_organisation=adviser.organisation))
    client.force_login(adviser)
    template = client.get(reverse("candidates:import-template", args=["xlsx"])).content
    sheet = load_workbook(io.BytesIO(template)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == TEMPLATE_HEADER

    response = client.post(
        reverse("candidates:import-upload"),
        {
            "cohort": cohort.pk,
            "file": SimpleUploadedFile("opstap-verwijzingen.xlsx", template),
            "consent": "on",
            "consent_purpose": "Deelname",
        },
    )
    preview = client.get(response.url)
    client.post(response.url, {"fingerprint": preview.context["confirm_form"].initial["fingerprint"], "confirm": ""})

    candidate = Candidate.objects.get()
    assert candidate.available_days == ["mon", "tue", "thu"]
    assert candidate.available_from == datetime.date(2026, 9, 1)
    assert candidate.hours_per_week == 24
    assert "available_days" not in [requirement.key for requirement in missing_requirements(candidate)]


def test_the_csv_template_has_the_availability_columns(client, adviser):
    client.force_login(adviser)

    response = client.get(reverse("candidates:import-template", args=["csv"]))

    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert header[-3:] == ["beschikbare dagen", "beschikbaar vanaf", "uren per week"]
