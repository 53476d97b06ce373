"""Every page type of every role, checked by machine: WCAG 2.0/2.1 A and AA with axe-core, reflow at 390 px, and
links that lead only to pages the role may open.

axe-core comes from npm (package.json; `make setup` runs `npm ci`) and goes into the page from node_modules,
never from a CDN. A violation of impact serious or critical fails the role's test with the page, the rule, the
elements and what is wrong; minor and moderate findings are left to a person's judgement. At 390 px wide no page
may scroll sideways: only a table's own box, a chart's box and the pipeline board may, and a chart's text stays
readable. docs/accessibility.md says what the checks cover and what remains in Django's own admin widgets.

Each role is one test per check, with one logged-in browser profile that visits the role's start page, lists,
detail pages and forms, each form also with its errors after an empty submit. The data is one tenant of
tests/tenants.py (one of every object a URL can name), with a ranked cohort and a waiting referral list built
through the services.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from candidates.lifecycle import EnrolmentStatus as S
from candidates.models import EducationLevel, Enrolment
from candidates.pending_uploads import pending_upload_create
from candidates.tests.factories import CandidateFactory
from candidates.tests.journeys import walk
from core.roles import Role
from core.tests.factories import UserFactory
from employers.services import vacancy_apply
from tests.services import service_unavailable
from tests.tenants import Tenant, build_tenant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ["serious", "critical"]
ADMIN_PREFIX = "/beheer/"
# Findings in Django's own admin widgets, which no setting of ours changes; docs/accessibility.md lists them. Each
# is a rule and the elements it may name, on the administration's pages only.
DJANGO_WIDGET_FINDINGS = {
    # The autocomplete's combobox (Select2) takes its name from the chosen value: none while the field is empty.
    "aria-input-field-name": re.compile(r"select2"),
    # The date shortcut reads "Vandaag" but is named "Today (…)": Django's Dutch catalogue lacks that text.
    "label-content-name-mismatch": re.compile(r"\.datetimeshortcuts"),
}

PHONE_WIDTH = 390
# The boxes that may scroll sideways inside a page on a phone: a table's own box, a chart's, the pipeline board,
# and in the administration Django's list of results, a tabular inline and the list of versions.
SCROLL_BOXES = (
    ".table-responsive, .chart-scroll, .board, #changelist-form .results, .inline-related.tabular .wrapper, "
    ".history-scroll"
)
# Chart text smaller than this on a phone is not readable (the body text is 16 px).
MIN_CHART_TEXT_PX = 12

# The password UserFactory gives every user.
PASSWORD = "demo-wachtwoord-2026"
ANONYMOUS = "anonymous"
# What a form shows after a submit the server refused: Django's, crispy's and the portal's error markup.
FORM_ERRORS = ".invalid-feedback, .is-invalid, .errorlist, .errornote, .alert-danger, [aria-invalid=true], [role=alert]"
MAIN_FORM = "main form[method=post]"


@dataclass(frozen=True)
class Site:
    """The objects the pages are about: one tenant, and the extra states a page type needs."""

    tenant: Tenant
    registered: Enrolment  # waits for the screening
    unplaced: Enrolment  # selected, without a placement: the proposal form; applied to the joint vacancy
    upload_token: str  # a referral list waiting in the import preview


@dataclass(frozen=True)
class Visit:
    """One page type: its name in a failure, its address, and the form to submit empty to see its errors."""

    name: str
    path: Callable[[Site], str]
    submit_empty: str | None = None  # a CSS selector of the form


def at(name: str, *args: Callable[[Site], object], query: Callable[[Site], str] | None = None) -> Callable[[Site], str]:
    def path(site: Site) -> str:
        return reverse(name, args=[arg(site) for arg in args]) + (query(site) if query else "")

    return path


def visits(name: str, *args: Callable[[Site], object], errors: str | None = None, query=None) -> list[Visit]:
    """The page, and with `errors` (the form's selector) the page again with that form's errors."""
    visits = [Visit(name, at(name, *args, query=query))]
    if errors:
        visits.append(Visit(f"{name}, form errors", at(name, *args, query=query), errors))
    return visits


def cohort(site: Site) -> int:
    return site.tenant.cohort.pk


def pilot(site: Site) -> str:
    return site.tenant.pilot.slug


def candidate(site: Site) -> int:
    return site.tenant.candidate.pk


def hosted(site: Site) -> int:
    return site.tenant.hosted_enrolment.pk


def registered(site: Site) -> int:
    return site.registered.pk


def unplaced_candidate(site: Site) -> int:
    return site.unplaced.candidate.pk


def vacancy(site: Site) -> int:
    return site.tenant.vacancy.pk


def mid_term(site: Site) -> str:
    return "mid_term"


def adviser_caseload(site: Site) -> str:
    return f"?from_adviser={site.tenant.users[Role.ADVISER].pk}"


# The pages of the track that advisers, coordinators and training partners share.
TRACK = [
    *visits("candidates:candidate-list"),
    *visits("candidates:candidate-detail", candidate),
    *visits("candidates:board", pilot),
    *visits("pilots:pilot-detail", pilot),
    *visits("pilots:cohort-detail", cohort),
    *visits("pilots:learning-line", pilot),
    *visits("pilots:cohort-learning-line", cohort),
    *visits("pilots:attendance", cohort),
    *visits("pilots:certificates-expiring"),
    *visits("candidates:outflow-record", lambda site: site.tenant.outflow_enrolment.pk),
]

# The selection, the placements and the figures, which advisers and coordinators share.
SELECTION = [
    *visits("candidates:cohort-selection", cohort),
    *visits("candidates:carry-over", cohort, errors=MAIN_FORM),
    *visits("employers:placement-propose", lambda site: site.unplaced.pk, errors=MAIN_FORM),
    *visits("employers:seat-offer-on-behalf", cohort, errors=MAIN_FORM),
    *visits("employers:adviser-enrolment", hosted),
    *visits("employers:vacancy-list"),
    *visits("employers:vacancy-create", errors=MAIN_FORM),
    *visits("employers:vacancy-detail", vacancy),
    *visits("employers:vacancy-distribute", vacancy, errors=MAIN_FORM),
    *visits("reports:dashboard", pilot),
    *visits("reports:compare"),
]

PAGES: dict[str, list[Visit]] = {
    ANONYMOUS: [
        *visits("login", errors=MAIN_FORM),
        *visits("password_reset", errors=MAIN_FORM),
        *visits("password_reset_done"),
        *visits("password_reset_confirm", lambda site: "MQ", lambda site: "set-password"),  # a link no longer valid
        *visits("password_reset_complete"),
    ],
    Role.ADVISER: [
        *visits("candidates:adviser-start"),
        *TRACK,
        *visits("pilots:results", cohort),
        *SELECTION,
        Visit("candidates:candidate-detail, a complete record", at("candidates:candidate-detail", unplaced_candidate)),
        *visits("candidates:candidate-create", errors=MAIN_FORM),
        *visits("candidates:candidate-edit", candidate, errors=MAIN_FORM),
        *visits("candidates:candidate-access", candidate),
        *visits("candidates:candidate-erase", candidate, errors=MAIN_FORM),
        *visits("candidates:import-upload", errors=MAIN_FORM),
        *visits("candidates:import-preview", lambda site: site.upload_token),
        *visits("candidates:import-history"),
        *visits("candidates:screening-plan", registered, errors=MAIN_FORM),
        *visits("candidates:screening-record", registered, errors=MAIN_FORM),
        *visits("candidates:coaching", hosted, errors=MAIN_FORM),
        *visits("candidates:evaluation", hosted, mid_term, errors=MAIN_FORM),
        *visits("candidates:leave", hosted, errors=f"{MAIN_FORM}:has([name=complete])"),
        *visits("candidates:followup-record", lambda site: site.tenant.followup.pk, errors=MAIN_FORM),
        *visits("otp-setup", errors=MAIN_FORM),
    ],
    Role.COORDINATOR: [
        *visits("pilots:coordinator-start"),
        *TRACK,
        *visits("pilots:results", cohort),
        *SELECTION,
        *visits("candidates:caseload-reassign", query=adviser_caseload, errors=MAIN_FORM),
        *visits("candidates:coaching", hosted),
        *visits("candidates:evaluation", hosted, mid_term),
        *visits("reports:job-new", errors=MAIN_FORM),
        *visits("reports:job-list"),
        *visits("reports:job-detail", lambda site: site.tenant.report_job.pk),
        # A page the role may not open: the refusal is a page too.
        Visit("refused: candidates:screening-record", at("candidates:screening-record", registered)),
        *visits("otp-setup"),
    ],
    Role.TRAINING_PARTNER: [
        *visits("pilots:training-start"),
        *TRACK,
        *visits("pilots:results", cohort, errors="main form.certificate-form"),
        *visits("candidates:coaching", hosted, errors=MAIN_FORM),
        *visits("candidates:evaluation", hosted, mid_term, errors=MAIN_FORM),
        *visits("otp-setup"),
    ],
    Role.EMPLOYER_CONTACT: [
        *visits("employers:start"),
        *visits("employers:placement-detail", lambda site: site.tenant.placement.pk),
        *visits("employers:seat-offers", errors=MAIN_FORM),
        *visits("employers:contract-offers"),
        *visits("employers:contract-offer-create", hosted, errors=MAIN_FORM),
        *visits("otp-setup"),
    ],
    Role.ADMINISTRATOR: [
        *visits("admin:index"),
        *visits("admin:candidates_candidate_changelist"),
        *visits("admin:candidates_enrolment_changelist"),
        *visits("admin:core_user_changelist"),
        *visits("admin:candidates_candidate_change", candidate),
        *visits("admin:candidates_candidate_history", candidate),
        *visits("admin:pilots_pilot_add", errors="#content-main form"),
        *visits("pilots:coordinator-start"),
        *visits("pilots:training-start"),
        *visits("candidates:adviser-start"),
        *visits("reports:job-list"),
    ],
}
ROLES = list(PAGES)


@pytest.fixture
def site(db) -> Site:
    administrator = UserFactory(username="beheerder", is_superuser=True, is_staff=True, role=Role.ADMINISTRATOR)
    tenant = build_tenant("eigen", administrator=administrator)
    adviser = tenant.users[Role.ADVISER]
    # A colleague to hand the adviser's caseload to.
    UserFactory(username="adviseur-collega", organisation=tenant.wsp, role=Role.ADVISER)

    def enrolled(status: str, **candidate) -> Enrolment:
        person = CandidateFactory(adviser=adviser, **candidate)
        return walk(cohort=tenant.cohort, to=status, by_user=adviser, candidate=person)

    # A ranking in the selection and a reserve list, besides the tenant's selected and started candidates.
    for status in (S.SCREENED, S.SCREENED, S.RESERVE, S.NOT_SELECTED):
        enrolled(status)
    # Their record is complete for a selection, which their page says in green.
    unplaced = enrolled(S.SELECTED, education_level=EducationLevel.MBO2)
    vacancy_apply(vacancy=tenant.vacancy, candidate=unplaced.candidate, by_user=adviser)
    # A referral list with a good row and a row with errors, waiting for its preview.
    rows = [
        "voornaam;tussenvoegsel;achternaam;geboortedatum;e-mail;telefoon",
        "Fatima;el;Amrani;14-03-1988;f.elamrani@example.org;06 12345678",
        "Jan;;;31-02-1990;geen-adres;12",
    ]
    upload = pending_upload_create(
        owner=adviser,
        cohort=tenant.cohort,
        content="\r\n".join(rows).encode(),
        file_name="verwijzingen.csv",
        consent_purpose="Deelname aan de pilot",
    )
    return Site(tenant=tenant, registered=enrolled(S.REGISTERED), unplaced=unplaced, upload_token=upload.pk.hex)


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.exists():
        service_unavailable(f"the accessibility checks need axe-core at {AXE}: run `make setup` (npm ci)")
    return AXE


def browser_page(browser: Browser, *, width: int, height: int, bypass_csp: bool = False) -> Iterator[Page]:
    """A Dutch user's browser profile at the given size, for one role's whole round."""
    context = browser.new_context(
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": width, "height": height},
        bypass_csp=bypass_csp,
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    # axe-core goes in as an inline script, which the portal's Content-Security-Policy refuses.
    yield from browser_page(browser, width=1280, height=900, bypass_csp=True)


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    yield from browser_page(browser, width=PHONE_WIDTH, height=844)


def log_in(page: Page, live_server, role: str, site: Site) -> None:
    if role == ANONYMOUS:
        return
    user = site.tenant.users[role]
    page.goto(f"{live_server.url}{reverse('login')}")
    form = page.locator("main form")
    form.locator("input[name=username]").fill(user.username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    expect(page.locator("input[name=password]")).to_have_count(0)


# Switch off the browser's own checks and empty every field a person fills in, so that the server answers.
EMPTY_FORM = """
(form) => {
  form.noValidate = true;
  for (const field of form.elements) {
    if (["hidden", "submit", "button"].includes(field.type)) continue;
    if (field.type === "checkbox" || field.type === "radio") field.checked = false;
    else if (field.tagName === "SELECT") field.selectedIndex = field.multiple ? -1 : 0;
    else field.value = "";
  }
}
"""


def show(page: Page, live_server, visit: Visit, site: Site) -> None:
    """Open the page; for a form visit, submit the form empty and see it refused with errors."""
    page.goto(f"{live_server.url}{visit.path(site)}")
    if visit.submit_empty is None:
        return
    forms = page.locator(visit.submit_empty)
    assert forms.count(), f"{visit.name}: no form {visit.submit_empty} on {page.url}"
    form = forms.first
    form.evaluate(EMPTY_FORM)
    with page.expect_navigation():
        form.locator("[type=submit]").first.click()
    assert page.locator(FORM_ERRORS).count(), f"{visit.name}: the empty form was not refused with errors ({page.url})"


AXE_RUN = """
async ([tags, impacts]) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations
    .filter((violation) => impacts.includes(violation.impact))
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({
        target: node.target.join(" "),
        why: [...node.any, ...node.all, ...node.none].map((check) => check.message).join(" "),
      })),
    }));
}
"""


def _blocking(violation: dict, path: str) -> list[dict]:
    """The elements of a violation that count: all of them, but for the Django widgets' own findings in the admin."""
    known = DJANGO_WIDGET_FINDINGS.get(violation["rule"])
    if known is None or not path.startswith(ADMIN_PREFIX):
        return violation["nodes"]
    return [node for node in violation["nodes"] if not known.search(node["target"])]


@pytest.mark.parametrize("role", ROLES)
def test_no_page_has_a_serious_or_critical_axe_violation(live_server, desktop, axe_script, site, role):
    log_in(desktop, live_server, role, site)
    findings = []
    for visit in PAGES[role]:
        show(desktop, live_server, visit, site)
        desktop.add_script_tag(path=str(axe_script))
        path = urlsplit(desktop.url).path
        for violation in desktop.evaluate(AXE_RUN, [WCAG_TAGS, BLOCKING_IMPACTS]):
            nodes = _blocking(violation, path)
            if nodes:
                elements = "; ".join(f"{node['target']} ({node['why']})" for node in nodes[:5])
                findings.append(
                    f"{visit.name} at {path}: {violation['rule']} [{violation['impact']}] {violation['help']}, "
                    f"{len(nodes)} element(s): {elements}"
                )
    assert not findings, f"axe-core, as {role}, finds {len(findings)} serious or critical violation(s):\n" + "\n".join(
        findings
    )


REFLOW = """
([boxes, minText]) => {
  const width = window.innerWidth;
  const describe = (element) => {
    let text = element.tagName.toLowerCase();
    if (element.id) text += "#" + element.id;
    if (element.classList.length) text += "." + [...element.classList].slice(0, 3).join(".");
    return text;
  };
  // Boxes that scroll sideways, other than those allowed to.
  const scrollers = [];
  for (const element of document.body.querySelectorAll("*")) {
    const overflow = getComputedStyle(element).overflowX;
    if ((overflow === "auto" || overflow === "scroll") && element.scrollWidth > element.clientWidth + 1
        && !element.matches(boxes)) {
      scrollers.push(describe(element));
    }
  }
  // When the page is too wide: the outermost elements that stick out outside the boxes that may scroll, and those
  // positioned against an element outside their box, which the box therefore does not hold (screen-reader text).
  const sticking = [];
  if (document.documentElement.scrollWidth > width) {
    for (const element of document.body.querySelectorAll("*")) {
      const right = element.getBoundingClientRect().right;
      if (right <= width + 1) continue;
      const box = element.closest(boxes);
      const parent = element.parentElement;
      const outermost = parent === document.body || parent.getBoundingClientRect().right <= width + 1;
      const escapes = box && ["absolute", "fixed"].includes(getComputedStyle(element).position)
        && !(element.offsetParent && box.contains(element.offsetParent));
      if ((!box && outermost) || escapes) sticking.push(describe(element) + " to " + Math.round(right) + " px");
    }
  }
  // Chart text as large as it shows on the screen.
  const smallText = [];
  for (const text of document.querySelectorAll("svg text")) {
    const matrix = text.getScreenCTM();
    const size = parseFloat(getComputedStyle(text).fontSize) * (matrix ? Math.hypot(matrix.a, matrix.b) : 1);
    if (size + 0.05 < minText) smallText.push(`"${text.textContent.trim().slice(0, 30)}" at ${size.toFixed(1)} px`);
  }
  return {pageWidth: document.documentElement.scrollWidth, width, scrollers, sticking: sticking.slice(0, 5),
          smallText: smallText.slice(0, 3)};
}
"""


@pytest.mark.parametrize("role", ROLES)
def test_no_page_scrolls_sideways_at_390_px(live_server, phone, site, role):
    log_in(phone, live_server, role, site)
    findings = []
    for visit in PAGES[role]:
        show(phone, live_server, visit, site)
        result = phone.evaluate(REFLOW, [SCROLL_BOXES, MIN_CHART_TEXT_PX])
        if result["pageWidth"] > result["width"]:
            sticking = ", ".join(result["sticking"])
            findings.append(f"{visit.name}: the page is {result['pageWidth']} px wide; sticking out: {sticking}")
        if result["scrollers"]:
            findings.append(f"{visit.name}: scrolls sideways inside {', '.join(result['scrollers'])}")
        if result["smallText"]:
            findings.append(f"{visit.name}: chart text below {MIN_CHART_TEXT_PX} px: {', '.join(result['smallText'])}")
    assert not findings, f"At {PHONE_WIDTH} px wide, as {role}:\n" + "\n".join(findings)


class _Links(HTMLParser):
    """The addresses of a page's links to other pages of this site."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag != "a" or not href or href.startswith("#"):
            return
        parts = urlsplit(href)
        if not parts.scheme and not parts.netloc:  # not mailto:, tel: or another site
            self.paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return list(dict.fromkeys(parser.paths))


@pytest.mark.parametrize("role", ROLES)
def test_every_link_leads_to_a_page_the_role_may_open(site, role):
    """A link to a refusal ("Geen toegang") is a dead end: a page shows only links its reader may follow.

    With Django's test client, as the links' answers are all that counts here. Django's admin is left out: it
    lists only what its own permission checks let the administrator open.
    """
    client = Client()
    if role != ANONYMOUS:
        client.force_login(site.tenant.users[role])
    login_path = reverse("login")
    answers: dict[str, str] = {}
    findings = []
    for visit in PAGES[role]:
        if visit.submit_empty:
            continue
        for link in links_of(client.get(visit.path(site)).text):
            if link.startswith(ADMIN_PREFIX):
                continue
            if link not in answers:
                response = client.get(link)
                to_login = response.status_code == 302 and urlsplit(response["Location"]).path == login_path
                if response.status_code >= 400:
                    answers[link] = str(response.status_code)
                elif to_login and role != ANONYMOUS:
                    answers[link] = "the login page"
                else:
                    answers[link] = "ok"
            if answers[link] != "ok":
                findings.append(f"{visit.name}: {link} answers {answers[link]}")
    assert not findings, f"As {role}, links to pages the role may not open:\n" + "\n".join(findings)


def test_every_chart_of_the_dashboard_has_a_table_in_its_section(live_server, phone, site):
    log_in(phone, live_server, Role.COORDINATOR, site)
    phone.goto(f"{live_server.url}{reverse('reports:dashboard', args=[site.tenant.pilot.slug])}")
    charts = phone.locator("main figure.report-chart")
    expect(charts.first).to_be_visible()
    without_table = phone.evaluate(
        """() => [...document.querySelectorAll("main figure.report-chart")]
          .filter((figure) => !figure.closest("section").querySelector("table"))
          .map((figure) => figure.querySelector("svg").getAttribute("aria-label"))"""
    )
    assert without_table == []
