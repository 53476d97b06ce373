"""Forms of the employer side: what a host employer fills in. The services decide; these check the input."""

from datetime import date
from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from candidates.models import Candidate, ContractType
from candidates.validators import normalise_phone, normalise_postcode
from core.fields import ModelMultipleChoiceField
from core.forms import DateInput
from pilots.forms import CohortChoiceField, reference_choices_of
from pilots.models import Cohort, Organisation, ReferenceKind

from .models import ContractTerm, DeclineReason, Employer, EmployerLocation, EndReason, validate_kvk_number
from .selectors import EmployerPlaces
from .services import MAX_CONTRACT_HOURS

# Large enough for the leerlingpoule's 52 places with room to grow, small enough to catch a typing slip.
MAX_PLACES = 500


def _helper(*layout) -> FormHelper:
    # The buttons live in the templates, so each page can make its main action the big one.
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper


class _ReasonForm(forms.Form):
    """A reason from a list, with a note that "other" needs."""

    note = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you choose “Other”."),
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("reason") == "other" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Describe the reason in a few words."))
        return cleaned


class HostDeclineForm(_ReasonForm):
    reason = forms.ChoiceField(
        label=_("Why can you not take this candidate?"),
        choices=[("", _("Choose a reason")), *DeclineReason.choices],
    )

    field_order = ["reason", "note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("reason", "note")


class HostEndForm(_ReasonForm):
    reason = forms.ChoiceField(
        label=_("Why does the internship end?"),
        choices=[("", _("Choose a reason")), *EndReason.choices],
    )
    on_date = forms.DateField(
        label=_("Last day"),
        widget=DateInput(),
    )

    field_order = ["reason", "on_date", "note"]

    def __init__(self, *args, start_date: date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.start_date = start_date
        self.fields["on_date"].initial = timezone.localdate()
        self.helper = _helper("reason", Div(Div("on_date", css_class="col-sm-6"), css_class="row"), "note")

    def clean_on_date(self) -> date:
        on_date = self.cleaned_data["on_date"]
        if on_date > timezone.localdate():
            raise forms.ValidationError(_("The last day cannot be in the future; record the end on that day or later."))
        if self.start_date is not None and on_date < self.start_date:
            raise forms.ValidationError(_("The last day cannot be before the start of the internship."))
        return on_date


class HostSeatOfferForm(forms.Form):
    """Places for one cohort at one location (or the organisation as a whole): a new offer or a changed one."""

    cohort = CohortChoiceField(label=_("Cohort"), queryset=Cohort.objects.none(), empty_label=_("Choose a cohort"))
    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=EmployerLocation.objects.none(),
        required=False,
        empty_label=_("No particular location"),
    )
    places = forms.IntegerField(
        label=_("Number of internship places"),
        min_value=1,
        max_value=MAX_PLACES,
        help_text=_("The total for this cohort and location. You can raise it at any time."),
    )

    def __init__(self, *args, cohorts: QuerySet[Cohort], locations: QuerySet[EmployerLocation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["cohort"]).queryset = cohorts
        cast(forms.ModelChoiceField, self.fields["location"]).queryset = locations
        self.fields["places"].widget.attrs.update({"inputmode": "numeric"})
        self.helper = _helper(
            Div(
                Div("cohort", css_class="col-md-5"),
                Div("location", css_class="col-md-4"),
                Div("places", css_class="col-md-3"),
                css_class="row",
            )
        )


class HostContractOfferForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of contract"), choices=[("", _("Choose")), *ContractType.choices])
    contract_type = forms.ChoiceField(label=_("Contract type"), choices=[("", _("Choose")), *ContractTerm.choices])
    duration_months = forms.IntegerField(
        label=_("Duration in months"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("Required for a fixed-term contract."),
    )
    hours_per_week = forms.IntegerField(label=_("Hours a week"), min_value=1, max_value=MAX_CONTRACT_HOURS)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    note = forms.CharField(
        label=_("Note for the adviser"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("duration_months", "hours_per_week"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric"})
        self.helper = _helper(
            "kind",
            Div(
                Div("contract_type", css_class="col-md-6"),
                Div("duration_months", css_class="col-md-6"),
                css_class="row",
            ),
            Div(
                Div("hours_per_week", css_class="col-md-6"),
                Div("start_date", css_class="col-md-6"),
                css_class="row",
            ),
            "note",
        )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("contract_type") == ContractTerm.FIXED_TERM and not cleaned.get("duration_months"):
            self.add_error("duration_months", _("A fixed-term contract needs its duration in months."))
        if cleaned.get("contract_type") not in (None, ContractTerm.FIXED_TERM):
            # A duration of a permanent or on-call contract means nothing; keep it out of the record.
            cleaned["duration_months"] = None
        return cleaned


# --- adviser side ---


def places_label(row) -> str:
    """An employer with the places it has left for the cohort, as the adviser's selects show it."""
    return ngettext(
        "%(employer)s – %(remaining)s of %(offered)s place left",
        "%(employer)s – %(remaining)s of %(offered)s places left",
        row.offered,
    ) % {"employer": row.employer.name, "remaining": row.remaining, "offered": row.offered}


class HostPlacesChoiceField(forms.ModelChoiceField):
    """An employer with the places it has left for the cohort; the form gives each employer's row."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.places: dict[int, EmployerPlaces] = {}

    def label_from_instance(self, obj: Employer) -> str:
        return places_label(self.places[obj.pk])


class LocationChoiceField(forms.ModelChoiceField):
    """A location, named with its employer."""

    def label_from_instance(self, obj: EmployerLocation) -> str:
        return f"{obj.employer.name} – {obj}"


class PlacementPeriodForm(forms.Form):
    """What every proposal tells the host besides the candidate: the days a week and the period."""

    days_per_week = forms.IntegerField(label=_("Days per week"), min_value=1, max_value=5)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), widget=DateInput(), required=False)

    def set_cohort_defaults(self, cohort) -> None:
        # The pilot's internship rhythm and the cohort's period are right for almost every proposal.
        self.fields["days_per_week"].initial = cohort.pilot.internship_days_per_week or None
        self.fields["start_date"].initial = max(cohort.start_date, timezone.localdate())
        self.fields["end_date"].initial = cohort.end_date

    def period_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("days_per_week", "start_date", "end_date")}

    def period_layout(self) -> Div:
        return Div(
            Div("days_per_week", css_class="col-sm-4"),
            Div("start_date", css_class="col-sm-4"),
            Div("end_date", css_class="col-sm-4"),
            css_class="row",
        )


class PlacementProposeForm(PlacementPeriodForm):
    """Propose one candidate to one host employer that offered places for the cohort."""

    employer = HostPlacesChoiceField(label=_("Employer"), queryset=None, empty_label=_("Choose an employer"))
    location = LocationChoiceField(
        label=_("Location"), queryset=None, required=False, empty_label=_("No particular location")
    )
    supervisor_name = forms.CharField(
        label=_("Supervisor (werkbegeleider)"),
        max_length=200,
        required=False,
        help_text=_(
            "The person who coaches the candidate on the work floor, when already known. Left empty, it is the "
            "supervisor of the chosen location."
        ),
    )
    motivation = forms.CharField(
        label=_("Motivation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "A few sentences on why this candidate fits this place. Leave out benefits, health and other "
            "personal circumstances."
        ),
    )

    field_order = ["employer", "location", "supervisor_name", "days_per_week", "start_date", "end_date", "motivation"]

    def __init__(self, *args, places, employers, locations, cohort, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        by_employer = {row.employer.pk: row for row in places}
        # Only hosts with a free place can be chosen (the one capacity rule, employers.lifecycle); the full ones
        # are named, so the adviser knows whom to ask for another place.
        employer = cast(HostPlacesChoiceField, self.fields["employer"])
        employer.queryset = employers.filter(pk__in=[pk for pk, row in by_employer.items() if row.remaining > 0])
        employer.places = by_employer
        full = sorted(row.employer.name for row in places if row.remaining == 0)
        if full:
            employer.help_text = _(
                "No free place at: %(hosts)s. Ask the host for another place, or choose another host."
            ) % {"hosts": ", ".join(full)}
        cast(forms.ModelChoiceField, self.fields["location"]).queryset = locations
        self.set_cohort_defaults(cohort)
        self.helper = _helper("employer", "location", "supervisor_name", self.period_layout(), "motivation")
        self.helper.add_input(Submit("propose", _("Send the proposal")))

    def placement_details(self) -> dict:
        """The keyword arguments placement_propose takes besides the enrolment and the employer."""
        return {
            **self.period_values(),
            "location": self.cleaned_data["location"],
            "supervisor_name": self.cleaned_data["supervisor_name"],
            "motivation": self.cleaned_data["motivation"],
        }


class SeatOfferOnBehalfForm(forms.Form):
    """An adviser or coordinator records the places an employer offered a cohort, by phone or by mail."""

    employer = forms.ModelChoiceField(
        label=_("Employer"), queryset=Employer.objects.none(), empty_label=_("Choose an employer")
    )
    location = LocationChoiceField(
        label=_("Location"), queryset=None, required=False, empty_label=_("No particular location")
    )
    places = forms.IntegerField(
        label=_("Number of internship places"),
        min_value=1,
        max_value=MAX_PLACES,
        help_text=_(
            "The total for this cohort at this location; it replaces the earlier offer there. "
            "Offers may grow during recruitment."
        ),
    )

    def __init__(self, *args, employers, locations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["employer"]).queryset = employers
        cast(forms.ModelChoiceField, self.fields["location"]).queryset = locations
        self.fields["places"].widget.attrs.update({"inputmode": "numeric"})
        self.helper = _helper("employer", "location", "places")
        self.helper.add_input(Submit("save", _("Record the offer")))


class VacancyForm(forms.Form):
    """One joint vacancy for several host employers of a cohort."""

    cohort = CohortChoiceField(label=_("Cohort"), queryset=None, empty_label=_("Choose a cohort"))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    published_on = forms.DateField(label=_("Published on"), widget=DateInput())
    closes_on = forms.DateField(
        label=_("Closes on"), required=False, widget=DateInput(), help_text=_("Empty: no fixed closing date.")
    )
    employers = ModelMultipleChoiceField(
        label=_("Participating employers"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Employers that offered places for the cohort or take part in its pilot."),
    )

    def __init__(self, *args, cohorts, employers, employers_for, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.employers_for = employers_for
        cast(forms.ModelChoiceField, self.fields["cohort"]).queryset = cohorts
        cast(forms.ModelMultipleChoiceField, self.fields["employers"]).queryset = employers
        self.fields["published_on"].initial = timezone.localdate
        self.helper = _helper(
            "cohort",
            "title",
            "description",
            Div(Div("published_on", css_class="col-sm-6"), Div("closes_on", css_class="col-sm-6"), css_class="row"),
            "employers",
        )
        self.helper.add_input(Submit("create", _("Publish the vacancy")))

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        cohort, employers = cleaned.get("cohort"), cleaned.get("employers")
        if cohort is not None and employers:
            allowed = set(self.employers_for(cohort).values_list("pk", flat=True))
            outside = [employer.name for employer in employers if employer.pk not in allowed]
            if outside:
                self.add_error(
                    "employers",
                    _("%(employers)s did not offer places for this cohort and do not take part in its pilot.")
                    % {"employers": ", ".join(outside)},
                )
        return cleaned


class CandidateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Candidate) -> str:
        # Two people with the same name are told apart by their date of birth.
        if obj.date_of_birth:
            return f"{obj.full_name} ({date_format(obj.date_of_birth, 'SHORT_DATE_FORMAT')})"
        return obj.full_name


class VacancyApplyForm(forms.Form):
    """An adviser records a candidate's application to a joint vacancy."""

    candidate = CandidateChoiceField(label=_("Candidate"), queryset=None, empty_label=_("Choose a candidate"))
    applied_on = forms.DateField(label=_("Applied on"), widget=DateInput())

    def __init__(self, *args, candidates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["candidate"]).queryset = candidates
        self.fields["applied_on"].initial = timezone.localdate


class VacancyDistributeForm(PlacementPeriodForm):
    """Each selected applicant without a placement gets one of the participating employers, or none yet."""

    FIELD_PREFIX = "employer_"

    def __init__(self, *args, applications, places, cohort, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.applications = list(applications)
        self.employers = {row.employer.pk: row.employer for row in places}
        choices = [("", _("Not now")), *((str(row.employer.pk), places_label(row)) for row in places)]
        for application in self.applications:
            self.fields[self.field_name(application)] = forms.ChoiceField(
                label=application.enrolment.candidate.full_name,
                choices=choices,
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        self.set_cohort_defaults(cohort)

    def field_name(self, application) -> str:
        return f"{self.FIELD_PREFIX}{application.enrolment_id}"

    def rows(self) -> list[tuple]:
        """Each applicant with their select, for the table on the page."""
        return [(application, self[self.field_name(application)]) for application in self.applications]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.assignments():
            raise forms.ValidationError(_("Choose an employer for at least one applicant."))
        return cleaned

    def assignments(self) -> list[tuple]:
        """The (enrolment, employer) pairs to propose, in the order of the list."""
        pairs = []
        for application in self.applications:
            value = self.cleaned_data.get(self.field_name(application))
            if value:
                pairs.append((application.enrolment, self.employers[int(value)]))
        return pairs


class ContractOfferAnswerForm(forms.Form):
    ACCEPTED = "accepted"
    DECLINED = "declined"

    answer = forms.ChoiceField(label=_("Answer"), choices=[(ACCEPTED, _("Accepted")), (DECLINED, _("Declined"))])

    @property
    def accepted(self) -> bool:
        return self.cleaned_data["answer"] == self.ACCEPTED


class AdviserPlacementEndForm(forms.Form):
    """End a confirmed or active placement early from the adviser's side; "other" needs a note."""

    reason = forms.ChoiceField(label=_("Reason for ending"), choices=[("", _("Choose a reason")), *EndReason.choices])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


# --- The coordinator's set-up of cohorts and hosts (employers/views_cohort_setup.py, views_host_setup.py) -------


class CohortCopyForm(forms.Form):
    """The next round of a cohort: its name and new start date; the other dates keep their distance."""

    name = forms.CharField(label=_("Name of the new cohort"), max_length=100)
    start_date = forms.DateField(
        label=_("Start date of the new cohort"),
        widget=DateInput(),
        help_text=_("The end date and the dates of the classes move along and keep their distance to the start."),
    )

    def __init__(self, *args, cohort: Cohort, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.helper = _helper(
            Div(Div("name", css_class="col-sm-7"), Div("start_date", css_class="col-sm-5"), css_class="row")
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Cohort.objects.filter(pilot_id=self.cohort.pilot_id, name=name).exists():
            raise forms.ValidationError(_("This pilot already has a cohort with this name."))
        return name


class EmployerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Employer) -> str:
        city = obj.organisation.city
        return f"{obj.name} ({city})" if city else obj.name


class HostAddForm(forms.Form):
    """An employer already registered in the portal becomes a host of the pilot."""

    employer = EmployerChoiceField(
        label=_("Host employer"), queryset=Employer.objects.none(), empty_label=_("Choose an employer")
    )

    def __init__(self, *args, employers: QuerySet[Employer], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["employer"]).queryset = employers
        self.helper = _helper("employer")


class HostCreateForm(forms.Form):
    """An organisation already in the portal becomes a host employer, with its KvK number and sector."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=_("Choose an organisation")
    )
    kvk_number = forms.CharField(
        label=_("KvK number"),
        # Room for the spaces people type between the digits; clean_kvk_number takes them out.
        max_length=12,
        help_text=_("The eight digits of the Chamber of Commerce registration."),
    )
    # The active items of the sector list, read when the form is used: a sector a coordinator adds is offered at once.
    sector = forms.ChoiceField(
        label=_("Sector"), choices=reference_choices_of(ReferenceKind.SECTOR, blank=_("Choose a sector"))
    )

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        self.fields["kvk_number"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.helper = _helper(
            "organisation",
            Div(Div("kvk_number", css_class="col-sm-5"), Div("sector", css_class="col-sm-7"), css_class="row"),
        )

    def clean_kvk_number(self) -> str:
        number = "".join(self.cleaned_data["kvk_number"].split())
        validate_kvk_number(number)
        if Employer.objects.filter(kvk_number=number).exists():
            raise forms.ValidationError(_("A host employer with this KvK number is already registered."))
        return number


class EmployerLocationForm(forms.ModelForm):
    """A location of a host employer and its supervisor (werkbegeleider)."""

    class Meta:
        model = EmployerLocation
        fields = ["name", "street", "postcode", "city", "supervisor_name", "supervisor_phone", "supervisor_email"]

    def __init__(self, *args, employer: Employer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.employer = employer
        self.fields["postcode"].widget.attrs.update({"autocomplete": "postal-code"})
        self.fields["supervisor_phone"].widget.attrs.update({"type": "tel", "autocomplete": "off"})
        self.helper = _helper(
            "name",
            Div(
                Div("street", css_class="col-md-6"),
                Div("postcode", css_class="col-md-2"),
                Div("city", css_class="col-md-4"),
                css_class="row",
            ),
            Div(
                Div("supervisor_name", css_class="col-md-4"),
                Div("supervisor_phone", css_class="col-md-4"),
                Div("supervisor_email", css_class="col-md-4"),
                css_class="row",
            ),
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if EmployerLocation.objects.filter(employer=self.employer, name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This employer already has a location with this name."))
        return name

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"]
        return normalise_postcode(postcode) if postcode.strip() else ""

    def clean_supervisor_phone(self) -> str:
        phone = self.cleaned_data["supervisor_phone"]
        return normalise_phone(phone) if phone.strip() else ""
