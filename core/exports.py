"""Tabular downloads (CSV and XLSX) with spreadsheet formula injection neutralised.

A cell that starts with =, +, -, @, a tab or a carriage return is read as a formula by
spreadsheet programs; such text gets a leading apostrophe so it shows as typed.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")

Cell = str | int | float | Decimal | date | datetime | bool | None


def neutralise(value: Cell) -> Cell:
    """Return the value safe for a spreadsheet: text that could run as a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _plain(value: Cell) -> Cell:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> HttpResponse:
    """A CSV download with a semicolon separator and a BOM, as Dutch Excel expects."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([neutralise(str(cell)) for cell in header])
    for row in rows:
        # Only text is neutralised: a negative number formatted as "-1,5" is a number, not a formula.
        writer.writerow(["" if cell is None else _format_csv(neutralise(cell)) for cell in row])
    return response


def _format_csv(value: Cell) -> Cell:
    value = _plain(value)
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    return value


def _xlsx_value(value: Cell) -> Cell:
    value = _plain(value)
    if isinstance(value, str):
        # The format refuses control characters (a line break pasted from Word is one); they go first,
        # so that what is left is what gets neutralised.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return neutralise(value)


def xlsx_bytes(*, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]]) -> bytes:
    """An XLSX workbook with one sheet per (title, header, rows); every text cell neutralised."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=INVALID_TITLE_REGEX.sub("-", title)[:31])
        sheet.append([_xlsx_value(str(cell)) for cell in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(str(cell)) for cell in header]
        for row in rows:
            values = [_xlsx_value(cell) for cell in row]
            sheet.append(values)
            for index, value in enumerate(values):
                widths[index] = max(widths[index], min(len(str(value or "")), 60))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width + 2
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, datetime):
                    cell.number_format = "DD-MM-YYYY HH:MM"
                elif isinstance(cell.value, date):
                    cell.number_format = "DD-MM-YYYY"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(*, filename: str, sheets) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(sheets=sheets),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
