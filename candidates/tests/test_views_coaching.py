"""The coaching page (notes per role, host employers never) and the mid-term and end evaluation pages.

Pages are asked for in English, so the assertions read the message ids whatever state the Dutch
translation is in.
"""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from candidates.models import (
    CoachingNote,
    CoachKind,
    EnrolmentStatus,
    Evaluation,
    EvaluationAdvice,
    EvaluationMoment,
    NoteVisibility,
)
from candidates.progress import coaching_note_add, evaluation_record
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from employers.models import PlacementStatus
from employers.tests.factories import PlacementFactory
from pilots.models import PartnerRole
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory

NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
TEAM_NOTE = "Schulden spelen op; zorgen thuis"
SHARED_NOTE = "Mist de laatste weken vaak de schooldag"


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def track(organisation, adviser, training_partner, employer):
    """A running enrolment in a pilot the WSP leads, taught by the college, placed at the host; with two notes."""
    pilot = PilotFactory(lead_organisation=organisation, duration_weeks=15)
    PilotPartnerFactory(pilot=pilot, organisation=training_partner.organisation, role=PartnerRole.TRAINING_PARTNER)
    PilotPartnerFactory(pilot=pilot, organisation=employer.organisation, role=PartnerRole.HOST_EMPLOYER)
    cohort = CohortFactory(pilot=pilot, name="Najaar 2026", start_date=datetime.date(2026, 9, 1))
    enrolment = EnrolmentFactory(
        candidate=CandidateFactory(adviser=adviser, first_name="Sanne", last_name="Visser"),
        cohort=cohort,
        status=EnrolmentStatus.STARTED,
        started_on=datetime.date(2026, 9, 1),
    )
    placement = PlacementFactory(enrolment=enrolment, employer=employer, status=PlacementStatus.ACTIVE)
    coaching_note_add(enrolment=enrolment, by_user=training_partner, coach_kind=CoachKind.JOB_COACH, text=TEAM_NOTE)
    coaching_note_add(
        enrolment=enrolment,
        by_user=training_partner,
        coach_kind=CoachKind.WORK_COACH,
        visibility=NoteVisibility.SHARED_WITH_ADVISER,
        text=SHARED_NOTE,
    )
    return SimpleNamespace(pilot=pilot, cohort=cohort, enrolment=enrolment, placement=placement)


def log_in(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def coaching_url(enrolment) -> str:
    return reverse("candidates:coaching", kwargs={"pk": enrolment.pk})


def evaluation_url(enrolment, moment=EvaluationMoment.MID_TERM) -> str:
    return reverse("candidates:evaluation", kwargs={"pk": enrolment.pk, "moment": moment})


# --- Who reads which note ------------------------------------------------------------------------------------


def test_an_adviser_reads_the_shared_note_but_not_the_coaching_teams_own(client, adviser, track):
    response = log_in(client, adviser).get(coaching_url(track.enrolment))

    assert response.status_code == 200
    assert SHARED_NOTE in response.text
    assert TEAM_NOTE not in response.text


def test_a_coordinator_reads_only_the_shared_note(client, coordinator, track):
    response = log_in(client, coordinator).get(coaching_url(track.enrolment))

    assert SHARED_NOTE in response.text
    assert TEAM_NOTE not in response.text
    assert response.context["note_form"] is None


def test_the_training_partner_reads_every_note_of_the_coaching_team(client, training_partner, track):
    response = log_in(client, training_partner).get(coaching_url(track.enrolment))

    assert SHARED_NOTE in response.text
    assert TEAM_NOTE in response.text


def test_a_host_employer_is_refused_the_coaching_page(client, employer_contact, track):
    assert log_in(client, employer_contact).get(coaching_url(track.enrolment)).status_code == 403


def test_the_employers_placement_page_never_shows_a_coaching_note(client, employer_contact, track):
    response = log_in(client, employer_contact).get(
        reverse("employers:placement-detail", kwargs={"pk": track.placement.pk})
    )

    assert response.status_code == 200
    assert "Sanne" in response.text
    assert TEAM_NOTE not in response.text
    assert SHARED_NOTE not in response.text


def test_the_candidate_page_links_to_coaching_once_the_track_started(client, adviser, track):
    registered = EnrolmentFactory(candidate=track.enrolment.candidate, cohort=CohortFactory(pilot=track.pilot))

    response = log_in(client, adviser).get(track.enrolment.candidate.get_absolute_url())

    assert f'href="{coaching_url(track.enrolment)}" data-progress-action="coaching"' in response.text
    assert coaching_url(registered) not in response.text
    assert reverse("candidates:leave", kwargs={"pk": track.enrolment.pk}) in response.text


# --- Writing notes -------------------------------------------------------------------------------------------


def test_a_training_partner_writes_a_note_for_the_coaching_team_only(client, training_partner, track):
    response = log_in(client, training_partner).post(
        coaching_url(track.enrolment),
        {"note-coach_kind": CoachKind.TRAINER, "note-visibility": NoteVisibility.COACHING_TEAM, "note-text": "Rekenen"},
    )

    assert response.status_code == 302
    note = CoachingNote.objects.get(text="Rekenen")
    assert (note.coach_kind, note.visibility, note.author) == (
        CoachKind.TRAINER,
        NoteVisibility.COACHING_TEAM,
        training_partner,
    )


def test_an_advisers_note_is_written_as_adviser_and_shared(client, adviser, track):
    page = log_in(client, adviser).get(coaching_url(track.enrolment))
    assert "note-visibility" not in page.text

    # A forged visibility is ignored: the adviser has no such choice.
    client.post(
        coaching_url(track.enrolment),
        {"note-text": "Vervoer geregeld", "note-visibility": NoteVisibility.COACHING_TEAM},
    )

    note = CoachingNote.objects.get(text="Vervoer geregeld")
    assert (note.coach_kind, note.visibility) == (CoachKind.ADVISER, NoteVisibility.SHARED_WITH_ADVISER)


def test_a_training_partner_cannot_write_as_adviser(client, training_partner, track):
    response = log_in(client, training_partner).post(
        coaching_url(track.enrolment),
        {"note-coach_kind": CoachKind.ADVISER, "note-visibility": NoteVisibility.COACHING_TEAM, "note-text": "X"},
    )

    assert response.status_code == 200
    assert response.context["note_form"].has_error("coach_kind")
    assert not CoachingNote.objects.filter(text="X").exists()


def test_an_empty_note_is_a_form_error(client, training_partner, track):
    response = log_in(client, training_partner).post(
        coaching_url(track.enrolment),
        {"note-coach_kind": CoachKind.JOB_COACH, "note-visibility": NoteVisibility.COACHING_TEAM, "note-text": ""},
    )

    assert response.status_code == 200
    assert response.context["note_form"].has_error("text")


def test_a_coordinator_cannot_write_a_note(client, coordinator, track):
    response = log_in(client, coordinator).post(coaching_url(track.enrolment), {"note-text": "Mag niet"})

    assert response.status_code == 403
    assert not CoachingNote.objects.filter(text="Mag niet").exists()


def test_an_enrolment_of_another_organisations_pilot_is_not_found(client, track):
    outsider = UserFactory(username="ander", organisation=OrganisationFactory(name="WSP Elders"), role=Role.ADVISER)

    assert log_in(client, outsider).get(coaching_url(track.enrolment)).status_code == 404
    assert log_in(client, outsider).get(evaluation_url(track.enrolment)).status_code == 404


# --- Evaluations ---------------------------------------------------------------------------------------------


def evaluation_data(goals, **overrides) -> dict:
    data = {
        "evaluation-held_on": "2026-11-20",
        "evaluation-attendance_note": "Twee keer ziek gemeld",
        "evaluation-advice": EvaluationAdvice.EXTRA_SUPPORT,
        "evaluation-next_step": "Extra taalles",
        "goals-TOTAL_FORMS": "3",
        "goals-INITIAL_FORMS": "0",
        "goals-MIN_NUM_FORMS": "0",
        "goals-MAX_NUM_FORMS": "3",
    }
    for index in range(3):
        goal, score, note = goals[index] if index < len(goals) else ("", "", "")
        data |= {f"goals-{index}-goal": goal, f"goals-{index}-score": score, f"goals-{index}-note": note}
    return data | overrides


def test_the_training_partner_records_the_mid_term_evaluation_with_its_goals(client, training_partner, track):
    response = log_in(client, training_partner).post(
        evaluation_url(track.enrolment),
        evaluation_data([("Op tijd komen", "4", "Lukt steeds beter"), ("Taal op de groep", "2", "")]),
    )

    assert response.status_code == 302
    evaluation = Evaluation.objects.get(enrolment=track.enrolment, moment=EvaluationMoment.MID_TERM)
    assert evaluation.advice == EvaluationAdvice.EXTRA_SUPPORT
    assert evaluation.held_on == datetime.date(2026, 11, 20)
    assert [(goal.goal, goal.score, goal.note) for goal in evaluation.goals.order_by("position")] == [
        ("Op tijd komen", 4, "Lukt steeds beter"),
        ("Taal op de groep", 2, ""),
    ]
    page = client.get(coaching_url(track.enrolment))
    assert "Op tijd komen" in page.text
    assert "Continue with extra support" in page.text


def test_redoing_an_evaluation_replaces_its_goals(client, adviser, track):
    evaluation_record(
        enrolment=track.enrolment,
        moment=EvaluationMoment.MID_TERM,
        by_user=adviser,
        goals=[{"goal": "Oud doel", "score": 1}],
        held_on=datetime.date(2026, 11, 1),
        advice=EvaluationAdvice.CONTINUE,
    )
    form_page = log_in(client, adviser).get(evaluation_url(track.enrolment))
    assert "Oud doel" in form_page.text

    client.post(evaluation_url(track.enrolment), evaluation_data([("Nieuw doel", "5", "")]))

    goals = Evaluation.objects.get(enrolment=track.enrolment).goals.values_list("goal", flat=True)
    assert list(goals) == ["Nieuw doel"]


def test_a_goal_without_a_score_is_a_form_error(client, training_partner, track):
    response = log_in(client, training_partner).post(
        evaluation_url(track.enrolment), evaluation_data([("Op tijd komen", "", "")])
    )

    assert response.status_code == 200
    assert response.context["goals"].forms[0].has_error("score")
    assert not Evaluation.objects.exists()


def test_an_evaluation_without_any_goal_is_refused(client, training_partner, track):
    response = log_in(client, training_partner).post(evaluation_url(track.enrolment), evaluation_data([]))

    assert response.status_code == 200
    assert "Describe at least one goal and score its progress." in response.text
    assert not Evaluation.objects.exists()


def test_an_evaluation_held_in_the_future_is_a_form_error(client, training_partner, track):
    response = log_in(client, training_partner).post(
        evaluation_url(track.enrolment),
        evaluation_data([("Doel", "3", "")], **{"evaluation-held_on": "2026-12-01"}),
    )

    assert response.context["form"].has_error("held_on")
    assert not Evaluation.objects.exists()


def test_a_coordinator_reads_an_evaluation_but_cannot_record_one(client, coordinator, adviser, track):
    evaluation_record(
        enrolment=track.enrolment,
        moment=EvaluationMoment.END,
        by_user=adviser,
        goals=[{"goal": "Zelfstandig werken", "score": 4}],
        held_on=datetime.date(2026, 11, 20),
        advice=EvaluationAdvice.CONTINUE,
    )
    log_in(client, coordinator)

    page = client.get(evaluation_url(track.enrolment, EvaluationMoment.END))
    assert page.status_code == 200
    assert "Zelfstandig werken" in page.text
    assert page.context["form"] is None
    assert client.post(evaluation_url(track.enrolment), evaluation_data([("X", "3", "")])).status_code == 403


def test_an_unknown_moment_is_not_found(client, training_partner, track):
    assert log_in(client, training_partner).get(evaluation_url(track.enrolment, "halfway")).status_code == 404


def test_a_host_employer_is_refused_the_evaluation_page(client, employer_contact, track):
    assert log_in(client, employer_contact).get(evaluation_url(track.enrolment)).status_code == 403


# --- The training partner's to-do --------------------------------------------------------------------------


def test_the_training_partners_start_page_lists_the_evaluations_due(client, training_partner, adviser, track):
    # Started 1 September in a 15-week pilot: past halfway (52 days) on 25 November.
    just_started = EnrolmentFactory(
        cohort=track.cohort, status=EnrolmentStatus.STARTED, started_on=datetime.date(2026, 11, 1)
    )
    ended = EnrolmentFactory(
        cohort=track.cohort,
        status=EnrolmentStatus.COMPLETED,
        started_on=datetime.date(2026, 9, 1),
        ended_on=datetime.date(2026, 11, 20),
    )
    start_url = reverse("pilots:training-start")

    response = log_in(client, training_partner).get(start_url)

    due = [(item.enrolment, item.moment) for item in response.context["evaluations_due"]]
    assert due == [(track.enrolment, EvaluationMoment.MID_TERM), (ended, EvaluationMoment.END)]
    assert just_started not in [item.enrolment for item in response.context["evaluations_due"]]
    assert evaluation_url(track.enrolment) in response.text

    evaluation_record(
        enrolment=track.enrolment,
        moment=EvaluationMoment.MID_TERM,
        by_user=training_partner,
        goals=[{"goal": "Doel", "score": 3}],
        held_on=datetime.date(2026, 11, 24),
        advice=EvaluationAdvice.CONTINUE,
    )
    after = client.get(start_url)
    assert [item.enrolment for item in after.context["evaluations_due"]] == [ended]


def test_the_training_partners_start_page_shows_a_page_of_the_evaluations_due_at_a_time(
    client, training_partner, track
):
    # The track's own enrolment owes its mid-term evaluation; 24 ended tracks owe their end evaluation, one day
    # apart from 21 October on: 25 in all, oldest first over two pages.
    ended = [
        EnrolmentFactory(
            cohort=track.cohort,
            status=EnrolmentStatus.COMPLETED,
            started_on=datetime.date(2026, 9, 1),
            ended_on=datetime.date(2026, 10, 21) + datetime.timedelta(days=number),
        )
        for number in range(24)
    ]
    start_url = reverse("pilots:training-start")
    log_in(client, training_partner)

    first = client.get(start_url, HTTP_ACCEPT_LANGUAGE="en")
    second = client.get(start_url, {"due_page": 2}, HTTP_ACCEPT_LANGUAGE="en")

    shown, rest = first.context["evaluations_due"], second.context["evaluations_due"]
    assert len(shown) == 20
    assert {item.enrolment for item in shown + rest} == {*ended, track.enrolment}
    since = [item.since for item in shown + rest]
    assert since == sorted(since)
    assert first.context["due_page"].paginator.count == 25
    assert "due_page=2" in first.text
