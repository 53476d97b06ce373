"""The track in the browser: a week of attendance, a module result with its certificate, and the outflow of a
candidate whose 3-month follow-up has come due.

The data is built with factories and dated relative to today, so the week in the grid is always a past week
and the outflow always three months ago, whatever day the suite runs on.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from playwright.sync_api import Page, expect

from candidates.attendance_grid import shortcut_keys
from candidates.models import Attendance, Certificate, EnrolmentStatus, FollowUp, ModuleResult
from candidates.progress import add_years
from candidates.progress_selectors import followups_due, week_monday
from candidates.tests.factories import EnrolmentFactory
from pilots.models import ModuleKind, PartnerRole, PilotStatus
from pilots.tests.factories import CohortFactory, CohortModuleFactory, PilotFactory, PilotPartnerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

S = EnrolmentStatus
# The password UserFactory gives every user.
PASSWORD = "demo-wachtwoord-2026"


def dutch(message: str, **values) -> str:
    """A message as the Dutch page shows it: translated when the catalogue has it, the English source if not."""
    with translation.override("nl"):
        text = gettext(message)
        return text % values if values else text


ATTENDANCE_SAVED = (
    "The attendance is saved: %(count)s mark changed.",
    "The attendance is saved: %(count)s marks changed.",
)


def dutch_plural(singular: str, plural: str, count: int) -> str:
    with translation.override("nl"):
        return ngettext(singular, plural, count) % {"count": count}


def dutch_date(day: datetime.date) -> str:
    with translation.override("nl"):
        return date_format(day, "DATE_FORMAT")


def url(live_server, name: str, *args, query: str = "") -> str:
    return f"{live_server.url}{reverse(name, args=args)}{query}"


def log_in(page: Page, live_server, username: str, start_page: str) -> None:
    """Through the real login form, as a person would."""
    page.context.clear_cookies()
    page.goto(url(live_server, "login"))
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    expect(page).to_have_url(url(live_server, start_page))


def expect_success(page: Page, text: str) -> None:
    expect(page.locator(".messages .alert-success")).to_contain_text(text)


@pytest.fixture
def track(adviser, organisation, training_partner):
    """A running cohort of the adviser's WSP, trained by the training partner's college: two candidates on the
    track and one who completed it more than three months ago."""
    today = timezone.localdate()
    pilot = PilotFactory(
        name="Werkfit installatietechniek Groningen",
        slug="werkfit-installatie",
        lead_organisation=organisation,
        status=PilotStatus.RUNNING,
    )
    PilotPartnerFactory(pilot=pilot, organisation=training_partner.organisation, role=PartnerRole.TRAINING_PARTNER)
    start = week_monday(today) - datetime.timedelta(weeks=8)
    cohort = CohortFactory(
        pilot=pilot,
        name="Run 1",
        start_date=start,
        end_date=today + datetime.timedelta(weeks=8),
        internship_weekdays=["mon", "tue"],
        school_weekdays=["wed"],
    )
    vca = CohortModuleFactory(
        cohort=cohort,
        name="VCA Basis",
        kind=ModuleKind.CERTIFICATE,
        certificate_name="VCA Basis",
        position=1,
        start_week=1,
        end_week=12,
    )
    people = {}
    for first_name, last_name in (("Fatma", "Yilmaz"), ("Daan", "Bakker")):
        people[first_name] = EnrolmentFactory(
            cohort=cohort,
            status=S.STARTED,
            started_on=start,
            candidate__first_name=first_name,
            candidate__last_name=last_name,
            candidate__adviser=adviser,
        )
    earlier = CohortFactory(
        pilot=pilot,
        name="Run 0",
        start_date=today - datetime.timedelta(weeks=30),
        end_date=today - datetime.timedelta(weeks=16),
    )
    people["Sanne"] = EnrolmentFactory(
        cohort=earlier,
        status=S.COMPLETED,
        started_on=earlier.start_date,
        ended_on=earlier.end_date,
        candidate__first_name="Sanne",
        candidate__last_name="Visser",
        candidate__adviser=adviser,
    )
    return cohort, vca, people


def test_attendance_results_certificate_and_outflow_with_its_follow_up(
    live_server, page: Page, screenshot, adviser, training_partner, track
):
    cohort, vca, people = track
    fatma, daan, sanne = people["Fatma"], people["Daan"], people["Sanne"]
    today = timezone.localdate()
    last_monday = week_monday(today) - datetime.timedelta(weeks=1)

    # The training partner opens the cohort from the start page and goes to last week's attendance.
    log_in(page, live_server, training_partner.username, "pilots:training-start")
    page.goto(f"{live_server.url}{cohort.get_absolute_url()}")
    page.locator(f"main a[href='{reverse('pilots:attendance', args=[cohort.pk])}']").click()
    grid_url = url(live_server, "pilots:attendance", cohort.pk, query=f"?week={last_monday.isoformat()}")
    page.goto(grid_url)
    grid = page.locator("table.attendance-grid")
    expect(grid.locator("thead th.session-head")).to_have_count(3)
    fatma_row = grid.locator(f"tr[data-enrolment='{fatma.pk}']")
    daan_row = grid.locator(f"tr[data-enrolment='{daan.pk}']")
    expect(fatma_row.locator("select")).to_have_count(3)
    screenshot("progress-attendance-empty")

    # Fatma was there all week: one button marks her row.
    fatma_row.locator(f"button[name=row][value='{fatma.pk}']").click()
    expect(page).to_have_url(grid_url)
    expect_success(page, dutch_plural(*ATTENDANCE_SAVED, 3))
    for select in fatma_row.locator("select").all():
        expect(select).to_have_value("present")
    expect(fatma_row.locator(".attendance-rate")).to_contain_text(re.compile(r"100[,.]0\s*%"))

    # Daan was sick on Tuesday; the keyboard shortcut fills in Monday, the list the rest.
    monday_cell, tuesday_cell, wednesday_cell = daan_row.locator("select").all()
    monday_cell.focus()
    with translation.override("nl"):  # the page's language: a for aanwezig
        present_key = next(key.key for key in shortcut_keys() if key.status == "present")
    assert present_key == "a"
    page.keyboard.press(present_key)
    expect(monday_cell).to_have_value("present")
    tuesday_cell.select_option("sick")
    wednesday_cell.select_option("present")
    page.locator("button[name=save]").click()
    expect(page).to_have_url(grid_url)
    expect_success(page, dutch_plural(*ATTENDANCE_SAVED, 3))
    expect(daan_row.locator("select").nth(1)).to_have_value("sick")
    # Two of three days present: 66.7%, below the threshold of 80%.
    expect(daan_row.locator(".attendance-rate")).to_contain_text(re.compile(r"66[,.]7\s*%"))
    expect(daan_row.locator(".below-threshold")).to_be_visible()
    expect(fatma_row.locator(".below-threshold")).to_have_count(0)
    assert Attendance.objects.filter(enrolment=daan, status="sick").count() == 1
    assert Attendance.objects.filter(enrolment=fatma, status="present").count() == 3
    screenshot("progress-attendance-saved")

    # The results page: VCA Basis passed, and its certificate with the default expiry ten years on.
    page.goto(f"{live_server.url}{cohort.get_absolute_url()}")
    page.locator(f"main a[href='{reverse('pilots:results', args=[cohort.pk])}']").click()
    expect(page).to_have_url(url(live_server, "pilots:results", cohort.pk))
    cell = page.locator(f"tr[data-enrolment='{fatma.pk}'] td.result-cell[data-module='{vca.pk}']")
    cell.locator("select[name=status]").select_option("passed")
    passed_on = today - datetime.timedelta(days=1)
    cell.locator("input[name=date]").fill(passed_on.isoformat())
    cell.locator("button[name=record_result]").click()
    expect_success(page, "VCA Basis")
    expect(cell.locator(".result-status")).to_contain_text(dutch("Passed"))
    result = ModuleResult.objects.get(enrolment=fatma, cohort_module=vca)
    assert (result.status, result.date) == ("passed", passed_on)

    form = page.locator("form.certificate-form")
    form.locator("select[name=enrolment]").select_option(str(fatma.pk))
    form.locator("select[name=cohort_module]").select_option(str(vca.pk))
    form.locator("input[name=number]").fill("VCA-2026-0042")
    form.locator("input[name=issued_on]").fill(passed_on.isoformat())
    form.locator("[type=submit][name=record_certificate]").click()
    expires_on = add_years(passed_on, 10)
    expect_success(page, dutch_date(expires_on))
    certificate = Certificate.objects.get(enrolment=fatma)
    assert certificate.expires_on == expires_on
    row = page.locator(f"table.certificates-table tr[data-certificate='{certificate.pk}']")
    expect(row).to_contain_text("VCA Basis")
    expect(row.locator(".certificate-expiry")).to_have_text(dutch_date(expires_on))
    screenshot("progress-results")

    # The adviser records where Sanne, who completed an earlier run, went: a job since three months.
    log_in(page, live_server, adviser.username, "candidates:adviser-start")
    page.goto(url(live_server, "candidates:outflow-record", sanne.pk))
    outflow = page.locator("main form")
    outflow.locator("input[name=kind][value=job_elsewhere]").check()
    outflow.locator("input[name=employer_name]").fill("Installatiebedrijf Noord")
    started_on = today - datetime.timedelta(days=92)
    outflow.locator("input[name=start_date]").fill(started_on.isoformat())
    outflow.locator("input[name=hours_per_week]").fill("32")
    outflow.locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(f"{live_server.url}{sanne.candidate.get_absolute_url()}")))
    expect(page.locator("#followups tr[data-followup='3']")).to_be_visible()
    three_months = FollowUp.objects.get(outcome__enrolment=sanne, months=3)
    assert three_months.due_on <= today
    screenshot("progress-outflow")

    # The 3-month follow-up is due: the adviser's start page lists it.
    page.goto(url(live_server, "candidates:adviser-start"))
    due = page.locator(f"[data-followup-due='{three_months.pk}']")
    expect(due).to_contain_text("Sanne Visser")
    assert list(followups_due(user=adviser)) == [three_months]
    screenshot("progress-followup-due")
