import re
from datetime import date
from xml.etree import ElementTree

import pytest
from django.utils import translation
from django.utils.safestring import SafeString

from candidates.models import EnrolmentStatus
from candidates.tests.factories import EnrolmentFactory, OutcomeFactory
from pilots.tests.factories import CohortFactory, PilotFactory
from reports.charts import bar_chart_svg, funnel_svg, outflow_target_svg
from reports.figures import pilot_evaluation

S = EnrolmentStatus
SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ElementTree.Element:
    """The chart as XML: it must be well-formed to show at all."""
    return ElementTree.fromstring(svg)  # noqa: S314 - the chart under test, not outside input


def _rows(svg: str) -> list[ElementTree.Element]:
    return [group for group in _parse(svg).iter(f"{SVG}g") if group.get("class") == "chart-row"]


def _texts(row: ElementTree.Element) -> list[str]:
    """The texts of a chart row; a label on two lines is read as one."""
    return [" ".join(part for part in text.itertext()) for text in row.iter(f"{SVG}text")]


def test_a_bar_chart_is_an_accessible_svg_with_a_bar_per_count():
    svg = bar_chart_svg([("Contract", 8), ("Elders", 4), ("Geen", 0)], title="Uitstroom naar soort")

    assert isinstance(svg, SafeString)
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Uitstroom naar soort"
    assert root.find(f"{SVG}title").text == "Uitstroom naar soort"
    assert "Contract: 8" in root.find(f"{SVG}desc").text
    assert root.get("viewBox").startswith("0 0 640 ")
    assert root.get("width") == "640"
    rows = _rows(svg)
    assert [_texts(row) for row in rows] == [["Contract", "8"], ["Elders", "4"], ["Geen", "0"]]
    widths = [float(rect.get("width")) for row in rows for rect in row.iter(f"{SVG}rect")]
    # Bars scale to the largest count; a zero draws no bar.
    assert len(widths) == 2
    assert widths[0] == pytest.approx(2 * widths[1])


def test_a_suppressed_count_shows_below_the_threshold_without_a_bar(settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5

    svg = bar_chart_svg([("Gezondheid", None), ("Vervoer", 7)], title="Uitval")

    hidden, shown = _rows(svg)
    assert _texts(hidden) == ["Gezondheid", "< 5"]
    assert list(hidden.iter(f"{SVG}rect")) == []
    assert len(list(shown.iter(f"{SVG}rect"))) == 1
    assert "&lt; 5" in svg


def test_every_label_is_escaped():
    svg = bar_chart_svg([('<script>alert("x")</script>', 3)], title="<b>Titel</b> & meer")

    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg
    root = _parse(svg)
    assert root.get("aria-label") == "<b>Titel</b> & meer"


def test_a_chart_has_no_style_attribute_and_nothing_from_elsewhere():
    svg = bar_chart_svg([("A", 1)], title="T")

    assert not re.search(r"\sstyle\s*=", svg)
    assert "<style" not in svg and "<script" not in svg
    assert "href" not in svg
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", svg)


def test_an_empty_bar_chart_says_so():
    svg = bar_chart_svg([], title="Niets")

    assert _rows(svg) == []
    assert _parse(svg).find(f"{SVG}text") is not None


@pytest.mark.django_db
def test_the_funnel_chart_has_a_bar_per_stage_with_count_and_rate(settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory()
    for _ in range(6):
        EnrolmentFactory(cohort=cohort, status=S.REGISTERED)
    for _ in range(6):
        EnrolmentFactory(cohort=cohort, status=S.STARTED)
    for _ in range(2):
        OutcomeFactory(enrolment=EnrolmentFactory(cohort=cohort, status=S.OUTFLOW))

    svg = funnel_svg(pilot_evaluation(pilots=[cohort.pilot]))

    rows = _rows(svg)
    assert len(rows) == 6
    values = [_texts(row)[1] for row in rows]
    # Applied 14; screened, selected and started 8 (57,1% of 14, then 100%); completed 2 and outflow 2: hidden.
    assert values[0] == "14"
    assert values[1].startswith("8 (57")
    assert values[4:] == ["< 5", "< 5"]
    assert [len(list(row.iter(f"{SVG}rect"))) for row in rows] == [1, 1, 1, 1, 0, 0]


@pytest.mark.django_db
def test_the_outflow_chart_draws_the_percentage_against_the_target_line():
    cohort = CohortFactory(pilot__target_outflow_percentage=60)
    for _ in range(5):
        EnrolmentFactory(cohort=cohort, status=S.STARTED)
    for _ in range(5):
        OutcomeFactory(enrolment=EnrolmentFactory(cohort=cohort, status=S.OUTFLOW))

    # Numbers are written the Dutch way whatever language an earlier test left active.
    with translation.override("nl"):
        svg = outflow_target_svg(pilot_evaluation(pilots=[cohort.pilot]))

    (total,) = _rows(svg)
    rect = total.find(f"{SVG}rect")
    target = next(line for line in total.iter(f"{SVG}line") if line.get("class") == "chart-target")
    # 50% of the scale is short of the 60% line, and drawn in the colour of "close to the target".
    assert float(rect.get("x")) + float(rect.get("width")) < float(target.get("x1"))
    assert rect.get("fill") == "#b26a00"
    assert "50,0%" in _texts(total)


@pytest.mark.django_db
def test_the_outflow_chart_has_a_row_per_cohort_or_pilot(settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    first, second = PilotFactory(name="Eerste"), PilotFactory(name="Tweede")
    cohort = CohortFactory(pilot=first, name="Voorjaar")
    CohortFactory(pilot=first, name="Najaar", start_date=date(2026, 10, 1), end_date=date(2026, 12, 20))
    for _ in range(3):
        EnrolmentFactory(cohort=cohort, status=S.STARTED)
    evaluation = pilot_evaluation(pilots=[first, second])

    by_cohort = outflow_target_svg(evaluation)
    by_pilot = outflow_target_svg(evaluation, by="pilot")
    total = outflow_target_svg(evaluation, by="total")

    assert [_texts(row)[0] for row in _rows(by_cohort)][1:] == ["Voorjaar", "Najaar"]
    assert [_texts(row)[0] for row in _rows(by_pilot)][1:] == ["Eerste", "Tweede"]
    assert len(_rows(total)) == 1
    # Three started: the percentage is hidden and no bar drawn.
    assert list(_rows(by_cohort)[1].iter(f"{SVG}rect")) == []


def test_a_long_label_goes_on_two_lines_and_is_whole_in_its_title():
    label = "Werkfit voor de arbeidsmarkt: installatietechniek"

    (row,) = _rows(bar_chart_svg([(label, 9)], title="Pilots"))

    text = next(row.iter(f"{SVG}text"))
    assert [line.text for line in text.iter(f"{SVG}tspan")] == ["Werkfit voor de arbeidsmarkt:", "installatietechniek"]
    assert row.find(f"{SVG}title").text == f"{label}: 9"


def test_a_label_too_long_for_two_lines_is_cut_short():
    label = "Een heel lange naam van een cohort die niet eens op twee regels van de grafiek past"

    (row,) = _rows(bar_chart_svg([(label, 9)], title="Cohorten"))

    first, second = (line.text for line in next(row.iter(f"{SVG}text")).iter(f"{SVG}tspan"))
    assert len(first) <= 30 and second.endswith("…") and len(second) <= 30
