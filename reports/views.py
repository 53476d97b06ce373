"""The live evaluation dashboard of one pilot, its downloads, and pilots compared side by side."""

from dataclasses import dataclass, fields, replace
from typing import cast
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from pilots.models import Pilot
from pilots.selectors import pilot_list

from .document import Document, Section, Table, evaluation_document
from .exports import evaluation_xlsx_response, funnel_csv_response
from .figures import Evaluation, pilot_evaluation
from .selectors import public_figures_of
from .services import can_request_reports

EVALUATION_READERS = (Role.COORDINATOR, Role.ADVISER, Role.ADMINISTRATOR)
DATE_FORMAT = "%Y-%m-%d"
# The sections of the evaluation document the comparison of pilots shows.
COMPARED_SECTIONS = ("outflow", "side_by_side", "design")
# The dashboard shows this many rows of a table, and a link to all of them: the host employers of a large pilot run
# into the hundreds. Every row is in the XLSX download as well.
DASHBOARD_ROWS_SHOWN = 25
# ?rijen=alle shows every row of every table.
ALL_ROWS_PARAM, ALL_ROWS_VALUE = "rijen", "alle"


class PeriodForm(forms.Form):
    """The optional period of the dashboard: cohorts that start from `van` up to and including `tot`."""

    van = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format=DATE_FORMAT),
        error_messages={"invalid": _("Enter the first day as a date, for example 2026-09-01.")},
    )
    tot = forms.DateField(
        label=_("Until"),
        required=False,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format=DATE_FORMAT),
        error_messages={"invalid": _("Enter the last day as a date, for example 2026-12-31.")},
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("van"), cleaned.get("tot")
        if start and end and start > end:
            raise forms.ValidationError(_("The first day of the period lies after the last day."), code="order")
        return cleaned


class PilotChoiceForm(forms.Form):
    """The pilots to compare, out of those the user may see, by their slugs."""

    pilot = forms.ModelMultipleChoiceField(
        label=_("Pilots"),
        queryset=Pilot.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("One of the chosen pilots cannot be found.")},
    )

    def __init__(self, *args, pilots: QuerySet[Pilot], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["pilot"]).queryset = pilots

    def clean_pilot(self):
        chosen = self.cleaned_data["pilot"]
        if len(chosen) == 1:
            raise forms.ValidationError(_("Choose at least two pilots to compare."), code="too_few")
        return chosen


def _period(request: HttpRequest) -> tuple[PeriodForm, dict]:
    """The period form and the period to count; a bad period counts every cohort rather than a guess."""
    form = PeriodForm(request.GET or None)
    valid = form.is_valid()
    return form, {
        "period_start": form.cleaned_data.get("van") if valid else None,
        "period_end": form.cleaned_data.get("tot") if valid else None,
    }


def _period_query(period: dict, **extra: str) -> str:
    """The period as a query string for the links to the downloads, so that they count what the page shows; with
    `extra` parameters after it."""
    params = {
        name: period[key].isoformat()
        for name, key in (("van", "period_start"), ("tot", "period_end"))
        if period[key] is not None
    }
    return urlencode({**params, **extra})


def _pilot_evaluation(request: AuthenticatedRequest, slug: str) -> tuple[Pilot, PeriodForm, dict, Evaluation]:
    pilot = get_object_or_404(pilot_list(user=request.user), slug=slug)
    form, period = _period(request)
    return pilot, form, period, public_figures_of(pilot_evaluation(pilots=[pilot], **period))


@dataclass(frozen=True)
class ShownTable(Table):
    """A table of the document as the dashboard shows it: its first rows, and how many more there are."""

    not_shown: int = 0


def _bounded(table: Table, limit: int) -> Table:
    if len(table.rows) <= limit:
        return table
    others = {item.name: getattr(table, item.name) for item in fields(table) if item.name != "rows"}
    return ShownTable(**others, rows=table.rows[:limit], not_shown=len(table.rows) - limit)


def _bounded_sections(document: Document, *, limit: int | None) -> tuple[Section, ...]:
    """The document's sections with each table cut to its first `limit` rows (its total row stays: it is the total
    of all rows); every row with limit None."""
    if limit is None:
        return document.sections
    return tuple(
        replace(section, tables=tuple(_bounded(table, limit) for table in section.tables))
        for section in document.sections
    )


def _download_name(pilot: Pilot, suffix: str) -> str:
    return f"evaluatie-{pilot.slug}-{timezone.localdate():%Y-%m-%d}.{suffix}"


@role_required(*EVALUATION_READERS)
def dashboard(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    pilot, form, period, evaluation = _pilot_evaluation(request, slug)
    document = evaluation_document(evaluation)
    all_rows = request.GET.get(ALL_ROWS_PARAM) == ALL_ROWS_VALUE
    return render(
        request,
        "reports/dashboard.html",
        {
            "pilot": pilot,
            "form": form,
            "evaluation": evaluation,
            "document": document,
            "sections": _bounded_sections(document, limit=None if all_rows else DASHBOARD_ROWS_SHOWN),
            "all_rows_query": _period_query(period, **{ALL_ROWS_PARAM: ALL_ROWS_VALUE}),
            "threshold": settings.REPORT_SMALL_COUNT_THRESHOLD,
            "period_query": _period_query(period),
            "can_request_report": can_request_reports(request.user),
        },
    )


@role_required(*EVALUATION_READERS)
def dashboard_xlsx(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The figures of the dashboard, same pilot and period, as an XLSX workbook with one sheet per section."""
    pilot, _form, _period_used, evaluation = _pilot_evaluation(request, slug)
    return evaluation_xlsx_response(evaluation, _download_name(pilot, "xlsx"), request=request)


@role_required(*EVALUATION_READERS)
def dashboard_csv(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The funnel of the dashboard, same pilot and period, as CSV."""
    pilot, _form, _period_used, evaluation = _pilot_evaluation(request, slug)
    return funnel_csv_response(evaluation, _download_name(pilot, "csv"), request=request)


@role_required(*EVALUATION_READERS)
def compare(request: AuthenticatedRequest) -> HttpResponse:
    """Pilots side by side (?pilot=slug&pilot=slug), with the same figures as the dashboard of each."""
    available = pilot_list(user=request.user).order_by("name", "pk")
    choice = PilotChoiceForm(request.GET or None, pilots=available)
    form, period = _period(request)
    evaluation = None
    sections: tuple[Section, ...] = ()
    if choice.is_valid() and choice.cleaned_data["pilot"]:
        evaluation = public_figures_of(pilot_evaluation(pilots=choice.cleaned_data["pilot"], **period))
        document = evaluation_document(evaluation)
        sections = tuple(document.section(key) for key in COMPARED_SECTIONS)
    return render(
        request,
        "reports/compare.html",
        {
            "choice": choice,
            "form": form,
            "evaluation": evaluation,
            "sections": sections,
            "threshold": settings.REPORT_SMALL_COUNT_THRESHOLD,
        },
    )
