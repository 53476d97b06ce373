"""The rows of the table of cohorts (templates/pilots/_cohort_table.html), written in Python.

A pilot's page lists all of its cohorts, each with its set-up links; written by the template, node by node, the
rows took most of the time of the page. `{% cohort_rows cohorts cohort_actions %}` writes the same <tr> elements at
once, every value escaped (core.rows.text). The cohorts carry the seat counts of candidates.selectors.with_seat_counts.
"""

from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.rows import pk_url, safe_join, text

register = template.Library()


def _link(look: str, url: str, label: str, hidden: str) -> str:
    return f'<a class="btn btn-sm {look}" href="{url}">{label}{hidden}</a>'


@register.simple_tag
def cohort_rows(cohorts: Iterable[Any], cohort_actions: bool = False) -> SafeString:
    """The cohorts' rows: name (and closed), pilot, period, enrolled, seats taken, and with `cohort_actions` the
    set-up links: change and close while the cohort is open, copy as the next round always. The cohorts are those
    of candidates.selectors.with_seat_counts (their `enrolment_count` and `selected_count`)."""
    closed = f' <span class="badge rounded-pill text-bg-light border">{text(_("Closed"))}</span>'
    change, copy, close = text(_("Change")), text(_("Copy as the next round")), text(pgettext("cohort", "Close"))
    taken_of = _("%(taken)s of %(seats)s")
    detail_url = pk_url("pilots:cohort-detail")
    update_url, copy_url, close_url = (
        pk_url("pilots:cohort-update"),
        pk_url("pilots:cohort-copy"),
        pk_url("pilots:cohort-close"),
    )
    html = []
    for cohort in cohorts:
        name = text(cohort.name)
        # As {% blocktranslate %} does: the translation as it is, the numbers in it localized and escaped.
        taken = taken_of % {"taken": text(localize(cohort.selected_count)), "seats": text(localize(cohort.seats))}
        actions = ""
        if cohort_actions:
            hidden = f'<span class="visually-hidden"> – {name}</span>'
            links = [_link("btn-outline-primary", copy_url(cohort.pk), copy, hidden)]
            if not cohort.closed_at:
                links.insert(0, _link("btn-outline-primary", update_url(cohort.pk), change, hidden))
                links.append(_link("btn-outline-secondary", close_url(cohort.pk), close, hidden))
            actions = f'<td><div class="d-flex flex-wrap gap-1">{"".join(links)}</div></td>'
        html.append(
            f'<tr><td><a href="{detail_url(cohort.pk)}">{name}</a>{closed if cohort.closed_at else ""}</td>'
            f"<td>{text(cohort.pilot.name)}</td>"
            f'<td class="text-nowrap">{text(date_filter(cohort.start_date, "SHORT_DATE_FORMAT"))} – '
            f"{text(date_filter(cohort.end_date, 'SHORT_DATE_FORMAT'))}</td>"
            f'<td class="text-end tabular-nums">{text(localize(cohort.enrolment_count))}</td>'
            f'<td><span class="tabular-nums">{taken}</span> <progress class="seat-progress mt-1" '
            f'value="{int(cohort.selected_count)}" max="{int(cohort.seats)}" aria-hidden="true"></progress></td>'
            f"{actions}</tr>"
        )
    return safe_join(html)
