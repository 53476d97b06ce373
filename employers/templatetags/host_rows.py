"""The rows of the employer's start page lists (employers.selectors.HostPlacementRow), written in Python.

Written by the template, node by node, three pages of rows took a good part of the time of the page; these tags
write the same elements at once, every value escaped (core.rows.text) and every translation the template used
(a {% translate %} escaped as it escapes it; a {% blocktranslate %} as it is, with its values escaped).
"""

from collections.abc import Iterable

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.rows import number, pk_url, safe_join, text
from employers.selectors import HostPlacementRow

register = template.Library()


def _days_a_week(days: int) -> str:
    return ngettext("%(days)s day a week", "%(days)s days a week", days) % {"days": number(days)}


@register.simple_tag
def proposal_rows(rows: Iterable[HostPlacementRow]) -> SafeString:
    """The proposals waiting for the host's answer: who, where and when, how long it waits, and the answer link."""
    detail_url = pk_url("employers:placement-detail")
    answer = text(_("Answer"))
    proposed_today = text(_("Proposed today"))
    html = []
    for row in rows:
        name = text(row.candidate_name)
        where = f"{text(row.pilot_name)} · {text(row.cohort_name)}"
        if row.location:
            where += f" · {text(row.location)}"
        if row.days_per_week:
            where += f" · {_days_a_week(row.days_per_week)}"
        if row.start_date:
            where += " · " + _("from %(start)s") % {"start": text(date_filter(row.start_date, "DATE_FORMAT"))}
        if row.days_waiting:
            waiting = ngettext("Waiting %(days)s day", "Waiting %(days)s days", row.days_waiting) % {
                "days": number(row.days_waiting)
            }
        else:
            waiting = proposed_today
        html.append(
            '<li class="list-group-item d-flex flex-wrap justify-content-between align-items-center gap-3 py-3">'
            f'<div><strong class="fs-5">{name}</strong><div class="small text-body-secondary">{where}</div>'
            f'<div class="small fw-semibold"><i class="bi bi-hourglass-split" aria-hidden="true"></i> {waiting}</div>'
            f'</div><a class="btn btn-primary btn-lg" href="{detail_url(row.pk)}"><i class="bi bi-reply" '
            f'aria-hidden="true"></i> {answer}<span class="visually-hidden"> – {name}</span></a></li>'
        )
    return safe_join(html)


@register.simple_tag
def intern_rows(rows: Iterable[HostPlacementRow]) -> SafeString:
    """The current interns' table rows: who, their days, the period and whether they started."""
    detail_url = pk_url("employers:placement-detail")
    not_started = text(_("Not started yet"))
    html = []
    for row in rows:
        where = text(row.cohort_name) + (f" · {text(row.location)}" if row.location else "")
        days = _days_a_week(row.days_per_week) if row.days_per_week else "–"
        if row.weekdays:
            days += f'<br><span class="small text-body-secondary">{", ".join(text(day) for day in row.weekdays)}</span>'
        start = text(date_filter(row.start_date, "SHORT_DATE_FORMAT") or "?")
        end = text(date_filter(row.end_date, "SHORT_DATE_FORMAT") or "?")
        if row.awaiting_start:
            badge = f'<span class="badge rounded-pill status-badge status-recruitment">{not_started}</span>'
        else:
            badge = f'<span class="badge rounded-pill status-badge status-running">{text(row.status_label)}</span>'
        html.append(
            f'<tr><td><a href="{detail_url(row.pk)}">{text(row.candidate_name)}</a><br>'
            f'<span class="small text-body-secondary">{where}</span></td><td>{days}</td>'
            f'<td class="text-nowrap">{start} – {end}</td><td>{badge}</td></tr>'
        )
    return safe_join(html)


@register.simple_tag
def contract_prospect_rows(rows: Iterable[HostPlacementRow]) -> SafeString:
    """The interns the host may record a contract offer for, with the link that records one."""
    offer_url = pk_url("employers:contract-offer-create")
    record = text(_("Record an offer"))
    html = []
    for row in rows:
        name = text(row.candidate_name)
        if row.ended_on:
            state = _("ended on %(day)s") % {"day": text(date_filter(row.ended_on, "DATE_FORMAT"))}
        else:
            state = text(row.status_label)
        html.append(
            '<li class="list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2">'
            f'<div><strong>{name}</strong><div class="small text-body-secondary">{text(row.cohort_name)} · {state}'
            f'</div></div><a class="btn btn-outline-primary" href="{offer_url(row.enrolment_id)}">'
            '<i class="bi bi-file-earmark-plus" aria-hidden="true"></i> '
            f'{record}<span class="visually-hidden"> – {name}</span></a></li>'
        )
    return safe_join(html)
