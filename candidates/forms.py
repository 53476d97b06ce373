import datetime

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from pilots.models import Organisation, OrganisationKind

from .importing import ImportFileError, max_import_bytes, parse_table
from .models import (
    SCORE_FIELDS,
    BarrierKind,
    Candidate,
    DropoutReason,
    EnrolmentStatus,
    Recommendation,
    Screening,
    Weekday,
)
from .validators import normalise_phone, normalise_postcode, validate_working_age

DEFAULT_CONSENT_PURPOSE = _("Taking part in the pre-training track and sharing with its partners")
REFERRER_KINDS = [OrganisationKind.MUNICIPALITY, OrganisationKind.UWV, OrganisationKind.WSP]


class CandidateCleaningMixin:
    """The Dutch validation that registration and the import share."""

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"]
        return normalise_postcode(value) if value else ""

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        return normalise_phone(value) if value else ""

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born:
            validate_working_age(born)
        return born

    def clean(self):
        cleaned = super().clean()
        # An address or number that was given but is invalid already has its own error.
        given = cleaned.get("email") or cleaned.get("phone") or self.has_error("email") or self.has_error("phone")
        if not given:
            self.add_error("phone", _("Give an e-mail address or a phone number, so the candidate can be reached."))
        return cleaned


class CandidateForm(CandidateCleaningMixin, forms.ModelForm):
    """Registration and editing of a candidate, with Dutch validation and recorded consent."""

    available_days = forms.MultipleChoiceField(
        label=_("Available on"), choices=Weekday.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    barriers = forms.MultipleChoiceField(
        label=_("Barriers"),
        choices=BarrierKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Preconditions that can stand in the way of taking part."),
    )
    consent = forms.BooleanField(
        label=_("The candidate consents to the processing of their data for this track"),
        required=True,
        help_text=_("Recorded with today's date and your name."),
    )

    class Meta:
        model = Candidate
        fields = [
            "first_name",
            "last_name_prefix",
            "last_name",
            "date_of_birth",
            "email",
            "phone",
            "postcode",
            "city",
            "education_level",
            "referral_source",
            "referring_organisation",
            "speaking_level",
            "listening_level",
            "reading_level",
            "writing_level",
            "benefit_type",
            "is_status_holder",
            "available_days",
            "available_from",
            "hours_per_week",
            "consent_purpose",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "available_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referring_organisation"].queryset = Organisation.objects.filter(kind__in=REFERRER_KINDS)
        self.fields["date_of_birth"].required = True
        self.fields["consent_purpose"].required = True
        self.fields["consent_purpose"].initial = DEFAULT_CONSENT_PURPOSE
        if self.instance.pk:
            self.fields["barriers"].initial = list(self.instance.barriers.values_list("kind", flat=True))
            if self.instance.has_consent:
                self.fields["consent"].initial = True
        self.fields["phone"].widget.attrs.update({"autocomplete": "off", "inputmode": "tel"})
        self.fields["postcode"].widget.attrs.update({"placeholder": "1234 AB"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Person"),
                Div(
                    Div("first_name", css_class="col-md-4"),
                    Div("last_name_prefix", css_class="col-md-2"),
                    Div("last_name", css_class="col-md-4"),
                    Div(Field("date_of_birth"), css_class="col-md-2"),
                    css_class="row",
                ),
                Div(
                    Div("email", css_class="col-md-4"),
                    Div("phone", css_class="col-md-3"),
                    Div("postcode", css_class="col-md-2"),
                    Div("city", css_class="col-md-3"),
                    css_class="row",
                ),
                "education_level",
            ),
            Fieldset(
                _("Referral"),
                Div(
                    Div("referral_source", css_class="col-md-6"),
                    Div("referring_organisation", css_class="col-md-6"),
                    css_class="row",
                ),
                Div(
                    Div("benefit_type", css_class="col-md-6"),
                    Div("is_status_holder", css_class="col-md-6 pt-md-4"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("Dutch language level (CEFR)"),
                Div(
                    Div("speaking_level", css_class="col-sm-6 col-md-3"),
                    Div("listening_level", css_class="col-sm-6 col-md-3"),
                    Div("reading_level", css_class="col-sm-6 col-md-3"),
                    Div("writing_level", css_class="col-sm-6 col-md-3"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("Availability and barriers"),
                Div(
                    Div("available_days", css_class="col-md-4"),
                    Div("available_from", css_class="col-md-4"),
                    Div("hours_per_week", css_class="col-md-4"),
                    css_class="row",
                ),
                "barriers",
            ),
            Fieldset(_("Consent"), "consent", "consent_purpose"),
        )
        self.helper.add_input(Submit("save", _("Save")))


class CandidateImportRowForm(CandidateCleaningMixin, forms.ModelForm):
    """One row of a referral list; the import parser has already mapped the columns to fields."""

    class Meta:
        model = Candidate
        fields = [
            "first_name",
            "last_name_prefix",
            "last_name",
            "date_of_birth",
            "email",
            "phone",
            "postcode",
            "city",
            "benefit_type",
            "is_status_holder",
            "education_level",
            "referral_source",
            "speaking_level",
            "listening_level",
            "reading_level",
            "writing_level",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].required = True


# --- Screening, selection and the pipeline board ---------------------------------------------------

SCORE_CHOICES = [(score, str(score)) for score in range(1, 6)]


class AppointmentForm(forms.Form):
    """Plan a screening conversation: when, where, how long and with which adviser."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=5, max_value=480, initial=45)
    location = forms.CharField(
        label=_("Place"), max_length=200, help_text=_("An address and room, or “by phone” or “video call”.")
    )
    adviser = forms.ModelChoiceField(label=_("Adviser"), queryset=None)

    def __init__(self, *args, advisers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = advisers
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(Div("date", css_class="col-sm-6"), Div("time", css_class="col-sm-6"), css_class="row"),
            Div(Div("duration_minutes", css_class="col-sm-4"), Div("location", css_class="col-sm-8"), css_class="row"),
            "adviser",
        )
        self.helper.add_input(Submit("plan", _("Plan the screening")))

    def clean(self):
        cleaned = super().clean()
        day, moment = cleaned.get("date"), cleaned.get("time")
        if day and moment:
            starts_at = timezone.make_aware(datetime.datetime.combine(day, moment))
            if starts_at < timezone.now():
                self.add_error("date", _("A screening cannot be planned in the past."))
            cleaned["starts_at"] = starts_at
        return cleaned


class ScreeningForm(forms.Form):
    """The structured record of a screening: four scores from 1 to 5 with a note each."""

    screened_on = forms.DateField(
        label=_("Screened on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    barriers_met = forms.MultipleChoiceField(
        label=_("Barriers met"),
        choices=BarrierKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They are added to the candidate's record, so the coaching can take them up."),
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=[("", _("Choose a recommendation")), *Recommendation.choices]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["screened_on"].initial = timezone.localdate
        score_groups = []
        for name in SCORE_FIELDS:
            label = capfirst(Screening._meta.get_field(f"{name}_score").verbose_name)
            self.fields[f"{name}_score"] = forms.TypedChoiceField(
                label=label,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=_("1 is very weak, 5 is very strong."),
            )
            self.fields[f"{name}_note"] = forms.CharField(
                label=_("Note on %(aspect)s") % {"aspect": label.lower()},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            # The radio group is a fieldset with its own legend already; a second one would repeat it.
            score_groups.append(Div(InlineRadios(f"{name}_score"), f"{name}_note", css_class="score-group"))
        self.order_fields(["screened_on", *(f"{n}_{part}" for n in SCORE_FIELDS for part in ("score", "note"))])
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(Div("screened_on", css_class="col-sm-6 col-md-4"), css_class="row"),
            *score_groups,
            Fieldset(_("Barriers and recommendation"), "barriers_met", "recommendation"),
        )
        self.helper.add_input(Submit("record", _("Record the screening")))

    def clean_screened_on(self):
        screened_on = self.cleaned_data["screened_on"]
        if screened_on > timezone.localdate():
            raise forms.ValidationError(_("A screening cannot be recorded for a day still to come."))
        return screened_on

    def screening_values(self) -> dict:
        """The keyword arguments of screening_record."""
        names = ["screened_on", "recommendation", *(f"{n}_{part}" for n in SCORE_FIELDS for part in ("score", "note"))]
        return {name: self.cleaned_data[name] for name in names}


class TransitionForm(forms.Form):
    """One move of an enrolment in its life cycle; the service decides whether it is allowed."""

    to_status = forms.ChoiceField(label=_("New status"), choices=EnrolmentStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    dropout_reason = forms.ChoiceField(
        label=_("Reason for dropping out"), choices=[("", "—"), *DropoutReason.choices], required=False
    )


class PromoteForm(forms.Form):
    """Promote the first reserve; a stale interest must be reconfirmed in the same step."""

    enrolment = forms.IntegerField(widget=forms.HiddenInput)
    interest_reconfirmed = forms.BooleanField(label=_("Interest reconfirmed today"), required=False)


class EnrolmentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.candidate.full_name} ({obj.get_status_display()})"


class CarryOverForm(forms.Form):
    """Carry candidates who were not selected or on reserve to another cohort, without re-entering them."""

    enrolments = EnrolmentChoiceField(label=_("Candidates"), queryset=None, widget=forms.CheckboxSelectMultiple)
    to_cohort = forms.ModelChoiceField(label=_("To cohort"), queryset=None)

    def __init__(self, *args, enrolments, cohorts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enrolments"].queryset = enrolments
        self.fields["to_cohort"].queryset = cohorts
        self.fields["to_cohort"].label_from_instance = lambda cohort: f"{cohort.pilot.name} – {cohort.name}"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("enrolments", "to_cohort")
        self.helper.add_input(Submit("carry_over", _("Carry over")))


class ImportUploadForm(forms.Form):
    """A referral list to check: the cohort it is for, the file, and the consent the referrer recorded.

    The file is read as a table here, so that a file that is not one is an error on this form; the
    duplicates are looked up for the preview.
    """

    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=None, help_text=_("Everyone imported is registered for this cohort.")
    )
    file = forms.FileField(
        label=_("Referral list"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    consent = forms.BooleanField(
        label=_("The referring organisation recorded the consent of every person on this list"),
        required=True,
        help_text=_("Recorded for every imported candidate with today's date and your name."),
    )
    consent_purpose = forms.CharField(label=_("Consent given for"), max_length=255, initial=DEFAULT_CONSENT_PURPOSE)

    def __init__(self, *args, cohorts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts
        self.fields["file"].help_text = _(
            "CSV (separated by commas or semicolons) or XLSX, with the column names in the first row; at most %(size)s."
        ) % {"size": filesizeformat(max_import_bytes())}
        self.content = b""
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("cohort", "file", Fieldset(_("Consent"), "consent", "consent_purpose"))
        self.helper.add_input(Submit("upload", _("Check the file")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The size the upload reports decides before anything is read into memory.
        if upload.size > max_import_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(size)s."),
                code="too_large",
                params={"size": filesizeformat(max_import_bytes())},
            )
        content = upload.read()
        try:
            parse_table(file_name=upload.name, content=content, duplicate_lookup=lambda values: [])
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc), code="unreadable") from exc
        self.content = content
        return upload


class ImportConfirmForm(forms.Form):
    """The confirmation of a previewed import; the fingerprint stands for the rows the preview showed."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)


# --- Intake workspace: registration, notes, caseload hand-over -------------------------------------


class CandidateIntakeForm(CandidateForm):
    """The adviser's registration and edit form: optionally enrol in a cohort, and confirm a possible duplicate.

    Consent that was recorded before stays recorded: its fields are shown but cannot be changed here.
    """

    cohort = forms.ModelChoiceField(
        label=_("Enrol in cohort"),
        queryset=None,
        required=False,
        empty_label=_("Not yet"),
        help_text=_("The candidate starts as registered in this cohort."),
    )
    confirm_different_person = forms.BooleanField(
        label=_("This is a different person, save anyway"),
        required=False,
    )

    def __init__(self, *args, cohorts=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if cohorts is None:
            del self.fields["cohort"]
        else:
            self.fields["cohort"].queryset = cohorts
            self.helper.layout.insert(len(self.helper.layout) - 1, Fieldset(_("Cohort"), "cohort"))
        if self.instance.pk and self.instance.has_consent:
            for name in ("consent", "consent_purpose"):
                self.fields[name].disabled = True
            self.fields["consent"].help_text = _("Consent was recorded before and stays recorded.")


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("New note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visible to the advisers and coordinators of the candidate's pilots."),
    )


class CaseloadAdviserForm(forms.Form):
    """The first step of a hand-over: whose caseload."""

    from_adviser = forms.ModelChoiceField(label=_("Hand over candidates of"), queryset=None, empty_label=None)

    def __init__(self, *args, advisers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_adviser"].queryset = advisers


class CandidateChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        if obj.date_of_birth:
            return f"{obj.full_name} ({date_format(obj.date_of_birth, 'SHORT_DATE_FORMAT')})"
        return obj.full_name


class CaseloadReassignForm(forms.Form):
    """Hand some or all candidates of one adviser to a colleague of the same organisation."""

    from_adviser = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    all_candidates = forms.BooleanField(label=_("All candidates of this adviser"), required=False)
    candidates = CandidateChoiceField(
        label=_("Or only these candidates"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    to_adviser = forms.ModelChoiceField(label=_("Hand over to"), queryset=None)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("Kept in each candidate's history, for example “leave until March”."),
    )

    def __init__(self, *args, from_advisers, caseload, to_advisers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_adviser"].queryset = from_advisers
        self.fields["candidates"].queryset = caseload
        self.fields["to_adviser"].queryset = to_advisers

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all_candidates") and not cleaned.get("candidates"):
            self.add_error("candidates", _("Tick the candidates to hand over, or choose all of them."))
        return cleaned

    def selected_candidates(self):
        if self.cleaned_data["all_candidates"]:
            return self.fields["candidates"].queryset
        return self.cleaned_data["candidates"]
