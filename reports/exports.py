"""The evaluation figures as an XLSX workbook (one sheet per section) and the funnel as CSV.

Both render the same Evaluation the dashboard and the PDF show. A suppressed count is written as "< 5" (the
threshold setting), never as the number, and a rate made from it is left empty. The figures are passed through
public_figures first: that changes nothing in figures that are already public, and keeps raw small counts out
of a download passed raw by mistake.
"""

from collections.abc import Sequence

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import Cell, csv_response, xlsx_bytes, xlsx_response

from .figures import DEFINITIONS, FUNNEL_LABELS, Evaluation, KeyFigures, MedianDays, TargetStatus, public_figures

Sheet = tuple[str, Sequence[str], list[Sequence[Cell]]]


def _count(value: int | None) -> Cell:
    return f"< {settings.REPORT_SMALL_COUNT_THRESHOLD}" if value is None else value


def _status(status: str | None) -> str:
    return str(TargetStatus(status).label) if status else ""


def _key_figure_columns() -> list[str]:
    return [
        *(str(FUNNEL_LABELS[key]) for key in FUNNEL_LABELS),
        _("Outflow to work (%)"),
        _("Target (%)"),
        _("Against the target"),
    ]


def _key_figure_cells(figures: KeyFigures) -> list[Cell]:
    outflow = figures.outflow_to_work
    return [
        *(_count(stage.count) for stage in figures.funnel),
        outflow.percentage,
        outflow.target,
        _status(outflow.status),
    ]


def _summary(evaluation: Evaluation) -> Sheet:
    outflow = evaluation.total.outflow_to_work
    attendance = evaluation.attendance
    rows: list[Sequence[Cell]] = [
        (_("Pilots"), ", ".join(evaluation.pilot_names or (pilot.name for pilot in evaluation.pilots))),
        (_("Regions"), ", ".join(evaluation.region_names)),
        (_("Partners"), ", ".join(evaluation.partner_names)),
        (_("Period from"), evaluation.period_start),
        (_("Period until"), evaluation.period_end),
        (_("Made on"), timezone.localdate()),
        (_("Cohorts"), len(evaluation.cohorts)),
        (_("Started"), _count(outflow.started)),
        (_("Outflow to work"), _count(outflow.to_work)),
        (_("Outflow to work (%)"), outflow.percentage),
        (_("Target (%)"), outflow.target),
        (_("Against the target"), _status(outflow.status)),
        (_("Certificates issued"), _count(evaluation.certificates_issued)),
        (_("Attendance (%)"), attendance.percentage),
        (_("Median days to placement"), evaluation.days_to_placement.days),
        (_("Median days to outflow"), evaluation.days_to_outflow.days),
    ]
    return _("Summary"), (_("Figure"), _("Value")), rows


def _funnel_rows(evaluation: Evaluation) -> list[Sequence[Cell]]:
    return [(stage.label, _count(stage.count), stage.rate) for stage in evaluation.total.funnel]


def _median_row(label: str, figure: MedianDays) -> Sequence[Cell]:
    return (label, figure.days, _count(figure.count))


def evaluation_sheets(evaluation: Evaluation) -> list[Sheet]:
    """The sections of the evaluation as (sheet name, header, rows), in the order of the dashboard."""
    evaluation = public_figures(evaluation)
    modules: list[Sequence[Cell]] = [
        (module.name, _count(module.results), _count(module.passed), module.rate, _count(module.certificates))
        for module in evaluation.modules
    ]
    modules.append((_("Total"), None, None, None, _count(evaluation.certificates_issued)))
    attendance = evaluation.attendance
    return [
        _summary(evaluation),
        (_("Funnel"), (_("Stage"), _("Number"), _("Rate (%)")), _funnel_rows(evaluation)),
        (
            _("Outflow by kind"),
            (_("Kind"), _("Number")),
            [(kind.label, _count(kind.count)) for kind in evaluation.outflow_by_kind],
        ),
        (
            _("Dropout by reason"),
            (_("Reason"), _("Dropped out"), _("Of whom to work")),
            [(row.label, _count(row.count), _count(row.to_work)) for row in evaluation.dropout_by_reason],
        ),
        (
            _("Host employers"),
            (_("Host employer"), _("Places offered"), _("Proposed"), _("Placed"), _("Ended early"), _("Contracts")),
            [
                (
                    row.name,
                    row.offered,
                    _count(row.proposed),
                    _count(row.confirmed),
                    _count(row.ended_early),
                    _count(row.contracts),
                )
                for row in evaluation.employers
            ],
        ),
        (
            _("Cohorts"),
            (_("Pilot"), _("Cohort"), _("Start date"), *_key_figure_columns()),
            [
                (cohort.pilot_name, cohort.name, cohort.start_date, *_key_figure_cells(cohort.figures))
                for cohort in evaluation.cohorts
            ],
        ),
        (
            _("Pilots"),
            (_("Pilot"), _("Region"), *_key_figure_columns()),
            [(pilot.name, pilot.region, *_key_figure_cells(pilot.figures)) for pilot in evaluation.pilots],
        ),
        (
            _("Barriers met"),
            (_("Barrier"), _("Candidates")),
            [(row.label, _count(row.count)) for row in evaluation.barriers],
        ),
        (
            _("Module results"),
            (_("Module"), _("Recorded"), _("Passed"), _("Rate (%)"), _("Certificates")),
            modules,
        ),
        (
            _("Attendance"),
            (_("Present"), _("Marked"), _("Present (%)")),
            [(_count(attendance.present), _count(attendance.marked), attendance.percentage)],
        ),
        (
            _("Follow-up"),
            (_("After (months)"), _("Due"), _("Answered"), _("Still working")),
            [
                (row.months, _count(row.due), _count(row.answered), _count(row.still_working))
                for row in evaluation.followups
            ],
        ),
        (
            _("Median days"),
            (_("From the start to"), _("Days"), _("Candidates")),
            [
                _median_row(_("Placement"), evaluation.days_to_placement),
                _median_row(_("Outflow to work"), evaluation.days_to_outflow),
            ],
        ),
        (
            _("Completeness"),
            (_("Check"), _("Complete"), _("Of"), _("Rate (%)")),
            [(row.label, _count(row.complete), _count(row.total), row.rate) for row in evaluation.completeness],
        ),
        (_("Definitions"), (_("Definition"),), [(str(text),) for text in DEFINITIONS.values()]),
    ]


def evaluation_xlsx(evaluation: Evaluation) -> bytes:
    """The evaluation as an XLSX workbook, one sheet per section."""
    return xlsx_bytes(sheets=evaluation_sheets(evaluation))


def funnel_csv_response(evaluation: Evaluation, filename: str, *, request=None) -> HttpResponse:
    """The funnel of the evaluation as a CSV download: stage, number and rate; recorded when given a request."""
    return csv_response(
        filename=filename,
        header=(_("Stage"), _("Number"), _("Rate (%)")),
        rows=_funnel_rows(public_figures(evaluation)),
        request=request,
    )


def evaluation_xlsx_response(evaluation: Evaluation, filename: str, *, request=None) -> HttpResponse:
    """The evaluation as an XLSX download, one sheet per section; recorded when given a request."""
    return xlsx_response(filename=filename, sheets=evaluation_sheets(evaluation), request=request)
