"""The rows of the selection page's ranking and reserve list, written in Python.

Each row of the ranking is a form with its buttons; written by the template, node by node, the rows took most of
the time of the page. `{% ranking_rows rows %}` and `{% reserve_rows reserves reserve_page %}` write the same
<tr> elements at once, every value escaped (core.rows.text). The page's one CSRF token serves every form, as the
template's {% csrf_token %} does.
"""

from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from candidates.models import Enrolment, EnrolmentStatus
from core.rows import pk_url, safe_join, text

register = template.Library()

# The class of each decision's button; the rest (not selected, withdraws) are the red ones.
_DECISION_BUTTON_CLASSES = {EnrolmentStatus.SELECTED: "btn-primary", EnrolmentStatus.RESERVE: "btn-outline-primary"}


def _form_start(context: template.Context) -> str:
    """What opens every form of the rows after its <form> tag: the CSRF token and the way back to this page."""
    return (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{text(context.get("csrf_token", ""))}">'
        f'<input type="hidden" name="next" value="{text(context["request"].get_full_path())}">'
    )


def _score(enrolment: Enrolment, max_score: str, *, strong: bool) -> str:
    score = getattr(enrolment, "latest_score", None)
    if score is None:
        return "–"
    shown = text(localize(score))
    return f"<strong>{shown}</strong>/{max_score}" if strong else f"{shown}/{max_score}"


def _decision_form(row: Any, name: str, form_start: str, texts: dict[str, str], transition_url) -> str:
    pk = row.enrolment.pk
    if not row.decisions:
        return '<span class="text-body-secondary small">–</span>'
    buttons = "".join(
        f'<button type="submit" name="to_status" value="{text(value)}" '
        f'class="btn btn-sm {_DECISION_BUTTON_CLASSES.get(value, "btn-outline-danger")}">{text(label)}</button>'
        for value, label in row.decisions
    )
    # As {% blocktranslate %} does: the translation as it is, the name in it escaped.
    reason_label = _("Reason for the decision on %(name)s") % {"name": name}
    return (
        f'<form method="post" action="{transition_url(pk)}" '
        'class="decision-form d-flex flex-wrap gap-1 align-items-center">'
        f'{form_start}<label class="visually-hidden" for="reason-{pk}">{reason_label}</label>'
        f'<input type="text" class="form-control form-control-sm decision-reason" id="reason-{pk}" '
        f'name="reason" maxlength="500" placeholder="{texts["placeholder"]}">'
        f'<span class="visually-hidden">{texts["decision"]}</span>{buttons}</form>'
    )


@register.simple_tag(takes_context=True)
def ranking_rows(context: template.Context, rows: Iterable[Any]) -> SafeString:
    """The ranking's rows (selection.SelectionRow): rank, candidate, score, recommendation, record, status and the
    decision form."""
    rows = list(rows)
    max_score = text(localize(context["max_score"]))
    can_screen = context.get("can_screen")
    # As {% csrf_token %} does, the token is asked for only when a form shows.
    form_start = _form_start(context) if any(row.decisions for row in rows) else ""
    texts = {
        "placeholder": text(_("Reason (needed for not selected)")),
        "decision": text(_("Decision:")),
        "screening": text(_("Screening")),
        "missing": text(_("Missing:")),
    }
    candidate_url = pk_url("candidates:candidate-detail")
    screening_url = pk_url("candidates:screening-record")
    transition_url = pk_url("candidates:enrolment-transition")
    html = []
    for row in rows:
        enrolment = row.enrolment
        name = text(enrolment.candidate.full_name)
        screening = (
            f'<br><a class="small" href="{screening_url(enrolment.pk)}">{texts["screening"]}</a>' if can_screen else ""
        )
        missing = (
            f'<span class="d-block small text-body-secondary">{texts["missing"]} {text(", ".join(row.missing))}</span>'
            if row.missing
            else ""
        )
        reserve = (
            f' <span class="small tabular-nums">#{text(localize(enrolment.reserve_position))}</span>'
            if enrolment.status == EnrolmentStatus.RESERVE
            else ""
        )
        html.append(
            f'<tr data-enrolment="{enrolment.pk}">'
            f'<td class="text-end tabular-nums">{text(localize(row.rank)) if row.rank else "–"}</td>'
            f'<th scope="row" class="fw-normal"><a href="{candidate_url(enrolment.candidate_id)}">{name}</a>'
            f"{screening}</th>"
            f'<td class="text-end tabular-nums text-nowrap">{_score(enrolment, max_score, strong=True)}</td>'
            f"<td>{text(row.recommendation or '–')}</td>"
            f'<td><span class="tabular-nums">{text(localize(row.completeness))}%</span>{missing}</td>'
            '<td><span class="badge rounded-pill status-badge enrolment-status '
            f'enrolment-status-{text(enrolment.status)}">{text(enrolment.get_status_display())}</span>{reserve}</td>'
            f"<td>{_decision_form(row, name, form_start, texts, transition_url)}</td></tr>"
        )
    return safe_join(html)


@register.simple_tag(takes_context=True)
def reserve_rows(context: template.Context, reserves: Iterable[tuple[Enrolment, bool]], page: Any) -> SafeString:
    """The reserve list's rows of one page: place, candidate, score, when the interest was last confirmed (marked
    when stale) and the form that reconfirms it."""
    reserves = list(reserves)
    max_score = text(localize(context["max_score"]))
    # As {% csrf_token %} does, the token is asked for only when a form shows.
    form_start = _form_start(context) if reserves else ""
    stale_badge = (
        ' <span class="badge rounded-pill text-bg-warning ms-1"><i class="bi bi-exclamation-circle" '
        f'aria-hidden="true"></i> {text(_("Reconfirm"))}</span>'
    )
    reconfirm_interest = text(_("Reconfirm interest"))
    candidate_url = pk_url("candidates:candidate-detail")
    confirm_url = pk_url("candidates:interest-confirm")
    html = []
    for place, (enrolment, stale) in enumerate(reserves, start=page.start_index()):
        name = text(enrolment.candidate.full_name)
        confirmed_on = date_filter(enrolment.interest_confirmed_on, "DATE_FORMAT") or "–"
        html.append(
            f'<tr class="{"table-warning is-stale" if stale else ""}" data-enrolment="{enrolment.pk}">'
            f'<td class="text-end tabular-nums">{text(localize(place))}</td>'
            f'<th scope="row" class="fw-normal"><a href="{candidate_url(enrolment.candidate_id)}">{name}</a></th>'
            f'<td class="text-end tabular-nums">{_score(enrolment, max_score, strong=False)}</td>'
            f"<td>{text(confirmed_on)}{stale_badge if stale else ''}</td>"
            f'<td class="text-end"><form method="post" action="{confirm_url(enrolment.pk)}">{form_start}'
            f'<button type="submit" class="btn btn-sm btn-outline-primary">{reconfirm_interest}'
            f'<span class="visually-hidden"> {name}</span></button></form></td></tr>'
        )
    return safe_join(html)
