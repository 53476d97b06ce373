"""The evaluation of every demo pilot, as a funder reads it: the dashboard, the PDF and the XLSX show the same
numbers, every table adds up, no hidden count can be worked out again, and every section has something to show.

One test over all demo pilots: loading the demo is the slow part, and it is done once.
"""

import re
from html import unescape
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from core.roles import Role
from core.tests.factories import UserFactory
from pilots.models import Pilot
from reports.disclosure import check_relations, derivable, primary
from reports.document import COUNT, PLACES, Document, evaluation_document
from reports.exports import evaluation_sheets
from reports.figures import HIDDEN_MARK, cells, hidden_cells, pilot_evaluation, public_figures, relations
from reports.pdf import report_html

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    # The dashboard reads a hidden count out as "x hidden"; on paper it is the mark alone.
    html = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", html)
    # The PDF marks a target status with a symbol as well as its words.
    html = re.sub(r'<span class="status-mark">[^<]*</span>', "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _tables(html: str) -> list[list[list[str]]]:
    """Every table of the page: its body and total rows, each a list of the cells' texts after the row label."""
    tables = []
    for table in re.findall(r"<table.*?</table>", html, re.S):
        rows = []
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
            if "<td" not in row:  # the header row
                continue
            rows.append([_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)])
        tables.append(rows)
    return tables


def _document_tables(document: Document) -> list[list[list[str]]]:
    """The document's tables as the pages write them: each row's cells as text."""
    return [
        [[cell.text() for cell in row.cells] for row in (*table.rows, *([table.total] if table.total else []))]
        for section in document.sections
        for table in section.tables
        if table.rows
    ]


def _has_content(table) -> bool:
    """A count or a number of places that is not zero: shown, or hidden because it is small (a hidden count is
    never zero: zero points at no one and is shown)."""
    return any(
        cell.kind in (COUNT, PLACES) and (cell.value or cell.hidden)
        for row in (*table.rows, *([table.total] if table.total else []))
        for cell in row.cells
    )


def test_every_demo_pilot_reports_the_same_reconciled_protected_and_filled_figures(client):
    call_command("seed_demo", stdout=StringIO())
    # A reader of every pilot, made after the demo, whose own accounts the loader resets.
    client.force_login(
        UserFactory(username="lezer-evaluatie", is_superuser=True, is_staff=True, role=Role.ADMINISTRATOR)
    )
    threshold = settings.REPORT_SMALL_COUNT_THRESHOLD

    for pilot in Pilot.objects.order_by("name"):
        # The figures carry their labels in the language they are counted in, as the report counts them.
        with translation.override(settings.LANGUAGE_CODE):
            raw = pilot_evaluation(pilots=[pilot])
        values, declared = cells(raw), relations(raw)
        # Every table's parts add up to its total, and the same figure is the same number everywhere.
        assert not check_relations(values, declared), pilot.slug
        # Nothing hidden comes back by solving the report's sums, and every small count is hidden.
        hidden = hidden_cells(raw)
        assert primary(values, threshold=threshold) <= hidden, pilot.slug
        assert not derivable(values, declared, hidden), pilot.slug

        with translation.override(settings.LANGUAGE_CODE):
            document = evaluation_document(public_figures(raw))
            expected = _document_tables(document)
            sheets = evaluation_sheets(raw)
            pdf_html = report_html(pilots=[pilot])

        # Every section of the report has something to show.
        for section in document.sections:
            if section.key == "definitions":
                assert section.items, pilot.slug
                continue
            assert any(_has_content(table) for table in section.tables), (pilot.slug, section.key)

        # The dashboard and the PDF show the document's numbers, table by table, cell by cell.
        response = client.get(reverse("reports:dashboard", args=[pilot.slug]))
        assert response.status_code == 200, (pilot.slug, response.status_code, response.get("Location"))
        dashboard = response.content.decode()
        assert _tables(dashboard) == expected, pilot.slug
        assert _tables(pdf_html) == expected, pilot.slug

        # The spreadsheet has a sheet per table with the same values, numbers as numbers and "x" where hidden.
        by_title = {title: rows for title, _header, rows in sheets}
        for section in document.sections:
            for table in section.tables:
                rows = [row[1:] for row in by_title[str(table.title)]]
                cells_of_table = [row.cells for row in (*table.rows, *([table.total] if table.total else []))]
                assert len(rows) == len(cells_of_table), (pilot.slug, table.key)
                for sheet_row, row_cells in zip(rows, cells_of_table, strict=True):
                    for value, cell in zip(sheet_row, row_cells, strict=True):
                        if cell.kind == COUNT:
                            assert value == (HIDDEN_MARK if cell.value is None else cell.value), (pilot.slug, table.key)
