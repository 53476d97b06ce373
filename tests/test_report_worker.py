"""Report jobs through the real Redis and real worker processes, with the real PDF: the life cycle, a worker
killed in the middle of a report, and Redis unreachable when the coordinator asks.

Like tests/test_celery_roundtrip.py these need PostgreSQL, Redis and a worker: skipped on a laptop without
them, failed under CI=true.
"""

import contextlib
import datetime
import json
import os
import signal
from collections.abc import Iterator

import pytest
import redis
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from pilots.tests.factories import CohortFactory, PilotFactory
from reports import services, tasks
from reports.models import ReportJob, ReportJobStatus
from tests.services import (
    LiveWorker,
    broker_at,
    require_postgres,
    require_redis,
    require_worker,
    start_live_worker,
    wait_until,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

REPORT_TIMEOUT = 120  # seconds; a cold worker makes the small report in a few
# Nothing listens here: the first port of the range no service may be given.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"
PERIOD = {"period_start": datetime.date(2026, 1, 1), "period_end": datetime.date(2026, 12, 31)}


@pytest.fixture
def send_to_redis(settings):
    # Tests run tasks in-process; these are about the trip through the broker.
    settings.CELERY_TASK_ALWAYS_EAGER = False


@pytest.fixture
def route_reports(monkeypatch):
    """Send the report tasks to one test worker's own queue, as its -Q consumes nothing else."""
    original = tasks.build_report.apply_async

    def to(worker: LiveWorker) -> None:
        monkeypatch.setattr(
            tasks.build_report,
            "apply_async",
            lambda *args, **options: original(*args, **{**options, "queue": worker.queue}),
        )

    return to


@pytest.fixture
def pilot(organisation):
    pilot = PilotFactory(lead_organisation=organisation, name="Groepshulp", slug="groepshulp")
    CohortFactory(pilot=pilot, name="Ronde 1", start_date=datetime.date(2026, 3, 1))
    return pilot


@pytest.fixture
def worker_factory(transactional_db, tmp_path, monkeypatch) -> Iterator:
    """Start real workers on queues of their own; each is stopped (or found killed) at the end.

    They store the reports in this test process's media folder, where the download view looks.
    """
    require_postgres()
    require_redis()
    monkeypatch.setenv("OPSTAP_TEST_MEDIA_ROOT", str(django_settings.MEDIA_ROOT))
    with contextlib.ExitStack() as stack:

        def start() -> LiveWorker:
            worker = stack.enter_context(
                start_live_worker(database_name=connection.settings_dict["NAME"], log_dir=tmp_path)
            )
            require_worker(worker)
            return worker

        yield start


@pytest.fixture
def killed_queues() -> Iterator[list[str]]:
    """Queues of workers a test killed: their unacknowledged messages are removed from Redis afterwards.

    A killed worker cannot give its message back, so kombu keeps it in its `unacked` hash to restore later,
    to a queue nobody will consume again.
    """
    queues: list[str] = []
    yield queues
    client = redis.Redis.from_url(django_settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    with contextlib.suppress(redis.RedisError):
        for tag, raw in client.hgetall("unacked").items():
            with contextlib.suppress(ValueError, TypeError):
                _message, _exchange, routing_key = json.loads(raw)
                if routing_key in queues:
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)
    client.close()


def wait_for_status(job: ReportJob, *statuses: str, worker: LiveWorker, timeout: float = REPORT_TIMEOUT) -> None:
    reached = wait_until(lambda: ReportJob.objects.filter(pk=job.pk, status__in=statuses).exists(), timeout=timeout)
    job.refresh_from_db()
    assert reached, f"job {job.pk} is {job.status}, not {statuses}; worker log:\n{worker.log_tail()}"


def stored_pdf(job: ReportJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def test_a_report_asked_for_in_the_browser_is_made_by_a_real_worker_and_downloaded(
    worker_factory, route_reports, send_to_redis, client, coordinator, pilot
):
    worker = worker_factory()
    route_reports(worker)
    client.force_login(coordinator)

    response = client.post(reverse("reports:job-new"), {"pilots": [pilot.pk], **PERIOD})

    job = ReportJob.objects.get()
    assert response.status_code == 302
    wait_for_status(job, ReportJobStatus.DONE, ReportJobStatus.FAILED, worker=worker)
    assert job.status == ReportJobStatus.DONE, job.error
    assert (job.progress, job.attempts, job.dispatch_error) == (100, 1, "")
    assert job.started_at <= job.finished_at
    status = client.get(reverse("reports:job-status", args=[job.pk])).json()
    assert (status["finished"], status["download_url"]) == (True, reverse("reports:job-download", args=[job.pk]))
    download = client.get(status["download_url"])
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert job.downloads.get().user == coordinator


def test_a_second_delivery_of_a_done_job_builds_nothing(
    worker_factory, route_reports, send_to_redis, coordinator, pilot
):
    worker = worker_factory()
    route_reports(worker)
    job = services.request_report(user=coordinator, pilots=[pilot], **PERIOD)
    wait_for_status(job, ReportJobStatus.DONE, worker=worker)
    first_file = job.file.name

    result = tasks.build_report.apply_async(args=[job.pk], queue=worker.queue)

    assert result.get(timeout=REPORT_TIMEOUT) == "skipped"
    job.refresh_from_db()
    assert (job.file.name, job.attempts) == (first_file, 1)


def test_a_worker_killed_in_the_middle_of_a_report_leaves_no_job_stuck(
    worker_factory, route_reports, send_to_redis, monkeypatch, killed_queues, coordinator, pilot
):
    # The first worker sleeps before building, long enough to be killed while the job is running.
    monkeypatch.setenv("OPSTAP_TEST_REPORT_DELAY_SECONDS", "60")
    doomed = worker_factory()
    route_reports(doomed)
    job = services.request_report(user=coordinator, pilots=[pilot], **PERIOD)
    wait_for_status(job, ReportJobStatus.RUNNING, worker=doomed, timeout=60)

    killed_queues.append(doomed.queue)
    os.kill(doomed.process.pid, signal.SIGKILL)
    doomed.process.wait(timeout=10)

    job.refresh_from_db()
    assert job.status == ReportJobStatus.RUNNING  # nobody is building it any more
    monkeypatch.delenv("OPSTAP_TEST_REPORT_DELAY_SECONDS")
    fresh = worker_factory()
    route_reports(fresh)
    # The periodic watch, as it runs once the hard limit and its margin have passed.
    later = timezone.now() + services.running_too_long() + datetime.timedelta(seconds=1)
    with time_machine.travel(later, tick=True):
        counts = tasks.watch_report_jobs.apply().get()

    assert counts["requeued"] == 1 and counts["sent"] == 1
    wait_for_status(job, ReportJobStatus.DONE, ReportJobStatus.FAILED, worker=fresh)
    assert job.status == ReportJobStatus.DONE, job.error
    assert job.attempts == 2
    assert stored_pdf(job).startswith(b"%PDF-")


def test_a_report_asked_for_while_redis_is_down_is_made_once_it_is_back(
    worker_factory, route_reports, send_to_redis, settings, client, coordinator, pilot
):
    worker = worker_factory()
    route_reports(worker)
    client.force_login(coordinator)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    with broker_at(settings, UNREACHABLE_BROKER):
        response = client.post(reverse("reports:job-new"), {"pilots": [pilot.pk], **PERIOD})
        job = ReportJob.objects.get()
        assert response.status_code == 302  # the coordinator gets the job page, not an error

        job.refresh_from_db()
        assert job.status == ReportJobStatus.QUEUED and job.waiting_for_queue
        assert client.get(reverse("reports:job-status", args=[job.pk])).json()["waiting_for_queue"] is True

        # The watch while Redis is still down sends nothing and loses nothing.
        later = timezone.now() + services.DISPATCH_GRACE + datetime.timedelta(seconds=1)
        with time_machine.travel(later, tick=True):
            assert tasks.watch_report_jobs.apply().get()["sent"] == 0
        job.refresh_from_db()
        assert job.status == ReportJobStatus.QUEUED

    later = timezone.now() + 3 * services.DISPATCH_GRACE
    with time_machine.travel(later, tick=True):
        assert tasks.watch_report_jobs.apply().get()["sent"] == 1

    wait_for_status(job, ReportJobStatus.DONE, ReportJobStatus.FAILED, worker=worker)
    assert job.status == ReportJobStatus.DONE, job.error
    assert (job.dispatch_error, job.waiting_for_queue) == ("", False)
    assert stored_pdf(job).startswith(b"%PDF-")
