"""Thin Celery tasks of the employer side: each takes ids, calls a service and is safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="employers.tasks.send_proposal_email")
def send_proposal_email(placement_id: int) -> int:
    """Queue the mail about a proposal, for messages published before proposals queued their mail themselves."""
    return services.placement_notify_proposed(placement_id=placement_id)


@shared_task(name="employers.tasks.remind_unanswered_proposals")
def remind_unanswered_proposals() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): remind employers once of proposals left unanswered too long."""
    return services.placements_remind_overdue()
