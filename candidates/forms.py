import datetime
from typing import TYPE_CHECKING, cast

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.db import models
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.fields import ModelMultipleChoiceField
from core.forms import DateInput
from core.models import User
from pilots.forms import CohortChoiceField, reference_choices_of
from pilots.models import Cohort, CohortModule, Organisation, OrganisationKind, ReferenceKind

from .importing import COLUMNS as IMPORT_COLUMNS
from .importing import ImportFileError, count_rows, max_import_bytes
from .lifecycle import OUTCOMES_WITH_MBO_LEVEL
from .models import (
    SCORE_FIELDS,
    Candidate,
    CoachKind,
    ContractType,
    DropoutReason,
    Enrolment,
    EnrolmentStatus,
    EvaluationAdvice,
    ModuleResultStatus,
    NoteVisibility,
    OutcomeKind,
    Recommendation,
    Screening,
    Weekday,
)
from .services import ANONYMISED_REFUSAL, CANDIDATE_UPDATE_FIELDS
from .validators import looks_like_bsn, normalise_phone, normalise_postcode, validate_working_age

DEFAULT_CONSENT_PURPOSE = _("Taking part in the pre-training track and sharing with its partners")
REFERRER_KINDS = [OrganisationKind.MUNICIPALITY, OrganisationKind.UWV, OrganisationKind.WSP]

# The mixins below are joined with a form class. The type checker sees them as forms already; at run time they
# stay plain classes, so that they are no form classes of their own.
if TYPE_CHECKING:
    _FormMixinBase = forms.BaseForm
else:
    _FormMixinBase = object


# What registration and the import say about each field: what to do, not only what is wrong ("Vul de achternaam in"
# rather than "Dit veld is verplicht.").
CANDIDATE_ERROR_MESSAGES = {
    "first_name": {"required": _("Enter the first name")},
    "last_name": {"required": _("Enter the last name")},
    "date_of_birth": {
        "required": _("Enter the date of birth as 31/12/1990"),
        "invalid": _("Enter the date of birth as 31/12/1990"),
    },
    "email": {"invalid": _("Enter the e-mail address as name@example.nl")},
    "postcode": {"invalid": _("Enter the postcode as 1234 AB")},
    "referral_source": {"required": _("Choose how the candidate was referred")},
    "benefit_type": {"required": _("Choose the benefit type, or “No benefit”")},
    "available_from": {"invalid": _("Enter the first day the candidate is available as 31/12/2026")},
    "hours_per_week": {"invalid": _("Enter the hours a week as a whole number, such as 24")},
    "consent_purpose": {"required": _("Enter what the candidate gives consent for")},
}


class CandidateCleaningMixin(_FormMixinBase):
    """The Dutch validation that registration and the import share."""

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"]
        if not value:
            return ""
        try:
            return normalise_postcode(value)
        except forms.ValidationError as refusal:
            raise forms.ValidationError(self.fields["postcode"].error_messages["invalid"], code="invalid") from refusal

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
        super().clean()
        cleaned = self.cleaned_data
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
        choices=reference_choices_of(ReferenceKind.BARRIER),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Preconditions that can stand in the way of taking part."),
    )
    consent = forms.BooleanField(
        label=_("The candidate consents to the processing of their data for this track"),
        required=True,
        help_text=_("Recorded with today's date and your name."),
        error_messages={"required": _("Tick that the candidate consents; without consent they cannot be registered")},
    )

    class Meta:
        model = Candidate
        fields = list(CANDIDATE_UPDATE_FIELDS)
        error_messages = CANDIDATE_ERROR_MESSAGES
        widgets = {
            "date_of_birth": DateInput(),
            "available_from": DateInput(),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        referring_organisation = cast(forms.ModelChoiceField, self.fields["referring_organisation"])
        referring_organisation.queryset = Organisation.objects.filter(kind__in=REFERRER_KINDS)
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

    available_days = forms.MultipleChoiceField(label=_("Available on"), choices=Weekday.choices, required=False)

    class Meta:
        model = Candidate
        # The template's columns, so a column added to the import is validated like registration does;
        # the referral source is set by the parser for every row.
        fields = [*(column.field for column in IMPORT_COLUMNS), "referral_source"]
        error_messages = CANDIDATE_ERROR_MESSAGES

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].required = True

    def validate_constraints(self) -> None:
        # Django checks a model's check constraints with one query each, which is eight queries a row for a list
        # of thousands. The candidate's constraints restate the choices its fields already validate in Python
        # (clean_fields), and its consent is set by the import, not the row; the database still enforces them all.
        return


# --- Screening, selection and the pipeline board ---------------------------------------------------

SCORE_CHOICES = [(score, str(score)) for score in range(1, 6)]


class AppointmentForm(forms.Form):
    """Plan a screening conversation: when, where, how long and with which adviser."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=5, max_value=480, initial=45)
    location = forms.CharField(
        label=_("Place"), max_length=200, help_text=_("An address and room, or “by phone” or “video call”.")
    )
    adviser = forms.ModelChoiceField(label=_("Adviser"), queryset=User.objects.none())

    def __init__(self, *args, advisers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["adviser"]).queryset = advisers
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(Div("date", css_class="col-sm-6"), Div("time", css_class="col-sm-6"), css_class="row"),
            Div(Div("duration_minutes", css_class="col-sm-4"), Div("location", css_class="col-sm-8"), css_class="row"),
            "adviser",
        )
        self.helper.add_input(Submit("plan", _("Plan the screening")))

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        day, moment = cleaned.get("date"), cleaned.get("time")
        if day and moment:
            starts_at = timezone.make_aware(datetime.datetime.combine(day, moment))
            if starts_at < timezone.now():
                self.add_error("date", _("A screening cannot be planned in the past."))
            cleaned["starts_at"] = starts_at
        return cleaned


class ScreeningForm(forms.Form):
    """The structured record of a screening: four scores from 1 to 5 with a note each."""

    screened_on = forms.DateField(label=_("Screened on"), widget=DateInput())
    barriers_met = forms.MultipleChoiceField(
        label=_("Barriers met"),
        choices=reference_choices_of(ReferenceKind.BARRIER),
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
            score_field = cast(models.Field, Screening._meta.get_field(f"{name}_score"))
            label = capfirst(score_field.verbose_name)
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
        label=_("Reason for dropping out"),
        choices=reference_choices_of(ReferenceKind.DROPOUT_REASON, blank="—"),
        required=False,
    )


class PromoteForm(forms.Form):
    """Promote the first reserve; a stale interest must be reconfirmed in the same step."""

    # Bounded like the ids it names, so that no posted number is too large to compare or store.
    enrolment = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    interest_reconfirmed = forms.BooleanField(label=_("Interest reconfirmed today"), required=False)


class EnrolmentChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.candidate.full_name} ({obj.get_status_display()})"


class CarryOverForm(forms.Form):
    """Carry candidates who were not selected or on reserve to another cohort, without re-entering them."""

    enrolments = EnrolmentChoiceField(label=_("Candidates"), queryset=None, widget=forms.CheckboxSelectMultiple)
    to_cohort = CohortChoiceField(label=_("To cohort"), queryset=None)

    def __init__(self, *args, enrolments, cohorts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["enrolments"]).queryset = enrolments
        cast(forms.ModelChoiceField, self.fields["to_cohort"]).queryset = cohorts
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("enrolments", "to_cohort")
        self.helper.add_input(Submit("carry_over", _("Carry over")))


class ImportUploadForm(forms.Form):
    """A referral list to check: the cohort it is for, the file, and the consent the referrer recorded.

    The file is read as a table here, so that a file that is not one is an error on this form; its rows are
    validated and the duplicates looked up for the preview.
    """

    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.none(),
        help_text=_("Everyone imported is registered for this cohort."),
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
    referring_organisation = forms.ModelChoiceField(
        label=_("Referring organisation"),
        queryset=Organisation.objects.filter(kind__in=REFERRER_KINDS),
        required=False,
        help_text=_("Recorded as the referrer of everyone imported: that organisation then sees their status."),
    )

    def __init__(self, *args, cohorts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["cohort"]).queryset = cohorts
        self.fields["file"].help_text = _(
            "CSV (separated by commas or semicolons) or XLSX, with the column names in the first row; at most %(size)s."
        ) % {"size": filesizeformat(max_import_bytes())}
        self.content = b""
        self.row_count = 0
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "cohort", "file", "referring_organisation", Fieldset(_("Consent"), "consent", "consent_purpose")
        )
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
            self.row_count = count_rows(content=content)
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
        queryset=Cohort.objects.none(),
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
            cast(forms.ModelChoiceField, self.fields["cohort"]).queryset = cohorts
            self.helper.layout.insert(len(self.helper.layout) - 1, Fieldset(_("Cohort"), "cohort"))
        if self.instance.pk and self.instance.has_consent:
            for name in ("consent", "consent_purpose"):
                self.fields[name].disabled = True
            self.fields["consent"].help_text = _("Consent was recorded before and stays recorded.")

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.anonymised_at is not None:
            # The person's data was erased: writing it again would undo the erasure.
            raise forms.ValidationError(ANONYMISED_REFUSAL, code="anonymised")
        return cleaned


class BsnWarningMixin(_FormMixinBase):
    """A note that seems to hold a citizen service number (BSN) is sent back once, asking to remove it.

    The portal keeps no BSN. Nine digits that pass the eleven-test are often something else (a client number),
    so the writer can tick that it is not a BSN and save after all.
    """

    bsn_numbers: list[str] = []

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        self.bsn_numbers = looks_like_bsn(cleaned.get("text") or "")
        if self.bsn_numbers and not cleaned.get("not_a_bsn"):
            self.add_error(
                "text",
                forms.ValidationError(
                    _(
                        "%(numbers)s looks like a citizen service number (BSN). The portal keeps no BSN: remove it, "
                        "or tick below that it is not a BSN."
                    ),
                    code="bsn",
                    params={"numbers": ", ".join(self.bsn_numbers)},
                ),
            )
        return cleaned


def _not_a_bsn_field() -> forms.BooleanField:
    return forms.BooleanField(label=_("This number is not a BSN, save the note anyway"), required=False)


class NoteForm(BsnWarningMixin, forms.Form):
    not_a_bsn = _not_a_bsn_field()
    text = forms.CharField(
        label=_("New note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visible to the advisers and coordinators of the candidate's pilots."),
    )


class CaseloadAdviserForm(forms.Form):
    """The first step of a hand-over: whose caseload."""

    from_adviser = forms.ModelChoiceField(
        label=_("Hand over candidates of"), queryset=User.objects.none(), empty_label=None
    )

    def __init__(self, *args, advisers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["from_adviser"]).queryset = advisers


class CandidateChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        if obj.date_of_birth:
            return f"{obj.full_name} ({date_format(obj.date_of_birth, 'SHORT_DATE_FORMAT')})"
        return obj.full_name


class CaseloadReassignForm(forms.Form):
    """Hand some or all candidates of one adviser to a colleague of the same organisation."""

    from_adviser = forms.ModelChoiceField(queryset=User.objects.none(), widget=forms.HiddenInput)
    all_candidates = forms.BooleanField(label=_("All candidates of this adviser"), required=False)
    candidates = CandidateChoiceField(
        label=_("Or only these candidates"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    to_adviser = forms.ModelChoiceField(label=_("Hand over to"), queryset=User.objects.none())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("Kept in each candidate's history, for example “leave until March”."),
    )

    def __init__(self, *args, from_advisers, caseload, to_advisers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["from_adviser"]).queryset = from_advisers
        cast(forms.ModelMultipleChoiceField, self.fields["candidates"]).queryset = caseload
        cast(forms.ModelChoiceField, self.fields["to_adviser"]).queryset = to_advisers

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("all_candidates") and not cleaned.get("candidates"):
            self.add_error("candidates", _("Tick the candidates to hand over, or choose all of them."))
        return cleaned

    def selected_candidates(self):
        if self.cleaned_data["all_candidates"]:
            return cast(forms.ModelMultipleChoiceField, self.fields["candidates"]).queryset
        return self.cleaned_data["candidates"]


# --- progress ---


def _date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), **kwargs)


def _not_in_future(day: datetime.date | None, message) -> datetime.date | None:
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(message)
    return day


class ModuleResultForm(forms.Form):
    """One cell of the results table: a candidate's result in one module of the cohort."""

    enrolment = forms.ModelChoiceField(queryset=Enrolment.objects.none(), widget=forms.HiddenInput)
    cohort_module = forms.ModelChoiceField(queryset=CohortModule.objects.none(), widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Result"), choices=ModuleResultStatus.choices)
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: today, for a decided result."),
    )

    def __init__(self, *args, enrolments: QuerySet[Enrolment], cohort_modules: QuerySet[CohortModule], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["enrolment"]).queryset = enrolments
        cast(forms.ModelChoiceField, self.fields["cohort_module"]).queryset = cohort_modules

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("A result cannot be dated on a day still to come."))
        return day


class EnrolmentCandidateChoiceField(forms.ModelChoiceField):
    """An enrolment, shown as the name of its candidate."""

    def label_from_instance(self, obj: Enrolment) -> str:
        return obj.candidate.full_name


class CertificateForm(forms.Form):
    """A certificate a candidate obtained; without a name the module's certificate name is taken."""

    enrolment = EnrolmentCandidateChoiceField(label=_("Candidate"), queryset=Enrolment.objects.none())
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
    issued_on = forms.DateField(label=_("Issued on"), initial=timezone.localdate, widget=DateInput())
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: a VCA certificate expires after ten years, others do not expire."),
    )

    def __init__(self, *args, enrolments, cohort_modules, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["enrolment"]).queryset = enrolments
        cast(forms.ModelChoiceField, self.fields["cohort_module"]).queryset = cohort_modules
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(Div("enrolment", css_class="col-md-6"), Div("cohort_module", css_class="col-md-6"), css_class="row"),
            Div(Div("name", css_class="col-md-6"), Div("number", css_class="col-md-6"), css_class="row"),
            Div(Div("issued_on", css_class="col-md-6"), Div("expires_on", css_class="col-md-6"), css_class="row"),
        )
        self.helper.add_input(Submit("record_certificate", _("Record the certificate")))


# The coaching team writes as one of these; an adviser always writes as the adviser.
TEAM_COACH_KINDS = (CoachKind.JOB_COACH, CoachKind.WORK_COACH, CoachKind.TRAINER)


class CoachingNoteForm(BsnWarningMixin, forms.Form):
    """A coaching note. Advisers get neither choice: their notes are written as adviser and shared."""

    not_a_bsn = _not_a_bsn_field()

    coach_kind = forms.ChoiceField(label=_("Written as"))
    visibility = forms.ChoiceField(
        label=_("Visible to"),
        choices=NoteVisibility.choices,
        initial=NoteVisibility.COACHING_TEAM,
        widget=forms.RadioSelect,
        help_text=_("Host employers never read coaching notes."),
    )
    text = forms.CharField(label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, writes_as_adviser: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if writes_as_adviser:
            del self.fields["coach_kind"]
            del self.fields["visibility"]
            self.fields["text"].help_text = _("Shared with the coaching team and the advisers of the pilot.")
        else:
            cast(forms.ChoiceField, self.fields["coach_kind"]).choices = [
                (kind.value, kind.label) for kind in TEAM_COACH_KINDS
            ]


class EvaluationForm(forms.Form):
    """The evaluation itself; the goals are a formset beside it."""

    held_on = _date_field(_("Held on"))
    attendance_note = forms.CharField(
        label=_("Note on attendance"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    advice = forms.ChoiceField(
        label=_("Advice of the coach"), choices=EvaluationAdvice.choices, widget=forms.RadioSelect
    )
    next_step = forms.CharField(label=_("Next step"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate

    def clean_held_on(self):
        return _not_in_future(self.cleaned_data["held_on"], _("An evaluation is recorded after it was held."))


class EvaluationGoalForm(forms.Form):
    """One goal row; a row left empty is skipped, so the fields are checked together in clean()."""

    goal = forms.CharField(label=_("Goal"), max_length=255, required=False)
    score = forms.TypedChoiceField(
        label=_("Progress"),
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("1 is no progress, 5 is reached."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        goal, score = (cleaned.get("goal") or "").strip(), cleaned.get("score")
        if goal and score is None:
            self.add_error("score", _("Score the progress from 1 to 5."))
        if not goal and (score is not None or (cleaned.get("note") or "").strip()):
            self.add_error("goal", _("Describe the goal."))
        return cleaned


class BaseEvaluationGoalFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if not any(self.errors) and not self.goals():
            raise forms.ValidationError(_("Describe at least one goal and score its progress."))

    def goals(self) -> list[dict]:
        """The filled rows, as evaluation_record takes them."""
        return [
            {
                "goal": form.cleaned_data["goal"].strip(),
                "score": form.cleaned_data["score"],
                "note": form.cleaned_data["note"],
            }
            for form in self.forms
            if form.cleaned_data.get("goal", "").strip()
        ]


EVALUATION_GOAL_ROWS = 3
# The factory makes a subclass of the formset it is given; the stubs type it as a plain BaseFormSet.
EvaluationGoalFormSet = cast(
    type[BaseEvaluationGoalFormSet],
    forms.formset_factory(
        EvaluationGoalForm,
        formset=BaseEvaluationGoalFormSet,
        extra=EVALUATION_GOAL_ROWS,
        max_num=EVALUATION_GOAL_ROWS,
        validate_max=True,
        # A tampered form count builds no more forms than the page has rows.
        absolute_max=EVALUATION_GOAL_ROWS,
    ),
)


class EnrolmentCompleteForm(forms.Form):
    on_date = _date_field(_("Completed on"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on_date"].initial = timezone.localdate

    def clean_on_date(self):
        return _not_in_future(self.cleaned_data["on_date"], _("A track is completed on a day that has come."))


class EnrolmentDropOutForm(forms.Form):
    """Leaving early with a reason; with “found work elsewhere” the job's details make it outflow to work."""

    reason = forms.ChoiceField(
        label=_("Reason"), choices=reference_choices_of(ReferenceKind.DROPOUT_REASON, blank=_("Choose a reason"))
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required with the reason “other”."),
    )
    on_date = _date_field(_("Left on"))
    employer_name = forms.CharField(label=_("Employer"), max_length=200, required=False)
    start_date = _date_field(_("Start date"), required=False)
    hours_per_week = forms.IntegerField(label=_("Hours a week"), min_value=1, max_value=60, required=False)
    contract_type = forms.ChoiceField(
        label=_("Contract type"), choices=[("", "—"), *ContractType.choices], required=False
    )

    FOUND_WORK_FIELDS = ("employer_name", "start_date", "hours_per_week", "contract_type")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on_date"].initial = timezone.localdate

    def clean_on_date(self):
        return _not_in_future(self.cleaned_data["on_date"], _("Someone leaves the track on a day that has come."))

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        reason = cleaned.get("reason")
        if reason == DropoutReason.OTHER and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Describe the reason in the note."))
        if reason == DropoutReason.FOUND_WORK:
            if not (cleaned.get("employer_name") or "").strip():
                self.add_error("employer_name", _("Name the employer where the candidate found work."))
            if not cleaned.get("start_date"):
                self.add_error("start_date", _("Give the first working day."))
        return cleaned

    def found_work(self) -> dict | None:
        """The job's details for enrolment_drop_out, only with the reason that asks for them."""
        if self.cleaned_data["reason"] != DropoutReason.FOUND_WORK:
            return None
        return {name: self.cleaned_data[name] for name in self.FOUND_WORK_FIELDS}


class HostChoiceField(forms.ModelChoiceField):
    """A host employer, shown as the name of its organisation."""

    def label_from_instance(self, obj) -> str:
        return obj.organisation.name


class OutflowForm(forms.Form):
    """Where the candidate went after the track; a contract at the host names one of the enrolment's hosts."""

    kind = forms.ChoiceField(label=_("Outcome"), choices=OutcomeKind.choices, widget=forms.RadioSelect)
    employer = HostChoiceField(
        label=_("Host employer"),
        queryset=None,
        required=False,
        help_text=_("For a contract at the host: one of the hosts of the candidate's placements."),
    )
    employer_name = forms.CharField(
        label=_("Employer or school"),
        max_length=200,
        required=False,
        help_text=_("For a job elsewhere, education or volunteer work."),
    )
    contract_type = forms.ChoiceField(
        label=_("Contract type"), choices=[("", "—"), *ContractType.choices], required=False
    )
    education_level = forms.TypedChoiceField(
        label=_("MBO level"),
        choices=[("", "—"), *((level, str(level)) for level in range(1, 5))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    start_date = _date_field(_("Start date"), required=False)
    hours_per_week = forms.IntegerField(label=_("Hours a week"), min_value=1, max_value=60, required=False)
    next_step = forms.CharField(
        label=_("Next step"),
        max_length=255,
        required=False,
        help_text=_("For example BBL to pedagogisch medewerker level 3."),
    )

    def __init__(self, *args, hosts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["employer"]).queryset = hosts

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        kind = cleaned.get("kind")
        if kind == OutcomeKind.CONTRACT_AT_HOST and cleaned.get("employer") is None and not self.has_error("employer"):
            self.add_error("employer", _("A contract at the host needs the host employer."))
        if kind in OUTCOMES_WITH_MBO_LEVEL and cleaned.get("education_level") is None:
            self.add_error("education_level", _("Give the MBO level of the education."))
        return cleaned

    def outflow_values(self) -> dict:
        """The keyword arguments of outflow_record; a host is kept only with a contract at the host."""
        values = dict(self.cleaned_data)
        if values["kind"] != OutcomeKind.CONTRACT_AT_HOST:
            values["employer"] = None
        return values


# The answers to "still working?"; "not reached" records the follow-up without an answer.
STILL_WORKING_CHOICES = [
    ("yes", _("Yes, still working")),
    ("no", _("No, no longer working")),
    ("unknown", _("Not reached")),
]
YES_NO_CHOICES = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]
_ANSWER_VALUES = {"yes": True, "no": False, "unknown": None, "": None}


class FollowUpForm(forms.Form):
    """The answer of a follow-up: still working, with the same employer, how many hours."""

    still_working = forms.ChoiceField(
        label=_("Still working?"), choices=STILL_WORKING_CHOICES, widget=forms.RadioSelect
    )
    same_employer = forms.ChoiceField(
        label=_("With the same employer?"), choices=YES_NO_CHOICES, required=False, widget=forms.RadioSelect
    )
    hours_per_week = forms.IntegerField(label=_("Hours a week"), min_value=1, max_value=60, required=False)
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the person was not reached."),
    )
    on_date = _date_field(_("Asked on"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on_date"].initial = timezone.localdate

    def clean_on_date(self):
        return _not_in_future(self.cleaned_data["on_date"], _("A follow-up is recorded after it was held."))

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        answer = cleaned.get("still_working")
        if answer == "unknown" and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Note why there is no answer, for example that the person was not reached."))
        if answer in ("no", "unknown"):
            if cleaned.get("same_employer"):
                self.add_error("same_employer", _("Only for someone who still works."))
            if cleaned.get("hours_per_week") is not None:
                self.add_error("hours_per_week", _("Only for someone who still works."))
        return cleaned

    def followup_values(self) -> dict:
        """The keyword arguments of followup_record."""
        return {
            "still_working": _ANSWER_VALUES[self.cleaned_data["still_working"]],
            "same_employer": _ANSWER_VALUES[self.cleaned_data["same_employer"]],
            "hours_per_week": self.cleaned_data["hours_per_week"],
            "note": self.cleaned_data["note"],
            "on_date": self.cleaned_data["on_date"],
        }
