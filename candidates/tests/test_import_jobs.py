"""A large referral list is checked and imported by a worker while its page follows the progress.

Pages are asked for in English, so the assertions read the message ids whatever state the Dutch translation is in.
Tasks run in-process (config.settings.test); the work a commit hands to the worker runs when the test lets the
commit's callbacks run.
"""

import datetime
import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from candidates import import_jobs
from candidates.import_jobs import import_job_run
from candidates.models import (
    Candidate,
    CandidateImport,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    ImportJob,
    ImportJobStatus,
    PendingUpload,
)
from candidates.pending_uploads import pending_uploads_delete_expired, pending_uploads_remove_about
from candidates.tasks import run_import_job
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory

UPLOAD_URL = reverse("candidates:import-upload")
HEADER = "voornaam;tussenvoegsel;achternaam;geboortedatum;e-mail;telefoon"


@pytest.fixture(autouse=True)
def small_threshold(media_root, settings):
    settings.IMPORT_BACKGROUND_ROWS = 3


@pytest.fixture
def adviser_client(client, adviser):
    client.force_login(adviser)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def people(count: int, *, start: int = 0) -> list[str]:
    return [f"Persoon{i};;Achter{i};01-01-1990;persoon{i}@example.org;" for i in range(start, start + count)]


def csv_bytes(*lines: str) -> bytes:
    return "\r\n".join(lines).encode()


def upload(client, cohort, content: bytes, name: str = "groot.csv"):
    return client.post(
        UPLOAD_URL,
        {
            "cohort": cohort.pk,
            "file": SimpleUploadedFile(name, content),
            "consent": "on",
            "consent_purpose": "Deelname aan WelSlagen",
        },
    )


def job_url(job) -> str:
    return reverse("candidates:import-job", args=[job.pk.hex])


def row_html(response, line: int) -> str:
    for row in response.text.split("<tr>"):
        if re.search(rf'<th scope="row"[^>]*>{line}</th>', row):
            return row
    raise AssertionError(f"line {line} is not in the report")


@pytest.fixture
def checked_job(adviser_client, cohort, django_capture_on_commit_callbacks):
    """A list of five rows (one with an error), uploaded and checked by the worker."""
    content = csv_bytes(HEADER, *people(4), "Kees;;Smit;31-02-1990;kees@example.org;")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(adviser_client, cohort, content)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == job_url(job)
    job.refresh_from_db()
    return job


def test_a_large_list_is_checked_by_the_worker_and_its_page_shows_the_row_report(adviser_client, checked_job):
    assert checked_job.status == ImportJobStatus.CHECKED
    assert (checked_job.rows_total, checked_job.rows_checked, checked_job.rows_importable) == (5, 5, 4)
    assert checked_job.rows_with_errors == 1

    page = adviser_client.get(job_url(checked_job))

    assert page.status_code == 200
    assert "Will be imported" in row_html(page, 2)
    assert "Date of birth: “31-02-1990” is not a date such as 14-03-1988." in row_html(page, 6)
    assert "Import 4 candidates" in page.text
    # Nothing is saved before the confirmation.
    assert not Candidate.objects.exists()


def test_the_upload_of_a_large_list_does_not_check_it_in_the_request(adviser_client, cohort):
    # The callbacks of the commit are not run: the worker never started.
    response = upload(adviser_client, cohort, csv_bytes(HEADER, *people(5)))

    job = ImportJob.objects.get()
    assert response.url == job_url(job)
    assert job.status == ImportJobStatus.QUEUED
    page = adviser_client.get(job_url(job))
    assert '<progress id="job-progress"' in page.text
    assert "js/import-job.js" in page.text
    assert '<meta http-equiv="refresh"' in page.text
    progress = adviser_client.get(job_url(job), {"progress": "json"}).json()
    assert progress["status"] == "queued"
    assert progress["in_progress"] is True


def test_a_small_list_is_still_checked_in_the_request(adviser_client, cohort):
    response = upload(adviser_client, cohort, csv_bytes(HEADER, *people(3)))

    assert "/import/taak/" not in response.url
    assert not ImportJob.objects.exists()


def test_the_check_reports_its_progress_while_it_runs(checked_job, monkeypatch):
    seen = []
    original = import_jobs.parse_table

    def watching(**kwargs):
        progress = kwargs["progress"]

        def record(done):
            progress(done)
            seen.append(ImportJob.objects.get(pk=checked_job.pk).rows_checked)

        return original(**{**kwargs, "progress": record})

    monkeypatch.setattr(import_jobs, "PROGRESS_INTERVAL", timedelta(0))
    monkeypatch.setattr("candidates.importing.PROGRESS_EVERY", 2)
    monkeypatch.setattr(import_jobs, "parse_table", watching)
    ImportJob.objects.filter(pk=checked_job.pk).update(status=ImportJobStatus.QUEUED)

    assert import_job_run(job_id=checked_job.pk.hex) == "checked"

    assert seen[:2] == [2, 4]


def test_confirming_has_the_worker_import_the_rows_in_one_go(
    adviser_client, adviser, cohort, checked_job, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = adviser_client.post(job_url(checked_job), {"fingerprint": checked_job.fingerprint, "confirm": ""})

    assert response.url == job_url(checked_job)
    checked_job.refresh_from_db()
    assert checked_job.status == ImportJobStatus.DONE
    assert sorted(Candidate.objects.values_list("first_name", flat=True)) == [f"Persoon{i}" for i in range(4)]
    assert Candidate.history.count() == 4
    assert set(Enrolment.objects.values_list("cohort", "status")) == {(cohort.pk, EnrolmentStatus.REGISTERED)}
    assert EnrolmentTransition.objects.filter(by_user=adviser).count() == 4
    record = CandidateImport.objects.get()
    assert (record.rows_total, record.rows_imported, record.rows_skipped) == (5, 4, 1)
    assert checked_job.candidate_import == record
    assert not PendingUpload.objects.exists()
    page = adviser_client.get(job_url(checked_job))
    assert "4 candidates from groot.csv were registered for" in page.text
    assert "Imported" in row_html(page, 2)
    assert "Error" in row_html(page, 6)


def test_a_confirmation_after_someone_registered_meanwhile_shows_the_new_check_instead(
    adviser_client, cohort, checked_job, django_capture_on_commit_callbacks
):
    registered = CandidateFactory(email="persoon1@example.org")
    EnrolmentFactory(candidate=registered, cohort=cohort, status=EnrolmentStatus.REGISTERED)

    with django_capture_on_commit_callbacks(execute=True):
        adviser_client.post(job_url(checked_job), {"fingerprint": checked_job.fingerprint, "confirm": ""})

    checked_job.refresh_from_db()
    assert checked_job.status == ImportJobStatus.CHECKED
    assert checked_job.check_changed
    assert checked_job.rows_importable == 3
    assert Candidate.objects.count() == 1
    page = adviser_client.get(job_url(checked_job))
    assert "The check of the file changed since you looked at it." in page.text
    assert "Possibly already registered:" in row_html(page, 3)


def test_the_worker_running_a_step_twice_does_it_once(adviser_client, checked_job, django_capture_on_commit_callbacks):
    assert import_job_run(job_id=checked_job.pk.hex) == "skipped"  # checked already

    with django_capture_on_commit_callbacks(execute=True):
        adviser_client.post(job_url(checked_job), {"fingerprint": checked_job.fingerprint, "confirm": ""})
    assert import_job_run(job_id=checked_job.pk.hex) == "skipped"  # imported already

    assert Candidate.objects.count() == 4
    assert CandidateImport.objects.count() == 1


def test_a_failed_check_is_shown_and_can_be_tried_again(
    adviser_client, cohort, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(import_jobs, "parse_table", broken)
    with django_capture_on_commit_callbacks(execute=True):
        upload(adviser_client, cohort, csv_bytes(HEADER, *people(5)))
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED

    page = adviser_client.get(job_url(job))
    assert "Something went wrong while the file was processed." in page.text
    assert 'name="retry"' in page.text
    assert "disk on fire" not in page.text

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        adviser_client.post(job_url(job), {"retry": ""})
    job.refresh_from_db()
    assert job.status == ImportJobStatus.CHECKED
    assert job.error == ""
    assert job.rows_importable == 5


def test_a_job_whose_worker_was_lost_can_be_started_again(
    adviser_client, cohort, monkeypatch, django_capture_on_commit_callbacks
):
    # The broker takes the job, and the worker that got it is lost.
    monkeypatch.setattr(run_import_job, "apply_async", lambda *args, **kwargs: None)
    with django_capture_on_commit_callbacks(execute=True):
        upload(adviser_client, cohort, csv_bytes(HEADER, *people(5)))
    monkeypatch.undo()
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.QUEUED
    assert 'name="retry"' not in adviser_client.get(job_url(job)).text
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))

    page = adviser_client.get(job_url(job))
    assert 'name="retry"' in page.text

    with django_capture_on_commit_callbacks(execute=True):
        adviser_client.post(job_url(job), {"retry": ""})
    job.refresh_from_db()
    assert job.status == ImportJobStatus.CHECKED


def test_cancelling_a_checked_job_deletes_its_file_and_report(adviser_client, checked_job):
    response = adviser_client.post(job_url(checked_job), {"cancel": ""})

    assert response.url == UPLOAD_URL
    checked_job.refresh_from_db()
    assert checked_job.status == ImportJobStatus.CANCELLED
    assert checked_job.report == []
    assert not PendingUpload.objects.exists()
    assert not Candidate.objects.exists()


def test_another_user_cannot_see_or_confirm_someones_job(client, cohort, checked_job, adviser):
    colleague = UserFactory(organisation=adviser.organisation, role=Role.ADVISER)
    client.force_login(colleague)

    assert client.get(job_url(checked_job)).status_code == 404
    assert client.post(job_url(checked_job), {"fingerprint": checked_job.fingerprint, "confirm": ""}).status_code == 404
    assert client.get(reverse("candidates:import-job", args=["not-a-job"])).status_code == 404
    checked_job.refresh_from_db()
    assert checked_job.status == ImportJobStatus.CHECKED


def test_the_preview_address_of_a_large_list_leads_to_its_job(adviser_client, checked_job):
    response = adviser_client.get(reverse("candidates:import-preview", args=[checked_job.upload_id.hex]))

    assert response.status_code == 302
    assert response.url == job_url(checked_job)


def test_the_history_links_the_users_lists_still_being_checked(adviser_client, checked_job):
    page = adviser_client.get(reverse("candidates:import-history"))

    assert job_url(checked_job) in page.text


def test_an_expired_job_is_deleted_with_its_report(checked_job):
    pending_uploads_delete_expired(now=checked_job.expires_at + timedelta(seconds=1))

    assert not ImportJob.objects.exists()


def test_erasing_a_candidate_deletes_the_reports_that_name_them(
    adviser, adviser_client, checked_job, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        adviser_client.post(job_url(checked_job), {"fingerprint": checked_job.fingerprint, "confirm": ""})
    person = Candidate.objects.get(first_name="Persoon2")
    other = CandidateFactory(first_name="Nina", last_name="Nergens", email="nina@example.org")

    pending_uploads_remove_about(candidate=other)
    assert ImportJob.objects.exists()

    pending_uploads_remove_about(candidate=person)
    assert not ImportJob.objects.exists()
    assert person.date_of_birth == datetime.date(1990, 1, 1)
