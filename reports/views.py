"""The live evaluation dashboard of one pilot."""

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from core.permissions import role_required
from core.roles import Role
from pilots.selectors import pilot_list

from .figures import DEFINITIONS, pilot_evaluation, public_figures

EVALUATION_READERS = (Role.COORDINATOR, Role.ADVISER, Role.ADMINISTRATOR)
DATE_FORMAT = "%Y-%m-%d"


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
        cleaned = super().clean()
        start, end = cleaned.get("van"), cleaned.get("tot")
        if start and end and start > end:
            raise forms.ValidationError(_("The first day of the period lies after the last day."), code="order")
        return cleaned


@role_required(*EVALUATION_READERS)
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    pilot = get_object_or_404(pilot_list(user=request.user), slug=slug)
    form = PeriodForm(request.GET or None)
    # A bad period is shown on the form; the figures then cover every cohort rather than a guess at a period.
    valid = form.is_valid()
    period_start = form.cleaned_data.get("van") if valid else None
    period_end = form.cleaned_data.get("tot") if valid else None
    evaluation = public_figures(pilot_evaluation(pilots=[pilot], period_start=period_start, period_end=period_end))
    return render(
        request,
        "reports/dashboard.html",
        {
            "pilot": pilot,
            "form": form,
            "evaluation": evaluation,
            "definitions": list(DEFINITIONS.values()),
            "threshold": settings.REPORT_SMALL_COUNT_THRESHOLD,
        },
    )
