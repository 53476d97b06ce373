"""The database itself refuses a report job the model forbids."""

import datetime
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, transaction

from core.tests.factories import UserFactory
from reports.models import ReportDownload, ReportJob, ReportJobStatus

pytestmark = pytest.mark.django_db


@contextmanager
def refused_by(constraint: str):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        yield


def create_job(**fields) -> ReportJob:
    values = {
        "requested_by": UserFactory(),
        "period_start": datetime.date(2026, 1, 1),
        "period_end": datetime.date(2026, 12, 31),
        **fields,
    }
    return ReportJob.objects.create(**values)


def test_a_report_job_starts_queued_without_progress():
    job = create_job()

    assert (job.status, job.progress) == (ReportJobStatus.QUEUED, 0)


def test_report_job_progress_above_one_hundred_percent_is_refused():
    with refused_by("reportjob_progress_percentage"):
        create_job(progress=101)


def test_report_job_progress_of_one_hundred_percent_is_accepted():
    job = create_job(progress=100)

    assert ReportJob.objects.get(pk=job.pk).progress == 100


def test_updating_report_job_progress_past_one_hundred_percent_is_refused():
    job = create_job(progress=40)

    with refused_by("reportjob_progress_percentage"):
        ReportJob.objects.filter(pk=job.pk).update(progress=150)


def test_a_report_period_ending_before_its_start_is_refused():
    with refused_by("reportjob_period_in_order"):
        create_job(period_start=datetime.date(2026, 6, 1), period_end=datetime.date(2026, 5, 31))


def test_a_report_period_of_a_single_day_is_accepted():
    job = create_job(period_start=datetime.date(2026, 6, 1), period_end=datetime.date(2026, 6, 1))

    assert ReportJob.objects.filter(pk=job.pk).exists()


def test_an_unknown_report_job_status_is_refused():
    job = create_job()

    with refused_by("reportjob_status_valid"):
        ReportJob.objects.filter(pk=job.pk).update(status="cancelled")


def test_a_job_is_waiting_for_the_queue_only_while_queued_after_a_failed_send():
    job = create_job(dispatch_error="OperationalError: Connection refused")

    assert job.waiting_for_queue
    job.status = ReportJobStatus.RUNNING
    assert not job.waiting_for_queue


def test_a_job_sent_to_the_queue_is_not_waiting_for_it():
    job = create_job()

    assert not job.waiting_for_queue  # not sent yet: the commit hook or the watchdog sends it


def test_the_downloads_of_a_job_go_with_it():
    job = create_job()
    user = UserFactory()
    download = ReportDownload.objects.create(job=job, user=user)

    assert str(user) in str(download)
    job.delete()

    assert not ReportDownload.objects.exists()


def test_the_page_of_a_job_is_its_detail_page():
    job = create_job()

    assert job.get_absolute_url() == f"/rapportages/{job.pk}/"
