from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import (
    ReadOnlyAdminMixin,
    ReadOnlyTabularInline,
    TransitionActionForm,
    adopt,
    model_field_names,
    posted_action_value,
    refusal_of,
    transition_action,
)

from .models import Employer, EmployerLocation, Placement, PlacementStatus, PlacementTransition, SeatOffer
from .services import placement_propose, placement_transition

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
    fields = ("name", "street", "postcode", "city")


class EmployerSeatOfferInline(admin.TabularInline):
    model = SeatOffer
    extra = 0
    fields = ("cohort", "location", "places")
    autocomplete_fields = ("cohort", "location")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cohort__pilot", "location")


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("name", "kvk_number", "sector", "city")
    list_filter = ("sector", "organisation__region")
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


@admin.register(EmployerLocation)
class EmployerLocationAdmin(admin.ModelAdmin):
    list_display = ("name", "employer", "street", "postcode", "city")
    list_filter = ("city",)
    list_select_related = ("employer__organisation",)
    search_fields = ("name", "street", "postcode", "city", "employer__organisation__name")
    autocomplete_fields = ("employer",)


@admin.register(SeatOffer)
class SeatOfferAdmin(admin.ModelAdmin):
    list_display = ("employer", "cohort", "location", "places")
    list_filter = ("cohort__pilot",)
    list_select_related = ("employer__organisation", "cohort__pilot", "location")
    search_fields = ("employer__organisation__name", "cohort__name", "cohort__pilot__name", "location__name")
    autocomplete_fields = ("employer", "cohort", "location")


class PlacementForm(forms.ModelForm):
    by_user = None  # the person saving; set per request by PlacementAdmin.get_form

    class Meta:
        model = Placement
        fields = ("enrolment", "employer", *PLACEMENT_DETAIL_FIELDS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and "location" in self.fields:
            self.fields["location"].queryset = EmployerLocation.objects.filter(employer_id=self.instance.employer_id)

    def clean(self):
        cleaned_data = super().clean()
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


def _move_placement(placement: Placement, status: str, request) -> None:
    placement_transition(
        placement=placement, to_status=status, by_user=request.user, reason=posted_action_value(request, "reason")
    )


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
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
    action_form = TransitionActionForm
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
        placement = placement_propose(
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
