"""The candidate's history: every kind of event, newest first, with who did it, in a fixed number of queries."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from candidates.models import CandidateImport, DropoutReason, EnrolmentStatus, OutcomeKind, Recommendation
from candidates.progress import outflow_record
from candidates.selectors import enrolment_list
from candidates.services import (
    candidate_register,
    caseload_reassign,
    enrolment_transition,
    note_add,
    screening_plan,
    screening_record,
)
from candidates.tests.factories import EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from employers.models import PlacementStatus
from employers.selectors import candidate_timeline, placement_list
from employers.services import placement_propose, placement_transition
from employers.tests.factories import SeatOfferFactory
from pilots.models import PartnerRole
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def english():
    """The titles are read in English, whatever state the Dutch translation is in."""
    with translation.override("en"):
        yield


def at(hours: int):
    return time_machine.travel(START + datetime.timedelta(hours=hours), tick=False)


def person(**extra) -> dict:
    return {
        "first_name": "Fatima",
        "last_name": "El Amrani",
        "date_of_birth": datetime.date(1990, 4, 12),
        "email": "fatima@example.org",
        "referral_source": "municipality",
        **extra,
    }


@pytest.fixture
def pilot(organisation, training_partner):
    pilot = PilotFactory(lead_organisation=organisation)
    PilotPartnerFactory(pilot=pilot, organisation=training_partner.organisation, role=PartnerRole.TRAINING_PARTNER)
    return pilot


@pytest.fixture
def cohort(pilot):
    # The track starts on the day of the journey: a start before the cohort's start date would need a reason.
    return CohortFactory(pilot=pilot, name="Ronde 1", start_date=START.date(), end_date=datetime.date(2026, 6, 30))


@pytest.fixture
def colleague(organisation):
    return UserFactory(username="collega", organisation=organisation, role=Role.ADVISER)


@pytest.fixture
def history(adviser, coordinator, colleague, employer, employer_contact, cohort):
    """One candidate's whole journey, an hour between each step."""
    SeatOfferFactory(employer=employer, cohort=cohort, places=2)
    with at(-1):
        imported = CandidateImport.objects.create(
            uploaded_by=adviser,
            at=START - datetime.timedelta(hours=1),
            file_name="verwijzingen-maart.xlsx",
            cohort=cohort,
            rows_total=1,
            rows_imported=1,
            rows_skipped=0,
        )
    with at(0):
        candidate = candidate_register(by_user=adviser, data=person(), cohort=cohort, consent_purpose="Deelname")
        imported.candidates.add(candidate)
    enrolment = candidate.enrolments.get()
    with at(1):
        screening_plan(
            enrolment=enrolment, starts_at=START + datetime.timedelta(days=2), location="WSP", adviser=adviser,
            by_user=adviser,
        )  # fmt: skip
    with at(2):
        screening_record(
            enrolment=enrolment,
            by_user=adviser,
            screened_on=datetime.date(2026, 3, 4),
            interest_score=4,
            motivation_score=5,
            language_score=3,
            availability_score=4,
            recommendation=Recommendation.SELECT,
        )
    with at(3):
        enrolment = enrolment_transition(
            enrolment=enrolment, to_status=EnrolmentStatus.SELECTED, by_user=coordinator, reason="Sterke motivatie"
        )
    with at(4):
        placement = placement_propose(enrolment=enrolment, employer=employer, by_user=adviser, motivation="Past goed")
    with at(5):
        placement_transition(placement=placement, to_status=PlacementStatus.CONFIRMED, by_user=employer_contact)
    with at(6):
        enrolment = enrolment_transition(enrolment=enrolment, to_status=EnrolmentStatus.STARTED, by_user=adviser)
    with at(7):
        enrolment = enrolment_transition(enrolment=enrolment, to_status=EnrolmentStatus.COMPLETED, by_user=adviser)
    with at(8):
        outflow_record(enrolment=enrolment, by_user=adviser, kind=OutcomeKind.CONTRACT_AT_HOST, employer=employer)
    with at(9):
        note_add(candidate=candidate, by_user=adviser, text="Start op maandag.")
    with at(10):
        caseload_reassign(candidates=[candidate], to_adviser=colleague, by_user=coordinator, reason="Verlof")
    candidate.refresh_from_db()
    return candidate


def test_the_timeline_holds_every_kind_of_event_newest_first_with_who(history, adviser, coordinator, employer_contact):
    events = candidate_timeline(candidate=history)

    assert [(event.kind, event.by) for event in events] == [
        ("adviser", coordinator),
        ("note", adviser),
        ("status", adviser),  # completed → outflow, caused by the outcome
        ("outcome", adviser),
        ("placement", adviser),  # confirmed → ended, with the track
        ("status", adviser),  # started → completed
        ("status", adviser),  # selected → started
        ("placement", employer_contact),  # confirmed
        ("placement", adviser),  # proposed
        ("status", coordinator),  # screened → selected
        ("status", adviser),  # screening planned → screened
        ("screening", adviser),
        ("status", adviser),  # registered → screening planned
        ("appointment", adviser),
        ("status", adviser),  # enrolled
        ("registered", adviser),
        ("import", adviser),
    ]
    assert [event.at for event in events] == sorted((event.at for event in events), reverse=True)


def test_each_event_says_what_happened(history, employer):
    by_kind = {}
    for event in candidate_timeline(candidate=history):
        by_kind.setdefault(event.kind, []).append(event)

    assert by_kind["import"][0].title == "Imported from verwijzingen-maart.xlsx"
    assert by_kind["registered"][0].detail == "Consent recorded for: Deelname"
    selected = next(event for event in by_kind["status"] if event.title.endswith("→ Selected"))
    assert selected.title == "Ronde 1: Screened → Selected"
    assert selected.detail == "Sterke motivatie"
    assert by_kind["status"][-1].title == "Enrolled in Ronde 1 as Registered"
    assert by_kind["screening"][0].title == "Screened for Ronde 1: 16 of 20 points"
    assert "Held" in by_kind["appointment"][0].detail
    assert by_kind["placement"][-1].title == f"Proposed to {employer.name}"
    assert by_kind["placement"][1].title == f"Placement at {employer.name}: Proposed → Confirmed"
    # Completing the track ended the confirmed placement with it.
    assert by_kind["placement"][0].title == f"Placement at {employer.name}: Confirmed → Ended"
    assert by_kind["placement"][0].detail == "The candidate's enrolment is now “Completed”."
    assert by_kind["outcome"][0].title == "Outcome for Ronde 1: Contract at the host employer"
    assert by_kind["note"][0].detail == "Start op maandag."
    assert by_kind["adviser"][0].detail == "Verlof"
    assert by_kind["adviser"][0].title.startswith("Adviser changed from ")


def test_the_timeline_reads_a_fixed_number_of_queries(history, adviser, cohort, django_assert_num_queries):
    with at(0):
        quiet = candidate_register(by_user=adviser, data=person(email="stil@example.org"), consent_purpose="Deelname")

    with CaptureQueriesContext(connection) as quiet_queries:
        assert len(candidate_timeline(candidate=quiet, user=adviser)) == 1
    with django_assert_num_queries(len(quiet_queries)):
        assert len(candidate_timeline(candidate=history, user=adviser)) == 17


def test_the_timeline_leaves_out_what_the_user_may_not_see(history, adviser, training_partner, other_adviser):
    foreign_cohort = CohortFactory(pilot=PilotFactory(lead_organisation=other_adviser.organisation))
    foreign = EnrolmentFactory(candidate=history, cohort=foreign_cohort, status=EnrolmentStatus.STARTED)
    enrolment_transition(
        enrolment=foreign, to_status=EnrolmentStatus.DROPPED_OUT, by_user=other_adviser,
        dropout_reason=DropoutReason.MOVED, reason="Verhuisd naar Groningen",
    )  # fmt: skip

    everything = [event.detail for event in candidate_timeline(candidate=history)]
    for_adviser = candidate_timeline(candidate=history, user=adviser)
    for_partner = candidate_timeline(candidate=history, user=training_partner)

    assert "Verhuisd naar Groningen" in everything
    assert "Verhuisd naar Groningen" not in [event.detail for event in for_adviser]
    assert len(for_adviser) == 17
    # Training partners read neither the advisers' notes nor the placements (placement_list gives them none).
    assert {event.kind for event in for_partner} == {
        "import",
        "registered",
        "status",
        "appointment",
        "screening",
        "outcome",
        "adviser",
    }


@pytest.mark.parametrize("reader", ["adviser", "coordinator", "training_partner", "administrator"])
def test_the_timeline_of_the_enrolments_the_page_read_is_the_timeline_of_the_readers_scope(
    history, other_adviser, request, reader
):
    foreign_cohort = CohortFactory(pilot=PilotFactory(lead_organisation=other_adviser.organisation))
    foreign = EnrolmentFactory(candidate=history, cohort=foreign_cohort, status=EnrolmentStatus.STARTED)
    enrolment_transition(
        enrolment=foreign, to_status=EnrolmentStatus.DROPPED_OUT, by_user=other_adviser,
        dropout_reason=DropoutReason.MOVED, reason="Verhuisd naar Groningen",
    )  # fmt: skip
    user = request.getfixturevalue(reader)
    # As the candidate's page reads them: the enrolments the reader may see, with the placements they may see.
    enrolments = (
        enrolment_list(user=user)
        .filter(candidate=history)
        .prefetch_related(Prefetch("placements", queryset=placement_list(user=user)))
    )

    assert candidate_timeline(candidate=history, user=user, enrolments=enrolments) == candidate_timeline(
        candidate=history, user=user
    )


@pytest.fixture
def other_adviser(db):
    return UserFactory(username="elders", organisation=OrganisationFactory(name="WSP Elders"), role=Role.ADVISER)
