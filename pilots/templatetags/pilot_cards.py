"""The cards of the coordinator's pilots (templates/pilots/coordinator_start.html), written in Python.

Written by the template, each card with its status badge included, a page of 25 cards took a large part of the
time of the start page. `{% pilot_cards pilots %}` writes the same cards at once, every value escaped
(core.rows.text), the badge as templates/pilots/_status_badge.html draws it. The pilots carry `sector_label` and
`cohort_count` (pilots.selectors.pilot_cards).
"""

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.rows import safe_join, slug_url, text

register = template.Library()


@register.simple_tag
def pilot_cards(pilots: Iterable[Any]) -> SafeString:
    """A card per pilot of pilots.selectors.pilot_cards: its name and status, region and sector, target positive
    outflow and number of cohorts."""
    target_label, cohorts_label = text(_("Target positive outflow")), text(_("Cohorts"))
    pilot_url = slug_url("pilots:pilot-detail")
    html = []
    for pilot in pilots:
        html.append(
            '<div class="col-md-6 col-xl-4"><article class="card pilot-card h-100 shadow-sm">'
            '<div class="card-body d-flex flex-column">'
            '<div class="d-flex justify-content-between align-items-start gap-2 mb-2">'
            f'<h3 class="card-title h5 mb-0"><a href="{text(pilot_url(pilot.slug))}">{text(pilot.name)}</a></h3>'
            f'<span class="badge rounded-pill status-badge status-{text(pilot.status)}">'
            f"{text(pilot.get_status_display())}</span></div>"
            '<p class="text-body-secondary mb-3"><i class="bi bi-geo-alt" aria-hidden="true"></i> '
            f"{text(pilot.region)} · {text(pilot.get_sector_display())}</p>"
            '<dl class="facts mt-auto">'
            f'<dt>{target_label}</dt><dd class="tabular-nums">{text(localize(pilot.target_outflow_percentage))}%</dd>'
            f'<dt>{cohorts_label}</dt><dd class="tabular-nums">{text(localize(pilot.cohort_count))}</dd>'
            "</dl></div></article></div>"
        )
    return safe_join(html)
