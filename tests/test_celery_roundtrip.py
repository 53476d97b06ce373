"""A task travels through the real Redis to a real worker process, which writes to the real database."""

import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.models import WorkerPing
from core.tasks import answer_ping
from tests.services import require_postgres, wait_until, worker_environment

ANSWER_TIMEOUT = 60  # seconds; a cold worker answers in one or two


@pytest.fixture
def send_to_redis(settings):
    # Tests run tasks in-process; these tests are about the trip through the broker.
    settings.CELERY_TASK_ALWAYS_EAGER = False


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_answers_a_ping(live_worker, send_to_redis):
    ping = WorkerPing.objects.create()

    result = answer_ping.apply_async(args=[ping.pk], queue=live_worker.queue)

    answered = wait_until(
        lambda: WorkerPing.objects.filter(pk=ping.pk, answered_at__isnull=False).exists(), timeout=ANSWER_TIMEOUT
    )
    assert answered, f"no answer within {ANSWER_TIMEOUT} s; worker log:\n{live_worker.log_tail()}"
    ping.refresh_from_db()
    assert ping.answered_by
    # The result came back through the Redis result backend, from the process that wrote the row.
    assert result.get(timeout=10) == ping.answered_by


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_second_delivery_changes_nothing(live_worker, send_to_redis):
    ping = WorkerPing.objects.create()
    answer_ping.apply_async(args=[ping.pk], queue=live_worker.queue).get(timeout=ANSWER_TIMEOUT)
    ping.refresh_from_db()
    first_answer = ping.answered_at

    answer_ping.apply_async(args=[ping.pk], queue=live_worker.queue).get(timeout=ANSWER_TIMEOUT)

    ping.refresh_from_db()
    assert ping.answered_at == first_answer


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_check_worker_command_reports_the_answering_worker(live_worker, send_to_redis, capsys):
    call_command("check_worker", queue=live_worker.queue, timeout=ANSWER_TIMEOUT)

    assert "answered ping" in capsys.readouterr().out
    assert WorkerPing.objects.filter(answered_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_check_worker_command_refuses_when_tasks_run_in_process(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    with pytest.raises(CommandError, match="no worker to check"):
        call_command("check_worker", timeout=1)

    assert not WorkerPing.objects.exists()


@pytest.mark.services
@pytest.mark.django_db
def test_worker_environment_loads_the_test_settings_on_its_own(settings):
    """The worker gets no DEBUG or SECRET_KEY from us: config.settings.test must supply both, DEBUG off."""
    require_postgres()
    database_name = connection.settings_dict["NAME"]
    probe = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'debug': s.DEBUG, 'secret_key': bool(s.SECRET_KEY), "
        "'database': s.DATABASES['default']['NAME']}))"
    )

    completed = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env=worker_environment(database_name=database_name),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout.splitlines()[-1]) == {
        "debug": False,
        "secret_key": True,
        "database": database_name,
    }
