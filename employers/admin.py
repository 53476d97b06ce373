from typing import TYPE_CHECKING, TypedDict, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from candidates.selectors import SeatCounts, with_seat_counts
from core.admin import (
    HistoryAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyTabularInline,
    TransitionActionForm,
    adopt,
    model_field_names,
    posted_action_value,
    refusal_of,
    register_history,
    transition_action,
)
from core.fields import ModelMultipleChoiceField
from core.models import User
from pilots import admin as pilots_admin
from pilots.forms import reference_choices_of
from pilots.models import Cohort, ReferenceKind

from .models import (
    ContractOffer,
    ContractOfferStatus,
    DeclineReason,
    Employer,
    EmployerLocation,
    EndReason,
    JointVacancy,
    Placement,
    PlacementStatus,
    PlacementTransition,
    SeatOffer,
    SeatOfferChange,
    VacancyApplication,
)
from .services import (
    contract_offer_answer,
    contract_offer_record,
    contract_offer_withdraw,
    placement_propose,
    placement_transition,
    seat_offer_set,
    vacancy_create,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


# What a proposal carries besides the enrolment and the employer; also what stays editable afterwards.
PLACEMENT_DETAIL_FIELDS = (
    "kind",
    "location",
    "supervisor_name",
    "days_per_week",
    "start_date",
    "end_date",
    "motivation",
)


def _placement_details(cleaned_data: dict) -> dict:
    return {name: cleaned_data[name] for name in PLACEMENT_DETAIL_FIELDS if name in cleaned_data}


class EmployerLocationInline(admin.TabularInline):
    model = EmployerLocation
    extra = 0
    fields = ("name", "street", "postcode", "city", "supervisor_name", "supervisor_phone", "supervisor_email")


class EmployerSeatOfferInline(ReadOnlyTabularInline):
    """Offers change on their own page, through seat_offer_set, so every change is kept."""

    model = SeatOffer
    fields = ("cohort", "location", "places")
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cohort__pilot", "location")


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("name", "kvk_number", "sector", "city")
    list_filter = (pilots_admin.reference_filter("sector", ReferenceKind.SECTOR), "organisation__region")
    list_select_related = ("organisation",)
    search_fields = ("organisation__name", "kvk_number", "organisation__city")
    autocomplete_fields = ("organisation",)
    inlines = (EmployerLocationInline, EmployerSeatOfferInline)

    @admin.display(description=_("name"), ordering="organisation__name")
    def name(self, obj: Employer) -> str:
        return obj.organisation.name

    @admin.display(description=_("city"), ordering="organisation__city")
    def city(self, obj: Employer) -> str:
        return obj.organisation.city

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # The sector is a code of the sector list (reference data), chosen from its active items.
        if db_field.name == "sector":
            return forms.ChoiceField(label=_("sector"), choices=reference_choices_of(ReferenceKind.SECTOR))
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(EmployerLocation)
class EmployerLocationAdmin(admin.ModelAdmin):
    list_display = ("name", "employer", "street", "postcode", "city", "supervisor_name")
    list_filter = ("city",)
    list_select_related = ("employer__organisation",)
    search_fields = ("name", "street", "postcode", "city", "employer__organisation__name", "supervisor_name")
    autocomplete_fields = ("employer",)


# Who, for which cohort and where are fixed once offered; only the number of places changes.
SEAT_OFFER_KEY_FIELDS = ("employer", "cohort", "location")


class SeatOfferForm(forms.ModelForm):
    by_user: User | None = None  # the person saving; set per request by SeatOfferAdmin.get_form

    class Meta:
        model = SeatOffer
        fields = (*SEAT_OFFER_KEY_FIELDS, "places")

    def clean(self):
        super().clean()
        cleaned_data = self.cleaned_data
        if self.errors:
            return cleaned_data
        key = {name: cleaned_data.get(name, getattr(self.instance, name, None)) for name in SEAT_OFFER_KEY_FIELDS}
        refusal = refusal_of(seat_offer_set, **key, places=cleaned_data["places"], by_user=self.by_user)
        if refusal:
            raise ValidationError(str(refusal))
        return cleaned_data


class SeatOfferChangeInline(ReadOnlyTabularInline):
    model = SeatOfferChange
    fields = ("at", "from_places", "to_places", "by_user")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by_user")


@admin.register(SeatOffer)
class SeatOfferAdmin(admin.ModelAdmin):
    """Offers are made and changed through seat_offer_set, which keeps the history of every change."""

    form = SeatOfferForm
    list_display = ("employer", "cohort", "location", "places")
    list_filter = ("cohort__pilot",)
    list_select_related = ("employer__organisation", "cohort__pilot", "location")
    search_fields = ("employer__organisation__name", "cohort__name", "cohort__pilot__name", "location__name")
    autocomplete_fields = ("employer", "cohort", "location")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = cast(type[SeatOfferForm], super().get_form(request, obj, change=change, **kwargs))
        form.by_user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        return SEAT_OFFER_KEY_FIELDS if obj is not None else ()

    def get_inlines(self, request, obj):
        return (SeatOfferChangeInline,) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        offer = seat_offer_set.within(
            employer=obj.employer, cohort=obj.cohort, location=obj.location, places=obj.places, by_user=request.user
        )
        adopt(obj, offer)


@admin.register(SeatOfferChange)
class SeatOfferChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("seat_offer", "from_places", "to_places", "by_user", "at")
    list_filter = ("seat_offer__cohort__pilot",)
    list_select_related = (
        "seat_offer__employer__organisation",
        "seat_offer__cohort__pilot",
        "seat_offer__location",
        "by_user",
    )
    search_fields = ("seat_offer__employer__organisation__name", "seat_offer__cohort__name")
    date_hierarchy = "at"


class CohortSeatOfferInline(ReadOnlyTabularInline):
    """Offers change on their own page, through seat_offer_set: the capacity rule holds and every change is kept."""

    model = SeatOffer
    fields = ("employer", "location", "places")
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("employer__organisation", "location")


@admin.register(Cohort)
class CohortAdmin(pilots_admin.CohortAdmin):
    """The cohort of pilots/admin.py with its seats taken and the seat offers of its hosts: registered here, in the
    highest app it shows."""

    list_display = (*pilots_admin.CohortAdmin.list_display, "seats_taken")
    inlines = (*pilots_admin.CohortAdmin.inlines, CohortSeatOfferInline)

    def get_queryset(self, request):
        # Counted in the same query as the rows, so the list runs no query per cohort.
        return with_seat_counts(super().get_queryset(request))

    @admin.display(description=_("seats taken"), ordering="selected_count")
    def seats_taken(self, obj: "WithAnnotations[Cohort, SeatCounts]") -> int:
        return obj.selected_count


class PlacementForm(forms.ModelForm):
    by_user: User | None = None  # the person saving; set per request by PlacementAdmin.get_form

    class Meta:
        model = Placement
        fields = ("enrolment", "employer", *PLACEMENT_DETAIL_FIELDS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and "location" in self.fields:
            location = cast(forms.ModelChoiceField, self.fields["location"])
            location.queryset = EmployerLocation.objects.filter(employer_id=self.instance.employer_id)

    def clean(self):
        super().clean()
        cleaned_data = self.cleaned_data
        employer = cleaned_data.get("employer")
        location = cleaned_data.get("location")
        if employer is not None and location is not None and location.employer_id != employer.pk:
            self.add_error("location", _("Choose a location of this employer."))
        if self.instance.pk is None and not self.errors:
            refusal = refusal_of(
                placement_propose,
                enrolment=cleaned_data["enrolment"],
                employer=employer,
                by_user=self.by_user,
                **_placement_details(cleaned_data),
            )
            if refusal:
                raise ValidationError(str(refusal))
        return cleaned_data


class PlacementTransitionInline(ReadOnlyTabularInline):
    model = PlacementTransition
    fields = ("at", "from_status", "to_status", "by_user", "reason")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by_user")


class PlacementActionForm(TransitionActionForm):
    """The action menu, with the listed reasons for declining and ending beside the free text."""

    decline_reason = forms.ChoiceField(
        label=_("Reason for declining"), choices=[("", "---------"), *DeclineReason.choices], required=False
    )
    end_reason = forms.ChoiceField(
        label=_("Reason for ending"), choices=[("", "---------"), *EndReason.choices], required=False
    )


def _move_placement(placement: Placement, status: str, request) -> None:
    placement_transition.within(
        placement=placement,
        to_status=status,
        by_user=request.user,
        reason=posted_action_value(request, "reason"),
        decline_reason=posted_action_value(request, "decline_reason") if status == PlacementStatus.DECLINED else "",
        end_reason=posted_action_value(request, "end_reason") if status == PlacementStatus.ENDED else "",
    )


@admin.register(Placement)
class PlacementAdmin(HistoryAdmin):
    """Placements are proposed through placement_propose and move only through placement_transition."""

    form = PlacementForm
    list_display = ("candidate", "employer", "cohort", "kind", "status", "start_date", "end_date", "location")
    list_filter = ("status", "kind", "enrolment__cohort__pilot")
    list_select_related = ("enrolment__candidate", "enrolment__cohort__pilot", "employer__organisation", "location")
    search_fields = (
        "enrolment__candidate__first_name",
        "enrolment__candidate__last_name",
        "employer__organisation__name",
        "supervisor_name",
    )
    # The location is a plain list: on the change page it holds only the employer's own locations.
    autocomplete_fields = ("enrolment", "employer")
    date_hierarchy = "created_at"
    action_form = PlacementActionForm
    actions = (
        transition_action(PlacementStatus.CONFIRMED, _("Confirm"), _move_placement),
        transition_action(PlacementStatus.DECLINED, _("Decline (give a reason)"), _move_placement),
        transition_action(PlacementStatus.ACTIVE, _("Mark as active"), _move_placement),
        transition_action(PlacementStatus.ENDED, _("End (give a reason)"), _move_placement),
    )

    @admin.display(description=_("candidate"), ordering="enrolment__candidate__last_name")
    def candidate(self, obj: Placement):
        return obj.enrolment.candidate

    @admin.display(description=_("cohort"), ordering="enrolment__cohort")
    def cohort(self, obj: Placement):
        return obj.enrolment.cohort

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.by_user = request.user  # a fresh class per request, so this stays with this request
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["enrolment", "employer", *PLACEMENT_DETAIL_FIELDS]
        return [*model_field_names(self.model), "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # Who, where and the life cycle are fixed once proposed, including fields added later.
        return [name for name in self.get_fields(request, obj) if name not in PLACEMENT_DETAIL_FIELDS]

    def get_inlines(self, request, obj):
        return (PlacementTransitionInline,) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        placement = placement_propose.within(
            enrolment=obj.enrolment,
            employer=obj.employer,
            by_user=request.user,
            **_placement_details(form.cleaned_data),
        )
        adopt(obj, placement)


@admin.register(PlacementTransition)
class PlacementTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("placement", "from_status", "to_status", "by_user", "at", "reason")
    list_filter = ("to_status", "from_status")
    list_select_related = ("placement__enrolment__candidate", "placement__employer__organisation", "by_user")
    search_fields = (
        "placement__enrolment__candidate__first_name",
        "placement__enrolment__candidate__last_name",
        "placement__employer__organisation__name",
        "reason",
    )
    date_hierarchy = "at"


class VacancyApplicationInline(ReadOnlyTabularInline):
    model = VacancyApplication
    fields = ("enrolment", "applied_on", "recorded_by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("enrolment__candidate", "enrolment__cohort__pilot")


# What vacancy_create takes besides the employers.
VACANCY_FIELDS = ("cohort", "title", "description", "published_on", "closes_on")


class JointVacancyForm(forms.ModelForm):
    by_user: User | None = None  # the person saving; set per request by JointVacancyAdmin.get_form

    class Meta:
        model = JointVacancy
        fields = (*VACANCY_FIELDS, "employers")
        field_classes = {"employers": ModelMultipleChoiceField}

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None and not self.errors:
            refusal = refusal_of(vacancy_create, **self._vacancy_fields(), by_user=self.by_user)
            if refusal:
                raise ValidationError(str(refusal))
        return cleaned_data

    def _vacancy_fields(self) -> dict:
        data = self.cleaned_data
        return {**{name: data[name] for name in VACANCY_FIELDS}, "employers": list(data["employers"])}


class VacancyTotals(TypedDict):
    employer_total: int
    application_total: int


@admin.register(JointVacancy)
class JointVacancyAdmin(admin.ModelAdmin):
    """Vacancies are published through vacancy_create; applications come in through vacancy_apply."""

    form = JointVacancyForm
    list_display = ("title", "cohort", "published_on", "closes_on", "employer_count", "application_count")
    list_filter = ("cohort__pilot",)
    list_select_related = ("cohort__pilot",)
    search_fields = ("title", "cohort__name", "cohort__pilot__name", "employers__organisation__name")
    autocomplete_fields = ("cohort", "employers")
    date_hierarchy = "published_on"
    readonly_fields = ("created_by", "created_at", "updated_at")
    inlines = (VacancyApplicationInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                employer_total=Count("employers", distinct=True), application_total=Count("applications", distinct=True)
            )
        )

    @admin.display(description=_("employers"), ordering="employer_total")
    def employer_count(self, obj: "WithAnnotations[JointVacancy, VacancyTotals]") -> int:
        return obj.employer_total

    @admin.display(description=_("applications"), ordering="application_total")
    def application_count(self, obj: "WithAnnotations[JointVacancy, VacancyTotals]") -> int:
        return obj.application_total

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = cast(type[JointVacancyForm], super().get_form(request, obj, change=change, **kwargs))
        form.by_user = request.user
        return form

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        adopt(obj, vacancy_create.within(**form._vacancy_fields(), by_user=request.user))


@admin.register(VacancyApplication)
class VacancyApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Written by vacancy_apply, which also registers the enrolment when the candidate has none."""

    list_display = ("candidate", "vacancy", "applied_on", "enrolment_status", "recorded_by")
    list_filter = ("vacancy", "enrolment__status")
    list_select_related = ("enrolment__candidate", "enrolment__cohort__pilot", "vacancy", "recorded_by")
    search_fields = ("enrolment__candidate__first_name", "enrolment__candidate__last_name", "vacancy__title")
    date_hierarchy = "applied_on"

    @admin.display(description=_("candidate"), ordering="enrolment__candidate__last_name")
    def candidate(self, obj: VacancyApplication):
        return obj.enrolment.candidate

    @admin.display(description=_("status"), ordering="enrolment__status")
    def enrolment_status(self, obj: VacancyApplication) -> str:
        return obj.enrolment.get_status_display()


# What a contract offer carries besides the candidate and the employer.
CONTRACT_OFFER_DETAIL_FIELDS = (
    "placement",
    "kind",
    "hours_per_week",
    "start_date",
    "contract_type",
    "duration_months",
    "note",
)


class ContractOfferForm(forms.ModelForm):
    by_user: User | None = None  # the person saving; set per request by ContractOfferAdmin.get_form

    class Meta:
        model = ContractOffer
        fields = ("enrolment", "employer", *CONTRACT_OFFER_DETAIL_FIELDS)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None and not self.errors:
            refusal = refusal_of(contract_offer_record, **self.offer_fields(), by_user=self.by_user)
            if refusal:
                raise ValidationError(str(refusal))
        return cleaned_data

    def offer_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("enrolment", "employer", *CONTRACT_OFFER_DETAIL_FIELDS)}


def _answer_offer(offer: ContractOffer, status: str, request) -> None:
    if status == ContractOfferStatus.WITHDRAWN:
        contract_offer_withdraw.within(offer=offer, by_user=request.user)
    else:
        contract_offer_answer.within(offer=offer, accepted=status == ContractOfferStatus.ACCEPTED, by_user=request.user)


@admin.register(ContractOffer)
class ContractOfferAdmin(admin.ModelAdmin):
    """Offers are recorded through contract_offer_record and answered only through the actions."""

    form = ContractOfferForm
    list_display = ("candidate", "employer", "kind", "contract_type", "hours_per_week", "start_date", "status")
    list_filter = ("status", "kind", "contract_type", "enrolment__cohort__pilot")
    list_select_related = ("enrolment__candidate", "employer__organisation")
    search_fields = (
        "enrolment__candidate__first_name",
        "enrolment__candidate__last_name",
        "employer__organisation__name",
    )
    autocomplete_fields = ("enrolment", "employer", "placement")
    date_hierarchy = "created_at"
    actions = (
        transition_action(ContractOfferStatus.ACCEPTED, _("Accepted by the candidate"), _answer_offer),
        transition_action(ContractOfferStatus.DECLINED, _("Declined by the candidate"), _answer_offer),
        transition_action(ContractOfferStatus.WITHDRAWN, _("Withdrawn by the employer"), _answer_offer),
    )

    @admin.display(description=_("candidate"), ordering="enrolment__candidate__last_name")
    def candidate(self, obj: ContractOffer):
        return obj.enrolment.candidate

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = cast(type[ContractOfferForm], super().get_form(request, obj, change=change, **kwargs))
        form.by_user = request.user
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["enrolment", "employer", *CONTRACT_OFFER_DETAIL_FIELDS]
        return [*model_field_names(self.model), "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # The terms and the answer are fixed once recorded; only the note can be completed.
        return [name for name in self.get_fields(request, obj) if name != "note"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        adopt(obj, contract_offer_record.within(**form.offer_fields(), by_user=request.user))


# Every saved version of a placement, read-only.
register_history(Placement)
