"""Asking for a report and building it: the services and the build task, with Celery running in-process."""

import datetime
import logging
from pathlib import Path

import pytest
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from config.celery_app import app
from core import dispatch
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory
from reports import services, tasks
from reports.models import FailureReason, ReportJob, ReportJobStatus
from reports.services import ReportJobNotRetryableError, job_build, job_claim, request_report, retry_report
from tests.services import wait_until

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a report\n%%EOF\n"
PERIOD = {"period_start": datetime.date(2026, 1, 1), "period_end": datetime.date(2026, 12, 31)}


class FakeRenderer:
    """Stands in for the WeasyPrint build: reports progress, then returns PDF bytes or raises what it is given."""

    def __init__(self):
        self.calls = 0
        self.errors: list[BaseException] = []

    def __call__(self, job, *, progress):
        self.calls += 1
        progress(50)
        progress(100)
        if self.errors:
            raise self.errors.pop(0)
        return PDF


@pytest.fixture
def renderer(monkeypatch):
    fake = FakeRenderer()
    monkeypatch.setattr(services, "render_report", fake)
    return fake


@pytest.fixture
def pilot(organisation):
    return PilotFactory(lead_organisation=organisation, name="Groepshulp", slug="groepshulp")


@pytest.fixture
def ask(coordinator, pilot, django_capture_on_commit_callbacks):
    """Ask for a report as the coordinator and let the commit send it, as a request would."""

    def make(**values) -> ReportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = request_report(**{"user": coordinator, "pilots": [pilot], **PERIOD, **values})
        job.refresh_from_db()
        return job

    return make


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*.pdf")}


def queued_job(user, pilot) -> ReportJob:
    job = ReportJob.objects.create(requested_by=user, **PERIOD)
    job.pilots.set([pilot])
    return job


# --- Asking ------------------------------------------------------------------------------------------------


def test_a_report_is_queued_and_sent_only_once_the_transaction_commits(
    coordinator, pilot, renderer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        job = request_report(user=coordinator, pilots=[pilot], **PERIOD)
        assert ReportJob.objects.get(pk=job.pk).status == ReportJobStatus.QUEUED

    assert len(callbacks) == 1
    assert renderer.calls == 0  # nothing was sent before the commit
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == ReportJobStatus.DONE


def test_the_built_report_is_stored_and_the_job_done(ask, renderer, coordinator):
    job = ask()

    assert (job.status, job.progress, job.attempts) == (ReportJobStatus.DONE, 100, 1)
    assert job.finished_at is not None and job.started_at is not None
    assert job.celery_task_id and job.dispatched_at is not None
    assert job.file.name.startswith("reports/") and job.file.name.endswith(".pdf")
    with default_storage.open(job.file.name, "rb") as handle:
        assert handle.read() == PDF
    assert (job.requested_by, job.error, job.failure) == (coordinator, "", "")


def test_a_report_keeps_its_pilots_cohorts_and_period(ask, pilot, renderer):
    cohort = CohortFactory(pilot=pilot)
    other = PilotFactory(lead_organisation=pilot.lead_organisation)

    job = ask(pilots=[pilot, other], cohorts=[cohort], period_start=datetime.date(2025, 1, 1))

    assert set(job.pilots.all()) == {pilot, other}
    assert list(job.cohorts.all()) == [cohort]
    assert job.period_start == datetime.date(2025, 1, 1)


@pytest.mark.parametrize("role", [Role.ADVISER, Role.TRAINING_PARTNER, Role.EMPLOYER_CONTACT])
def test_only_coordinators_and_administrators_may_ask_for_a_report(user_for_role, pilot, role):
    with pytest.raises(PermissionDenied):
        request_report(user=user_for_role(role), pilots=[pilot], **PERIOD)

    assert not ReportJob.objects.exists()


def test_an_administrator_may_ask_for_a_report_of_any_pilot(
    administrator, renderer, django_capture_on_commit_callbacks
):
    foreign = PilotFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job = request_report(user=administrator, pilots=[foreign], **PERIOD)

    job.refresh_from_db()
    assert job.status == ReportJobStatus.DONE


def test_a_pilot_of_another_organisation_is_refused(coordinator, pilot):
    foreign = PilotFactory(lead_organisation=OrganisationFactory(name="WSP Elders"))

    with pytest.raises(PermissionDenied):
        request_report(user=coordinator, pilots=[pilot, foreign], **PERIOD)

    assert not ReportJob.objects.exists()


def test_a_cohort_of_a_pilot_not_chosen_is_refused(coordinator, pilot):
    other_cohort = CohortFactory(pilot=PilotFactory(lead_organisation=pilot.lead_organisation))

    with pytest.raises(ValidationError):
        request_report(user=coordinator, pilots=[pilot], cohorts=[other_cohort], **PERIOD)


def test_a_period_ending_before_it_starts_is_refused(coordinator, pilot):
    with pytest.raises(ValidationError):
        request_report(
            user=coordinator,
            pilots=[pilot],
            period_start=datetime.date(2026, 6, 1),
            period_end=datetime.date(2026, 5, 31),
        )


def test_no_pilot_is_refused(coordinator):
    with pytest.raises(ValidationError):
        request_report(user=coordinator, pilots=[], **PERIOD)


def test_a_past_period_can_be_asked_for_again(ask, renderer):
    first = ask(period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31))
    second = ask(period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31))

    assert first.pk != second.pk
    assert {first.status, second.status} == {ReportJobStatus.DONE}


# --- Sending to the queue ----------------------------------------------------------------------------------


def test_the_time_limits_of_the_settings_travel_with_the_message(ask, monkeypatch, settings):
    settings.REPORT_SOFT_TIME_LIMIT, settings.REPORT_TIME_LIMIT = 11, 13
    sent = []
    monkeypatch.setattr(tasks.build_report, "apply_async", lambda *args, **options: sent.append(options))

    job = ask()

    assert sent == [
        {
            "args": (job.pk,),
            "task_id": job.celery_task_id,
            "soft_time_limit": 11,
            "time_limit": 13,
            "ignore_result": True,
        }
    ]
    assert job.status == ReportJobStatus.QUEUED and job.dispatched_at is not None


@pytest.mark.parametrize(
    "error", [BrokerOperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused."), ConnectionError()]
)
def test_an_unreachable_broker_keeps_the_job_queued_with_the_reason(ask, monkeypatch, renderer, error, caplog):
    def refuse(*args, **options):
        raise error

    monkeypatch.setattr(tasks.build_report, "apply_async", refuse)

    with caplog.at_level(logging.WARNING, logger="reports.services"):
        job = ask()

    assert job.status == ReportJobStatus.QUEUED
    assert job.dispatched_at is None and job.last_dispatch_at is not None
    assert type(error).__name__ in job.dispatch_error
    assert job.waiting_for_queue
    assert renderer.calls == 0
    assert "broker cannot be reached" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_job_asked_for_with_the_broker_away_is_sent_within_seconds_of_its_return(
    coordinator, pilot, monkeypatch, renderer, settings
):
    settings.DISPATCH_RETRY_SECONDS = 60
    original = tasks.build_report.apply_async

    def refuse(*args, **options):
        raise BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.build_report, "apply_async", refuse)
    try:
        job = request_report(user=coordinator, pilots=[pilot], **PERIOD)  # commits: the request is answered

        job.refresh_from_db()
        assert (job.status, job.dispatched_at) == (ReportJobStatus.QUEUED, None)
        assert dispatch.waiting_sends() == [f"report-job:{job.pk}"]

        monkeypatch.setattr(tasks.build_report, "apply_async", original)  # the broker is back

        done = wait_until(lambda: ReportJob.objects.get(pk=job.pk).status == ReportJobStatus.DONE, timeout=15)
        assert done, "the job was not sent again once the broker answered"
        assert wait_until(lambda: dispatch.waiting_sends() == [], timeout=5)
    finally:
        dispatch.forget_waiting_sends()


def test_the_build_task_is_acknowledged_late_and_retries_passing_errors():
    task = app.tasks["reports.tasks.build_report"]

    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert task.max_retries == tasks.MAX_RETRIES
    assert set(task.autoretry_for) >= {OperationalError, OSError}
    assert task.retry_backoff


def test_the_periodic_report_tasks_are_scheduled_and_registered():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    for name in ("reports.tasks.watch_report_jobs", "reports.tasks.delete_old_reports"):
        assert name in scheduled
        assert name in app.tasks


# --- Building ----------------------------------------------------------------------------------------------


def test_a_done_job_is_not_built_again(ask, renderer):
    job = ask()
    file_name = job.file.name

    assert tasks.build_report.delay(job.pk).get() == "skipped"

    job.refresh_from_db()
    assert (renderer.calls, job.file.name, job.attempts) == (1, file_name, 1)


def test_a_job_being_built_by_another_delivery_is_left_alone(coordinator, pilot, renderer):
    job = queued_job(coordinator, pilot)
    assert job_claim(job_id=job.pk, task_id="first") is not None

    assert tasks.build_report.delay(job.pk).get() == "skipped"

    job.refresh_from_db()
    assert (job.status, job.celery_task_id, renderer.calls) == (ReportJobStatus.RUNNING, "first", 0)


def test_only_one_of_two_claims_wins(coordinator, pilot):
    job = queued_job(coordinator, pilot)

    first = job_claim(job_id=job.pk, task_id="first")
    second = job_claim(job_id=job.pk, task_id="second")

    assert first is not None and second is None
    assert ReportJob.objects.get(pk=job.pk).attempts == 1


def test_a_delivery_that_lost_its_claim_cannot_finish_the_job(coordinator, pilot, renderer):
    job = queued_job(coordinator, pilot)
    first = job_claim(job_id=job.pk, task_id="first")
    # The first worker seems dead: the job runs longer than the hard limit, and a second delivery takes it over.
    ReportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - datetime.timedelta(hours=1))
    second = job_claim(job_id=job.pk, task_id="second")
    assert second is not None

    before = stored_files()

    assert job_build(first) is False

    job.refresh_from_db()
    assert (job.status, job.celery_task_id, job.file.name) == (ReportJobStatus.RUNNING, "second", "")
    assert stored_files() == before  # its file was removed again
    assert job_build(second) is True
    job.refresh_from_db()
    assert job.status == ReportJobStatus.DONE


def test_progress_is_written_to_the_job_while_it_builds(coordinator, pilot, monkeypatch):
    job = queued_job(coordinator, pilot)
    seen = []

    def render(job, *, progress):
        for percent in (0, 25, 50, 75, 100):
            progress(percent)
            seen.append(ReportJob.objects.get(pk=job.pk).progress)
        return PDF

    monkeypatch.setattr(services, "render_report", render)

    tasks.build_report.delay(job.pk).get()

    assert seen == sorted(seen) and seen[0] >= services.CLAIMED_PROGRESS and seen[-1] == services.BUILT_PROGRESS
    assert len(set(seen)) >= 4
    assert ReportJob.objects.get(pk=job.pk).progress == 100


def test_a_failed_build_shows_a_plain_reason_and_keeps_the_traceback_for_the_administrator(ask, renderer, caplog):
    renderer.errors = [ValueError("the chart has no bars")]

    with caplog.at_level(logging.ERROR, logger="reports.services"):
        job = ask()

    assert (job.status, job.failure) == (ReportJobStatus.FAILED, FailureReason.ERROR)
    assert "Traceback" in job.error and "ValueError: the chart has no bars" in job.error
    assert job.finished_at is not None and not job.file
    assert "the chart has no bars" in caplog.text


def run_in_a_worker(job_id: int, *, retries: int) -> str:
    """Run the task as a worker delivery (not in-process), the given number of retries in."""
    task = tasks.build_report
    task.push_request(id=f"delivery-{retries}", retries=retries, is_eager=False)
    try:
        return task.run(job_id)
    finally:
        task.pop_request()


@pytest.fixture
def retries_sent(monkeypatch):
    sent = []

    def retry(exc=None, **options):
        sent.append(options)
        return Retry(exc=exc, when=options.get("countdown"))

    monkeypatch.setattr(tasks.build_report, "retry", retry)
    return sent


@pytest.mark.parametrize("error", [OSError("disk busy"), OperationalError("database restarting")])
def test_a_passing_error_in_a_worker_puts_the_job_back_and_retries_with_backoff(
    coordinator, pilot, renderer, retries_sent, error
):
    job = queued_job(coordinator, pilot)
    renderer.errors = [error]

    with pytest.raises(Retry):
        run_in_a_worker(job.pk, retries=0)

    job.refresh_from_db()
    assert (job.status, job.started_at, job.progress) == (ReportJobStatus.QUEUED, None, 0)
    assert type(error).__name__ in job.error
    assert len(retries_sent) == 1 and retries_sent[0]["countdown"] >= 0

    assert run_in_a_worker(job.pk, retries=1) == "done"  # the retry's delivery
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ReportJobStatus.DONE, 2)


def test_a_passing_error_on_the_last_retry_fails_the_job(coordinator, pilot, renderer, retries_sent):
    job = queued_job(coordinator, pilot)
    renderer.errors = [OSError("disk full")]

    assert run_in_a_worker(job.pk, retries=tasks.MAX_RETRIES) == "failed"

    job.refresh_from_db()
    assert (job.status, job.failure) == (ReportJobStatus.FAILED, FailureReason.ERROR)
    assert "disk full" in job.error and retries_sent == []


def test_a_passing_error_in_process_fails_the_job_at_once_for_a_try_again(ask, renderer):
    renderer.errors = [OSError("disk full")]

    job = ask()

    assert (job.status, job.failure, renderer.calls) == (ReportJobStatus.FAILED, FailureReason.ERROR, 1)


def test_a_failing_file_save_leaves_no_file_and_no_done_job(ask, renderer, monkeypatch):
    before = stored_files()

    def full_disk(name, content, max_length=None):
        raise OSError("disk full")

    monkeypatch.setattr(services.default_storage, "save", full_disk)

    job = ask()

    assert (job.status, job.failure, job.file.name) == (ReportJobStatus.FAILED, FailureReason.ERROR, "")
    assert job.progress < 100
    assert stored_files() == before


def test_a_build_over_the_soft_time_limit_fails_as_too_long(ask, renderer):
    renderer.errors = [SoftTimeLimitExceeded()]

    job = ask()

    assert (job.status, job.failure) == (ReportJobStatus.FAILED, FailureReason.TIME_LIMIT)


def test_the_slow_build_hook_is_off_unless_a_test_sets_it():
    assert settings.REPORT_BUILD_DELAY_SECONDS == 0


# --- Trying again ------------------------------------------------------------------------------------------


def test_a_failed_report_can_be_tried_again_as_the_same_job(
    ask, renderer, coordinator, django_capture_on_commit_callbacks
):
    renderer.errors = [ValueError("once")]
    job = ask()
    assert job.status == ReportJobStatus.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        retry_report(job=job, user=coordinator)

    job.refresh_from_db()
    assert (job.status, job.failure, job.attempts) == (ReportJobStatus.DONE, "", 1)
    assert ReportJob.objects.count() == 1


def test_a_colleague_of_the_same_organisation_may_try_again(ask, renderer, organisation):
    renderer.errors = [ValueError("once")]
    job = ask()
    colleague = UserFactory(organisation=organisation, role=Role.COORDINATOR)

    assert retry_report(job=job, user=colleague).status == ReportJobStatus.QUEUED


def test_a_report_that_did_not_fail_cannot_be_tried_again(ask, renderer, coordinator):
    job = ask()

    with pytest.raises(ReportJobNotRetryableError):
        retry_report(job=job, user=coordinator)


def test_a_coordinator_of_another_organisation_cannot_try_again(ask, renderer):
    renderer.errors = [ValueError("once")]
    job = ask()
    stranger = UserFactory(organisation=OrganisationFactory(name="WSP Elders"), role=Role.COORDINATOR)

    with pytest.raises(PermissionDenied):
        retry_report(job=job, user=stranger)

    job.refresh_from_db()
    assert job.status == ReportJobStatus.FAILED


def test_the_job_builds_a_real_pdf_of_the_pilot(ask):
    job = ask()

    assert job.status == ReportJobStatus.DONE, job.error
    with default_storage.open(job.file.name, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
