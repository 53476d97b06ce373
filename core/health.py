"""What /healthz and /readyz report, and /readyz itself.

/healthz (liveness): the web process answers, and so do the database and the Celery broker.
/readyz (readiness): also a worker answers and beat is alive, so that work handed to the queue is done.

Each check is a function that returns None when all is well and a sentence for the operator when not; an
exception counts as a failure too, named in the answer. With tasks running in-process (no REDIS_URL, as in the
demo) there is no broker, worker or beat to ask: those checks pass and say "eager".
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import WorkerPing
from .tasks import BEAT_HEARTBEAT_TOKEN

# Its name in CELERY_BEAT_SCHEDULE, whose interval tells how old the last heartbeat may be.
HEARTBEAT_SCHEDULE_ENTRY = "beat-heartbeat"
# Beat is missing once this many heartbeats in a row went unanswered: one late tick is not an outage.
HEARTBEATS_MISSED_ALLOWED = 2
# Seconds to wait for the first worker to answer a remote-control ping.
WORKER_PING_TIMEOUT = 1.0


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[], str | None]
    # Asks the broker, a worker or beat: with tasks running in-process it passes as "eager".
    needs_queue: bool = False


def check_database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


def check_broker() -> str | None:
    from config.celery_app import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return None


def check_worker() -> str | None:
    """A worker answers a remote-control ping through the broker."""
    from config.celery_app import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        replies = app.control.ping(timeout=WORKER_PING_TIMEOUT, limit=1, connection=conn)
    if not replies:
        return f"no worker answered a ping within {WORKER_PING_TIMEOUT:g} s"
    return None


def heartbeat_max_age() -> timedelta | None:
    """How old beat's last answered heartbeat may be; None when beat's schedule has no heartbeat."""
    entry = settings.CELERY_BEAT_SCHEDULE.get(HEARTBEAT_SCHEDULE_ENTRY)
    if entry is None:
        return None
    return entry["schedule"] * (1 + HEARTBEATS_MISSED_ALLOWED)


def check_beat() -> str | None:
    """Beat sent its heartbeat task lately and a worker ran it (core.tasks.beat_heartbeat)."""
    max_age = heartbeat_max_age()
    if max_age is None:
        return f"CELERY_BEAT_SCHEDULE has no {HEARTBEAT_SCHEDULE_ENTRY!r} entry: beat cannot be seen to run"
    last = (
        WorkerPing.objects.filter(token=BEAT_HEARTBEAT_TOKEN, answered_at__isnull=False)
        .values_list("answered_at", flat=True)
        .first()
    )
    if last is None:
        return "no heartbeat of beat was ever answered: is beat running?"
    age = timezone.now() - last
    if age > max_age:
        return (
            f"the last heartbeat of beat was answered {age.total_seconds():.0f} s ago (at most "
            f"{max_age.total_seconds():.0f} s): beat is not running, or no worker takes its tasks"
        )
    return None


def check_outbox() -> str | None:
    """No mail waits long after it was due (core.outbox): a sender works through the outbox."""
    from . import outbox

    stuck = outbox.stuck()
    if stuck:
        return (
            f"{stuck} mail(s) waiting more than {settings.OUTBOX_STUCK_MINUTES} minutes after they were due: "
            "no worker sends the outbox (core.tasks.send_outbox_mail)"
        )
    return None


LIVENESS_CHECKS: tuple[Check, ...] = (
    Check("database", check_database),
    Check("broker", check_broker, needs_queue=True),
)
# What /readyz asks, in this order: to make readiness depend on something more, add its Check here.
READINESS_CHECKS: tuple[Check, ...] = (
    *LIVENESS_CHECKS,
    Check("worker", check_worker, needs_queue=True),
    Check("beat", check_beat, needs_queue=True),
    Check("outbox", check_outbox),
)


def _result(check: Check) -> dict:
    if check.needs_queue and settings.CELERY_TASK_ALWAYS_EAGER:
        return {"status": "ok", "mode": "eager"}
    try:
        error = check.run()
    except Exception as exc:  # any failure means not ready; the message names it
        error = f"{type(exc).__name__}: {exc}"
    return {"status": "ok"} if error is None else {"status": "error", "error": error}


def run_checks(checks: Iterable[Check]) -> dict:
    results = {check.name: _result(check) for check in checks}
    failing = [name for name, result in results.items() if result["status"] != "ok"]
    return {
        "status": "ok" if not failing else "error",
        "failing": failing,
        # Without REDIS_URL every task runs inside the request that sends it: nothing waits in a queue.
        "tasks": "in-process" if settings.CELERY_TASK_ALWAYS_EAGER else "queue",
        "checks": results,
    }


def check_health() -> dict:
    return run_checks(LIVENESS_CHECKS)


def check_readiness() -> dict:
    return run_checks(READINESS_CHECKS)


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    report = check_readiness()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
