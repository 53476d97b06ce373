"""The rows of the candidate list, written in Python.

`{% candidate_rows table %}` writes the <tr> elements of the page of a CandidateTable at once: the same cells as
its render_ methods draw (which django-tables2 would call cell by cell), without a format_html
per cell or a template node per value; every value escaped (core.rows.text).
"""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from candidates.completeness import REQUIREMENTS
from candidates.models import Candidate, EnrolmentStatus
from candidates.tables import CandidateTable, status_badge_class
from candidates.validators import age_on, format_phone
from core.rows import pk_url, safe_join, text

register = template.Library()

_COLUMNS = ("name", "age", "contact", "postcode", "cohort", "adviser", "completeness", "registered")


def _contact(candidate: Candidate) -> str:
    parts = []
    if candidate.phone:
        parts.append(
            f'<a href="tel:{text(candidate.phone.replace(" ", ""))}">{text(format_phone(candidate.phone))}</a>'
        )
    if candidate.email:
        email = text(candidate.email)
        parts.append(f'<a href="mailto:{email}">{email}</a>')
    return "<br>".join(parts) or "–"


class _Cells:
    """What the cells of one page share: the texts, the addresses and the badges, worked out once."""

    def __init__(self, table: CandidateTable) -> None:
        self.today = table.today
        # What date_format(value, "SHORT_DATE_FORMAT") looks up for every value, looked up once.
        self.short_date = get_format("SHORT_DATE_FORMAT")
        self.default = text(table.default)
        self.candidate_url = pk_url("candidates:candidate-detail")
        self.not_enrolled = f'<span class="text-body-secondary">{text(gettext("Not enrolled"))}</span>'
        self.badges = {
            status: f'<span class="badge rounded-pill status-badge {status_badge_class(status)}">{text(label)}</span>'
            for status, label in EnrolmentStatus.choices
        }
        self.completeness: dict[tuple[str, ...], str] = {}

    def name(self, candidate: Candidate) -> str:
        if candidate.last_name in (None, ""):
            return self.default
        return f'<a href="{self.candidate_url(candidate.pk)}">{text(candidate)}</a>'

    def age(self, candidate: Candidate) -> str:
        born = candidate.date_of_birth
        if born is None:
            return self.default
        return (
            f'<span class="tabular-nums">{age_on(born, self.today)}</span><br>'
            f'<span class="small text-body-secondary">{text(format_date(born, self.short_date))}</span>'
        )

    def postcode(self, candidate: Candidate) -> str:
        return self.default if candidate.postcode in (None, "") else text(candidate.postcode)

    def cohort(self, candidate: Candidate) -> str:
        status = candidate.current_status  # type: ignore[attr-defined]  # CandidateFilter.with_current_enrolments
        if not status:
            return self.not_enrolled
        badge = self.badges.get(status) or (
            f'<span class="badge rounded-pill status-badge {status_badge_class(status)}">'
            f"{text(EnrolmentStatus(status).label)}</span>"
        )
        return (
            f"{text(candidate.current_cohort_name)}<br>"  # type: ignore[attr-defined]
            f'<span class="small text-body-secondary">{text(candidate.current_pilot_name)}</span> {badge}'  # type: ignore[attr-defined]
        )

    def adviser(self, candidate: Candidate) -> str:
        return text(candidate.adviser) if candidate.adviser_id else "–"

    def completeness_cell(self, candidate: Candidate) -> str:
        missing = tuple(requirement.key for requirement in REQUIREMENTS if not requirement.is_met(candidate))
        cell = self.completeness.get(missing)
        if cell is None:
            labels = ", ".join(str(requirement.label) for requirement in REQUIREMENTS if requirement.key in missing)
            title = gettext("Missing: %(fields)s") % {"fields": labels} if missing else ""
            percentage = round(100 * (len(REQUIREMENTS) - len(missing)) / len(REQUIREMENTS))
            cell = (
                f'<span class="tabular-nums{" text-body-secondary" if missing else " fw-semibold"}" '
                f'title="{text(title)}">{percentage}%</span>'
            )
            self.completeness[missing] = cell
        return cell

    def registered(self, candidate: Candidate) -> str:
        if candidate.created_at is None:
            return self.default
        return text(format_date(timezone.localtime(candidate.created_at).date(), self.short_date))

    def row(self, candidate: Candidate) -> str:
        return (
            f"<td>{self.name(candidate)}</td><td>{self.age(candidate)}</td><td>{_contact(candidate)}</td>"
            f"<td>{self.postcode(candidate)}</td><td>{self.cohort(candidate)}</td><td>{self.adviser(candidate)}</td>"
            f"<td>{self.completeness_cell(candidate)}</td><td>{self.registered(candidate)}</td>"
        )


@register.simple_tag
def candidate_rows(table: CandidateTable) -> SafeString:
    """The page's rows, as `<tr class="even|odd"><td>…</td>…</tr>`; without rows, the one row that says so."""
    assert tuple(column.name for column in table.columns) == _COLUMNS, "the cells follow the table's columns"
    candidates = table.page.object_list.data
    if not candidates:
        return safe_join([f'<tr><td colspan="{len(_COLUMNS)}">{text(table.empty_text)}</td></tr>'])
    cells = _Cells(table)
    return safe_join(
        f'<tr class="{"odd" if number % 2 else "even"}">{cells.row(candidate)}</tr>'
        for number, candidate in enumerate(candidates)
    )
