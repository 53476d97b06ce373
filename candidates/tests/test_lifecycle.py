"""The enrolment's life cycle as one rule: the named sets, withdrawing, starting, and what leaving the track does.

States are built through the services (candidates/tests/journeys.py), never with a preset status.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from candidates import lifecycle
from candidates.lifecycle import EnrolmentStatus as S
from candidates.models import Candidate, DropoutReason, Enrolment, EnrolmentTransition, OutcomeKind
from candidates.progress import enrolment_complete, enrolment_drop_out, outflow_record
from candidates.services import (
    candidate_update,
    enrolment_start,
    enrolment_transition,
    enrolment_withdraw,
    reserve_promote,
    seats_taken,
)
from core.statemachine import TransitionNotAllowed
from employers.lifecycle import OPEN, EndReason, PlacementStatus
from employers.models import ContractOfferStatus, PlacementTransition
from employers.services import (
    accepted_offer_on_track_end,
    contract_offer_answer,
    contract_offer_record,
    placement_confirm,
    placement_propose,
    placement_start,
    placements_close_on_track_end,
)
from employers.tests.factories import SeatOfferFactory
from pilots.tests.factories import CohortFactory

from .journeys import walk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # The refusals are matched in English; the portal speaks Dutch by default.
    with translation.override("en"):
        yield


ALL = tuple(S)
# For each status a walk ends in, the named sets it belongs to: the table DOMAIN.md's figures are built from.
MEMBERSHIP = {
    S.REGISTERED: set(),
    S.SCREENING_PLANNED: set(),
    S.SCREENED: {"screened"},
    S.NOT_SELECTED: set(),
    S.RESERVE: {"screened"},
    S.SELECTED: {"screened", "selected_ever", "seat_holding"},
    S.WITHDRAWN: {"screened", "selected_ever", "withdrawn"},
    S.STARTED: {"screened", "selected_ever", "seat_holding", "started", "running"},
    S.COMPLETED: {"screened", "selected_ever", "seat_holding", "started", "track_over", "completed"},
    S.DROPPED_OUT: {"screened", "selected_ever", "seat_holding", "started", "track_over", "dropped_out"},
}
SET_METHODS = ("selected_ever", "seat_holding", "withdrawn", "started", "running", "track_over", "completed")


@pytest.fixture
def cohort(organisation):
    return CohortFactory(
        pilot__lead_organisation=organisation,
        seats=3,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 12, 15),
    )


def members(enrolment: Enrolment) -> set[str]:
    found = {
        name for name in (*SET_METHODS, "dropped_out") if getattr(Enrolment.objects, name)().filter(pk=enrolment.pk)
    }
    if enrolment.status in lifecycle.SCREENED_OR_LATER:
        found.add("screened")
    return found


@pytest.mark.parametrize("status", sorted(MEMBERSHIP))
def test_each_status_a_walk_ends_in_belongs_to_exactly_its_named_sets(adviser, cohort, status):
    enrolment = walk(cohort=cohort, to=status, by_user=adviser)

    assert enrolment.status == status
    assert members(enrolment) == MEMBERSHIP[status]


@pytest.mark.parametrize(
    ("dropout_reason", "expected"),
    [("", {"completed"}), (DropoutReason.MOVED, {"dropped_out"})],
)
def test_after_outflow_completed_and_dropped_out_stay_apart(adviser, cohort, dropout_reason, expected):
    enrolment = walk(cohort=cohort, to=S.OUTFLOW, by_user=adviser, dropout_reason=dropout_reason)

    assert enrolment.status == S.OUTFLOW
    assert members(enrolment) & {"completed", "dropped_out"} == expected
    assert enrolment in Enrolment.objects.started().track_over().positive_outflow()


def test_the_outcome_sets_split_positive_outflow_into_work_bbl_and_education():
    parts = (lifecycle.OUTFLOW_TO_WORK, lifecycle.OUTFLOW_TO_BBL, lifecycle.OUTFLOW_TO_EDUCATION)
    assert frozenset().union(*parts) == lifecycle.POSITIVE_OUTFLOW
    assert sum(len(part) for part in parts) == len(lifecycle.POSITIVE_OUTFLOW)  # mutually exclusive
    assert OutcomeKind.EDUCATION not in lifecycle.OUTFLOW_TO_WORK
    assert {OutcomeKind.BBL} == lifecycle.OUTFLOW_TO_BBL
    assert {OutcomeKind.BBL, OutcomeKind.EDUCATION} == lifecycle.OUTCOMES_WITH_MBO_LEVEL
    assert {OutcomeKind.NONE, OutcomeKind.VOLUNTEER}.isdisjoint(lifecycle.POSITIVE_OUTFLOW)


def test_every_status_is_placed_in_the_sets_deliberately():
    """A new status must be put in (or kept out of) each set on purpose: this lists where each one stands."""
    placed = {
        status: {
            name
            for name in ("SELECTED_EVER", "SEAT_HOLDING", "STARTED", "RUNNING", "TRACK_OVER", "SCREENABLE")
            if status in getattr(lifecycle, name)
        }
        for status in ALL
    }
    assert placed == {
        S.REGISTERED: {"SCREENABLE"},
        S.SCREENING_PLANNED: {"SCREENABLE"},
        S.SCREENED: {"SCREENABLE"},
        S.SELECTED: {"SELECTED_EVER", "SEAT_HOLDING"},
        S.RESERVE: set(),
        S.NOT_SELECTED: set(),
        S.WITHDRAWN: {"SELECTED_EVER"},
        S.STARTED: {"SELECTED_EVER", "SEAT_HOLDING", "STARTED", "RUNNING"},
        S.COMPLETED: {"SELECTED_EVER", "SEAT_HOLDING", "STARTED", "TRACK_OVER"},
        S.DROPPED_OUT: {"SELECTED_EVER", "SEAT_HOLDING", "STARTED", "TRACK_OVER"},
        S.OUTFLOW: {"SELECTED_EVER", "SEAT_HOLDING", "STARTED", "TRACK_OVER"},
    }


def test_the_expressions_count_through_a_relation_as_on_the_enrolment(adviser, cohort):
    walk(cohort=cohort, to=S.OUTFLOW, by_user=adviser)
    walk(cohort=cohort, to=S.OUTFLOW, by_user=adviser, dropout_reason=DropoutReason.TRANSPORT)
    walk(cohort=cohort, to=S.STARTED, by_user=adviser)

    by_candidate = Candidate.objects.filter(lifecycle.completed_q("enrolments__")).count()
    dropped = Candidate.objects.filter(lifecycle.dropped_out_q("enrolments__")).count()
    started = Candidate.objects.filter(lifecycle.status_in(lifecycle.STARTED, "enrolments__")).count()

    assert (by_candidate, dropped, started) == (1, 1, 3)
    assert Enrolment.objects.filter(Q(lifecycle.completed_q()) | Q(lifecycle.dropped_out_q())).count() == 2


# --- Withdrawing -----------------------------------------------------------------------------------------------


def test_withdrawing_frees_the_seat_and_keeps_the_candidate_among_the_selected(adviser, cohort):
    enrolment = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)
    assert seats_taken(cohort=cohort) == 1

    withdrawn = enrolment_withdraw(enrolment=enrolment, by_user=adviser, reason="Verhuist naar Groningen")

    assert withdrawn.status == S.WITHDRAWN
    assert seats_taken(cohort=cohort) == 0
    assert Enrolment.objects.selected_ever().filter(pk=enrolment.pk).exists()
    step = EnrolmentTransition.objects.filter(enrolment=enrolment).latest("at", "pk")
    assert (step.from_status, step.to_status, step.reason) == (S.SELECTED, S.WITHDRAWN, "Verhuist naar Groningen")


def test_withdrawn_and_not_selected_are_counted_apart(adviser, cohort):
    walk(cohort=cohort, to=S.WITHDRAWN, by_user=adviser)
    walk(cohort=cohort, to=S.NOT_SELECTED, by_user=adviser)
    walk(cohort=cohort, to=S.NOT_SELECTED, by_user=adviser)

    assert (Enrolment.objects.withdrawn().count(), Enrolment.objects.not_selected().count()) == (1, 2)


def test_withdrawing_needs_a_reason(adviser, cohort):
    enrolment = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)

    with pytest.raises(TransitionNotAllowed, match="reason"):
        enrolment_withdraw(enrolment=enrolment, by_user=adviser, reason="  ")

    enrolment.refresh_from_db()
    assert enrolment.status == S.SELECTED


@pytest.mark.parametrize("status", [S.SCREENED, S.RESERVE, S.STARTED, S.COMPLETED])
def test_only_a_selected_candidate_who_has_not_started_can_withdraw(adviser, cohort, status):
    enrolment = walk(cohort=cohort, to=status, by_user=adviser)

    with pytest.raises(TransitionNotAllowed):
        enrolment_withdraw(enrolment=enrolment, by_user=adviser, reason="Wil niet meer")

    enrolment.refresh_from_db()
    assert enrolment.status == status


def test_a_selected_candidate_can_no_longer_be_set_to_not_selected(adviser, cohort):
    enrolment = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)

    with pytest.raises(TransitionNotAllowed):
        enrolment_transition(enrolment=enrolment, to_status=S.NOT_SELECTED, by_user=adviser, reason="Weg")


def test_withdrawing_can_give_the_seat_to_the_first_reserve(adviser):
    cohort = CohortFactory(seats=1)
    leaving = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)
    first = walk(cohort=cohort, to=S.RESERVE, by_user=adviser)
    second = walk(cohort=cohort, to=S.RESERVE, by_user=adviser)

    enrolment_withdraw(enrolment=leaving, by_user=adviser, reason="Ziek", promote_reserve=True)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == S.SELECTED
    assert (second.status, second.reserve_position) == (S.RESERVE, 1)
    assert seats_taken(cohort=cohort) == 1


def test_without_promotion_the_seat_stays_free_for_the_adviser_to_give(adviser):
    cohort = CohortFactory(seats=1)
    leaving = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)
    reserve = walk(cohort=cohort, to=S.RESERVE, by_user=adviser)

    enrolment_withdraw(enrolment=leaving, by_user=adviser, reason="Ziek")
    reserve.refresh_from_db()
    assert reserve.status == S.RESERVE

    promoted = reserve_promote(cohort=cohort, by_user=adviser)
    assert promoted.pk == reserve.pk


def test_the_selection_page_withdraws_and_offers_the_first_reserve(client, adviser, organisation):
    cohort = CohortFactory(pilot__lead_organisation=organisation, seats=1)
    leaving = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)
    reserve = walk(cohort=cohort, to=S.RESERVE, by_user=adviser)
    client.force_login(adviser)

    response = client.post(
        reverse("candidates:enrolment-transition", kwargs={"pk": leaving.pk}),
        {"to_status": S.WITHDRAWN, "reason": "Heeft elders werk"},
        follow=True,
    )

    leaving.refresh_from_db()
    assert leaving.status == S.WITHDRAWN
    shown = [str(message) for message in response.context["messages"]]
    assert any(reserve.candidate.first_name in message and "reserve" in message for message in shown), shown


def test_the_selection_page_refuses_a_withdrawal_without_a_reason(client, adviser, organisation):
    cohort = CohortFactory(pilot__lead_organisation=organisation, seats=1)
    leaving = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)
    client.force_login(adviser)

    client.post(reverse("candidates:enrolment-transition", kwargs={"pk": leaving.pk}), {"to_status": S.WITHDRAWN})

    leaving.refresh_from_db()
    assert leaving.status == S.SELECTED


# --- Starting ----------------------------------------------------------------------------------------------------


def test_starting_before_the_cohort_starts_needs_a_reason(adviser, cohort):
    enrolment = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)
    early = cohort.start_date - datetime.timedelta(days=14)

    with pytest.raises(TransitionNotAllowed, match="needs a reason"):
        enrolment_start(enrolment=enrolment, by_user=adviser, on_date=early)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.started_on) == (S.SELECTED, None)

    started = enrolment_start(enrolment=enrolment, by_user=adviser, on_date=early, reason="Stage begint eerder")
    assert (started.status, started.started_on) == (S.STARTED, early)
    assert started.transitions.latest("at", "pk").reason == "Stage begint eerder"


def test_starting_on_or_after_the_cohort_start_needs_no_reason(adviser, cohort):
    enrolment = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)

    started = enrolment_start(enrolment=enrolment, by_user=adviser, on_date=cohort.start_date)

    assert started.status == S.STARTED


def test_the_generic_transition_applies_the_same_start_rule(adviser, cohort):
    enrolment = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)

    with pytest.raises(TransitionNotAllowed, match="needs a reason"):
        enrolment_transition(
            enrolment=enrolment,
            to_status=S.STARTED,
            by_user=adviser,
            on_date=cohort.start_date - datetime.timedelta(days=1),
        )


# --- Leaving the track ends the placements --------------------------------------------------------------------------


@pytest.fixture
def host(cohort):
    return SeatOfferFactory(cohort=cohort, places=3).employer


def placed(adviser, cohort, host, *, active: bool) -> Enrolment:
    enrolment = walk(cohort=cohort, to=S.STARTED if active else S.SELECTED, by_user=adviser)
    placement = placement_propose(enrolment=enrolment, employer=host, by_user=adviser, notify=False)
    placement_confirm(placement=placement, by_user=adviser)
    if active:
        placement_start(placement=placement, by_user=adviser)
    return enrolment


@pytest.mark.parametrize(
    ("leave", "end_reason"),
    [
        (lambda e, u: enrolment_complete(enrolment=e, by_user=u), EndReason.COMPLETED),
        (
            lambda e, u: enrolment_drop_out(enrolment=e, reason=DropoutReason.TRANSPORT, note="", by_user=u),
            EndReason.CANDIDATE_STOPPED,
        ),
        (
            lambda e, u: enrolment_drop_out(enrolment=e, reason=DropoutReason.HEALTH, note="", by_user=u),
            EndReason.HEALTH,
        ),
        (
            lambda e, u: enrolment_drop_out(enrolment=e, reason=DropoutReason.FOUND_WORK, note="", by_user=u),
            EndReason.FOUND_OTHER_WORK,
        ),
    ],
    ids=["completed", "dropout", "dropout-health", "dropout-found-work"],
)
def test_leaving_the_track_ends_the_active_placement_with_history(adviser, cohort, host, leave, end_reason):
    enrolment = placed(adviser, cohort, host, active=True)

    leave(enrolment, adviser)

    placement = enrolment.placements.get()
    assert (placement.status, placement.end_reason) == (PlacementStatus.ENDED, end_reason)
    assert placement.ended_on is not None
    step = PlacementTransition.objects.filter(placement=placement).latest("at", "pk")
    assert (step.from_status, step.to_status, step.by_user) == (PlacementStatus.ACTIVE, PlacementStatus.ENDED, adviser)


def test_withdrawing_withdraws_an_unanswered_proposal_and_ends_a_confirmed_placement(adviser, cohort, host):
    enrolment = placed(adviser, cohort, host, active=False)
    other = SeatOfferFactory(cohort=cohort, places=1).employer
    proposal = placement_propose(enrolment=enrolment, employer=other, by_user=adviser, notify=False)

    enrolment_withdraw(enrolment=enrolment, by_user=adviser, reason="Gaat verhuizen")

    proposal.refresh_from_db()
    confirmed = enrolment.placements.exclude(pk=proposal.pk).get()
    assert proposal.status == PlacementStatus.WITHDRAWN
    assert (confirmed.status, confirmed.end_reason) == (PlacementStatus.ENDED, EndReason.CANDIDATE_STOPPED)
    assert not enrolment.placements.filter(status__in=OPEN).exists()


def test_moving_a_selected_candidate_back_to_the_reserve_list_withdraws_their_proposal(adviser, cohort, host):
    enrolment = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)
    proposal = placement_propose(enrolment=enrolment, employer=host, by_user=adviser, notify=False)

    enrolment_transition(enrolment=enrolment, to_status=S.RESERVE, by_user=adviser, reason="Toch reserve")

    proposal.refresh_from_db()
    assert proposal.status == PlacementStatus.WITHDRAWN
    assert not enrolment.placements.filter(status__in=OPEN).exists()


def test_a_host_keeps_no_place_for_a_candidate_who_left(adviser, cohort):
    host = SeatOfferFactory(cohort=cohort, places=1).employer
    leaving = placed(adviser, cohort, host, active=True)
    enrolment_drop_out(enrolment=leaving, reason=DropoutReason.MOTIVATION, note="", by_user=adviser)
    newcomer = walk(cohort=cohort, to=S.STARTED, by_user=adviser)

    placement = placement_propose(enrolment=newcomer, employer=host, by_user=adviser, notify=False)
    placement_confirm(placement=placement, by_user=adviser)

    placement.refresh_from_db()
    assert placement.status == PlacementStatus.CONFIRMED


def test_a_refused_leaving_changes_no_placement(adviser, cohort, host):
    enrolment = placed(adviser, cohort, host, active=True)

    with pytest.raises(TransitionNotAllowed):
        enrolment_drop_out(enrolment=enrolment, reason=DropoutReason.OTHER, note="", by_user=adviser)

    assert enrolment.placements.get().status == PlacementStatus.ACTIVE


# --- One outcome service ----------------------------------------------------------------------------------------------


def test_completing_with_an_accepted_offer_records_the_outcome_and_its_follow_ups(adviser, cohort, host):
    enrolment = placed(adviser, cohort, host, active=True)
    offer = contract_offer_record(
        enrolment=enrolment,
        employer=host,
        by_user=adviser,
        kind="group_helper",
        hours_per_week=24,
        start_date=cohort.end_date,
        contract_type="permanent",
    )
    contract_offer_answer(offer=offer, accepted=True, by_user=adviser)

    enrolment_complete(enrolment=enrolment, by_user=adviser)

    enrolment.refresh_from_db()
    outcome = enrolment.outcome
    assert enrolment.status == S.OUTFLOW
    assert (outcome.kind, outcome.employer, outcome.hours_per_week) == (OutcomeKind.CONTRACT_AT_HOST, host, 24)
    assert sorted(outcome.followups.values_list("months", flat=True)) == [3, 6, 12]
    offer.refresh_from_db()
    assert offer.status == ContractOfferStatus.ACCEPTED


def test_an_offer_accepted_after_the_track_ended_gets_its_follow_ups_at_once(adviser, cohort, host):
    enrolment = placed(adviser, cohort, host, active=True)
    enrolment_complete(enrolment=enrolment, by_user=adviser)
    offer = contract_offer_record(
        enrolment=enrolment,
        employer=host,
        by_user=adviser,
        kind="group_helper",
        hours_per_week=20,
        start_date=cohort.end_date,
        contract_type="permanent",
    )

    contract_offer_answer(offer=offer, accepted=True, by_user=adviser)

    enrolment.refresh_from_db()
    assert enrolment.outcome.followups.count() == 3


def test_education_without_an_mbo_level_is_refused_by_the_one_outcome_service(adviser, cohort):
    enrolment = walk(cohort=cohort, to=S.COMPLETED, by_user=adviser)

    with pytest.raises(TransitionNotAllowed, match="MBO level"):
        outflow_record(enrolment=enrolment, by_user=adviser, kind=OutcomeKind.EDUCATION)

    enrolment.refresh_from_db()
    assert enrolment.status == S.COMPLETED


def test_the_administration_records_an_outcome_through_the_one_service(admin_client, adviser, cohort):
    enrolment = walk(cohort=cohort, to=S.COMPLETED, by_user=adviser)
    url = reverse("admin:candidates_outcome_add")

    refused = admin_client.post(url, {"enrolment": enrolment.pk, "kind": OutcomeKind.EDUCATION})
    accepted = admin_client.post(url, {"enrolment": enrolment.pk, "kind": OutcomeKind.EDUCATION, "education_level": 2})

    assert refused.status_code == 200
    assert "MBO" in refused.content.decode()
    assert accepted.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == S.OUTFLOW
    assert enrolment.outcome.followups.count() == 3


# --- Updating a candidate -------------------------------------------------------------------------------------------


def test_candidate_update_refuses_a_field_it_does_not_name(adviser, cohort):
    enrolment = walk(cohort=cohort, to=S.REGISTERED, by_user=adviser)

    with pytest.raises(TypeError, match="anonymised_at"):
        candidate_update(
            candidate=enrolment.candidate, by_user=adviser, data={"anonymised_at": datetime.datetime(2026, 1, 1)}
        )


def test_candidate_update_validates_as_registration_does_and_saves_nothing_invalid(adviser, cohort):
    candidate = walk(cohort=cohort, to=S.REGISTERED, by_user=adviser).candidate

    with pytest.raises(ValidationError):
        candidate_update(candidate=candidate, by_user=adviser, data={"postcode": "not a postcode", "city": "Zeist"})

    candidate.refresh_from_db()
    assert (candidate.postcode, candidate.city) == ("3511 AB", "Utrecht")


def test_candidate_update_saves_only_the_named_fields(adviser, cohort):
    candidate = walk(cohort=cohort, to=S.REGISTERED, by_user=adviser).candidate
    Candidate.objects.filter(pk=candidate.pk).update(phone="0611111111")

    candidate_update(candidate=candidate, by_user=adviser, data={"city": "Zeist"})

    candidate.refresh_from_db()
    assert (candidate.city, candidate.phone) == ("Zeist", "0611111111")


def test_the_employer_app_registers_the_track_end_consequences_in_order():
    assert lifecycle._track_end_handlers[:2] == [placements_close_on_track_end, accepted_offer_on_track_end]
