"""Coaching notes (who reads which, host employers never) and the mid-term and end evaluations."""

import datetime
from types import SimpleNamespace

import pytest

from candidates import progress_selectors
from candidates.models import (
    CoachingNote,
    CoachKind,
    Enrolment,
    EnrolmentStatus,
    Evaluation,
    EvaluationAdvice,
    EvaluationMoment,
    NoteVisibility,
)
from candidates.progress import coaching_note_add, evaluation_record
from candidates.progress_selectors import coaching_notes_for, evaluations_of
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.statemachine import TransitionNotAllowed
from core.tests.factories import UserFactory
from pilots.models import PartnerRole
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 15, 12, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def notes(organisation, adviser, training_partner, employer):
    """A pilot the WSP leads, with the college training and the host employer taking part, and three notes."""
    pilot = PilotFactory(lead_organisation=organisation)
    PilotPartnerFactory(pilot=pilot, organisation=training_partner.organisation, role=PartnerRole.TRAINING_PARTNER)
    PilotPartnerFactory(pilot=pilot, organisation=employer.organisation, role=PartnerRole.HOST_EMPLOYER)
    enrolment = EnrolmentFactory(
        cohort=CohortFactory(pilot=pilot), status=EnrolmentStatus.STARTED, candidate=CandidateFactory(adviser=adviser)
    )
    team_only = coaching_note_add(
        enrolment=enrolment,
        by_user=training_partner,
        coach_kind=CoachKind.JOB_COACH,
        text="Schulden spelen op; zorgen thuis",
    )
    shared = coaching_note_add(
        enrolment=enrolment,
        by_user=training_partner,
        coach_kind=CoachKind.TRAINER,
        visibility=NoteVisibility.SHARED_WITH_ADVISER,
        text="Mist de laatste weken vaak de schooldag",
    )
    by_adviser = coaching_note_add(
        enrolment=enrolment, by_user=adviser, coach_kind=CoachKind.ADVISER, text="Vervoer geregeld via de gemeente"
    )
    return SimpleNamespace(enrolment=enrolment, team_only=team_only, shared=shared, by_adviser=by_adviser)


@pytest.mark.parametrize(
    ("role", "readable"),
    [
        (Role.TRAINING_PARTNER, {"team_only", "shared", "by_adviser"}),
        (Role.ADMINISTRATOR, {"team_only", "shared", "by_adviser"}),
        (Role.ADVISER, {"shared", "by_adviser"}),
        (Role.COORDINATOR, {"shared", "by_adviser"}),
        (Role.EMPLOYER_CONTACT, set()),
    ],
)
def test_each_role_reads_only_the_coaching_notes_meant_for_it(notes, user_for_role, role, readable):
    shown = set(coaching_notes_for(user=user_for_role(role), enrolment=notes.enrolment))

    assert shown == {getattr(notes, name) for name in readable}


def test_host_employers_never_read_a_note_whatever_it_says(notes, employer_contact):
    CoachingNote.objects.update(visibility=NoteVisibility.SHARED_WITH_ADVISER)

    assert list(coaching_notes_for(user=employer_contact, enrolment=notes.enrolment)) == []


def test_host_employers_read_no_notes_even_of_enrolments_they_may_see(notes, employer_contact, monkeypatch):
    """Should employers come to see the enrolments proposed to them, the notes still stay closed to them."""
    monkeypatch.setattr(progress_selectors, "enrolment_list", lambda *, user: Enrolment.objects.all())

    assert list(coaching_notes_for(user=employer_contact, enrolment=notes.enrolment)) == []


def test_the_author_reads_their_own_note(notes, organisation):
    """A note only the coaching team reads, written by someone who reads only shared notes, stays theirs to read."""
    colleague = UserFactory(organisation=organisation, role=Role.ADVISER)
    own = CoachingNote.objects.create(
        enrolment=notes.enrolment, author=colleague, coach_kind=CoachKind.ADVISER, text="Eigen aantekening"
    )

    assert own in coaching_notes_for(user=colleague, enrolment=notes.enrolment)
    assert notes.team_only not in coaching_notes_for(user=colleague, enrolment=notes.enrolment)


def test_nobody_outside_the_pilot_reads_the_notes(notes):
    elsewhere = OrganisationFactory(name="WSP Elders")
    strangers = [
        UserFactory(organisation=elsewhere, role=role)
        for role in (Role.ADVISER, Role.TRAINING_PARTNER, Role.COORDINATOR)
    ]

    for stranger in strangers:
        assert list(coaching_notes_for(user=stranger, enrolment=notes.enrolment)) == []


def test_a_user_without_a_role_reads_no_notes(notes, organisation):
    assert list(coaching_notes_for(user=UserFactory(organisation=organisation), enrolment=notes.enrolment)) == []


def test_notes_stay_within_the_coaching_team_unless_shared(notes):
    assert (notes.team_only.visibility, notes.by_adviser.visibility) == (
        NoteVisibility.COACHING_TEAM,
        NoteVisibility.SHARED_WITH_ADVISER,
    )


def test_an_adviser_cannot_hide_a_note_from_advisers(notes, adviser):
    with pytest.raises(TransitionNotAllowed):
        coaching_note_add(
            enrolment=notes.enrolment,
            by_user=adviser,
            coach_kind=CoachKind.ADVISER,
            visibility=NoteVisibility.COACHING_TEAM,
            text="Alleen voor het team",
        )


@pytest.mark.parametrize("case", ["employer-contact", "coordinator", "empty", "unknown-kind", "not-started"])
def test_a_note_that_cannot_be_written_is_refused(notes, user_for_role, case):
    by_user, kind, text, enrolment = (
        user_for_role(Role.TRAINING_PARTNER),
        CoachKind.TRAINER,
        "Gaat goed",
        notes.enrolment,
    )
    if case == "employer-contact":
        by_user = user_for_role(Role.EMPLOYER_CONTACT)
    elif case == "coordinator":
        by_user = user_for_role(Role.COORDINATOR)
    elif case == "empty":
        text = "  "
    elif case == "unknown-kind":
        kind = "mentor"
    else:
        enrolment = EnrolmentFactory(cohort=notes.enrolment.cohort, status=EnrolmentStatus.SELECTED)

    with pytest.raises(TransitionNotAllowed):
        coaching_note_add(enrolment=enrolment, by_user=by_user, coach_kind=kind, text=text)

    assert CoachingNote.objects.count() == 3


# --- Evaluations -------------------------------------------------------------------------------------------

GOALS = [
    {"goal": "Op tijd komen", "score": 4, "note": "Twee keer te laat"},
    {"goal": "Zelfstandig fruit snijden en tafels dekken", "score": 3},
]


def test_an_evaluation_records_the_goals_in_order(notes, training_partner):
    evaluation = evaluation_record(
        enrolment=notes.enrolment,
        moment=EvaluationMoment.MID_TERM,
        by_user=training_partner,
        goals=GOALS,
        held_on=datetime.date(2026, 10, 20),
        advice=EvaluationAdvice.EXTRA_SUPPORT,
        attendance_note="Aanwezigheid 85%",
        next_step="Extra taalles",
    )

    stored = evaluations_of(enrolment=notes.enrolment).get()
    assert stored == evaluation
    assert [(goal.goal, goal.score, goal.note) for goal in stored.goals.all()] == [
        ("Op tijd komen", 4, "Twee keer te laat"),
        ("Zelfstandig fruit snijden en tafels dekken", 3, ""),
    ]
    assert (stored.advice, stored.attendance_note, stored.next_step) == (
        "extra_support",
        "Aanwezigheid 85%",
        "Extra taalles",
    )


def test_recording_a_moment_again_replaces_it(notes, training_partner, adviser):
    common = {"enrolment": notes.enrolment, "moment": EvaluationMoment.END, "held_on": datetime.date(2026, 12, 10)}
    evaluation_record(**common, by_user=training_partner, goals=GOALS, advice=EvaluationAdvice.CONTINUE)

    evaluation_record(
        **common, by_user=adviser, goals=[{"goal": "Op tijd komen", "score": 5}], advice=EvaluationAdvice.CONTINUE
    )

    stored = Evaluation.objects.get()
    assert (stored.by_user, [goal.score for goal in stored.goals.all()]) == (adviser, [5])


@pytest.mark.parametrize(
    ("goals", "fields"),
    [
        ([{"goal": "Op tijd komen", "score": 6}], {}),
        ([{"goal": "Op tijd komen", "score": 0}], {}),
        ([{"goal": "Op tijd komen", "score": True}], {}),
        ([{"goal": "", "score": 3}], {}),
        ([], {}),
        (GOALS, {"advice": "maybe"}),
        (GOALS, {"held_on": None}),
        (GOALS, {"held_on": datetime.date(2099, 1, 1)}),
    ],
    ids=["score-6", "score-0", "score-bool", "no-goal-text", "no-goals", "unknown-advice", "no-date", "future"],
)
def test_an_incomplete_evaluation_is_refused(notes, training_partner, goals, fields):
    values = {"held_on": datetime.date(2026, 10, 20), "advice": EvaluationAdvice.CONTINUE, **fields}

    with pytest.raises(TransitionNotAllowed):
        evaluation_record(
            enrolment=notes.enrolment, moment=EvaluationMoment.MID_TERM, by_user=training_partner, goals=goals, **values
        )

    assert not Evaluation.objects.exists()


def test_an_evaluation_takes_only_its_own_fields(notes, training_partner):
    with pytest.raises(TypeError):
        evaluation_record(
            enrolment=notes.enrolment,
            moment=EvaluationMoment.MID_TERM,
            by_user=training_partner,
            goals=GOALS,
            held_on=datetime.date(2026, 10, 20),
            advice=EvaluationAdvice.CONTINUE,
            benefit_type="bijstand",
        )
