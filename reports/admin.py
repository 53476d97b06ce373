from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ReportDownload, ReportJob


class ReportDownloadInline(admin.TabularInline):
    """Who downloaded the report, and when; written by the download view only."""

    model = ReportDownload
    fields = ("user", "at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    """Report jobs to follow up on and clean up.

    A job is requested on the report page, which hands it to the worker; one added or edited
    here would never be picked up, or would no longer match its file.
    """

    list_display = (
        "__str__",
        "requested_by",
        "pilot_names",
        "period_start",
        "period_end",
        "status",
        "progress",
        "attempts",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "pilots")
    list_select_related = ("requested_by",)
    search_fields = ("requested_by__username", "requested_by__last_name", "pilots__name", "celery_task_id", "error")
    date_hierarchy = "created_at"
    fields = (
        "requested_by",
        "pilots",
        "cohorts",
        "period_start",
        "period_end",
        "status",
        "progress",
        "attempts",
        "celery_task_id",
        "started_at",
        "finished_at",
        "failure",
        # The technical error is for the administrator only; the coordinator sees `failure` in plain words.
        "error",
        "last_dispatch_at",
        "dispatched_at",
        "dispatch_error",
        "file_name",
        "created_at",
    )
    readonly_fields = fields
    inlines = (ReportDownloadInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("pilots")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("pilots"))
    def pilot_names(self, obj: ReportJob) -> str:
        return ", ".join(pilot.name for pilot in obj.pilots.all())

    @admin.display(description=_("file"))
    def file_name(self, obj: ReportJob) -> str | None:
        # The name only: media are not served publicly, downloads go through the report views.
        return obj.file.name
