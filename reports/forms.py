"""The form a coordinator asks for a report with. The service decides; this checks the input."""

import datetime
from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import ModelMultipleChoiceField
from pilots.models import Cohort
from pilots.selectors import pilot_list

DATE_FORMAT = "%Y-%m-%d"


class CohortChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Cohort) -> str:
        return f"{obj.pilot.name} · {obj.name}"


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT)


class ReportRequestForm(forms.Form):
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
        input_formats=[DATE_FORMAT],
        widget=_date_widget(),
        help_text=_("Cohorts that start in the period are counted. A past period can be made again at any time."),
    )
    period_end = forms.DateField(label=_("Period to"), input_formats=[DATE_FORMAT], widget=_date_widget())

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        pilots = pilot_list(user=user).order_by("name")
        cast(forms.ModelMultipleChoiceField, self.fields["pilots"]).queryset = pilots
        cast(forms.ModelMultipleChoiceField, self.fields["cohorts"]).queryset = (
            Cohort.objects.filter(pilot__in=pilots.values("pk"))
            .select_related("pilot")
            .order_by("pilot__name", "start_date", "name")
        )
        today = timezone.localdate()
        self.fields["period_start"].initial = datetime.date(today.year - 1, 1, 1)
        self.fields["period_end"].initial = datetime.date(today.year, 12, 31)
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
        return cleaned
