"""The journey that matters: a coordinator who has never used Opstap sets up a new pilot in the portal, its partners,
cohort and hosts, and invites the people who run it; they accept, take three candidates through the track, and the
coordinator downloads an evaluation PDF with the figures that track produced. Nobody opens the administration.

Only the coordinator, their organisation and its region are made with factories; everything else is made through
the portal's pages, each person in their own browser. The cohort is dated relative to today (it started twelve
weeks ago and ends today), so the track can be started, completed and left on the day the suite runs.
"""

import re
import time
from base64 import b32decode
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_otp.oath import TOTP
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader

from candidates.models import Candidate, Enrolment, EnrolmentStatus, OutcomeKind, Recommendation
from core.models import User
from core.roles import Role
from core.tests.factories import UserFactory
from employers.models import Employer, Placement, PlacementStatus
from pilots.models import Cohort, OrganisationKind, PartnerRole, Pilot, PilotStatus, ReferenceItem, TrackKind
from pilots.tests.factories import OrganisationFactory, RegionFactory
from reports.figures import STAGE_LABELS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

S = EnrolmentStatus
# The pages the coordinator loads, from the login form to the downloaded PDF (README.md states this number): every
# navigation of their browser, form posts that lead to a new page included; the download itself is no page.
COORDINATOR_PAGES = 37
# The password UserFactory gives every user; the invited people choose their own.
PASSWORD = "demo-wachtwoord-2026"
NEW_PASSWORD = "Horeca-Twente-2026!"
INVITATION_LINK = re.compile(r"https?://[^/\s]+(/uitnodiging/[^/\s]+/)")

TRAINER = "ROC van Twente"
HOSTS = ("Grand Café De Waag", "Hotel De Twentse Ros")
CANDIDATES = {
    "Sevda": ("Sevda", "Kaya", "1991-03-14"),
    "Jeroen": ("Jeroen", "Oude Luttikhuis", "1987-11-02"),
    "Amanuel": ("Amanuel", "Tesfaye", "1996-07-29"),
}


def dutch(message: str, **values) -> str:
    """A message as the Dutch page shows it: translated when the catalogue has it, the English source if not."""
    with translation.override("nl"):
        text = gettext(message)
        return text % values if values else text


def path(name: str, *args) -> str:
    return reverse(name, args=args)


class Journey:
    """The browsers of the people in the journey: one context each, every page they load kept."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[BrowserContext] = []
        self.pages: dict[str, list[str]] = {}
        self.requests: list[str] = []

    def person(self, name: str) -> Page:
        context = self.browser.new_context(
            locale="nl-NL", timezone_id="Europe/Amsterdam", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        loads = self.pages.setdefault(name, [])
        page.on("framenavigated", lambda frame: loads.append(frame.url) if frame.parent_frame is None else None)
        context.on("request", lambda request: self.requests.append(request.url))
        return page

    def url(self, name: str, *args) -> str:
        return f"{self.base_url}{path(name, *args)}"

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def journey(browser: Browser, live_server) -> Iterator[Journey]:
    people = Journey(browser, live_server.url)
    yield people
    people.close()


@pytest.fixture
def twente_coordinator(db):
    """A project lead at the WSP of a region the portal has never seen: no pilots, no partners, no people."""
    twente = RegionFactory(name="Twente", slug="twente")
    wsp = OrganisationFactory(name="WSP Twente", kind=OrganisationKind.WSP, region=twente, city="Enschede")
    return UserFactory(
        username="projectleider.twente",
        first_name="Marloes",
        last_name="Ten Dam",
        organisation=wsp,
        role=Role.COORDINATOR,
    )


def expect_success(page: Page, text: str = "") -> None:
    success = page.locator(".messages .alert-success")
    expect(success.first).to_be_visible()
    if text:
        expect(success.first).to_contain_text(text)


def submit(page: Page, form, *, expect_url: str | None = None, button: str = "[type=submit]") -> None:
    form.locator(button).first.click()
    if expect_url is not None:
        expect(page).to_have_url(expect_url)


def app_code(secret_text: str) -> str:
    """The code an authenticator app shows for the key as the set-up page prints it."""
    secret = secret_text.replace(" ", "").strip()
    return f"{TOTP(b32decode(secret + '=' * (-len(secret) % 8))).token():06d}"


def invitation_path(email: str) -> str:
    """The link of the invitation mailed to this address, as the person reads it in their mail."""
    for _attempt in range(50):
        for message in mail.outbox:
            if message.to == [email]:
                match = INVITATION_LINK.search(message.body)
                assert match, message.body
                return match[1]
        time.sleep(0.1)
    raise AssertionError(f"no invitation was mailed to {email}: {[message.to for message in mail.outbox]}")


def accept_invitation(journey: Journey, page: Page, email: str, start_page: str) -> None:
    """Open the link from the mail, choose a password, set up two-step login where the role needs it, land."""
    page.goto(f"{journey.base_url}{invitation_path(email)}")
    form = page.locator("main form")
    form.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    form.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    form.locator("[type=submit]").click()
    person = User.objects.get(email=email)
    # The test settings ask no role for it; run with OTP_REQUIRED_ROLES=adviser,employer_contact to walk this too.
    if person.role in django_settings.OTP_REQUIRED_ROLES:
        expect(page).to_have_url(re.compile(re.escape(journey.url("otp-setup"))))
        secret = page.locator("[data-otp-secret]").inner_text()
        page.locator("main input[name=code]").fill(app_code(secret))
        page.locator("main form [type=submit]").first.click()
        expect(page.locator("[data-backup-codes] li").first).to_be_visible()
        page.locator("main a", has_text=dutch("Continue")).click()
    expect(page).to_have_url(journey.url(start_page))
    expect(page.locator("h1")).to_be_visible()


def pdf_text(pdf_path: str) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf_path).pages)


def stage(key: str) -> str:
    with translation.override("nl"):
        return str(STAGE_LABELS[key])


def test_a_new_coordinator_sets_up_a_pilot_its_people_run_it_and_the_pdf_shows_what_happened(
    journey: Journey, settings, twente_coordinator
):
    # Three candidates make every count of this pilot small. The report hides counts below the threshold (and the
    # counts they could be worked out from, docs/disclosure.md); at 1 it hides none, so the PDF can be checked
    # figure by figure. The suppression itself is tested in reports/tests/test_disclosure.py.
    settings.REPORT_SMALL_COUNT_THRESHOLD = 1
    today = timezone.localdate()
    cohort_start, cohort_end = today - timedelta(weeks=12), today
    coordinator = journey.person("coordinator")

    # --- The coordinator logs in and first adds the sector the pilot needs to the reference data ---------------
    coordinator.goto(journey.url("login"))
    login = coordinator.locator("main form")
    login.locator("input[name=username]").fill(twente_coordinator.username)
    login.locator("input[name=password]").fill(PASSWORD)
    submit(coordinator, login, expect_url=journey.url("pilots:coordinator-start"))
    expect(coordinator.locator("main")).to_contain_text(
        dutch(
            "There are no pilots for your organisation yet. A pilot you set up, or one your organisation is made a "
            "partner of, appears here."
        )
    )

    coordinator.locator(f"main a[href='{path('pilots:reference-list')}']").click()
    expect(coordinator).to_have_url(journey.url("pilots:reference-list"))
    coordinator.locator(f"main a[href='{path('pilots:reference-create', 'sector')}']").click()
    sector_form = coordinator.locator("main form")
    sector_form.locator("input[name=label]").fill("Horeca")
    sector_form.locator("input[name=label_en]").fill("Hospitality")
    sector_form.locator("input[name=code]").fill("horeca")
    submit(coordinator, sector_form, expect_url=journey.url("pilots:reference-list"))
    expect_success(coordinator, "Horeca")
    assert ReferenceItem.objects.filter(kind="sector", code="horeca", active=True).exists()

    # --- Step 1: the pilot's details ----------------------------------------------------------------------------
    coordinator.locator(".breadcrumb a", has_text=dutch("Start page")).click()
    expect(coordinator).to_have_url(journey.url("pilots:coordinator-start"))
    coordinator.locator(f"main a[href='{path('pilots:pilot-setup')}']").click()
    expect(coordinator).to_have_url(journey.url("pilots:pilot-setup"))
    details = coordinator.locator("main form")
    details.locator("input[name=name]").fill("Gastvrij aan de slag Twente")
    details.locator("select[name=region]").select_option(label="Twente")
    details.locator("select[name=sector]").select_option("horeca")
    details.locator("select[name=track_kind]").select_option(TrackKind.PRE_TRAINING.value)
    details.locator("input[name=target_group]").fill("Werkzoekenden in de bijstand en statushouders")
    details.locator("input[name=target_qualification]").fill("Medewerker horeca, MBO niveau 2")
    details.locator("input[name=duration_weeks]").fill("12")
    details.locator("input[name=internship_days_per_week]").fill("3")
    details.locator("input[name=school_days_per_week]").fill("1")
    details.locator("input[name=planned_places]").fill("8")
    details.locator("input[name=target_outflow_percentage]").fill("70")
    details.locator("input[name=target_work_percentage]").fill("50")
    details.locator("[type=submit][name=save]").click()
    expect(coordinator).to_have_url(re.compile(r"/pilots/[\w-]+/opzetten/partners/$"))
    pilot = Pilot.objects.get(name="Gastvrij aan de slag Twente")
    expect(coordinator).to_have_url(journey.url("pilots:pilot-setup-partners", pilot.slug))
    assert (pilot.status, pilot.sector, pilot.region.name) == (PilotStatus.DESIGN, "horeca", "Twente")

    # --- Step 2: the partners, each a new organisation; the lead WSP is there already ---------------------------
    partners_url = journey.url("pilots:pilot-setup-partners", pilot.slug)
    expect(coordinator.locator("section[aria-labelledby=current-partners-title]")).to_contain_text("WSP Twente")
    new_partners = [
        (TRAINER, OrganisationKind.COLLEGE, "Hengelo", "0812 3456", PartnerRole.TRAINING_PARTNER),
        (HOSTS[0], OrganisationKind.HOST_EMPLOYER, "Enschede", "61234567", PartnerRole.HOST_EMPLOYER),
        (HOSTS[1], OrganisationKind.HOST_EMPLOYER, "Oldenzaal", "72345678", PartnerRole.HOST_EMPLOYER),
    ]
    for name, kind, city, kvk, role in new_partners:
        new = coordinator.locator("section[aria-labelledby=new-organisation-title] form")
        new.locator("input[name=new-name]").fill(name)
        new.locator("select[name=new-kind]").select_option(kind.value)
        new.locator("input[name=new-city]").fill(city)
        new.locator("input[name=new-kvk_number]").fill(kvk)
        new.locator("select[name=new-role]").select_option(role.value)
        submit(coordinator, new, expect_url=partners_url)
        expect_success(coordinator, name)
    current = coordinator.locator("section[aria-labelledby=current-partners-title] li")
    expect(current).to_have_count(4)
    assert pilot.partners.get(name=TRAINER).kvk_number == "08123456"

    # --- Step 3: the learning line, two modules, the second with a certificate -----------------------------------
    coordinator.locator(f"main a[href='{path('pilots:pilot-setup-modules', pilot.slug)}']").last.click()
    modules_url = journey.url("pilots:pilot-setup-modules", pilot.slug)
    expect(coordinator).to_have_url(modules_url)
    trainer = pilot.partners.get(name=TRAINER)
    for name, kind, hours, weeks, certificate in (
        ("Gastvrijheid en service", "sector", "120", ("1", "10"), ""),
        ("Sociale hygiëne", "certificate", "16", ("9", "10"), "Verklaring Sociale Hygiëne"),
    ):
        module = coordinator.locator("section[aria-labelledby=module-form-title] form")
        module.locator("input[name=name]").fill(name)
        module.locator("select[name=kind]").select_option(kind)
        module.locator("select[name=provider]").select_option(str(trainer.pk))
        module.locator("input[name=planned_hours]").fill(hours)
        module.locator("input[name=start_week]").fill(weeks[0])
        module.locator("input[name=end_week]").fill(weeks[1])
        module.locator("input[name=certificate_name]").fill(certificate)
        submit(coordinator, module, expect_url=modules_url)
        expect_success(coordinator, name)
    expect(coordinator.locator("section[aria-labelledby=modules-title] tbody tr")).to_have_count(2)

    # --- Step 4: the summary; setting it up opens the pilot for recruitment ---------------------------------------
    coordinator.locator(f"main a[href='{path('pilots:pilot-setup-summary', pilot.slug)}']").last.click()
    expect(coordinator).to_have_url(journey.url("pilots:pilot-setup-summary", pilot.slug))
    summary = coordinator.locator("main")
    for text in ("Horeca", "Twente", TRAINER, *HOSTS, "Verklaring Sociale Hygiëne"):
        expect(summary).to_contain_text(text)
    coordinator.locator("main form[method=post] button[type=submit]").click()
    expect(coordinator).to_have_url(f"{journey.base_url}{pilot.get_absolute_url()}")
    expect_success(coordinator, pilot.name)
    pilot.refresh_from_db()
    assert pilot.status == PilotStatus.RECRUITMENT

    # --- One cohort with one class ------------------------------------------------------------------------------
    coordinator.locator(f"main a[href='{path('pilots:cohort-create', pilot.slug)}']").click()
    cohort_form = coordinator.locator("section[aria-labelledby=cohort-form-title] form")
    cohort_form.locator("input[name=name]").fill("Ronde 1")
    cohort_form.locator("input[name=start_date]").fill(cohort_start.isoformat())
    cohort_form.locator("input[name=end_date]").fill(cohort_end.isoformat())
    cohort_form.locator("input[name=seats]").fill("8")
    cohort_form.locator("select[name=trainer]").select_option(str(trainer.pk))
    cohort_form.locator("input[name=location]").fill("ROC van Twente, Het Hulsbeek 50, Hengelo")
    cohort_form.locator("[type=submit][name=save]").click()
    expect(coordinator).to_have_url(re.compile(r"/pilots/cohort/\d+/wijzigen/$"))
    cohort = Cohort.objects.get(pilot=pilot)
    cohort_update_url = journey.url("pilots:cohort-update", cohort.pk)
    expect(coordinator).to_have_url(cohort_update_url)
    class_form = coordinator.locator(f"form[action='{path('pilots:cohort-class-create', cohort.pk)}']")
    class_form.locator("input[name=name]").fill("Klas A")
    class_form.locator("input[name=seats]").fill("8")
    submit(coordinator, class_form, expect_url=cohort_update_url, button="[type=submit][name=save_class]")
    expect(coordinator.locator("section[aria-labelledby=classes-title] li")).to_contain_text("Klas A")

    # --- The two hosts: registered as host employers, a location each, places offered on their behalf -----------
    coordinator.locator(".breadcrumb a", has_text=pilot.name).click()
    coordinator.locator(f"main a[href='{path('pilots:host-list', pilot.slug)}']").click()
    expect(coordinator).to_have_url(journey.url("pilots:host-list", pilot.slug))
    for name, kvk, street, postcode, city, supervisor in (
        (HOSTS[0], "6123 4567", "Oude Markt 24", "7511 GB", "Enschede", "Bas Nijhuis"),
        (HOSTS[1], "72345678", "Steenstraat 12", "7571 BK", "Oldenzaal", "Ingrid Wolters"),
    ):
        register = coordinator.locator(f"form[action='{path('pilots:host-create', pilot.slug)}']")
        register.locator("select[name=organisation]").select_option(label=name)
        register.locator("input[name=kvk_number]").fill(kvk)
        register.locator("select[name=sector]").select_option("horeca")
        register.locator("button[type=submit]").click()
        expect(coordinator).to_have_url(re.compile(r"/gastwerkgevers/\d+/$"))
        employer = Employer.objects.get(organisation__name=name)
        host_url = journey.url("pilots:host-detail", pilot.slug, employer.pk)
        expect(coordinator).to_have_url(host_url)
        expect_success(coordinator, name)

        coordinator.locator(f"main a[href='{path('pilots:host-location-create', pilot.slug, employer.pk)}']").click()
        location = coordinator.locator("main form")
        location.locator("input[name=name]").fill(f"{name}, {city}")
        location.locator("input[name=street]").fill(street)
        location.locator("input[name=postcode]").fill(postcode)
        location.locator("input[name=city]").fill(city)
        location.locator("input[name=supervisor_name]").fill(supervisor)
        submit(coordinator, location, expect_url=host_url, button="button[type=submit]")

        offer = coordinator.locator(f"form[action='{path('pilots:host-detail', pilot.slug, employer.pk)}']")
        offer.locator("select[name=cohort]").select_option(str(cohort.pk))
        offer.locator("select[name=location]").select_option(str(employer.locations.get().pk))
        offer.locator("input[name=places]").fill("2")
        submit(coordinator, offer, expect_url=host_url, button="button[type=submit]")
        expect(coordinator.locator("section[aria-labelledby=offers-title] tbody tr")).to_contain_text("2")
        if name == HOSTS[0]:
            coordinator.locator(f".breadcrumb a[href='{path('pilots:host-list', pilot.slug)}']").click()
    hosts = [Employer.objects.get(organisation__name=name) for name in HOSTS]
    assert [employer.sector for employer in hosts] == ["horeca", "horeca"]
    assert [employer.kvk_number for employer in hosts] == ["61234567", "72345678"]

    # --- The people: an adviser of the WSP and a contact at each host, invited by e-mail ---------------------------
    coordinator.locator(f"header a[href='{path('people:list')}']").click()
    people_url = journey.url("people:list")
    expect(coordinator).to_have_url(people_url)
    adviser_email = "d.hofstede@wsptwente.example.nl"
    host_emails = ("bas@grandcafedewaag.example.nl", "ingrid@twentseros.example.nl")
    invitations = [
        ("Dewi", "Hofstede", adviser_email, Role.ADVISER, twente_coordinator.organisation),
        ("Bas", "Nijhuis", host_emails[0], Role.EMPLOYER_CONTACT, hosts[0].organisation),
        ("Ingrid", "Wolters", host_emails[1], Role.EMPLOYER_CONTACT, hosts[1].organisation),
    ]
    for first_name, last_name, email, role, organisation in invitations:
        invite = coordinator.locator("section#invite form")
        invite.locator("input[name=first_name]").fill(first_name)
        invite.locator("input[name=last_name]").fill(last_name)
        invite.locator("input[name=email]").fill(email)
        # Roles are chosen by their name, never their code.
        invite.locator("select[name=role]").select_option(label=dutch(str(Role(role).label)))
        organisations = invite.locator("select[name=organisation]")
        expect(organisations.locator(f"option[value='{organisation.pk}']")).to_contain_text(organisation.name)
        organisations.select_option(str(organisation.pk))
        submit(coordinator, invite, expect_url=people_url, button="[type=submit][name=invite]")
        expect_success(coordinator, email)
    for _first, _last, email, _role, _organisation in invitations:
        row = coordinator.locator("section[aria-labelledby=people-title] tbody tr", has_text=email)
        expect(row).to_contain_text(dutch("Invited"))

    # --- Each invited person opens the link from the mail in their own browser --------------------------------
    adviser = journey.person("adviser")
    accept_invitation(journey, adviser, adviser_email, "candidates:adviser-start")
    host_pages = [journey.person(f"host {number}") for number in (1, 2)]
    for host_page, email in zip(host_pages, host_emails, strict=True):
        accept_invitation(journey, host_page, email, "employers:start")
    assert all(User.objects.get(email=email).has_usable_password() for email in (adviser_email, *host_emails))

    # --- The adviser registers three candidates for the cohort and records their screenings ---------------------
    enrolments = {}
    for first_name, last_name, born in CANDIDATES.values():
        adviser.goto(journey.url("candidates:candidate-list"))
        adviser.locator(f"main a[href='{path('candidates:candidate-create')}']").first.click()
        expect(adviser).to_have_url(journey.url("candidates:candidate-create"))
        form = adviser.locator("main form")
        form.locator("input[name=first_name]").fill(first_name)
        form.locator("input[name=last_name]").fill(last_name)
        form.locator("input[name=date_of_birth]").fill(born)
        form.locator("input[name=email]").fill(f"{first_name.lower()}@example.org")
        form.locator("input[name=phone]").fill("06-1234 5678")
        form.locator("input[name=postcode]").fill("7511 AB")
        form.locator("input[name=city]").fill("Enschede")
        form.locator("select[name=referral_source]").select_option("municipality")
        form.locator("input[name=consent]").check()
        form.locator("select[name=cohort]").select_option(str(cohort.pk))
        form.locator("[type=submit][name=save]").click()
        expect(adviser).to_have_url(re.compile(r"/kandidaten/\d+/$"))
        candidate = Candidate.objects.get(first_name=first_name, last_name=last_name)
        enrolment = Enrolment.objects.get(candidate=candidate, cohort=cohort)
        expect(adviser).to_have_url(journey.url("candidates:candidate-detail", candidate.pk))
        expect_success(adviser, dutch("%(name)s is registered.", name=candidate.full_name))

        card = adviser.locator(f"article[aria-labelledby='enrolment-{enrolment.pk}']")
        card.locator("a[data-action=screening-record]").first.click()
        expect(adviser).to_have_url(journey.url("candidates:screening-record", enrolment.pk))
        record = adviser.locator("main form.screening-form")
        for field in ("interest", "motivation", "language", "availability"):
            record.locator(f"input[name={field}_score][value='4']").check()
        record.locator("select[name=recommendation]").select_option(Recommendation.SELECT.value)
        record.locator("[type=submit][name=record]").click()
        expect_success(adviser)
        expect(adviser.locator("h1 .status-badge")).to_have_text(dutch("Screened"))
        enrolments[first_name] = enrolment

    # --- ... selects all three into the cohort ... -----------------------------------------------------------------
    selection_url = journey.url("candidates:cohort-selection", cohort.pk)
    adviser.goto(selection_url)
    for enrolment in enrolments.values():
        row = adviser.locator(f"tr[data-enrolment='{enrolment.pk}']")
        row.locator(f"button[name=to_status][value={S.SELECTED}]").click()
        expect(adviser).to_have_url(selection_url)
        expect(row.locator(".status-badge")).to_have_text(dutch("Selected"))

    # --- ... and, the cohort having begun, marks them started on the pipeline board --------------------------------
    board_url = journey.url("candidates:board", pilot.slug) + f"?cohort={cohort.pk}"
    adviser.goto(board_url)
    for enrolment in enrolments.values():
        card = adviser.locator(f"[data-column-status='{S.SELECTED}'] .board-card[data-enrolment='{enrolment.pk}']")
        card.locator("details.board-move-details summary").click()
        move = card.locator("form.board-move")
        move.locator("select[name=to_status]").select_option(S.STARTED.value)
        submit(adviser, move, expect_url=board_url)
        expect(adviser.locator(f"[data-column-status='{S.STARTED}'] [data-enrolment='{enrolment.pk}']")).to_be_visible()
    assert {e.status for e in Enrolment.objects.filter(cohort=cohort)} == {S.STARTED}

    # --- The adviser proposes Sevda to the café and Jeroen to the hotel ----------------------------------------------
    for first_name, employer in zip(("Sevda", "Jeroen"), hosts, strict=True):
        enrolment = enrolments[first_name]
        adviser.goto(f"{journey.base_url}{enrolment.candidate.get_absolute_url()}")
        card = adviser.locator(f"article[aria-labelledby='enrolment-{enrolment.pk}']")
        card.locator("a[data-placement-action=propose]").click()
        expect(adviser).to_have_url(journey.url("employers:placement-propose", enrolment.pk))
        propose = adviser.locator("main form")
        propose.locator("select[name=employer]").select_option(str(employer.pk))
        propose.locator("select[name=location]").select_option(str(employer.locations.get().pk))
        expect(propose.locator("input[name=days_per_week]")).to_have_value("3")
        propose.locator("textarea[name=motivation]").fill("Gastvrij, punctueel en wil graag in de bediening werken.")
        propose.locator("[type=submit][name=propose]").click()
        expect(adviser).to_have_url(f"{journey.base_url}{enrolment.candidate.get_absolute_url()}")
        expect_success(adviser, employer.name)

    # --- Each host's contact confirms the proposal in their own browser ---------------------------------------------
    for host_page, employer, first_name in zip(host_pages, hosts, ("Sevda", "Jeroen"), strict=True):
        placement = Placement.objects.get(employer=employer)
        assert placement.enrolment == enrolments[first_name]
        host_page.reload()
        detail_path = path("employers:placement-detail", placement.pk)
        host_page.locator(f"main a[href='{detail_path}']").first.click()
        expect(host_page).to_have_url(f"{journey.base_url}{detail_path}")
        host_page.locator(f"form[action='{path('employers:placement-confirm', placement.pk)}'] [type=submit]").click()
        expect_success(host_page)
        placement.refresh_from_db()
        assert placement.status == PlacementStatus.CONFIRMED
        assert placement.answered_by.email == host_emails[hosts.index(employer)]

    # --- The adviser records the outcomes: work at the café, education, and a dropout ---------------------------
    def leave_page(enrolment: Enrolment) -> None:
        adviser.goto(f"{journey.base_url}{enrolment.candidate.get_absolute_url()}")
        card = adviser.locator(f"article[aria-labelledby='enrolment-{enrolment.pk}']")
        card.locator("a[data-progress-action=leave]").click()
        expect(adviser).to_have_url(journey.url("candidates:leave", enrolment.pk))

    for first_name in ("Sevda", "Jeroen"):
        enrolment = enrolments[first_name]
        leave_page(enrolment)
        adviser.locator("main button[name=complete]").click()
        expect(adviser).to_have_url(journey.url("candidates:outflow-record", enrolment.pk))
        outflow = adviser.locator("main form")
        if first_name == "Sevda":
            outflow.locator(f"input[name=kind][value={OutcomeKind.CONTRACT_AT_HOST}]").check()
            outflow.locator("select[name=employer]").select_option(str(hosts[0].pk))
            outflow.locator("input[name=hours_per_week]").fill("24")
        else:
            outflow.locator(f"input[name=kind][value={OutcomeKind.EDUCATION}]").check()
            outflow.locator("input[name=employer_name]").fill(TRAINER)
            outflow.locator("select[name=education_level]").select_option("2")
        outflow.locator("input[name=start_date]").fill(today.isoformat())
        outflow.locator("[type=submit]").click()
        expect(adviser).to_have_url(
            re.compile(re.escape(f"{journey.base_url}{enrolment.candidate.get_absolute_url()}"))
        )
        expect_success(adviser)

    amanuel = enrolments["Amanuel"]
    leave_page(amanuel)
    adviser.locator("main select[name=dropout-reason]").select_option("motivation")
    adviser.locator("main textarea[name=dropout-note]").fill(
        "Past de werktijden in de horeca niet bij de thuissituatie."
    )
    adviser.locator("main button[name=drop_out]").click()
    expect(adviser).to_have_url(journey.url("candidates:outflow-record", amanuel.pk))
    statuses = {e.candidate.first_name: (e.status, getattr(e, "outcome", None)) for e in Enrolment.objects.all()}
    assert statuses["Sevda"][0] == statuses["Jeroen"][0] == S.OUTFLOW
    assert statuses["Sevda"][1].kind == OutcomeKind.CONTRACT_AT_HOST
    assert statuses["Jeroen"][1].kind == OutcomeKind.EDUCATION
    assert statuses["Amanuel"] == (S.DROPPED_OUT, None)

    # --- The coordinator asks for the evaluation and downloads the PDF ------------------------------------------
    coordinator.locator(f"header a[href='{path('pilots:coordinator-start')}']").click()
    coordinator.locator("[data-recent-reports]").get_by_role("link", name=dutch("New report")).click()
    expect(coordinator).to_have_url(journey.url("reports:job-new"))
    request = coordinator.locator("form[data-report-request]")
    request.get_by_role("checkbox", name=pilot.name, exact=True).check()
    expect(request.locator("input[name=period_start]")).to_have_value(cohort_start.isoformat())
    request.locator("[type=submit]").click()
    expect(coordinator).to_have_url(re.compile(re.escape(f"{journey.base_url}/rapportages/") + r"\d+/$"))
    download_button = coordinator.locator("[data-report-job] [data-job-download]")
    expect(download_button).to_be_visible(timeout=60_000)
    with coordinator.expect_download() as download_info:
        download_button.click()
    pdf_path = download_info.value.path()

    # --- The PDF holds the pilot's design and the figures of the track (DOMAIN.md, "The figures, defined once") ---
    text = pdf_text(pdf_path)
    assert pilot.name in text
    assert "Horeca" in text
    # Every enrolment registered, screened and selected; all three started. Two completed (2/3), one dropped out
    # (1/3), none still in the track. Positive outflow is work + BBL + education over started: 1 + 0 + 1 = 2 of 3.
    for key, count, rate in (
        ("applied", "3", "–"),
        ("screened", "3", "100,0%"),
        ("selected", "3", "100,0%"),
        ("started", "3", "100,0%"),
        ("completed", "2", "66,7%"),
        ("dropped_out", "1", "33,3%"),
        ("in_track", "0", "0,0%"),
        ("outflow", "2", "66,7%"),
    ):
        assert re.search(rf"^\s*{re.escape(stage(key))}\s+{count}\s+{re.escape(rate)}", text, re.M), (key, text)
    for label, count, rate in (("Outflow to work", "1", "33,3%"), ("Outflow to education", "1", "33,3%")):
        assert re.search(rf"^\s*{re.escape(dutch(label))}\s+{count}\s+{re.escape(rate)}", text, re.M), (label, text)
    # Per host: the places offered, proposals still open, candidates ever confirmed, placements ended early and
    # contracts; the café's one contract is Sevda's outcome.
    for name, contracts in zip(HOSTS, ("1", "0"), strict=True):
        assert re.search(rf"^\s*{re.escape(name)}\s+2\s+0\s+1\s+0\s+{contracts}\s*$", text, re.M), (name, text)
    # One dropout, for the reason the adviser chose, who did not flow out.
    motivation = ReferenceItem.objects.get(kind="dropout_reason", code="motivation").label
    assert re.search(rf"^\s*{re.escape(motivation)}\s+1\s+0\s*$", text, re.M), text
    # A report speaks of groups: no candidate's name is in it.
    assert not [name for person in CANDIDATES.values() for name in person[:2] if name in text]

    # --- Nobody needed the administration; the coordinator needed this many pages ---------------------------------
    visited = [url for loads in journey.pages.values() for url in loads] + journey.requests
    assert not [url for url in visited if url.removeprefix(journey.base_url).startswith("/beheer/")]
    coordinator_pages = journey.pages["coordinator"]
    assert len(coordinator_pages) == COORDINATOR_PAGES, "\n".join(coordinator_pages)
