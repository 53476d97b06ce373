"""The rows of the weekly attendance grid (templates/pilots/attendance.html), written in Python.

A page of the grid has a <select> for every day of every candidate on it; written by the template, node by node,
the rows took most of the time of the page. `{% attendance_rows rows threshold %}` writes the same <tr> elements at
once, every value escaped (core.rows.text), from the rows the view prepares (candidates.views.track.attendance):
the cells' names, values, choices and hidden labels are the view's, so that the page posts what
candidates.attendance_grid reads.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.rows import pk_url, safe_join, text

register = template.Library()


def _options(choices: Sequence[tuple[str, Any]], value: str) -> str:
    """A cell's <option> elements: none chosen yet ("–"), then the statuses it may be given, `value` selected."""
    options = [f'<option value=""{"" if value else " selected"}>–</option>']
    options += [
        f'<option value="{text(choice)}"{" selected" if choice == value else ""}>{text(label)}</option>'
        for choice, label in choices
    ]
    return "".join(options)


def _cell(item: dict[str, Any], options: dict[tuple[int, str], str], off_track: str) -> str:
    cell = item["cell"]
    session = cell.session
    key = session.pk if session.pk else f"{session.date.isoformat()}-{text(session.kind)}"
    if not cell.on_track:
        return f'<td class="attendance-cell" data-session="{key}">{off_track}</td>'
    value = item["value"]
    # The same few choices and values recur in every row: their options are written once.
    choices_key = (id(item["choices"]), value)
    if choices_key not in options:
        options[choices_key] = _options(item["choices"], value)
    name = text(item["name"])
    return (
        f'<td class="attendance-cell" data-session="{key}">'
        f'<label class="visually-hidden" for="{name}">{text(item["label"])}</label>'
        f'<select class="form-select form-select-sm attendance-select" id="{name}" name="{name}" '
        f'data-status="{text(value)}">{options[choices_key]}</select></td>'
    )


@register.simple_tag
def attendance_rows(rows: Iterable[dict[str, Any]], threshold: int) -> SafeString:
    """The grid's rows: the candidate, a cell per day of the week, the attendance over the track (flagged below the
    threshold) and the button that marks the rest of the row present."""
    off_track = (
        '<span aria-hidden="true">–</span>'
        f'<span class="visually-hidden">{text(_("Not on the track on this day"))}</span>'
    )
    nothing_yet = f'<span title="{text(_("Nothing recorded yet"))}">–</span>'
    # As {% blocktranslate %} does: the translation as it is, the number in it localized and escaped.
    below_threshold = _("below %(threshold)s%%") % {"threshold": text(localize(threshold))}
    below = (
        ' <span class="badge text-bg-warning ms-1 below-threshold"><i class="bi bi-exclamation-triangle" '
        f'aria-hidden="true"></i> {below_threshold}</span>'
    )
    below_class = ' class="is-below-threshold"'
    rest_present = text(_("Rest present"))
    candidate_url = pk_url("candidates:candidate-detail")
    options: dict[tuple[int, str], str] = {}
    html = []
    for row in rows:
        enrolment = row["enrolment"]
        name = text(enrolment.candidate.full_name)
        percentage = row["rate"].percentage
        cells = "".join(_cell(item, options, off_track) for item in row["cells"])
        html.append(
            f'<tr data-enrolment="{enrolment.pk}"{below_class if row["is_below"] else ""}>'
            f'<th scope="row" class="fw-normal text-nowrap"><a href="{candidate_url(enrolment.candidate_id)}">{name}'
            f"</a></th>{cells}"
            f'<td class="text-end tabular-nums text-nowrap attendance-rate" data-testid="rate-{enrolment.pk}">'
            f"{nothing_yet if percentage is None else text(localize(percentage)) + '%'}"
            f"{below if row['is_below'] else ''}</td>"
            '<td class="text-end"><button type="submit" class="btn btn-outline-success btn-sm text-nowrap" '
            f'name="row" value="{enrolment.pk}"><i class="bi bi-check2-all" aria-hidden="true"></i> {rest_present}'
            f'<span class="visually-hidden">: {name}</span></button></td></tr>'
        )
    return safe_join(html)
