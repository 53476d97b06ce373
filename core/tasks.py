import socket
import uuid

from celery import shared_task
from django.utils import timezone

from . import outbox
from .models import WorkerPing


@shared_task(name="core.answer_ping")
def answer_ping(ping_id: int) -> str:
    """Write the answer to the ping row; answering twice changes nothing."""
    hostname = socket.gethostname()
    WorkerPing.objects.filter(pk=ping_id, answered_at__isnull=True).update(
        answered_at=timezone.now(), answered_by=hostname
    )
    return hostname


# Beat's heartbeat is one WorkerPing row under this token, answered again on every tick (core.health reads it).
BEAT_HEARTBEAT_TOKEN = uuid.uuid5(uuid.NAMESPACE_URL, "opstap:beat-heartbeat")


@shared_task(name="core.tasks.beat_heartbeat", ignore_result=True)
def beat_heartbeat() -> None:
    """Every minute (CELERY_BEAT_SCHEDULE): shows /readyz that beat sends tasks and a worker runs them."""
    WorkerPing.objects.update_or_create(
        token=BEAT_HEARTBEAT_TOKEN, defaults={"answered_at": timezone.now(), "answered_by": socket.gethostname()}
    )


@shared_task(name="core.tasks.send_outbox_mail", ignore_result=True)
def send_outbox_mail() -> int:
    """After a commit that queued mail, and every minute (CELERY_BEAT_SCHEDULE): send the mail that is due."""
    return outbox.send_queued()


@shared_task(name="core.tasks.delete_old_outbox_mail")
def delete_old_outbox_mail() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): delete sent and failed mail older than OUTBOX_KEEP_DAYS."""
    return outbox.delete_old()


@shared_task(name="core.tasks.deliver_webhooks", ignore_result=True)
def deliver_webhooks() -> int:
    """After a commit that queued a webhook, and every minute (CELERY_BEAT_SCHEDULE): send the webhooks that are due."""
    from .api import webhooks_deliver

    return webhooks_deliver()


@shared_task(name="core.tasks.delete_old_api_records")
def delete_old_api_records() -> dict[str, int]:
    """Nightly (CELERY_BEAT_SCHEDULE): forget API calls past API_CALL_KEEP_DAYS and idempotency keys past
    API_IDEMPOTENCY_KEEP_DAYS."""
    from .api import api_calls_delete_old, idempotency_keys_delete_old

    return {"calls": api_calls_delete_old(), "idempotency_keys": idempotency_keys_delete_old()}
