"""Every write to report jobs: asking for a report, handing it to the queue, building it, and cleaning up.

A job's life: queued (created, then sent to the broker once the transaction commits) -> running (claimed by one
delivery of the task) -> done (the file is stored) or failed (a plain reason for the coordinator, the technical
error for the administrator). A coordinator may send a failed job back to queued. The claim is a conditional
update whose `attempts` number is the claim's token: a delivery that lost its claim to another cannot finish,
fail or release the job.
"""

import logging
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api import webhook_queue
from core.audit import AuditAction, record_event
from core.dispatch import BROKER_ERRORS, send_when_committed
from core.models import ApiClient, ApiScope
from core.roles import Role
from core.services import entry_point
from pilots.models import Cohort, Pilot
from pilots.selectors import pilot_list

from .models import FailureReason, ReportDownload, ReportJob, ReportJobStatus
from .selectors import report_job_list

logger = logging.getLogger(__name__)

REPORT_REQUESTERS = (Role.COORDINATOR, Role.ADMINISTRATOR)
# A running job older than the hard time limit plus this margin has no live worker left: the limit would have
# killed it.
WATCH_MARGIN = timedelta(seconds=60)
# A job just asked for is sent once its transaction commits; the watchdog leaves an unsent one alone this long.
DISPATCH_GRACE = timedelta(seconds=60)
# Progress of a build: 5% once claimed, the PDF's own progress spread over 5-95%, 100% once stored.
CLAIMED_PROGRESS = 5
BUILT_PROGRESS = 95


class ReportJobNotRetryableError(Exception):
    """Only a failed job can be tried again."""


def can_request_reports(user) -> bool:
    return user.is_authenticated and user.role in REPORT_REQUESTERS


def api_download_url(job: ReportJob) -> str:
    """Where an API client downloads the job's PDF (reports.api)."""
    return reverse("api-v1:report_job_download", kwargs={"job_id": job.pk})


def running_too_long() -> timedelta:
    """How long a job may be running before it is taken for one whose worker died."""
    return timedelta(seconds=settings.REPORT_TIME_LIMIT) + WATCH_MARGIN


# --- Asking ------------------------------------------------------------------------------------------------


@entry_point
def request_report(
    *,
    user,
    pilots: Iterable[Pilot],
    cohorts: Iterable[Cohort] = (),
    period_start: date,
    period_end: date,
) -> ReportJob:
    """Create a queued job for the pilots (narrowed to some of their cohorts) and send it once committed."""
    if not can_request_reports(user):
        raise PermissionDenied
    return _report_job_create(
        requested_by=user, pilots=pilots, cohorts=cohorts, period_start=period_start, period_end=period_end
    )


@entry_point
def request_report_by_client(
    *,
    client: ApiClient,
    pilots: Iterable[Pilot],
    cohorts: Iterable[Cohort] = (),
    period_start: date,
    period_end: date,
) -> ReportJob:
    """A report asked for through the API (reports.api): the client's account asks, for pilots its organisation
    works on, and its webhook (if any) is told when the report is ready."""
    if ApiScope.FIGURES_READ not in client.scopes or not client.is_active:
        raise PermissionDenied
    return _report_job_create(
        requested_by=client.account, pilots=pilots, cohorts=cohorts, period_start=period_start, period_end=period_end
    )


def _report_job_create(
    *, requested_by, pilots: Iterable[Pilot], cohorts: Iterable[Cohort], period_start: date, period_end: date
) -> ReportJob:
    user = requested_by
    pilots, cohorts = list(pilots), list(cohorts)
    pilot_ids = {pilot.pk for pilot in pilots}
    if not pilot_ids:
        raise ValidationError(_("Choose at least one pilot."), code="no_pilot")
    if pilot_list(user=user).filter(pk__in=pilot_ids).count() != len(pilot_ids):
        raise PermissionDenied
    if any(cohort.pilot_id not in pilot_ids for cohort in cohorts):
        raise ValidationError(_("Choose only cohorts of the chosen pilots."), code="foreign_cohort")
    if period_end < period_start:
        raise ValidationError(_("The end of the period cannot be before its start."), code="period_order")
    job = ReportJob.objects.create(requested_by=user, period_start=period_start, period_end=period_end)
    job.pilots.set(pilots)
    job.cohorts.set(cohorts)
    _send_when_committed(job)
    logger.info("Report job %s asked for by user %s", job.pk, user.pk)
    return job


@entry_point
def retry_report(*, job: ReportJob, user) -> ReportJob:
    """Send a failed job back to the queue.

    The same job is made again rather than a copy: the coordinator stays on the page they are watching, their
    list holds one row per report asked for, and the administrator keeps the last technical error until the
    new attempt succeeds.
    """
    if not can_request_reports(user) or not report_job_list(user=user).filter(pk=job.pk).exists():
        raise PermissionDenied
    requeued = ReportJob.objects.filter(pk=job.pk, status=ReportJobStatus.FAILED).update(
        status=ReportJobStatus.QUEUED,
        progress=0,
        attempts=0,
        failure="",
        started_at=None,
        finished_at=None,
        dispatched_at=None,
        dispatch_error="",
        updated_at=timezone.now(),
    )
    if not requeued:
        raise ReportJobNotRetryableError(_("Only a report that failed can be tried again."))
    _send_when_committed(job)
    logger.info("Report job %s tried again by user %s", job.pk, user.pk)
    job.refresh_from_db()
    return job


def _send_when_committed(job: ReportJob) -> None:
    """Once committed, hand the job to the broker; while it is away, core.dispatch keeps trying every few seconds."""

    def send() -> bool:
        # Done once the broker has it, or once it is no longer queued (a watcher's dispatch got there first).
        return (
            dispatch_report(job_id=job.pk)
            or not ReportJob.objects.filter(pk=job.pk, status=ReportJobStatus.QUEUED).exists()
        )

    send_when_committed(send, key=f"report-job:{job.pk}")


def dispatch_report(*, job_id: int) -> bool:
    """Hand a queued job to the broker; when it cannot be reached, the job stays queued with the reason.

    Runs outside any transaction (on commit, or from the watchdog): the job row must be visible to the worker.
    """
    from .tasks import build_report  # the tasks call these services

    task_id = str(uuid.uuid4())
    if not ReportJob.objects.filter(pk=job_id, status=ReportJobStatus.QUEUED).update(
        last_dispatch_at=timezone.now(), celery_task_id=task_id
    ):
        return False  # no longer queued: a delivery already took it
    try:
        build_report.apply_async(
            args=(job_id,),
            task_id=task_id,
            soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
            time_limit=settings.REPORT_TIME_LIMIT,
            # The job row holds the outcome; a result subscription would also wait ~20 s for a broker that is away.
            ignore_result=True,
        )
    except BROKER_ERRORS as exc:
        logger.warning("Report job %s stays queued: the broker cannot be reached (%s)", job_id, exc)
        ReportJob.objects.filter(pk=job_id).update(dispatched_at=None, dispatch_error=f"{type(exc).__name__}: {exc}")
        return False
    ReportJob.objects.filter(pk=job_id).update(dispatched_at=timezone.now(), dispatch_error="")
    return True


# --- Building (called by reports.tasks.build_report) -------------------------------------------------------


def job_claim(*, job_id: int, task_id: str) -> ReportJob | None:
    """Take the job for this delivery, or None when it is done, failed, or being built by a live delivery.

    One conditional UPDATE decides, so two deliveries of the same job cannot both win. A job running longer
    than the hard time limit lost its worker and may be taken over, while attempts are left.
    """
    now = timezone.now()
    claimable = Q(status=ReportJobStatus.QUEUED) | Q(
        status=ReportJobStatus.RUNNING,
        started_at__lt=now - running_too_long(),
        attempts__lt=settings.REPORT_MAX_ATTEMPTS,
    )
    claimed = ReportJob.objects.filter(claimable, pk=job_id).update(
        status=ReportJobStatus.RUNNING,
        progress=CLAIMED_PROGRESS,
        started_at=now,
        finished_at=None,
        failure="",
        attempts=F("attempts") + 1,
        celery_task_id=task_id,
        updated_at=now,
    )
    if not claimed:
        logger.info("Report job %s not claimed by task %s: not queued, or built elsewhere", job_id, task_id)
        return None
    return ReportJob.objects.get(pk=job_id)


def _owned(job: ReportJob):
    # The rows this claim still holds: running, with the attempt number it claimed.
    return ReportJob.objects.filter(pk=job.pk, status=ReportJobStatus.RUNNING, attempts=job.attempts)


def render_report(job: ReportJob, *, progress: Callable[[int], None]) -> bytes:
    """The PDF of the job's pilots, cohorts and period."""
    from .pdf import build_report_pdf

    # build_report_pdf writes it in the site's language, whoever asked: the report is the pilot's document.
    return build_report_pdf(
        pilots=list(job.pilots.all()),
        cohorts=list(job.cohorts.all()) or None,
        period_start=job.period_start,
        period_end=job.period_end,
        made_at=timezone.now(),
        progress=progress,
    )


def job_build(job: ReportJob) -> bool:
    """Build the claimed job's PDF and store it; True when this claim finished the job.

    The bytes are complete before anything is stored, the file gets a name no other build uses, and the job
    points at it only after it is stored: a build that dies half-way leaves no half file behind a done job.
    """
    delay = getattr(settings, "REPORT_BUILD_DELAY_SECONDS", 0)
    if delay:  # only the test settings set it: a slow build to kill a worker in the middle of
        time.sleep(delay)
    reported = CLAIMED_PROGRESS

    def progress(percent: int) -> None:
        nonlocal reported
        value = CLAIMED_PROGRESS + int(max(0, min(100, percent)) * (BUILT_PROGRESS - CLAIMED_PROGRESS) / 100)
        if value >= reported + 5:  # one write per five percent is smooth enough for a bar polled every 2 s
            reported = value
            _owned(job).update(progress=value)

    content = render_report(job, progress=progress)
    now = timezone.now()
    name = default_storage.save(
        job.file.field.generate_filename(job, f"rapportage-{job.pk}-{uuid.uuid4().hex[:12]}.pdf"),
        ContentFile(content),
    )
    with transaction.atomic():
        finished = _owned(job).update(
            status=ReportJobStatus.DONE,
            progress=100,
            file=name,
            finished_at=now,
            error="",
            failure="",
            updated_at=now,
        )
        if finished:
            _tell_client(job, ReportJobStatus.DONE)
    if not finished:
        # Another delivery took the job over meanwhile; its file counts, this one is nobody's.
        default_storage.delete(name)
        logger.warning("Report job %s was taken over during attempt %s; its file is discarded", job.pk, job.attempts)
        return False
    logger.info("Report job %s done: %s (%s bytes)", job.pk, name, len(content))
    return True


def job_release(*, job: ReportJob, exc: BaseException) -> None:
    """Put a claimed job back in the queue, for the task's own retry after a passing error."""
    logger.warning("Report job %s: attempt %s hit a passing error and is retried: %r", job.pk, job.attempts, exc)
    now = timezone.now()
    # The task's retry is the job's next message: the watchdog counts from it before sending another.
    _owned(job).update(
        status=ReportJobStatus.QUEUED,
        progress=0,
        started_at=None,
        error=_technical(exc),
        last_dispatch_at=now,
        updated_at=now,
    )


def job_fail(*, job: ReportJob, reason: str, exc: BaseException) -> None:
    """The job failed: a plain reason for the coordinator; the traceback for the log and the administrator."""
    logger.error("Report job %s failed (%s)", job.pk, reason, exc_info=exc)
    now = timezone.now()
    with transaction.atomic():
        failed = _owned(job).update(
            status=ReportJobStatus.FAILED, failure=reason, error=_technical(exc), finished_at=now, updated_at=now
        )
        if failed:
            _tell_client(job, ReportJobStatus.FAILED)


def _tell_client(job: ReportJob, status: str) -> None:
    """A job asked for through the API: its client's webhook hears that it ended, sent once this commits."""
    webhook_queue(
        account_id=job.requested_by_id,
        key=f"report-job:{job.pk}:{status}:{job.attempts}",
        event=f"report_job.{status}",
        payload={
            "id": job.pk,
            "status": status,
            "download_url": api_download_url(job) if status == ReportJobStatus.DONE else None,
        },
    )


def _technical(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


# --- Downloads ---------------------------------------------------------------------------------------------


def report_download_record(*, job: ReportJob, user, request=None) -> ReportDownload:
    """Record a download with the job (shown on its page) and in the audit trail."""
    download = ReportDownload.objects.create(job=job, user=user, at=timezone.now())
    record_event(action=AuditAction.REPORT_DOWNLOAD, user=user, request=request, target=job)
    return download


# --- Periodic ----------------------------------------------------------------------------------------------


def report_jobs_watch(*, now: datetime | None = None) -> dict[str, int]:
    """Bring every job that lost its worker or never reached the queue back on its way.

    A job running longer than the hard time limit (plus a margin) lost its worker: it is queued and sent
    again while attempts are left, otherwise it fails with a "try again". A queued job the broker never took,
    or took long ago without any delivery claiming it (a Redis restarted without persistence loses its
    messages), is sent again; a second message for the same job is harmless, the claim lets one through.
    """
    now = now or timezone.now()
    stale_before = now - running_too_long()
    counts = Counter(requeued=0, failed=0, sent=0)
    requeued: list[int] = []
    for job_id, attempts in ReportJob.objects.filter(
        status=ReportJobStatus.RUNNING, started_at__lt=stale_before
    ).values_list("pk", "attempts"):
        stale = ReportJob.objects.filter(pk=job_id, status=ReportJobStatus.RUNNING, attempts=attempts)
        note = f"Attempt {attempts} stopped answering: running longer than {running_too_long()} (checked {now})."
        if attempts < settings.REPORT_MAX_ATTEMPTS:
            if stale.update(status=ReportJobStatus.QUEUED, progress=0, started_at=None, error=note, updated_at=now):
                counts["requeued"] += 1
                requeued.append(job_id)
        else:
            logger.error("Report job %s failed: %s attempts stopped without finishing", job_id, attempts)
            counts["failed"] += stale.update(
                status=ReportJobStatus.FAILED,
                failure=FailureReason.INTERRUPTED,
                error=note,
                finished_at=now,
                updated_at=now,
            )
    to_send = (
        ReportJob.objects.filter(status=ReportJobStatus.QUEUED)
        .annotate(last_try=Coalesce("last_dispatch_at", "created_at"))
        .filter(
            Q(dispatched_at__isnull=True, last_try__lt=now - DISPATCH_GRACE)
            | Q(dispatched_at__isnull=False, last_try__lt=stale_before)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    for job_id in dict.fromkeys([*requeued, *to_send]):
        counts["sent"] += dispatch_report(job_id=job_id)
    if any(counts.values()):
        logger.info("Report jobs watched: %s", dict(counts))
    return dict(counts)


def reports_delete_old(*, now: datetime | None = None) -> int:
    """Delete finished jobs, with their files, past REPORT_KEEP_DAYS or beyond REPORT_KEEP_PER_PILOT.

    A job of several pilots is kept while it is among the newest of any of them. Queued and running jobs are
    never touched.
    """
    now = now or timezone.now()
    finished = ReportJob.objects.filter(status__in=[ReportJobStatus.DONE, ReportJobStatus.FAILED])
    doomed: set[int] = set()
    if settings.REPORT_KEEP_DAYS > 0:
        cutoff = now - timedelta(days=settings.REPORT_KEEP_DAYS)
        doomed |= set(finished.filter(created_at__lt=cutoff).values_list("pk", flat=True))
    if settings.REPORT_KEEP_PER_PILOT > 0:
        kept: set[int] = set()
        beyond: set[int] = set()
        seen: Counter[int] = Counter()
        rows = (
            ReportJob.pilots.through.objects.filter(reportjob__in=finished)
            .order_by("pilot_id", "-reportjob__created_at", "-reportjob_id")
            .values_list("pilot_id", "reportjob_id")
        )
        for pilot_id, job_id in rows:
            seen[pilot_id] += 1
            (kept if seen[pilot_id] <= settings.REPORT_KEEP_PER_PILOT else beyond).add(job_id)
        doomed |= beyond - kept
    if not doomed:
        return 0
    with transaction.atomic():
        jobs = finished.filter(pk__in=doomed)
        names = [name for name in jobs.values_list("file", flat=True) if name]
        jobs.delete()
        # Files go once the rows are gone for good: a rolled-back delete must not leave jobs without files.
        transaction.on_commit(partial(_delete_files, names))
    logger.info("Deleted %s old report jobs and %s files", len(doomed), len(names))
    return len(doomed)


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("Could not delete the old report file %s", name)
