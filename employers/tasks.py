"""Thin Celery tasks of the employer side: each takes ids, calls a service and is safe to run twice."""

from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(
    name="employers.tasks.send_proposal_email",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    max_retries=5,
)
def send_proposal_email(placement_id: int) -> int:
    """E-mail the employer's contacts about a new proposal; a redelivery finds it sent and sends nothing."""
    return services.placement_notify_proposed(placement_id=placement_id)


@shared_task(name="employers.tasks.remind_unanswered_proposals")
def remind_unanswered_proposals() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): remind employers once of proposals left unanswered too long."""
    return services.placements_remind_overdue()
