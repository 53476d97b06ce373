"""`manage.py check_worker`: does a Celery worker pick up a task and write to the database?

/healthz only proves the broker is reachable; this proves the whole chain, from the web side's
database through the broker to a worker and back, as after a deployment.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.models import WorkerPing
from core.tasks import answer_ping


class Command(BaseCommand):
    help = "Send a ping task to the Celery workers and wait until one of them answers it in the database."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=30, help="seconds to wait for an answer (default 30)")
        parser.add_argument("--queue", default=None, help="the queue to send the ping to (default: Celery's)")

    def handle(self, *args, timeout: float, queue: str | None, **options):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            # An in-process answer would prove nothing about the workers.
            raise CommandError("Tasks run in-process (REDIS_URL is not set): there is no worker to check.")
        ping = WorkerPing.objects.create()
        started = time.monotonic()
        if queue is None:
            answer_ping.apply_async(args=(ping.pk,))  # Celery's default routing
        else:
            answer_ping.apply_async(args=(ping.pk,), queue=queue)
        while time.monotonic() - started < timeout:
            ping.refresh_from_db()
            if ping.answered_at is not None:
                elapsed = time.monotonic() - started
                self.stdout.write(f"Worker {ping.answered_by} answered ping {ping.token} in {elapsed:.1f} s.")
                return
            time.sleep(0.25)
        raise CommandError(f"No worker answered ping {ping.token} within {timeout:g} s.")
