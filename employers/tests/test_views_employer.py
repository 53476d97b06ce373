"""The host employer's pages: the start page, answering a proposal, interns, places and contract offers."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.models import ContractType, EnrolmentStatus
from candidates.tests.factories import AttendanceFactory, AttendanceSessionFactory, CandidateFactory, EnrolmentFactory
from employers.models import (
    ContractOffer,
    ContractOfferStatus,
    ContractTerm,
    DeclineReason,
    EndReason,
    Placement,
    PlacementStatus,
    SeatOffer,
    SeatOfferChange,
)
from employers.selectors import OVERVIEW_PER_PAGE, PLACES_SHOWN, employer_cohort_places
from employers.services import places_confirmed
from employers.tests.factories import (
    ContractOfferFactory,
    EmployerLocationFactory,
    PlacementFactory,
    SeatOfferFactory,
)
from pilots.models import PartnerRole
from pilots.tests.factories import CohortFactory, PilotFactory, PilotPartnerFactory

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
P = PlacementStatus
NOW = datetime.datetime(2026, 11, 25, 9, 0, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def english(client, settings):
    """The page texts and messages are asserted on in their English source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def host(client, employer, employer_contact):
    """The logged-in contact of a host employer that takes part in a pilot with one running cohort."""
    pilot = PilotFactory(name="Groepshulp Midden-Utrecht")
    PilotPartnerFactory(pilot=pilot, organisation=employer.organisation, role=PartnerRole.HOST_EMPLOYER)
    cohort = CohortFactory(pilot=pilot, name="Najaar 2026")
    location = EmployerLocationFactory(employer=employer, name="Locatie Zonnebloem")
    client.force_login(employer_contact)
    return SimpleNamespace(employer=employer, user=employer_contact, pilot=pilot, cohort=cohort, location=location)


def placement(host, status=P.PROPOSED, *, first_name="Sanne", last_name="Visser", **fields) -> Placement:
    candidate = CandidateFactory(first_name=first_name, last_name=last_name)
    enrolment = EnrolmentFactory(candidate=candidate, cohort=host.cohort, status=EnrolmentStatus.STARTED)
    fields.setdefault("start_date", datetime.date(2026, 9, 7))
    fields.setdefault("end_date", datetime.date(2026, 12, 11))
    return PlacementFactory(
        enrolment=enrolment, employer=host.employer, location=host.location, status=status, **fields
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def detail_url(placement: Placement) -> str:
    return reverse("employers:placement-detail", kwargs={"pk": placement.pk})


# --- The start page ----------------------------------------------------------------------------------------


def test_the_start_page_says_what_is_asked_when_there_is_nothing_yet(client, host):
    response = client.get(reverse("employers:start"))

    assert response.status_code == 200
    assert "No proposal waits for your answer." in response.text
    assert "Nothing is waiting for you." in response.text
    assert "No current interns." in response.text
    assert "offers no internship places for a current cohort yet" in response.text
    assert "Nothing to record." in response.text


def test_the_start_page_lists_proposals_with_the_days_waiting_and_an_answer_button(client, host):
    proposal = placement(host, status_changed_at=NOW - datetime.timedelta(days=3))

    response = client.get(reverse("employers:start"))

    assert "1 proposal waits for your answer." in response.text
    assert "Sanne Visser" in response.text
    assert "Waiting 3 days" in response.text
    assert f'href="{detail_url(proposal)}"' in response.text
    assert "Answer" in response.text
    assert [row.pk for row in response.context["overview"].proposals] == [proposal.pk]


def test_the_start_page_lists_current_interns_with_their_days_and_end_date(client, host):
    intern = placement(host, P.ACTIVE, first_name="Fatima", last_name="Yilmaz", days_per_week=3)
    placement(host, P.ENDED, first_name="Oud", last_name="Stagiair")
    placement(host, P.DECLINED, first_name="Niet", last_name="Gekozen")

    response = client.get(reverse("employers:start"))

    interns = response.context["overview"].interns
    assert [row.pk for row in interns] == [intern.pk]
    assert "Fatima Yilmaz" in response.text
    assert "3 days a week" in response.text
    assert "07/09/2026 – 11/12/2026" in response.text
    assert "Niet Gekozen" not in response.text


def test_the_start_page_shows_places_offered_against_filled_per_cohort(client, host):
    SeatOfferFactory(employer=host.employer, cohort=host.cohort, location=host.location, places=3)
    placement(host, P.CONFIRMED)
    placement(host, P.PROPOSED, first_name="Wacht")

    response = client.get(reverse("employers:start"))

    [row] = response.context["overview"].places
    # The proposal waiting for an answer takes a place too.
    assert (row.cohort, row.offered, row.confirmed, row.proposed, row.free) == (host.cohort, 3, 1, 1, 1)
    assert "Najaar 2026" in response.text


def test_the_start_page_leaves_out_the_places_of_cohorts_that_ended(client, host):
    ended = CohortFactory(pilot=host.pilot, start_date=datetime.date(2026, 1, 5), end_date=datetime.date(2026, 4, 30))
    SeatOfferFactory(employer=host.employer, cohort=ended, places=4)

    response = client.get(reverse("employers:start"))

    assert response.context["overview"].places == []


def test_the_start_page_shows_the_places_of_the_first_cohorts_and_links_to_all(client, host):
    extra = 2
    for number in range(PLACES_SHOWN + extra):
        cohort = CohortFactory(
            pilot=host.pilot,
            name=f"Ronde {number:02}",
            start_date=datetime.date(2027, 1, 4) + datetime.timedelta(weeks=number),
            end_date=datetime.date(2027, 6, 4) + datetime.timedelta(weeks=number),
        )
        SeatOfferFactory(employer=host.employer, cohort=cohort, location=host.location, places=2)
    # Placements in a cohort without places offered: a row too, in the order of its start.
    placement(host, P.CONFIRMED)

    response = client.get(reverse("employers:start"))

    overview = response.context["overview"]
    assert [row.cohort.name for row in overview.places] == ["Najaar 2026"] + [
        f"Ronde {number:02}" for number in range(PLACES_SHOWN - 1)
    ]
    assert (overview.places[0].offered, overview.places[0].confirmed) == (0, 1)
    assert (overview.places[1].offered, overview.places[1].confirmed) == (2, 0)
    assert overview.places_not_shown == extra + 1
    assert f"And {extra + 1} more, not shown here." in response.text
    assert f'<a href="{reverse("employers:seat-offers")}">All cohorts with your places</a>' in response.text


def test_the_start_page_asks_for_contract_offers_of_interns_without_one(client, host):
    active = placement(host, P.ACTIVE, first_name="Aanbod", last_name="Gevraagd")
    completed = placement(host, P.ENDED, first_name="Klaar", last_name="Gemaakt")
    placement(host, P.ENDED, first_name="Vroeg", last_name="Gestopt", end_reason=EndReason.NOT_A_FIT)
    offered = placement(host, P.ACTIVE, first_name="Al", last_name="Aangeboden")
    ContractOfferFactory(placement=offered)

    response = client.get(reverse("employers:start"))

    prospects = response.context["overview"].contract_prospects
    assert {row.pk for row in prospects} == {active.pk, completed.pk}
    assert reverse("employers:contract-offer-create", kwargs={"enrolment": active.enrolment_id}) in response.text


# --- Answering a proposal ----------------------------------------------------------------------------------


def test_the_placement_page_shows_the_proposal_and_asks_for_an_answer(client, host):
    SeatOfferFactory(employer=host.employer, cohort=host.cohort, places=1)
    proposal = placement(host, supervisor_name="Marieke de Boer", days_per_week=2)

    response = client.get(detail_url(proposal))

    assert response.status_code == 200
    assert "Your answer is asked" in response.text
    for text in ("Sanne Visser", "Locatie Zonnebloem", "Marieke de Boer", "2 days a week", "Najaar 2026"):
        assert text in response.text
    assert reverse("employers:placement-confirm", kwargs={"pk": proposal.pk}) in response.text
    assert reverse("employers:placement-decline", kwargs={"pk": proposal.pk}) in response.text
    assert reverse("employers:placement-end", kwargs={"pk": proposal.pk}) not in response.text


def test_confirming_takes_one_of_the_offered_places(client, host):
    SeatOfferFactory(employer=host.employer, cohort=host.cohort, places=2)
    proposal = placement(host)

    response = client.post(reverse("employers:placement-confirm", kwargs={"pk": proposal.pk}))

    assert response.status_code == 302
    assert response.url == detail_url(proposal)
    proposal.refresh_from_db()
    assert proposal.status == P.CONFIRMED
    assert proposal.answered_by == host.user
    assert places_confirmed(employer=host.employer, cohort_id=host.cohort.pk) == 1
    assert "You confirmed the internship of Sanne Visser." in messages_of(response)[0]


def test_confirming_when_all_places_are_filled_is_refused_with_a_message(client, host):
    # Put straight in the database: the services no longer propose beyond the places offered.
    SeatOfferFactory(employer=host.employer, cohort=host.cohort, places=1)
    placement(host, P.CONFIRMED, first_name="Eerste")
    proposal = placement(host)

    response = client.post(reverse("employers:placement-confirm", kwargs={"pk": proposal.pk}), follow=True)

    assert response.status_code == 200
    assert "The place you offered for this cohort is already taken" in messages_of(response)[0]
    proposal.refresh_from_db()
    assert proposal.status == P.PROPOSED


@pytest.mark.parametrize(
    ("places", "message"),
    [
        (0, "You have not offered any places for this cohort, so you cannot confirm this proposal."),
        (1, "The place you offered for this cohort is already taken by another intern or proposal"),
        (2, "All 2 places you offered for this cohort are already taken by other interns and proposals"),
    ],
)
def test_a_host_without_a_free_place_is_told_what_to_do_instead_of_shown_the_confirm_button(
    client, host, places, message
):
    # Put straight in the database: the services no longer propose beyond the places offered.
    if places:
        SeatOfferFactory(employer=host.employer, cohort=host.cohort, places=places)
    for number in range(places):
        placement(host, P.CONFIRMED, first_name=f"Stagiair{number}")
    proposal = placement(host)

    response = client.get(detail_url(proposal))

    notice = response.text.split('data-testid="no-place-left"')[1].split("</div>")[0]
    assert message in notice
    assert "or decline this proposal." in notice
    assert reverse("employers:seat-offers") in notice
    assert reverse("employers:placement-confirm", kwargs={"pk": proposal.pk}) not in response.text
    assert "Confirm the internship" not in response.text
    assert reverse("employers:placement-decline", kwargs={"pk": proposal.pk}) in response.text


def test_a_host_with_a_free_place_sees_the_confirm_button_and_no_notice(client, host):
    SeatOfferFactory(employer=host.employer, cohort=host.cohort, places=2)
    placement(host, P.CONFIRMED, first_name="Eerste")
    proposal = placement(host)

    response = client.get(detail_url(proposal))

    assert reverse("employers:placement-confirm", kwargs={"pk": proposal.pk}) in response.text
    assert 'data-testid="no-place-left"' not in response.text


def test_confirming_an_answered_proposal_again_is_a_message_not_an_error(client, host):
    SeatOfferFactory(employer=host.employer, cohort=host.cohort, places=2)
    declined = placement(host, P.DECLINED)

    response = client.post(reverse("employers:placement-confirm", kwargs={"pk": declined.pk}), follow=True)

    assert response.status_code == 200
    assert "The status cannot change from" in response.text
    declined.refresh_from_db()
    assert declined.status == P.DECLINED


def test_declining_stores_the_reason_and_the_note(client, host):
    proposal = placement(host)

    response = client.post(
        reverse("employers:placement-decline", kwargs={"pk": proposal.pk}),
        {"decline-reason": DeclineReason.NO_SUPERVISOR, "decline-note": "Onze werkbegeleider is met verlof."},
    )

    assert response.status_code == 302
    assert response.url == reverse("employers:start")
    proposal.refresh_from_db()
    assert proposal.status == P.DECLINED
    assert proposal.decline_reason == DeclineReason.NO_SUPERVISOR
    assert proposal.answer_note == "Onze werkbegeleider is met verlof."
    assert proposal.answered_by == host.user


def test_declining_for_another_reason_needs_an_explanation(client, host):
    proposal = placement(host)
    url = reverse("employers:placement-decline", kwargs={"pk": proposal.pk})

    response = client.post(url, {"decline-reason": DeclineReason.OTHER, "decline-note": "  "})

    assert response.status_code == 200
    assert "Describe the reason in a few words." in response.text
    proposal.refresh_from_db()
    assert proposal.status == P.PROPOSED

    client.post(url, {"decline-reason": DeclineReason.OTHER, "decline-note": "We verhuizen in december."})

    proposal.refresh_from_db()
    assert (proposal.status, proposal.decline_reason) == (P.DECLINED, DeclineReason.OTHER)


def test_declining_without_a_reason_is_refused(client, host):
    proposal = placement(host)

    response = client.post(reverse("employers:placement-decline", kwargs={"pk": proposal.pk}), {"decline-note": ""})

    assert response.status_code == 200
    assert response.context["decline_form"].errors["reason"]
    proposal.refresh_from_db()
    assert proposal.status == P.PROPOSED


# --- Interns: start and end --------------------------------------------------------------------------------


def test_a_confirmed_internship_can_be_marked_as_started(client, host):
    confirmed = placement(host, P.CONFIRMED)
    page = client.get(detail_url(confirmed))
    assert reverse("employers:placement-start", kwargs={"pk": confirmed.pk}) in page.text

    response = client.post(reverse("employers:placement-start", kwargs={"pk": confirmed.pk}))

    assert response.status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.status == P.ACTIVE


def test_starting_a_proposal_that_was_not_confirmed_is_refused(client, host):
    proposal = placement(host)

    response = client.post(reverse("employers:placement-start", kwargs={"pk": proposal.pk}), follow=True)

    assert response.status_code == 200
    assert "The status cannot change from" in response.text
    proposal.refresh_from_db()
    assert proposal.status == P.PROPOSED


def test_ending_an_internship_early_records_the_reason_and_the_day(client, host):
    active = placement(host, P.ACTIVE)

    response = client.post(
        reverse("employers:placement-end", kwargs={"pk": active.pk}),
        {"end-reason": EndReason.NOT_A_FIT, "end-on_date": "2026-11-20", "end-note": "Het werk past niet."},
    )

    assert response.status_code == 302
    active.refresh_from_db()
    assert active.status == P.ENDED
    assert active.end_reason == EndReason.NOT_A_FIT
    assert active.ended_on == datetime.date(2026, 11, 20)
    assert "has ended" in messages_of(response)[0]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"end-reason": EndReason.OTHER, "end-on_date": "2026-11-20", "end-note": ""}, "Describe the reason"),
        ({"end-reason": EndReason.HEALTH, "end-on_date": "2026-12-01", "end-note": ""}, "cannot be in the future"),
        ({"end-reason": EndReason.HEALTH, "end-on_date": "2026-09-01", "end-note": ""}, "before the start"),
    ],
)
def test_ending_is_refused_without_a_described_reason_or_with_a_wrong_day(client, host, data, error):
    active = placement(host, P.ACTIVE)

    response = client.post(reverse("employers:placement-end", kwargs={"pk": active.pk}), data)

    assert response.status_code == 200
    assert error in response.text
    active.refresh_from_db()
    assert active.status == P.ACTIVE


def test_the_placement_page_shows_the_internship_attendance_at_this_host(client, host):
    active = placement(host, P.ACTIVE)
    AttendanceFactory(
        enrolment=active.enrolment,
        session=AttendanceSessionFactory(cohort=host.cohort, date=datetime.date(2026, 9, 8), kind="internship"),
    )
    AttendanceFactory(
        enrolment=active.enrolment,
        status="absent_without_notice",
        session=AttendanceSessionFactory(cohort=host.cohort, date=datetime.date(2026, 9, 9), kind="school"),
    )
    AttendanceFactory(
        enrolment=active.enrolment,
        session=AttendanceSessionFactory(cohort=host.cohort, date=datetime.date(2026, 9, 2), kind="internship"),
    )

    response = client.get(detail_url(active))

    assert [mark.day for mark in response.context["placement"].attendance] == [datetime.date(2026, 9, 8)]
    assert "Present on 1 of 1 recorded internship days." in response.text
    assert "8 Sep 2026" in response.text
    assert "9 Sep 2026" not in response.text
    assert "Absent without notice" not in response.text


# --- Seat offers -------------------------------------------------------------------------------------------


def test_the_seat_offer_page_lists_the_offers_per_cohort_and_location(client, host):
    SeatOfferFactory(employer=host.employer, cohort=host.cohort, location=host.location, places=3)
    placement(host, P.CONFIRMED)

    response = client.get(reverse("employers:seat-offers"))

    assert response.status_code == 200
    [row] = response.context["places"]
    assert (row.offered, row.confirmed) == (3, 1)
    assert "1 of 3 places filled" in response.text
    assert "Locatie Zonnebloem" in response.text
    assert list(response.context["form"].fields["cohort"].queryset) == [host.cohort]


def test_an_employer_offers_new_places_for_a_cohort(client, host):
    response = client.post(
        reverse("employers:seat-offers"),
        {"cohort": host.cohort.pk, "location": host.location.pk, "places": "4"},
    )

    assert response.status_code == 302
    offer = SeatOffer.objects.get(employer=host.employer, cohort=host.cohort)
    assert (offer.location, offer.places) == (host.location, 4)
    assert "You now offer 4 places for" in messages_of(response)[0]


def test_an_employer_raises_an_offer_and_the_change_is_kept(client, host):
    offer = SeatOfferFactory(employer=host.employer, cohort=host.cohort, location=host.location, places=2)

    client.post(reverse("employers:seat-offers"), {"cohort": host.cohort.pk, "location": host.location.pk, "places": 5})

    offer.refresh_from_db()
    assert offer.places == 5
    change = SeatOfferChange.objects.get(seat_offer=offer)
    assert (change.from_places, change.to_places, change.by_user) == (2, 5, host.user)


def test_lowering_an_offer_below_the_places_taken_is_refused_with_the_reason(client, host):
    offer = SeatOfferFactory(employer=host.employer, cohort=host.cohort, location=host.location, places=2)
    placement(host, P.CONFIRMED, first_name="Een")
    placement(host, P.ACTIVE, first_name="Twee")

    response = client.post(
        reverse("employers:seat-offers"), {"cohort": host.cohort.pk, "location": host.location.pk, "places": 1}
    )

    assert response.status_code == 200
    assert "already has 2 candidates proposed or placed in this cohort" in response.text
    offer.refresh_from_db()
    assert offer.places == 2


def test_places_cannot_be_offered_for_a_cohort_of_a_pilot_the_employer_is_not_in(client, host):
    elsewhere = CohortFactory(name="Elders")

    response = client.post(reverse("employers:seat-offers"), {"cohort": elsewhere.pk, "location": "", "places": 3})

    assert response.status_code == 200
    assert response.context["form"].errors["cohort"]
    assert not SeatOffer.objects.filter(cohort=elsewhere).exists()


def test_a_cohort_the_employer_hosts_for_without_a_partnership_can_get_places(client, host):
    other_pilot_cohort = CohortFactory(name="Zonder partnerschap")
    PlacementFactory(employer=host.employer, enrolment__cohort=other_pilot_cohort)

    response = client.get(reverse("employers:seat-offers"))

    assert other_pilot_cohort in response.context["form"].fields["cohort"].queryset


# --- Contract offers ---------------------------------------------------------------------------------------


def offer_data(**overrides) -> dict:
    return {
        "kind": ContractType.GROUP_HELPER,
        "contract_type": ContractTerm.FIXED_TERM,
        "duration_months": "12",
        "hours_per_week": "24",
        "start_date": "2027-01-04",
        "note": "Start na de kerstvakantie.",
        **overrides,
    }


def test_an_employer_records_a_contract_offer_for_an_intern(client, host):
    active = placement(host, P.ACTIVE)
    url = reverse("employers:contract-offer-create", kwargs={"enrolment": active.enrolment_id})
    assert "Record a contract offer to Sanne Visser" in client.get(url).text

    response = client.post(url, offer_data())

    assert response.status_code == 302
    assert response.url == reverse("employers:contract-offers")
    offer = ContractOffer.objects.get(enrolment=active.enrolment)
    assert (offer.employer, offer.placement, offer.status) == (host.employer, active, ContractOfferStatus.OFFERED)
    assert (offer.kind, offer.hours_per_week, offer.duration_months) == (ContractType.GROUP_HELPER, 24, 12)
    assert offer.start_date == datetime.date(2027, 1, 4)
    assert offer.recorded_by == host.user


def test_a_fixed_term_offer_needs_its_duration(client, host):
    active = placement(host, P.ACTIVE)

    response = client.post(
        reverse("employers:contract-offer-create", kwargs={"enrolment": active.enrolment_id}),
        offer_data(duration_months=""),
    )

    assert response.status_code == 200
    assert "A fixed-term contract needs its duration in months." in response.text
    assert not ContractOffer.objects.exists()


def test_no_contract_offer_for_a_candidate_only_proposed(client, host):
    proposal = placement(host)

    response = client.get(reverse("employers:contract-offer-create", kwargs={"enrolment": proposal.enrolment_id}))

    assert response.status_code == 404


def test_the_contract_offer_page_lists_the_offers_with_their_status(client, host):
    open_offer = ContractOfferFactory(placement=placement(host, P.ACTIVE, first_name="Open"))
    ContractOfferFactory(
        placement=placement(host, P.ENDED, first_name="Getrokken"), status=ContractOfferStatus.WITHDRAWN
    )

    response = client.get(reverse("employers:contract-offers"))

    offers = response.context["offers"]
    assert [offer.status for offer in offers] == [ContractOfferStatus.OFFERED, ContractOfferStatus.WITHDRAWN]
    assert reverse("employers:contract-offer-withdraw", kwargs={"pk": open_offer.pk}) in response.text
    assert "Withdrawn" in response.text


def test_an_employer_withdraws_an_open_offer(client, host):
    offer = ContractOfferFactory(placement=placement(host, P.ACTIVE))

    response = client.post(reverse("employers:contract-offer-withdraw", kwargs={"pk": offer.pk}))

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == ContractOfferStatus.WITHDRAWN
    assert offer.answered_by == host.user


def test_withdrawing_an_answered_offer_is_a_message(client, host):
    offer = ContractOfferFactory(placement=placement(host, P.ACTIVE), status=ContractOfferStatus.ACCEPTED)

    response = client.post(reverse("employers:contract-offer-withdraw", kwargs={"pk": offer.pk}), follow=True)

    assert response.status_code == 200
    assert "already been answered or withdrawn" in response.text
    offer.refresh_from_db()
    assert offer.status == ContractOfferStatus.ACCEPTED


@pytest.mark.parametrize(
    ("answer", "status"), [("accepted", ContractOfferStatus.ACCEPTED), ("declined", ContractOfferStatus.DECLINED)]
)
def test_an_employer_records_the_candidates_answer(client, host, answer, status):
    offer = ContractOfferFactory(placement=placement(host, P.ACTIVE))

    client.post(reverse("employers:contract-offer-answer", kwargs={"pk": offer.pk}), {"answer": answer})

    offer.refresh_from_db()
    assert offer.status == status


def test_an_answer_that_is_neither_is_refused(client, host):
    offer = ContractOfferFactory(placement=placement(host, P.ACTIVE))

    response = client.post(reverse("employers:contract-offer-answer", kwargs={"pk": offer.pk}), {"answer": "maybe"})

    assert "Choose whether the candidate accepted or declined the offer." in messages_of(response)
    offer.refresh_from_db()
    assert offer.status == ContractOfferStatus.OFFERED


# --- Queries -----------------------------------------------------------------------------------------------


def _some_of_everything(host, suffix: str) -> None:
    SeatOfferFactory(employer=host.employer, cohort=CohortFactory(pilot=host.pilot), places=2)
    placement(host, first_name=f"Voorstel{suffix}")
    placement(host, P.CONFIRMED, first_name=f"Bevestigd{suffix}")
    ContractOfferFactory(placement=placement(host, P.ACTIVE, first_name=f"Actief{suffix}"))
    placement(host, P.ENDED, first_name=f"Klaar{suffix}")


@pytest.mark.parametrize("url_name", ["employers:start", "employers:seat-offers", "employers:contract-offers"])
def test_a_page_reads_as_many_queries_for_many_rows_as_for_one(client, host, url_name):
    _some_of_everything(host, "1")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(url_name))
    for suffix in "234":
        _some_of_everything(host, suffix)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert len(many) == len(few)


# --- The start page, a page at a time ----------------------------------------------------------------------


def _proposals(host, count: int, start: int = 0) -> list[int]:
    return [
        placement(
            host, first_name=f"Kandidaat{number:03d}", status_changed_at=NOW - datetime.timedelta(minutes=100 - number)
        ).pk
        for number in range(start, start + count)
    ]


def test_the_start_page_shows_the_proposals_a_page_at_a_time_with_their_total(client, host):
    proposals = _proposals(host, OVERVIEW_PER_PAGE + 2)

    first = client.get(reverse("employers:start"))
    second = client.get(reverse("employers:start"), {"proposals_page": 2})

    assert [row.pk for row in first.context["overview"].proposals] == proposals[:OVERVIEW_PER_PAGE]
    assert [row.pk for row in second.context["overview"].proposals] == proposals[OVERVIEW_PER_PAGE:]
    assert f"{OVERVIEW_PER_PAGE + 2} proposals wait for your answer." in first.text
    assert 'href="?proposals_page=2"' in first.text
    assert "Kandidaat026" in second.text and "Kandidaat026" not in first.text


def test_a_proposal_page_past_the_end_shows_the_last_page(client, host):
    proposals = _proposals(host, OVERVIEW_PER_PAGE + 1)

    response = client.get(reverse("employers:start"), {"proposals_page": "99"})

    assert [row.pk for row in response.context["overview"].proposals] == proposals[OVERVIEW_PER_PAGE:]


def test_the_start_page_reads_as_often_with_many_placements_as_with_none(client, host):
    # The places table reads the cohorts of placements without an offer separately: offered here, so that only
    # the lists differ between the two requests.
    SeatOfferFactory(employer=host.employer, cohort=host.cohort, location=host.location, places=100)
    with CaptureQueriesContext(connection) as none:
        client.get(reverse("employers:start"))
    _proposals(host, OVERVIEW_PER_PAGE + 5)
    for number in range(OVERVIEW_PER_PAGE + 5):
        placement(host, P.ACTIVE, first_name=f"Stagiair{number:03d}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("employers:start"))

    assert len(response.context["overview"].interns) == OVERVIEW_PER_PAGE
    assert response.context["overview"].interns.paginator.count == OVERVIEW_PER_PAGE + 5
    assert len(many) == len(none)


def test_the_start_page_counts_the_places_as_the_seat_offers_page_does(client, host):
    # The start page sums the places in the database rather than reading the offers themselves.
    SeatOfferFactory(employer=host.employer, cohort=host.cohort, location=host.location, places=3)
    other = EmployerLocationFactory(employer=host.employer, name="Locatie Klaproos")
    SeatOfferFactory(employer=host.employer, cohort=host.cohort, location=other, places=2)
    placement(host, P.PROPOSED)
    placement(host, P.CONFIRMED, first_name="Noor")
    placement(host, P.ACTIVE, first_name="Bram")

    start = client.get(reverse("employers:start")).context["overview"].places
    offers_page = employer_cohort_places(user=host.user)

    [row] = start
    assert (row.cohort, row.offered, row.proposed, row.confirmed, row.free) == (host.cohort, 5, 1, 2, 2)
    assert [(r.cohort, r.offered, r.proposed, r.confirmed) for r in offers_page] == [
        (row.cohort, row.offered, row.proposed, row.confirmed)
    ]
