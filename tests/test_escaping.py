"""Names and notes with HTML in them show as text on every page that shows them, and nothing switches escaping off.

Each entity gets its own payload, so an escaped copy on the page proves that this name was shown, and no raw
copy may appear anywhere.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from candidates.models import EnrolmentStatus
from candidates.services import note_add
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from employers.models import PlacementStatus
from employers.tests.factories import EmployerLocationFactory, PlacementFactory, SeatOfferFactory
from pilots.models import PartnerRole
from pilots.tests.factories import CohortFactory, CohortModuleFactory, ModuleFactory, PilotFactory, PilotPartnerFactory

ROOT = Path(settings.BASE_DIR)


def payload(tag: str) -> str:
    return f'<script>alert("{tag}")</script>"><img src=x onerror=alert(1)>{tag}'


CANDIDATE = payload("kandidaat")
NOTE = payload("notitie")
PILOT = payload("pilot")
COHORT = payload("cohort")
MODULE = payload("module")
COHORT_MODULE = payload("cohortmodule")
EMPLOYER = payload("werkgever")
LOCATION = payload("locatie")
RAW_MARKERS = ("<script>alert(", "<img src=x")


@pytest.fixture
def scene(organisation, adviser, coordinator, training_partner, employer, employer_contact):
    employer.organisation.name = EMPLOYER[:200]
    employer.organisation.save()
    pilot = PilotFactory(name=PILOT, lead_organisation=organisation)
    PilotPartnerFactory(pilot=pilot, organisation=training_partner.organisation, role=PartnerRole.TRAINING_PARTNER)
    cohort = CohortFactory(pilot=pilot, name=COHORT)
    ModuleFactory(pilot=pilot, name=MODULE)
    CohortModuleFactory(cohort=cohort, name=COHORT_MODULE)
    EmployerLocationFactory(employer=employer, name=LOCATION)
    SeatOfferFactory(employer=employer, cohort=cohort, places=3)
    candidate = CandidateFactory(first_name=CANDIDATE, adviser=adviser)
    enrolment = EnrolmentFactory(candidate=candidate, cohort=cohort, status=EnrolmentStatus.SELECTED)
    placement = PlacementFactory(enrolment=enrolment, employer=employer, status=PlacementStatus.PROPOSED)
    note_add(candidate=candidate, by_user=adviser, text=NOTE)
    return {
        "pilot": pilot,
        "cohort": cohort,
        "candidate": candidate,
        "enrolment": enrolment,
        "placement": placement,
        "adviser": adviser,
        "coordinator": coordinator,
        "training_partner": training_partner,
        "employer_contact": employer_contact,
    }


# (URL name, URL kwargs, who looks, which payloads the page shows)
PAGES = [
    ("candidates:candidate-list", lambda s: {}, "adviser", [CANDIDATE]),
    ("candidates:candidate-detail", lambda s: {"pk": s["candidate"].pk}, "adviser", [CANDIDATE, NOTE]),
    ("candidates:board", lambda s: {"slug": s["pilot"].slug}, "adviser", [CANDIDATE, PILOT]),
    ("candidates:cohort-selection", lambda s: {"pk": s["cohort"].pk}, "adviser", [CANDIDATE]),
    ("employers:placement-propose", lambda s: {"enrolment_pk": s["enrolment"].pk}, "adviser", [CANDIDATE]),
    ("employers:start", lambda s: {}, "employer_contact", [CANDIDATE]),
    ("employers:placement-detail", lambda s: {"pk": s["placement"].pk}, "employer_contact", [CANDIDATE]),
    ("employers:seat-offers", lambda s: {}, "employer_contact", [LOCATION]),
    ("pilots:coordinator-start", lambda s: {}, "coordinator", [PILOT, COHORT]),
    ("pilots:pilot-detail", lambda s: {"slug": s["pilot"].slug}, "coordinator", [PILOT, COHORT]),
    ("pilots:cohort-detail", lambda s: {"pk": s["cohort"].pk}, "coordinator", [COHORT]),
    ("pilots:learning-line", lambda s: {"slug": s["pilot"].slug}, "coordinator", [MODULE]),
    ("pilots:cohort-learning-line", lambda s: {"pk": s["cohort"].pk}, "coordinator", [COHORT_MODULE]),
    ("pilots:attendance", lambda s: {"pk": s["cohort"].pk}, "training_partner", [COHORT]),
    ("reports:dashboard", lambda s: {"slug": s["pilot"].slug}, "coordinator", [PILOT]),
]


@pytest.mark.parametrize(("url_name", "kwargs", "role", "shown"), PAGES, ids=[page[0] for page in PAGES])
def test_names_show_escaped(client, scene, url_name, kwargs, role, shown):
    client.force_login(scene[role])
    response = client.get(reverse(url_name, kwargs=kwargs(scene)))
    assert response.status_code == 200
    content = response.content.decode()
    for marker in RAW_MARKERS:
        assert marker not in content
    for text in shown:
        # Rendered in text or in an attribute: either way with every < > " & escaped.
        assert escape(text) in content or escape(text).replace("&quot;", "&#x27;") in content, text


# --- Nothing switches escaping off for user data -----------------------------------------------------------

# Templates that may switch autoescaping off: plain-text e-mails, which are never read as HTML.
PLAIN_TEXT_SUFFIX = ".txt"
# Python that marks text as safe, and why it is.
MARK_SAFE_ALLOWED = {
    "candidates/tables.py": (1, 'the constant "<br>" that joins parts escaped by format_html'),
    "reports/charts.py": (1, "SVG built with every text passed through escape()"),
    "core/twofactor.py": (1, "the QR code SVG made by qrcode; the account label in it is escaped"),
    "core/guide.py": (2, "the guide's Markdown, every piece of text through escape(); an empty page"),
    "core/widgets.py": (2, "a select's attributes through format_html, its values and labels through escape()"),
    "reports/templatetags/report_cells.py": (1, "a row of report cells, every value escaped by cell_html"),
    "candidates/views/board.py": (1, "the pipeline board's cards, every value through core.rows.text"),
    "core/rows.py": (1, "safe_join: the rows the row-writing tags wrote, every value through core.rows.text"),
}
_UNSAFE_FILTER = re.compile(r"\|\s*(safe|safeseq)\b")
_AUTOESCAPE_OFF = re.compile(r"{%\s*autoescape\s+off\s*%}")


def _templates():
    for path in (ROOT / "templates").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".txt", ".svg", ".xml"):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_no_template_uses_the_safe_filter():
    assert [name for name, source in _templates() if _UNSAFE_FILTER.search(source)] == []


def test_only_plain_text_templates_switch_autoescape_off():
    offenders = [
        name for name, source in _templates() if _AUTOESCAPE_OFF.search(source) and not name.endswith(PLAIN_TEXT_SUFFIX)
    ]
    assert offenders == []


def test_mark_safe_is_used_only_where_listed():
    found = {}
    for app in ("candidates", "core", "employers", "pilots", "reports", "start", "config"):
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/tests/" in relative:
                continue
            count = len(re.findall(r"\bmark_safe\(|\bSafeString\(", path.read_text(encoding="utf-8")))
            if count:
                found[relative] = count
    assert found == {name: count for name, (count, _reason) in MARK_SAFE_ALLOWED.items() if name in found}
    assert set(found) <= set(MARK_SAFE_ALLOWED)
