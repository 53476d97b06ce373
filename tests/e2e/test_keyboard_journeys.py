"""Two journeys with the keyboard alone: the adviser selects a candidate for a seat, the host confirms a placement.

Only Tab, Shift+Tab, Enter and Space move and act (and typing, to log in); the mouse is never used. Every element
the keyboard reaches must show where the focus is (WCAG 2.4.7): an outline or a ring the portal's CSS draws on
:focus-visible.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from candidates.lifecycle import EnrolmentStatus as S
from candidates.tests.factories import CandidateFactory
from candidates.tests.journeys import walk
from employers.models import PlacementStatus
from employers.services import placement_propose
from employers.tests.factories import EmployerLocationFactory, SeatOfferFactory
from pilots.models import PilotStatus
from pilots.tests.factories import CohortFactory, PilotFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The password UserFactory gives every user.
PASSWORD = "demo-wachtwoord-2026"
# More presses than any page here needs to reach its furthest control.
MAX_TABS = 120

# How the focused element shows its focus: an outline of at least 2 px, or a box shadow (Bootstrap's ring).
FOCUS_SHOWN = """
() => {
  const element = document.activeElement;
  // The page itself, or a container that takes the focus only from a script or a skip link (tabindex -1).
  if (!element || element === document.body || element.getAttribute("tabindex") === "-1") {
    return {shown: true, element: "body"};
  }
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const ring = style.boxShadow !== "none";
  let name = element.tagName.toLowerCase();
  if (element.id) name += "#" + element.id;
  name += " " + (element.innerText || element.getAttribute("aria-label") || element.name || "").trim().slice(0, 40);
  return {shown: (outline || ring) && element.matches(":focus-visible"), element: name};
}
"""


class Keyboard:
    """Moves the focus with Tab and Shift+Tab only, and notes every stop where the focus cannot be seen."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.unseen: list[str] = []

    def tab(self, *, backwards: bool = False) -> None:
        self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focus = self.page.evaluate(FOCUS_SHOWN)
        if not focus["shown"]:
            self.unseen.append(f"{self.page.url}: {focus['element']}")

    def tab_to(self, target: Locator, *, backwards: bool = False) -> None:
        """Press Tab (Shift+Tab backwards) until the target has the focus."""
        for _ in range(MAX_TABS):
            self.tab(backwards=backwards)
            if target.evaluate("element => element === document.activeElement"):
                return
        pytest.fail(f"{MAX_TABS} presses of Tab never reached {target} on {self.page.url}")

    def activate(self, key: str) -> None:
        """Enter or Space on the focused element, which leads to another page."""
        assert key in ("Enter", "Space")
        with self.page.expect_navigation():
            self.page.keyboard.press(key)

    def log_in(self, live_server, username: str) -> None:
        """The login form by keyboard: Tab to each field, type, and Enter to send."""
        self.page.goto(f"{live_server.url}{reverse('login')}")
        form = self.page.locator("main form")
        self.tab_to(form.locator("input[name=username]"))
        self.page.keyboard.type(username)
        self.tab_to(form.locator("input[name=password]"))
        self.page.keyboard.type(PASSWORD)
        self.activate("Enter")
        expect(self.page.locator("input[name=password]")).to_have_count(0)


@pytest.fixture
def keyboard(page: Page) -> Keyboard:
    return Keyboard(page)


@pytest.fixture
def cohort(organisation):
    today = timezone.localdate()
    pilot = PilotFactory(name="Groepshulp kinderopvang", lead_organisation=organisation, status=PilotStatus.RECRUITMENT)
    return CohortFactory(
        pilot=pilot,
        name="Ronde 2",
        seats=12,
        start_date=today + datetime.timedelta(weeks=4),
        end_date=today + datetime.timedelta(weeks=19),
    )


def test_the_adviser_selects_a_candidate_for_a_seat_with_the_keyboard_alone(
    live_server, page, keyboard, adviser, cohort
):
    daan, fatma = (
        walk(
            cohort=cohort, to=S.SCREENED, by_user=adviser, candidate=CandidateFactory(first_name=name, adviser=adviser)
        )
        for name in ("Daan", "Fatma")
    )
    keyboard.log_in(live_server, adviser.username)
    page.goto(f"{live_server.url}{reverse('candidates:cohort-selection', args=[cohort.pk])}")

    # The first Tab reaches the link that skips the navigation; Enter follows it into the page.
    keyboard.tab()
    expect(page.locator("a.skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # On to Fatma's row, one Tab too far and back with Shift+Tab, then Space on "Select".
    row = page.locator(f"tr[data-enrolment='{fatma.pk}']")
    select = row.locator("button[name=to_status][value=selected]")
    keyboard.tab_to(select)
    keyboard.tab()
    keyboard.tab_to(select, backwards=True)
    keyboard.activate("Space")

    expect(page.locator(".messages .alert-success")).to_be_visible()
    expect(row.locator(".enrolment-status")).to_have_class(re.compile(r"\benrolment-status-selected\b"))
    fatma.refresh_from_db()
    daan.refresh_from_db()
    assert (fatma.status, daan.status) == (S.SELECTED, S.SCREENED)
    assert keyboard.unseen == [], "The focus could not be seen on: " + "; ".join(keyboard.unseen)


def test_the_host_confirms_a_placement_with_the_keyboard_alone(
    live_server, page, keyboard, adviser, employer, employer_contact, cohort
):
    location = EmployerLocationFactory(employer=employer, name="De Boomhut", city="Utrecht")
    SeatOfferFactory(employer=employer, cohort=cohort, location=location, places=2)
    enrolment = walk(
        cohort=cohort, to=S.SELECTED, by_user=adviser, candidate=CandidateFactory(first_name="Fatma", adviser=adviser)
    )
    placement = placement_propose(
        enrolment=enrolment,
        employer=employer,
        by_user=adviser,
        location=location,
        supervisor_name="Mirjam de Boer",
        days_per_week=2,
        start_date=cohort.start_date,
        end_date=cohort.end_date,
        motivation="Rustig en zorgzaam.",
    )
    keyboard.log_in(live_server, employer_contact.username)
    expect(page).to_have_url(f"{live_server.url}{reverse('employers:start')}")

    # From the start page to the proposal: Tab to its link, Enter.
    detail_path = reverse("employers:placement-detail", args=[placement.pk])
    keyboard.tab_to(page.locator(f"main a[href='{detail_path}']").first)
    keyboard.activate("Enter")
    expect(page).to_have_url(f"{live_server.url}{detail_path}")

    # Tab to "Confirm the internship" and press Enter.
    confirm = page.locator(
        f"form[action='{reverse('employers:placement-confirm', args=[placement.pk])}'] [type=submit]"
    )
    keyboard.tab_to(confirm)
    keyboard.activate("Enter")

    expect(page.locator(".messages .alert-success")).to_be_visible()
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.CONFIRMED
    assert placement.answered_by == employer_contact
    assert keyboard.unseen == [], "The focus could not be seen on: " + "; ".join(keyboard.unseen)
