"""What the employer pages show, and to whom: one organisation's own data, only what a host needs.

Employer B's contact is logged in; employer A takes part in the same cohort. Every employer URL that names
an object answers B with a 404 for A's object (and changes nothing), while the same URL works for B's own.
"""

import dataclasses
import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from candidates.models import (
    BarrierKind,
    BenefitType,
    Candidate,
    CoachingNote,
    CoachKind,
    ContractType,
    Enrolment,
    EnrolmentStatus,
    Note,
    Recommendation,
    Screening,
)
from candidates.tests.factories import CandidateBarrierFactory, CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from employers.models import (
    ContractOffer,
    ContractOfferStatus,
    ContractTerm,
    DeclineReason,
    EndReason,
    Placement,
    PlacementStatus,
    SeatOffer,
)
from employers.tests.factories import (
    ContractOfferFactory,
    EmployerFactory,
    EmployerLocationFactory,
    PlacementFactory,
    SeatOfferFactory,
)
from pilots.models import PartnerRole
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
P = PlacementStatus


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=AMSTERDAM), tick=False)


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _hosted(employer, cohort, location, status, first_name, last_name) -> Placement:
    enrolment = EnrolmentFactory(
        candidate=CandidateFactory(first_name=first_name, last_name=last_name),
        cohort=cohort,
        status=EnrolmentStatus.STARTED,
    )
    return PlacementFactory(
        enrolment=enrolment,
        employer=employer,
        location=location,
        status=status,
        start_date=datetime.date(2026, 9, 7),
        end_date=datetime.date(2026, 12, 11),
    )


def _objects(employer, cohort, location, surname) -> SimpleNamespace:
    active = _hosted(employer, cohort, location, P.ACTIVE, "Bram", surname)
    return SimpleNamespace(
        proposed=_hosted(employer, cohort, location, P.PROPOSED, "Anna", surname),
        confirmed=_hosted(employer, cohort, location, P.CONFIRMED, "Cas", surname),
        active=active,
        offer=ContractOfferFactory(placement=active),
        seat_offer=SeatOfferFactory(employer=employer, cohort=cohort, location=location, places=5),
    )


@pytest.fixture
def world(client, employer, employer_contact):
    """Employer A and employer B (the logged-in contact's) host in the same cohort, each with the same kinds of rows."""
    other = EmployerFactory(organisation__name="Zorggroep Anders")
    pilot = PilotFactory()
    for host in (employer, other):
        PilotPartnerFactory(pilot=pilot, organisation=host.organisation, role=PartnerRole.HOST_EMPLOYER)
    cohort = CohortFactory(pilot=pilot)
    a_location = EmployerLocationFactory(employer=other, name="Locatie Anders")
    b_location = EmployerLocationFactory(employer=employer, name="Locatie Eigen")
    client.force_login(employer_contact)
    return SimpleNamespace(
        cohort=cohort,
        a=_objects(other, cohort, a_location, "Anders"),
        b=_objects(employer, cohort, b_location, "Eigen"),
        a_location=a_location,
    )


def _end_data() -> dict:
    return {"end-reason": EndReason.NOT_A_FIT, "end-on_date": "2026-11-20", "end-note": ""}


def _offer_data() -> dict:
    return {
        "kind": ContractType.REGULAR,
        "contract_type": ContractTerm.PERMANENT,
        "hours_per_week": "32",
        "start_date": "2027-01-04",
        "note": "",
    }


# (url name, method, the object its URL names, the keyword of the URL, the form data)
OBJECT_VIEWS = [
    ("employers:placement-detail", "get", "proposed", "pk", None),
    ("employers:placement-detail", "get", "active", "pk", None),
    ("employers:placement-confirm", "post", "proposed", "pk", {}),
    ("employers:placement-decline", "post", "proposed", "pk", {"decline-reason": DeclineReason.NO_FIT}),
    ("employers:placement-start", "post", "confirmed", "pk", {}),
    ("employers:placement-end", "post", "active", "pk", _end_data()),
    ("employers:contract-offer-create", "get", "active", "enrolment", None),
    ("employers:contract-offer-create", "post", "active", "enrolment", _offer_data()),
    ("employers:contract-offer-withdraw", "post", "offer", "pk", {}),
    ("employers:contract-offer-answer", "post", "offer", "pk", {"answer": "accepted"}),
]
LIST_VIEWS = ["employers:start", "employers:seat-offers", "employers:contract-offers"]


def _url(objects, url_name: str, key: str, keyword: str) -> str:
    target = getattr(objects, key)
    value = target.enrolment_id if keyword == "enrolment" else target.pk
    return reverse(url_name, kwargs={keyword: value})


def _snapshot(objects) -> tuple:
    """The rows a write could touch, to prove that a refused request changed nothing."""
    return (
        tuple(Placement.objects.order_by("pk").values_list("pk", "status", "decline_reason", "end_reason")),
        tuple(ContractOffer.objects.order_by("pk").values_list("pk", "status")),
        tuple(SeatOffer.objects.order_by("pk").values_list("pk", "places")),
    )


def _request(client, method: str, url: str, data):
    return client.get(url) if method == "get" else client.post(url, data)


@pytest.mark.parametrize(("url_name", "method", "key", "keyword", "data"), OBJECT_VIEWS)
def test_another_employers_object_is_not_found_and_stays_as_it_was(client, world, url_name, method, key, keyword, data):
    before = _snapshot(world)

    response = _request(client, method, _url(world.a, url_name, key, keyword), data)

    assert response.status_code == 404
    assert _snapshot(world) == before
    assert "Anders" not in response.text


@pytest.mark.parametrize(("url_name", "method", "key", "keyword", "data"), OBJECT_VIEWS)
def test_the_same_view_works_for_the_employers_own_object(client, world, url_name, method, key, keyword, data):
    response = _request(client, method, _url(world.b, url_name, key, keyword), data)

    assert response.status_code in (200, 302)


@pytest.mark.parametrize("url_name", LIST_VIEWS)
def test_the_lists_never_show_another_employers_data(client, world, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert "Eigen" in response.text
    assert "Anders" not in response.text
    for other in (world.a.proposed, world.a.active):
        assert reverse("employers:placement-detail", kwargs={"pk": other.pk}) not in response.text


def test_the_start_page_counts_only_the_employers_own_places_and_placements(client, world):
    overview = client.get(reverse("employers:start")).context["overview"]

    assert [row.pk for row in overview.proposals] == [world.b.proposed.pk]
    assert {row.pk for row in overview.interns} == {world.b.confirmed.pk, world.b.active.pk}
    [places] = overview.places
    assert (places.offered, places.confirmed, places.proposed) == (5, 2, 1)


def test_another_employers_location_cannot_get_places(client, world):
    before = _snapshot(world)

    response = client.post(
        reverse("employers:seat-offers"), {"cohort": world.cohort.pk, "location": world.a_location.pk, "places": 9}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["location"]
    assert _snapshot(world) == before


def test_a_contact_whose_organisation_is_no_host_employer_sees_nothing(client, world):
    stranger = UserFactory(
        username="geen-werkgever",
        organisation=OrganisationFactory(name="Losse organisatie"),
        role=Role.EMPLOYER_CONTACT,
    )
    client.force_login(stranger)

    start = client.get(reverse("employers:start"))
    seats = client.get(reverse("employers:seat-offers"))

    assert "Your account is not linked to a host employer yet." in start.text
    assert "Your account is not linked to a host employer yet." in seats.text
    assert client.post(reverse("employers:seat-offers"), {"places": 3}).status_code == 200
    assert client.get(reverse("employers:placement-detail", kwargs={"pk": world.b.proposed.pk})).status_code == 404


# --- Who may come in ---------------------------------------------------------------------------------------

# Every employer view with the method it answers to; the object does not matter, the role is checked first.
ALL_VIEWS = [(url_name, method, key, keyword) for url_name, method, key, keyword, _data in OBJECT_VIEWS] + [
    (url_name, "get", None, None) for url_name in LIST_VIEWS
]


def _any_url(world, url_name, key, keyword) -> str:
    return reverse(url_name) if key is None else _url(world.b, url_name, key, keyword)


@pytest.mark.parametrize("role", [Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER, Role.ADMINISTRATOR])
@pytest.mark.parametrize(("url_name", "method", "key", "keyword"), ALL_VIEWS)
def test_other_roles_are_refused(client, world, user_for_role, role, url_name, method, key, keyword):
    client.force_login(user_for_role(role))
    before = _snapshot(world)

    response = _request(client, method, _any_url(world, url_name, key, keyword), {})

    assert response.status_code == 403
    assert _snapshot(world) == before


@pytest.mark.parametrize(("url_name", "method", "key", "keyword"), ALL_VIEWS)
def test_anonymous_visitors_are_sent_to_log_in(client, world, url_name, method, key, keyword):
    client.logout()
    url = _any_url(world, url_name, key, keyword)

    response = _request(client, method, url, {})

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


# --- What a host may see of a candidate --------------------------------------------------------------------

SCREENING_NOTE = "Heeft schulden bij de gemeente"
AVAILABILITY_NOTE = "Woont tijdelijk bij haar zus"
COACHING_NOTE = "Vertelt over spanningen thuis"
ADVISER_NOTE = "Uitkering loopt in maart af"
MOTIVATION = "Komt uit de bijstand en wil graag aan de slag"
FORBIDDEN = [
    str(BenefitType.SOCIAL_ASSISTANCE.label),
    "bijstand",
    "benefit",
    str(BarrierKind.DEBTS.label),
    str(BarrierKind.HOUSING.label),
    str(BarrierKind.POVERTY_TRAP.label),
    SCREENING_NOTE,
    AVAILABILITY_NOTE,
    COACHING_NOTE,
    ADVISER_NOTE,
    "status holder",
    "1987",  # the year of birth
    "8011",  # the postcode
    "Zwolle",  # the city
]
EMAIL = "sanne.privé@example.org"
PHONE = "+31687654321"
PHONE_SHOWN = "06 87654321"


@pytest.fixture
def sensitive(world, employer, adviser):
    """A candidate proposed to employer B, with everything a host must never read."""
    candidate = CandidateFactory(
        first_name="Sanne",
        last_name="Eigenaar",
        email=EMAIL,
        phone=PHONE,
        date_of_birth=datetime.date(1987, 3, 14),
        postcode="8011 AB",
        city="Zwolle",
        benefit_type=BenefitType.SOCIAL_ASSISTANCE,
        is_status_holder=True,
    )
    for kind in (BarrierKind.DEBTS, BarrierKind.HOUSING, BarrierKind.POVERTY_TRAP):
        CandidateBarrierFactory(candidate=candidate, kind=kind)
    enrolment = EnrolmentFactory(candidate=candidate, cohort=world.cohort, status=EnrolmentStatus.STARTED)
    Screening.objects.create(
        enrolment=enrolment,
        screened_on=datetime.date(2026, 8, 10),
        adviser=adviser,
        interest_score=4,
        interest_note=SCREENING_NOTE,
        motivation_score=4,
        language_score=3,
        availability_score=3,
        availability_note=AVAILABILITY_NOTE,
        barriers_met=[BarrierKind.DEBTS],
        recommendation=Recommendation.SELECT,
    )
    CoachingNote.objects.create(enrolment=enrolment, author=adviser, coach_kind=CoachKind.JOB_COACH, text=COACHING_NOTE)
    Note.objects.create(candidate=candidate, author=adviser, text=ADVISER_NOTE)
    return PlacementFactory(
        enrolment=enrolment,
        employer=employer,
        status=P.PROPOSED,
        motivation=MOTIVATION,
        start_date=datetime.date(2026, 9, 7),
    )


def _assert_nothing_forbidden(text: str) -> None:
    lowered = text.lower()
    for forbidden in FORBIDDEN:
        assert forbidden.lower() not in lowered, forbidden
    assert MOTIVATION not in text


def _reachable(value, depth: int = 0):
    """Every value a template can reach through the dataclasses and collections in its context."""
    yield value
    if depth > 4:
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        children = [getattr(value, field.name) for field in dataclasses.fields(value)]
    elif isinstance(value, list | tuple | set | frozenset):
        children = list(value)
    elif isinstance(value, dict):
        children = list(value.values())
    else:
        return
    for child in children:
        yield from _reachable(child, depth + 1)


def _assert_no_candidate_rows_in_context(response) -> None:
    for key in response.context.keys():  # noqa: SIM118 - iterating a ContextList gives contexts, not keys
        for value in _reachable(response.context[key]):
            assert not isinstance(value, Candidate | Enrolment | Placement | ContractOffer), key


def test_a_proposal_shows_neither_the_forbidden_fields_nor_the_contact_details(client, sensitive):
    response = client.get(reverse("employers:placement-detail", kwargs={"pk": sensitive.pk}))

    assert response.status_code == 200
    assert "Sanne Eigenaar" in response.text
    assert "A2" in response.text  # the language levels are for the host to judge
    _assert_nothing_forbidden(response.text)
    assert EMAIL not in response.text
    assert PHONE not in response.text
    assert PHONE_SHOWN not in response.text
    assert "Shown once you confirm" in response.text
    assert (response.context["placement"].email, response.context["placement"].phone) == ("", "")
    _assert_no_candidate_rows_in_context(response)


def test_after_confirming_the_contact_details_appear_and_the_rest_stays_hidden(client, sensitive):
    SeatOfferFactory(employer=sensitive.employer, cohort=sensitive.enrolment.cohort, places=9)
    client.post(reverse("employers:placement-confirm", kwargs={"pk": sensitive.pk}))

    response = client.get(reverse("employers:placement-detail", kwargs={"pk": sensitive.pk}))

    sensitive.refresh_from_db()
    assert sensitive.status == P.CONFIRMED
    assert EMAIL in response.text
    assert f'<a href="tel:{PHONE}">{PHONE_SHOWN}</a>' in response.text
    _assert_nothing_forbidden(response.text)
    _assert_no_candidate_rows_in_context(response)


def test_a_declined_proposal_does_not_share_the_contact_details(client, sensitive):
    client.post(
        reverse("employers:placement-decline", kwargs={"pk": sensitive.pk}), {"decline-reason": DeclineReason.NO_FIT}
    )

    response = client.get(reverse("employers:placement-detail", kwargs={"pk": sensitive.pk}))

    assert EMAIL not in response.text
    assert PHONE not in response.text
    assert PHONE_SHOWN not in response.text
    _assert_nothing_forbidden(response.text)


@pytest.mark.parametrize("status", [P.PROPOSED, P.ACTIVE])
@pytest.mark.parametrize("url_name", LIST_VIEWS)
def test_the_lists_show_no_forbidden_field_either(client, sensitive, status, url_name):
    Placement.objects.filter(pk=sensitive.pk).update(status=status)
    if status == P.ACTIVE:
        ContractOfferFactory(placement=sensitive, status=ContractOfferStatus.OFFERED)

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    _assert_nothing_forbidden(response.text)
    assert EMAIL not in response.text
    _assert_no_candidate_rows_in_context(response)
