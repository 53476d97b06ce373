from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from pilots.models import Organisation, OrganisationKind

from .models import BarrierKind, Candidate, Weekday
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
        if not cleaned.get("email") and not cleaned.get("phone"):
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
