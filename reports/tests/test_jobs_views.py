"""The report job pages through the test client: asking, following, downloading, trying again, and who may."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core.models import AuditAction, AuditEvent
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory
from reports import services, tasks
from reports.models import FailureReason, ReportDownload, ReportJob, ReportJobStatus
from reports.views_jobs import status_message

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a report\n%%EOF\n"
JOB_URLS = ("reports:job-detail", "reports:job-status", "reports:job-download")


def english(message: str) -> str:
    with translation.override("en"):
        return gettext(message)


@pytest.fixture
def renderer(monkeypatch):
    calls = []

    def render(job, *, progress):
        calls.append(job.pk)
        progress(100)
        return PDF

    monkeypatch.setattr(services, "render_report", render)
    return calls


@pytest.fixture
def pilot(organisation):
    return PilotFactory(lead_organisation=organisation, name="Groepshulp Midden-Utrecht", slug="groepshulp")


@pytest.fixture
def logged_in(client):
    def log_in(user):
        client.force_login(user)
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return log_in


def make_job(user, *pilots, status=ReportJobStatus.QUEUED, **fields) -> ReportJob:
    job = ReportJob.objects.create(
        requested_by=user,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        status=status,
        **fields,
    )
    job.pilots.set(pilots)
    if status == ReportJobStatus.DONE:
        job.file.save(f"rapportage-{job.pk}.pdf", ContentFile(PDF))
    return job


def form_data(*pilots, cohorts=(), start="2026-01-01", end="2026-12-31") -> dict:
    return {
        "pilots": [pilot.pk for pilot in pilots],
        "cohorts": [cohort.pk for cohort in cohorts],
        "period_start": start,
        "period_end": end,
    }


# --- Asking ------------------------------------------------------------------------------------------------


def test_the_form_offers_only_the_coordinators_own_pilots_and_their_cohorts(logged_in, coordinator, pilot):
    cohort = CohortFactory(pilot=pilot, name="Ronde 1")
    foreign = PilotFactory(lead_organisation=OrganisationFactory(name="WSP Elders"), name="Elders")
    CohortFactory(pilot=foreign, name="Ronde elders")

    response = logged_in(coordinator).get(reverse("reports:job-new"))

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["pilots"].queryset) == [pilot]
    assert list(form.fields["cohorts"].queryset) == [cohort]
    assert b"Elders" not in response.content


def test_the_form_can_start_with_a_pilot_chosen(logged_in, coordinator, pilot):
    response = logged_in(coordinator).get(reverse("reports:job-new"), {"pilot": pilot.slug})

    assert response.context["form"].initial["pilots"] == [pilot]


def test_asking_for_a_report_leads_to_its_page_where_it_can_be_downloaded(
    logged_in, coordinator, pilot, renderer, django_capture_on_commit_callbacks
):
    client = logged_in(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:job-new"), form_data(pilot))

    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.requested_by, list(job.pilots.all()), job.status) == (coordinator, [pilot], ReportJobStatus.DONE)

    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    download_url = reverse("reports:job-download", args=[job.pk])
    assert download_url.encode() in page.content
    assert english("Download the PDF").encode() in page.content


def test_a_period_ending_before_it_starts_is_a_form_error(logged_in, coordinator, pilot):
    response = logged_in(coordinator).post(
        reverse("reports:job-new"), form_data(pilot, start="2026-06-01", end="2026-05-31")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["period_end"] == [
        english("The end of the period cannot be before its start.")
    ]
    assert not ReportJob.objects.exists()


def test_a_past_period_is_accepted(logged_in, coordinator, pilot, renderer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        logged_in(coordinator).post(reverse("reports:job-new"), form_data(pilot, start="2023-01-01", end="2023-12-31"))

    assert ReportJob.objects.get().period_end == datetime.date(2023, 12, 31)


def test_a_cohort_of_a_pilot_not_chosen_is_a_form_error(logged_in, coordinator, pilot, organisation):
    other = PilotFactory(lead_organisation=organisation)
    response = logged_in(coordinator).post(
        reverse("reports:job-new"), form_data(pilot, cohorts=[CohortFactory(pilot=other)])
    )

    assert response.context["form"].errors["cohorts"] == [english("Choose only cohorts of the chosen pilots.")]
    assert not ReportJob.objects.exists()


def test_a_pilot_of_another_organisation_cannot_be_posted(logged_in, coordinator):
    foreign = PilotFactory(lead_organisation=OrganisationFactory(name="WSP Elders"))

    response = logged_in(coordinator).post(reverse("reports:job-new"), form_data(foreign))

    assert response.status_code == 200 and "pilots" in response.context["form"].errors
    assert not ReportJob.objects.exists()


# --- Following ---------------------------------------------------------------------------------------------


def test_the_job_page_follows_the_job_with_a_script_and_no_inline_code(logged_in, coordinator, pilot):
    job = make_job(coordinator, pilot)

    response = logged_in(coordinator).get(job.get_absolute_url())

    content = response.content.decode()
    assert f'data-status-url="{reverse("reports:job-status", args=[job.pk])}"' in content
    assert 'data-status="queued"' in content
    assert "js/report-job.js" in content
    assert "<progress" in content


def test_a_job_waiting_for_the_queue_says_it_will_be_made_when_the_queue_is_back(logged_in, coordinator, pilot):
    job = make_job(coordinator, pilot, dispatch_error="OperationalError: Connection refused")
    client = logged_in(coordinator)

    page = client.get(job.get_absolute_url())
    status = client.get(reverse("reports:job-status", args=[job.pk])).json()

    notice = english("The queue cannot be reached right now. The report will be made as soon as the queue is back.")
    assert notice.encode() in page.content
    assert (status["status"], status["waiting_for_queue"], status["message"]) == ("queued", True, notice)
    assert b"Connection refused" not in page.content  # the technical reason is for the administrator


def test_the_status_tells_the_polling_script_the_state_and_progress(logged_in, coordinator, pilot):
    job = make_job(coordinator, pilot, status=ReportJobStatus.RUNNING, progress=40)

    response = logged_in(coordinator).get(reverse("reports:job-status", args=[job.pk]))

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert response.json() == {
        "id": job.pk,
        "status": "running",
        "status_label": english("Running"),
        "progress": 40,
        "message": english("The report is being made."),
        "waiting_for_queue": False,
        "finished": False,
        "download_url": None,
    }


def test_the_status_of_a_done_job_gives_the_download_url(logged_in, coordinator, pilot):
    job = make_job(coordinator, pilot, status=ReportJobStatus.DONE)

    status = logged_in(coordinator).get(reverse("reports:job-status", args=[job.pk])).json()

    assert (status["finished"], status["download_url"]) == (True, reverse("reports:job-download", args=[job.pk]))


def test_a_failed_job_shows_a_plain_reason_and_a_try_again_button_but_not_the_error(logged_in, coordinator, pilot):
    job = make_job(
        coordinator,
        pilot,
        status=ReportJobStatus.FAILED,
        failure=FailureReason.ERROR,
        error="Traceback (most recent call last):\nValueError: secret detail",
    )

    response = logged_in(coordinator).get(job.get_absolute_url())

    content = response.content.decode()
    assert english("Something went wrong while making the report.") in content
    assert reverse("reports:job-retry", args=[job.pk]) in content
    assert english("Try again") in content
    assert "secret detail" not in content and "Traceback" not in content


def test_the_administrator_sees_the_technical_error_and_the_downloads_in_the_admin(admin_client, pilot, coordinator):
    job = make_job(
        coordinator, pilot, status=ReportJobStatus.FAILED, failure=FailureReason.ERROR, error="ValueError: detail"
    )
    ReportDownload.objects.create(job=job, user=coordinator)

    response = admin_client.get(reverse("admin:reports_reportjob_change", args=[job.pk]))

    assert response.status_code == 200
    assert b"ValueError: detail" in response.content
    assert coordinator.username.encode() in response.content or str(coordinator).encode() in response.content


def test_the_list_shows_the_reports_of_the_organisations_pilots(logged_in, coordinator, organisation, pilot):
    colleague = UserFactory(organisation=organisation, role=Role.COORDINATOR)
    own, colleagues = make_job(coordinator, pilot), make_job(colleague, pilot)
    make_job(UserFactory(role=Role.COORDINATOR), PilotFactory(lead_organisation=OrganisationFactory(name="Elders")))

    response = logged_in(coordinator).get(reverse("reports:job-list"))

    assert response.status_code == 200
    assert {job.pk for job in response.context["jobs"]} == {own.pk, colleagues.pk}


def test_the_coordinator_start_page_lists_their_recent_reports(logged_in, coordinator, organisation, pilot):
    mine = make_job(coordinator, pilot, status=ReportJobStatus.DONE)
    colleagues = make_job(UserFactory(organisation=organisation, role=Role.COORDINATOR), pilot)

    response = logged_in(coordinator).get(reverse("pilots:coordinator-start"))

    assert list(response.context["recent_reports"]) == [mine]
    assert mine.get_absolute_url().encode() in response.content
    assert colleagues.get_absolute_url().encode() not in response.content
    assert reverse("reports:job-new").encode() in response.content


def test_the_start_page_lists_at_most_five_reports_without_a_query_per_report(logged_in, coordinator, pilot):
    client = logged_in(coordinator)
    make_job(coordinator, pilot)
    client.get(reverse("pilots:coordinator-start"))
    with CaptureQueriesContext(connection) as one_report:
        client.get(reverse("pilots:coordinator-start"))
    for _number in range(6):
        make_job(coordinator, pilot)

    with CaptureQueriesContext(connection) as seven_reports:
        response = client.get(reverse("pilots:coordinator-start"))

    assert len(response.context["recent_reports"]) == 5
    assert len(seven_reports) == len(one_report)


# --- Downloading -------------------------------------------------------------------------------------------


def test_a_download_is_the_pdf_as_an_attachment_and_is_recorded(logged_in, coordinator, pilot):
    job = make_job(coordinator, pilot, status=ReportJobStatus.DONE)

    response = logged_in(coordinator).get(reverse("reports:job-download", args=[job.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "rapportage-groepshulp-20260101-20261231.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    download = ReportDownload.objects.get()
    assert (download.job, download.user) == (job, coordinator)
    event = AuditEvent.objects.get(action=AuditAction.REPORT_DOWNLOAD)
    assert (event.user, event.target_id) == (coordinator, str(job.pk))


def test_a_colleague_may_download_and_is_recorded_as_themselves(logged_in, coordinator, organisation, pilot):
    job = make_job(coordinator, pilot, status=ReportJobStatus.DONE)
    colleague = UserFactory(organisation=organisation, role=Role.COORDINATOR)

    response = logged_in(colleague).get(reverse("reports:job-download", args=[job.pk]))

    assert response.status_code == 200
    assert ReportDownload.objects.get().user == colleague


@pytest.mark.parametrize("status", [ReportJobStatus.QUEUED, ReportJobStatus.RUNNING, ReportJobStatus.FAILED])
def test_a_report_not_done_cannot_be_downloaded(logged_in, coordinator, pilot, status):
    job = make_job(coordinator, pilot, status=status)

    response = logged_in(coordinator).get(reverse("reports:job-download", args=[job.pk]))

    assert response.status_code == 404
    assert not ReportDownload.objects.exists()


def test_a_missing_file_is_not_found_rather_than_an_error(logged_in, coordinator, pilot):
    job = make_job(coordinator, pilot, status=ReportJobStatus.DONE)
    default_storage.delete(job.file.name)

    response = logged_in(coordinator).get(reverse("reports:job-download", args=[job.pk]))

    assert response.status_code == 404


def test_the_media_url_of_a_report_is_not_served(client, coordinator, pilot):
    job = make_job(coordinator, pilot, status=ReportJobStatus.DONE)
    client.force_login(coordinator)

    response = client.get(f"/{django_settings.MEDIA_URL}{job.file.name}")

    assert response.status_code == 404


# --- Trying again ------------------------------------------------------------------------------------------


def test_try_again_makes_the_failed_report(logged_in, coordinator, pilot, renderer, django_capture_on_commit_callbacks):
    job = make_job(coordinator, pilot, status=ReportJobStatus.FAILED, failure=FailureReason.ERROR, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(coordinator).post(reverse("reports:job-retry", args=[job.pk]))

    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.failure, renderer) == (ReportJobStatus.DONE, "", [job.pk])


def test_try_again_of_a_report_that_did_not_fail_changes_nothing(logged_in, coordinator, pilot):
    job = make_job(coordinator, pilot, status=ReportJobStatus.DONE)

    response = logged_in(coordinator).post(reverse("reports:job-retry", args=[job.pk]), follow=True)

    assert english("Only a report that failed can be tried again.").encode() in response.content
    job.refresh_from_db()
    assert job.status == ReportJobStatus.DONE


def test_try_again_only_by_post(logged_in, coordinator, pilot):
    job = make_job(coordinator, pilot, status=ReportJobStatus.FAILED)

    assert logged_in(coordinator).get(reverse("reports:job-retry", args=[job.pk])).status_code == 405


def test_try_again_while_the_broker_is_down_keeps_the_job_queued(
    logged_in, coordinator, pilot, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    def refuse(*args, **options):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.build_report, "apply_async", refuse)
    job = make_job(coordinator, pilot, status=ReportJobStatus.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        logged_in(coordinator).post(reverse("reports:job-retry", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ReportJobStatus.QUEUED and job.waiting_for_queue
    assert status_message(job) == gettext(
        "The queue cannot be reached right now. The report will be made as soon as the queue is back."
    )


# --- Who may -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADVISER, Role.EMPLOYER_CONTACT, Role.TRAINING_PARTNER])
@pytest.mark.parametrize("name", JOB_URLS)
def test_other_roles_are_refused_the_job_pages(logged_in, user_for_role, coordinator, pilot, role, name):
    job = make_job(coordinator, pilot, status=ReportJobStatus.DONE)

    response = logged_in(user_for_role(role)).get(reverse(name, args=[job.pk]))

    assert response.status_code == 403
    assert not ReportDownload.objects.exists()


@pytest.mark.parametrize("role", [Role.ADVISER, Role.EMPLOYER_CONTACT, Role.TRAINING_PARTNER])
def test_other_roles_cannot_ask_list_or_try_again(logged_in, user_for_role, coordinator, pilot, role):
    job = make_job(coordinator, pilot, status=ReportJobStatus.FAILED)
    client = logged_in(user_for_role(role))

    assert client.get(reverse("reports:job-new")).status_code == 403
    assert client.post(reverse("reports:job-new"), form_data(pilot)).status_code == 403
    assert client.get(reverse("reports:job-list")).status_code == 403
    assert client.post(reverse("reports:job-retry", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == ReportJobStatus.FAILED
    assert ReportJob.objects.count() == 1


@pytest.mark.parametrize("name", [*JOB_URLS, "reports:job-retry"])
def test_a_coordinator_of_another_organisation_does_not_find_the_job(logged_in, coordinator, pilot, name):
    job = make_job(coordinator, pilot, status=ReportJobStatus.DONE)
    stranger = UserFactory(organisation=OrganisationFactory(name="WSP Elders"), role=Role.COORDINATOR)
    client = logged_in(stranger)

    response = (
        client.post(reverse(name, args=[job.pk]))
        if name == "reports:job-retry"
        else client.get(reverse(name, args=[job.pk]))
    )

    assert response.status_code == 404
    assert not ReportDownload.objects.exists()


def test_a_report_comparing_with_a_pilot_the_coordinator_does_not_see_is_hidden(logged_in, coordinator, pilot):
    foreign = PilotFactory(lead_organisation=OrganisationFactory(name="WSP Elders"))
    job = make_job(UserFactory(role=Role.ADMINISTRATOR, is_staff=True), pilot, foreign, status=ReportJobStatus.DONE)

    client = logged_in(coordinator)

    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:job-download", args=[job.pk])).status_code == 404


def test_a_partner_organisations_coordinator_sees_the_pilots_report(logged_in, coordinator, pilot):
    from pilots.tests.factories import PilotPartnerFactory

    partner = PilotPartnerFactory(pilot=pilot).organisation
    job = make_job(coordinator, pilot, status=ReportJobStatus.DONE)

    response = logged_in(UserFactory(organisation=partner, role=Role.COORDINATOR)).get(job.get_absolute_url())

    assert response.status_code == 200


@pytest.mark.parametrize("name", JOB_URLS)
def test_the_administrator_sees_every_job(logged_in, administrator, coordinator, pilot, name):
    job = make_job(coordinator, pilot, status=ReportJobStatus.DONE)

    assert logged_in(administrator).get(reverse(name, args=[job.pk])).status_code == 200


@pytest.mark.parametrize("name", JOB_URLS)
def test_anonymous_visitors_go_to_the_login_page(client, coordinator, pilot, name):
    job = make_job(coordinator, pilot, status=ReportJobStatus.DONE)

    response = client.get(reverse(name, args=[job.pk]))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
