"""What /healthz reports: can we reach the database and the Celery broker?"""

from django.conf import settings
from django.db import connection


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means unhealthy; the message names it
        return f"{type(exc).__name__}: {exc}"
    return None


def _check_broker() -> str | None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return None  # tasks run in-process: there is no broker to reach
    from config.celery_app import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def check_health() -> dict:
    checks = {}
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        error = check()
        checks[name] = {"status": "ok" if error is None else "error"}
        if error is not None:
            checks[name]["error"] = error
    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"]["mode"] = "eager"
    failing = [name for name, result in checks.items() if result["status"] != "ok"]
    return {"status": "ok" if not failing else "error", "failing": failing, "checks": checks}
