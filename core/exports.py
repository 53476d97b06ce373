"""Tabular downloads (CSV and XLSX) with spreadsheet formula injection neutralised.

A CSV cell that starts with =, +, -, @, a tab or a line break is read as a formula by spreadsheet
programs; such text gets a leading apostrophe. An XLSX file says of each cell what it holds: text is
written as a text cell, which a spreadsheet shows as typed and never runs, so it needs no apostrophe
(one would show in the cell: '+32 470 12 34 56).

Given the request, a download of data is recorded in the audit trail (who, when, which file and
how many rows); a view that exports data passes it.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX
from openpyxl.worksheet.worksheet import Worksheet

from .audit import AuditAction, record_event

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")

Cell = str | int | float | Decimal | date | datetime | bool | None


def neutralise(value: Cell) -> Cell:
    """Return the value safe for a CSV cell: text that could run as a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _plain(value: Cell) -> Cell:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


class _Counted:
    """Rows passed through unchanged, counted on the way for the audit trail."""

    def __init__(self, rows: Iterable[Sequence[Cell]]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def _record_export(request: HttpRequest | None, filename: str, count: int) -> None:
    if request is None:
        return
    record_event(action=AuditAction.EXPORT, request=request, detail=f"{filename}, {count} rows")


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]], request: HttpRequest | None = None
) -> HttpResponse:
    """A CSV download with a semicolon separator and a BOM, as Dutch Excel expects."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([neutralise(str(cell)) for cell in header])
    counted = _Counted(rows)
    for row in counted:
        # Only text is neutralised: a negative number formatted as "-1,5" is a number, not a formula.
        writer.writerow(["" if cell is None else _format_csv(neutralise(cell)) for cell in row])
    _record_export(request, filename, counted.count)
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
        # The format refuses control characters (a vertical tab pasted from Word is one).
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _append_row(sheet: Worksheet, values: list[Cell]) -> None:
    """Add the values as the next row: text as text cells, other values as they are (numbers stay numbers)."""
    sheet.append(values)
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            # openpyxl takes text that starts with "=" for a formula; a text cell is never run.
            sheet.cell(row=row, column=column).data_type = "s"


def xlsx_bytes(*, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]]) -> bytes:
    """An XLSX workbook with one sheet per (title, header, rows); all text in text cells, never a formula."""
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet a new workbook starts with
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=INVALID_TITLE_REGEX.sub("-", title)[:31])
        _append_row(sheet, [_xlsx_value(str(cell)) for cell in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(str(cell)) for cell in header]
        for row in rows:
            values = [_xlsx_value(cell) for cell in row]
            _append_row(sheet, values)
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


def xlsx_response(*, filename: str, sheets, request: HttpRequest | None = None) -> HttpResponse:
    counted = [(title, header, _Counted(rows)) for title, header, rows in sheets]
    response = HttpResponse(
        xlsx_bytes(sheets=counted),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    _record_export(request, filename, sum(rows.count for _title, _header, rows in counted))
    return response
