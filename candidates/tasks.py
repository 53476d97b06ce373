"""Thin Celery tasks of the candidates side: each calls a service and is safe to run twice."""

from celery import shared_task

from . import progress


@shared_task(name="candidates.tasks.send_followup_digests")
def send_followup_digests() -> int:
    """Weekly (CELERY_BEAT_SCHEDULE, Monday morning): one e-mail per adviser of the follow-ups due or overdue.

    A second run in the same week finds the digests recorded and sends nothing.
    """
    return progress.followup_digests_send()


@shared_task(name="candidates.tasks.schedule_missing_followups")
def schedule_missing_followups() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): schedule the follow-ups of outcomes recorded without them."""
    return progress.followups_schedule_missing()


@shared_task(name="candidates.tasks.anonymise_inactive_candidates")
def anonymise_inactive_candidates() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): anonymise the candidates with no activity for RETENTION_MONTHS months.

    A second run finds them anonymised already and does nothing.
    """
    from .privacy import anonymise_inactive

    return len(anonymise_inactive())


@shared_task(name="candidates.tasks.delete_expired_pending_uploads")
def delete_expired_pending_uploads() -> int:
    """Every quarter of an hour (CELERY_BEAT_SCHEDULE): delete the referral lists that waited for confirmation
    longer than IMPORT_PENDING_HOURS, and files in their folder that no upload names.

    A second run finds nothing left to delete.
    """
    from .pending_uploads import pending_uploads_delete_expired

    return pending_uploads_delete_expired()


@shared_task(name="candidates.tasks.run_import_job", acks_late=True, reject_on_worker_lost=True)
def run_import_job(job_id: str) -> str:
    """A large referral list's next step: check it, or import it once its owner confirmed (candidates.import_jobs).

    The job row holds the progress and the outcome; a second delivery finds the step claimed or done and skips.
    """
    from .import_jobs import import_job_run

    return import_job_run(job_id=job_id)
