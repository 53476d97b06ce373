"""The evaluation as one document: sections of tables, charts and texts, built once from the public figures.

The dashboard (templates/reports/_document.html), the PDF (templates/reports/pdf/document.html) and the XLSX and
CSV writer (reports.exports) render this document and nothing else, so the three show the same numbers in the same
order with the same definitions beside them. Adding a figure means counting it in reports.figures and placing it
in a section here.

A cell holds a value and what kind of value it is; a hidden count is a cell of kind "count" with the value None,
which every format writes as "x". Nothing here is a model object or a person's name.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import charts
from .figures import (
    DEFINITIONS,
    HIDDEN_MARK,
    OUTFLOW_KINDS,
    STAGE_PARTS,
    STAGES,
    Evaluation,
    KeyFigures,
    OutflowFigure,
    PilotFigures,
    TargetStatus,
    public_figures,
)

# What a cell holds, which decides how each format writes it and whether it is aligned as a number.
COUNT = "count"  # a count of people; None when hidden
PLACES = "places"  # a count of places or other things that are not people; always shown
RATE = "rate"  # a percentage to one decimal; None when it cannot be shown
DAYS = "days"  # a median number of days; None when it cannot be shown
TARGET = "target"  # a target percentage; None without one
STATUS = "status"  # a TargetStatus value; None when not known
TEXT = "text"
DATE = "date"
NUMERIC = frozenset({COUNT, PLACES, RATE, DAYS, TARGET})


@dataclass(frozen=True)
class Cell:
    value: Any
    kind: str = COUNT

    @property
    def hidden(self) -> bool:
        return self.kind == COUNT and self.value is None

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC

    def text(self) -> str:
        """The cell as plain text in the active language, as the chart descriptions and the summary write it."""
        return format_value(self.value, self.kind)


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = COUNT

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]
    note: str = ""  # a second line under the label, such as the pilot of a cohort
    level: int = 0  # 1 for a part of the row above it


@dataclass(frozen=True)
class Table:
    key: str
    title: str  # a short name, such as the spreadsheet's sheet
    caption: str
    row_header: str  # the heading of the column of row labels
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    total: Row | None = None  # the row the rows add up to
    empty: str = ""  # said instead of the table when it has no rows


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    alt: str  # the text alternative: what the chart shows, in words; the table beside it has every number


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    text: str  # a short introduction of what the section shows
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    definitions: tuple[str, ...] = ()  # printed beside the tables
    items: tuple[str, ...] = ()  # a plain list, such as the summary's sentences or the definitions

    @property
    def anchor(self) -> str:
        return f"section-{self.key.replace('_', '-')}"


@dataclass(frozen=True)
class Document:
    title: str
    pilot_names: tuple[str, ...]
    region_names: tuple[str, ...]
    partner_names: tuple[str, ...]
    period: str  # the cohorts the report covers, in words
    cohort_names: tuple[str, ...]
    threshold: int
    summary: tuple[str, ...]  # the plain-language summary, one sentence each
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)


def format_value(value: Any, kind: str) -> str:
    """A value as text in the active language: "x" for a hidden count, "–" for a rate that cannot be shown."""
    if kind == COUNT:
        return HIDDEN_MARK if value is None else number_format(value, force_grouping=True)
    if value is None:
        return "–"
    if kind == PLACES:
        return number_format(value, force_grouping=True)
    if kind == RATE:
        return number_format(value, decimal_pos=1) + "%"
    if kind == DAYS:
        return number_format(value, decimal_pos=0 if float(value).is_integer() else 1)
    if kind == TARGET:
        return f"{value}%"
    if kind == STATUS:
        return str(TargetStatus(value).label)
    if kind == DATE:
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


# An empty cell, where a column does not apply to a row.
BLANK = Cell("", TEXT)


def _definitions(*keys: str) -> tuple[str, ...]:
    return tuple(str(DEFINITIONS[key]) for key in keys)


def _bars(table: Table, with_charts: bool) -> tuple[Chart, ...]:
    """The table's first column as a bar chart, beside the table, with the table's rows as its text alternative."""
    if not with_charts:
        return ()
    bars = [(row.label, row.cells[0].value) for row in table.rows]
    return (Chart(charts.bar_chart_svg(bars, title=table.caption), _alt(table)),)


def _alt(table: Table, column: int = 0) -> str:
    """A chart's text alternative from the table it draws: each row's label and value."""
    parts = [f"{row.label}: {row.cells[column].text()}" for row in table.rows]
    return f"{table.caption}. " + "; ".join(parts) + "."


def period_text(evaluation: Evaluation, *, cohorts_chosen: bool = False) -> str:
    start, end = evaluation.period_start, evaluation.period_end
    if start and end:
        return _("Cohorts that start from %(start)s up to and including %(end)s") % {
            "start": date_format(start),
            "end": date_format(end),
        }
    if start:
        return _("Cohorts that start on or after %(start)s") % {"start": date_format(start)}
    if end:
        return _("Cohorts that start on or before %(end)s") % {"end": date_format(end)}
    if cohorts_chosen:
        return _("The chosen cohorts")
    return _("All cohorts")


# --- Sections ----------------------------------------------------------------------------------------------


def _rhythm(pilot: PilotFigures) -> str:
    design = pilot.design
    internship = ngettext("%(days)s internship day", "%(days)s internship days", design.internship_days_per_week) % {
        "days": design.internship_days_per_week
    }
    school = ngettext("%(days)s school day", "%(days)s school days", design.school_days_per_week) % {
        "days": design.school_days_per_week
    }
    return _("%(internship)s and %(school)s a week") % {"internship": internship, "school": school}


def _targets_text(figures: KeyFigures) -> str:
    named = [f"{figure.label.lower()} {figure.target}%" for figure in figures.outflow if figure.target is not None]
    return "; ".join(named) or "–"


def _design(evaluation: Evaluation) -> Section:
    pilots = evaluation.pilots
    facts: list[tuple[str, Callable[[PilotFigures], Cell]]] = [
        (_("Region"), lambda pilot: Cell(pilot.region, TEXT)),
        (_("Sector"), lambda pilot: Cell(pilot.design.sector, TEXT)),
        (_("Kind of track"), lambda pilot: Cell(pilot.design.track_kind, TEXT)),
        (_("Target group"), lambda pilot: Cell(pilot.design.target_group or "–", TEXT)),
        (_("Qualification aimed at"), lambda pilot: Cell(pilot.design.target_qualification or "–", TEXT)),
        (_("Duration in weeks"), lambda pilot: Cell(pilot.design.duration_weeks, PLACES)),
        (_("Weekly rhythm"), lambda pilot: Cell(_rhythm(pilot), TEXT)),
        (_("Places planned"), lambda pilot: Cell(pilot.design.planned_places, PLACES)),
        (_("Places in the cohorts"), lambda pilot: Cell(pilot.design.seats, PLACES)),
        (_("Started"), lambda pilot: Cell(pilot.figures.stage("started").count)),
        (_("Cohorts"), lambda pilot: Cell(pilot.design.cohorts, PLACES)),
        (_("Classes"), lambda pilot: Cell(pilot.design.classes, PLACES)),
        (_("First cohort starts"), lambda pilot: Cell(pilot.design.first_start, DATE)),
        (_("Last cohort ends"), lambda pilot: Cell(pilot.design.last_end, DATE)),
        (_("Targets"), lambda pilot: Cell(_targets_text(pilot.figures), TEXT)),
    ]
    table = Table(
        key="design",
        title=_("Design"),
        caption=_("The design of the pilot") if len(pilots) == 1 else _("The design of the pilots"),
        row_header=_("Design"),
        columns=tuple(Column(pilot.name, TEXT) for pilot in pilots),
        rows=tuple(Row(label, tuple(fact(pilot) for pilot in pilots)) for label, fact in facts),
        empty=_("No pilot was chosen."),
    )
    partners = ", ".join(evaluation.partner_names) or "–"
    return Section(
        key="design",
        title=_("Design of the pilot"),
        text=_("What the pilot set out to do and with whom. Partners: %(partners)s.") % {"partners": partners},
        tables=(table,),
        definitions=_definitions("design", "partners"),
    )


def _level(key: str) -> int:
    """How deep a stage sits under the stages it divides: started is a part of selected, completed of started."""
    if key == "not_selected":  # a part of screened, beside selected
        return 1
    whole = next((whole for whole, parts in STAGE_PARTS.items() if key in parts), None)
    return 0 if whole is None else _level(whole) + 1


def _stage_rows(figures: KeyFigures) -> tuple[Row, ...]:
    rows = []
    for key in STAGES:
        stage = figures.stage(key)
        base = figures.stage(stage.base_key).label.lower() if stage.base_key else ""
        rows.append(Row(stage.label, (Cell(stage.count), Cell(stage.rate, RATE), Cell(base, TEXT)), level=_level(key)))
    return tuple(rows)


def _funnel(evaluation: Evaluation, with_charts: bool) -> Section:
    table = Table(
        key="funnel",
        title=_("Funnel"),
        caption=_("Funnel from application to outflow, with the rate of each stage"),
        row_header=_("Stage"),
        columns=(Column(_("Number")), Column(_("Rate"), RATE), Column(_("Of"), TEXT)),
        rows=_stage_rows(evaluation.total),
    )
    funnel_table = Table(
        key="funnel_chart",
        title=_("Funnel"),
        caption=_("Funnel from application to outflow"),
        row_header="",
        columns=(Column(_("Number")),),
        rows=tuple(Row(stage.label, (Cell(stage.count),)) for stage in evaluation.total.funnel),
    )
    return Section(
        key="funnel",
        title=_("Funnel"),
        text=_(
            "How many candidates reached each stage, from application to outflow. The indented rows divide the "
            "stage above them: selected is withdrawn, waiting and started; started is completed, dropped out and "
            "still in the track."
        ),
        tables=(table,),
        charts=(Chart(charts.funnel_svg(evaluation), _alt(funnel_table)),) if with_charts else (),
        definitions=_definitions(*STAGES, "funnel_rate"),
    )


def _outflow_cells(figure: OutflowFigure) -> tuple[Cell, ...]:
    return (
        Cell(figure.count),
        Cell(figure.percentage, RATE),
        Cell(figure.target, TARGET),
        Cell(figure.status, STATUS),
    )


def _outflow(evaluation: Evaluation, with_charts: bool) -> Section:
    total = evaluation.total
    rows = [
        Row(figure.label, _outflow_cells(figure), level=0 if figure.key == "positive" else 1)
        for figure in total.outflow
    ]
    table = Table(
        key="outflow",
        title=_("Outflow figures"),
        caption=_("Outflow of those who started, against the targets"),
        row_header=_("Outflow"),
        columns=(
            Column(_("Number")),
            Column(_("Of started"), RATE),
            Column(_("Target"), TARGET),
            Column(_("Against the target"), STATUS),
        ),
        rows=tuple(rows),
    )
    shown: list[Chart] = []
    if with_charts:
        by = "pilot" if len(evaluation.pilots) > 1 else "cohort"
        for figure in total.targeted:
            chart_rows = charts.outflow_rows(evaluation, by=by, key=figure.key)
            alt = "; ".join(
                f"{label}: {format_value(row.percentage, RATE)}"
                + (f" ({_('target')} {row.target}%)" if row.target is not None else "")
                for label, row in chart_rows
            )
            shown.append(
                Chart(
                    charts.outflow_target_svg(evaluation, by=by, key=figure.key),
                    _("%(figure)s against the target") % {"figure": figure.label} + ". " + alt + ".",
                )
            )
    return Section(
        key="outflow",
        title=_("Outflow against the target"),
        text=_(
            "Positive outflow is work, a BBL work-study place or education, each counted once; the pilot's targets "
            "are shown for the figures it has one for. The dashed line in the charts is the target."
        ),
        tables=(table,),
        charts=tuple(shown),
        definitions=_definitions("outflow", "outflow_work", "outflow_bbl", "outflow_education", "target_status"),
    )


def _outflow_by_kind(evaluation: Evaluation, with_charts: bool) -> Section:
    table = Table(
        key="outflow_by_kind",
        title=_("Outflow by kind"),
        caption=_("Outflow by kind"),
        row_header=_("Kind"),
        columns=(Column(_("Number")),),
        rows=tuple(Row(kind.label, (Cell(kind.count),)) for kind in evaluation.outflow_by_kind),
        total=Row(_("Outcomes recorded"), (Cell(evaluation.outcomes_recorded),)),
    )
    return Section(
        key="outflow_by_kind",
        title=_("Outflow by kind"),
        text=_("Where the candidates went after the track, one outcome each."),
        tables=(table,),
        charts=_bars(table, with_charts),
        definitions=_definitions("outflow_by_kind"),
    )


def _dropout(evaluation: Evaluation, with_charts: bool) -> Section:
    table = Table(
        key="dropout_by_reason",
        title=_("Dropout by reason"),
        caption=_("Dropout by reason"),
        row_header=_("Reason"),
        columns=(Column(_("Dropped out")), Column(_("Of whom positive outflow"))),
        rows=tuple(Row(row.label, (Cell(row.count), Cell(row.to_work))) for row in evaluation.dropout_by_reason),
        total=Row(_("Total"), (Cell(evaluation.dropout_total.count), Cell(evaluation.dropout_total.to_work))),
    )
    return Section(
        key="dropout",
        title=_("Dropout by reason"),
        text=_("Why candidates left the track early, and how many of them still flowed out to work or school."),
        tables=(table,),
        charts=_bars(table, with_charts),
        definitions=_definitions("dropout_by_reason"),
    )


def _employers(evaluation: Evaluation) -> Section:
    def cells(row: Any) -> tuple[Cell, ...]:
        return (
            Cell(row.offered, PLACES),
            Cell(row.proposed),
            Cell(row.confirmed),
            Cell(row.ended_early),
            Cell(row.contracts),
        )

    table = Table(
        key="employers",
        title=_("Host employers"),
        caption=_("Places per host employer"),
        row_header=_("Host employer"),
        columns=(
            Column(_("Places offered"), PLACES),
            Column(_("Proposed")),
            Column(_("Placed")),
            Column(_("Ended early")),
            Column(_("Contracts")),
        ),
        rows=tuple(Row(row.name, cells(row)) for row in evaluation.employers),
        total=Row(_("Total"), cells(evaluation.employers_total)) if evaluation.employers else None,
        empty=_("No host employer is involved in these cohorts yet."),
    )
    return Section(
        key="employers",
        title=_("Placements and contracts per host employer"),
        text=_("The places each host employer offered, the candidates it took on and the contracts that followed."),
        tables=(table,),
        definitions=_definitions(
            "employer_offered", "employer_proposed", "employer_confirmed", "employer_ended_early", "employer_contracts"
        ),
    )


def _key_columns(figures: KeyFigures, keys: Sequence[str]) -> tuple[Column, ...]:
    """The columns of the figures side by side: the funnel, then each outflow figure of keys as a percentage and
    how it stands against its target (the targets themselves are in the design and the outflow sections)."""
    columns = [Column(str(stage.label)) for stage in figures.funnel]
    for figure in (figures.measure(key) for key in keys):
        columns += [
            Column(_("%(figure)s (%% of started)") % {"figure": figure.label}, RATE),
            Column(_("Against the target"), STATUS),
        ]
    return tuple(columns)


def _key_cells(figures: KeyFigures, keys: Sequence[str]) -> tuple[Cell, ...]:
    cells = [Cell(stage.count) for stage in figures.funnel]
    for key in keys:
        measure = figures.measure(key)
        cells += [Cell(measure.percentage, RATE), Cell(measure.status, STATUS)]
    return tuple(cells)


def _side_by_side(evaluation: Evaluation, with_charts: bool) -> Section:
    # Positive outflow, and every outflow figure one of the pilots has a target for.
    keys = [
        key
        for key in OUTFLOW_KINDS
        if key == "positive" or any(pilot.figures.measure(key).target is not None for pilot in evaluation.pilots)
    ]
    cohorts = Table(
        key="cohorts",
        title=_("Cohorts"),
        caption=_("The funnel and outflow of each cohort"),
        row_header=_("Cohort"),
        columns=(Column(_("Start date"), DATE), *_key_columns(evaluation.total, keys)),
        rows=tuple(
            Row(
                cohort.name,
                (Cell(cohort.start_date, DATE), *_key_cells(cohort.figures, keys)),
                note=cohort.pilot_name if len(evaluation.pilots) > 1 else "",
            )
            for cohort in evaluation.cohorts
        ),
        total=Row(_("Total"), (BLANK, *_key_cells(evaluation.total, keys))) if evaluation.cohorts else None,
        empty=_("No cohort of these pilots starts within the period."),
    )
    tables = [cohorts]
    if len(evaluation.pilots) > 1:
        tables.append(
            Table(
                key="pilots",
                title=_("Pilots"),
                caption=_("The funnel and outflow of each pilot"),
                row_header=_("Pilot"),
                columns=_key_columns(evaluation.total, keys),
                rows=tuple(
                    Row(pilot.name, _key_cells(pilot.figures, keys), note=pilot.region) for pilot in evaluation.pilots
                ),
                total=Row(_("Total"), _key_cells(evaluation.total, keys)),
            )
        )
    shown: tuple[Chart, ...] = ()
    if with_charts and len(evaluation.cohorts) > 1:
        rows = charts.outflow_rows(evaluation, by="cohort", key="positive")
        alt = "; ".join(f"{label}: {format_value(row.percentage, RATE)}" for label, row in rows)
        shown = (
            Chart(
                charts.outflow_target_svg(evaluation, by="cohort", key="positive"),
                _("Positive outflow per cohort against the target") + ". " + alt + ".",
            ),
        )
    return Section(
        key="side_by_side",
        title=_("Rounds side by side") if len(evaluation.pilots) == 1 else _("Pilots and rounds side by side"),
        text=_("The same figures for each cohort (round) on its own, so that the rounds can be compared."),
        tables=tuple(tables),
        charts=shown,
        definitions=_definitions("cohorts", *(("pilots",) if len(evaluation.pilots) > 1 else ())),
    )


def _barriers(evaluation: Evaluation, with_charts: bool) -> Section:
    table = Table(
        key="barriers",
        title=_("Barriers"),
        caption=_("Barriers met and resolved"),
        row_header=_("Barrier"),
        columns=(Column(_("Candidates")), Column(_("Resolved"))),
        rows=tuple(Row(row.label, (Cell(row.count), Cell(row.resolved))) for row in evaluation.barriers),
    )
    return Section(
        key="barriers",
        title=_("Barriers and what was done about them"),
        text=_(
            "The barriers recorded for the candidates who started, such as transport, childcare or the poverty "
            "trap, and how many of them were resolved during the track."
        ),
        tables=(table,),
        charts=_bars(table, with_charts),
        definitions=_definitions("barriers"),
    )


def _modules(evaluation: Evaluation) -> Section:
    rows = [
        Row(
            module.name,
            (Cell(module.results), Cell(module.passed), Cell(module.rate, RATE), Cell(module.certificates)),
        )
        for module in evaluation.modules
    ]
    rows.append(Row(_("Without a module"), (BLANK, BLANK, BLANK, Cell(evaluation.certificates_without_module))))
    table = Table(
        key="modules",
        title=_("Modules"),
        caption=_("Module results and certificates"),
        row_header=_("Module"),
        columns=(Column(_("Recorded")), Column(_("Passed")), Column(_("Rate"), RATE), Column(_("Certificates"))),
        rows=tuple(rows),
        total=Row(
            _("Certificates issued"),
            (BLANK, BLANK, BLANK, Cell(evaluation.certificates_issued)),
        ),
    )
    attendance = evaluation.attendance
    attendance_table = Table(
        key="attendance",
        title=_("Attendance"),
        caption=_("Attendance"),
        row_header="",
        columns=(Column(_("Present")), Column(_("Marked sessions")), Column(_("Rate"), RATE)),
        rows=(
            Row(
                _("All sessions"),
                (Cell(attendance.present), Cell(attendance.marked), Cell(attendance.percentage, RATE)),
            ),
        ),
    )
    return Section(
        key="modules",
        title=_("Learning line: modules, certificates and attendance"),
        text=_("The results of the modules of the learning line, the certificates issued and the attendance."),
        tables=(table, attendance_table),
        definitions=_definitions("modules", "module_certificates", "attendance"),
    )


def _followup(evaluation: Evaluation) -> Section:
    def cells(row: Any) -> tuple[Cell, ...]:
        return (Cell(row.due), Cell(row.answered), Cell(row.reached), Cell(row.still_working))

    table = Table(
        key="followup",
        title=_("Follow-up"),
        caption=_("Follow-up after outflow"),
        row_header=_("After"),
        columns=(Column(_("Due")), Column(_("Answered")), Column(_("Reached")), Column(_("Still working"))),
        rows=tuple(Row(row.label, cells(row)) for row in evaluation.followups),
        total=Row(_("Total"), cells(evaluation.followups_total)),
    )
    days = Table(
        key="days",
        title=_("Median days"),
        caption=_("Median days from the start of the track"),
        row_header=_("Until"),
        columns=(Column(_("Days"), DAYS), Column(_("Candidates"))),
        rows=(
            Row(
                _("Placement"),
                (Cell(evaluation.days_to_placement.days, DAYS), Cell(evaluation.days_to_placement.count)),
            ),
            Row(
                _("Positive outflow"),
                (Cell(evaluation.days_to_outflow.days, DAYS), Cell(evaluation.days_to_outflow.count)),
            ),
        ),
    )
    return Section(
        key="followup",
        title=_("Follow-up and time to work"),
        text=_("Whether those who flowed out were still working 3, 6 and 12 months later, and how long it took."),
        tables=(table, days),
        definitions=_definitions("followup", "days_to_placement", "days_to_outflow"),
    )


def _completeness(evaluation: Evaluation) -> Section:
    table = Table(
        key="completeness",
        title=_("Completeness"),
        caption=_("Completeness of the records the figures are counted from"),
        row_header=_("Check"),
        columns=(Column(_("Complete")), Column(_("Of")), Column(_("Rate"), RATE)),
        rows=tuple(
            Row(check.label, (Cell(check.complete), Cell(check.total), Cell(check.rate, RATE)))
            for check in evaluation.completeness
        ),
    )
    return Section(
        key="completeness",
        title=_("Completeness of the records"),
        text=_("Gaps in the records make the figures above lower than they really are."),
        tables=(table,),
        definitions=_definitions("completeness", *(f"completeness_{check.key}" for check in evaluation.completeness)),
    )


def _definitions_section() -> Section:
    return Section(
        key="definitions",
        title=_("Definitions"),
        text=_("What each figure counts; the same definitions are printed beside the tables."),
        items=tuple(str(text) for text in DEFINITIONS.values()),
    )


# --- The summary -------------------------------------------------------------------------------------------


def _shown(*cells: Cell) -> bool:
    return not any(cell.hidden or cell.value is None for cell in cells)


def _target_clause(figure: OutflowFigure) -> str:
    if figure.target is None or figure.status is None:
        return ""
    target = {"target": figure.target}
    if figure.status == TargetStatus.MET:
        return _("the target of %(target)s%% has been met") % target
    if figure.status == TargetStatus.CLOSE:
        return _("close to the target of %(target)s%%, but below it") % target
    return _("the target of %(target)s%% has not been met") % target


def summary_sentences(evaluation: Evaluation) -> tuple[str, ...]:
    """The report's figures in a few plain sentences, for a reader who reads nothing else.

    A sentence whose figures are hidden is not written; the tables say why they are hidden.
    """
    evaluation = public_figures(evaluation)
    total = evaluation.total
    started = total.stage("started")
    sentences: list[str] = []
    cohorts = len(evaluation.cohorts)
    if not cohorts:
        return (_("No cohort of these pilots starts within the period, so there is nothing to count yet."),)
    applied, selected = total.stage("applied"), total.stage("selected")
    if _shown(Cell(applied.count), Cell(selected.count), Cell(started.count)):
        sentences.append(
            ngettext(
                "In %(cohorts)s cohort, %(applied)s candidates applied, %(selected)s were selected and %(started)s "
                "started.",
                "In %(cohorts)s cohorts, %(applied)s candidates applied, %(selected)s were selected and %(started)s "
                "started.",
                cohorts,
            )
            % {
                "cohorts": cohorts,
                "applied": Cell(applied.count).text(),
                "selected": Cell(selected.count).text(),
                "started": Cell(started.count).text(),
            }
        )
    if started.count == 0:
        sentences.append(_("No candidate has started the track yet."))
        return tuple(sentences)
    for figure in total.targeted:
        if not _shown(Cell(figure.count), Cell(figure.started), Cell(figure.percentage, RATE)):
            sentences.append(
                _("The number with %(figure)s is not shown, so that no one can be recognised.")
                % {"figure": figure.label.lower()}
            )
            continue
        values = {
            "started": Cell(figure.started).text(),
            "count": Cell(figure.count).text(),
            "percentage": Cell(figure.percentage, RATE).text(),
        }
        if figure.key == "positive":
            text = (
                _(
                    "Of the %(started)s candidates who started, %(count)s (%(percentage)s) flowed out to work, BBL or "
                    "education"
                )
                % values
            )
        elif figure.key == "work":
            text = _("%(count)s of them (%(percentage)s) went to work") % values
        else:
            text = _("%(count)s of them (%(percentage)s) started a BBL work-study place") % values
        clause = _target_clause(figure)
        sentences.append(f"{text}; {clause}." if clause else f"{text}.")
    completed, dropped, in_track = (total.stage(key) for key in STAGE_PARTS["started"])
    if _shown(Cell(completed.count), Cell(dropped.count), Cell(in_track.count)):
        sentences.append(
            _("%(completed)s completed the track, %(dropped)s dropped out and %(in_track)s are still in it.")
            % {
                "completed": Cell(completed.count).text(),
                "dropped": Cell(dropped.count).text(),
                "in_track": Cell(in_track.count).text(),
            }
        )
    reasons = [row for row in evaluation.dropout_by_reason if row.count]
    if reasons:
        first = max(reasons, key=lambda row: row.count or 0)
        sentences.append(
            _("The most common reason to drop out was “%(reason)s” (%(count)s).")
            % {"reason": first.label.lower(), "count": Cell(first.count).text()}
        )
    hosts = evaluation.employers_total
    if evaluation.employers and _shown(Cell(hosts.confirmed), Cell(hosts.contracts)):
        sentences.append(
            ngettext(
                "%(hosts)s host employer offered %(places)s places; it took on %(placed)s candidates and %(contracts)s "
                "got a contract there.",
                "%(hosts)s host employers offered %(places)s places; they took on %(placed)s candidates and "
                "%(contracts)s got a contract at their host.",
                len(evaluation.employers),
            )
            % {
                "hosts": len(evaluation.employers),
                "places": Cell(hosts.offered, PLACES).text(),
                "placed": Cell(hosts.confirmed).text(),
                "contracts": Cell(hosts.contracts).text(),
            }
        )
    return tuple(sentences)


# --- The document ------------------------------------------------------------------------------------------


def evaluation_document(evaluation: Evaluation, *, with_charts: bool = True, cohorts_chosen: bool = False) -> Document:
    """The evaluation laid out as sections, from its public figures; in the active language."""
    evaluation = public_figures(evaluation)
    pilot_names = tuple(pilot.name for pilot in evaluation.pilots)
    sections = (
        _design(evaluation),
        _funnel(evaluation, with_charts),
        _outflow(evaluation, with_charts),
        _outflow_by_kind(evaluation, with_charts),
        _dropout(evaluation, with_charts),
        _employers(evaluation),
        _side_by_side(evaluation, with_charts),
        _barriers(evaluation, with_charts),
        _modules(evaluation),
        _followup(evaluation),
        _completeness(evaluation),
        _definitions_section(),
    )
    return Document(
        title=_("Evaluation report") + " · " + ", ".join(pilot_names),
        pilot_names=pilot_names,
        region_names=evaluation.region_names,
        partner_names=evaluation.partner_names,
        period=period_text(evaluation, cohorts_chosen=cohorts_chosen),
        cohort_names=tuple(
            cohort.name + (f" ({cohort.pilot_name})" if len(pilot_names) > 1 else "") for cohort in evaluation.cohorts
        ),
        threshold=settings.REPORT_SMALL_COUNT_THRESHOLD,
        summary=summary_sentences(evaluation),
        sections=sections,
    )
