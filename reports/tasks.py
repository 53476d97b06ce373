"""Thin Celery tasks of the reports: each takes ids, calls the services and is safe to run twice."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from . import services
from .models import FailureReason

# Errors that may pass: the database or the file storage briefly away. Anything else fails the job at once.
TRANSIENT_ERRORS = (OperationalError, OSError)
MAX_RETRIES = 3


@shared_task(
    bind=True,
    name="reports.tasks.build_report",
    # The message is acknowledged only once the task ends; a worker lost in the middle has it delivered again.
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def build_report(self, job_id: int) -> str:
    """Build the job's PDF. Time limits come with the message (services.dispatch_report sends the settings').

    A job that is done, failed, or being built by another delivery is left alone.
    """
    job = services.job_claim(job_id=job_id, task_id=self.request.id or "")
    if job is None:
        return "skipped"
    try:
        finished = services.job_build(job)
    except SoftTimeLimitExceeded as exc:
        services.job_fail(job=job, reason=FailureReason.TIME_LIMIT, exc=exc)
        return "failed"
    except TRANSIENT_ERRORS as exc:
        # In-process (no broker) a retry would surface as an exception in the request that asked for the report;
        # there the job fails at once and the coordinator gets the "try again" button.
        if self.request.retries < self.max_retries and not self.request.is_eager:
            try:
                services.job_release(job=job, exc=exc)
            except TRANSIENT_ERRORS:
                # The database is away: the job stays running until watch_report_jobs finds it stale.
                services.logger.warning("Report job %s could not be put back in the queue", job.pk)
            raise  # autoretry_for sends the retry, with backoff
        services.job_fail(job=job, reason=FailureReason.ERROR, exc=exc)
        return "failed"
    except Exception as exc:
        # The coordinator sees a plain message and may try again; the traceback is in the log and the admin.
        services.job_fail(job=job, reason=FailureReason.ERROR, exc=exc)
        return "failed"
    return "done" if finished else "skipped"


@shared_task(name="reports.tasks.watch_report_jobs")
def watch_report_jobs() -> dict[str, int]:
    """Every five minutes (CELERY_BEAT_SCHEDULE): restart jobs whose worker died, send jobs the queue never took."""
    return services.report_jobs_watch()


@shared_task(name="reports.tasks.delete_old_reports")
def delete_old_reports() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): delete reports past REPORT_KEEP_DAYS or beyond REPORT_KEEP_PER_PILOT."""
    return services.reports_delete_old()
