"""Forms of the learning line and the weekly rhythm.

They validate input only; the views (candidates/views/track.py) hand the cleaned data to the services in
pilots/services.py, which hold the rules.
"""

from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Cohort, CohortModule, Module, Organisation, TrackWeekday


class CohortChoiceField(forms.ModelChoiceField):
    """A cohort, shown with the name of its pilot."""

    def label_from_instance(self, obj: Cohort) -> str:
        return f"{obj.pilot.name} – {obj.name}"


MODULE_FIELDS = ["name", "kind", "provider", "planned_hours", "start_week", "end_week", "certificate_name"]


class _ModuleFormBase(forms.ModelForm):
    submit_label = _("Save the module")

    def __init__(self, *args, siblings, **kwargs):
        super().__init__(*args, **kwargs)
        # The unique name per pilot or cohort involves a field this form leaves out, so the model check skips it.
        self.siblings = siblings
        provider = cast(forms.ModelChoiceField, self.fields["provider"])
        provider.queryset = Organisation.objects.order_by("name")
        provider.empty_label = _("No provider yet")
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
            *[name for name in self.fields if name not in MODULE_FIELDS[:6]],
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
        super().clean()
        cleaned = self.cleaned_data
        both = set(cleaned.get("internship_weekdays") or ()) & set(cleaned.get("school_weekdays") or ())
        if both:
            raise forms.ValidationError(_("A day cannot be both an internship day and a school day."))
        return cleaned
