from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class ReportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportJob(TimeStampedModel):
    """A coordinator's request for an evaluation report, made in the background by a worker."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="report_jobs"
    )
    pilots = models.ManyToManyField("pilots.Pilot", verbose_name=_("pilots"), related_name="report_jobs")
    cohorts = models.ManyToManyField("pilots.Cohort", verbose_name=_("cohorts"), blank=True, related_name="report_jobs")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReportJobStatus.choices, default=ReportJobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    celery_task_id = models.CharField(_("task id"), max_length=255, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReportJobStatus.values), name="reportjob_status_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="reportjob_progress_percentage"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="reportjob_period_in_order",
                violation_error_message=_("The end of the period cannot be before its start."),
            ),
        ]

    def __str__(self) -> str:
        return _("Report %(id)s (%(status)s)") % {"id": self.pk, "status": self.get_status_display()}
