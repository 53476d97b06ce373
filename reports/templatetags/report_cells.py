"""The cells of the evaluation document's tables on a page of the portal, written in Python.

A table of the dashboard has a cell for every figure of every cohort; written by a template include per cell, they
took most of the time of the page. `{{ table.rows|figure_rows }}` writes a table's body rows at once, each with its
label as the row's heading, and `{{ row.cells|figure_cells }}` a row's cells, as the <td> elements the page shows: a
hidden count as "x", read out as "hidden", a rate that cannot be shown as "–", a target status with its icon. The PDF
writes its cells itself (templates/reports/pdf/partials.html).
"""

from collections.abc import Iterable

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports.document import COUNT, DATE, DAYS, PLACES, RATE, STATUS, TARGET, Cell, Row
from reports.figures import TargetStatus

register = template.Library()

NUMERIC_CLASS = "text-end tabular-nums"


# Per target status: the class of its text and its icon, beside its label (TargetStatus).
_STATUS_LOOKS = {
    TargetStatus.MET: ("text-success", "bi-check-circle-fill"),
    TargetStatus.CLOSE: ("text-warning-emphasis", "bi-dash-circle-fill"),
    TargetStatus.NOT_MET: ("text-danger", "bi-x-circle-fill"),
}


def _status(status: str) -> str:
    text: object
    if status in TargetStatus.values:
        colour, icon = _STATUS_LOOKS[TargetStatus(status)]
        text = TargetStatus(status).label
    else:
        colour, icon, text = "text-body-secondary", "bi-question-circle", _("Not known")
    return f'<span class="{colour}"><i class="bi {icon}" aria-hidden="true"></i> {conditional_escape(text)}</span>'


def _small_whole_number(value: object) -> bool:
    """Written the same in every language: no thousands to separate, no decimals."""
    return type(value) is int and 0 <= value < 1000


def cell_html(cell: Cell) -> str:
    """One cell's content as HTML, every value escaped."""
    value, kind = cell.value, cell.kind
    if kind in (COUNT, PLACES) and _small_whole_number(value):
        # Most counts of a table: intcomma would localise them to the same digits, at many times the cost.
        return str(value)
    if kind == COUNT:
        if value is None:
            return (
                '<span class="text-body-secondary" aria-hidden="true">x</span>'
                f'<span class="visually-hidden">{conditional_escape(_("hidden"))}</span>'
            )
        return conditional_escape(intcomma(value))
    if value is None:
        return '<span class="text-body-secondary">–</span>'
    if kind == PLACES:
        return conditional_escape(intcomma(value))
    if kind == RATE:
        return conditional_escape(floatformat(value, 1)) + "%"
    if kind == DAYS:
        return conditional_escape(floatformat(value))
    if kind == TARGET:
        return f"{conditional_escape(value)}%"
    if kind == STATUS:
        return _status(value)
    if kind == DATE:
        return conditional_escape(date_filter(value, "SHORT_DATE_FORMAT"))
    return conditional_escape(value)


@register.filter
def figure_cells(cells: Iterable[Cell]) -> SafeString:
    """A row's cells as <td> elements, numbers aligned to the right."""
    return mark_safe(  # noqa: S308 - cell_html escapes every value
        "".join(f'<td class="{NUMERIC_CLASS if cell.numeric else ""}">{cell_html(cell)}</td>' for cell in cells)
    )


def _row_html(row: Row) -> SafeString:
    indent = " ps-4" if row.level == 1 else " ps-5" if row.level > 1 else ""
    note = format_html('<span class="d-block small text-body-secondary">{}</span>', row.note) if row.note else ""
    return format_html(
        '<tr><th scope="row" class="fw-normal{}">{}{}</th>{}</tr>', indent, row.label, note, figure_cells(row.cells)
    )


@register.filter
def figure_rows(rows: Iterable[Row]) -> SafeString:
    """A table's body rows as <tr> elements: the row's label (and its note under it, a part indented under the row
    above it) as the row's heading, then its cells."""
    return format_html_join("", "{}", ((_row_html(row),) for row in rows))
