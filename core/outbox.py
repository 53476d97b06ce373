"""The outbox: mail is written in the transaction of the change that causes it, and sent once, after it commits.

Mail is queued with django-post-office, whose Email rows are the outbox: `queue_mail` writes one in the caller's
transaction, so the change and its mail are saved together or not at all. A message is addressed to one recipient
and carries an idempotency key (OutboxMessage, unique per message and recipient): queuing the same message again,
from a redelivered task or a repeated run, queues nothing.

After the commit, a worker sends what is queued (`send_queued`, the task core.tasks.send_outbox_mail): one sender at
a time (post-office's lock file on a host, a PostgreSQL advisory lock across hosts), each message once; one that
fails is tried again later, with a pause that doubles each time (POST_OFFICE's RETRY_INTERVAL and MAX_RETRIES), and then
stays failed, visible to the administrator, who can queue it again. The broker being away delays the mail, never
the request (core.dispatch); the flush every minute sends whatever a lost dispatch left behind.
"""

import contextlib
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from post_office import mail as post_office
from post_office.lockfile import FileLock, FileLocked
from post_office.models import STATUS, Email
from post_office.settings import get_retry_timedelta

from .dispatch import send_when_committed
from .models import OutboxMessage

logger = logging.getLogger(__name__)

# The statuses of a message still to be sent.
WAITING = (STATUS.queued, STATUS.requeued)
# Whatever number: the same for every process that sends the outbox.
SENDER_LOCK_ID = 0x0F5A_0B0C


def queue_mail(*, key: str, recipient: str, subject: str, body: str) -> bool:
    """Queue one message to one recipient in the current transaction; False when this key was queued before.

    The key names the message (such as "placement-proposed:42"); the recipient is added to it, so each contact
    of an employer is mailed once. Sending starts after the commit.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("queue_mail writes the outbox in the transaction of the change that causes the mail")
    full_key = f"{key}:{recipient.lower()}"
    if OutboxMessage.objects.filter(key=full_key).exists():
        return False
    try:
        with transaction.atomic():
            email = post_office.send(
                recipients=[recipient],
                sender=settings.DEFAULT_FROM_EMAIL,
                subject=subject,
                message=body,
                priority="medium",
            )
            OutboxMessage.objects.create(key=full_key, email=email)
    except IntegrityError:
        return False  # queued at the same moment by another transaction
    send_when_committed(_publish_flush, key="outbox")
    return True


def _publish_flush() -> bool:
    from .tasks import send_outbox_mail

    send_outbox_mail.apply_async(ignore_result=True)
    return True


def send_queued() -> int:
    """Send every message that is due; returns how many were sent. Another sender busy: nothing to do here."""
    sent = 0
    with _sole_sender() as sole:
        if not sole:
            return 0
        try:
            with FileLock(settings.OUTBOX_LOCK_FILE):
                # Each round sends a batch; what fails is scheduled later, so the rounds end.
                while post_office.get_queued().exists():
                    sent_in_round, _failed, _requeued = post_office.send_queued(processes=1)
                    sent += sent_in_round
                _back_off()
        except FileLocked:
            return 0
    return sent


def _back_off() -> None:
    """Post-office waits the same time before each new try; here the wait doubles with each failed try."""
    base = get_retry_timedelta()
    for email in Email.objects.filter(status=STATUS.requeued, number_of_retries__gt=1).only(
        "pk", "last_updated", "number_of_retries"
    ):
        # last_updated is the time of the failed try; an update() leaves it, so this is the same on every run.
        Email.objects.filter(pk=email.pk).update(
            scheduled_time=email.last_updated + base * 2 ** ((email.number_of_retries or 1) - 1)
        )


@contextlib.contextmanager
def _sole_sender() -> Iterator[bool]:
    if connection.vendor != "postgresql":
        yield True  # SQLite: one process, and post-office's lock file
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SENDER_LOCK_ID])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SENDER_LOCK_ID])


def requeue(*, emails) -> int:
    """Queue failed messages again, with a fresh count of tries (the administrator's action)."""
    return emails.filter(status=STATUS.failed).update(
        status=STATUS.queued, scheduled_time=None, number_of_retries=0, last_updated=timezone.now()
    )


def stuck(*, now: datetime | None = None) -> int:
    """Messages that should have gone out OUTBOX_STUCK_MINUTES ago and are still waiting: no sender is working."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.OUTBOX_STUCK_MINUTES)
    due_long_ago = Q(scheduled_time__lt=cutoff) | Q(scheduled_time__isnull=True, created__lt=cutoff)
    return Email.objects.filter(due_long_ago, status__in=WAITING).count()


def waiting() -> int:
    """Messages still to be sent, due or scheduled for a later try."""
    return Email.objects.filter(status__in=WAITING).count()


def failed() -> int:
    return Email.objects.filter(status=STATUS.failed).count()


def delete_old(*, now: datetime | None = None) -> int:
    """Delete sent and failed mail older than OUTBOX_KEEP_DAYS: it holds names, and the history keeps the facts."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    deleted, _ = Email.objects.filter(created__lt=cutoff).exclude(status__in=WAITING).delete()
    return deleted
