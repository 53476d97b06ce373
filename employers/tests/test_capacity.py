"""One capacity rule for proposing, distributing and confirming, and an internship only for a candidate on the track.

States are built through the services (candidates/tests/journeys.py).
"""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from candidates.lifecycle import EnrolmentStatus as S
from candidates.models import DropoutReason
from candidates.progress import enrolment_complete, enrolment_drop_out
from candidates.services import enrolment_start, enrolment_withdraw
from candidates.tests.journeys import walk
from candidates.tests.test_services import run_at_once
from core.roles import Role
from core.statemachine import TransitionNotAllowed
from core.tests.factories import UserFactory
from employers.forms import PlacementProposeForm
from employers.lifecycle import OPEN, PlacementStatus
from employers.models import Placement
from employers.selectors import cohort_places
from employers.services import (
    check_room,
    placement_confirm,
    placement_decline,
    placement_propose,
    placement_start,
    seat_offer_set,
    vacancy_apply,
    vacancy_create,
    vacancy_distribute,
)
from employers.tests.factories import EmployerFactory, SeatOfferFactory
from pilots.tests.factories import CohortFactory
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def cohort(organisation):
    return CohortFactory(
        pilot__lead_organisation=organisation,
        seats=10,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 12, 15),
    )


@pytest.fixture
def host(cohort):
    return SeatOfferFactory(cohort=cohort, places=1, employer__organisation__name="Kinderopvang Zon").employer


def propose(enrolment, employer, by_user):
    return placement_propose(enrolment=enrolment, employer=employer, by_user=by_user, notify=False)


def test_a_proposal_to_a_host_without_a_free_place_is_refused_with_what_to_do(adviser, cohort, host, mailoutbox):
    propose(walk(cohort=cohort, to=S.SELECTED, by_user=adviser), host, adviser)
    second = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)

    with pytest.raises(TransitionNotAllowed, match="no free place") as refusal:
        placement_propose(enrolment=second, employer=host, by_user=adviser)

    assert "Ask the host for another place, or choose another host" in str(refusal.value)
    assert not second.placements.exists()
    assert mailoutbox == []


def test_a_host_that_offered_nothing_gets_no_proposal(adviser, cohort):
    stranger = EmployerFactory()

    with pytest.raises(TransitionNotAllowed, match="no free place"):
        propose(walk(cohort=cohort, to=S.SELECTED, by_user=adviser), stranger, adviser)


def test_a_declined_proposal_gives_its_place_back(adviser, cohort, host):
    first = propose(walk(cohort=cohort, to=S.SELECTED, by_user=adviser), host, adviser)
    placement_decline(placement=first, by_user=adviser, reason="no_fit")

    second = propose(walk(cohort=cohort, to=S.SELECTED, by_user=adviser), host, adviser)

    assert second.status == PlacementStatus.PROPOSED


def test_a_candidate_who_withdraws_gives_the_place_of_their_proposal_back(adviser, cohort, host):
    leaving = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)
    propose(leaving, host, adviser)
    enrolment_withdraw(enrolment=leaving, by_user=adviser, reason="Verhuisd")

    placement = propose(walk(cohort=cohort, to=S.SELECTED, by_user=adviser), host, adviser)

    assert placement.status == PlacementStatus.PROPOSED


def test_distributing_a_joint_vacancy_applies_the_same_rule(adviser, cohort, host):
    other = SeatOfferFactory(cohort=cohort, places=3).employer
    vacancy = vacancy_create(
        cohort=cohort, title="Leerlingpoule", published_on=cohort.start_date, employers=[host, other], by_user=adviser
    )
    applicants = [walk(cohort=cohort, to=S.SELECTED, by_user=adviser) for _ in range(2)]
    for enrolment in applicants:
        vacancy_apply(vacancy=vacancy, candidate=enrolment.candidate, by_user=adviser, applied_on=cohort.start_date)

    with pytest.raises(TransitionNotAllowed, match="2 more do not fit"):
        vacancy_distribute(
            vacancy=vacancy, assignments=[(enrolment, host) for enrolment in applicants], by_user=adviser
        )
    assert not Placement.objects.filter(enrolment__in=applicants).exists()

    placements = vacancy_distribute(
        vacancy=vacancy, assignments=[(applicants[0], host), (applicants[1], other)], by_user=adviser
    )
    assert [placement.employer for placement in placements] == [host, other]


def test_confirming_beyond_a_lowered_offer_is_refused(adviser, cohort):
    host = SeatOfferFactory(cohort=cohort, places=2).employer
    placement = propose(walk(cohort=cohort, to=S.SELECTED, by_user=adviser), host, adviser)
    seat_offer_set(employer=host, cohort=cohort, places=1, by_user=adviser)
    propose_refused = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)
    with pytest.raises(TransitionNotAllowed):
        propose(propose_refused, host, adviser)

    placement_confirm(placement=placement, by_user=adviser)

    placement.refresh_from_db()
    assert placement.status == PlacementStatus.CONFIRMED


def test_an_offer_cannot_go_below_the_proposals_it_has(adviser, cohort):
    host = SeatOfferFactory(cohort=cohort, places=2).employer
    for _ in range(2):
        propose(walk(cohort=cohort, to=S.SELECTED, by_user=adviser), host, adviser)

    with pytest.raises(TransitionNotAllowed, match="2 candidates proposed or placed"):
        seat_offer_set(employer=host, cohort=cohort, places=1, by_user=adviser)


def test_check_room_counts_every_open_placement_and_nothing_else(adviser, cohort):
    host = SeatOfferFactory(cohort=cohort, places=3).employer
    declined = propose(walk(cohort=cohort, to=S.SELECTED, by_user=adviser), host, adviser)
    placement_decline(placement=declined, by_user=adviser, reason="no_fit")
    propose(walk(cohort=cohort, to=S.SELECTED, by_user=adviser), host, adviser)
    confirmed = propose(walk(cohort=cohort, to=S.STARTED, by_user=adviser), host, adviser)
    placement_confirm(placement=confirmed, by_user=adviser)

    check_room(employer=host, cohort_id=cohort.pk, adding=1)
    with pytest.raises(TransitionNotAllowed):
        check_room(employer=host, cohort_id=cohort.pk, adding=2)
    assert Placement.objects.filter(employer=host, status__in=OPEN).count() == 2


def test_the_proposal_form_offers_only_hosts_with_a_free_place_and_names_the_full_ones(adviser, cohort, host):
    roomy = SeatOfferFactory(cohort=cohort, places=2, employer__organisation__name="Zorg Oost").employer
    propose(walk(cohort=cohort, to=S.SELECTED, by_user=adviser), host, adviser)
    places = cohort_places(cohort=cohort)

    form = PlacementProposeForm(
        places=places,
        employers=type(host).objects.filter(pk__in=[host.pk, roomy.pk]),
        locations=roomy.locations.all(),
        cohort=cohort,
    )

    assert list(form.fields["employer"].queryset) == [roomy]
    assert "Kinderopvang Zon" in str(form.fields["employer"].help_text)


def test_the_propose_page_refuses_a_full_host_as_a_form_error(client, adviser, cohort, host):
    propose(walk(cohort=cohort, to=S.SELECTED, by_user=adviser), host, adviser)
    waiting = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)
    client.force_login(adviser)

    response = client.post(
        reverse("employers:placement-propose", kwargs={"enrolment_pk": waiting.pk}),
        {"employer": host.pk, "days_per_week": 2, "start_date": "2026-09-01"},
    )

    assert response.status_code == 200
    assert not waiting.placements.exists()


@pytest.mark.parametrize("status", [S.SELECTED, S.COMPLETED, S.DROPPED_OUT])
def test_an_internship_starts_only_for_a_candidate_on_the_track(adviser, cohort, status):
    host = SeatOfferFactory(cohort=cohort, places=2).employer
    enrolment = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)
    placement = propose(enrolment, host, adviser)
    placement_confirm(placement=placement, by_user=adviser)
    if status != S.SELECTED:
        enrolment_start(enrolment=enrolment, by_user=adviser, on_date=cohort.start_date)
    if status == S.COMPLETED:
        enrolment_complete(enrolment=enrolment, by_user=adviser)
    if status == S.DROPPED_OUT:
        enrolment_drop_out(enrolment=enrolment, reason=DropoutReason.MOVED, note="", by_user=adviser)

    with pytest.raises(TransitionNotAllowed):
        placement_start(placement=placement, by_user=adviser)

    placement.refresh_from_db()
    assert placement.status != PlacementStatus.ACTIVE


def test_the_hosts_start_page_counts_free_places_by_the_same_rule(client, cohort):
    host_offer = SeatOfferFactory(cohort=cohort, places=3)
    adviser = UserFactory(organisation=cohort.pilot.lead_organisation, role=Role.ADVISER)
    contact = UserFactory(organisation=host_offer.employer.organisation, role=Role.EMPLOYER_CONTACT)
    propose(walk(cohort=cohort, to=S.SELECTED, by_user=adviser), host_offer.employer, adviser)
    client.force_login(contact)

    response = client.get(reverse("employers:start"))

    [row] = response.context["overview"].places
    assert (row.offered, row.proposed, row.confirmed, row.free) == (3, 1, 0, 2)


# --- At the same moment (PostgreSQL) ------------------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_proposals_for_the_last_place_at_once_take_it_only_once(adviser, cohort, host):
    require_postgres()
    first = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)
    second = walk(cohort=cohort, to=S.SELECTED, by_user=adviser)

    results = run_at_once(lambda enrolment: propose(enrolment, host, adviser), first, second)

    assert sorted(type(result).__name__ for result in results) == ["Placement", "TransitionNotAllowed"], results
    assert Placement.objects.filter(employer=host, status__in=OPEN).count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_dropout_and_a_confirmation_at_once_leave_no_open_placement(adviser, cohort, host):
    """The dropout locks the enrolment, then its placements; the confirmation the placement, then the offers: the
    lock order of candidates.lifecycle, so they queue up instead of deadlocking, and the dropout always wins."""
    require_postgres()
    enrolment = walk(cohort=cohort, to=S.STARTED, by_user=adviser)
    placement = propose(enrolment, host, adviser)

    def act(action: str):
        if action == "drop":
            return enrolment_drop_out(enrolment=enrolment, reason=DropoutReason.MOVED, note="", by_user=adviser)
        return placement_confirm(placement=placement, by_user=adviser)

    results = run_at_once(act, "drop", "confirm")

    assert not any(isinstance(result, Exception) and not isinstance(result, TransitionNotAllowed) for result in results)
    placement.refresh_from_db()
    assert placement.status in (PlacementStatus.WITHDRAWN, PlacementStatus.ENDED)
    assert connection.vendor == "postgresql"
