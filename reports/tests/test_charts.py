import re
from datetime import date
from xml.etree import ElementTree

import pytest
from django.utils import translation
from django.utils.safestring import SafeString

from candidates.models import DropoutReason, EnrolmentStatus, OutcomeKind
from candidates.tests.factories import EnrolmentFactory, OutcomeFactory
from pilots.tests.factories import CohortFactory, PilotFactory
from reports.charts import bar_chart_svg, funnel_svg, outflow_target_svg
from reports.document import evaluation_document
from reports.figures import HIDDEN_MARK, pilot_evaluation

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


def test_a_hidden_count_is_drawn_as_x_without_a_bar(settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5

    svg = bar_chart_svg([("Gezondheid", None), ("Vervoer", 7)], title="Uitval")

    hidden, shown = _rows(svg)
    assert _texts(hidden) == ["Gezondheid", HIDDEN_MARK]
    assert hidden.find(f"{SVG}title").text == "Gezondheid: x"
    assert "Gezondheid: x" in _parse(svg).find(f"{SVG}desc").text
    assert list(hidden.iter(f"{SVG}rect")) == []
    assert len(list(shown.iter(f"{SVG}rect"))) == 1
    assert "&lt; 5" not in svg


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

    with translation.override("nl"):
        svg = funnel_svg(pilot_evaluation(pilots=[cohort.pilot]))

    rows = _rows(svg)
    assert len(rows) == 6
    values = [_texts(row)[1] for row in rows]
    # Applied 14; screened, selected and started 8 (57,1% of 14, then 100%); completed 2 and outflow 2: hidden,
    # with their rates. (Still in the track, 6, is hidden as well, lest 8 - 6 give the 2 completed away, but the
    # chart does not draw that stage.)
    assert values == ["14", "8 (57,1%)", "8 (100,0%)", "8 (100,0%)", HIDDEN_MARK, HIDDEN_MARK]
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


@pytest.mark.django_db
def test_a_cell_hidden_lest_it_give_a_small_one_away_is_drawn_as_x_without_a_bar(settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory()
    for _ in range(7):
        EnrolmentFactory(cohort=cohort, status=S.STARTED)
    for reason, n in [(DropoutReason.HEALTH, 2), (DropoutReason.MOTIVATION, 5), (DropoutReason.TRANSPORT, 9)]:
        for _ in range(n):
            EnrolmentFactory(cohort=cohort, status=S.DROPPED_OUT, dropout_reason=reason)

    with translation.override("nl"):
        document = evaluation_document(pilot_evaluation(pilots=[cohort.pilot]))
        labels = {reason: str(reason.label) for reason in DropoutReason}

    # 16 dropped out: 2 for their health (small), 5 for motivation and 9 for transport. The total shows, so a
    # second reason is hidden beside the 2: a zero one, which tells least, so that 16 - 5 - 9 leaves the two of
    # them together.
    (chart,) = document.section("dropout").charts
    rows = {_texts(row)[0]: row for row in _rows(chart.svg)}
    drawn = {reason: _texts(rows[labels[reason]])[1] for reason in DropoutReason}
    assert (drawn[DropoutReason.HEALTH], drawn[DropoutReason.MOTIVATION], drawn[DropoutReason.TRANSPORT]) == (
        HIDDEN_MARK,
        "5",
        "9",
    )
    partners = [reason for reason, text in drawn.items() if text == HIDDEN_MARK and reason != DropoutReason.HEALTH]
    assert len(partners) == 1
    assert all(
        text == "0"
        for reason, text in drawn.items()
        if reason not in (DropoutReason.HEALTH, *partners, DropoutReason.MOTIVATION, DropoutReason.TRANSPORT)
    )
    for reason in (DropoutReason.HEALTH, *partners):
        assert list(rows[labels[reason]].iter(f"{SVG}rect")) == []
        assert rows[labels[reason]].find(f"{SVG}title").text == f"{labels[reason]}: x"
    assert len(list(rows[labels[DropoutReason.TRANSPORT]].iter(f"{SVG}rect"))) == 1
    # The 2 is nowhere in the chart's texts, its description or the text beside it.
    texts = [text for row in rows.values() for text in _texts(row)] + [_parse(chart.svg).find(f"{SVG}desc").text]
    assert not re.search(r"\b2\b", " ".join(texts))
    assert not re.search(r"\b2\b", chart.alt)


def _scale(svg: str) -> tuple[float, float]:
    """The x of 0% and of 100% on the chart's axis."""
    lines = {
        text.text: float(text.get("x"))
        for text in _parse(svg).iter(f"{SVG}text")
        if text.text in ("0%", "100%")  # the axis labels, under the grid lines
    }
    return lines["0%"], lines["100%"]


def _target_x(row: ElementTree.Element) -> float | None:
    lines = [line for line in row.iter(f"{SVG}line") if line.get("class") == "chart-target"]
    assert len(lines) <= 1
    return float(lines[0].get("x1")) if lines else None


@pytest.mark.django_db
def test_the_outflow_chart_of_work_draws_the_pilots_work_target():
    pilot = PilotFactory(target_outflow_percentage=75, target_work_percentage=30)
    cohort = CohortFactory(pilot=pilot)
    for _ in range(5):
        EnrolmentFactory(cohort=cohort, status=S.STARTED)
    for kind in (OutcomeKind.JOB_ELSEWHERE, OutcomeKind.BBL):
        for _ in range(5):
            OutcomeFactory(enrolment=EnrolmentFactory(cohort=cohort, status=S.OUTFLOW), kind=kind)
    evaluation = pilot_evaluation(pilots=[pilot])

    with translation.override("en"):
        work = outflow_target_svg(evaluation, key="work")
        positive = outflow_target_svg(evaluation, key="positive")

    # 15 started: 5 to work (33,3%) against the work target of 30%, met; 10 out positively (66,7%) against 75%,
    # close to it.
    zero, hundred = _scale(work)
    (row,) = _rows(work)
    assert _target_x(row) == pytest.approx(zero + (hundred - zero) * 0.30)
    rect = row.find(f"{SVG}rect")
    assert float(rect.get("width")) == pytest.approx((hundred - zero) * 0.333, abs=0.1)  # 33,3%, as written
    assert rect.get("fill") == "#2e7d32"
    assert "33.3%" in _texts(row)
    assert _parse(work).find(f"{SVG}title").text == "Outflow to work against the target"
    assert "target 30%" in _parse(work).find(f"{SVG}desc").text
    (row,) = _rows(positive)
    assert _target_x(row) == pytest.approx(zero + (hundred - zero) * 0.75)
    assert row.find(f"{SVG}rect").get("fill") == "#b26a00"


@pytest.mark.django_db
def test_each_pilot_is_held_to_its_own_work_target_and_the_total_to_none():
    first = PilotFactory(name="Eerste", target_work_percentage=30)
    second = PilotFactory(name="Tweede", target_work_percentage=50)
    for pilot in (first, second):
        cohort = CohortFactory(pilot=pilot)
        for _ in range(6):
            EnrolmentFactory(cohort=cohort, status=S.STARTED)

    svg = outflow_target_svg(pilot_evaluation(pilots=[first, second]), by="pilot", key="work")

    zero, hundred = _scale(svg)
    total, *pilots = _rows(svg)
    # The pilots' work targets differ, so the total has none.
    assert _target_x(total) is None
    assert [_texts(row)[0] for row in pilots] == ["Eerste", "Tweede"]
    assert [_target_x(row) for row in pilots] == [
        pytest.approx(zero + (hundred - zero) * 0.30),
        pytest.approx(zero + (hundred - zero) * 0.50),
    ]


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
