"""Forms of the learning line, the weekly rhythm, the attendance grid, module results and certificates.

They validate input only; the views hand the cleaned data to the services in pilots/services.py and
candidates/progress.py, which hold the rules.
"""

import re
from collections.abc import Iterable

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidates.models import AttendanceSession, AttendanceStatus, Enrolment, ModuleResultStatus
from candidates.progress_selectors import AttendanceCell
from core.fields import id_from
from core.statemachine import TransitionNotAllowed

from .models import CohortModule, Module, Organisation, TrackWeekday

MODULE_FIELDS = ["name", "kind", "provider", "planned_hours", "start_week", "end_week", "certificate_name"]


class _ModuleFormBase(forms.ModelForm):
    submit_label = _("Save the module")

    def __init__(self, *args, siblings, **kwargs):
        super().__init__(*args, **kwargs)
        # The unique name per pilot or cohort involves a field this form leaves out, so the model check skips it.
        self.siblings = siblings
        self.fields["provider"].queryset = Organisation.objects.order_by("name")
        self.fields["provider"].empty_label = _("No provider yet")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "name",
            Div(Div("kind", css_class="col-md-6"), Div("provider", css_class="col-md-6"), css_class="row"),
            Div(
                Div("planned_hours", css_class="col-md-4"),
                Div("start_week", css_class="col-md-4"),
                Div("end_week", css_class="col-md-4"),
                css_class="row",
            ),
            *[name for name in self.Meta.fields if name not in MODULE_FIELDS[:6]],
        )
        self.helper.add_input(Submit("save", self.submit_label))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if self.siblings.exclude(pk=self.instance.pk).filter(name=name).exists():
            raise forms.ValidationError(_("The learning line already has a module with this name."))
        return name


class ModuleForm(_ModuleFormBase):
    """A module of the pilot's learning line."""

    class Meta:
        model = Module
        fields = MODULE_FIELDS


class CohortModuleForm(_ModuleFormBase):
    """A module of a cohort's own learning line; it may issue a certificate per unit (onderwijs op maat)."""

    class Meta:
        model = CohortModule
        fields = [*MODULE_FIELDS, "is_unit_certificate"]


class RhythmForm(forms.Form):
    """The cohort's week: which weekdays are internship days and which are school days."""

    internship_weekdays = forms.MultipleChoiceField(
        label=_("Internship days"),
        choices=TrackWeekday.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    school_weekdays = forms.MultipleChoiceField(
        label=_("School days"),
        choices=TrackWeekday.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave both empty to follow the pilot's weekly rhythm."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(
                Div("internship_weekdays", css_class="col-sm-6"),
                Div("school_weekdays", css_class="col-sm-6"),
                css_class="row",
            )
        )
        self.helper.add_input(Submit("save_rhythm", _("Save the weekly rhythm")))

    def clean(self):
        cleaned = super().clean()
        both = set(cleaned.get("internship_weekdays") or ()) & set(cleaned.get("school_weekdays") or ())
        if both:
            raise forms.ValidationError(_("A day cannot be both an internship day and a school day."))
        return cleaned


# --- The attendance grid -------------------------------------------------------------------------------------

# One <select> per cell, named after the session and the enrolment, so the whole grid posts as one form.
MARK_FIELD = "mark_{session}_{enrolment}"
_MARK_FIELD = re.compile(r"^mark_(\d+)_(\d+)$")


def mark_field_name(session_id: int, enrolment_id: int) -> str:
    return MARK_FIELD.format(session=session_id, enrolment=enrolment_id)


def attendance_marks_from(data) -> dict[tuple[int, int], str]:
    """The grid's cells as attendance_mark_week takes them: (session id, enrolment id) to a status or "".

    Every cell that was posted is returned, also one the page did not show: the service refuses a cell of
    another cohort or week instead of this form quietly dropping it. An unknown status is refused here.
    """
    marks: dict[tuple[int, int], str] = {}
    for name in data:
        match = _MARK_FIELD.match(name)
        if match is None:
            continue
        status = data.get(name, "")
        if status and status not in AttendanceStatus.values:
            raise TransitionNotAllowed(_("Choose present, absent with notice, absent without notice or sick."))
        marks[(int(match[1]), int(match[2]))] = status
    return marks


# A cell of a day of the rhythm that has no session yet is named after the day and kind instead of a session id:
# "mark_2026-11-16-internship_<enrolment id>". Saving the grid creates the session and renames the cell.
_DAY_MARK_FIELD = "mark_{day}-{kind}_{enrolment}"
_DAY_MARK = re.compile(r"^mark_([0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z]+)_([0-9]+)$")


def _day_key(session: AttendanceSession) -> str:
    return f"{session.date.isoformat()}-{session.kind}"


def cell_field_name(cell: AttendanceCell) -> str:
    if cell.session.pk is None:
        return _DAY_MARK_FIELD.format(
            day=cell.session.date.isoformat(), kind=cell.session.kind, enrolment=cell.enrolment.pk
        )
    return mark_field_name(cell.session.pk, cell.enrolment.pk)


def with_session_ids(data: QueryDict, sessions: list[AttendanceSession]) -> QueryDict:
    """The posted cells, with each cell named after a day and kind renamed to the session of that day and kind.

    A day without such a session (it left the rhythm in the meantime) refuses the grid, as a vanished session does.
    """
    by_day = {_day_key(session): session.pk for session in sessions if session.cohort_module_id is None}
    renamed = data.copy()
    for name in data:
        match = _DAY_MARK.match(name)
        if match is None:
            continue
        if match[1] not in by_day:
            raise TransitionNotAllowed(_("The attendance list has changed in the meantime; open the week again."))
        value = renamed.get(name, "")
        del renamed[name]
        renamed[mark_field_name(by_day[match[1]], int(match[2]))] = value
    return renamed


def row_enrolment_id(data) -> int | None:
    """The enrolment whose "mark row present" button was pressed, if any."""
    return id_from(data.get("row", ""))


# --- Module results and certificates -------------------------------------------------------------------------


class ModuleResultForm(forms.Form):
    """One cell of the results table: a candidate's result in one module of the cohort."""

    enrolment = forms.ModelChoiceField(queryset=Enrolment.objects.none(), widget=forms.HiddenInput)
    cohort_module = forms.ModelChoiceField(queryset=CohortModule.objects.none(), widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Result"), choices=ModuleResultStatus.choices)
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Empty: today, for a decided result."),
    )

    def __init__(self, *args, enrolments: Iterable[Enrolment], cohort_modules: Iterable[CohortModule], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments
        self.fields["cohort_module"].queryset = cohort_modules

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("A result cannot be dated on a day still to come."))
        return day


class CertificateForm(forms.Form):
    """A certificate a candidate obtained; without a name the module's certificate name is taken."""

    enrolment = forms.ModelChoiceField(label=_("Candidate"), queryset=Enrolment.objects.none())
    cohort_module = forms.ModelChoiceField(
        label=_("Module"), queryset=CohortModule.objects.none(), required=False, empty_label=_("No module")
    )
    name = forms.CharField(
        label=_("Certificate"),
        max_length=100,
        required=False,
        help_text=_("For example VCA Basis; empty to take the module's certificate."),
    )
    number = forms.CharField(label=_("Certificate number"), max_length=100, required=False)
    issued_on = forms.DateField(
        label=_("Issued on"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: a VCA certificate expires after ten years, others do not expire."),
    )

    def __init__(self, *args, enrolments, cohort_modules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments
        self.fields["enrolment"].label_from_instance = lambda enrolment: enrolment.candidate.full_name
        self.fields["cohort_module"].queryset = cohort_modules
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(Div("enrolment", css_class="col-md-6"), Div("cohort_module", css_class="col-md-6"), css_class="row"),
            Div(Div("name", css_class="col-md-6"), Div("number", css_class="col-md-6"), css_class="row"),
            Div(Div("issued_on", css_class="col-md-6"), Div("expires_on", css_class="col-md-6"), css_class="row"),
        )
        self.helper.add_input(Submit("record_certificate", _("Record the certificate")))
