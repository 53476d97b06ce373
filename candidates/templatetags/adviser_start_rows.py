"""The rows of the lists of the adviser's start page (start.views.adviser_start), written in Python.

The page shows up to twenty rows in each of eight lists; written by the template, node by node, the rows took most
of the time of its rendering. Each tag writes the same <tr> elements at once, every value escaped (core.rows.text),
each kind of link reversed once (core.rows.pk_url). Dates and times are shown in local time, as the template's
date and time filters show them.
"""

import functools
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import time as time_filter
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core.rows import number, pk_url, safe_join, text

register = template.Library()


def _local(value: Any) -> Any:
    """A moment in local time, as the template's date and time filters show it; a day as it is."""
    return timezone.localtime(value) if isinstance(value, datetime) and timezone.is_aware(value) else value


def _date(value: Any, format_name: str = "DATE_FORMAT") -> str:
    """As {{ value|date:format_name }}: in local time, escaped."""
    return text(date_filter(_local(value), format_name))


@functools.lru_cache(maxsize=512)
def _days_in(language: str | None, days: int) -> str:
    # As {% blocktranslate trimmed count days=days %}{{ days }} day{% plural %}{{ days }} days{% endblocktranslate %}.
    return ngettext("%(days)s day", "%(days)s days", days) % {"days": number(days)}


def _days(days: int) -> str:
    """How long a proposal waits, in the active language; most rows wait as long as another."""
    return _days_in(get_language(), days)


def _candidate_cell(candidate_url: Callable[[int], str], candidate: Any, cohort_name: str, anchor: str = "") -> str:
    """A list's first cell: the candidate's name as a link to their page, and the cohort below."""
    return (
        f'<td><a href="{candidate_url(candidate.pk)}{anchor}">{text(candidate.full_name)}</a><br>'
        f'<span class="small text-body-secondary">{text(cohort_name)}</span></td>'
    )


@register.simple_tag
def start_appointment_rows(appointments: Iterable[tuple[Any, str | None]]) -> SafeString:
    """This week's screenings: when, the candidate and cohort, the place and the link to the calendar file."""
    candidate_url = pk_url("candidates:candidate-detail")
    add_to_calendar = text(_("Add to calendar"))
    html = []
    for appointment, ics_url in appointments:
        candidate = appointment.enrolment.candidate
        calendar = (
            f'<a class="btn btn-sm btn-outline-primary text-nowrap" href="{text(ics_url)}">'
            f'<i class="bi bi-calendar-plus" aria-hidden="true"></i> {add_to_calendar}'
            f'<span class="visually-hidden"> – {text(candidate.full_name)}</span></a>'
            if ics_url
            else ""
        )
        starts_at = _local(appointment.starts_at)
        html.append(
            f'<tr><td class="text-nowrap">{text(date_filter(starts_at, "l j F"))}<br>'
            f'<span class="tabular-nums">{text(time_filter(starts_at, "H:i"))}</span></td>'
            f"{_candidate_cell(candidate_url, candidate, appointment.enrolment.cohort.name)}"
            f"<td>{text(appointment.location)}</td>"
            f'<td class="text-end">{calendar}</td></tr>'
        )
    return safe_join(html)


@register.simple_tag
def start_waiting_rows(placements: Iterable[tuple[Any, int]]) -> SafeString:
    """The proposals waiting for the employer: the candidate, the employer and place, and how long it waits."""
    candidate_url = pk_url("candidates:candidate-detail")
    html = []
    for placement, days in placements:
        location = (
            f'<br><span class="small text-body-secondary">{text(placement.location.name)}</span>'
            if placement.location
            else ""
        )
        html.append(
            f"<tr>{_candidate_cell(candidate_url, placement.enrolment.candidate, placement.enrolment.cohort.name)}"
            f"<td>{text(placement.employer.organisation.name)}{location}</td>"
            f'<td class="text-end text-nowrap tabular-nums">{_days(days)}</td></tr>'
        )
    return safe_join(html)


@register.simple_tag
def start_declined_rows(placements: Iterable[Any]) -> SafeString:
    """The declined proposals: the candidate, the employer and when, the reason and the link to propose anew."""
    candidate_url = pk_url("candidates:candidate-detail")
    propose_url = pk_url("employers:placement-propose")
    propose_elsewhere = text(_("Propose elsewhere"))
    html = []
    for placement in placements:
        candidate = placement.enrolment.candidate
        note = (
            f'<br><span class="small text-body-secondary">{text(placement.answer_note)}</span>'
            if placement.answer_note
            else ""
        )
        html.append(
            f"<tr>{_candidate_cell(candidate_url, candidate, placement.enrolment.cohort.name)}"
            f"<td>{text(placement.employer.organisation.name)}<br>"
            f'<span class="small text-body-secondary">{_date(placement.status_changed_at)}</span></td>'
            f"<td>{text(placement.get_decline_reason_display())}{note}</td>"
            f'<td class="text-end"><a class="btn btn-sm btn-outline-primary text-nowrap" '
            f'href="{propose_url(placement.enrolment_id)}"><i class="bi bi-send" aria-hidden="true"></i> '
            f'{propose_elsewhere}<span class="visually-hidden"> – {text(candidate.full_name)}</span></a></td></tr>'
        )
    return safe_join(html)


@register.simple_tag
def start_overdue_rows(placements: Iterable[tuple[Any, int]]) -> SafeString:
    """The proposals without an answer: the candidate, the employer, how long it waits and the reminder."""
    candidate_url = pk_url("candidates:candidate-detail")
    overdue = text(_("Overdue"))
    not_sent = text(_("not sent yet"))
    html = []
    for placement, days in placements:
        reminder = (
            _("sent on %(day)s") % {"day": _date(placement.reminder_sent_at)}
            if placement.reminder_sent_at
            else not_sent
        )
        html.append(
            f"<tr>{_candidate_cell(candidate_url, placement.enrolment.candidate, placement.enrolment.cohort.name)}"
            f"<td>{text(placement.employer.organisation.name)}</td>"
            f'<td class="text-end text-nowrap"><span class="badge rounded-pill status-badge status-evaluation">'
            f'{overdue}</span><br><span class="tabular-nums">{_days(days)}</span></td>'
            f'<td class="text-nowrap">{reminder}</td></tr>'
        )
    return safe_join(html)


@register.simple_tag
def start_reserve_rows(enrolments: Iterable[Any]) -> SafeString:
    """The reserves to ask again: the candidate and their place on the list, the cohort, when last confirmed."""
    candidate_url = pk_url("candidates:candidate-detail")
    never = text(_("never"))
    html = []
    for enrolment in enrolments:
        position = (
            '<br><span class="small text-body-secondary">'
            + _("Number %(position)s on the reserve list") % {"position": number(enrolment.reserve_position)}
            + "</span>"
            if enrolment.reserve_position
            else ""
        )
        confirmed = _date(enrolment.interest_confirmed_on) if enrolment.interest_confirmed_on else never
        html.append(
            f'<tr><td><a href="{candidate_url(enrolment.candidate.pk)}">{text(enrolment.candidate.full_name)}</a>'
            f"{position}</td><td>{text(enrolment.cohort.name)}</td>"
            f'<td class="text-nowrap">{confirmed}</td></tr>'
        )
    return safe_join(html)


@register.simple_tag
def start_gap_rows(gaps: Iterable[tuple[Any, str | None]]) -> SafeString:
    """The records with gaps: the candidate, what is missing and the link to complete the record."""
    candidate_url = pk_url("candidates:candidate-detail")
    complete = text(_("Complete"))
    html = []
    for gap, edit_url in gaps:
        name = text(gap.candidate.full_name)
        edit = (
            f'<a class="btn btn-sm btn-outline-primary text-nowrap" href="{text(edit_url)}">'
            f'<i class="bi bi-pencil" aria-hidden="true"></i> {complete}'
            f'<span class="visually-hidden"> – {name}</span></a>'
            if edit_url
            else ""
        )
        html.append(
            f'<tr><td><a href="{candidate_url(gap.candidate.pk)}">{name}</a></td>'
            f"<td>{', '.join(text(requirement.label) for requirement in gap.missing)}</td>"
            f'<td class="text-end">{edit}</td></tr>'
        )
    return safe_join(html)


@register.simple_tag
def start_followup_rows(followups: Iterable[Any]) -> SafeString:
    """The follow-ups to do: the candidate, after how long, when due (marked when overdue) and the link to record
    the answer."""
    candidate_url = pk_url("candidates:candidate-detail")
    record_url = pk_url("candidates:followup-record")
    overdue = '<br><span class="badge rounded-pill status-badge status-evaluation">' + text(_("Overdue")) + "</span>"
    record_the_answer = text(_("Record the answer"))
    html = []
    for followup in followups:
        enrolment = followup.outcome.enrolment
        months = text(followup.get_months_display())
        html.append(
            f'<tr data-followup-due="{int(followup.pk)}">'
            f"{_candidate_cell(candidate_url, enrolment.candidate, enrolment.cohort.name, '#followups')}"
            f'<td class="text-nowrap">{months}</td>'
            f'<td class="text-nowrap">{_date(followup.due_on)}{overdue if followup.is_overdue else ""}</td>'
            f'<td class="text-end"><a class="btn btn-sm btn-outline-primary text-nowrap" '
            f'href="{record_url(followup.pk)}"><i class="bi bi-telephone" aria-hidden="true"></i> '
            f'{record_the_answer}<span class="visually-hidden"> – {text(enrolment.candidate.full_name)}, '
            f"{months}</span></a></td></tr>"
        )
    return safe_join(html)


@register.simple_tag
def start_attendance_flag_rows(flags: Iterable[Any]) -> SafeString:
    """The candidates with low attendance: the candidate, the attendance and the absences without notice."""
    candidate_url = pk_url("candidates:candidate-detail")
    html = []
    for flag in flags:
        enrolment, rate = flag.enrolment, flag.rate
        counts = _("%(present)s of %(marked)s") % {"present": number(rate.present), "marked": number(rate.marked)}
        html.append(
            f'<tr data-attendance-flag="{int(enrolment.pk)}">'
            f"{_candidate_cell(candidate_url, enrolment.candidate, enrolment.cohort.name)}"
            f'<td class="text-end text-nowrap tabular-nums">{number(rate.percentage)}%<br>'
            f'<span class="small text-body-secondary">{counts}</span></td>'
            f'<td class="text-end tabular-nums">{number(rate.absent_without_notice)}</td></tr>'
        )
    return safe_join(html)


@register.simple_tag
def start_certificate_rows(certificates: Iterable[Any]) -> SafeString:
    """The certificates expiring: the candidate, the certificate and its number, when it expires."""
    candidate_url = pk_url("candidates:candidate-detail")
    html = []
    for certificate in certificates:
        certificate_number = (
            f'<br><span class="small text-body-secondary">{text(certificate.number)}</span>'
            if certificate.number
            else ""
        )
        html.append(
            f"<tr>"
            f"{_candidate_cell(candidate_url, certificate.enrolment.candidate, certificate.enrolment.cohort.name)}"
            f"<td>{text(certificate.name)}{certificate_number}</td>"
            f'<td class="text-nowrap">{_date(certificate.expires_on)}</td></tr>'
        )
    return safe_join(html)
