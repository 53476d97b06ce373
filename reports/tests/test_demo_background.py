"""The demo without a broker: a report asked for in the browser is built in a background thread of the process.

With TASKS_IN_BACKGROUND_THREAD on (config.settings.base without REDIS_URL), the request that asks for the report
is answered once the job is saved, and the job's page follows the build as it would with a worker.
"""

import threading

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from core import dispatch
from pilots.tests.factories import PilotFactory
from reports import services
from reports.models import ReportJob, ReportJobStatus
from tests.services import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.7\n% a report\n%%EOF\n"
# Long enough for a slow machine, short enough that a build inside the request fails the test quickly.
WAIT_SECONDS = 30


@pytest.fixture
def held_build(monkeypatch):
    """A build that says when it starts and then waits until the test lets it finish."""
    started, release = threading.Event(), threading.Event()

    def render(job, *, progress):
        started.set()
        release.wait(timeout=WAIT_SECONDS)
        progress(100)
        return PDF

    monkeypatch.setattr(services, "render_report", render)
    yield started, release
    release.set()
    assert wait_until(lambda: not dispatch.background_busy(), timeout=WAIT_SECONDS)


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    # English, the catalogue's keys: the check holds whatever the translation says.
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def ask_for_a_report(client, pilot):
    return client.post(
        reverse("reports:job-new"),
        {"pilots": [pilot.pk], "period_start": "2026-01-01", "period_end": "2026-12-31"},
    )


def test_the_report_request_is_answered_before_the_build_ends_and_the_job_ends_done(
    coordinator_client, organisation, held_build, settings
):
    settings.TASKS_IN_BACKGROUND_THREAD = True
    started, release = held_build
    pilot = PilotFactory(lead_organisation=organisation, name="Groepshulp", slug="groepshulp")

    response = ask_for_a_report(coordinator_client, pilot)

    assert response.status_code == 302
    assert not release.is_set(), "the request waited for the build"
    # Read the job only once the build holds still inside the render: the tests' in-memory SQLite (shared cache)
    # answers a write beside a read of the same table with "table is locked" at once, without waiting, so a read
    # here while the thread marks the job running would fail the thread's write.
    assert started.wait(timeout=WAIT_SECONDS), "the build did not start after the request"
    job = ReportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == ReportJobStatus.RUNNING
    page = coordinator_client.get(response["Location"]).text
    assert "The report is being made." in page
    assert "Your report has been asked for." in page

    release.set()

    # Not polling the job meanwhile: the tests' in-memory SQLite locks a whole table against the other thread's write.
    assert wait_until(lambda: not dispatch.background_busy(), timeout=WAIT_SECONDS)
    assert ReportJob.objects.get(pk=job.pk).status == ReportJobStatus.DONE
    assert "The report is ready." in coordinator_client.get(response["Location"]).text


def test_a_finished_report_page_does_not_say_it_shows_how_far_it_is(coordinator_client, organisation, held_build):
    _started, release = held_build
    release.set()  # without the background thread (the test settings) the build runs in the request
    pilot = PilotFactory(lead_organisation=organisation, name="Groepshulp", slug="groepshulp")

    page = ask_for_a_report(coordinator_client, pilot)
    page = coordinator_client.get(page["Location"]).text

    assert ReportJob.objects.get().status == ReportJobStatus.DONE
    assert "The report is ready." in page
    assert "how far" not in page
