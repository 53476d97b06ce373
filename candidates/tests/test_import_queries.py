"""The import's queries do not grow with the list: the preview and the confirmation of 50 and of 500 rows cost the
same, in the request (a small list) and in the worker (a large one)."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates import import_jobs
from candidates.import_jobs import import_job_run
from candidates.models import Candidate, CandidateImport, EnrolmentStatus, ImportJob, ImportJobStatus
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from pilots.tests.factories import CohortFactory, PilotFactory

# Every list the tests upload lands in a folder of the test's own.
pytestmark = pytest.mark.usefixtures("media_root")

HEADER = "voornaam;tussenvoegsel;achternaam;geboortedatum;e-mail;telefoon;beschikbare dagen;uren per week"
# Far below what a 500-row list cost before (about 22 queries a row).
MAX_QUERIES = 40


@pytest.fixture
def cohort(adviser):
    cohort = CohortFactory(pilot=PilotFactory(lead_organisation=adviser.organisation))
    # Registered already: the first rows of every list are theirs, by e-mail or by name and birth date.
    for i in range(5):
        candidate = CandidateFactory(first_name=f"Persoon{i}", last_name=f"Achter{i}", email=f"persoon{i}@example.org")
        EnrolmentFactory(candidate=candidate, cohort=cohort, status=EnrolmentStatus.REGISTERED)
    return cohort


@pytest.fixture
def adviser_client(client, adviser):
    client.force_login(adviser)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def referral_list(rows: int, *, prefix: str) -> bytes:
    """The five people registered already, then new people up to `rows`, then one row with errors."""
    lines = [HEADER, *(f"Persoon{i};;Achter{i};01-01-1990;persoon{i}@example.org;;;" for i in range(5))]
    for i in range(5, rows):
        born = f"{1 + i % 28:02d}-{1 + i % 12:02d}-{1960 + i % 40}"
        lines.append(f"{prefix}{i};;Achter{i};{born};{prefix.lower()}{i}@example.org;;ma, wo;{8 + i % 30}")
    lines.append("Kapot;;Rij;31-02-1990;kapot@example.org;;elke dag;veel")
    return "\r\n".join(lines).encode()


def upload(client, cohort, rows: int, *, prefix: str):
    return client.post(
        reverse("candidates:import-upload"),
        {
            "cohort": cohort.pk,
            "file": SimpleUploadedFile("lijst.csv", referral_list(rows, prefix=prefix)),
            "consent": "on",
            "consent_purpose": "Deelname",
        },
    )


def preview_and_confirm(client, cohort, rows: int, *, prefix: str) -> tuple[int, int]:
    token = upload(client, cohort, rows, prefix=prefix).url.rstrip("/").rsplit("/", 1)[1]
    url = reverse("candidates:import-preview", args=[token])
    with CaptureQueriesContext(connection) as preview:
        response = client.get(url)
    assert response.context["count_total"] == rows + 1
    with CaptureQueriesContext(connection) as confirm:
        response = client.post(
            url, {"fingerprint": response.context["confirm_form"].initial["fingerprint"], "confirm": ""}
        )
    assert response.status_code == 302
    assert CandidateImport.objects.order_by("-pk").first().rows_imported == rows - 5
    return len(preview), len(confirm)


def test_the_preview_and_confirmation_take_as_many_queries_for_500_rows_as_for_50(adviser_client, cohort, settings):
    settings.IMPORT_BACKGROUND_ROWS = 1000

    small = preview_and_confirm(adviser_client, cohort, 50, prefix="Klein")
    large = preview_and_confirm(adviser_client, cohort, 500, prefix="Groot")

    assert large == small
    assert max(large) <= MAX_QUERIES
    assert Candidate.objects.get(first_name="Groot10").available_days == ["mon", "wed"]


def test_the_worker_checks_and_imports_500_rows_in_as_many_queries_as_50(
    adviser_client, cohort, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 10
    # The check writes its progress once a second: a count that follows the clock, not the rows.
    monkeypatch.setattr(import_jobs, "PROGRESS_INTERVAL", timedelta(hours=1))
    counts = []
    for rows, prefix in ((50, "Klein"), (500, "Groot")):
        upload(adviser_client, cohort, rows, prefix=prefix)  # the worker is asked for below
        job = ImportJob.objects.get(status=ImportJobStatus.QUEUED)
        with CaptureQueriesContext(connection) as check:
            assert import_job_run(job_id=job.pk.hex) == "checked"
        job.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=False):
            adviser_client.post(
                reverse("candidates:import-job", args=[job.pk.hex]), {"fingerprint": job.fingerprint, "confirm": ""}
            )
        with CaptureQueriesContext(connection) as imported:
            assert import_job_run(job_id=job.pk.hex) == "imported"
        counts.append((len(check), len(imported)))
        assert CandidateImport.objects.order_by("-pk").first().rows_imported == rows - 5

    assert counts[0] == counts[1]
    assert max(counts[1]) <= MAX_QUERIES
