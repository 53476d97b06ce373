"""Large referral lists: checked and, once confirmed, imported by a worker while the owner's page follows along.

A list with more than IMPORT_BACKGROUND_ROWS rows would hold a web request for longer than anyone waits, so its
upload becomes an ImportJob next to its PendingUpload. The worker (candidates.tasks.run_import_job) checks the
rows as the preview does, writing its progress on the job; the owner reads the row report on the job's page and
confirms; the worker checks the same bytes again and imports them in one transaction, exactly as a small list is
imported (pending_upload_import). A smaller list is checked while its owner waits, as before.

Each step is safe to run twice: the check is claimed with one conditional UPDATE, and the import locks the job and
leaves it alone once it is no longer being imported. A failed job keeps the reason and can be tried again.
"""

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dispatch import BROKER_ERRORS, send_when_committed
from core.models import User
from core.services import entry_point
from pilots.models import Cohort, Organisation
from pilots.services import CohortClosed

from .importing import ImportFileError, ParsedTable, import_duplicates, parse_table, row_report, table_fingerprint
from .models import ImportJob, ImportJobStatus, PendingUpload
from .pending_uploads import (
    PendingUploadGoneError,
    pending_upload_content,
    pending_upload_create,
    pending_upload_discard,
    pending_upload_import,
)

logger = logging.getLogger(__name__)

# What a worker is doing, or about to do: the page refreshes itself while a job is in one of these.
IN_PROGRESS = frozenset({ImportJobStatus.QUEUED, ImportJobStatus.CHECKING, ImportJobStatus.IMPORTING})
# A job in progress without any sign of life for this long lost its worker (or never reached one): its owner may
# start it again.
STALE_AFTER = timedelta(minutes=5)
# The check writes its progress at most this often.
PROGRESS_INTERVAL = timedelta(seconds=1)


class ImportJobNotWaitingError(Exception):
    """The job is not in the state the action needs (confirmed twice, cancelled meanwhile); the message says so."""


def runs_in_background(*, row_count: int) -> bool:
    return row_count > settings.IMPORT_BACKGROUND_ROWS


def is_stale(job: ImportJob, *, now: datetime | None = None) -> bool:
    return job.status in IN_PROGRESS and job.updated_at < (now or timezone.now()) - STALE_AFTER


def can_retry(job: ImportJob) -> bool:
    return job.status == ImportJobStatus.FAILED or is_stale(job)


def import_job_get(*, job_id: str) -> ImportJob | None:
    """The job the address names, whoever owns it; None for an id that names none."""
    try:
        pk = uuid.UUID(hex=job_id)
    except ValueError:
        return None
    return (
        ImportJob.objects.select_related("owner", "upload", "cohort", "cohort__pilot", "candidate_import")
        .filter(pk=pk)
        .first()
    )


def import_job_list_open(*, user) -> list[ImportJob]:
    """The user's own jobs that are not over yet, newest first: the history page links to them."""
    return list(
        ImportJob.objects.filter(owner=user, expires_at__gt=timezone.now())
        .exclude(status__in=[ImportJobStatus.DONE, ImportJobStatus.CANCELLED])
        .select_related("cohort")
        .order_by("-created_at")[:10]
    )


# --- The owner's actions -----------------------------------------------------------------------------------


@entry_point
def import_upload_receive(
    *,
    by_user: User,
    cohort: Cohort,
    content: bytes,
    file_name: str,
    consent_purpose: str,
    row_count: int,
    referring_organisation: Organisation | None = None,
) -> tuple[PendingUpload, ImportJob | None]:
    """Keep an uploaded list for its check; a large one (runs_in_background) also becomes a job for a worker."""
    upload = pending_upload_create.within(
        owner=by_user,
        cohort=cohort,
        content=content,
        file_name=file_name,
        consent_purpose=consent_purpose,
        referring_organisation=referring_organisation,
    )
    if not runs_in_background(row_count=row_count):
        return upload, None
    now = timezone.now()
    job = ImportJob.objects.create(
        owner=by_user,
        cohort=cohort,
        upload=upload,
        file_name=upload.file_name,
        rows_total=row_count,
        created_at=now,
        updated_at=now,
        expires_at=upload.expires_at,
    )
    _send_when_committed(job)
    return upload, job


@entry_point
def import_job_confirm(*, job: ImportJob, fingerprint: str, by_user: User) -> ImportJob:
    """Have the worker import the rows the owner saw; refused when the job no longer waits for it."""
    confirmed = ImportJob.objects.filter(
        pk=job.pk, owner=by_user, status=ImportJobStatus.CHECKED, fingerprint=fingerprint
    ).update(status=ImportJobStatus.IMPORTING, confirmed=True, check_changed=False, updated_at=timezone.now())
    if not confirmed:
        raise ImportJobNotWaitingError(_("This import is not waiting for your confirmation any more."))
    _send_when_committed(job)
    job.refresh_from_db()
    return job


@entry_point
def import_job_cancel(*, job: ImportJob, by_user: User) -> ImportJob:
    """Stop a job before it imports: its file and its row report are deleted, nothing is saved."""
    locked = ImportJob.objects.select_for_update().filter(pk=job.pk, owner=by_user).first()
    if locked is None or locked.status in (ImportJobStatus.IMPORTING, ImportJobStatus.DONE):
        raise ImportJobNotWaitingError(_("This import can no longer be cancelled."))
    if locked.upload is not None:
        pending_upload_discard.within(upload=locked.upload, by_user=by_user)
    locked.status = ImportJobStatus.CANCELLED
    locked.report, locked.ignored_headers = [], []
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "report", "ignored_headers", "updated_at"])
    return locked


@entry_point
def import_job_retry(*, job: ImportJob, by_user: User) -> ImportJob:
    """Send a failed job (or one whose worker was lost) back to the worker, at the step where it stopped."""
    locked = ImportJob.objects.select_for_update().filter(pk=job.pk, owner=by_user).first()
    if locked is None or not can_retry(locked):
        raise ImportJobNotWaitingError(_("Only an import that failed or stopped can be tried again."))
    locked.status = ImportJobStatus.IMPORTING if locked.confirmed else ImportJobStatus.QUEUED
    locked.error = ""
    locked.rows_checked = 0 if not locked.confirmed else locked.rows_checked
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "error", "rows_checked", "updated_at"])
    _send_when_committed(locked)
    return locked


# --- Handing the job to the worker -------------------------------------------------------------------------


def _send_when_committed(job: ImportJob) -> None:
    send_when_committed(lambda: dispatch_import_job(job_id=job.pk), key=f"import-job:{job.pk}")


def dispatch_import_job(*, job_id: uuid.UUID) -> bool:
    """Hand a waiting job to the broker; False while the broker cannot be reached (core.dispatch tries again)."""
    from .tasks import run_import_job  # the task calls these services

    task_id = str(uuid.uuid4())
    waiting = Q(status=ImportJobStatus.QUEUED) | Q(status=ImportJobStatus.IMPORTING)
    if not ImportJob.objects.filter(waiting, pk=job_id).update(celery_task_id=task_id):
        return True  # cancelled or done meanwhile: nothing to send
    try:
        run_import_job.apply_async(args=(job_id.hex,), task_id=task_id, ignore_result=True)
    except BROKER_ERRORS as exc:
        logger.warning("Import job %s waits: the broker cannot be reached (%s)", job_id, exc)
        return False
    return True


# --- The worker's steps (candidates.tasks.run_import_job) --------------------------------------------------


def import_job_run(*, job_id: str) -> str:
    """Do the job's next step: check a queued job, import a confirmed one; a job in any other state is left alone.

    What happened, for the log: "checked", "changed", "imported" or "skipped", "failed".
    """
    job = import_job_get(job_id=job_id)
    if job is None:
        return "skipped"
    try:
        if job.status == ImportJobStatus.IMPORTING:
            return _import(job)
        if _claim_check(job):
            return _check(job)
    except ImportFileError as exc:
        _fail(job, str(exc))
        return "failed"
    except (PendingUploadGoneError, FileNotFoundError):
        _fail(job, _("The file is no longer here: it expired or was deleted. Upload it again."))
        return "failed"
    except CohortClosed as refusal:
        _fail(job, str(refusal))
        return "failed"
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        _fail(job, _("Something went wrong while the file was processed. Try again; nothing was imported."))
        return "failed"
    return "skipped"


def _claim_check(job: ImportJob) -> bool:
    """Take the check for this delivery: one conditional UPDATE, so two deliveries cannot both check."""
    now = timezone.now()
    claimable = Q(status=ImportJobStatus.QUEUED) | Q(status=ImportJobStatus.CHECKING, updated_at__lt=now - STALE_AFTER)
    return bool(
        ImportJob.objects.filter(claimable, pk=job.pk).update(
            status=ImportJobStatus.CHECKING, rows_checked=0, error="", updated_at=now
        )
    )


def _parse(job: ImportJob, *, progress=None) -> ParsedTable:
    if job.upload is None:
        raise PendingUploadGoneError
    return parse_table(
        file_name=job.file_name,
        content=pending_upload_content(job.upload),
        find_duplicates=lambda rows: import_duplicates(user=job.owner, rows=rows),
        progress=progress,
    )


def _check(job: ImportJob) -> str:
    last = timezone.now()

    def progress(done: int) -> None:
        nonlocal last
        now = timezone.now()
        if now - last >= PROGRESS_INTERVAL:
            last = now
            ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.CHECKING).update(
                rows_checked=min(done, job.rows_total), updated_at=now
            )

    table = _parse(job, progress=progress)
    _store_check(job, table, status=ImportJobStatus.CHECKING)
    return "checked"


def _store_check(job: ImportJob, table: ParsedTable, *, status: str, changed: bool = False) -> None:
    """Keep the check's outcome on the job, unless it left `status` meanwhile (cancelled)."""
    rows = table.rows
    ImportJob.objects.filter(pk=job.pk, status=status).update(
        status=ImportJobStatus.CHECKED,
        confirmed=False,
        check_changed=changed,
        rows_total=len(rows),
        rows_checked=len(rows),
        rows_importable=len(table.importable_rows),
        rows_with_errors=sum(1 for row in rows if not row.is_valid),
        rows_duplicate=sum(1 for row in rows if row.is_valid and row.is_duplicate),
        ignored_headers=table.ignored_headers,
        report=[row_report(row) for row in rows],
        fingerprint=table_fingerprint(table),
        updated_at=timezone.now(),
    )


def _import(job: ImportJob) -> str:
    # The same bytes are checked again: someone registered since the check makes a row a duplicate.
    table = _parse(job)
    if table_fingerprint(table) != job.fingerprint:
        _store_check(job, table, status=ImportJobStatus.IMPORTING, changed=True)
        return "changed"
    return "imported" if import_job_import(job=job, table=table, by_user=job.owner) else "skipped"


@entry_point
def import_job_import(*, job: ImportJob, table: ParsedTable, by_user: User) -> bool:
    """Import the confirmed job's rows and delete its upload, in one transaction; False when already done."""
    locked = ImportJob.objects.select_for_update().filter(pk=job.pk, status=ImportJobStatus.IMPORTING).first()
    if locked is None or locked.upload is None:
        return False
    record = pending_upload_import.within(upload=locked.upload, table=table, by_user=by_user)
    now = timezone.now()
    locked.status = ImportJobStatus.DONE
    locked.candidate_import = record
    # The report stays for its owner to read, then goes the way of the upload it came from.
    locked.expires_at = now + timedelta(hours=settings.IMPORT_PENDING_HOURS)
    locked.updated_at = now
    locked.save(update_fields=["status", "candidate_import", "expires_at", "updated_at"])
    return True


def _fail(job: ImportJob, message: str) -> None:
    # Outside the failed step's transaction, which rolled back: the owner must see the failure.
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).exclude(
            status__in=[ImportJobStatus.DONE, ImportJobStatus.CANCELLED]
        ).update(status=ImportJobStatus.FAILED, error=message, updated_at=timezone.now())
