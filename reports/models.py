from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class ReportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class FailureReason(models.TextChoices):
    """Why a report could not be made, in words a coordinator understands; the technical error is in `error`."""

    ERROR = "error", _("Something went wrong while making the report.")
    TIME_LIMIT = "time_limit", _("Making the report took too long.")
    INTERRUPTED = "interrupted", _("Making the report was interrupted too often.")


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
    failure = models.CharField(_("reason of failure"), max_length=16, choices=FailureReason.choices, blank=True)
    # The last hand-over to the broker: when it was tried, whether the broker took it, and why not if it did not.
    # A job the broker never took stays queued and is sent again by the periodic watch_report_jobs task.
    last_dispatch_at = models.DateTimeField(_("last sent to the queue at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("accepted by the queue at"), null=True, blank=True)
    dispatch_error = models.TextField(_("queue error"), blank=True)

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

    def get_absolute_url(self) -> str:
        return reverse("reports:job-detail", args=[self.pk])

    @property
    def waiting_for_queue(self) -> bool:
        """Queued, but the broker has not taken it: the queue was unreachable when it was sent."""
        return self.status == ReportJobStatus.QUEUED and self.dispatched_at is None and bool(self.dispatch_error)


class ReportDownload(models.Model):
    """Who downloaded a report, and when."""

    job = models.ForeignKey(ReportJob, verbose_name=_("report job"), on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="report_downloads"
    )
    at = models.DateTimeField(_("downloaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("report download")
        verbose_name_plural = _("report downloads")
        ordering = ["-at"]

    def __str__(self) -> str:
        return _("%(user)s downloaded report %(job)s") % {"user": self.user, "job": self.job_id}
