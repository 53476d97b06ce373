"""Redis stopped while an adviser proposes a placement: the proposal is saved and answered at once, its mail waits
in the outbox, and once Redis is back a real worker sends it, once.

The test runs a Redis of its own on a free loopback port, so stopping it disturbs no other test. Like the other
worker tests it needs PostgreSQL, redis-server and a worker: skipped on a laptop without them, failed under CI=true.
"""

import contextlib
import datetime
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from post_office.models import STATUS, Email

from candidates.models import EnrolmentStatus
from candidates.tests.factories import EnrolmentFactory
from core import dispatch
from core.roles import Role
from core.tasks import send_outbox_mail
from core.tests.factories import UserFactory
from employers.models import Placement, PlacementStatus
from employers.tests.factories import EmployerFactory, EmployerLocationFactory, SeatOfferFactory
from pilots.tests.factories import CohortFactory, PilotFactory
from reports.models import ReportJob, ReportJobStatus
from reports.tasks import build_report
from tests.services import (
    broker_at,
    require_postgres,
    require_worker,
    service_unavailable,
    start_live_worker,
    wait_until,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# Generous bounds for a shared machine: the request must not wait for the broker (Celery's defaults made it wait
# about 20 s), and a worker reconnects within seconds of Redis coming back.
ANSWER_WITHIN = 10
SENT_WITHIN = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server on a port of its own, stopped and started by the test."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            service_unavailable("needs redis-server to run a Redis of the test's own")
        self.process = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_until(self._answers, timeout=10):
            service_unavailable(f"the test's own Redis did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def _answers(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
        return False


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    redis = OwnRedis(free_port())
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def worker_on(own_redis, tmp_path, settings, monkeypatch):
    """A real worker on the test's own Redis, writing its mail as files into a folder; the portal uses that Redis."""
    require_postgres()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    environment = {
        "REDIS_URL": own_redis.url,
        "OPSTAP_TEST_MAIL_DIR": str(mail_dir),
        # The worker stores reports in this test process's media folder, where the test reads them.
        "OPSTAP_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    with (
        start_live_worker(
            database_name=connection.settings_dict["NAME"], log_dir=tmp_path, environment=environment
        ) as worker,
        broker_at(settings, own_redis.url),
    ):
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.DISPATCH_RETRY_SECONDS = SENT_WITHIN
        require_worker(worker)
        for task in (send_outbox_mail, build_report):
            # The worker's -Q consumes only its own queue.
            monkeypatch.setattr(task, "apply_async", partial(_to_queue, task.apply_async, worker.queue))
        worker.mail_dir = mail_dir
        try:
            yield worker
        finally:
            dispatch.forget_waiting_sends()


def _to_queue(apply_async, queue: str, *args, **options):
    return apply_async(*args, **{**options, "queue": queue})


def mails_written(folder: Path) -> int:
    return sum(1 for path in folder.iterdir() if path.is_file())


def test_a_proposal_made_while_redis_is_stopped_is_answered_at_once_and_mailed_once_redis_is_back(
    own_redis, worker_on, client, adviser, organisation
):
    cohort = CohortFactory(pilot=PilotFactory(lead_organisation=organisation))
    enrolment = EnrolmentFactory(status=EnrolmentStatus.SELECTED, cohort=cohort, candidate__adviser=adviser)
    employer = EmployerFactory()
    location = EmployerLocationFactory(employer=employer)
    SeatOfferFactory(employer=employer, cohort=enrolment.cohort, places=1)
    contact = UserFactory(organisation=employer.organisation, role=Role.EMPLOYER_CONTACT)
    client.force_login(adviser)

    own_redis.stop()
    started = time.monotonic()
    response = client.post(
        reverse("employers:placement-propose", args=[enrolment.pk]),
        {
            "employer": employer.pk,
            "location": location.pk,
            "supervisor_name": "Mirjam de Boer",
            "days_per_week": 2,
            "start_date": enrolment.cohort.start_date.isoformat(),
            "end_date": enrolment.cohort.start_date.isoformat(),
            "motivation": "Past goed bij het team.",
        },
    )
    answered_in = time.monotonic() - started

    assert response.status_code == 302, response.content[:2000]
    assert answered_in < ANSWER_WITHIN, f"the request waited {answered_in:.1f} s for the broker"
    assert Placement.objects.get(enrolment=enrolment).status == PlacementStatus.PROPOSED
    assert Email.objects.get().status == STATUS.queued
    assert mails_written(worker_on.mail_dir) == 0

    own_redis.start()

    sent = wait_until(lambda: Email.objects.filter(status=STATUS.sent).exists(), timeout=SENT_WITHIN, interval=0.5)
    assert sent, f"the mail was not sent after Redis came back; worker log:\n{worker_on.log_tail()}"
    # Another flush finds nothing to send: the contact has the mail once.
    send_outbox_mail.apply_async(ignore_result=True)
    time.sleep(2)
    assert mails_written(worker_on.mail_dir) == 1
    assert contact.email in next(worker_on.mail_dir.iterdir()).read_text()


def test_a_report_asked_for_while_redis_is_stopped_is_made_within_seconds_of_its_return(
    own_redis, worker_on, client, coordinator, organisation
):
    pilot = PilotFactory(lead_organisation=organisation)
    CohortFactory(pilot=pilot, start_date=datetime.date(2026, 3, 1))
    client.force_login(coordinator)

    own_redis.stop()
    started = time.monotonic()
    response = client.post(
        reverse("reports:job-new"),
        {"pilots": [pilot.pk], "period_start": "2026-01-01", "period_end": "2026-12-31"},
    )
    answered_in = time.monotonic() - started

    assert response.status_code == 302
    assert answered_in < ANSWER_WITHIN, f"the request waited {answered_in:.1f} s for the broker"
    job = ReportJob.objects.get()
    assert (job.status, job.dispatched_at) == (ReportJobStatus.QUEUED, None)

    own_redis.start()

    # No watcher runs here: the dispatch itself tries again until Redis answers.
    done = wait_until(
        lambda: ReportJob.objects.filter(pk=job.pk, status=ReportJobStatus.DONE).exists(),
        timeout=SENT_WITHIN,
        interval=0.5,
    )
    job.refresh_from_db()
    assert done, f"job is {job.status}; worker log:\n{worker_on.log_tail()}"
    assert job.attempts == 1
