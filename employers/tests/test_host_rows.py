"""The employer's start page lists written in Python (employers.templatetags.host_rows): every value escaped."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from employers.models import PlacementStatus
from employers.selectors import HostPlacementRow
from employers.templatetags.host_rows import contract_prospect_rows, intern_rows, proposal_rows


@pytest.fixture
def row():
    return HostPlacementRow(
        pk=7,
        enrolment_id=8,
        candidate_name="<b>Ada</b> & Co",
        pilot_name="Pilot <i>",
        cohort_name='Ronde "1"',
        location="Hal <3>",
        status=PlacementStatus.PROPOSED,
        status_label="Voorgesteld",
        days_per_week=2,
        weekdays=("<ma>", "di"),
        start_date=datetime.date(2026, 3, 2),
        end_date=None,
        ended_on=datetime.date(2026, 6, 1),
        days_waiting=3,
    )


@pytest.mark.parametrize("tag", [proposal_rows, intern_rows, contract_prospect_rows])
def test_the_rows_escape_every_value(tag, row):
    with translation.override("en"):
        html = tag([row])

    assert "<b>" not in html and "<i>" not in html and "<3>" not in html and "<ma>" not in html
    assert "&lt;b&gt;Ada&lt;/b&gt; &amp; Co" in html


def test_a_proposal_says_how_long_it_waits_and_links_to_its_answer(row):
    with translation.override("en"):
        html = proposal_rows([row])

    assert "Waiting 3 days" in html
    assert "2 days a week" in html
    assert f'href="{reverse("employers:placement-detail", args=[7])}"' in html
