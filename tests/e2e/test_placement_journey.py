"""A placement in two browsers: the adviser proposes a candidate, the host's contact confirms, the adviser sees it.

Each person has their own browser context and logs in through the real login form. The data is built with
factories rather than the demo, so the cohort, the host's free places and the candidate are the same on
every run, whatever day the suite runs on.
"""

import datetime
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect

from candidates.models import EnrolmentStatus
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from employers.models import Placement, PlacementStatus
from employers.tests.factories import EmployerLocationFactory, SeatOfferFactory
from pilots.models import PilotStatus
from pilots.tests.factories import CohortFactory, PilotFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The password UserFactory gives every user.
PASSWORD = "demo-wachtwoord-2026"


def dutch(message: str, **values) -> str:
    """A message as the Dutch page shows it: translated when the catalogue has it, the English source if not."""
    with translation.override("nl"):
        text = gettext(message)
        return text % values if values else text


def url(live_server, name: str, *args) -> str:
    return f"{live_server.url}{reverse(name, args=args)}"


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Fresh browser profiles, one per person, as a Dutch user on a laptop screen would have them."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(
            locale="nl-NL", timezone_id="Europe/Amsterdam", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def shoot(page: Page, name: str) -> None:
    """Keep a screenshot as <name>.png in E2E_SCREENSHOT_DIR, when that is set."""
    directory = os.environ.get("E2E_SCREENSHOT_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


def log_in(page: Page, live_server, username: str, start_page: str) -> None:
    page.goto(url(live_server, "login"))
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    expect(page).to_have_url(url(live_server, start_page))


@pytest.fixture
def groepshulp(organisation, adviser, employer, employer_contact):
    """Round 2 of the groepshulp pilot: a selected candidate without a host, and a host with two free places."""
    today = timezone.localdate()
    pilot = PilotFactory(
        name="Groepshulp kinderopvang Midden-Utrecht",
        slug="groepshulp-midden-utrecht",
        lead_organisation=organisation,
        status=PilotStatus.RECRUITMENT,
        internship_days_per_week=2,
    )
    cohort = CohortFactory(
        pilot=pilot,
        name="Ronde 2",
        start_date=today + datetime.timedelta(weeks=4),
        end_date=today + datetime.timedelta(weeks=19),
    )
    location = EmployerLocationFactory(employer=employer, name="De Boomhut", city="Utrecht")
    SeatOfferFactory(employer=employer, cohort=cohort, places=2)
    candidate = CandidateFactory(first_name="Fatma", last_name="Yilmaz", adviser=adviser)
    enrolment = EnrolmentFactory(candidate=candidate, cohort=cohort, status=EnrolmentStatus.SELECTED)
    return cohort, location, enrolment


def test_an_adviser_proposes_a_candidate_and_the_host_confirms_in_another_browser(
    live_server, new_page, adviser, employer, employer_contact, groepshulp
):
    cohort, location, enrolment = groepshulp
    candidate = enrolment.candidate
    adviser_page, host_page = new_page(), new_page()

    # The adviser goes from the candidate's enrolment to the proposal form.
    log_in(adviser_page, live_server, adviser.username, "candidates:adviser-start")
    adviser_page.goto(f"{live_server.url}{candidate.get_absolute_url()}")
    card = adviser_page.locator(f"article[aria-labelledby='enrolment-{enrolment.pk}']")
    card.locator("a[data-placement-action=propose]").click()
    expect(adviser_page).to_have_url(url(live_server, "employers:placement-propose", enrolment.pk))

    form = adviser_page.locator("main form")
    employer_select = form.locator("select[name=employer]")
    # The host is offered with its free places.
    expect(employer_select.locator(f"option[value='{employer.pk}']")).to_contain_text(employer.name)
    employer_select.select_option(str(employer.pk))
    form.locator("select[name=location]").select_option(str(location.pk))
    form.locator("input[name=supervisor_name]").fill("Mirjam de Boer")
    expect(form.locator("input[name=days_per_week]")).to_have_value("2")
    expect(form.locator("input[name=start_date]")).to_have_value(cohort.start_date.isoformat())
    form.locator("textarea[name=motivation]").fill("Rustig en zorgzaam; wil graag met jonge kinderen werken.")
    shoot(adviser_page, "placement-propose")
    form.locator("[type=submit][name=propose]").click()

    expect(adviser_page).to_have_url(f"{live_server.url}{candidate.get_absolute_url()}")
    expect(adviser_page.locator(".messages .alert-success")).to_contain_text(
        dutch(
            "%(candidate)s is proposed to %(employer)s. The employer receives an e-mail.",
            candidate=candidate.full_name,
            employer=employer.name,
        )
    )
    placement = Placement.objects.get(enrolment=enrolment)
    assert placement.status == PlacementStatus.PROPOSED
    expect(card).to_contain_text(employer.name)
    expect(card).to_contain_text(dutch("Proposed"))
    # The host's contact was e-mailed once the proposal was saved.
    assert [message.to for message in mail.outbox] == [[employer_contact.email]]

    # The host's contact, in their own browser, finds the proposal on their start page and confirms it.
    log_in(host_page, live_server, employer_contact.username, "employers:start")
    detail_path = reverse("employers:placement-detail", args=[placement.pk])
    proposal_link = host_page.locator(f"main a[href='{detail_path}']").first
    expect(proposal_link).to_be_visible()
    expect(host_page.locator("main")).to_contain_text(candidate.first_name)
    shoot(host_page, "placement-host-start")
    proposal_link.click()
    expect(host_page).to_have_url(f"{live_server.url}{detail_path}")
    confirm_path = reverse("employers:placement-confirm", args=[placement.pk])
    host_page.locator(f"form[action='{confirm_path}'] [type=submit]").click()
    expect(host_page.locator(".messages .alert-success")).to_be_visible()
    shoot(host_page, "placement-host-confirmed")
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.CONFIRMED
    assert placement.answered_by == employer_contact

    # Back in the adviser's browser, a reload shows the confirmation on the candidate page...
    adviser_page.reload()
    expect(card).to_contain_text(dutch("Confirmed"))
    shoot(adviser_page, "placement-adviser-confirmed")

    # ...and on the cohort page, where the host has one place confirmed and one left.
    adviser_page.goto(f"{live_server.url}{cohort.get_absolute_url()}")
    row = adviser_page.locator(f"table[data-table=places] tr[data-employer='{employer.pk}']")
    expect(row.locator("[data-places=offered]")).to_have_text("2")
    expect(row.locator("[data-places=proposed]")).to_have_text("0")
    expect(row.locator("[data-places=confirmed]")).to_have_text("1")
    expect(row.locator("[data-places=remaining]")).to_have_text("1")
    shoot(adviser_page, "placement-cohort")
