"""The rows of the trainer's list of evaluations due (templates/pilots/training_start.html), written in Python.

Written by the template, node by node (two links, a translated sentence and a date per row), the rows cost the start
page as much as its two queries. `{% evaluation_due_rows evaluations_due %}` writes the same <li> elements at once,
every value escaped (core.rows.text).
"""

from collections.abc import Callable, Iterable

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from candidates.progress_selectors import EvaluationDue
from core.rows import pk_url, safe_join, text

register = template.Library()


@register.simple_tag
def evaluation_due_rows(evaluations_due: Iterable[EvaluationDue]) -> SafeString:
    """The evaluations' rows (candidates.progress_selectors.evaluation_due_items): the candidate and the moment,
    linked to the evaluation's form, the cohort and the day it became due, and a button to record it."""
    record = text(_("Record"))
    urls: dict[str, Callable[[int], str]] = {}
    html = []
    for due in evaluations_due:
        url_of = urls.get(due.moment) or urls.setdefault(due.moment, pk_url("candidates:evaluation", moment=due.moment))
        url = url_of(due.enrolment.pk)
        name, label, moment = text(due.enrolment.candidate.full_name), text(due.label), text(due.moment)
        # As {% blocktranslate %} does: the translation as it is, the value in it escaped.
        since = _("due since %(day)s") % {"day": text(date_filter(due.since, "DATE_FORMAT"))}
        html.append(
            '<li class="list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2" '
            f'data-evaluation-due="{moment}"><span><a href="{url}">{name}</a> · {label}<br>'
            f'<span class="small text-body-secondary">{text(due.enrolment.cohort.name)} · {since}</span></span>'
            f'<a class="btn btn-sm btn-outline-primary" href="{url}"><i class="bi bi-clipboard-check" '
            f'aria-hidden="true"></i> {record}<span class="visually-hidden"> – {name}, {label}</span></a></li>'
        )
    return safe_join(html)
