import socket

from celery import shared_task
from django.utils import timezone

from .models import WorkerPing


@shared_task(name="core.answer_ping")
def answer_ping(ping_id: int) -> str:
    """Write the answer to the ping row; answering twice changes nothing."""
    hostname = socket.gethostname()
    WorkerPing.objects.filter(pk=ping_id, answered_at__isnull=True).update(
        answered_at=timezone.now(), answered_by=hostname
    )
    return hostname
