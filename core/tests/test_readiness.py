"""/readyz: ready only when the database, the broker, a worker and beat all answer; each failing part is named."""

from datetime import timedelta

import pytest
import time_machine
from django.db import OperationalError, transaction
from django.urls import reverse
from django.utils import timezone

from config.celery_app import app
from core import health
from core.health import Check
from core.models import WorkerPing
from core.outbox import queue_mail
from core.tasks import BEAT_HEARTBEAT_TOKEN, beat_heartbeat, send_outbox_mail

pytestmark = pytest.mark.django_db

# Nothing listens on port 1, so a connection there is refused at once.
UNREACHABLE_BROKER_URL = "redis://127.0.0.1:1/0"
WORKER_ANSWER = [{"celery@web-1": {"ok": "pong"}}]


class _UnreachableDatabase:
    def cursor(self):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


@pytest.fixture
def queue(settings):
    """Tasks go through a broker, as in production; Kombu's in-memory one answers without Redis."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "memory://"


@pytest.fixture
def worker_answers(monkeypatch):
    """What a running worker says to a remote-control ping; the list is emptied to stop it answering."""
    answers = list(WORKER_ANSWER)
    monkeypatch.setattr(app.control, "ping", lambda **kwargs: list(answers))
    return answers


def readyz(client):
    response = client.get(reverse("readyz"))
    assert response["Content-Type"] == "application/json"
    return response, response.json()


def test_without_a_broker_tasks_run_in_process_and_readyz_says_so_and_is_ready(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response, body = readyz(client)

    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert body["tasks"] == "in-process"
    assert body["checks"] == {
        "database": {"status": "ok"},
        "broker": {"status": "ok", "mode": "eager"},
        "worker": {"status": "ok", "mode": "eager"},
        "beat": {"status": "ok", "mode": "eager"},
        "outbox": {"status": "ok"},
    }


def test_ready_when_the_database_the_broker_a_worker_and_beat_answer(client, queue, worker_answers):
    beat_heartbeat()

    response, body = readyz(client)

    assert response.status_code == 200, body
    assert body["tasks"] == "queue"
    assert body["checks"] == {name: {"status": "ok"} for name in ("database", "broker", "worker", "beat", "outbox")}


def test_readyz_is_never_cached_and_only_read(client):
    assert "no-cache" in client.get(reverse("readyz"))["Cache-Control"]
    assert client.post(reverse("readyz")).status_code == 405


def test_not_ready_when_the_database_fails(client, queue, worker_answers, monkeypatch):
    beat_heartbeat()
    monkeypatch.setattr("core.health.connection", _UnreachableDatabase())

    response, body = readyz(client)

    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["failing"] == ["database"]
    assert body["checks"]["database"]["error"].startswith("OperationalError: ")


def test_not_ready_when_the_broker_is_unreachable(client, queue, settings, worker_answers):
    beat_heartbeat()
    settings.CELERY_BROKER_URL = UNREACHABLE_BROKER_URL

    response, body = readyz(client)

    assert response.status_code == 503
    # Without the broker no ping reaches a worker either.
    assert body["failing"] == ["broker", "worker"]
    assert body["checks"]["broker"]["error"]
    assert body["checks"]["beat"] == {"status": "ok"}


def test_not_ready_when_no_worker_answers(client, queue, worker_answers):
    beat_heartbeat()
    worker_answers.clear()

    response, body = readyz(client)

    assert response.status_code == 503
    assert body["failing"] == ["worker"]
    assert body["checks"]["worker"] == {"status": "error", "error": "no worker answered a ping within 1 s"}


def test_not_ready_when_beat_never_sent_a_heartbeat(client, queue, worker_answers):
    response, body = readyz(client)

    assert response.status_code == 503
    assert body["failing"] == ["beat"]
    assert body["checks"]["beat"]["error"] == "no heartbeat of beat was ever answered: is beat running?"


def test_a_check_worker_ping_is_no_heartbeat(client, queue, worker_answers):
    WorkerPing.objects.create(answered_at=timezone.now(), answered_by="worker-1")

    _response, body = readyz(client)

    assert body["failing"] == ["beat"]


def test_not_ready_once_beat_missed_two_heartbeats_in_a_row(client, queue, worker_answers):
    with time_machine.travel(timezone.now() - timedelta(minutes=3, seconds=1), tick=False):
        beat_heartbeat()

    response, body = readyz(client)

    assert response.status_code == 503
    assert body["failing"] == ["beat"]
    assert body["checks"]["beat"]["error"].startswith(
        "the last heartbeat of beat was answered 181 s ago (at most 180 s)"
    )


def test_one_late_heartbeat_keeps_it_ready(client, queue, worker_answers):
    with time_machine.travel(timezone.now() - timedelta(minutes=2, seconds=50), tick=False):
        beat_heartbeat()

    response, body = readyz(client)

    assert response.status_code == 200, body


def test_every_heartbeat_answers_the_same_row(queue):
    first = timezone.now().replace(microsecond=0)
    with time_machine.travel(first, tick=False):
        beat_heartbeat()
    with time_machine.travel(first + timedelta(minutes=1), tick=False):
        beat_heartbeat()

    heartbeat = WorkerPing.objects.get(token=BEAT_HEARTBEAT_TOKEN)
    assert heartbeat.answered_at == first + timedelta(minutes=1)
    assert heartbeat.answered_by
    assert WorkerPing.objects.count() == 1


def test_not_ready_when_beats_schedule_has_no_heartbeat(client, queue, worker_answers, settings):
    beat_heartbeat()
    settings.CELERY_BEAT_SCHEDULE = {
        name: entry for name, entry in settings.CELERY_BEAT_SCHEDULE.items() if name != "beat-heartbeat"
    }

    response, body = readyz(client)

    assert response.status_code == 503
    assert body["failing"] == ["beat"]
    assert "CELERY_BEAT_SCHEDULE has no 'beat-heartbeat' entry" in body["checks"]["beat"]["error"]


def test_beat_sends_the_heartbeat_every_minute_and_drops_one_no_worker_took(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["beat-heartbeat"]

    assert entry["task"] == beat_heartbeat.name
    assert entry["task"] in app.tasks
    assert entry["schedule"] == timedelta(minutes=1)
    assert entry["options"]["expires"] == 60
    assert health.heartbeat_max_age() == timedelta(minutes=3)


def test_mail_waiting_long_after_it_was_due_makes_readyz_fail_with_the_outbox_named(
    client, queue, worker_answers, settings
):
    settings.OUTBOX_STUCK_MINUTES = 15
    beat_heartbeat()
    with time_machine.travel(timezone.now() - timedelta(minutes=20), tick=False), transaction.atomic():
        queue_mail(key="voorstel:1", recipient="a@example.nl", subject="Voorstel", body="Tekst")
    beat_heartbeat()

    response, body = readyz(client)

    assert response.status_code == 503
    assert body["failing"] == ["outbox"]
    assert "1 mail(s) waiting more than 15 minutes" in body["checks"]["outbox"]["error"]

    send_outbox_mail.apply()  # as a worker runs it

    response, body = readyz(client)
    assert response.status_code == 200
    assert body["checks"]["outbox"] == {"status": "ok"}


def test_a_check_that_raises_is_reported_as_failing(client, queue, worker_answers, monkeypatch):
    beat_heartbeat()

    def broken() -> None:
        raise RuntimeError("cannot tell")

    monkeypatch.setattr(health, "READINESS_CHECKS", (*health.READINESS_CHECKS, Check("broken", broken)))

    response, body = readyz(client)

    assert response.status_code == 503
    assert body["checks"]["broken"] == {"status": "error", "error": "RuntimeError: cannot tell"}


def test_healthz_asks_neither_the_worker_nor_beat(client, queue, worker_answers):
    worker_answers.clear()

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "broker"}
