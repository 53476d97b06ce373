"""The form a coordinator asks for a report with. The service decides; this checks the input."""

import datetime
from collections.abc import Iterable
from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import ModelMultipleChoiceField
from core.forms import ISO_DATE, DateInput
from pilots.models import Cohort, Pilot
from pilots.selectors import pilot_list

from .selectors import PeriodCheck, check_period, default_period


class CohortChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Cohort) -> str:
        return f"{obj.pilot.name} · {obj.name}"


class ReportRequestForm(forms.Form):
    """The pilots, perhaps some of their cohorts, and the period whose starting cohorts the report counts.

    Opened without data, the period runs from the first to the last start of the cohorts of the pilots in
    `initial["pilots"]` (of all the user's pilots when none are), so the report counts every cohort.

    A posted period is held against the cohorts asked for (the chosen cohorts, or else every cohort of the chosen
    pilots) before any job is made; `period_check` keeps what it found for the page's warning:
    - it leaves some out: the form is sent back with the warning and `confirm_period`; ticked, the job is made;
    - it leaves all of them out: refused, since a report of zeros only is of no use. No tick helps; another
      period does, and the warning lists the start dates to choose one;
    - the request has no cohort at all (a pilot that has none yet): made as before. No period would change that
      report, so a warning about the period would be wrong; the report itself says there is no cohort.
    """

    pilots = ModelMultipleChoiceField(
        label=_("Pilots"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose several pilots to compare them side by side."),
        error_messages={"required": _("Choose at least one pilot.")},
    )
    cohorts = CohortChoiceField(
        label=_("Cohorts"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for all cohorts of the chosen pilots."),
    )
    period_start = forms.DateField(
        label=_("Period from"),
        input_formats=[ISO_DATE],
        widget=DateInput(),
        help_text=_("Cohorts that start in the period are counted. A past period can be made again at any time."),
    )
    period_end = forms.DateField(label=_("Period to"), input_formats=[ISO_DATE], widget=DateInput())
    # Shown only with the warning about cohorts the period leaves out (see job_new.html), so not in the layout.
    confirm_period = forms.BooleanField(label=_("Make the report with this period anyway"), required=False)

    period_check: PeriodCheck | None = None

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        pilots = pilot_list(user=user).order_by("name")
        cast(forms.ModelMultipleChoiceField, self.fields["pilots"]).queryset = pilots
        cast(forms.ModelMultipleChoiceField, self.fields["cohorts"]).queryset = (
            Cohort.objects.filter(pilot__in=pilots.values("pk"))
            .select_related("pilot")
            .order_by("pilot__name", "start_date", "name")
        )
        if not self.is_bound:
            start, end = default_period(self.initial.get("pilots") or pilots)
            self.fields["period_start"].initial, self.fields["period_end"].initial = start, end
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "pilots",
            "cohorts",
            Div(
                Div("period_start", css_class="col-sm-6"),
                Div("period_end", css_class="col-sm-6"),
                css_class="row",
            ),
        )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end of the period cannot be before its start."))
        pilots, cohorts = cleaned.get("pilots"), cleaned.get("cohorts")
        if pilots is not None and cohorts:
            chosen = {pilot.pk for pilot in pilots}
            if any(cohort.pilot_id not in chosen for cohort in cohorts):
                self.add_error("cohorts", _("Choose only cohorts of the chosen pilots."))
        if not self.errors and start and end and pilots:
            self._check_period(pilots=pilots, cohorts=cohorts or (), start=start, end=end)
        return cleaned

    def _check_period(
        self, *, pilots: Iterable[Pilot], cohorts: Iterable[Cohort], start: datetime.date, end: datetime.date
    ) -> None:
        check = self.period_check = check_period(pilots=pilots, cohorts=cohorts, start=start, end=end)
        if check.empty:
            self.add_error(
                "period_start",
                forms.ValidationError(
                    _("None of the chosen cohorts starts in the period.")
                    if check.cohorts_chosen
                    else _("The period holds no cohort of the chosen pilots."),
                    code="period_empty",
                ),
            )
        elif check.left_out_total and not self.cleaned_data.get("confirm_period"):
            self.add_error(
                "confirm_period",
                forms.ValidationError(
                    _("Change the period, or tick this box to make the report without these cohorts."),
                    code="period_leaves_out",
                ),
            )
