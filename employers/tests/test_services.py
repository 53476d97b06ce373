import itertools

import pytest

from candidates.models import EnrolmentStatus
from candidates.tests.factories import EnrolmentFactory
from candidates.tests.test_services import run_at_once
from core.statemachine import TransitionNotAllowed
from employers.models import PLACEMENT_LIFECYCLE, Placement, PlacementStatus, PlacementTransition
from employers.services import placement_propose, placement_transition, places_confirmed, places_offered
from employers.tests.factories import EmployerFactory, EmployerLocationFactory, PlacementFactory, SeatOfferFactory
from pilots.tests.factories import CohortFactory
from tests.services import require_postgres

P = PlacementStatus

# A host confirms or declines a proposal; a confirmed placement becomes active and ends.
ALLOWED_TRANSITIONS = {
    (P.PROPOSED, P.CONFIRMED),
    (P.PROPOSED, P.DECLINED),
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
    EnrolmentStatus.COMPLETED,
    EnrolmentStatus.OUTFLOW,
]


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

    placement_propose(enrolment=enrolment, employer=employer, by_user=adviser)

    assert Placement.objects.filter(enrolment=enrolment, employer=employer, status=P.PROPOSED).exists()


@pytest.mark.parametrize("open_status", [P.PROPOSED, P.CONFIRMED, P.ACTIVE])
def test_placement_propose_refuses_a_second_open_placement_at_the_same_employer(adviser, open_status):
    existing = PlacementFactory(status=open_status)

    with pytest.raises(TransitionNotAllowed):
        placement_propose(enrolment=existing.enrolment, employer=existing.employer, by_user=adviser)

    assert Placement.objects.filter(enrolment=existing.enrolment).count() == 1


@pytest.mark.parametrize("closed_status", [P.DECLINED, P.ENDED])
def test_placement_propose_accepts_a_new_proposal_after_a_closed_one(adviser, closed_status):
    existing = PlacementFactory(status=closed_status)

    placement_propose(enrolment=existing.enrolment, employer=existing.employer, by_user=adviser)

    assert Placement.objects.filter(enrolment=existing.enrolment, status=P.PROPOSED).count() == 1


def test_placement_propose_accepts_a_proposal_to_a_second_employer(adviser):
    existing = PlacementFactory(status=P.PROPOSED)

    placement_propose(enrolment=existing.enrolment, employer=EmployerFactory(), by_user=adviser)

    assert Placement.objects.filter(enrolment=existing.enrolment, status=P.PROPOSED).count() == 2


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED_TRANSITIONS))
def test_an_allowed_placement_transition_changes_the_status_and_writes_history(employer_contact, source, target):
    placement = PlacementFactory(status=source)
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


@pytest.mark.parametrize("holding_status", [P.CONFIRMED, P.ACTIVE])
def test_confirming_is_refused_when_all_offered_places_are_taken(employer_contact, holding_status):
    placement = proposed_with_places(1)
    PlacementFactory(employer=placement.employer, enrolment__cohort=placement.enrolment.cohort, status=holding_status)

    with pytest.raises(TransitionNotAllowed):
        placement_transition(placement=placement, to_status=P.CONFIRMED, by_user=employer_contact)

    placement.refresh_from_db()
    assert placement.status == P.PROPOSED
    assert not placement.transitions.exists()


@pytest.mark.parametrize("other_status", [P.PROPOSED, P.DECLINED, P.ENDED])
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


def test_the_places_of_every_location_can_be_confirmed_and_no_more(employer, employer_contact):
    cohort = CohortFactory()
    for location in EmployerLocationFactory.create_batch(2, employer=employer):
        SeatOfferFactory(employer=employer, cohort=cohort, location=location, places=1)
    first, second, third = PlacementFactory.create_batch(3, employer=employer, enrolment__cohort=cohort)

    placement_transition(placement=first, to_status=P.CONFIRMED, by_user=employer_contact)
    placement_transition(placement=second, to_status=P.CONFIRMED, by_user=employer_contact)
    with pytest.raises(TransitionNotAllowed):
        placement_transition(placement=third, to_status=P.CONFIRMED, by_user=employer_contact)

    assert places_confirmed(employer=employer, cohort_id=cohort.pk) == 2


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_contacts_confirming_the_last_place_at_once_fill_it_only_once(employer, employer_contact):
    require_postgres()
    cohort = CohortFactory()
    SeatOfferFactory(employer=employer, cohort=cohort, places=1)
    first, second = PlacementFactory.create_batch(2, employer=employer, enrolment__cohort=cohort)

    results = run_at_once(
        lambda placement: placement_transition(placement=placement, to_status=P.CONFIRMED, by_user=employer_contact),
        first,
        second,
    )

    confirmed = [result for result in results if isinstance(result, Placement)]
    refused = [result for result in results if isinstance(result, TransitionNotAllowed)]
    assert (len(confirmed), len(refused)) == (1, 1), results
    assert Placement.objects.filter(employer=employer, status=P.CONFIRMED).count() == 1
    assert PlacementTransition.objects.filter(placement__employer=employer, to_status=P.CONFIRMED).count() == 1
