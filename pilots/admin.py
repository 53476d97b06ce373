from typing import ClassVar

from django import forms
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.admin import HistoryAdmin

from .forms import reference_choices_of
from .models import (
    Cohort,
    CohortClass,
    CohortModule,
    Module,
    Organisation,
    Pilot,
    PilotPartner,
    ReferenceItem,
    ReferenceKind,
    Region,
)
from .services import reference_item_create, reference_item_update


def reference_filter(field: str, kind: str) -> type[admin.SimpleListFilter]:
    """The list filter of a field that holds a reference-data code: the items of its list by their labels (a plain
    filter on the field would offer the bare codes, and an empty code as a link without text)."""

    class ReferenceFilter(admin.SimpleListFilter):
        title = ReferenceKind(kind).label
        parameter_name = field

        def lookups(self, request, model_admin):
            return list(ReferenceItem.objects.labels(kind).items())

        def queryset(self, request, queryset):
            value = self.value()
            return queryset.filter(**{field: value}) if value else queryset

    return ReferenceFilter


@admin.register(ReferenceItem)
class ReferenceItemAdmin(HistoryAdmin):
    """The lists of reference data. A code is fixed once made, and an item is switched off rather than deleted:
    rows and reports refer to its code."""

    list_display = ("label", "label_en", "kind", "code", "position", "active")
    list_filter = ("kind", "active")
    list_editable = ("position", "active")
    search_fields = ("label", "label_en", "code")
    fields = ("kind", "code", "label", "label_en", "position", "active")

    def get_readonly_fields(self, request, obj=None):
        return ("kind", "code") if obj is not None else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            reference_item_update.within(
                item=obj,
                label=obj.label,
                label_en=obj.label_en,
                active=obj.active,
                position=obj.position,
                by_user=request.user,
            )
        else:
            created = reference_item_create.within(
                kind=obj.kind, code=obj.code, label=obj.label, label_en=obj.label_en, by_user=request.user
            )
            obj.pk = created.pk


@admin.register(Region)
class RegionAdmin(HistoryAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "city", "kvk_number")
    list_filter = ("kind", "region")
    list_select_related = ("region",)
    search_fields = ("name", "city", "kvk_number")
    autocomplete_fields = ("region",)


class PilotPartnerInline(admin.TabularInline):
    model = PilotPartner
    extra = 0
    autocomplete_fields = ("organisation",)


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    fields = ("position", "name", "kind", "provider", "planned_hours", "start_week", "end_week", "certificate_name")
    autocomplete_fields = ("provider",)


class CohortInline(admin.TabularInline):
    """The pilot's cohorts as links: a cohort has its own page with its classes and seat offers."""

    model = Cohort
    extra = 0
    fields = ("name", "start_date", "end_date", "seats", "closed_at")
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Pilot)
class PilotAdmin(HistoryAdmin):
    list_display = ("name", "region", "lead_organisation", "sector", "track_kind", "duration_weeks", "status")
    list_filter = ("status", reference_filter("sector", ReferenceKind.SECTOR), "track_kind", "region")
    list_select_related = ("region", "lead_organisation")
    search_fields = ("name", "slug", "target_qualification", "lead_organisation__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("region", "lead_organisation")
    inlines = (PilotPartnerInline, ModuleInline, CohortInline)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # The sector is a code of the sector list (reference data), chosen from its active items.
        if db_field.name == "sector":
            return forms.ChoiceField(label=_("sector"), choices=reference_choices_of(ReferenceKind.SECTOR))
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(PilotPartner)
class PilotPartnerAdmin(admin.ModelAdmin):
    list_display = ("organisation", "pilot", "role", "contribution")
    list_filter = ("role", "pilot")
    list_select_related = ("organisation", "pilot")
    search_fields = ("organisation__name", "pilot__name", "contribution")
    autocomplete_fields = ("pilot", "organisation")


class CohortClassInline(admin.TabularInline):
    model = CohortClass
    extra = 0


class CohortClosedFilter(admin.SimpleListFilter):
    title = _("closed")
    parameter_name = "closed"

    def lookups(self, request, model_admin):
        return [("no", pgettext_lazy("cohort", "Open")), ("yes", _("Closed"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.open()
        if self.value() == "yes":
            return queryset.exclude(pk__in=queryset.open().values("pk"))
        return queryset


class CohortAdmin(HistoryAdmin):
    """The cohort with its classes. Registered in employers/admin.py, which adds the seats taken and the seat
    offers: the administration of a cohort shows more apps than this one may import.

    Closing is the coordinator's action in the portal (employers.services.cohort_close, which checks that nobody
    is left on the track): here it is shown, not set.
    """

    # Typed as any length: employers/admin.py adds to both.
    list_display: tuple[str, ...] = ("name", "pilot", "start_date", "end_date", "seats", "trainer", "closed_at")
    list_filter = (CohortClosedFilter, "pilot__status", "pilot")
    list_select_related = ("pilot", "trainer")
    search_fields = ("name", "pilot__name", "location")
    autocomplete_fields = ("pilot", "trainer")
    readonly_fields = ("closed_at", "closed_by")
    date_hierarchy = "start_date"
    inlines: ClassVar[tuple[type[InlineModelAdmin], ...]] = (CohortClassInline,)


@admin.register(CohortClass)
class CohortClassAdmin(HistoryAdmin):
    list_display = ("name", "cohort", "seats", "start_date", "end_date", "trainer")
    list_filter = ("cohort__pilot",)
    list_select_related = ("cohort__pilot", "trainer")
    search_fields = ("name", "cohort__name", "cohort__pilot__name", "location")
    autocomplete_fields = ("cohort", "trainer")


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ("name", "pilot", "kind", "provider", "planned_hours", "start_week", "end_week", "certificate_name")
    list_filter = ("kind", "pilot")
    list_select_related = ("pilot", "provider")
    search_fields = ("name", "certificate_name", "pilot__name", "provider__name")
    autocomplete_fields = ("pilot", "provider")


@admin.register(CohortModule)
class CohortModuleAdmin(admin.ModelAdmin):
    """A cohort's own learning line, copied from the pilot's; a module with results cannot be deleted (PROTECT)."""

    list_display = (
        "name",
        "cohort",
        "kind",
        "provider",
        "planned_hours",
        "start_week",
        "end_week",
        "certificate_name",
        "is_unit_certificate",
    )
    list_filter = ("kind", "is_unit_certificate", "cohort__pilot")
    list_select_related = ("cohort__pilot", "provider")
    search_fields = ("name", "certificate_name", "cohort__name", "cohort__pilot__name", "provider__name")
    autocomplete_fields = ("cohort", "module", "provider")
