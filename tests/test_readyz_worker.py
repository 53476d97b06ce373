"""/readyz against the real Redis and a real worker process, which runs beat's heartbeat as beat would send it."""

import pytest
from django.urls import reverse

from core.models import WorkerPing
from core.tasks import BEAT_HEARTBEAT_TOKEN, beat_heartbeat
from tests.services import wait_until

ANSWER_TIMEOUT = 60  # seconds; a cold worker answers in one or two


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_ready_once_a_real_worker_answers_and_has_run_the_heartbeat(client, live_worker, settings):
    # The test settings run tasks in-process; the broker stays REDIS_URL's, which live_worker made sure answers.
    settings.CELERY_TASK_ALWAYS_EAGER = False

    body = client.get(reverse("readyz")).json()
    assert body["checks"]["broker"] == {"status": "ok"}
    assert body["checks"]["worker"] == {"status": "ok"}, live_worker.log_tail()
    assert body["failing"] == ["beat"]

    # As beat sends it, but to the queue this test's worker consumes.
    beat_heartbeat.apply_async(queue=live_worker.queue, expires=60)
    answered = wait_until(
        lambda: WorkerPing.objects.filter(token=BEAT_HEARTBEAT_TOKEN).exists(), timeout=ANSWER_TIMEOUT
    )
    assert answered, f"the worker did not run the heartbeat:\n{live_worker.log_tail()}"

    response = client.get(reverse("readyz"))
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["beat"] == {"status": "ok"}
