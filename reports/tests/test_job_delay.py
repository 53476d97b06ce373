"""A report job that takes longer than usual says so on its page, with what the portal does next and by when.

The watch (reports.tasks.watch_report_jobs, every five minutes) starts a job again once it has been running for
REPORT_TIME_LIMIT plus a minute (six minutes by default), so a job claimed at 10:00 is taken up again at 10:10.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerOperationalError

from pilots.tests.factories import PilotFactory
from reports import services, tasks
from reports.models import ReportJob, ReportJobStatus

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ASKED_AT = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=AMSTERDAM)
BEING_MADE = "The report is being made."
WAITING = "The report is waiting for its turn."
LONGER = "This is taking longer than usual."


def at(minutes: float):
    return time_machine.travel(ASKED_AT + datetime.timedelta(minutes=minutes), tick=False)


@pytest.fixture
def pilot(organisation):
    return PilotFactory(lead_organisation=organisation, name="Groepshulp", slug="groepshulp")


@pytest.fixture
def sent(monkeypatch):
    """The broker takes every job handed to it, and no worker ever claims one."""
    messages = []
    monkeypatch.setattr(tasks.build_report, "apply_async", lambda *args, **options: messages.append(options))
    return messages


@pytest.fixture
def ask(coordinator, pilot, django_capture_on_commit_callbacks):
    """Ask for a report at 10:00; it is not handed to the broker until the test does so."""

    def make() -> ReportJob:
        with at(0), django_capture_on_commit_callbacks(execute=False):
            return services.request_report(
                user=coordinator,
                pilots=[pilot],
                period_start=datetime.date(2026, 1, 1),
                period_end=datetime.date(2026, 12, 31),
            )

    return make


@pytest.fixture
def running(ask, sent):
    """A job sent at 10:00 and claimed by a worker that then died."""
    job = ask()
    with at(0):
        services.dispatch_report(job_id=job.pk)
        services.job_claim(job_id=job.pk, task_id="task-1")
    return job


@pytest.fixture
def page(client, coordinator):
    client.force_login(coordinator)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    def read(job: ReportJob, *, minutes: float) -> str:
        with at(minutes):
            html = client.get(reverse("reports:job-detail", args=[job.pk])).content.decode()
            status = client.get(reverse("reports:job-status", args=[job.pk])).json()
        assert status["message"] in html, "the page and its polling script say the same"
        return status["message"]

    return read


def test_a_running_job_within_the_usual_time_only_says_it_is_being_made(running, page):
    assert page(running, minutes=1) == BEING_MADE


def test_a_running_job_past_the_usual_time_says_when_the_portal_starts_it_again(running, page):
    message = page(running, minutes=1.5)

    assert message == (
        f"{BEING_MADE} {LONGER} If it is not ready by 10:10, the portal starts it again by itself. "
        "You may wait on this page or come back later."
    )


def test_the_usual_time_is_a_fifth_of_the_report_time_limit(running, page, settings):
    settings.REPORT_TIME_LIMIT = 600

    assert page(running, minutes=1.5) == BEING_MADE
    # Running too long from 10:11, which the watch finds at 10:15.
    assert "If it is not ready by 10:15" in page(running, minutes=2.5)


def test_after_the_restart_the_page_counts_from_the_new_start(running, page, sent):
    with at(10):
        services.report_jobs_watch()
        services.job_claim(job_id=running.pk, task_id="task-2")

    assert page(running, minutes=10.5) == BEING_MADE
    assert "If it is not ready by 10:20, the portal starts it again" in page(running, minutes=11.5)


def test_on_the_last_attempt_the_page_says_the_portal_stops_and_it_can_be_tried_again(running, page, sent, settings):
    settings.REPORT_MAX_ATTEMPTS = 1

    message = page(running, minutes=2)

    assert message == (
        f"{BEING_MADE} {LONGER} If it is not ready by 10:10, the portal stops it and you can try again on this page."
    )


def test_a_job_the_watch_has_not_taken_up_asks_to_tell_the_administrator(running, page):
    # Beat or the workers are down: no watch came at 10:10.
    message = page(running, minutes=11.5)

    assert message == (
        f"{BEING_MADE} This is taking much longer than usual: the portal should have taken it up again at 10:10 "
        "and has not. Please tell the administrator."
    )


def test_a_job_no_worker_took_says_when_the_portal_sends_it_again(ask, sent, page):
    job = ask()
    with at(0):
        services.dispatch_report(job_id=job.pk)

    assert page(job, minutes=1) == WAITING
    assert page(job, minutes=2) == (
        f"{WAITING} {LONGER} If it has not started by 10:10, the portal sends it again by itself. You may "
        "wait on this page or come back later."
    )


def test_a_job_waiting_for_the_queue_keeps_its_own_explanation(ask, page, monkeypatch):
    job = ask()

    def refuse(*args, **options):
        raise BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.build_report, "apply_async", refuse)
    with at(0):
        services.dispatch_report(job_id=job.pk)

    assert page(job, minutes=30) == (
        "The queue cannot be reached right now. The report will be made as soon as the queue is back."
    )


@pytest.mark.parametrize("status", [ReportJobStatus.DONE, ReportJobStatus.FAILED])
def test_a_finished_job_says_nothing_of_time(running, page, status):
    ReportJob.objects.filter(pk=running.pk).update(status=status)

    assert LONGER not in page(running, minutes=30)
    assert "much longer" not in page(running, minutes=30)
