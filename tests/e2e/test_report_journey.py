"""A report in the browser: the coordinator asks for one from the start page, watches the job page follow it to
done without a reload, and downloads a PDF.

The build runs in a thread of this process a moment after the request, as a worker would: the page first shows
the job waiting or running, and the polling script must bring the download button.
"""

import threading
import time
from collections.abc import Iterator

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from pilots.tests.factories import CohortFactory, PilotFactory
from reports import services, tasks
from reports.models import ReportJob, ReportJobStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The password UserFactory gives every user.
PASSWORD = "demo-wachtwoord-2026"
BUILD_DELAY = 2.5  # seconds before the "worker" starts, so the page is seen waiting first


def dutch(message: str) -> str:
    """A message as the Dutch page shows it: translated when the catalogue has it, the English source if not."""
    with translation.override("nl"):
        return gettext(message)


def url(live_server, name: str, *args) -> str:
    return f"{live_server.url}{reverse(name, args=args)}"


def log_in(page: Page, live_server, username: str, start_page: str) -> None:
    page.goto(url(live_server, "login"))
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    expect(page).to_have_url(url(live_server, start_page))


@pytest.fixture
def background_worker(monkeypatch) -> Iterator[list[threading.Thread]]:
    """Build sent reports in a thread after BUILD_DELAY seconds instead of inside the request."""
    threads: list[threading.Thread] = []

    def build_later(job_id: int, task_id: str) -> None:
        time.sleep(BUILD_DELAY)
        try:
            tasks.build_report.apply(args=[job_id], task_id=task_id)
        finally:
            connection.close()

    def send(args, task_id, **options):
        thread = threading.Thread(target=build_later, args=(args[0], task_id), daemon=True)
        threads.append(thread)
        thread.start()

    monkeypatch.setattr(tasks.build_report, "apply_async", send)
    yield threads
    for thread in threads:
        thread.join(timeout=60)


@pytest.fixture
def slow_progress(monkeypatch):
    """The real PDF, reached in visible steps."""
    real = services.render_report

    def render(job, *, progress):
        for percent in (20, 40):
            progress(percent)
            time.sleep(1)
        return real(job, progress=progress)

    monkeypatch.setattr(services, "render_report", render)


def test_the_coordinator_asks_for_a_report_watches_it_finish_and_downloads_the_pdf(
    live_server, page: Page, organisation, coordinator, background_worker, slow_progress, screenshot
):
    pilot = PilotFactory(name="Groepshulp Midden-Utrecht", slug="groepshulp", lead_organisation=organisation)
    CohortFactory(pilot=pilot, name="Ronde 1")
    log_in(page, live_server, coordinator.username, "pilots:coordinator-start")

    # From the start page's reports block to the form.
    page.locator("[data-recent-reports]").get_by_role("link", name=dutch("New report")).click()
    expect(page).to_have_url(url(live_server, "reports:job-new"))
    form = page.locator("form[data-report-request]")
    form.get_by_role("checkbox", name=pilot.name, exact=True).check()
    form.locator("input[name=period_start]").fill("2026-01-01")
    form.locator("input[name=period_end]").fill("2026-12-31")
    screenshot("report-01-form")
    form.locator("[type=submit]").click()

    job = ReportJob.objects.get()
    expect(page).to_have_url(url(live_server, "reports:job-detail", job.pk))
    card = page.locator("[data-report-job]")
    # Not done yet when the page opens: the download button is still hidden.
    expect(card.locator("[data-job-download]")).to_be_hidden()
    page.evaluate("window.sameReportPage = true")  # gone if the page were reloaded
    screenshot("report-02-waiting")

    # The page follows the job by itself, without a reload, until the button appears.
    download_button = card.locator("[data-job-download]")
    expect(download_button).to_be_visible(timeout=60_000)
    expect(card.locator("[data-job-badge]")).to_have_text(dutch("Done"))
    expect(card.locator("[data-job-message]")).to_have_text(dutch("The report is ready."))
    assert page.evaluate("window.sameReportPage === true")
    screenshot("report-03-done")

    with page.expect_download() as download_info:
        download_button.click()
    download = download_info.value
    path = download.path()
    assert download.suggested_filename.endswith(".pdf")
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    # The file opens as a whole document, not only its first bytes.
    assert len(PdfReader(path).pages) > 1

    job.refresh_from_db()
    assert job.status == ReportJobStatus.DONE
    assert job.downloads.get().user == coordinator

    # Back on the start page, the report is listed as done.
    page.goto(url(live_server, "pilots:coordinator-start"))
    recent = page.locator("[data-recent-reports]")
    expect(recent.get_by_role("link", name=pilot.name)).to_be_visible()
    expect(recent.locator("[data-job-badge]")).to_have_text(dutch("Done"))
