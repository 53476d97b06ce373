"""Referral lists waiting for confirmation: stored, imported, cancelled, expired and erased as records.

A list is checked when it is uploaded and again when it is confirmed, from the very same bytes, so that what is
imported is exactly what was previewed. Between the two it is a PendingUpload: a row with an owner and an expiry
and a private file named by the row. Nothing else writes or deletes those files.
"""

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.models import User
from core.services import entry_point
from pilots.models import Cohort, Organisation

from .importing import ParsedTable, mentions_person, rows_mention_person
from .models import PENDING_UPLOAD_DIR, Candidate, CandidateImport, ImportJob, PendingUpload, pending_upload_storage
from .services import candidates_import

logger = logging.getLogger(__name__)

# A file in the folder without a row is deleted by the periodic task only once it is this old: a file is written
# just before its row, and the row becomes visible only when the upload's transaction commits.
ORPHAN_GRACE = timedelta(minutes=10)


class PendingUploadGoneError(Exception):
    """The upload was confirmed, cancelled or deleted meanwhile (another tab, the periodic task, an erasure)."""


def pending_upload_expiry(*, created_at: datetime) -> datetime:
    return created_at + timedelta(hours=settings.IMPORT_PENDING_HOURS)


def pending_upload_get(*, token: str) -> PendingUpload | None:
    """The upload the token in the address names, whoever owns it; None for a token that names none."""
    try:
        pk = uuid.UUID(hex=token)
    except ValueError:
        return None
    return PendingUpload.objects.select_related("owner").filter(pk=pk).first()


def pending_upload_content(upload: PendingUpload) -> bytes:
    """The bytes that were uploaded; FileNotFoundError when the file is gone."""
    with upload.file.open("rb") as handle:
        return handle.read()


def is_expired(upload: PendingUpload, *, now: datetime | None = None) -> bool:
    return upload.expires_at <= (now or timezone.now())


def _delete_files(names: list[str]) -> None:
    storage = pending_upload_storage()
    for name in filter(None, names):
        try:
            storage.delete(name)
        except OSError:
            # The periodic task finds the file without its row and tries again.
            logger.exception("Could not delete the waiting upload %s", name)


def _delete(uploads: list[PendingUpload]) -> None:
    """Delete the rows and their files at once, not when the transaction commits: personal data is gone as soon as
    possible, and a rollback leaves at worst a row without its file, which every reader takes for gone (and the
    periodic task deletes when it expires)."""
    if not uploads:
        return
    PendingUpload.objects.filter(pk__in=[upload.pk for upload in uploads]).delete()
    _delete_files([upload.file.name or "" for upload in uploads])


@entry_point
def pending_upload_create(
    *,
    owner: User,
    cohort: Cohort,
    content: bytes,
    file_name: str,
    consent_purpose: str,
    referring_organisation: Organisation | None = None,
) -> PendingUpload:
    """Keep a checked referral list until its owner confirms or cancels it, at most IMPORT_PENDING_HOURS."""
    now = timezone.now()
    upload = PendingUpload(
        owner=owner,
        cohort=cohort,
        file_name=file_name[:255],
        consent_purpose=consent_purpose,
        referring_organisation=referring_organisation,
        created_at=now,
        expires_at=pending_upload_expiry(created_at=now),
    )
    upload.file.save(upload.pk.hex, ContentFile(content), save=False)
    try:
        upload.save(force_insert=True)
    except BaseException:
        # Otherwise the file would wait for the periodic task without a row.
        _delete_files([upload.file.name or ""])
        raise
    return upload


@entry_point
def pending_upload_discard(*, upload: PendingUpload, by_user: User | None = None) -> None:
    """Delete a waiting upload and its file (cancelled, expired, or no longer readable); gone already is fine."""
    _delete(list(PendingUpload.objects.select_for_update().filter(pk=upload.pk)))


@entry_point
def pending_upload_import(*, upload: PendingUpload, table: ParsedTable, by_user: User) -> CandidateImport:
    """Import the checked rows of the owner's waiting upload and delete it, in one transaction.

    The row is locked first: of two confirmations at once (a double click, two tabs) the second finds it gone and
    imports nothing. `table` is the upload's own content as the caller parsed and showed it.
    """
    locked = (
        PendingUpload.objects.select_for_update()
        .select_related("cohort")
        .filter(pk=upload.pk, owner=by_user, expires_at__gt=timezone.now())
        .first()
    )
    if locked is None:
        raise PendingUploadGoneError
    if locked.referring_organisation is not None:
        for row in table.importable_rows:
            row.values["referring_organisation"] = locked.referring_organisation
    record = candidates_import.within(
        table=table, cohort=locked.cohort, by_user=by_user, consent_purpose=locked.consent_purpose
    )
    _delete([locked])
    return record


@entry_point
def pending_uploads_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the uploads past their expiry with their files, and any file in the folder without a row; the
    number of files deleted. A second run finds nothing left to do."""
    now = now or timezone.now()
    expired = list(PendingUpload.objects.select_for_update(skip_locked=True).filter(expires_at__lte=now))
    _delete(expired)
    orphans = _orphaned_files(now=now)
    _delete_files(orphans)
    # The row reports of large lists (candidates.import_jobs) name the same people and expire alike.
    jobs, _by_model = ImportJob.objects.filter(expires_at__lte=now).delete()
    if expired or orphans or jobs:
        logger.info(
            "Deleted %s expired uploads, %s files without an upload and %s import reports",
            len(expired),
            len(orphans),
            jobs,
        )
    return len(expired) + len(orphans)


def _orphaned_files(*, now: datetime) -> list[str]:
    """The files in the waiting folder that no upload names, older than ORPHAN_GRACE. Also what an earlier
    version left there: files named by a token in a session, and files claimed by a confirmation."""
    storage = pending_upload_storage()
    try:
        _folders, names = storage.listdir(PENDING_UPLOAD_DIR)
    except FileNotFoundError:
        return []
    paths = [f"{PENDING_UPLOAD_DIR}/{name}" for name in names]
    named = set(PendingUpload.objects.filter(file__in=paths).values_list("file", flat=True))
    orphans = []
    for path in paths:
        if path in named:
            continue
        try:
            if storage.get_modified_time(path) < now - ORPHAN_GRACE:
                orphans.append(path)
        except FileNotFoundError:
            continue  # deleted meanwhile
    return orphans


@transaction.atomic(savepoint=False)
def pending_uploads_remove_about(*, candidate: Candidate) -> int:
    """Delete every waiting upload, of any owner and cohort, that holds a row about the candidate: a step of the
    erasure, called while the candidate's data is still there. The number deleted.

    Each file is read and its rows compared with the person (importing.mentions_person says on which fields and
    why). The files are searched rather than the uploads of the candidate's cohorts being deleted: a list may hold
    someone registered before for another cohort, and deleting a cohort's other lists would throw away the work
    of advisers whose lists do not hold them.
    """
    about = []
    for upload in PendingUpload.objects.select_for_update().order_by("created_at"):
        try:
            content = pending_upload_content(upload)
        except FileNotFoundError:
            about.append(upload)  # the row without its file is of no use to anyone
            continue
        if mentions_person(
            content=content,
            first_name=candidate.first_name,
            last_name_prefix=candidate.last_name_prefix,
            last_name=candidate.last_name,
            date_of_birth=candidate.date_of_birth,
            email=candidate.email,
            phone=candidate.phone,
        ):
            about.append(upload)
    # The row reports of large lists name people too: those of the uploads found, and any other that names them.
    about_ids = {upload.pk for upload in about}
    jobs = [
        job.pk
        for job in ImportJob.objects.select_for_update().only("pk", "upload_id", "report")
        if job.upload_id in about_ids
        or rows_mention_person(
            raws=(row.get("raw", {}) for row in job.report),
            first_name=candidate.first_name,
            last_name_prefix=candidate.last_name_prefix,
            last_name=candidate.last_name,
            date_of_birth=candidate.date_of_birth,
            email=candidate.email,
            phone=candidate.phone,
        )
    ]
    ImportJob.objects.filter(pk__in=jobs).delete()
    _delete(about)
    if about or jobs:
        logger.info(
            "Deleted %s waiting uploads and %s import reports holding candidate %s", len(about), len(jobs), candidate.pk
        )
    return len(about)
