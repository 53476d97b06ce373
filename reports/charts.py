"""Charts of the evaluation figures as inline SVG, drawn on the server for the dashboard and the PDF.

No JavaScript and nothing fetched from elsewhere: each function returns one <svg> element as a safe string.
Colours are SVG presentation attributes (fill=, stroke=), never style=, so the Content-Security-Policy has
nothing to refuse. Every text is escaped; a suppressed count is written as "x" without a bar, so a chart
never shows more than the tables do. The figures are passed through public_figures first: it changes
nothing in figures that are already public, and keeps raw small counts out of a chart passed raw by mistake.
"""

from collections.abc import Sequence

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .figures import HIDDEN_MARK, Evaluation, OutflowFigure, TargetStatus, public_figures

WIDTH = 640
LABEL_WIDTH = 220  # room for the labels left of the bars
VALUE_WIDTH = 110  # room for the value right of the longest bar
ROW_HEIGHT = 30
BAR_HEIGHT = 18
TOP = 8
FONT_SIZE = 12
MAX_LABEL_CHARS = 30

# A small palette that keeps enough contrast on white and on paper.
BAR = "#1f5f8b"
ACCENT = "#2e7d32"
MUTED = "#6c757d"
TRACK = "#e9ecef"
TEXT = "#212529"
STATUS_COLOURS: dict[str, str] = {
    TargetStatus.MET: "#2e7d32",
    TargetStatus.CLOSE: "#b26a00",
    TargetStatus.NOT_MET: "#b3261e",
}
TARGET_LINE = "#212529"


def _count(value: int) -> str:
    return number_format(value, force_grouping=True)


def _percentage(value: float) -> str:
    return number_format(value, decimal_pos=1) + "%"


def _hidden() -> str:
    return HIDDEN_MARK


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1].rstrip() + "…"


def _lines(label: str) -> list[str]:
    """The label on one line, or on two split between words; what is left after two lines is cut short.

    Two lines rather than one cut short: pilots are often named alike up to their last words.
    """
    if len(label) <= MAX_LABEL_CHARS:
        return [label]
    cut = label.rfind(" ", 0, MAX_LABEL_CHARS + 1)
    if cut <= 0:
        return [_short(label)]
    return [label[:cut], _short(label[cut + 1 :])]


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = TEXT, bold: bool = False) -> str:
    weight = ' font-weight="600"' if bold else ""
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{FONT_SIZE}" text-anchor="{anchor}" fill="{fill}"'
        f' dominant-baseline="middle"{weight}>{escape(text)}</text>'
    )


def _label(y: float, label: str, *, bold: bool = False) -> str:
    """A row's label, right-aligned against the bars, on one or two lines around the row's middle."""
    lines = _lines(label)
    if len(lines) == 1:
        return _text(LABEL_WIDTH - 8, y, lines[0], anchor="end", bold=bold)
    weight = ' font-weight="600"' if bold else ""
    x = LABEL_WIDTH - 8
    first, second = (escape(line) for line in lines)
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{FONT_SIZE}" text-anchor="end" fill="{TEXT}"'
        f' dominant-baseline="middle"{weight}><tspan x="{x:g}" dy="-0.6em">{first}</tspan>'
        f'<tspan x="{x:g}" dy="1.2em">{second}</tspan></text>'
    )


def _svg(*, title: str, description: str, height: float, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every text in it went through escape()
        # Its natural size on every screen: scaled down to a phone's width its text would shrink to half of
        # FONT_SIZE, so a page puts it in a box that scrolls sideways instead (.chart-scroll in opstap.css). The
        # PDF's stylesheet sets its own width.
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height:g}"'
        f' width="{WIDTH}" height="{height:g}" role="img" aria-label="{escape(title)}"'
        ' preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>{''.join(body)}</svg>"
    )


def _bars(
    rows: Sequence[tuple[str, int | None, str | None, str]], *, title: str, empty: str | None = None
) -> SafeString:
    """Horizontal bars: (label, count or None when hidden, text after the count or None, colour) per row."""
    largest = max((count for _label, count, _extra, _colour in rows if count is not None), default=0)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    body: list[str] = []
    described: list[str] = []
    for index, (label, count, extra, colour) in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        middle = y + ROW_HEIGHT / 2
        value = _hidden() if count is None else _count(count)
        if extra:
            value = f"{value} ({extra})"
        described.append(f"{label}: {value}")
        parts = [f"<title>{escape(label)}: {escape(value)}</title>"]
        parts.append(_label(middle, label))
        if count is None:
            parts.append(_text(LABEL_WIDTH + 4, middle, value, fill=MUTED))
        else:
            length = room * count / largest if largest else 0
            if length:
                parts.append(
                    f'<rect x="{LABEL_WIDTH}" y="{middle - BAR_HEIGHT / 2:g}" width="{length:.1f}"'
                    f' height="{BAR_HEIGHT}" fill="{colour}"></rect>'
                )
            parts.append(_text(LABEL_WIDTH + length + 4, middle, value))
        body.append(f'<g class="chart-row">{"".join(parts)}</g>')
    if not rows and empty:
        body.append(_text(WIDTH / 2, TOP + ROW_HEIGHT / 2, empty, anchor="middle", fill=MUTED))
    height = TOP * 2 + max(len(rows), 1) * ROW_HEIGHT
    return _svg(title=title, description="; ".join(described) or (empty or ""), height=height, body=body)


def bar_chart_svg(items: Sequence[tuple[str, int | None]], *, title: str) -> SafeString:
    """Generic horizontal bars, one per (label, count); a count of None is a suppressed one."""
    return _bars(
        [(str(label), count, None, BAR) for label, count in items], title=str(title), empty=_("No figures to show.")
    )


def funnel_svg(evaluation: Evaluation) -> SafeString:
    """The funnel as horizontal bars, from applied to positive outflow, with the count and rate of each stage."""
    funnel = public_figures(evaluation).total.funnel
    rows = [
        (
            stage.label,
            stage.count,
            _percentage(stage.rate) if stage.rate is not None else None,
            ACCENT if stage.key == "outflow" else BAR,
        )
        for stage in funnel
    ]
    return _bars(rows, title=_("Funnel from application to outflow"))


def outflow_rows(
    evaluation: Evaluation, *, by: str = "cohort", key: str = "positive"
) -> list[tuple[str, OutflowFigure]]:
    """The rows of an outflow chart: the total and, with more than one, each pilot (by="pilot") or each cohort
    (by="cohort"); by="total" the total alone. key names the outflow figure (reports.figures.OUTFLOW_KINDS)."""
    evaluation = public_figures(evaluation)
    rows = [(_("Total"), evaluation.total.measure(key))]
    if by == "pilot" and len(evaluation.pilots) > 1:
        rows += [(pilot.name, pilot.figures.measure(key)) for pilot in evaluation.pilots]
    elif by == "cohort" and len(evaluation.cohorts) > 1:
        rows += [(cohort.name, cohort.figures.measure(key)) for cohort in evaluation.cohorts]
    return rows


def outflow_target_svg(evaluation: Evaluation, *, by: str = "cohort", key: str = "positive") -> SafeString:
    """An outflow figure in % of those who started on a scale of 0 to 100, with each row's target as a line across
    its bar.

    One row for the total and, with more than one, a row per cohort (by="cohort") or per pilot (by="pilot");
    by="total" draws the total alone. A hidden or unknown percentage is written out, without a bar.
    """
    rows = outflow_rows(evaluation, by=by, key=key)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    axis_top = TOP + len(rows) * ROW_HEIGHT
    body: list[str] = []
    described: list[str] = []
    for step in (0, 25, 50, 75, 100):
        x = LABEL_WIDTH + room * step / 100
        body.append(f'<line x1="{x:g}" y1="{TOP}" x2="{x:g}" y2="{axis_top:g}" stroke="{TRACK}"></line>')
        body.append(_text(x, axis_top + 12, f"{step}%", anchor="middle", fill=MUTED))
    for index, (label, outflow) in enumerate(rows):
        middle = TOP + index * ROW_HEIGHT + ROW_HEIGHT / 2
        shown = _percentage(outflow.percentage) if outflow.percentage is not None else None
        if shown is None:
            value = _("hidden") if outflow.count is None or outflow.started is None else _("not known")
        else:
            value = shown
        target = _("target %(target)s%%") % {"target": outflow.target} if outflow.target is not None else None
        described.append(f"{label}: {value}" + (f", {target}" if target else ""))
        parts = [f"<title>{escape(described[-1])}</title>"]
        parts.append(_label(middle, str(label), bold=index == 0))
        end: float = LABEL_WIDTH
        if outflow.percentage is not None:
            length = room * min(outflow.percentage, 100) / 100
            colour = STATUS_COLOURS.get(outflow.status, BAR) if outflow.status else BAR
            if length:
                parts.append(
                    f'<rect x="{LABEL_WIDTH}" y="{middle - BAR_HEIGHT / 2:g}" width="{length:.1f}"'
                    f' height="{BAR_HEIGHT}" fill="{colour}"></rect>'
                )
            end = LABEL_WIDTH + length
        parts.append(_text(end + 4, middle, value, fill=TEXT if shown else MUTED))
        if outflow.target is not None:
            x = LABEL_WIDTH + room * outflow.target / 100
            parts.append(
                f'<line class="chart-target" x1="{x:g}" y1="{middle - ROW_HEIGHT / 2 + 2:g}" x2="{x:g}"'
                f' y2="{middle + ROW_HEIGHT / 2 - 2:g}" stroke="{TARGET_LINE}" stroke-width="2"'
                f' stroke-dasharray="4 2"></line>'
            )
        body.append(f'<g class="chart-row">{"".join(parts)}</g>')
    return _svg(
        title=_("%(figure)s against the target") % {"figure": rows[0][1].label},
        description="; ".join(described),
        height=axis_top + 24,
        body=body,
    )
