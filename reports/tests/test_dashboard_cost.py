"""What keeps the evaluation dashboard cheap: the public figures remembered by their raw figures, the cells of its
tables written in Python, and long tables cut to their first rows with a link to all of them."""

import re
from datetime import date
from html import unescape

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from candidates.models import EnrolmentStatus
from candidates.tests.factories import EnrolmentFactory, OutcomeFactory
from pilots.tests.factories import CohortFactory, PilotFactory
from reports import figures, selectors, views
from reports.document import COUNT, DATE, DAYS, PLACES, RATE, STATUS, TARGET, TEXT, Cell, Row
from reports.figures import TargetStatus, pilot_evaluation, public_figures
from reports.selectors import public_figures_of
from reports.templatetags.report_cells import cell_html

S = EnrolmentStatus


@pytest.fixture
def pilot(organisation):
    return PilotFactory(lead_organisation=organisation, region=organisation.region)


def _enrol(cohort, status, n):
    for _ in range(n):
        enrolment = EnrolmentFactory(cohort=cohort, status=status)
        if status == S.OUTFLOW:
            OutcomeFactory(enrolment=enrolment)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _cohort_rows(content: str) -> list[str]:
    section = re.search(r'<section[^>]*aria-labelledby="section-side-by-side".*?</section>', content, re.S).group(0)
    body = re.search(r"<tbody>(.*?)</tbody>", section, re.S).group(1)
    return [
        _text(re.search(r"<th[^>]*>(.*?)</th>", row, re.S).group(1))
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


# --- The public figures, remembered -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_remembered_public_figures_are_those_of_public_figures(pilot, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory(pilot=pilot)
    _enrol(cohort, S.STARTED, 7)
    _enrol(cohort, S.OUTFLOW, 2)
    raw = pilot_evaluation(pilots=[pilot])

    assert public_figures_of(raw) == public_figures(raw)
    assert public_figures_of(raw) == public_figures(raw)  # and again, from the cache


@pytest.mark.django_db
def test_the_same_raw_figures_are_made_public_once(pilot, monkeypatch):
    cohort = CohortFactory(pilot=pilot)
    _enrol(cohort, S.STARTED, 12)
    raw = pilot_evaluation(pilots=[pilot])
    calls = []
    counted = figures.hidden_cells
    monkeypatch.setattr(figures, "hidden_cells", lambda *args, **kwargs: calls.append(1) or counted(*args, **kwargs))

    first = public_figures_of(raw)
    second = public_figures_of(pilot_evaluation(pilots=[pilot]))

    assert first == second
    assert len(calls) == 1


@pytest.mark.django_db
def test_other_raw_figures_or_another_threshold_are_never_answered_from_the_cache(pilot, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory(pilot=pilot)
    _enrol(cohort, S.STARTED, 6)
    before = public_figures_of(pilot_evaluation(pilots=[pilot]))
    _enrol(cohort, S.STARTED, 1)
    after = public_figures_of(pilot_evaluation(pilots=[pilot]))
    settings.REPORT_SMALL_COUNT_THRESHOLD = 10
    stricter = public_figures_of(pilot_evaluation(pilots=[pilot]))

    assert before.total.stage("started").count == 6
    assert after.total.stage("started").count == 7
    assert stricter.total.stage("started").count is None
    assert stricter == public_figures(pilot_evaluation(pilots=[pilot]))


@pytest.mark.django_db
def test_figures_of_another_day_are_another_key(pilot):
    cohort = CohortFactory(pilot=pilot)
    _enrol(cohort, S.STARTED, 6)

    today = public_figures_of(pilot_evaluation(pilots=[pilot], today=date(2026, 12, 7)))
    tomorrow = public_figures_of(pilot_evaluation(pilots=[pilot], today=date(2026, 12, 8)))

    assert (today.today, tomorrow.today) == (date(2026, 12, 7), date(2026, 12, 8))


def test_public_figures_are_returned_as_they_are(monkeypatch):
    class Public:
        public = True

    figures_already_public = Public()
    monkeypatch.setattr(selectors, "cache", None)  # not asked

    assert public_figures_of(figures_already_public) is figures_already_public  # type: ignore[arg-type]


# --- The cells of the tables --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "english", "dutch"),
    [
        (Cell(1234567), "1,234,567", "1.234.567"),
        (Cell(0), "0", "0"),
        (Cell(None), "x hidden", "x verborgen"),
        (Cell(1500, PLACES), "1,500", "1.500"),
        (Cell(None, PLACES), "–", "–"),
        (Cell(33.3, RATE), "33.3%", "33,3%"),
        (Cell(50.0, RATE), "50.0%", "50,0%"),
        (Cell(None, RATE), "–", "–"),
        (Cell(12.0, DAYS), "12", "12"),
        (Cell(12.5, DAYS), "12.5", "12,5"),
        (Cell(40, TARGET), "40%", "40%"),
        (Cell(None, TARGET), "–", "–"),
        (Cell(date(2026, 9, 1), DATE), "01/09/2026", "1-9-2026"),
        (Cell("<b>Noord</b> & Zuid", TEXT), "<b>Noord</b> & Zuid", "<b>Noord</b> & Zuid"),
    ],
)
def test_a_cell_is_written_as_the_page_wrote_it(cell, english, dutch):
    for language, expected in (("en", english), ("nl", dutch)):
        with translation.override(language):
            assert _text(cell_html(cell)) == expected


def test_a_hidden_count_is_an_x_read_out_as_hidden():
    with translation.override("en"):
        assert cell_html(Cell(None)) == (
            '<span class="text-body-secondary" aria-hidden="true">x</span><span class="visually-hidden">hidden</span>'
        )


def test_text_in_a_cell_is_escaped():
    assert cell_html(Cell("<script>", TEXT)) == "&lt;script&gt;"


@pytest.mark.parametrize(
    ("status", "colour", "icon", "label"),
    [
        (TargetStatus.MET, "text-success", "bi-check-circle-fill", "Target met"),
        (TargetStatus.CLOSE, "text-warning-emphasis", "bi-dash-circle-fill", "Close to the target"),
        (TargetStatus.NOT_MET, "text-danger", "bi-x-circle-fill", "Target not met"),
        (None, "text-body-secondary", "bi-question-circle", "Not known"),
    ],
)
def test_a_target_status_has_its_colour_icon_and_words(status, colour, icon, label):
    with translation.override("en"):
        html = cell_html(Cell(status, STATUS)) if status else cell_html(Cell("", STATUS))

    if status is None:
        # An empty status is not None: the page wrote it as not known.
        assert html == f'<span class="{colour}"><i class="bi {icon}" aria-hidden="true"></i> {label}</span>'
    else:
        assert html == f'<span class="{colour}"><i class="bi {icon}" aria-hidden="true"></i> {label}</span>'
    with translation.override("en"):
        assert cell_html(Cell(None, STATUS)) == '<span class="text-body-secondary">–</span>'


def test_a_row_of_cells_is_a_td_each_numbers_aligned_right():
    template = Template("{% load report_cells %}{{ cells|figure_cells }}")

    with translation.override("en"):
        html = template.render(Context({"cells": (Cell(5), Cell("Noord", TEXT), Cell(None, COUNT))}))

    assert re.findall(r'<td class="([^"]*)">', html) == ["text-end tabular-nums", "", "text-end tabular-nums"]
    assert _text(html) == "5 Noord x hidden"


def test_the_rows_of_a_table_are_a_tr_each_with_their_label_as_the_heading():
    template = Template("{% load report_cells %}{{ rows|figure_rows }}")
    rows = (
        Row("Ronde <1>", (Cell(5), Cell(None, RATE)), note="Pilot & co"),
        Row("Deel", (Cell(1500, PLACES),), level=1),
        Row("Deel van deel", (Cell(None),), level=2),
    )

    with translation.override("en"):
        html = template.render(Context({"rows": rows}))

    assert html.count("<tr>") == html.count("</tr>") == 3
    assert re.findall(r'<th scope="row" class="([^"]*)">', html) == ["fw-normal", "fw-normal ps-4", "fw-normal ps-5"]
    assert 'Ronde &lt;1&gt;<span class="d-block small text-body-secondary">Pilot &amp; co</span></th>' in html
    assert [_text(row) for row in re.findall(r"<tr>(.*?)</tr>", html)] == [
        "Ronde <1> Pilot & co 5 –",
        "Deel 1,500",
        "Deel van deel x hidden",
    ]


# --- Long tables --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_long_table_shows_its_first_rows_and_links_to_all_of_them(client, coordinator, pilot, monkeypatch):
    monkeypatch.setattr(views, "DASHBOARD_ROWS_SHOWN", 2)
    for month in (3, 5, 9):
        _enrol(CohortFactory(pilot=pilot, name=f"Ronde {month}", start_date=date(2026, month, 1)), S.STARTED, 6)
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("reports:dashboard", args=[pilot.slug])

    shown = client.get(url, {"van": "2026-01-01"}).content.decode()
    everything = client.get(url, {"van": "2026-01-01", "rijen": "alle"}).content.decode()

    assert _cohort_rows(shown) == ["Ronde 3", "Ronde 5"]
    assert "1 more row is not shown." in _text(shown)
    assert 'href="?van=2026-01-01&amp;rijen=alle#side_by_side"' in shown
    assert _cohort_rows(everything) == ["Ronde 3", "Ronde 5", "Ronde 9"]
    assert "rows are not shown" not in _text(everything) and "row is not shown" not in _text(everything)
    # The total row stays the total of every cohort.
    total = re.search(r'id="side_by_side".*?<tfoot>(.*?)</tfoot>', shown, re.S).group(1)
    assert _text(total).split()[1] == "18"


@pytest.mark.django_db
def test_a_short_table_says_nothing_of_rows_not_shown(client, coordinator, pilot):
    _enrol(CohortFactory(pilot=pilot, name="Ronde 1"), S.STARTED, 6)
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    content = client.get(reverse("reports:dashboard", args=[pilot.slug])).content.decode()

    assert _cohort_rows(content) == ["Ronde 1"]
    assert "row is not shown" not in _text(content)
    assert "rijen=alle" not in content
