"""The trainer's rows of evaluations due, written in Python, are the rows the template wrote."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from candidates.models import EvaluationMoment
from candidates.progress_selectors import EvaluationDue
from candidates.templatetags.evaluation_due_rows import evaluation_due_rows

# The rows as templates/pilots/training_start.html wrote them before the tag.
TEMPLATE_ROWS = Template(
    """{% load i18n %}{% for due in evaluations_due %}
<li class="list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2" data-evaluation-due="{{ due.moment }}">
  <span>
    <a href="{{ due.url }}">{{ due.enrolment.candidate.full_name }}</a> · {{ due.label }}
    <br><span class="small text-body-secondary">{{ due.enrolment.cohort.name }} · {% blocktranslate trimmed with day=due.since|date:"DATE_FORMAT" %}due since {{ day }}{% endblocktranslate %}</span>
  </span>
  <a class="btn btn-sm btn-outline-primary" href="{{ due.url }}"><i class="bi bi-clipboard-check" aria-hidden="true"></i> {% translate "Record" %}<span class="visually-hidden"> – {{ due.enrolment.candidate.full_name }}, {{ due.label }}</span></a>
</li>{% endfor %}"""  # noqa: E501
)


def _due(pk: int, moment: str, name: str, cohort: str) -> EvaluationDue:
    candidate = SimpleNamespace(full_name=name)
    enrolment = SimpleNamespace(pk=pk, candidate=candidate, cohort=SimpleNamespace(name=cohort))
    label = str(EvaluationMoment(moment).label)
    return EvaluationDue(enrolment, moment, label, datetime.date(2026, 11, 3))  # type: ignore[arg-type]


def _without_whitespace(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).replace("> ", ">").replace(" <", "<").strip()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_rows_are_those_the_template_wrote(language):
    rows = [
        _due(7, EvaluationMoment.MID_TERM, 'Anna <de> "Vries" & O\'Brien', "Voorjaar & <zomer>"),
        _due(12, EvaluationMoment.END, "Piet Jansen", "Najaar"),
        _due(13, EvaluationMoment.MID_TERM, "Kees", "Najaar"),
    ]
    with translation.override(language):
        written = evaluation_due_rows(rows)
        templated = TEMPLATE_ROWS.render(Context({"evaluations_due": rows}))

    assert _without_whitespace(written) == _without_whitespace(templated)
    assert "&lt;de&gt;" in written and "<de>" not in written
    assert "/evaluatie/mid_term/" in written and "/evaluatie/end/" in written
