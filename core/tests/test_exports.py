import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.exports import csv_response, neutralise, xlsx_bytes, xlsx_response

BOM = "\ufeff"
# 12:00 UTC is 13:00 in Amsterdam in winter.
NOON_UTC = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        '=HYPERLINK("http://example.org","klik")',
        "+31 6 12345678",
        "-5",
        "-",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\tgewone tekst",
        "\r=1+1",
        "\n=1+1",
    ],
)
def test_neutralise_quotes_text_a_spreadsheet_would_read_as_a_formula(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [
        "Jan Jansen",
        "",
        "jan@example.org",
        "06 12345678",
        " =1+1",
        "'=1+1",
        "1+1=2",
        5,
        -5,
        -1.5,
        Decimal("-2.50"),
        0,
        True,
        None,
        datetime.date(1988, 3, 14),
        NOON_UTC,
    ],
)
def test_neutralise_leaves_numbers_dates_and_ordinary_text_alone(value):
    assert neutralise(value) == value
    assert type(neutralise(value)) is type(value)


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM), newline=""), delimiter=";"))


def test_csv_response_is_a_download_for_dutch_excel():
    response = csv_response(filename="kandidaten.csv", header=["Naam"], rows=[["Jan"]])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="kandidaten.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8") == BOM + "Naam\r\nJan\r\n"


def test_csv_response_separates_cells_with_semicolons_and_quotes_where_needed():
    response = csv_response(
        filename="x.csv",
        header=["Naam", "Plaats"],
        rows=[["Jan", "Wijk bij Duurstede; centrum"], ["Piet", 'De "Bult"']],
    )

    assert response.content.decode("utf-8").splitlines()[0] == BOM + "Naam;Plaats"
    assert csv_rows(response) == [
        ["Naam", "Plaats"],
        ["Jan", "Wijk bij Duurstede; centrum"],
        ["Piet", 'De "Bult"'],
    ]


def test_csv_response_writes_dates_numbers_and_booleans_the_dutch_way():
    response = csv_response(
        filename="x.csv",
        header=["datum", "tijd", "getal", "decimaal", "negatief", "ja", "nee", "leeg", "geheel"],
        rows=[[datetime.date(1988, 3, 14), NOON_UTC, 1.5, Decimal("2.50"), -0.25, True, False, None, -5]],
    )

    assert csv_rows(response)[1] == ["14-03-1988", "01-03-2026 13:00", "1,5", "2,50", "-0,25", "ja", "nee", "", "-5"]


def test_csv_response_neutralises_text_cells_and_the_header():
    response = csv_response(
        filename="x.csv",
        header=["=kop", "Notitie"],
        rows=[["=1+1", "+31 6 12345678"], ["@SUM(A1)", "-5"], ["\t=cmd", "gewoon"]],
    )

    assert csv_rows(response) == [
        ["'=kop", "Notitie"],
        ["'=1+1", "'+31 6 12345678"],
        ["'@SUM(A1)", "'-5"],
        ["'\t=cmd", "gewoon"],
    ]


def test_csv_response_accepts_rows_from_a_generator():
    response = csv_response(filename="x.csv", header=["n"], rows=([n] for n in range(3)))

    assert csv_rows(response) == [["n"], ["0"], ["1"], ["2"]]


def read_workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def test_xlsx_bytes_makes_one_sheet_per_title_with_a_bold_frozen_header():
    content = xlsx_bytes(
        sheets=[
            ("Kandidaten", ["Naam", "Geboortedatum"], [["Jan", datetime.date(1988, 3, 14)]]),
            ("Cohorten", ["Cohort"], [["Najaar 2026"]]),
        ]
    )

    workbook = read_workbook(content)
    assert workbook.sheetnames == ["Kandidaten", "Cohorten"]
    sheet = workbook["Kandidaten"]
    assert [cell.value for cell in sheet[1]] == ["Naam", "Geboortedatum"]
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"


def test_xlsx_bytes_stores_formula_like_text_as_the_exact_text_in_text_cells():
    content = xlsx_bytes(
        sheets=[
            (
                "Export",
                ["=kop", "b", "c", "d"],
                [["=1+1", "+31 6 12345678", "@SUM(A1:A2)", "-5"], ['=HYPERLINK("http://x","y")', "\t=1", "Jan", "x"]],
            )
        ]
    )

    sheet = read_workbook(content)["Export"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["=kop", "b", "c", "d"],
        ["=1+1", "+31 6 12345678", "@SUM(A1:A2)", "-5"],
        ['=HYPERLINK("http://x","y")', "\t=1", "Jan", "x"],
    ]
    assert {cell.data_type for cell in cells} == {"s"}


def test_xlsx_bytes_keeps_numbers_as_numbers_and_dates_as_dates():
    content = xlsx_bytes(
        sheets=[
            (
                "Export",
                ["datum", "moment", "getal", "negatief", "decimaal", "leeg"],
                [[datetime.date(1988, 3, 14), NOON_UTC, 12, -5, Decimal("2.5"), None]],
            )
        ]
    )

    sheet = read_workbook(content)["Export"]
    born, moment, number, negative, decimal, empty = sheet[2]
    assert born.is_date
    assert born.value == datetime.datetime(1988, 3, 14, 0, 0)
    assert born.number_format == "DD-MM-YYYY"
    assert moment.is_date
    assert moment.value == datetime.datetime(2026, 3, 1, 13, 0)  # local time: a workbook knows no time zones
    assert moment.number_format == "DD-MM-YYYY HH:MM"
    assert (number.value, number.data_type) == (12, "n")
    assert (negative.value, negative.data_type) == (-5, "n")
    assert (decimal.value, decimal.data_type) == (2.5, "n")
    assert empty.value is None


def test_xlsx_bytes_drops_control_characters_the_format_forbids():
    content = xlsx_bytes(sheets=[("Notities", ["Notitie"], [["regel een\x0bregel twee"], ["\x01=1+1"], ["a\tb\nc"]])])

    sheet = read_workbook(content)["Notities"]
    assert [sheet["A2"].value, sheet["A3"].value, sheet["A4"].value] == ["regel eenregel twee", "=1+1", "a\tb\nc"]
    assert sheet["A3"].data_type == "s"


def test_xlsx_bytes_makes_any_title_a_valid_sheet_name():
    content = xlsx_bytes(
        sheets=[
            ("Cohort 2026/1: [najaar]?", ["a"], []),
            ("Een heel lange titel van meer dan eenendertig tekens", ["a"], []),
        ]
    )

    assert read_workbook(content).sheetnames == ["Cohort 2026-1- -najaar--", "Een heel lange titel van meer d"]


def test_xlsx_bytes_widens_columns_to_their_content():
    content = xlsx_bytes(sheets=[("Export", ["a", "b"], [["Jan", "x" * 100]])])

    sheet = read_workbook(content)["Export"]
    assert sheet.column_dimensions["A"].width == len("Jan") + 2
    assert sheet.column_dimensions["B"].width == 60 + 2


def test_xlsx_response_is_a_workbook_download():
    response = xlsx_response(filename="kandidaten.xlsx", sheets=[("Export", ["Naam"], [["=1+1"]])])

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="kandidaten.xlsx"'
    cell = read_workbook(response.content)["Export"]["A2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


@pytest.mark.parametrize("text", ["=SUM(A1)", "+31 6 12345678", "-5", "@SUM(A1)"])
def test_formula_like_text_is_a_text_cell_in_xlsx_and_quoted_in_csv(text):
    rows = [["Jan", text]]

    xlsx = xlsx_bytes(sheets=[("Export", ["Naam", "Waarde"], rows)])
    csv_text = csv_response(filename="x.csv", header=["Naam", "Waarde"], rows=rows)

    cell = read_workbook(xlsx)["Export"]["B2"]
    assert (cell.value, cell.data_type) == (text, "s")
    sheet_xml = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    assert csv_rows(csv_text)[1] == ["Jan", "'" + text]
