"""The adviser's intake in the browser: register, plan and record a screening, select, follow the board.

The data is built with factories rather than the demo, so that the cohort with a free seat, the
people in it and their names are the same on every run, whatever day the suite runs on.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from candidates.models import (
    AppointmentStatus,
    Candidate,
    Enrolment,
    EnrolmentStatus,
    Recommendation,
    Screening,
    ScreeningAppointment,
)
from candidates.services import enrolment_transition, screening_record
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from pilots.models import PilotStatus
from pilots.tests.factories import CohortFactory, PilotFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

S = EnrolmentStatus
# The password UserFactory gives every user.
PASSWORD = "demo-wachtwoord-2026"


def dutch(message: str, **values) -> str:
    """A message as the Dutch page shows it: translated when the catalogue has it, the English source if not."""
    with translation.override("nl"):
        text = gettext(message)
        return text % values if values else text


def url(live_server, name: str, *args, query: str = "") -> str:
    return f"{live_server.url}{reverse(name, args=args)}{query}"


def log_in(page: Page, live_server, username: str) -> None:
    """Through the real login form, as a person would."""
    page.goto(url(live_server, "login"))
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    expect(page).to_have_url(url(live_server, "candidates:adviser-start"))


def expect_success(page: Page, text: str) -> None:
    expect(page.locator(".messages .alert-success")).to_contain_text(text)


def board_card(page: Page, status: str, enrolment: Enrolment):
    return page.locator(f"[data-column-status='{status}'] .board-card[data-enrolment='{enrolment.pk}']")


@pytest.fixture
def intake(adviser, organisation):
    """A recruiting pilot of the adviser's WSP with a cohort that starts in six weeks and has one free seat."""
    today = timezone.localdate()
    pilot = PilotFactory(
        name="Groepshulp kinderopvang Midden-Utrecht",
        slug="groepshulp-midden-utrecht",
        lead_organisation=organisation,
        status=PilotStatus.RECRUITMENT,
    )
    CohortFactory(
        pilot=pilot,
        name="Ronde 1",
        start_date=today - datetime.timedelta(weeks=26),
        end_date=today - datetime.timedelta(weeks=11),
        seats=14,
    )
    cohort = CohortFactory(
        pilot=pilot,
        name="Ronde 2",
        start_date=today + datetime.timedelta(weeks=6),
        end_date=today + datetime.timedelta(weeks=21),
        seats=3,
    )
    people = [
        ("Fatma", "Yilmaz", S.SELECTED),
        ("Daan", "de Vries", S.SELECTED),
        ("Noura", "El Amrani", S.SCREENED),
        ("Tesfay", "Gebremedhin", S.SCREENING_PLANNED),
        ("Linda", "Bakker", S.REGISTERED),
    ]
    enrolments = {}
    for first_name, last_name, status in people:
        candidate = CandidateFactory(first_name=first_name, last_name=last_name, adviser=adviser)
        screened = status in (S.SCREENED, S.SELECTED)
        enrolment = EnrolmentFactory(candidate=candidate, cohort=cohort, status=S.SCREENED if screened else status)
        if screened:
            screening_record(
                enrolment=enrolment,
                by_user=adviser,
                screened_on=today - datetime.timedelta(days=3),
                interest_score=4,
                motivation_score=4,
                language_score=3,
                availability_score=4,
                recommendation=Recommendation.SELECT,
            )
            if status == S.SELECTED:
                enrolment_transition(enrolment=enrolment, to_status=S.SELECTED, by_user=adviser)
        enrolments[first_name] = enrolment
    return pilot, cohort, enrolments


def test_an_adviser_registers_screens_and_selects_a_candidate(live_server, page: Page, screenshot, adviser, intake):
    pilot, cohort, _enrolments = intake
    log_in(page, live_server, adviser.username)

    # The candidate list, from the main navigation.
    page.locator("header nav").get_by_role("link", name=dutch("Candidates")).click()
    expect(page).to_have_url(url(live_server, "candidates:candidate-list"))
    expect(page.locator("main table tbody tr")).to_have_count(5)
    screenshot("intake-candidate-list")

    # Registration, with the Dutch forms of postcode and phone number typed loosely.
    page.get_by_role("link", name=dutch("Register a candidate")).click()
    expect(page).to_have_url(url(live_server, "candidates:candidate-create"))
    form = page.locator("main form")
    form.locator("input[name=first_name]").fill("Sanne")
    form.locator("input[name=last_name]").fill("Visser")
    form.locator("input[name=date_of_birth]").fill("1994-05-17")
    form.locator("input[name=email]").fill("Sanne.Visser@example.org")
    form.locator("input[name=phone]").fill("06-1234 5678")
    form.locator("input[name=postcode]").fill("3511ab")
    form.locator("input[name=city]").fill("Utrecht")
    form.locator("select[name=referral_source]").select_option("municipality")
    form.locator("input[name=consent]").check()
    form.locator("select[name=cohort]").select_option(str(cohort.pk))
    screenshot("intake-register")
    form.locator("[type=submit][name=save]").click()

    candidate = Candidate.objects.get(email="sanne.visser@example.org")
    enrolment = Enrolment.objects.get(candidate=candidate, cohort=cohort)
    expect(page).to_have_url(url(live_server, "candidates:candidate-detail", candidate.pk))
    expect_success(page, dutch("%(name)s is registered.", name="Sanne Visser"))
    expect(page.locator("h1")).to_have_text("Sanne Visser")
    personal = page.locator("section[aria-labelledby=personal-title]")
    expect(personal).to_contain_text("3511 AB")
    expect(personal).to_contain_text("06 12345678")
    card = page.locator(f"article[aria-labelledby='enrolment-{enrolment.pk}']")
    expect(card).to_contain_text(cohort.name)
    expect(card.locator(".status-badge")).to_have_text(dutch("Registered"))
    screenshot("intake-candidate-registered")

    # Plan the screening from the enrolment's next step, a week from now.
    card.locator("a[data-action=screening-plan]").click()
    expect(page).to_have_url(url(live_server, "candidates:screening-plan", enrolment.pk))
    day = timezone.localdate() + datetime.timedelta(days=7)
    plan = page.locator("main form")
    plan.locator("input[name=date]").fill(day.isoformat())
    plan.locator("input[name=time]").fill("10:30")
    plan.locator("input[name=location]").fill("WSP Midden-Utrecht, Stadsplateau 1, kamer 2")
    expect(plan.locator("select[name=adviser]")).to_have_value(str(adviser.pk))
    plan.locator("[type=submit][name=plan]").click()

    appointment = ScreeningAppointment.objects.get(enrolment=enrolment)
    assert timezone.localtime(appointment.starts_at).replace(tzinfo=None) == datetime.datetime.combine(
        day, datetime.time(10, 30)
    )
    expect(page).to_have_url(url(live_server, "candidates:screening-plan", enrolment.pk))
    with translation.override("nl"):
        when = date_format(timezone.localtime(appointment.starts_at), "DATETIME_FORMAT")
    expect_success(page, dutch("The screening of %(name)s is planned on %(when)s.", name="Sanne Visser", when=when))
    listed = page.locator(".appointment-list li")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("WSP Midden-Utrecht, Stadsplateau 1, kamer 2")
    expect(listed.locator(".appointment-status-planned")).to_be_visible()
    expect(page.locator("h1 .status-badge")).to_have_text(dutch("Screening planned"))

    # The .ics file: the browser downloads it, and the server says what it is.
    ics_link = listed.locator(f"a[href='{reverse('candidates:appointment-ics', args=[appointment.pk])}']")
    with page.expect_download() as download_info:
        ics_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = Path(download.path()).read_text(encoding="utf-8")
    assert calendar.startswith("BEGIN:VCALENDAR")
    assert "END:VCALENDAR" in calendar
    response = page.request.get(url(live_server, "candidates:appointment-ics", appointment.pk))
    assert response.ok
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "BEGIN:VCALENDAR" in response.text()
    screenshot("intake-screening-planned")

    # Record the screening.
    page.locator(".screening-tabs a", has_text=dutch("Screening record")).click()
    expect(page).to_have_url(url(live_server, "candidates:screening-record", enrolment.pk))
    record = page.locator("main form.screening-form")
    for field, score in (("interest", "5"), ("motivation", "4"), ("language", "3"), ("availability", "5")):
        record.locator(f"input[name={field}_score][value='{score}']").check()
    record.locator("textarea[name=interest_note]").fill("Wil graag met jonge kinderen werken")
    record.locator("select[name=recommendation]").select_option(Recommendation.SELECT.value)
    record.locator("[type=submit][name=record]").click()

    expect(page).to_have_url(url(live_server, "candidates:screening-record", enrolment.pk))
    expect_success(
        page,
        dutch(
            "The screening of %(name)s is recorded: a combined score of %(score)s out of %(max)s.",
            name="Sanne Visser",
            score=17,
            max=Screening.MAX_SCORE,
        ),
    )
    expect(page.locator(".screening-result.is-latest .screening-total")).to_contain_text("17")
    expect(page.locator("h1 .status-badge")).to_have_text(dutch("Screened"))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.HELD
    screenshot("intake-screening-recorded")

    # Back on the candidate page, the next step is the selection of the cohort.
    page.locator(".breadcrumb a", has_text="Sanne Visser").click()
    expect(page).to_have_url(url(live_server, "candidates:candidate-detail", candidate.pk))
    expect(card.locator(".status-badge")).to_have_text(dutch("Screened"))
    screenshot("intake-candidate-screened")
    card.locator("a[data-action=cohort-selection]").click()
    expect(page).to_have_url(url(live_server, "candidates:cohort-selection", cohort.pk))

    # Two of the three seats are taken; the new candidate ranks first with 17 points and takes the last one.
    row = page.locator(f"tr[data-enrolment='{enrolment.pk}']")
    expect(row).to_contain_text("Sanne Visser")
    expect(page.locator(".selection-table tbody tr").first).to_have_attribute("data-enrolment", str(enrolment.pk))
    screenshot("intake-selection")
    row.locator(f"button[name=to_status][value={S.SELECTED}]").click()

    expect(page).to_have_url(url(live_server, "candidates:cohort-selection", cohort.pk))
    expect_success(page, dutch("%(name)s is now “%(status)s”.", name="Sanne Visser", status=dutch("Selected")))
    expect(row.locator(".status-badge")).to_have_text(dutch("Selected"))
    enrolment.refresh_from_db()
    assert enrolment.status == S.SELECTED
    screenshot("intake-selection-done")

    # The pipeline board of the pilot shows the card in the "selected" column.
    page.locator(".breadcrumb a", has_text=pilot.name).click()
    expect(page).to_have_url(f"{live_server.url}{pilot.get_absolute_url()}")
    page.locator("main a", has_text=dutch("Pipeline board")).first.click()
    expect(page).to_have_url(url(live_server, "candidates:board", pilot.slug))
    expect(board_card(page, S.SELECTED, enrolment)).to_be_visible()
    expect(board_card(page, S.SELECTED, enrolment)).to_contain_text("Sanne Visser")
    expect(page.locator(f".board-card[data-enrolment='{enrolment.pk}']")).to_have_count(1)
    expect(page.locator(f"[data-testid=count-{S.SELECTED}]")).to_contain_text("3")
    selected_title = page.locator(f"[data-column-status='{S.SELECTED}'] .board-column-title")
    expect(selected_title).to_contain_text(dutch("Selected"))
    # The board scrolls sideways by itself; the page around it does not.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("intake-board")


def test_a_screened_card_dragged_onto_the_reserve_column_lands_there(
    live_server, page: Page, screenshot, adviser, intake
):
    pilot, cohort, enrolments = intake
    screened = enrolments["Noura"]
    log_in(page, live_server, adviser.username)
    board_url = url(live_server, "candidates:board", pilot.slug, query=f"?cohort={cohort.pk}")
    page.goto(board_url)

    card = board_card(page, S.SCREENED, screened)
    expect(card).to_have_attribute("draggable", "true")
    reserve = page.locator(f"[data-column-status='{S.RESERVE}']")
    registered = page.locator(f"[data-column-status='{S.REGISTERED}']")

    # On a laptop the board scrolls sideways; the reserve column comes into view next to the card.
    reserve.scroll_into_view_if_needed()
    expect(card).to_be_in_viewport()

    # Picked up, the card lights up the columns it may move to and dims the others.
    box = card.locator(".board-card-meta").bounding_box()
    page.mouse.move(box["x"] + 4, box["y"] + box["height"] / 2)
    page.mouse.down()
    target = reserve.locator(".board-column-title").bounding_box()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] + 20, steps=8)
    expect(reserve).to_have_class(re.compile(r"\bis-drop-target\b"))
    expect(registered).to_have_class(re.compile(r"\bis-drop-disabled\b"))
    screenshot("intake-board-dragging")
    with page.expect_navigation():
        page.mouse.up()

    # The move is the card's own form, so the page comes back from the server with the card in its new column.
    expect(page).to_have_url(board_url)
    expect_success(page, dutch("%(name)s is now “%(status)s”.", name=str(screened.candidate), status=dutch("Reserve")))
    expect(board_card(page, S.RESERVE, screened)).to_be_visible()
    expect(board_card(page, S.SCREENED, screened)).to_have_count(0)
    screened.refresh_from_db()
    assert screened.status == S.RESERVE
    assert screened.reserve_position == 1

    page.reload()
    expect(board_card(page, S.RESERVE, screened)).to_be_visible()
    expect(page.locator(f"[data-testid=count-{S.RESERVE}]")).to_contain_text("1")
    board_card(page, S.RESERVE, screened).scroll_into_view_if_needed()
    screenshot("intake-board-after-drag")
