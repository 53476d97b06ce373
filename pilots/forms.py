"""Forms of the learning line and the weekly rhythm.

They validate input only; the views (candidates/views/track.py) hand the cleaned data to the services in
pilots/services.py, which hold the rules.
"""

from collections.abc import Callable
from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput

from .models import (
    Cohort,
    CohortClass,
    CohortModule,
    Module,
    Organisation,
    OrganisationKind,
    PartnerRole,
    Pilot,
    ReferenceItem,
    ReferenceKind,
    Region,
    TrackWeekday,
)
from .selectors import reference_choices


def reference_choices_of(kind: str, *, blank: str | Promise | None = None) -> Callable[[], list[tuple[str, str]]]:
    """The choices of a form field from a list of reference data (its active items), read when the form is used,
    so that an item a coordinator adds is offered at once. With `blank`, an empty first choice."""

    def choices() -> list[tuple[str, str]]:
        items = reference_choices(kind=kind)
        return [("", str(blank)), *items] if blank is not None else items

    return choices


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


# --- Cohorts and their classes (the views are pilots/views_cohort_setup.py) ------------------------------------


def _trainer_field(form: forms.ModelForm) -> None:
    trainer = cast(forms.ModelChoiceField, form.fields["trainer"])
    trainer.queryset = Organisation.objects.order_by("name")
    trainer.empty_label = _("No training organisation yet")


def _check_period(form: forms.BaseForm, cleaned: dict | None) -> None:
    cleaned = cleaned or {}
    start, end = cleaned.get("start_date"), cleaned.get("end_date")
    if start is not None and end is not None and end < start:
        form.add_error("end_date", _("The end date cannot be before the start date."))


class CohortForm(forms.ModelForm):
    """A cohort's name, period, seats, location and training organisation."""

    class Meta:
        model = Cohort
        fields = ["name", "start_date", "end_date", "seats", "location", "trainer"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.pilot = pilot
        _trainer_field(self)
        self.fields["seats"].widget.attrs.update({"inputmode": "numeric", "min": 1})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "name",
            Div(Div("start_date", css_class="col-sm-6"), Div("end_date", css_class="col-sm-6"), css_class="row"),
            Div(Div("seats", css_class="col-sm-4"), Div("trainer", css_class="col-sm-8"), css_class="row"),
            "location",
        )
        self.helper.add_input(Submit("save", _("Save the cohort")))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Cohort.objects.filter(pilot=self.pilot, name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This pilot already has a cohort with this name."))
        return name

    def clean_seats(self) -> int:
        seats = self.cleaned_data["seats"]
        if seats < 1:
            raise forms.ValidationError(_("A cohort has at least one seat."))
        return seats

    def clean(self):
        cleaned = super().clean()
        _check_period(self, cleaned)
        return cleaned


class CohortClassForm(forms.ModelForm):
    """A class of a cohort; empty dates, seats, location or trainer follow the cohort."""

    class Meta:
        model = CohortClass
        fields = ["name", "seats", "start_date", "end_date", "location", "trainer"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        _trainer_field(self)
        self.fields["seats"].widget.attrs.update({"inputmode": "numeric", "min": 1})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(Div("name", css_class="col-sm-8"), Div("seats", css_class="col-sm-4"), css_class="row"),
            Div(Div("start_date", css_class="col-sm-6"), Div("end_date", css_class="col-sm-6"), css_class="row"),
            Div(Div("location", css_class="col-sm-6"), Div("trainer", css_class="col-sm-6"), css_class="row"),
        )
        self.helper.add_input(Submit("save_class", _("Save the class")))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if CohortClass.objects.filter(cohort=self.cohort, name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This cohort already has a class with this name."))
        return name

    def clean_seats(self) -> int | None:
        seats = self.cleaned_data["seats"]
        if seats is not None and seats < 1:
            raise forms.ValidationError(_("A class has at least one seat; leave it empty to follow the cohort."))
        return seats

    def clean(self):
        cleaned = super().clean()
        _check_period(self, cleaned)
        return cleaned


# --- Reference data (the views are pilots/views_setup.py) ------------------------------------------------------------


def _helper(*layout, submit: str | Promise, name: str = "save") -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    helper.add_input(Submit(name, submit))
    return helper


class ReferenceItemCreateForm(forms.ModelForm):
    """A new item of a list; its code may be left empty and is then made from the Dutch name."""

    class Meta:
        model = ReferenceItem
        fields = ["label", "label_en", "code"]

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["code"].required = False
        self.helper = _helper("label", "label_en", "code", submit=_("Add"))

    def clean_code(self) -> str:
        code = (self.cleaned_data.get("code") or "").strip().lower()
        if code and ReferenceItem.objects.filter(kind=self.kind, code=code).exists():
            raise forms.ValidationError(_("This list already has an item with this code."))
        return code

    def _post_clean(self) -> None:
        # The model's checks run in the service (with the code it may make); the kind is not a field here.
        pass


class ReferenceItemUpdateForm(forms.ModelForm):
    """An item's names, its place in the list and whether it can be chosen; the code cannot change."""

    class Meta:
        model = ReferenceItem
        fields = ["label", "label_en", "position", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "label", "label_en", Div(Div("position", css_class="col-sm-4"), css_class="row"), "active", submit=_("Save")
        )


class RegionForm(forms.ModelForm):
    """A labour-market region's name, to add it or rename it; the slug is made by the service and never changes."""

    class Meta:
        model = Region
        fields = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("name", submit=_("Save") if self.instance.pk else _("Add"))

    def validate_unique(self) -> None:
        # A name or slug that is taken is the service's refusal (pilots.services.region_create/region_update).
        pass


# --- Setting up a pilot (the views are pilots/views_setup.py) ------------------------------------------------------


class PilotDetailsForm(forms.ModelForm):
    """The first step of a pilot's set-up, and its change later: what, where, for whom, how long, what for.

    The regions offered are those the user may set up pilots in; an administrator also chooses the lead
    organisation (a coordinator's pilot is led by their own organisation).
    """

    sector = forms.ChoiceField(label=_("Sector"))
    lead_organisation = forms.ModelChoiceField(
        label=_("Lead organisation"), queryset=Organisation.objects.none(), required=False
    )

    class Meta:
        model = Pilot
        fields = [
            "name",
            "region",
            "sector",
            "track_kind",
            "target_group",
            "target_qualification",
            "description",
            "duration_weeks",
            "internship_days_per_week",
            "school_days_per_week",
            "planned_places",
            "target_outflow_percentage",
            "target_work_percentage",
            "target_bbl_percentage",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, regions, choose_lead: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        region = cast(forms.ModelChoiceField, self.fields["region"])
        region.queryset = regions
        sector = cast(forms.ChoiceField, self.fields["sector"])
        sector.choices = [
            ("", _("Choose a sector")),
            *reference_choices(kind=ReferenceKind.SECTOR, current=self.instance.sector),
        ]
        self.choose_lead = choose_lead
        lead = cast(forms.ModelChoiceField, self.fields["lead_organisation"])
        if choose_lead:
            lead.queryset = Organisation.objects.order_by("name")
            lead.required = True
            lead.help_text = _("The organisation that runs the pilot; its advisers and coordinators work on it.")
        else:
            del self.fields["lead_organisation"]
        for name in ("duration_weeks", "internship_days_per_week", "school_days_per_week", "planned_places"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": 0})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("The pilot"),
                "name",
                Div(Div("region", css_class="col-md-6"), Div("sector", css_class="col-md-6"), css_class="row"),
                *(["lead_organisation"] if choose_lead else []),
                "track_kind",
                Div(
                    Div("target_group", css_class="col-md-6"),
                    Div("target_qualification", css_class="col-md-6"),
                    css_class="row",
                ),
                "description",
            ),
            Fieldset(
                _("Duration and weekly rhythm"),
                Div(
                    Div("duration_weeks", css_class="col-sm-4"),
                    Div("internship_days_per_week", css_class="col-sm-4"),
                    Div("school_days_per_week", css_class="col-sm-4"),
                    css_class="row",
                ),
                Div(Div("planned_places", css_class="col-sm-4"), css_class="row"),
            ),
            Fieldset(
                _("Outflow targets"),
                Div(
                    Div("target_outflow_percentage", css_class="col-sm-4"),
                    Div("target_work_percentage", css_class="col-sm-4"),
                    Div("target_bbl_percentage", css_class="col-sm-4"),
                    css_class="row",
                ),
            ),
        )
        self.helper.add_input(Submit("save", _("Save and continue")))

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        internship = cleaned.get("internship_days_per_week") or 0
        school = cleaned.get("school_days_per_week") or 0
        if internship + school > 5:
            self.add_error("school_days_per_week", _("Internship and school days together cannot exceed five a week."))
        return cleaned

    def _post_clean(self) -> None:
        # The slug and lead organisation are set by the service, which runs the model's own checks.
        pass

    def pilot_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class OrganisationSearchForm(forms.Form):
    """Find an organisation by (part of) its name, its city or its KvK number before making a new one."""

    q = forms.CharField(label=_("Find an organisation"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})
        self.fields["q"].help_text = _("Part of the name, the city or the KvK number.")


class PartnerAddForm(forms.Form):
    """An organisation found (or already known) takes part in the pilot in a role."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name"), widget=forms.HiddenInput
    )
    role = forms.ChoiceField(label=_("Role in this pilot"), choices=[("", _("Choose a role")), *PartnerRole.choices])
    contribution = forms.CharField(label=_("Contribution"), max_length=255, required=False)


def _clean_kvk(value: str) -> str:
    kvk = value.replace(" ", "").replace(".", "")
    if kvk and not (len(kvk) == 8 and kvk.isascii() and kvk.isdigit()):
        raise forms.ValidationError(_("A KvK number has exactly eight digits."))
    return kvk


class OrganisationForm(forms.ModelForm):
    """A new organisation, with its role in the pilot it is added to."""

    role = forms.ChoiceField(label=_("Role in this pilot"), choices=[("", _("Choose a role")), *PartnerRole.choices])
    contribution = forms.CharField(label=_("Contribution"), max_length=255, required=False)

    class Meta:
        model = Organisation
        fields = ["name", "kind", "city", "kvk_number"]
        labels = {"city": _("Municipality")}
        help_texts = {"kvk_number": _("Eight digits, from the Chamber of Commerce (KvK); leave empty if unknown.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("Choose a kind")), *OrganisationKind.choices]
        self.fields["kvk_number"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        # Spaces and dots go before the check (clean_kvk_number), so the field's length limit must go too: its
        # validator was made with the field and stays when max_length is reset.
        kvk_field = cast(forms.CharField, self.fields["kvk_number"])
        kvk_field.max_length = None
        kvk_field.validators = [v for v in kvk_field.validators if not isinstance(v, MaxLengthValidator)]
        self.fields["kvk_number"].widget.attrs.pop("maxlength", None)
        self.helper = _helper(
            "name",
            Div(Div("kind", css_class="col-md-6"), Div("city", css_class="col-md-6"), css_class="row"),
            "kvk_number",
            Div(Div("role", css_class="col-md-6"), Div("contribution", css_class="col-md-6"), css_class="row"),
            submit=_("Add the organisation"),
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Organisation.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(
                _("An organisation with this name already exists: find it above and add it from the results.")
            )
        return name

    def clean_kvk_number(self) -> str:
        kvk = _clean_kvk(self.cleaned_data.get("kvk_number") or "")
        if kvk and Organisation.objects.filter(kvk_number=kvk).exists():
            raise forms.ValidationError(_("Another organisation already has this KvK number."))
        return kvk

    def organisation_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PilotCopyForm(forms.Form):
    """The name of the next round of a pilot."""

    name = forms.CharField(label=_("Name of the new pilot"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("name", submit=_("Make the next round"))
