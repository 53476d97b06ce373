import csv
import io
from datetime import date, datetime, time

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from candidates.models import DropoutReason, EnrolmentStatus, OutcomeKind
from candidates.tests.factories import CandidateFactory, EnrolmentFactory, OutcomeFactory
from employers.models import PlacementStatus
from employers.tests.factories import EmployerFactory, PlacementFactory, SeatOfferFactory
from pilots.tests.factories import CohortFactory, PilotFactory
from reports.document import COUNT, DATE, PLACES, STATUS, Cell, Table, evaluation_document
from reports.exports import evaluation_sheets, evaluation_xlsx
from reports.figures import DEFINITIONS, HIDDEN_MARK, STAGE_LABELS, STAGES, TargetStatus, pilot_evaluation

pytestmark = pytest.mark.django_db

S = EnrolmentStatus
# The sheets of a one-pilot workbook: the summary, a sheet per table of the report in its order, the definitions.
# With more than one pilot a "Pilots" sheet follows "Cohorts".
SECTIONS = [
    "Summary",
    "Design",
    "Funnel",
    "Outflow figures",
    "Outflow by kind",
    "Dropout by reason",
    "Host employers",
    "Cohorts",
    "Barriers",
    "Modules",
    "Attendance",
    "Follow-up",
    "Median days",
    "Completeness",
    "Definitions",
]
FUNNEL = SECTIONS.index("Funnel")
COHORTS = SECTIONS.index("Cohorts")
# The stages that divide a stage above them in the funnel table, indented four spaces for each level: started is
# a part of selected, completed a part of started.
LEVELS = {
    "not_selected": 1,
    "withdrawn": 1,
    "waiting": 1,
    "started": 1,
    "completed": 2,
    "dropped_out": 2,
    "in_track": 2,
}


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
    """15 applied; 11 screened, selected and started; 3 completed and to work and 2 dropped out (both below the
    threshold of five), 6 still in the track."""
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


def test_the_workbook_has_a_sheet_per_table_with_translated_names(cohort):
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

    assert rows[0] == ("Stage", "Number", "Rate", "Of")
    # Completed (3), dropped out (2) and positive outflow (3) are small. No other figure gives one of them away:
    # started 11 minus still in the track 6 leaves completed plus dropped out, 5 (the outcomes due, in the
    # completeness sheet, say the same), and nothing in the report splits that 5. So no further count is hidden.
    assert rows[1:] == [
        ("Applied", 15, None, None),
        ("Screened", 11, 73.3, "applied"),
        ("    Not selected", 0, 0.0, "screened"),
        ("Selected", 11, 100.0, "screened"),
        ("    Withdrawn before the start", 0, 0.0, "selected"),
        ("    Waiting for the start", 0, 0.0, "selected"),
        ("    Started", 11, 100.0, "selected"),
        ("        Completed", HIDDEN_MARK, None, "started"),
        ("        Dropped out", HIDDEN_MARK, None, "started"),
        ("        Still in the track", 6, 54.5, "started"),
        ("Positive outflow", HIDDEN_MARK, None, "started"),
    ]


def test_no_small_count_and_no_name_of_a_person_appears_in_the_workbook(cohort, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    with translation.override("en"):
        workbook = _workbook(evaluation_xlsx(pilot_evaluation(pilots=[cohort.pilot])))

    cells = [str(cell) for cell in _cells(workbook) if cell is not None]
    numbers = [cell for cell in _cells(workbook) if isinstance(cell, int | float) and not isinstance(cell, bool)]

    assert not any("Herkenbaar" in cell or "Fatima" in cell for cell in cells)
    assert HIDDEN_MARK in cells
    # The outflow (3) is never written as a number, nor any rate made from it or from the dropouts (3 or 2 of 11).
    assert 3 not in numbers
    assert not {27.3, 18.2} & set(numbers)
    # The dropouts (2) are not either: the only 2 of the workbook is the places De Linde offered, not people.
    places = [row for row in _sheet(workbook, "Host employers")[1:] if 2 in row]
    assert numbers.count(2) == len(places) == 2  # De Linde's row and the total row
    assert all(row[1] == 2 for row in places)
    dropout = _sheet(workbook, "Dropout by reason")
    assert all(row[1] in (HIDDEN_MARK, 0) for row in dropout[1:])
    header, row, _total = _sheet(workbook, "Cohorts")
    assert row[:8] == ("Najaar 2026", datetime(2026, 9, 1), 15, 11, 11, 11, "x", "x")
    assert header[6:8] == ("Completed", "Positive outflow")
    # The positive outflow as a percentage of those who started is hidden with the count.
    assert [value for label, value in zip(header, row, strict=True) if "% of started" in label] == [None]


def test_a_raw_evaluation_is_suppressed_all_the_same(cohort, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    with translation.override("en"):
        sheets = {title: rows for title, _header, rows in evaluation_sheets(pilot_evaluation(pilots=[cohort.pilot]))}

    assert [row[1] for row in sheets["Funnel"]] == [15, 11, 0, 11, 0, 0, 11, "x", "x", 6, "x"]
    # The reasons, then the total row: the two who dropped out for their health are hidden in both.
    assert [row[1] for row in sheets["Dropout by reason"]] == ["x"] + [0] * (len(DropoutReason) - 1) + ["x"]


def test_a_count_that_would_give_a_small_one_away_is_hidden_as_well(pilot, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory(pilot=pilot)
    _people(cohort, S.STARTED, 7)
    _people(cohort, S.DROPPED_OUT, 2, dropout_reason=DropoutReason.HEALTH)
    _people(cohort, S.DROPPED_OUT, 6, dropout_reason=DropoutReason.TRANSPORT)

    with translation.override("en"):
        workbook = _workbook(evaluation_xlsx(pilot_evaluation(pilots=[pilot])))
        health, transport = str(DropoutReason.HEALTH.label), str(DropoutReason.TRANSPORT.label)

    # 8 dropped out: 2 for their health, 6 for transport. With the total shown, 8 - 6 would give the 2 away, so a
    # second reason is hidden: a zero one, which tells least (the 2 and that zero then add up to 8 - 6 together).
    # The 6 and the 8 stay, also in the funnel.
    dropout = {row[0]: row[1] for row in _sheet(workbook, "Dropout by reason")[1:]}
    assert dropout.pop(health) == HIDDEN_MARK
    assert dropout.pop(transport) == 6
    assert dropout.pop("Total") == 8
    assert sorted(dropout.values(), key=str) == [0] * (len(dropout) - 1) + [HIDDEN_MARK]
    funnel = {row[0].strip(): row[1] for row in _sheet(workbook, "Funnel")[1:]}
    assert (funnel["Started"], funnel["Dropped out"], funnel["Still in the track"]) == (15, 8, 7)
    numbers = [cell for cell in _cells(workbook) if isinstance(cell, int | float) and not isinstance(cell, bool)]
    assert 2 not in numbers


def test_the_workbook_names_pilot_region_and_employers_and_every_definition(cohort):
    with translation.override("en"):
        workbook = _workbook(evaluation_xlsx(pilot_evaluation(pilots=[cohort.pilot])))

    summary = {row[0]: row[1] for row in _sheet(workbook, "Summary")[1:]}
    assert summary["Pilots"] == "Zorg Utrecht"
    assert summary["Regions"] == cohort.pilot.region.name
    design = _sheet(workbook, "Design")
    assert design[0] == ("Design", "Zorg Utrecht")
    assert ("Region", cohort.pilot.region.name) in design
    assert _sheet(workbook, "Host employers")[1:] == [("Zorghuis De Linde", 2, 0, 0, 0, 0), ("Total", 2, 0, 0, 0, 0)]
    assert len(_sheet(workbook, "Definitions")) == 1 + len(DEFINITIONS)
    assert len(_sheet(workbook, "Completeness")) == 1 + 8


def test_several_pilots_get_a_sheet_with_each_pilot_and_its_region(cohort):
    other = PilotFactory(name="WelSlagen Rotterdam")
    CohortFactory(pilot=other, name="Voorjaar 2027", start_date=date(2027, 3, 1), end_date=date(2027, 6, 30))

    with translation.override("en"):
        workbook = _workbook(evaluation_xlsx(pilot_evaluation(pilots=[cohort.pilot, other])))

    assert workbook.sheetnames == [*SECTIONS[: COHORTS + 1], "Pilots", *SECTIONS[COHORTS + 1 :]]
    pilots = [row[0] for row in _sheet(workbook, "Pilots")[1:]]
    assert pilots == [
        f"WelSlagen Rotterdam ({other.region.name})",
        f"Zorg Utrecht ({cohort.pilot.region.name})",
        "Total",
    ]
    assert _sheet(workbook, "Design")[0] == ("Design", "WelSlagen Rotterdam", "Zorg Utrecht")
    # Each cohort names its pilot.
    assert [row[0] for row in _sheet(workbook, "Cohorts")[1:]] == [
        "Najaar 2026 (Zorg Utrecht)",
        "Voorjaar 2027 (WelSlagen Rotterdam)",
        "Total",
    ]


def test_the_workbook_names_the_partners(cohort):
    workbook = _workbook(evaluation_xlsx(pilot_evaluation(pilots=[cohort.pilot])))

    cells = [str(cell) for cell in _cells(workbook) if cell is not None]
    assert any(cohort.pilot.lead_organisation.name in cell for cell in cells)


def test_text_that_looks_like_a_formula_is_written_as_text_without_an_apostrophe(pilot):
    CohortFactory(pilot=pilot, name="=HYPERLINK(1)")
    pilot.name = "+SUM(A1:A9)"
    pilot.save()

    with translation.override("en"):
        workbook = _workbook(evaluation_xlsx(pilot_evaluation(pilots=[pilot])))

    cohort_cell = workbook["Cohorts"]["A2"]
    pilot_cell = workbook["Design"]["B1"]
    assert (cohort_cell.value, cohort_cell.data_type) == ("=HYPERLINK(1)", "s")
    assert (pilot_cell.value, pilot_cell.data_type) == ("+SUM(A1:A9)", "s")
    assert not [
        cell.coordinate for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ]


def test_a_pilot_without_candidates_exports_zeros():
    workbook = _workbook(evaluation_xlsx(pilot_evaluation(pilots=[PilotFactory()])))

    funnel = _sheet(workbook, workbook.sheetnames[FUNNEL])
    assert [row[1] for row in funnel[1:]] == [0] * len(STAGES)


# --- The workbook mirrors the report ------------------------------------------------------------------------


@pytest.fixture
def two_pilots(cohort):
    """Two pilots, the first with two cohorts, a host employer that placed and hired, and dropouts for two reasons."""
    linde = cohort.seat_offers.get().employer
    spring = CohortFactory(
        pilot=cohort.pilot, name="Voorjaar 2027", start_date=date(2027, 3, 1), end_date=date(2027, 6, 30)
    )
    SeatOfferFactory(employer=linde, cohort=spring, places=8)
    for enrolment in _people(spring, S.COMPLETED, 6):
        PlacementFactory(enrolment=enrolment, employer=linde, status=PlacementStatus.CONFIRMED)
        OutcomeFactory(enrolment=enrolment, kind=OutcomeKind.CONTRACT_AT_HOST, employer=linde)
        enrolment.status = S.OUTFLOW
        enrolment.save()
    _people(spring, S.STARTED, 5)
    _people(spring, S.DROPPED_OUT, 7, dropout_reason=DropoutReason.TRANSPORT)
    other = PilotFactory(name="WelSlagen Rotterdam", target_work_percentage=40)
    rotterdam = CohortFactory(pilot=other, name="Rotterdam 1")
    anchor = EmployerFactory(organisation__name="Kinderdagverblijf Het Anker")
    SeatOfferFactory(employer=anchor, cohort=rotterdam, places=5)
    _people(rotterdam, S.REGISTERED, 5)
    for enrolment in _people(rotterdam, S.STARTED, 9)[:5]:
        PlacementFactory(enrolment=enrolment, employer=anchor, status=PlacementStatus.CONFIRMED)
    return [cohort.pilot, other]


def _as_in_the_sheet(cell: Cell):
    """What a cell of the report reads as in the workbook: a number as the number, a hidden count as "x"."""
    if cell.hidden:
        return HIDDEN_MARK
    if cell.kind == DATE:
        return datetime.combine(cell.value, time())  # a spreadsheet date has a time of day
    if cell.kind == STATUS and cell.value is not None:
        return str(TargetStatus(cell.value).label)
    return None if cell.value == "" else cell.value


def _tables(document) -> list[Table]:
    return [table for section in document.sections for table in section.tables]


def test_every_table_of_the_report_has_its_sheet_in_order_with_the_same_cells(two_pilots, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    evaluation = pilot_evaluation(pilots=two_pilots)

    with translation.override("en"):
        workbook = _workbook(evaluation_xlsx(evaluation))
        tables = _tables(evaluation_document(evaluation, with_charts=False))
        expected = {
            table.key: [
                (
                    "    " * row.level + row.label + (f" ({row.note})" if row.note else ""),
                    *(_as_in_the_sheet(cell) for cell in row.cells),
                )
                for row in [*table.rows, *([table.total] if table.total else [])]
            ]
            for table in tables
        }

    assert workbook.sheetnames == ["Summary", *(table.title[:31] for table in tables), "Definitions"]
    assert "Pilots" in workbook.sheetnames
    for table in tables:
        header, *rows = _sheet(workbook, table.title[:31])
        assert header == (table.row_header or table.caption, *(column.label for column in table.columns))
        assert rows == expected[table.key], table.key
        for row, shown in zip([*table.rows, *([table.total] if table.total else [])], rows, strict=True):
            for cell, value in zip(row.cells, shown[1:], strict=True):
                if cell.numeric and not cell.hidden and cell.value is not None:
                    assert isinstance(value, int | float), (table.key, row.label)  # a number, not text
    # The data has small counts, so hidden cells were compared too, and so were shown ones.
    cells = [cell for table in tables for row in table.rows for cell in row.cells]
    assert any(cell.hidden for cell in cells)
    assert any(cell.kind == COUNT and cell.value for cell in cells)


def test_the_rows_of_each_sheet_add_up_to_its_total_row_where_nothing_is_hidden(two_pilots, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    evaluation = pilot_evaluation(pilots=two_pilots)

    with translation.override("en"):
        workbook = _workbook(evaluation_xlsx(evaluation))
        tables = [table for table in _tables(evaluation_document(evaluation, with_charts=False)) if table.total]

    assert {table.key for table in tables} >= {"outflow_by_kind", "dropout_by_reason", "employers", "cohorts", "pilots"}
    checked = {}
    for table in tables:
        _header, *rows, total = _sheet(workbook, table.title[:31])
        assert total[0] == table.total.label
        for index, column in enumerate(table.columns, start=1):
            # Counts add up; rates, targets and dates do not.
            if column.kind not in (COUNT, PLACES) or not isinstance(total[index], int):
                continue
            values = [row[index] for row in rows]
            if HIDDEN_MARK in values or any(value is None for value in values):
                continue
            assert sum(values) == total[index], (table.key, column.label)
            checked[table.key, column.label] = total[index]
    # Enough was added up to mean something: the cohorts' and pilots' funnels, the hosts' places and placements.
    assert checked["cohorts", "Applied"] == checked["pilots", "Applied"] == 15 + 18 + 14
    assert checked["cohorts", "Started"] == checked["pilots", "Started"] == 11 + 18 + 9
    assert checked["pilots", "Completed"] == 3 + 6
    assert checked["employers", "Places offered"] == 2 + 8 + 5
    assert checked["employers", "Placed"] == 6 + 5
    # A column with a hidden cell is not added up: the three to a job elsewhere are hidden, and so, lest 9 - 6 give
    # them away, are the six contracts at the host, in the outcomes and at the host employer alike.
    assert ("outflow_by_kind", "Number") not in checked
    assert ("employers", "Contracts") not in checked
    assert ("cohorts", "Completed") not in checked  # the first cohort's 3; the second's 6 with it, lest 9 - 6 tell


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
    funnel = [row[1] for row in _sheet(workbook, workbook.sheetnames[FUNNEL])[1:]]
    assert funnel == [15, 11, 0, 11, 0, 0, 11, "x", "x", 6, "x"]


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

    assert _sheet(workbook, workbook.sheetnames[FUNNEL])[1][1] == 7
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
        assert rows[0] == [gettext("Stage"), gettext("Number"), gettext("Rate"), gettext("Of")]
        labels = ["    " * LEVELS.get(key, 0) + str(STAGE_LABELS[key]) for key in STAGES]
        applied, screened, selected, started = (
            str(STAGE_LABELS[key]).lower() for key in ("applied", "screened", "selected", "started")
        )
    assert [row[0] for row in rows[1:]] == labels
    # The same numbers as the funnel sheet, rates the Dutch way; each stage names the stage its rate is taken over.
    assert [row[1:] for row in rows[1:]] == [
        ["15", "", ""],
        ["11", "73,3", applied],
        ["0", "0,0", screened],
        ["11", "100,0", screened],
        ["0", "0,0", selected],
        ["0", "0,0", selected],
        ["11", "100,0", selected],
        ["x", "", started],
        ["x", "", started],
        ["6", "54,5", started],
        ["x", "", started],
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
