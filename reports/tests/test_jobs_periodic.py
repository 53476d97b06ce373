"""The periodic report tasks: the watchdog of lost and unsent jobs, and the deletion of old reports."""

import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from pilots.tests.factories import PilotFactory
from reports import services, tasks
from reports.models import FailureReason, ReportDownload, ReportJob, ReportJobStatus
from reports.services import DISPATCH_GRACE, job_claim, running_too_long

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a report\n%%EOF\n"
START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def renderer(monkeypatch):
    calls = []

    def render(job, *, progress):
        calls.append(job.pk)
        return PDF

    monkeypatch.setattr(services, "render_report", render)
    return calls


@pytest.fixture
def pilot(organisation):
    return PilotFactory(lead_organisation=organisation)


def make_job(user, *pilots, **fields) -> ReportJob:
    job = ReportJob.objects.create(
        requested_by=user, period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 12, 31), **fields
    )
    job.pilots.set(pilots)
    return job


@pytest.fixture
def broker_down(monkeypatch):
    """apply_async fails as it does when Redis cannot be reached; `restore()` brings the broker back."""
    original = tasks.build_report.apply_async

    def refuse(*args, **options):
        raise BrokerOperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(tasks.build_report, "apply_async", refuse)

    class Broker:
        @staticmethod
        def restore():
            monkeypatch.setattr(tasks.build_report, "apply_async", original)

    return Broker


# --- The watchdog ------------------------------------------------------------------------------------------


def test_a_running_job_within_the_hard_limit_is_left_alone(coordinator, pilot, renderer):
    with time_machine.travel(START, tick=False) as clock:
        job = make_job(coordinator, pilot)
        job_claim(job_id=job.pk, task_id="lost")
        clock.shift(running_too_long() - datetime.timedelta(seconds=1))

        assert tasks.watch_report_jobs.delay().get() == {"requeued": 0, "failed": 0, "sent": 0}

    job.refresh_from_db()
    assert (job.status, job.celery_task_id, renderer) == (ReportJobStatus.RUNNING, "lost", [])


def test_a_job_whose_worker_died_is_built_again(coordinator, pilot, renderer):
    with time_machine.travel(START, tick=False) as clock:
        job = make_job(coordinator, pilot)
        job_claim(job_id=job.pk, task_id="lost")  # the worker that claimed it was killed
        clock.shift(running_too_long() + datetime.timedelta(seconds=1))

        counts = tasks.watch_report_jobs.delay().get()

    job.refresh_from_db()
    assert counts == {"requeued": 1, "failed": 0, "sent": 1}
    assert (job.status, job.attempts, renderer) == (ReportJobStatus.DONE, 2, [job.pk])
    assert job.celery_task_id != "lost"


def test_a_job_whose_worker_died_too_often_fails_with_a_try_again(coordinator, pilot, renderer, settings):
    settings.REPORT_MAX_ATTEMPTS = 2
    with time_machine.travel(START, tick=False) as clock:
        job = make_job(coordinator, pilot, attempts=1)
        job_claim(job_id=job.pk, task_id="lost")
        clock.shift(running_too_long() + datetime.timedelta(seconds=1))

        counts = services.report_jobs_watch()

    job.refresh_from_db()
    assert counts == {"requeued": 0, "failed": 1, "sent": 0}
    assert (job.status, job.failure, job.attempts) == (ReportJobStatus.FAILED, FailureReason.INTERRUPTED, 2)
    assert "stopped answering" in job.error
    assert renderer == []


def test_the_hard_limit_of_the_settings_decides_when_a_job_is_lost(coordinator, pilot, renderer, settings):
    settings.REPORT_TIME_LIMIT = 30
    with time_machine.travel(START, tick=False) as clock:
        job = make_job(coordinator, pilot)
        job_claim(job_id=job.pk, task_id="lost")
        clock.shift(datetime.timedelta(seconds=30) + services.WATCH_MARGIN + datetime.timedelta(seconds=1))

        services.report_jobs_watch()

    job.refresh_from_db()
    assert job.status == ReportJobStatus.DONE


def test_a_job_asked_for_while_the_broker_was_down_is_sent_once_it_is_back(
    coordinator, pilot, renderer, broker_down, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            job = services.request_report(
                user=coordinator,
                pilots=[pilot],
                period_start=datetime.date(2026, 1, 1),
                period_end=datetime.date(2026, 12, 31),
            )
        job.refresh_from_db()
        assert job.waiting_for_queue

        # Still down at the next watch: nothing lost, still queued with the reason.
        clock.shift(DISPATCH_GRACE + datetime.timedelta(seconds=1))
        assert services.report_jobs_watch()["sent"] == 0
        job.refresh_from_db()
        assert job.status == ReportJobStatus.QUEUED and job.dispatch_error

        broker_down.restore()
        clock.shift(DISPATCH_GRACE + datetime.timedelta(seconds=1))
        counts = services.report_jobs_watch()

    job.refresh_from_db()
    assert counts["sent"] == 1
    assert (job.status, job.dispatch_error, renderer) == (ReportJobStatus.DONE, "", [job.pk])


def test_a_job_never_sent_is_sent_after_the_grace_period_only(coordinator, pilot, renderer):
    with time_machine.travel(START, tick=False) as clock:
        job = make_job(coordinator, pilot)  # its commit hook never ran: the process died in between
        assert services.report_jobs_watch()["sent"] == 0

        clock.shift(DISPATCH_GRACE + datetime.timedelta(seconds=1))
        assert services.report_jobs_watch()["sent"] == 1

    job.refresh_from_db()
    assert job.status == ReportJobStatus.DONE


def test_a_job_the_queue_took_but_nobody_started_is_sent_again_once_stale(coordinator, pilot, renderer, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.build_report, "apply_async", lambda *args, **options: sent.append(options))
    with time_machine.travel(START, tick=False) as clock:
        job = make_job(coordinator, pilot)
        services.dispatch_report(job_id=job.pk)  # the broker took it, then lost it (a restart without a disk)
        clock.shift(running_too_long() - datetime.timedelta(seconds=1))
        assert services.report_jobs_watch()["sent"] == 0

        clock.shift(datetime.timedelta(seconds=2))
        assert services.report_jobs_watch()["sent"] == 1

    assert len(sent) == 2


# --- Deleting old reports ----------------------------------------------------------------------------------


def done_job(user, *pilots, created_at: datetime.datetime) -> ReportJob:
    job = make_job(user, *pilots, status=ReportJobStatus.DONE, progress=100)
    name = default_storage.save(f"reports/test/old-{job.pk}.pdf", ContentFile(PDF))
    ReportJob.objects.filter(pk=job.pk).update(file=name, created_at=created_at, finished_at=created_at)
    job.refresh_from_db()
    return job


def test_reports_older_than_the_days_kept_are_deleted_with_their_files(
    coordinator, pilot, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_KEEP_DAYS, settings.REPORT_KEEP_PER_PILOT = 30, 0
    now = timezone.now()
    old = done_job(coordinator, pilot, created_at=now - datetime.timedelta(days=31))
    ReportDownload.objects.create(job=old, user=coordinator)
    recent = done_job(coordinator, pilot, created_at=now - datetime.timedelta(days=29))
    still_queued = make_job(coordinator, pilot)
    ReportJob.objects.filter(pk=still_queued.pk).update(created_at=now - datetime.timedelta(days=90))

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.delete_old_reports.delay().get() == 1

    assert set(ReportJob.objects.values_list("pk", flat=True)) == {recent.pk, still_queued.pk}
    assert not default_storage.exists(old.file.name)
    assert default_storage.exists(recent.file.name)
    assert not ReportDownload.objects.exists()


def test_only_the_newest_reports_of_each_pilot_are_kept(
    coordinator, pilot, organisation, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_KEEP_DAYS, settings.REPORT_KEEP_PER_PILOT = 0, 2
    now = timezone.now()
    other = PilotFactory(lead_organisation=organisation)
    oldest, older, newer, newest = (
        done_job(coordinator, pilot, created_at=now - datetime.timedelta(days=days)) for days in (4, 3, 2, 1)
    )
    # The comparison is pilot's third newest, but the newest of the other pilot: it stays.
    compared = done_job(coordinator, pilot, other, created_at=now - datetime.timedelta(days=3, hours=12))

    with django_capture_on_commit_callbacks(execute=True):
        deleted = services.reports_delete_old()

    assert deleted == 2
    assert set(ReportJob.objects.values_list("pk", flat=True)) == {newer.pk, newest.pk, compared.pk}
    assert not default_storage.exists(oldest.file.name) and not default_storage.exists(older.file.name)


def test_nothing_is_deleted_when_both_rules_are_off(coordinator, pilot, settings):
    settings.REPORT_KEEP_DAYS, settings.REPORT_KEEP_PER_PILOT = 0, 0
    done_job(coordinator, pilot, created_at=timezone.now() - datetime.timedelta(days=3000))

    assert services.reports_delete_old() == 0
    assert ReportJob.objects.count() == 1


def test_a_file_that_cannot_be_deleted_does_not_stop_the_others(
    coordinator, pilot, settings, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    settings.REPORT_KEEP_DAYS, settings.REPORT_KEEP_PER_PILOT = 1, 0
    old = timezone.now() - datetime.timedelta(days=2)
    first, second = done_job(coordinator, pilot, created_at=old), done_job(coordinator, pilot, created_at=old)
    real_delete = default_storage.delete

    def delete(name):
        if name == first.file.name:
            raise PermissionError(name)
        real_delete(name)

    monkeypatch.setattr(default_storage, "delete", delete)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_delete_old() == 2

    assert not default_storage.exists(second.file.name)
    assert "Could not delete the old report file" in caplog.text
