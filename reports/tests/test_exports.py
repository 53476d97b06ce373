import csv
import io
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from candidates.models import DropoutReason, EnrolmentStatus, OutcomeKind
from candidates.tests.factories import CandidateFactory, EnrolmentFactory, OutcomeFactory
from employers.tests.factories import EmployerFactory, SeatOfferFactory
from pilots.tests.factories import CohortFactory, PilotFactory
from reports.exports import evaluation_sheets, evaluation_xlsx
from reports.figures import DEFINITIONS, FUNNEL_LABELS, pilot_evaluation

pytestmark = pytest.mark.django_db

S = EnrolmentStatus
SECTIONS = [
    "Summary",
    "Funnel",
    "Outflow by kind",
    "Dropout by reason",
    "Host employers",
    "Cohorts",
    "Pilots",
    "Barriers met",
    "Module results",
    "Attendance",
    "Follow-up",
    "Median days",
    "Completeness",
    "Definitions",
]


@pytest.fixture
def pilot(organisation):
    return PilotFactory(lead_organisation=organisation, region=organisation.region, name="Zorg Utrecht")


def _people(cohort, status, n, **kwargs):
    """Enrolments of candidates with a recognisable surname, to look for in the downloads."""
    enrolments = []
    for i in range(n):
        candidate = CandidateFactory(first_name="Fatima", last_name=f"Herkenbaar{status}{i}")
        enrolment = EnrolmentFactory(cohort=cohort, candidate=candidate, status=status, **kwargs)
        if status == S.OUTFLOW:
            OutcomeFactory(enrolment=enrolment, kind=OutcomeKind.JOB_ELSEWHERE)
        enrolments.append(enrolment)
    return enrolments


@pytest.fixture
def cohort(pilot):
    cohort = CohortFactory(pilot=pilot, name="Najaar 2026")
    _people(cohort, S.REGISTERED, 4)
    _people(cohort, S.STARTED, 6)
    _people(cohort, S.OUTFLOW, 3)  # three to work: below the threshold of five
    _people(cohort, S.DROPPED_OUT, 2, dropout_reason=DropoutReason.HEALTH)
    SeatOfferFactory(employer=EmployerFactory(organisation__name="Zorghuis De Linde"), cohort=cohort, places=2)
    return cohort


def _workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def _cells(workbook) -> list:
    return [cell for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row]


def _sheet(workbook, title: str) -> list[tuple]:
    return list(workbook[title].iter_rows(values_only=True))


def test_the_workbook_has_a_sheet_per_section_with_translated_names(cohort):
    with translation.override("en"):
        english = _workbook(evaluation_xlsx(pilot_evaluation(pilots=[cohort.pilot])))
    with translation.override("nl"):
        dutch = _workbook(evaluation_xlsx(pilot_evaluation(pilots=[cohort.pilot])))
        expected = [gettext(name)[:31] for name in SECTIONS]

    assert english.sheetnames == SECTIONS
    assert dutch.sheetnames == expected


def test_the_funnel_sheet_hides_small_counts_and_their_rates(cohort, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    with translation.override("en"):
        rows = _sheet(_workbook(evaluation_xlsx(pilot_evaluation(pilots=[cohort.pilot]))), "Funnel")

    assert rows[0] == ("Stage", "Number", "Rate (%)")
    assert rows[1:] == [
        ("Applied", 15, None),
        ("Screened", 11, 73.3),
        ("Selected", 11, 100.0),
        ("Started", 11, 100.0),
        ("Completed", "< 5", None),
        ("Outflow to work", "< 5", None),
    ]


def test_no_small_count_and_no_name_of_a_person_appears_in_the_workbook(cohort, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    workbook = _workbook(evaluation_xlsx(pilot_evaluation(pilots=[cohort.pilot])))

    cells = [str(cell) for cell in _cells(workbook) if cell is not None]

    assert not any("Herkenbaar" in cell or "Fatima" in cell for cell in cells)
    assert "< 5" in cells
    # The dropouts (2) and the outflow (3) are never written as numbers.
    dropout = _sheet(workbook, workbook.sheetnames[3])
    assert all(row[1] in ("< 5", 0) for row in dropout[1:])
    cohorts = _sheet(workbook, workbook.sheetnames[5])
    assert cohorts[1][:2] == ("Zorg Utrecht", "Najaar 2026")
    assert cohorts[1][3:9] == (15, 11, 11, 11, "< 5", "< 5")


def test_a_raw_evaluation_is_suppressed_all_the_same(cohort, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    with translation.override("en"):
        sheets = {title: rows for title, _header, rows in evaluation_sheets(pilot_evaluation(pilots=[cohort.pilot]))}

    assert [row[1] for row in sheets["Funnel"]] == [15, 11, 11, 11, "< 5", "< 5"]
    assert [row[1] for row in sheets["Dropout by reason"]] == ["< 5"] + [0] * (len(DropoutReason) - 1)


def test_the_workbook_names_pilot_region_partners_and_employers_and_every_definition(cohort):
    with translation.override("en"):
        workbook = _workbook(evaluation_xlsx(pilot_evaluation(pilots=[cohort.pilot])))

    summary = dict(_sheet(workbook, "Summary")[1:])
    assert summary["Pilots"] == "Zorg Utrecht"
    assert summary["Regions"] == cohort.pilot.region.name
    assert summary["Partners"] == cohort.pilot.lead_organisation.name
    assert _sheet(workbook, "Host employers")[1] == ("Zorghuis De Linde", 2, 0, 0, 0, 0)
    assert _sheet(workbook, "Pilots")[1][:2] == ("Zorg Utrecht", cohort.pilot.region.name)
    assert len(_sheet(workbook, "Definitions")) == 1 + len(DEFINITIONS)
    assert len(_sheet(workbook, "Completeness")) == 1 + 8


def test_text_that_looks_like_a_formula_is_neutralised(pilot):
    CohortFactory(pilot=pilot, name="=HYPERLINK(1)")

    workbook = _workbook(evaluation_xlsx(pilot_evaluation(pilots=[pilot])))

    cohorts = _sheet(workbook, workbook.sheetnames[5])
    assert cohorts[1][1] == "'=HYPERLINK(1)"


def test_a_pilot_without_candidates_exports_zeros():
    workbook = _workbook(evaluation_xlsx(pilot_evaluation(pilots=[PilotFactory()])))

    funnel = _sheet(workbook, workbook.sheetnames[1])
    assert [row[1] for row in funnel[1:]] == [0] * 6


# --- The views -------------------------------------------------------------------------------------------


def _url(name, pilot, **params):
    url = reverse(name, args=[pilot.slug])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def test_the_xlsx_download_of_the_dashboard(client, coordinator, cohort, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    client.force_login(coordinator)

    response = client.get(_url("reports:dashboard-xlsx", cohort.pilot))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f'filename="evaluatie-{cohort.pilot.slug}-' in response["Content-Disposition"]
    workbook = _workbook(response.content)
    assert len(workbook.sheetnames) == len(SECTIONS)
    cells = [str(cell) for cell in _cells(workbook) if cell is not None]
    assert not any("Herkenbaar" in cell for cell in cells)
    assert [row[1] for row in _sheet(workbook, workbook.sheetnames[1])[1:]] == [15, 11, 11, 11, "< 5", "< 5"]


def test_the_dashboard_downloads_are_recorded_in_the_audit_trail(client, coordinator, cohort):
    from core.models import AuditAction, AuditEvent

    client.force_login(coordinator)

    client.get(_url("reports:dashboard-xlsx", cohort.pilot))
    client.get(_url("reports:dashboard-csv", cohort.pilot))

    events = AuditEvent.objects.filter(action=AuditAction.EXPORT, user=coordinator).order_by("pk")
    assert [event.detail.split(",")[0].rsplit(".", 1)[1] for event in events] == ["xlsx", "csv"]


def test_the_downloads_count_the_period_of_the_dashboard(client, coordinator, pilot):
    _people(CohortFactory(pilot=pilot, start_date=date(2025, 9, 1), end_date=date(2025, 12, 1)), S.STARTED, 6)
    _people(CohortFactory(pilot=pilot, start_date=date(2026, 9, 1)), S.STARTED, 7)
    client.force_login(coordinator)

    workbook = _workbook(client.get(_url("reports:dashboard-xlsx", pilot, van="2026-01-01")).content)
    funnel_csv = client.get(_url("reports:dashboard-csv", pilot, tot="2025-12-31")).content.decode("utf-8-sig")

    assert _sheet(workbook, workbook.sheetnames[1])[1][1] == 7
    assert list(csv.reader(io.StringIO(funnel_csv), delimiter=";"))[1][1] == "6"


def test_the_csv_download_of_the_funnel(client, coordinator, cohort, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    client.force_login(coordinator)

    response = client.get(_url("reports:dashboard-csv", cohort.pilot))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="evaluatie-{cohort.pilot.slug}-' in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    with translation.override(settings.LANGUAGE_CODE):
        assert rows[0] == [gettext("Stage"), gettext("Number"), gettext("Rate (%)")]
        labels = [str(FUNNEL_LABELS[key]) for key in FUNNEL_LABELS]
    assert [row[0] for row in rows[1:]] == labels
    assert [row[1:] for row in rows[1:]] == [
        ["15", ""],
        ["11", "73,3"],
        ["11", "100,0"],
        ["11", "100,0"],
        ["< 5", ""],
        ["< 5", ""],
    ]
    assert "Herkenbaar" not in content


@pytest.mark.parametrize("name", ["reports:dashboard-xlsx", "reports:dashboard-csv"])
def test_a_pilot_of_another_region_cannot_be_downloaded(client, coordinator, name):
    client.force_login(coordinator)

    assert client.get(_url(name, PilotFactory())).status_code == 404


@pytest.mark.parametrize("name", ["reports:dashboard-xlsx", "reports:dashboard-csv"])
@pytest.mark.parametrize("role", ["employer_contact", "training_partner"])
def test_employer_contacts_and_training_partners_cannot_download(client, user_for_role, pilot, name, role):
    client.force_login(user_for_role(role))

    assert client.get(_url(name, pilot)).status_code == 403


@pytest.mark.parametrize("name", ["reports:dashboard-xlsx", "reports:dashboard-csv"])
def test_anonymous_visitors_are_sent_to_log_in(client, pilot, name):
    response = client.get(_url(name, pilot))

    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))
