"""The evaluation as an XLSX workbook (a sheet per table of the evaluation document) and the funnel as CSV.

Both write the same evaluation document (reports.document) the dashboard and the PDF render, so a spreadsheet
shows the same numbers as the report. A hidden count is written as "x", never as the number, and a rate made
from it is left empty. The figures are passed through public_figures first: that changes nothing in figures that
are already public, and keeps raw small counts out of a download passed raw by mistake.
"""

from collections.abc import Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import Cell as SheetCell
from core.exports import csv_response, xlsx_bytes, xlsx_response

from .document import COUNT, STATUS, Cell, Document, Row, Table, evaluation_document, format_value
from .figures import HIDDEN_MARK, Evaluation, public_figures

Sheet = tuple[str, Sequence[str], list[Sequence[SheetCell]]]


def _value(cell: Cell) -> SheetCell:
    """The cell as a spreadsheet value: numbers stay numbers so that they can be added up; "x" where hidden, and a
    target status in words."""
    if cell.kind == COUNT and cell.value is None:
        return HIDDEN_MARK
    if cell.kind == STATUS and cell.value is not None:
        return format_value(cell.value, cell.kind)
    return cell.value


def _rows(table: Table) -> list[Sequence[SheetCell]]:
    rows: list[Row] = [*table.rows, *([table.total] if table.total else [])]
    return [
        ("    " * row.level + row.label + (f" ({row.note})" if row.note else ""), *(_value(cell) for cell in row.cells))
        for row in rows
    ]


def _header(table: Table) -> tuple[str, ...]:
    return (table.row_header or table.caption, *(column.label for column in table.columns))


def document_sheets(document: Document) -> list[Sheet]:
    """A sheet with the summary, one per table of the document in its order, and one with the definitions."""
    facts: list[Sequence[SheetCell]] = [
        (_("Pilots"), ", ".join(document.pilot_names)),
        (_("Regions"), ", ".join(document.region_names)),
        (_("Partners"), ", ".join(document.partner_names)),
        (_("Period"), document.period),
        (_("Cohorts"), ", ".join(document.cohort_names)),
        (_("Made on"), timezone.localdate()),
    ]
    sheets: list[Sheet] = [
        (
            _("Summary"),
            (_("Evaluation report"), ""),
            [*facts, *((_("Summary"), sentence) for sentence in document.summary)],
        )
    ]
    for section in document.sections:
        for table in section.tables:
            sheets.append((table.title, _header(table), _rows(table)))
        if section.items:
            sheets.append((section.title, (section.title,), [(item,) for item in section.items]))
    return sheets


def evaluation_sheets(evaluation: Evaluation) -> list[Sheet]:
    """The evaluation's document as (sheet name, header, rows), in the order of the dashboard and the PDF."""
    return document_sheets(evaluation_document(public_figures(evaluation), with_charts=False))


def evaluation_xlsx(evaluation: Evaluation) -> bytes:
    """The evaluation as an XLSX workbook, one sheet per table."""
    return xlsx_bytes(sheets=evaluation_sheets(evaluation))


def funnel_csv_response(evaluation: Evaluation, filename: str, *, request=None) -> HttpResponse:
    """The funnel of the evaluation as a CSV download, as its table in the report; recorded when given a request."""
    funnel = evaluation_document(public_figures(evaluation), with_charts=False).section("funnel").tables[0]
    return csv_response(filename=filename, header=_header(funnel), rows=_rows(funnel), request=request)


def evaluation_xlsx_response(evaluation: Evaluation, filename: str, *, request=None) -> HttpResponse:
    """The evaluation as an XLSX download, one sheet per table; recorded when given a request."""
    return xlsx_response(filename=filename, sheets=evaluation_sheets(evaluation), request=request)
