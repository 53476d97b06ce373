from typing import ClassVar

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin

from .models import Cohort, CohortClass, CohortModule, Module, Organisation, Pilot, PilotPartner, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "city")
    list_filter = ("kind", "region")
    list_select_related = ("region",)
    search_fields = ("name", "city")
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
    fields = ("name", "start_date", "end_date", "seats")
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Pilot)
class PilotAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "lead_organisation", "sector", "track_kind", "duration_weeks", "status")
    list_filter = ("status", "sector", "track_kind", "region")
    list_select_related = ("region", "lead_organisation")
    search_fields = ("name", "slug", "target_qualification", "lead_organisation__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("region", "lead_organisation")
    inlines = (PilotPartnerInline, ModuleInline, CohortInline)


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


class CohortAdmin(admin.ModelAdmin):
    """The cohort with its classes. Registered in employers/admin.py, which adds the seats taken and the seat
    offers: the administration of a cohort shows more apps than this one may import."""

    # Typed as any length: employers/admin.py adds to both.
    list_display: tuple[str, ...] = ("name", "pilot", "start_date", "end_date", "seats")
    list_filter = ("pilot__status", "pilot")
    list_select_related = ("pilot",)
    search_fields = ("name", "pilot__name")
    autocomplete_fields = ("pilot",)
    date_hierarchy = "start_date"
    inlines: ClassVar[tuple[type[InlineModelAdmin], ...]] = (CohortClassInline,)


@admin.register(CohortClass)
class CohortClassAdmin(admin.ModelAdmin):
    list_display = ("name", "cohort")
    list_filter = ("cohort__pilot",)
    list_select_related = ("cohort__pilot",)
    search_fields = ("name", "cohort__name", "cohort__pilot__name")
    autocomplete_fields = ("cohort",)


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
