import datetime
import itertools
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from candidates.lifecycle import OUTFLOW_TO_WORK
from candidates.models import ContractType, Enrolment, EnrolmentStatus, Outcome, OutcomeKind
from candidates.services import enrolment_transition
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from candidates.tests.test_services import run_at_once
from core.roles import Role
from core.statemachine import TransitionNotAllowed
from core.tests.factories import UserFactory
from employers.lifecycle import EVER_CONFIRMED
from employers.models import (
    ContractOffer,
    ContractOfferStatus,
    ContractTerm,
    DeclineReason,
    EndReason,
    JointVacancy,
    Placement,
    PlacementStatus,
    PlacementTransition,
    SeatOffer,
    VacancyApplication,
)
from employers.services import (
    apply_accepted_offer,
    contract_offer_answer,
    contract_offer_record,
    contract_offer_withdraw,
    placement_confirm,
    placement_decline,
    placement_end,
    placement_propose,
    placement_start,
    placement_transition,
    places_confirmed,
    places_offered,
    seat_offer_set,
    vacancy_apply,
    vacancy_create,
    vacancy_distribute,
)
from employers.tests.factories import (
    ContractOfferFactory,
    EmployerFactory,
    EmployerLocationFactory,
    JointVacancyFactory,
    PlacementFactory,
    SeatOfferFactory,
    VacancyApplicationFactory,
)
from pilots.tests.factories import CohortFactory
from tests.services import require_postgres

from ..lifecycle import PLACEMENT_LIFECYCLE

P = PlacementStatus

# A host confirms or declines a proposal, or it is withdrawn when the candidate leaves before the answer; a
# confirmed placement becomes active and ends.
ALLOWED_TRANSITIONS = {
    (P.PROPOSED, P.CONFIRMED),
    (P.PROPOSED, P.DECLINED),
    (P.PROPOSED, P.WITHDRAWN),
    (P.CONFIRMED, P.ACTIVE),
    (P.CONFIRMED, P.ENDED),
    (P.ACTIVE, P.ENDED),
}
REFUSED_TRANSITIONS = sorted(set(itertools.product(P, P)) - ALLOWED_TRANSITIONS)
PROPOSABLE = [EnrolmentStatus.SELECTED, EnrolmentStatus.STARTED]
NOT_PROPOSABLE = [
    EnrolmentStatus.REGISTERED,
    EnrolmentStatus.SCREENING_PLANNED,
    EnrolmentStatus.SCREENED,
    EnrolmentStatus.RESERVE,
    EnrolmentStatus.NOT_SELECTED,
    EnrolmentStatus.WITHDRAWN,
    EnrolmentStatus.COMPLETED,
    EnrolmentStatus.OUTFLOW,
]


def refusal(message: str, **values) -> str:
    """A refusal as the user reads it, as a pattern: the active language's catalogue may translate it."""
    text = gettext(message)
    return re.escape(text % values if values else text)


def proposed_with_places(places: int = 1, **fields) -> Placement:
    """A proposed placement whose employer offered `places` to the enrolment's cohort."""
    placement = PlacementFactory(status=P.PROPOSED, **fields)
    SeatOfferFactory(employer=placement.employer, cohort=placement.enrolment.cohort, places=places)
    return placement


def test_the_placement_lifecycle_allows_exactly_the_agreed_transitions():
    table = {(source, target) for source, targets in PLACEMENT_LIFECYCLE.transitions.items() for target in targets}

    assert table == ALLOWED_TRANSITIONS


def test_placement_propose_writes_the_placement_and_its_first_history_row(adviser, employer):
    enrolment = EnrolmentFactory(status=EnrolmentStatus.SELECTED)
    SeatOfferFactory(employer=employer, cohort=enrolment.cohort, places=1)

    placement = placement_propose(
        enrolment=enrolment, employer=employer, by_user=adviser, motivation="Past goed bij de peuters", days_per_week=2
    )

    placement.refresh_from_db()
    assert (placement.status, placement.proposed_by, placement.days_per_week) == (P.PROPOSED, adviser, 2)
    transition = placement.transitions.get()
    assert (transition.from_status, transition.to_status) == ("", P.PROPOSED)
    assert transition.by_user == adviser
    assert transition.reason == "Past goed bij de peuters"


def test_placement_propose_refuses_a_candidate_without_consent(adviser, employer):
    enrolment = EnrolmentFactory(
        status=EnrolmentStatus.SELECTED, candidate__consent_given_at=None, candidate__consent_purpose=""
    )

    with pytest.raises(TransitionNotAllowed):
        placement_propose(enrolment=enrolment, employer=employer, by_user=adviser)

    assert not Placement.objects.exists()


@pytest.mark.parametrize("status", NOT_PROPOSABLE)
def test_placement_propose_refuses_an_enrolment_that_is_not_selected_or_started(adviser, employer, status):
    enrolment = EnrolmentFactory(status=status)

    with pytest.raises(TransitionNotAllowed):
        placement_propose(enrolment=enrolment, employer=employer, by_user=adviser)

    assert not Placement.objects.exists()


@pytest.mark.parametrize("status", PROPOSABLE)
def test_placement_propose_accepts_a_selected_or_started_enrolment(adviser, employer, status):
    enrolment = EnrolmentFactory(status=status)
    SeatOfferFactory(employer=employer, cohort=enrolment.cohort, places=1)

    placement_propose(enrolment=enrolment, employer=employer, by_user=adviser)

    assert Placement.objects.filter(enrolment=enrolment, employer=employer, status=P.PROPOSED).exists()


@pytest.mark.parametrize("open_status", [P.PROPOSED, P.CONFIRMED, P.ACTIVE])
def test_placement_propose_refuses_a_second_open_placement_at_the_same_employer(adviser, open_status):
    existing = PlacementFactory(status=open_status)

    with pytest.raises(TransitionNotAllowed):
        placement_propose(enrolment=existing.enrolment, employer=existing.employer, by_user=adviser)

    assert Placement.objects.filter(enrolment=existing.enrolment).count() == 1


@pytest.mark.parametrize("closed_status", [P.DECLINED, P.WITHDRAWN, P.ENDED])
def test_placement_propose_accepts_a_new_proposal_after_a_closed_one(adviser, closed_status):
    existing = PlacementFactory(status=closed_status)
    # One place: the closed placement gave its place back.
    SeatOfferFactory(employer=existing.employer, cohort=existing.enrolment.cohort, places=1)

    placement_propose(enrolment=existing.enrolment, employer=existing.employer, by_user=adviser)

    assert Placement.objects.filter(enrolment=existing.enrolment, status=P.PROPOSED).count() == 1


def test_placement_propose_accepts_a_proposal_to_a_second_employer(adviser):
    existing = PlacementFactory(status=P.PROPOSED)
    second = SeatOfferFactory(cohort=existing.enrolment.cohort, places=1).employer

    placement_propose(enrolment=existing.enrolment, employer=second, by_user=adviser)

    assert Placement.objects.filter(enrolment=existing.enrolment, status=P.PROPOSED).count() == 2


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED_TRANSITIONS))
def test_an_allowed_placement_transition_changes_the_status_and_writes_history(employer_contact, source, target):
    # The candidate follows the track: an internship starts only then.
    placement = PlacementFactory(status=source, enrolment__status=EnrolmentStatus.STARTED)
    SeatOfferFactory(employer=placement.employer, cohort=placement.enrolment.cohort, places=2)

    result = placement_transition(
        placement=placement, to_status=target, by_user=employer_contact, reason="Afgestemd met de werkbegeleider"
    )

    placement.refresh_from_db()
    assert result.status == placement.status == target
    transition = placement.transitions.get()
    assert (transition.from_status, transition.to_status) == (source, target)
    assert transition.by_user == employer_contact
    assert transition.reason == "Afgestemd met de werkbegeleider"
    assert transition.at == placement.status_changed_at


@pytest.mark.parametrize(("source", "target"), REFUSED_TRANSITIONS)
def test_a_refused_placement_transition_leaves_status_and_history_unchanged(employer_contact, source, target):
    placement = PlacementFactory(status=source)
    SeatOfferFactory(employer=placement.employer, cohort=placement.enrolment.cohort, places=2)

    with pytest.raises(TransitionNotAllowed) as refusal:
        placement_transition(placement=placement, to_status=target, by_user=employer_contact, reason="Reden")

    assert str(P(source).label) in str(refusal.value)
    assert str(P(target).label) in str(refusal.value)
    placement.refresh_from_db()
    assert placement.status == source
    assert not placement.transitions.exists()


@pytest.mark.parametrize(("source", "target"), [(P.PROPOSED, P.DECLINED), (P.CONFIRMED, P.ENDED), (P.ACTIVE, P.ENDED)])
@pytest.mark.parametrize("reason", ["", "  "])
def test_declining_or_ending_a_placement_needs_a_reason(employer_contact, source, target, reason):
    placement = PlacementFactory(status=source)

    with pytest.raises(TransitionNotAllowed):
        placement_transition(placement=placement, to_status=target, by_user=employer_contact, reason=reason)

    placement.refresh_from_db()
    assert placement.status == source
    assert not placement.transitions.exists()


def test_confirming_needs_no_reason(employer_contact):
    placement = proposed_with_places(1)

    placement_transition(placement=placement, to_status=P.CONFIRMED, by_user=employer_contact)

    placement.refresh_from_db()
    assert placement.status == P.CONFIRMED


@pytest.mark.parametrize("taking_status", [P.PROPOSED, P.CONFIRMED, P.ACTIVE])
def test_confirming_is_refused_when_all_offered_places_are_taken(employer_contact, taking_status):
    # Put straight in the database: the services no longer let two open placements share one place.
    placement = proposed_with_places(1)
    PlacementFactory(employer=placement.employer, enrolment__cohort=placement.enrolment.cohort, status=taking_status)

    with pytest.raises(
        TransitionNotAllowed,
        # A message with a plural: the catalogue translates it only as the pair.
        match=re.escape(
            ngettext(
                "The place you offered for this cohort is already taken by another intern or proposal, so you cannot "
                "confirm this proposal. Offer one more place for this cohort under “Internship places”, or decline "
                "this proposal.",
                "All %(offered)s places you offered for this cohort are already taken by other interns and "
                "proposals, so you cannot confirm this proposal. Offer one more place for this cohort under "
                "“Internship places”, or decline this proposal.",
                1,
            )
        ),
    ):
        placement_transition(placement=placement, to_status=P.CONFIRMED, by_user=employer_contact)

    placement.refresh_from_db()
    assert placement.status == P.PROPOSED
    assert not placement.transitions.exists()


@pytest.mark.parametrize("other_status", [P.DECLINED, P.WITHDRAWN, P.ENDED])
def test_placements_that_hold_no_place_leave_the_offer_open(employer_contact, other_status):
    placement = proposed_with_places(1)
    PlacementFactory(employer=placement.employer, enrolment__cohort=placement.enrolment.cohort, status=other_status)

    placement_transition(placement=placement, to_status=P.CONFIRMED, by_user=employer_contact)

    placement.refresh_from_db()
    assert placement.status == P.CONFIRMED


def test_confirming_is_refused_when_the_employer_offered_no_places(employer_contact):
    placement = PlacementFactory(status=P.PROPOSED)

    with pytest.raises(TransitionNotAllowed):
        placement_transition(placement=placement, to_status=P.CONFIRMED, by_user=employer_contact)


def test_seat_offers_of_another_cohort_do_not_count(employer_contact):
    placement = PlacementFactory(status=P.PROPOSED)
    SeatOfferFactory(
        employer=placement.employer, cohort=CohortFactory(pilot=placement.enrolment.cohort.pilot), places=5
    )

    with pytest.raises(TransitionNotAllowed):
        placement_transition(placement=placement, to_status=P.CONFIRMED, by_user=employer_contact)

    placement.refresh_from_db()
    assert placement.status == P.PROPOSED


def test_seat_offers_of_another_employer_do_not_count(employer_contact):
    placement = PlacementFactory(status=P.PROPOSED)
    SeatOfferFactory(employer=EmployerFactory(), cohort=placement.enrolment.cohort, places=5)

    with pytest.raises(TransitionNotAllowed):
        placement_transition(placement=placement, to_status=P.CONFIRMED, by_user=employer_contact)


def test_confirmed_placements_in_another_cohort_take_no_place_of_this_one(employer_contact):
    placement = proposed_with_places(1)
    PlacementFactory(employer=placement.employer, status=P.CONFIRMED)

    placement_transition(placement=placement, to_status=P.CONFIRMED, by_user=employer_contact)

    placement.refresh_from_db()
    assert placement.status == P.CONFIRMED


def test_places_offered_adds_up_the_offers_of_every_location(employer):
    cohort = CohortFactory()
    for location in EmployerLocationFactory.create_batch(2, employer=employer):
        SeatOfferFactory(employer=employer, cohort=cohort, location=location, places=2)
    SeatOfferFactory(employer=employer, places=7)

    assert places_offered(employer=employer, cohort_id=cohort.pk) == 4
    assert places_offered(employer=employer, cohort_id=CohortFactory().pk) == 0


def test_places_confirmed_counts_confirmed_and_active_placements_of_the_cohort(employer):
    cohort = CohortFactory()
    for status in P:
        PlacementFactory(employer=employer, enrolment__cohort=cohort, status=status)
    PlacementFactory(employer=employer, status=P.CONFIRMED)

    assert places_confirmed(employer=employer, cohort_id=cohort.pk) == 2


def test_the_places_of_every_location_can_be_proposed_and_confirmed_and_no_more(adviser, employer, employer_contact):
    cohort = CohortFactory()
    for location in EmployerLocationFactory.create_batch(2, employer=employer):
        SeatOfferFactory(employer=employer, cohort=cohort, location=location, places=1)
    enrolments = EnrolmentFactory.create_batch(3, cohort=cohort, status=EnrolmentStatus.SELECTED)

    first, second = (
        placement_propose(enrolment=enrolment, employer=employer, by_user=adviser) for enrolment in enrolments[:2]
    )
    with pytest.raises(
        TransitionNotAllowed,
        match=refusal(
            "%(employer)s has no free place for this cohort: its %(offered)s places are taken by proposals and "
            "placements. Ask the host for another place, or choose another host.",
            employer=employer,
            offered=2,
        ),
    ):
        placement_propose(enrolment=enrolments[2], employer=employer, by_user=adviser)
    placement_transition(placement=first, to_status=P.CONFIRMED, by_user=employer_contact)
    placement_transition(placement=second, to_status=P.CONFIRMED, by_user=employer_contact)

    assert places_confirmed(employer=employer, cohort_id=cohort.pk) == 2
    assert not enrolments[2].placements.exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_proposal_and_a_lowered_offer_at_once_take_the_last_place_only_once(adviser, employer, employer_contact):
    """A proposal takes a place now, so the race for the last place is between proposing and lowering the offer;
    both take the lock on the host's seat offers and are served one after the other."""
    require_postgres()
    cohort = CohortFactory()
    seat_offer_set(employer=employer, cohort=cohort, places=2, by_user=employer_contact)
    first, second = EnrolmentFactory.create_batch(2, cohort=cohort, status=EnrolmentStatus.SELECTED)
    placement_propose(enrolment=first, employer=employer, by_user=adviser, notify=False)

    def act(action: str):
        if action == "propose":
            return placement_propose(enrolment=second, employer=employer, by_user=adviser, notify=False)
        return seat_offer_set(employer=employer, cohort=cohort, places=1, by_user=employer_contact)

    results = run_at_once(act, "propose", "lower")

    served = [result for result in results if not isinstance(result, Exception)]
    refused = [result for result in results if isinstance(result, TransitionNotAllowed)]
    assert (len(served), len(refused)) == (1, 1), results
    taken = Placement.objects.filter(employer=employer, status=P.PROPOSED).count()
    assert taken <= places_offered(employer=employer, cohort_id=cohort.pk)
    assert PlacementTransition.objects.filter(placement__employer=employer, to_status=P.PROPOSED).count() == taken


# --- Extended placement validation ----------------------------------------------------------------------------


def test_placement_propose_refuses_a_location_of_another_employer(adviser, employer):
    enrolment = EnrolmentFactory(status=EnrolmentStatus.SELECTED)

    with pytest.raises(TransitionNotAllowed, match=refusal("Choose a location of this employer.")):
        placement_propose(enrolment=enrolment, employer=employer, by_user=adviser, location=EmployerLocationFactory())

    assert not Placement.objects.exists()


def test_placement_propose_accepts_a_location_of_the_employer(adviser, employer):
    enrolment = EnrolmentFactory(status=EnrolmentStatus.SELECTED)
    location = EmployerLocationFactory(employer=employer)
    SeatOfferFactory(employer=employer, cohort=enrolment.cohort, location=location, places=1)

    placement = placement_propose(enrolment=enrolment, employer=employer, by_user=adviser, location=location)

    assert placement.location == location


def test_placement_propose_refuses_an_end_before_the_start(adviser, employer):
    enrolment = EnrolmentFactory(status=EnrolmentStatus.SELECTED)

    with pytest.raises(TransitionNotAllowed, match=refusal("The end date cannot be before the start date.")):
        placement_propose(
            enrolment=enrolment,
            employer=employer,
            by_user=adviser,
            start_date=datetime.date(2026, 9, 7),
            end_date=datetime.date(2026, 9, 4),
        )

    assert not Placement.objects.exists()


def test_placement_propose_accepts_a_placement_of_one_day(adviser, employer):
    enrolment = EnrolmentFactory(status=EnrolmentStatus.SELECTED)
    SeatOfferFactory(employer=employer, cohort=enrolment.cohort, places=1)
    day = datetime.date(2026, 9, 7)

    placement = placement_propose(enrolment=enrolment, employer=employer, by_user=adviser, start_date=day, end_date=day)

    assert (placement.start_date, placement.end_date) == (day, day)


# --- Confirm, decline, start, end -------------------------------------------------------------------------------


def test_placement_confirm_takes_a_place_and_records_the_answer(employer, employer_contact):
    placement = proposed_with_places(1, employer=employer)

    placement_confirm(placement=placement, by_user=employer_contact)

    placement.refresh_from_db()
    assert placement.status == P.CONFIRMED
    assert (placement.answered_by, placement.decline_reason) == (employer_contact, "")
    assert placement.answered_at == placement.status_changed_at
    assert places_confirmed(employer=placement.employer, cohort_id=placement.enrolment.cohort_id) == 1


def test_placement_confirm_refuses_a_contact_of_another_employer(employer_contact):
    placement = proposed_with_places(1)

    with pytest.raises(TransitionNotAllowed, match=refusal("You can only act for your own organisation.")):
        placement_confirm(placement=placement, by_user=employer_contact)

    placement.refresh_from_db()
    assert placement.status == P.PROPOSED


@pytest.mark.parametrize("step", ["start", "end"])
def test_a_contact_of_another_employer_cannot_start_or_end_a_placement(employer_contact, step):
    placement = proposed_with_places(1)
    placement_confirm(placement=placement, by_user=UserFactory(role=Role.ADVISER))

    with pytest.raises(TransitionNotAllowed, match=refusal("You can only act for your own organisation.")):
        if step == "start":
            placement_start(placement=placement, by_user=employer_contact)
        else:
            placement_end(placement=placement, by_user=employer_contact, reason=EndReason.NOT_A_FIT)

    placement.refresh_from_db()
    assert placement.status == P.CONFIRMED


def test_an_adviser_may_record_a_confirmation_given_by_phone(adviser):
    placement = proposed_with_places(1)

    placement_confirm(placement=placement, by_user=adviser)

    placement.refresh_from_db()
    assert (placement.status, placement.answered_by) == (P.CONFIRMED, adviser)


def test_placement_decline_stores_the_reason_the_note_and_who_answered(employer, employer_contact):
    placement = PlacementFactory(employer=employer)

    placement_decline(
        placement=placement, by_user=employer_contact, reason=DeclineReason.NO_SUPERVISOR, note="Begeleider ziek"
    )

    placement.refresh_from_db()
    assert (placement.status, placement.decline_reason, placement.answer_note) == (
        P.DECLINED,
        DeclineReason.NO_SUPERVISOR,
        "Begeleider ziek",
    )
    assert placement.answered_by == employer_contact
    assert placement.answered_at is not None
    assert placement.transitions.get().reason == "Begeleider ziek"


def test_placement_decline_without_a_note_keeps_the_reason_label_in_the_history(employer, employer_contact):
    placement = PlacementFactory(employer=employer)

    placement_decline(placement=placement, by_user=employer_contact, reason=DeclineReason.DISTANCE)

    placement.refresh_from_db()
    assert (placement.decline_reason, placement.answer_note) == (DeclineReason.DISTANCE, "")
    assert placement.transitions.get().reason == str(DeclineReason.DISTANCE.label)


@pytest.mark.parametrize(("reason", "note"), [("", "Geen plek"), ("too_busy", "Druk"), (DeclineReason.OTHER, " ")])
def test_placement_decline_refuses_a_missing_unknown_or_unexplained_reason(employer, employer_contact, reason, note):
    placement = PlacementFactory(employer=employer)

    with pytest.raises(TransitionNotAllowed):
        placement_decline(placement=placement, by_user=employer_contact, reason=reason, note=note)

    placement.refresh_from_db()
    assert (placement.status, placement.decline_reason, placement.answered_at) == (P.PROPOSED, "", None)


def test_placement_decline_accepts_other_with_a_note(employer, employer_contact):
    placement = PlacementFactory(employer=employer)

    placement_decline(placement=placement, by_user=employer_contact, reason=DeclineReason.OTHER, note="Verbouwing")

    placement.refresh_from_db()
    assert (placement.status, placement.decline_reason) == (P.DECLINED, DeclineReason.OTHER)


def test_placement_decline_refuses_a_contact_of_another_employer(employer_contact):
    placement = PlacementFactory()

    with pytest.raises(TransitionNotAllowed):
        placement_decline(placement=placement, by_user=employer_contact, reason=DeclineReason.NO_FIT)

    placement.refresh_from_db()
    assert placement.status == P.PROPOSED


def test_a_text_reason_alone_declines_as_other(employer_contact):
    placement = PlacementFactory()

    placement_transition(placement=placement, to_status=P.DECLINED, by_user=employer_contact, reason="Geen klik")

    placement.refresh_from_db()
    assert (placement.decline_reason, placement.answer_note) == (DeclineReason.OTHER, "Geen klik")


def test_placement_start_makes_a_confirmed_placement_active(adviser):
    placement = PlacementFactory(status=P.CONFIRMED, enrolment__status=EnrolmentStatus.STARTED)

    placement_start(placement=placement, by_user=adviser)

    placement.refresh_from_db()
    assert placement.status == P.ACTIVE
    assert placement.transitions.get().from_status == P.CONFIRMED


def test_placement_start_refuses_a_proposal_nobody_answered(adviser):
    placement = PlacementFactory(status=P.PROPOSED)

    with pytest.raises(TransitionNotAllowed):
        placement_start(placement=placement, by_user=adviser)


@pytest.mark.parametrize("source", [P.CONFIRMED, P.ACTIVE])
def test_placement_end_records_the_reason_and_the_day(adviser, source):
    placement = PlacementFactory(status=source)

    placement_end(
        placement=placement,
        by_user=adviser,
        reason=EndReason.NOT_A_FIT,
        note="Werk bleek te zwaar",
        on_date=datetime.date(2026, 10, 14),
    )

    placement.refresh_from_db()
    assert (placement.status, placement.end_reason, placement.ended_on) == (
        P.ENDED,
        EndReason.NOT_A_FIT,
        datetime.date(2026, 10, 14),
    )
    assert placement.transitions.get().reason == "Werk bleek te zwaar"


def test_placement_end_is_dated_today_without_a_day(adviser):
    placement = PlacementFactory(status=P.ACTIVE)

    placement_end(placement=placement, by_user=adviser, reason=EndReason.HEALTH)

    placement.refresh_from_db()
    assert placement.ended_on == timezone.localdate()


@pytest.mark.parametrize(("reason", "note"), [("", ""), ("bored", "x"), (EndReason.OTHER, "")])
def test_placement_end_refuses_a_missing_unknown_or_unexplained_reason(adviser, reason, note):
    placement = PlacementFactory(status=P.ACTIVE)

    with pytest.raises(TransitionNotAllowed):
        placement_end(placement=placement, by_user=adviser, reason=reason, note=note)

    placement.refresh_from_db()
    assert (placement.status, placement.end_reason, placement.ended_on) == (P.ACTIVE, "", None)


def test_placement_end_refuses_a_proposal(adviser):
    placement = PlacementFactory(status=P.PROPOSED)

    with pytest.raises(TransitionNotAllowed):
        placement_end(placement=placement, by_user=adviser, reason=EndReason.NOT_A_FIT)


def test_after_an_early_end_the_candidate_can_be_proposed_elsewhere(adviser, employer):
    enrolment = EnrolmentFactory(status=EnrolmentStatus.STARTED)
    first = proposed_with_places(1, enrolment=enrolment)
    placement_confirm(placement=first, by_user=adviser)
    placement_start(placement=first, by_user=adviser)

    placement_end(placement=first, by_user=adviser, reason=EndReason.EMPLOYER_STOPPED, note="Reorganisatie")
    SeatOfferFactory(employer=employer, cohort=enrolment.cohort, places=1)
    elsewhere = placement_propose(enrolment=enrolment, employer=employer, by_user=adviser)

    assert elsewhere.status == P.PROPOSED
    assert set(enrolment.placements.values_list("status", flat=True)) == {P.ENDED, P.PROPOSED}
    # The place at the first employer is free again.
    assert places_confirmed(employer=first.employer, cohort_id=enrolment.cohort_id) == 0


# --- Seat offers ------------------------------------------------------------------------------------------------


def test_seat_offer_set_creates_an_offer_and_its_first_history_row(adviser, employer):
    cohort = CohortFactory()

    offer = seat_offer_set(employer=employer, cohort=cohort, places=45, by_user=adviser)

    assert (offer.employer, offer.cohort, offer.location, offer.places) == (employer, cohort, None, 45)
    change = offer.changes.get()
    assert (change.from_places, change.to_places, change.by_user) == (0, 45, adviser)


def test_a_seat_offer_grows_during_recruitment_and_keeps_each_step(adviser, employer_contact, employer):
    cohort = CohortFactory()
    seat_offer_set(employer=employer, cohort=cohort, places=45, by_user=adviser)

    seat_offer_set(employer=employer, cohort=cohort, places=50, by_user=employer_contact)
    offer = seat_offer_set(employer=employer, cohort=cohort, places=52, by_user=adviser)

    assert SeatOffer.objects.get(employer=employer, cohort=cohort).places == 52
    assert list(offer.changes.values_list("from_places", "to_places", "by_user")) == [
        (0, 45, adviser.pk),
        (45, 50, employer_contact.pk),
        (50, 52, adviser.pk),
    ]


def test_seat_offer_set_keeps_one_offer_per_location(adviser, employer):
    cohort = CohortFactory()
    north, south = EmployerLocationFactory.create_batch(2, employer=employer)

    seat_offer_set(employer=employer, cohort=cohort, location=north, places=2, by_user=adviser)
    seat_offer_set(employer=employer, cohort=cohort, location=south, places=3, by_user=adviser)
    seat_offer_set(employer=employer, cohort=cohort, location=north, places=4, by_user=adviser)

    assert dict(SeatOffer.objects.filter(cohort=cohort).values_list("location", "places")) == {north.pk: 4, south.pk: 3}
    assert places_offered(employer=employer, cohort_id=cohort.pk) == 7


def test_seat_offer_set_with_the_same_number_writes_no_history(adviser, employer):
    cohort = CohortFactory()
    offer = seat_offer_set(employer=employer, cohort=cohort, places=3, by_user=adviser)

    seat_offer_set(employer=employer, cohort=cohort, places=3, by_user=adviser)

    assert offer.changes.count() == 1


@pytest.mark.parametrize("taking_status", [P.PROPOSED, P.CONFIRMED, P.ACTIVE])
def test_lowering_an_offer_below_the_places_taken_is_refused(adviser, employer, taking_status):
    cohort = CohortFactory()
    offer = seat_offer_set(employer=employer, cohort=cohort, places=3, by_user=adviser)
    PlacementFactory.create_batch(2, employer=employer, enrolment__cohort=cohort, status=taking_status)

    with pytest.raises(
        TransitionNotAllowed,
        match=refusal(
            "%(employer)s already has %(taken)s candidates proposed or placed in this cohort; "
            "the offer cannot go down to %(total)s places.",
            employer=employer,
            taken=2,
            total=1,
        ),
    ):
        seat_offer_set(employer=employer, cohort=cohort, places=1, by_user=adviser)

    offer.refresh_from_db()
    assert offer.places == 3
    assert offer.changes.count() == 1


def test_lowering_an_offer_to_the_places_taken_is_accepted(adviser, employer):
    cohort = CohortFactory()
    seat_offer_set(employer=employer, cohort=cohort, places=3, by_user=adviser)
    PlacementFactory(employer=employer, enrolment__cohort=cohort, status=P.ACTIVE)
    PlacementFactory(employer=employer, enrolment__cohort=cohort, status=P.PROPOSED)
    # Closed placements take no place.
    for closed in (P.DECLINED, P.WITHDRAWN, P.ENDED):
        PlacementFactory(employer=employer, enrolment__cohort=cohort, status=closed)

    offer = seat_offer_set(employer=employer, cohort=cohort, places=2, by_user=adviser)

    assert offer.places == 2
    assert offer.changes.last().to_places == 2


def test_lowering_one_location_is_accepted_while_the_other_locations_cover_the_confirmed(adviser, employer):
    cohort = CohortFactory()
    north, south = EmployerLocationFactory.create_batch(2, employer=employer)
    seat_offer_set(employer=employer, cohort=cohort, location=north, places=2, by_user=adviser)
    seat_offer_set(employer=employer, cohort=cohort, location=south, places=2, by_user=adviser)
    PlacementFactory.create_batch(3, employer=employer, enrolment__cohort=cohort, status=P.CONFIRMED)

    seat_offer_set(employer=employer, cohort=cohort, location=north, places=1, by_user=adviser)
    with pytest.raises(TransitionNotAllowed):
        seat_offer_set(employer=employer, cohort=cohort, location=south, places=1, by_user=adviser)


@pytest.mark.parametrize("places", [0, -1])
def test_seat_offer_set_refuses_fewer_than_one_place(adviser, employer, places):
    with pytest.raises(TransitionNotAllowed):
        seat_offer_set(employer=employer, cohort=CohortFactory(), places=places, by_user=adviser)

    assert not SeatOffer.objects.exists()


def test_seat_offer_set_refuses_a_location_of_another_employer(adviser, employer):
    with pytest.raises(TransitionNotAllowed):
        seat_offer_set(
            employer=employer, cohort=CohortFactory(), location=EmployerLocationFactory(), places=2, by_user=adviser
        )

    assert not SeatOffer.objects.exists()


def test_seat_offer_set_refuses_a_contact_of_another_employer(employer_contact):
    with pytest.raises(TransitionNotAllowed):
        seat_offer_set(employer=EmployerFactory(), cohort=CohortFactory(), places=2, by_user=employer_contact)

    assert not SeatOffer.objects.exists()


# --- Joint vacancies --------------------------------------------------------------------------------------------


def test_vacancy_create_publishes_one_vacancy_for_several_employers(adviser):
    cohort = CohortFactory()
    employers = EmployerFactory.create_batch(3)

    vacancy = vacancy_create(
        cohort=cohort,
        title="Leerling VIG/MZ",
        published_on=datetime.date(2026, 5, 1),
        closes_on=datetime.date(2026, 5, 31),
        employers=employers,
        by_user=adviser,
    )

    assert set(vacancy.employers.all()) == set(employers)
    assert (vacancy.cohort, vacancy.created_by) == (cohort, adviser)


@pytest.mark.parametrize(
    ("employers", "closes_on"), [(0, None), (1, datetime.date(2026, 4, 30))], ids=["no employers", "closes early"]
)
def test_vacancy_create_refuses_no_employers_or_closing_before_publication(adviser, employers, closes_on):
    with pytest.raises(TransitionNotAllowed):
        vacancy_create(
            cohort=CohortFactory(),
            title="Leerling",
            published_on=datetime.date(2026, 5, 1),
            closes_on=closes_on,
            employers=EmployerFactory.create_batch(employers),
            by_user=adviser,
        )

    assert not JointVacancy.objects.exists()


def test_vacancy_apply_registers_the_candidate_in_the_vacancy_cohort(adviser):
    vacancy = JointVacancyFactory()
    candidate = CandidateFactory()

    application = vacancy_apply(vacancy=vacancy, candidate=candidate, by_user=adviser)

    enrolment = application.enrolment
    assert (enrolment.candidate, enrolment.cohort, enrolment.status) == (
        candidate,
        vacancy.cohort,
        EnrolmentStatus.REGISTERED,
    )
    assert enrolment.transitions.get().by_user == adviser
    assert (application.applied_on, application.recorded_by) == (timezone.localdate(), adviser)


def test_vacancy_apply_uses_an_enrolment_the_candidate_already_has(adviser):
    vacancy = JointVacancyFactory()
    enrolment = EnrolmentFactory(cohort=vacancy.cohort, status=EnrolmentStatus.SCREENED)

    application = vacancy_apply(vacancy=vacancy, candidate=enrolment.candidate, by_user=adviser)

    assert application.enrolment == enrolment
    assert Enrolment.objects.filter(candidate=enrolment.candidate).count() == 1


def test_a_candidate_applies_to_a_vacancy_only_once(adviser):
    vacancy = JointVacancyFactory()
    candidate = CandidateFactory()
    vacancy_apply(vacancy=vacancy, candidate=candidate, by_user=adviser)

    with pytest.raises(TransitionNotAllowed, match=refusal("This candidate already applied to this vacancy.")):
        vacancy_apply(vacancy=vacancy, candidate=candidate, by_user=adviser)

    assert VacancyApplication.objects.count() == 1
    assert Enrolment.objects.filter(candidate=candidate).count() == 1


def test_a_candidate_may_apply_to_two_vacancies_of_one_cohort(adviser):
    first = JointVacancyFactory()
    second = JointVacancyFactory(cohort=first.cohort)
    candidate = CandidateFactory()

    vacancy_apply(vacancy=first, candidate=candidate, by_user=adviser)
    vacancy_apply(vacancy=second, candidate=candidate, by_user=adviser)

    assert VacancyApplication.objects.filter(enrolment__candidate=candidate).count() == 2


def test_vacancy_apply_refuses_an_application_after_the_closing_date(adviser):
    vacancy = JointVacancyFactory(closes_on=datetime.date(2026, 5, 31))

    with pytest.raises(
        TransitionNotAllowed,
        match=refusal("This vacancy closed on %(date)s.", date=date_format(vacancy.closes_on, "DATE_FORMAT")),
    ):
        vacancy_apply(
            vacancy=vacancy, candidate=CandidateFactory(), by_user=adviser, applied_on=datetime.date(2026, 6, 1)
        )
    vacancy_apply(vacancy=vacancy, candidate=CandidateFactory(), by_user=adviser, applied_on=datetime.date(2026, 5, 31))

    assert VacancyApplication.objects.count() == 1
    assert Enrolment.objects.count() == 1


@pytest.fixture
def pool(db):
    """The leerlingpoule: one vacancy, two employers with 2 and 1 places, four selected applicants."""
    vacancy = JointVacancyFactory()
    big, small = EmployerFactory.create_batch(2)
    vacancy.employers.set([big, small])
    SeatOfferFactory(employer=big, cohort=vacancy.cohort, places=2)
    SeatOfferFactory(employer=small, cohort=vacancy.cohort, places=1)
    applicants = [VacancyApplicationFactory(vacancy=vacancy).enrolment for _ in range(4)]
    return SimpleNamespace(vacancy=vacancy, big=big, small=small, applicants=applicants)


def test_vacancy_distribute_proposes_each_applicant_to_the_assigned_employer(adviser, pool):
    a, b, c, _d = pool.applicants

    placements = vacancy_distribute(
        vacancy=pool.vacancy,
        assignments=[(a, pool.big), (b, pool.big), (c, pool.small)],
        by_user=adviser,
        days_per_week=4,
        start_date=datetime.date(2026, 6, 5),
    )

    assert [(p.enrolment, p.employer, p.status) for p in placements] == [
        (a, pool.big, P.PROPOSED),
        (b, pool.big, P.PROPOSED),
        (c, pool.small, P.PROPOSED),
    ]
    assert {(p.days_per_week, p.start_date, p.proposed_by) for p in placements} == {
        (4, datetime.date(2026, 6, 5), adviser)
    }


def test_vacancy_distribute_refuses_more_candidates_than_places_and_saves_nothing(
    adviser, pool, mailoutbox, django_capture_on_commit_callbacks
):
    a, b, c, d = pool.applicants

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(
            TransitionNotAllowed,
            match=refusal(
                "%(employer)s offered %(offered)s places and already has %(taken)s candidates proposed or placed; "
                "%(new)s more do not fit. Ask the host for more places, or choose another host.",
                employer=pool.big,
                offered=2,
                taken=0,
                new=3,
            ),
        ),
    ):
        vacancy_distribute(
            vacancy=pool.vacancy,
            assignments=[(a, pool.small), (b, pool.big), (c, pool.big), (d, pool.big)],
            by_user=adviser,
        )

    assert not Placement.objects.exists()
    assert mailoutbox == []


def test_vacancy_distribute_counts_the_open_proposals_already_made(adviser, pool):
    a, b, _c, _d = pool.applicants
    PlacementFactory(employer=pool.small, enrolment__cohort=pool.vacancy.cohort, status=P.PROPOSED)

    with pytest.raises(
        TransitionNotAllowed,
        match=refusal(
            "%(employer)s has no free place for this cohort: its %(offered)s places are taken by proposals and "
            "placements. Ask the host for another place, or choose another host.",
            employer=pool.small,
            offered=1,
        ),
    ):
        vacancy_distribute(vacancy=pool.vacancy, assignments=[(a, pool.small)], by_user=adviser)

    vacancy_distribute(vacancy=pool.vacancy, assignments=[(a, pool.big), (b, pool.big)], by_user=adviser)
    assert Placement.objects.filter(employer=pool.big).count() == 2


def test_vacancy_distribute_refuses_an_employer_outside_the_vacancy(adviser, pool):
    outsider = EmployerFactory()
    SeatOfferFactory(employer=outsider, cohort=pool.vacancy.cohort, places=5)
    a, b, _c, _d = pool.applicants

    with pytest.raises(
        TransitionNotAllowed, match=refusal("%(employer)s does not take part in this vacancy.", employer=outsider)
    ):
        vacancy_distribute(vacancy=pool.vacancy, assignments=[(a, pool.big), (b, outsider)], by_user=adviser)

    assert not Placement.objects.exists()


def test_vacancy_distribute_refuses_a_candidate_who_did_not_apply(adviser, pool):
    stranger = EnrolmentFactory(cohort=pool.vacancy.cohort, status=EnrolmentStatus.SELECTED)

    with pytest.raises(
        TransitionNotAllowed,
        match=refusal("%(candidate)s did not apply to this vacancy.", candidate=stranger.candidate),
    ):
        vacancy_distribute(vacancy=pool.vacancy, assignments=[(stranger, pool.big)], by_user=adviser)

    assert not Placement.objects.exists()


def test_vacancy_distribute_is_all_or_nothing_when_one_proposal_is_refused(adviser, pool):
    a, b, _c, _d = pool.applicants
    b.candidate.consent_given_at = None
    b.candidate.consent_purpose = ""
    b.candidate.save()

    with pytest.raises(
        TransitionNotAllowed, match=refusal("Record the candidate's consent before proposing a placement.")
    ):
        vacancy_distribute(vacancy=pool.vacancy, assignments=[(a, pool.big), (b, pool.big)], by_user=adviser)

    assert not Placement.objects.exists()


# --- Contract offers --------------------------------------------------------------------------------------------


def offer_terms(**overrides) -> dict:
    return {
        "kind": ContractType.GROUP_HELPER,
        "hours_per_week": 24,
        "start_date": datetime.date(2027, 1, 4),
        "contract_type": ContractTerm.FIXED_TERM,
        "duration_months": 12,
        **overrides,
    }


@pytest.mark.parametrize("status", sorted(EVER_CONFIRMED))
def test_an_employer_that_has_or_had_the_candidate_records_an_offer(employer, employer_contact, status):
    placement = PlacementFactory(employer=employer, status=status)

    offer = contract_offer_record(
        enrolment=placement.enrolment, employer=employer, by_user=employer_contact, note="Na de zomer", **offer_terms()
    )

    offer.refresh_from_db()
    assert (offer.placement, offer.status, offer.recorded_by, offer.note) == (
        placement,
        ContractOfferStatus.OFFERED,
        employer_contact,
        "Na de zomer",
    )


@pytest.mark.parametrize("status", [P.PROPOSED, P.DECLINED, P.WITHDRAWN])
def test_an_employer_that_never_had_the_candidate_cannot_record_an_offer(employer, employer_contact, status):
    placement = PlacementFactory(employer=employer, status=status)
    PlacementFactory(enrolment=placement.enrolment, status=P.ACTIVE)  # at another employer

    with pytest.raises(
        TransitionNotAllowed,
        match=refusal("An employer can only offer a contract to a candidate who has or had a placement there."),
    ):
        contract_offer_record(
            enrolment=placement.enrolment, employer=employer, by_user=employer_contact, **offer_terms()
        )

    assert not ContractOffer.objects.exists()


def test_an_offer_names_a_placement_of_this_candidate_at_this_employer(adviser, employer):
    placement = PlacementFactory(employer=employer, status=P.ACTIVE)
    foreign = PlacementFactory(employer=employer, status=P.ACTIVE)

    with pytest.raises(TransitionNotAllowed):
        contract_offer_record(
            enrolment=placement.enrolment, employer=employer, by_user=adviser, placement=foreign, **offer_terms()
        )

    offer = contract_offer_record(
        enrolment=placement.enrolment, employer=employer, by_user=adviser, placement=placement, **offer_terms()
    )
    assert offer.placement == placement


@pytest.mark.parametrize(
    "terms",
    [
        {"contract_type": ContractTerm.FIXED_TERM, "duration_months": None},
        {"hours_per_week": 0},
        {"hours_per_week": 41},
        {"kind": "internship"},
        {"contract_type": "seasonal"},
    ],
    ids=["fixed term without duration", "no hours", "41 hours", "unknown kind", "unknown type"],
)
def test_contract_offer_record_refuses_terms_that_do_not_add_up(adviser, employer, terms):
    placement = PlacementFactory(employer=employer, status=P.ACTIVE)

    with pytest.raises(TransitionNotAllowed):
        contract_offer_record(enrolment=placement.enrolment, employer=employer, by_user=adviser, **offer_terms(**terms))

    assert not ContractOffer.objects.exists()


def test_a_permanent_contract_needs_no_duration(adviser, employer):
    placement = PlacementFactory(employer=employer, status=P.ACTIVE)

    offer = contract_offer_record(
        enrolment=placement.enrolment,
        employer=employer,
        by_user=adviser,
        **offer_terms(contract_type=ContractTerm.PERMANENT, duration_months=None, hours_per_week=40),
    )

    assert (offer.contract_type, offer.duration_months, offer.hours_per_week) == (ContractTerm.PERMANENT, None, 40)


def test_contract_offer_record_refuses_a_contact_of_another_employer(employer_contact):
    placement = PlacementFactory(status=P.ACTIVE)

    with pytest.raises(TransitionNotAllowed):
        contract_offer_record(
            enrolment=placement.enrolment, employer=placement.employer, by_user=employer_contact, **offer_terms()
        )


def offer_for(enrolment_status: str, **fields) -> ContractOffer:
    enrolment = EnrolmentFactory(status=enrolment_status)
    placement = PlacementFactory(enrolment=enrolment, status=P.ENDED)
    return ContractOfferFactory(placement=placement, **fields)


@pytest.mark.parametrize("enrolment_status", [EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED_OUT])
def test_accepting_an_offer_after_the_track_makes_it_the_outcome(adviser, enrolment_status):
    extra = {"dropout_reason": "found_work"} if enrolment_status == EnrolmentStatus.DROPPED_OUT else {}
    enrolment = EnrolmentFactory(status=enrolment_status, ended_on=datetime.date(2026, 12, 15), **extra)
    offer = ContractOfferFactory(placement=PlacementFactory(enrolment=enrolment, status=P.ENDED), hours_per_week=28)

    contract_offer_answer(offer=offer, accepted=True, by_user=adviser)

    offer.refresh_from_db()
    assert (offer.status, offer.answered_by) == (ContractOfferStatus.ACCEPTED, adviser)
    outcome = Outcome.objects.get(enrolment=enrolment)
    assert (outcome.kind, outcome.employer, outcome.contract_type) == (
        OutcomeKind.CONTRACT_AT_HOST,
        offer.employer,
        ContractType.GROUP_HELPER,
    )
    assert (outcome.hours_per_week, outcome.start_date, outcome.recorded_by) == (28, offer.start_date, adviser)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.OUTFLOW


def test_an_accepted_bbl_contract_at_the_host_is_a_contract_at_the_host(adviser):
    offer = offer_for(EnrolmentStatus.COMPLETED, kind=ContractType.BBL)

    contract_offer_answer(offer=offer, accepted=True, by_user=adviser)

    outcome = Outcome.objects.get(enrolment=offer.enrolment)
    assert (outcome.kind, outcome.contract_type) == (OutcomeKind.CONTRACT_AT_HOST, ContractType.BBL)
    # Counted as outflow to work, not to education.
    assert outcome.is_positive
    assert outcome.kind in OUTFLOW_TO_WORK


def test_accepting_an_offer_during_the_track_waits_for_its_end(adviser):
    offer = offer_for(EnrolmentStatus.STARTED)

    contract_offer_answer(offer=offer, accepted=True, by_user=adviser)

    assert not Outcome.objects.exists()
    enrolment = offer.enrolment
    assert apply_accepted_offer(enrolment=enrolment, by_user=adviser) is None

    # Completing the track makes the accepted offer the outcome, without a separate call.
    enrolment_transition(enrolment=enrolment, to_status=EnrolmentStatus.COMPLETED, by_user=adviser)
    outcome = Outcome.objects.get(enrolment=enrolment)

    assert (outcome.kind, outcome.employer) == (OutcomeKind.CONTRACT_AT_HOST, offer.employer)
    assert sorted(outcome.followups.values_list("months", flat=True)) == [3, 6, 12]
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.OUTFLOW


def test_applying_the_accepted_offer_twice_keeps_one_outcome(adviser):
    offer = offer_for(EnrolmentStatus.COMPLETED)
    contract_offer_answer(offer=offer, accepted=True, by_user=adviser)

    apply_accepted_offer(enrolment=offer.enrolment, by_user=adviser)

    assert Outcome.objects.filter(enrolment=offer.enrolment).count() == 1


def test_apply_accepted_offer_without_an_accepted_offer_records_nothing(adviser):
    offer = offer_for(EnrolmentStatus.COMPLETED)

    assert apply_accepted_offer(enrolment=offer.enrolment, by_user=adviser) is None
    assert not Outcome.objects.exists()


def test_a_declined_offer_is_no_outcome(adviser):
    offer = offer_for(EnrolmentStatus.COMPLETED)

    contract_offer_answer(offer=offer, accepted=False, by_user=adviser)

    offer.refresh_from_db()
    assert offer.status == ContractOfferStatus.DECLINED
    assert offer.answered_at is not None
    assert not Outcome.objects.exists()


def test_an_offer_is_answered_only_once(adviser):
    offer = offer_for(EnrolmentStatus.STARTED)
    contract_offer_answer(offer=offer, accepted=False, by_user=adviser)

    with pytest.raises(TransitionNotAllowed):
        contract_offer_answer(offer=offer, accepted=True, by_user=adviser)

    offer.refresh_from_db()
    assert offer.status == ContractOfferStatus.DECLINED


def test_a_candidate_accepts_only_one_offer(adviser):
    first = offer_for(EnrolmentStatus.STARTED)
    second = ContractOfferFactory(
        placement=PlacementFactory(enrolment=first.enrolment, status=P.ENDED), kind=ContractType.REGULAR
    )
    contract_offer_answer(offer=first, accepted=True, by_user=adviser)

    with pytest.raises(TransitionNotAllowed, match=refusal("The candidate already accepted another contract offer.")):
        contract_offer_answer(offer=second, accepted=True, by_user=adviser)

    second.refresh_from_db()
    assert second.status == ContractOfferStatus.OFFERED


def test_an_open_offer_can_be_withdrawn_and_then_not_accepted(employer, employer_contact):
    placement = PlacementFactory(employer=employer, status=P.ACTIVE)
    offer = ContractOfferFactory(placement=placement)

    contract_offer_withdraw(offer=offer, by_user=employer_contact)
    with pytest.raises(TransitionNotAllowed):
        contract_offer_answer(offer=offer, accepted=True, by_user=employer_contact)

    offer.refresh_from_db()
    assert (offer.status, offer.answered_by) == (ContractOfferStatus.WITHDRAWN, employer_contact)
