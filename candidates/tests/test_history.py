"""The change history of candidates and their track: every change kept with who, when and what, and told on the
candidate's timeline without the values."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from candidates.models import (
    BarrierKind,
    Candidate,
    CandidateBarrier,
    CoachingNote,
    Enrolment,
    EnrolmentStatus,
    Note,
    Outcome,
    OutcomeKind,
    Recommendation,
    Screening,
    ScreeningAppointment,
)
from candidates.progress import coaching_note_add, outflow_record
from candidates.services import (
    candidate_register,
    candidate_update,
    candidates_import,
    caseload_reassign,
    enrolment_create,
    enrolment_transition,
    note_add,
    reserve_promote,
    screening_plan,
    screening_record,
)
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from employers.models import Placement, PlacementStatus
from employers.selectors import candidate_timeline
from employers.services import placement_propose, placement_transition, placements_remind_overdue
from employers.tests.factories import SeatOfferFactory
from pilots.models import PartnerRole
from pilots.tests.factories import CohortFactory, PilotFactory, PilotPartnerFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def pilot(organisation, training_partner):
    pilot = PilotFactory(lead_organisation=organisation)
    PilotPartnerFactory(pilot=pilot, organisation=training_partner.organisation, role=PartnerRole.TRAINING_PARTNER)
    return pilot


@pytest.fixture
def cohort(pilot):
    return CohortFactory(pilot=pilot, name="Ronde 1", seats=10)


def person(**extra) -> dict:
    return {
        "first_name": "Fatima",
        "last_name": "El Amrani",
        "email": "fatima@example.org",
        "phone": "0612345678",
        "city": "Utrecht",
        "referral_source": "municipality",
        **extra,
    }


def versions(model, **filters) -> list:
    return list(model.history.filter(**filters).order_by("history_date", "history_id"))


def started(cohort, adviser) -> Enrolment:
    enrolment = enrolment_create(candidate=CandidateFactory(adviser=adviser), cohort=cohort, by_user=adviser)
    for status in (EnrolmentStatus.SCREENED, EnrolmentStatus.SELECTED, EnrolmentStatus.STARTED):
        enrolment = enrolment_transition(enrolment=enrolment, to_status=status, by_user=adviser)
    return enrolment


# --- Each audited change is kept, with who ----------------------------------------------------------------


def test_registering_and_editing_a_candidate_keeps_each_version_with_who(adviser, coordinator):
    candidate = candidate_register(by_user=adviser, data=person(), consent_purpose="Deelname")
    candidate_update(candidate=candidate, by_user=coordinator, data={"phone": "0687654321", "city": "Amersfoort"})

    created, changed = versions(Candidate, id=candidate.pk)
    assert (created.history_type, created.history_user, created.phone) == ("+", adviser, "0612345678")
    assert (changed.history_type, changed.history_user, changed.phone) == ("~", coordinator, "0687654321")
    assert {"phone", "city"} <= set(changed.diff_against(created).changed_fields)
    assert "first_name" not in changed.diff_against(created).changed_fields


def test_barriers_set_with_the_candidate_are_kept_in_the_history(adviser):
    candidate = candidate_register(
        by_user=adviser, data=person(), barriers=[BarrierKind.CHILDCARE], consent_purpose="Deelname"
    )
    candidate_update(candidate=candidate, by_user=adviser, data={}, barriers=[BarrierKind.TRANSPORT])

    kept = versions(CandidateBarrier, candidate_id=candidate.pk)
    assert [(version.kind, version.history_type, version.history_user) for version in kept] == [
        (BarrierKind.CHILDCARE, "+", adviser),
        (BarrierKind.CHILDCARE, "-", adviser),
        (BarrierKind.TRANSPORT, "+", adviser),
    ]


def test_enrolment_steps_are_kept_with_who(adviser, coordinator, cohort):
    enrolment = enrolment_create(candidate=CandidateFactory(), cohort=cohort, by_user=adviser)
    enrolment_transition(enrolment=enrolment, to_status=EnrolmentStatus.SCREENED, by_user=adviser)
    enrolment_transition(enrolment=enrolment, to_status=EnrolmentStatus.SELECTED, by_user=coordinator)

    kept = versions(Enrolment, id=enrolment.pk)
    assert [(version.status, version.history_user) for version in kept] == [
        (EnrolmentStatus.REGISTERED, adviser),
        (EnrolmentStatus.SCREENED, adviser),
        (EnrolmentStatus.SELECTED, coordinator),
    ]


def test_screening_appointment_and_screening_are_kept(adviser, cohort):
    enrolment = enrolment_create(candidate=CandidateFactory(), cohort=cohort, by_user=adviser)
    appointment = screening_plan(
        enrolment=enrolment, starts_at=timezone.now() + datetime.timedelta(days=2), location="WSP", adviser=adviser,
        by_user=adviser,
    )  # fmt: skip
    screening = screening_record(
        enrolment=enrolment,
        by_user=adviser,
        barriers_met=[BarrierKind.DEBTS],
        screened_on=timezone.localdate(),
        interest_score=4,
        motivation_score=5,
        language_score=3,
        availability_score=4,
        recommendation=Recommendation.SELECT,
    )

    planned, held = versions(ScreeningAppointment, id=appointment.pk)
    assert (planned.status, held.status, held.history_user) == ("planned", "held", adviser)
    appointment.refresh_from_db()
    assert appointment.updated_at == planned.updated_at  # marking it held leaves the row's own time alone
    (recorded,) = versions(Screening, id=screening.pk)
    assert (recorded.history_type, recorded.history_user, recorded.motivation_score) == ("+", adviser, 5)
    (barrier,) = versions(CandidateBarrier, candidate_id=enrolment.candidate_id)
    assert (barrier.kind, barrier.history_user) == (BarrierKind.DEBTS, adviser)


def test_outcome_and_its_correction_are_kept(adviser, coordinator, cohort):
    enrolment = enrolment_transition(
        enrolment=started(cohort, adviser), to_status=EnrolmentStatus.COMPLETED, by_user=adviser
    )
    outcome = outflow_record(enrolment=enrolment, by_user=adviser, kind=OutcomeKind.JOB_ELSEWHERE, hours_per_week=24)
    enrolment.refresh_from_db()
    outflow_record(enrolment=enrolment, by_user=coordinator, kind=OutcomeKind.JOB_ELSEWHERE, hours_per_week=32)

    kept = versions(Outcome, id=outcome.pk)
    assert [(version.hours_per_week, version.history_user) for version in kept] == [(24, adviser), (32, coordinator)]


def test_notes_and_coaching_notes_are_kept(adviser, cohort):
    enrolment = started(cohort, adviser)
    note = note_add(candidate=enrolment.candidate, by_user=adviser, text="Belt liever na 10 uur")
    coaching = coaching_note_add(enrolment=enrolment, by_user=adviser, coach_kind="adviser", text="Gaat goed")

    assert [(v.text, v.history_user) for v in versions(Note, id=note.pk)] == [("Belt liever na 10 uur", adviser)]
    assert [(v.text, v.history_user) for v in versions(CoachingNote, id=coaching.pk)] == [("Gaat goed", adviser)]


def test_placement_steps_and_reminders_are_kept(adviser, employer, employer_contact, cohort):
    SeatOfferFactory(employer=employer, cohort=cohort, places=2)
    enrolment = started(cohort, adviser)
    placement = placement_propose(enrolment=enrolment, employer=employer, by_user=adviser, notify=False)
    assert placements_remind_overdue(now=timezone.now() + datetime.timedelta(days=30)) == 1
    placement_transition(placement=placement, to_status=PlacementStatus.CONFIRMED, by_user=employer_contact)

    kept = versions(Placement, id=placement.pk)
    assert [(version.status, version.history_user) for version in kept] == [
        (PlacementStatus.PROPOSED, adviser),
        (PlacementStatus.PROPOSED, None),  # the reminder, sent by the portal itself
        (PlacementStatus.CONFIRMED, employer_contact),
    ]
    assert kept[1].reminder_sent_at is not None


def test_a_caseload_hand_over_is_kept_on_each_candidate(adviser, coordinator, organisation):
    colleague = UserFactory(organisation=organisation, role=Role.ADVISER)
    candidates = [
        candidate_register(by_user=adviser, data=person(email=f"{n}@example.org"), consent_purpose="Deelname")
        for n in range(2)
    ]

    assert caseload_reassign(candidates=candidates, to_adviser=colleague, by_user=coordinator) == 2

    for candidate in candidates:
        created, handed_over = versions(Candidate, id=candidate.pk)
        assert (handed_over.adviser_id, handed_over.history_user) == (colleague.pk, coordinator)
        assert handed_over.email == created.email
        candidate.refresh_from_db()
        assert candidate.adviser == colleague


def test_imported_enrolments_are_kept(adviser, cohort):
    class Row:
        def __init__(self, email):
            self.values = person(email=email)

    class Table:
        file_name = "verwijzingen.xlsx"
        rows = importable_rows = [Row("a@example.org"), Row("b@example.org")]

    record = candidates_import(table=Table(), cohort=cohort, by_user=adviser, consent_purpose="Deelname")

    for candidate in record.candidates.all():
        assert [(v.history_type, v.history_user) for v in versions(Candidate, id=candidate.pk)] == [("+", adviser)]
        enrolment = candidate.enrolments.get()
        assert [(v.history_type, v.history_user) for v in versions(Enrolment, id=enrolment.pk)] == [("+", adviser)]


def test_closing_the_reserve_list_keeps_each_new_place_once(adviser, cohort):
    reserves = []
    for _number in range(3):
        enrolment = enrolment_create(candidate=CandidateFactory(), cohort=cohort, by_user=adviser)
        enrolment = enrolment_transition(enrolment=enrolment, to_status=EnrolmentStatus.SCREENED, by_user=adviser)
        reserves.append(enrolment_transition(enrolment=enrolment, to_status=EnrolmentStatus.RESERVE, by_user=adviser))

    reserve_promote(cohort=cohort, by_user=adviser)

    positions = [
        [version.reserve_position for version in versions(Enrolment, id=enrolment.pk)] for enrolment in reserves[1:]
    ]
    assert positions == [[None, None, 2, 1], [None, None, 3, 2]]
    assert [Enrolment.objects.get(pk=e.pk).reserve_position for e in reserves] == [None, 1, 2]


def test_a_change_through_the_portal_records_the_logged_in_user(client, adviser, cohort):
    candidate = EnrolmentFactory(cohort=cohort, candidate=CandidateFactory(adviser=adviser, city="Utrecht")).candidate
    client.force_login(adviser)
    form = client.get(reverse("candidates:candidate-edit", args=[candidate.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(city="Zeist", consent_purpose="Deelname", referring_organisation="", available_days=[])
    data = {name: ("" if value is None else value) for name, value in data.items()}

    response = client.post(reverse("candidates:candidate-edit", args=[candidate.pk]), data)

    assert response.status_code == 302, response.context["form"].errors
    latest = Candidate.history.filter(id=candidate.pk).latest("history_date")
    assert (latest.city, latest.history_user) == ("Zeist", adviser)


# --- The timeline tells what changed, never the values ----------------------------------------------------


def test_the_timeline_names_the_changed_fields_with_who(adviser, coordinator, training_partner, cohort):
    candidate = candidate_register(by_user=adviser, data=person(), cohort=cohort, consent_purpose="Deelname")
    candidate_update(candidate=candidate, by_user=coordinator, data={"phone": "0687654321", "city": "Amersfoort"})

    for user in (None, adviser, training_partner):
        changes = [event for event in candidate_timeline(candidate=candidate, user=user) if event.kind == "change"]
        assert [(event.title, event.by) for event in changes] == [("Details changed: phone, city", coordinator)]
        assert "0687654321" not in changes[0].title + changes[0].detail
        assert "Amersfoort" not in changes[0].title + changes[0].detail


def test_the_timeline_tells_outcome_and_placement_edits_but_not_status_steps(adviser, employer, cohort):
    SeatOfferFactory(employer=employer, cohort=cohort, places=2)
    enrolment = started(cohort, adviser)
    placement = placement_propose(enrolment=enrolment, employer=employer, by_user=adviser, notify=False)
    placement.supervisor_name = "Mevrouw de Vries"
    placement.save()
    placement_transition(placement=placement, to_status=PlacementStatus.DECLINED, by_user=adviser, reason="Vol")
    enrolment = enrolment_transition(enrolment=enrolment, to_status=EnrolmentStatus.COMPLETED, by_user=adviser)
    outflow_record(enrolment=enrolment, by_user=adviser, kind=OutcomeKind.JOB_ELSEWHERE, hours_per_week=24)
    enrolment.refresh_from_db()
    outflow_record(enrolment=enrolment, by_user=adviser, kind=OutcomeKind.JOB_ELSEWHERE, hours_per_week=32)

    titles = [event.title for event in candidate_timeline(candidate=enrolment.candidate) if event.kind == "change"]

    assert titles == [
        "Outcome for Ronde 1 changed: hours a week",
        f"Placement at {employer.name} changed: supervisor (werkbegeleider)",
    ]


def test_the_candidate_page_shows_a_change_in_a_fixed_number_of_queries(client, adviser, coordinator, cohort):
    candidate = candidate_register(by_user=adviser, data=person(), cohort=cohort, consent_purpose="Deelname")
    url = reverse("candidates:candidate-detail", args=[candidate.pk])
    client.force_login(adviser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    candidate_update(candidate=candidate, by_user=coordinator, data={"city": "Zeist"})
    client.get(url)

    with CaptureQueriesContext(connection) as one_change:
        response = client.get(url)
    for number in range(10):
        candidate_update(candidate=candidate, by_user=coordinator, data={"phone": f"06123456{number:02}"})
    with CaptureQueriesContext(connection) as many_changes:
        many = client.get(url)

    assert "Details changed: city" in response.text
    assert many.text.count("Details changed: phone") == 10
    assert len(many_changes) == len(one_change)
