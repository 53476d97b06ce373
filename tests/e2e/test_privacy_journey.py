"""The adviser's AVG (GDPR) work in the browser: a note that holds a BSN, an access request and an erasure.

The data is built with factories: a candidate of the adviser's pilot who finished the track, with an outcome and
a note, so that every kind of row an erasure blanks is on the pages the journey passes.
"""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from candidates.models import Candidate, EnrolmentStatus, Note
from candidates.privacy import ANONYMISED_NAME
from candidates.services import note_add
from candidates.tests.factories import CandidateFactory, EnrolmentFactory, OutcomeFactory
from core.models import AuditAction, AuditEvent
from pilots.models import PilotStatus
from pilots.tests.factories import CohortFactory, PilotFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The password UserFactory gives every user.
PASSWORD = "demo-wachtwoord-2026"
FIRST_NAME = "Rosalie"
LAST_NAME = "Wijnbergen"
EMPLOYER_NAME = "Kinderopvang De Zonnebloem"
EARLIER_NOTE = "Rosalie wil na de zomer verder als pedagogisch medewerker."
# Nine digits that pass the eleven-test of a citizen service number (BSN).
BSN_LIKE = "111222333"


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


@pytest.fixture
def candidate(adviser, organisation):
    """A candidate of the adviser's pilot who completed the track, found a job and has a note."""
    today = timezone.localdate()
    pilot = PilotFactory(
        name="Groepshulp kinderopvang Amersfoort",
        slug="groepshulp-amersfoort",
        lead_organisation=organisation,
        status=PilotStatus.RUNNING,
    )
    cohort = CohortFactory(
        pilot=pilot,
        name="Ronde 1",
        start_date=today - datetime.timedelta(weeks=20),
        end_date=today - datetime.timedelta(weeks=4),
    )
    candidate = CandidateFactory(first_name=FIRST_NAME, last_name=LAST_NAME, city="Amersfoort", adviser=adviser)
    enrolment = EnrolmentFactory(
        candidate=candidate,
        cohort=cohort,
        status=EnrolmentStatus.OUTFLOW,
        started_on=cohort.start_date,
        ended_on=cohort.end_date,
    )
    OutcomeFactory(enrolment=enrolment, employer_name=EMPLOYER_NAME, next_step="BBL pedagogisch medewerker niveau 3")
    note_add(candidate=candidate, by_user=adviser, text=EARLIER_NOTE)
    return candidate


def test_an_adviser_keeps_a_bsn_out_answers_an_access_request_and_erases_the_data(
    live_server, page: Page, screenshot, adviser, candidate
):
    full_name = f"{FIRST_NAME} {LAST_NAME}"
    log_in(page, live_server, adviser.username)

    # The candidate page, found through the candidate list.
    page.goto(url(live_server, "candidates:candidate-list"))
    page.locator("main table").get_by_role("link", name=full_name).click()
    expect(page).to_have_url(url(live_server, "candidates:candidate-detail", candidate.pk))
    expect(page.locator("h1")).to_have_text(full_name)
    notes = page.locator("section#notes")
    expect(notes).to_contain_text(EARLIER_NOTE)

    # A note with a number that passes the BSN eleven-test is sent back with a warning, and not saved.
    notes.locator("textarea[name=text]").fill(f"Belde over het contract, BSN {BSN_LIKE} doorgegeven aan de werkgever.")
    notes.locator("[type=submit]").click()
    expect(page).to_have_url(url(live_server, "candidates:note-add", candidate.pk))
    expect(notes.locator(".invalid-feedback")).to_contain_text(
        dutch(
            "%(numbers)s looks like a citizen service number (BSN). The portal keeps no BSN: remove it, "
            "or tick below that it is not a BSN.",
            numbers=BSN_LIKE,
        )
    )
    expect(notes.locator("input[name=not_a_bsn]")).to_be_visible()
    assert not Note.objects.filter(candidate=candidate, text__contains=BSN_LIKE).exists()
    screenshot("privacy-note-bsn-warning")

    # Without the number, the note is saved.
    new_note = "Belde over het contract, de werkgever heeft alles ontvangen."
    notes.locator("textarea[name=text]").fill(new_note)
    notes.locator("[type=submit]").click()
    expect(page).to_have_url(url(live_server, "candidates:candidate-detail", candidate.pk, query="#notes"))
    expect_success(page, dutch("The note is saved."))
    expect(notes).to_contain_text(new_note)
    assert list(Note.objects.filter(candidate=candidate).values_list("text", flat=True)) == [new_note, EARLIER_NOTE]

    # The access request: everything about the person on one page, with the notes and the outcome.
    page.locator("main").get_by_role("link", name=dutch("Access request")).click()
    expect(page).to_have_url(url(live_server, "candidates:candidate-access", candidate.pk))
    expect(page.locator("h1")).to_have_text(dutch("All data about %(name)s", name=full_name))
    sections = page.locator("main section.card")
    expect(sections.locator("h2", has_text=dutch("notes").capitalize()).first).to_be_visible()
    expect(sections.filter(has_text=new_note).first).to_be_visible()
    expect(sections.filter(has_text=EMPLOYER_NAME).first).to_be_visible()
    expect(sections.locator("h2", has_text=dutch("History of changes: %(title)s", title="")).first).to_be_visible()
    screenshot("privacy-access-request")

    # The same data as a JSON download.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=dutch("Download as JSON")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".json")
    export = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert export["candidate_id"] == candidate.pk
    assert [row["last_name"] for row in export["records"]["candidates.candidate"]["rows"]] == [LAST_NAME]
    exported_notes = {row["text"] for row in export["records"]["candidates.note"]["rows"]}
    assert exported_notes == {new_note, EARLIER_NOTE}
    assert export["records"]["candidates.outcome"]["rows"][0]["employer_name"] == EMPLOYER_NAME

    # Erasure, from the candidate page: without a reason and the confirmation nothing is erased.
    page.locator(".breadcrumb a", has_text=full_name).click()
    expect(page).to_have_url(url(live_server, "candidates:candidate-detail", candidate.pk))
    page.locator("main").get_by_role("link", name=dutch("Erase data")).click()
    expect(page).to_have_url(url(live_server, "candidates:candidate-erase", candidate.pk))
    expect(page.locator("h1")).to_have_text(dutch("Erase the personal data of %(name)s", name=full_name))
    form = page.locator("main form")
    form.locator("[type=submit]").click()
    expect(page).to_have_url(url(live_server, "candidates:candidate-erase", candidate.pk))
    expect(form.locator(".invalid-feedback")).to_have_count(2)
    expect(form.locator(".invalid-feedback").first).to_contain_text(dutch("This field is required."))
    candidate.refresh_from_db()
    assert candidate.anonymised_at is None
    assert candidate.last_name == LAST_NAME
    screenshot("privacy-erase-refused")

    # With the reason and the confirmation the data is erased; the page no longer names the person.
    form.locator("textarea[name=reason]").fill("Verzoek van de kandidaat per e-mail")
    form.locator("input[name=confirm]").check()
    screenshot("privacy-erase-confirm")
    form.locator("[type=submit]").click()
    expect(page).to_have_url(url(live_server, "candidates:candidate-detail", candidate.pk))
    expect_success(page, dutch("The personal data of the candidate is erased."))
    candidate.refresh_from_db()
    assert candidate.anonymised_at is not None
    with translation.override("nl"):
        day = date_format(timezone.localtime(candidate.anonymised_at), "DATE_FORMAT")
    expect(page.locator("#anonymised")).to_contain_text(
        dutch(
            "The personal data of this candidate was erased on %(day)s. The enrolments and outcomes stay for the "
            "evaluation figures; nothing can be changed.",
            day=day,
        )
    )
    expect(page.locator("h1")).to_have_text(ANONYMISED_NAME)
    main = page.locator("main")
    for gone in (FIRST_NAME, LAST_NAME, EARLIER_NOTE, new_note, EMPLOYER_NAME):
        expect(main).not_to_contain_text(gone)
    expect(page.locator("section#notes textarea")).to_have_count(0)
    expect(main.get_by_role("link", name=dutch("Erase data"))).to_have_count(0)
    screenshot("privacy-erased")

    assert candidate.first_name == ""
    assert candidate.last_name == ANONYMISED_NAME
    assert set(Note.objects.filter(candidate=candidate).values_list("text", flat=True)) == {""}
    assert candidate.enrolments.get().outcome.employer_name == ""
    assert candidate.enrolments.get().status == EnrolmentStatus.OUTFLOW
    exports = AuditEvent.objects.filter(action=AuditAction.ACCESS_EXPORT, target_id=str(candidate.pk))
    assert sorted(exports.values_list("detail", flat=True)) == ["html", "json"]
    assert AuditEvent.objects.filter(action=AuditAction.ERASURE, target_id=str(candidate.pk)).count() == 1

    # A later access request holds nothing of the person either, also not in the history of changes.
    response = page.request.get(url(live_server, "candidates:candidate-access-json", candidate.pk))
    assert response.ok
    for gone in (FIRST_NAME, LAST_NAME, EARLIER_NOTE, new_note, EMPLOYER_NAME):
        assert gone not in response.text()

    # The candidate list no longer finds the person by their old name.
    page.goto(url(live_server, "candidates:candidate-list"))
    search = page.locator("main form[role=search]")
    search.locator("input[name=q]").fill(LAST_NAME)
    search.locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"\?(.*&)?q={LAST_NAME}(&|$)"))
    expect(page.locator("main table")).to_contain_text(dutch("No candidates match these filters."))
    expect(page.locator("main table")).not_to_contain_text(LAST_NAME)
    assert not Candidate.objects.filter(last_name__icontains=LAST_NAME).exists()
    screenshot("privacy-list-after-erasure")
