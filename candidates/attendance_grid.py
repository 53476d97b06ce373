"""How the weekly attendance grid names its cells, so the page, the posted form and the service that saves it
(progress.attendance_grid_save) agree.

The whole grid posts as one form: one <select> per cell, named after the session and the enrolment. A cell of a
day of the rhythm that has no session yet is named after the day and kind instead; saving the grid creates the
session and renames the cell.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from core.fields import id_from
from core.statemachine import TransitionNotAllowed

from .models import AttendanceSession, AttendanceStatus
from .progress_selectors import AttendanceCell

MARK_FIELD = "mark_{session}_{enrolment}"
_MARK_FIELD = re.compile(r"^mark_(\d+)_(\d+)$")
# "mark_2026-11-16-internship_<enrolment id>": a day and kind of the rhythm without a session yet.
_DAY_MARK_FIELD = "mark_{day}-{kind}_{enrolment}"
_DAY_MARK = re.compile(r"^mark_([0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z]+)_([0-9]+)$")
# The button that marks the rest of a candidate's row present posts the enrolment's id under this name.
ROW_FIELD = "row"

# The key that chooses each attendance on a focused list of the grid, in the reader's language: a letter of the
# status's name there, so that a Dutch trainer's "a" marks aanwezig and an English trainer's "p" present. The
# translation picks the letter with the name; the page shows them in a legend and static/js/attendance.js reads them
# from it.
_SHORTCUT_LETTERS = {
    AttendanceStatus.PRESENT: pgettext_lazy("attendance key: present", "p"),
    AttendanceStatus.ABSENT_WITH_NOTICE: pgettext_lazy("attendance key: absent with notice", "a"),
    AttendanceStatus.ABSENT_WITHOUT_NOTICE: pgettext_lazy("attendance key: absent without notice", "o"),
    AttendanceStatus.SICK: pgettext_lazy("attendance key: sick", "s"),
}


@dataclass(frozen=True)
class ShortcutKey:
    key: str
    status: str
    label: str


def shortcut_keys() -> list[ShortcutKey]:
    """The grid's keys in the active language, one per attendance status, in the order of the statuses."""
    return [
        ShortcutKey(key=str(_SHORTCUT_LETTERS[status]).lower(), status=status.value, label=str(status.label))
        for status in AttendanceStatus
    ]


def mark_field_name(session_id: int, enrolment_id: int) -> str:
    return MARK_FIELD.format(session=session_id, enrolment=enrolment_id)


def cell_field_name(cell: AttendanceCell) -> str:
    if cell.session.pk is None:
        return _DAY_MARK_FIELD.format(
            day=cell.session.date.isoformat(), kind=cell.session.kind, enrolment=cell.enrolment.pk
        )
    return mark_field_name(cell.session.pk, cell.enrolment.pk)


def _day_key(session: AttendanceSession) -> str:
    return f"{session.date.isoformat()}-{session.kind}"


def with_session_ids(cells: Mapping[str, str], sessions: Iterable[AttendanceSession]) -> dict[str, str]:
    """The posted cells, with each cell named after a day and kind renamed to the session of that day and kind.

    A day without such a session (it left the rhythm in the meantime) refuses the grid, as a vanished session does.
    """
    by_day = {_day_key(session): session.pk for session in sessions if session.cohort_module_id is None}
    renamed = {name: cells.get(name, "") for name in cells if _DAY_MARK.match(name) is None}
    for name in cells:
        match = _DAY_MARK.match(name)
        if match is None:
            continue
        if match[1] not in by_day:
            raise TransitionNotAllowed(_("The attendance list has changed in the meantime; open the week again."))
        enrolment_id = id_from(match[2])
        if enrolment_id is None:
            raise TransitionNotAllowed(_("The attendance list has changed in the meantime; open the week again."))
        renamed[mark_field_name(by_day[match[1]], enrolment_id)] = cells.get(name, "")
    return renamed


def attendance_marks_from(cells: Mapping[str, str]) -> dict[tuple[int, int], str]:
    """The grid's cells as attendance_mark_week takes them: (session id, enrolment id) to a status or "".

    Every cell that was posted is returned, also one the page did not show: the service refuses a cell of
    another cohort or week instead of this quietly dropping it. An unknown status is refused here.
    """
    marks: dict[tuple[int, int], str] = {}
    for name in cells:
        match = _MARK_FIELD.match(name)
        if match is None:
            continue
        status = cells.get(name, "")
        if status and status not in AttendanceStatus.values:
            raise TransitionNotAllowed(_("Choose present, absent with notice, absent without notice or sick."))
        session_id, enrolment_id = id_from(match[1]), id_from(match[2])
        if session_id is None or enrolment_id is None:
            # Beyond any id the database holds: no cell of this grid, refused as a vanished one is.
            raise TransitionNotAllowed(_("The attendance list has changed in the meantime; open the week again."))
        marks[(session_id, enrolment_id)] = status
    return marks


def posted_cells(data: Mapping[str, str]) -> dict[str, str]:
    """The grid's cells as they were filled in, by field name, to show a refused grid again; none when one holds
    an unknown mark."""
    posted = {name: data.get(name, "") for name in data if name.startswith("mark_")}
    if any(status and status not in AttendanceStatus.values for status in posted.values()):
        return {}
    return posted


def row_enrolment_id(data: Mapping[str, str]) -> int | None:
    """The enrolment whose "mark the rest present" button was pressed, if any."""
    return id_from(data.get(ROW_FIELD, ""))
