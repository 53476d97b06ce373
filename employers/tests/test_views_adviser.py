"""The adviser's and coordinator's side of the employer portal, through the client.

Pages are asked for in English, so the assertions read the message ids whatever state the Dutch
translation is in.
"""

import datetime
import re
import zoneinfo
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerOperationalError
from post_office.models import STATUS, Email

from candidates.models import EnrolmentStatus, OutcomeKind
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core import dispatch
from core.roles import Role
from core.tasks import send_outbox_mail
from core.tests.factories import UserFactory
from employers.models import (
    ContractOfferStatus,
    DeclineReason,
    EndReason,
    JointVacancy,
    Placement,
    PlacementStatus,
    SeatOffer,
    SeatOfferChange,
    VacancyApplication,
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
from pilots.models import PartnerRole
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory, RegionFactory
from start.views import START_LIST_SHOWN

S = EnrolmentStatus
P = PlacementStatus
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
# A Wednesday.
NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=AMSTERDAM)


def english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def adviser_client(client, adviser):
    return english(client, adviser)


@pytest.fixture
def world(adviser, organisation, employer):
    """The adviser's pilot with a cohort, two hosts that offered places and a third that only partners."""
    pilot = PilotFactory(
        name="Groepshulp kinderopvang", slug="groepshulp", lead_organisation=organisation, internship_days_per_week=2
    )
    cohort = CohortFactory(
        pilot=pilot, name="Ronde 2", start_date=datetime.date(2027, 2, 1), end_date=datetime.date(2027, 5, 14)
    )
    host = employer
    host_location = EmployerLocationFactory(employer=host, name="De Boomhut", city="Utrecht")
    SeatOfferFactory(employer=host, cohort=cohort, places=2)
    other = EmployerFactory(organisation__name="Kinderopvang Zonnestraal")
    other_location = EmployerLocationFactory(employer=other, name="Het Zonnetje", city="Houten")
    SeatOfferFactory(employer=other, cohort=cohort, places=1)
    partner = EmployerFactory(organisation__name="Kinderopvang Partner")
    PilotPartnerFactory(pilot=pilot, organisation=partner.organisation, role=PartnerRole.HOST_EMPLOYER)
    stranger = EmployerFactory(organisation__name="Kinderopvang Elders")
    candidate = CandidateFactory(first_name="Fatma", last_name="Yilmaz", adviser=adviser)
    enrolment = EnrolmentFactory(candidate=candidate, cohort=cohort, status=S.SELECTED)
    return SimpleNamespace(
        pilot=pilot,
        cohort=cohort,
        host=host,
        host_location=host_location,
        other=other,
        other_location=other_location,
        partner=partner,
        stranger=stranger,
        candidate=candidate,
        enrolment=enrolment,
    )


def propose_data(world, **overrides):
    data = {
        "employer": world.host.pk,
        "location": world.host_location.pk,
        "supervisor_name": "Mirjam de Boer",
        "days_per_week": 2,
        "start_date": "2027-02-01",
        "end_date": "2027-05-14",
        "motivation": "Rustig en zorgzaam; wil graag met jonge kinderen werken.",
    }
    return {**data, **overrides}


def propose_url(enrolment) -> str:
    return reverse("employers:placement-propose", args=[enrolment.pk])


def form_errors(response) -> str:
    form = response.context["form"]
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


# --- Proposals ---------------------------------------------------------------------------------------------


def test_the_propose_form_offers_the_employers_with_a_seat_offer_and_their_places_left(adviser_client, world):
    PlacementFactory(enrolment__cohort=world.cohort, employer=world.host, status=P.CONFIRMED)

    response = adviser_client.get(propose_url(world.enrolment))

    assert response.status_code == 200
    field = response.context["form"].fields["employer"]
    assert set(field.queryset) == {world.host, world.other}
    assert "Kinderopvang Test – 1 of 2 places left" in response.text
    assert "Kinderopvang Zonnestraal – 1 of 1 place left" in response.text
    assert "Kinderopvang Partner" not in response.text


def test_a_proposal_is_saved_and_the_employer_is_emailed_once_it_is_committed(
    adviser_client, adviser, world, employer_contact, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = adviser_client.post(propose_url(world.enrolment), propose_data(world))

    assert response.status_code == 302
    assert response.url == world.candidate.get_absolute_url()
    placement = Placement.objects.get(enrolment=world.enrolment)
    assert placement.employer == world.host
    assert placement.location == world.host_location
    assert placement.status == P.PROPOSED
    assert placement.proposed_by == adviser
    assert placement.supervisor_name == "Mirjam de Boer"
    assert placement.days_per_week == 2
    assert placement.start_date == datetime.date(2027, 2, 1)
    assert placement.end_date == datetime.date(2027, 5, 14)
    # Nothing leaves before the transaction commits.
    assert mail.outbox == []
    assert len(callbacks) == 1

    callbacks[0]()

    assert [message.to for message in mail.outbox] == [[employer_contact.email]]
    placement.refresh_from_db()
    assert placement.notified_at is not None


def test_with_the_broker_away_the_proposal_is_saved_and_its_mail_waits_in_the_outbox(
    adviser_client, world, employer_contact, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(*args, **options):
        raise BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_outbox_mail, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = adviser_client.post(propose_url(world.enrolment), propose_data(world), follow=True)

    assert response.status_code == 200
    assert "proposed" in response.text.lower()
    assert Placement.objects.get(enrolment=world.enrolment).status == P.PROPOSED
    assert mail.outbox == []
    assert Email.objects.get().status == STATUS.queued
    dispatch.forget_waiting_sends()

    monkeypatch.undo()
    send_outbox_mail.delay()  # the outbox's flush once the broker is back
    send_outbox_mail.delay()

    assert [message.to for message in mail.outbox] == [[employer_contact.email]]


def test_a_candidate_without_consent_cannot_be_proposed(adviser_client, world):
    world.candidate.consent_given_at = None
    world.candidate.consent_purpose = ""
    world.candidate.save()

    response = adviser_client.post(propose_url(world.enrolment), propose_data(world))

    assert response.status_code == 200
    assert "Record the candidate's consent before proposing a placement." in form_errors(response)
    assert not Placement.objects.exists()


@pytest.mark.parametrize("status", [S.REGISTERED, S.SCREENED, S.RESERVE, S.COMPLETED])
def test_only_a_selected_or_started_candidate_can_be_proposed(adviser_client, world, status):
    enrolment = EnrolmentFactory(cohort=world.cohort, status=status)

    response = adviser_client.post(propose_url(enrolment), propose_data(world))

    assert response.status_code == 200
    assert "Only selected or started candidates can be proposed to an employer." in form_errors(response)
    assert not Placement.objects.exists()


def test_a_started_candidate_can_be_proposed(adviser_client, world):
    enrolment = EnrolmentFactory(cohort=world.cohort, status=S.STARTED)

    response = adviser_client.post(propose_url(enrolment), propose_data(world))

    assert response.status_code == 302
    assert Placement.objects.get().enrolment == enrolment


def test_the_location_must_be_one_of_the_chosen_employer(adviser_client, world):
    response = adviser_client.post(propose_url(world.enrolment), propose_data(world, location=world.other_location.pk))

    assert response.status_code == 200
    assert "Choose a location of this employer." in form_errors(response)
    assert not Placement.objects.exists()


def test_an_employer_without_a_seat_offer_cannot_be_chosen(adviser_client, world):
    response = adviser_client.post(
        propose_url(world.enrolment), propose_data(world, employer=world.partner.pk, location="")
    )

    assert response.status_code == 200
    assert "employer" in response.context["form"].errors
    assert not Placement.objects.exists()


def test_the_candidate_page_links_a_selected_enrolment_to_the_proposal(adviser_client, world):
    screened = EnrolmentFactory(candidate=world.candidate, cohort=CohortFactory(pilot=world.pilot), status=S.SCREENED)

    page = adviser_client.get(world.candidate.get_absolute_url()).text

    assert f'href="{propose_url(world.enrolment)}"' in page
    assert propose_url(screened) not in page


# --- The adviser's start page ------------------------------------------------------------------------------


@pytest.fixture
def at_noon():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_declined_proposal_returns_to_the_start_page_with_the_reason_and_a_way_on(adviser_client, world, at_noon):
    PlacementFactory(
        enrolment=world.enrolment,
        employer=world.host,
        status=P.DECLINED,
        status_changed_at=NOW - datetime.timedelta(days=3),
        decline_reason=DeclineReason.LANGUAGE,
        answer_note="Op de groep wordt veel overgedragen aan ouders.",
    )

    response = adviser_client.get(reverse("candidates:adviser-start"))

    block = section(response.text, "declined-title")
    assert "Fatma Yilmaz" in block
    assert "Kinderopvang Test" in block
    assert str(DeclineReason.LANGUAGE.label) in block
    assert "Op de groep wordt veel overgedragen aan ouders." in block
    assert f'href="{propose_url(world.enrolment)}"' in block


def test_proposals_without_an_answer_show_how_long_they_wait_and_whether_the_host_was_reminded(
    adviser_client, world, at_noon
):
    two_weeks_ago = NOW - datetime.timedelta(days=14)
    PlacementFactory(enrolment=world.enrolment, employer=world.host, status_changed_at=two_weeks_ago)
    reminded = EnrolmentFactory(
        candidate=CandidateFactory(first_name="Daan", last_name="de Vries", adviser=world.candidate.adviser),
        cohort=world.cohort,
        status=S.SELECTED,
    )
    PlacementFactory(
        enrolment=reminded,
        employer=world.other,
        status_changed_at=two_weeks_ago,
        reminder_sent_at=NOW - datetime.timedelta(days=5),
    )
    # Two days is not overdue yet.
    fresh = EnrolmentFactory(
        candidate=CandidateFactory(first_name="Noura", adviser=world.candidate.adviser),
        cohort=world.cohort,
        status=S.SELECTED,
    )
    PlacementFactory(enrolment=fresh, employer=world.host, status_changed_at=NOW - datetime.timedelta(days=2))

    response = adviser_client.get(reverse("candidates:adviser-start"))

    rows = {placement.enrolment.candidate.first_name: days for placement, days in response.context["overdue"]}
    assert rows == {"Fatma": 14, "Daan": 14}
    block = section(response.text, "overdue-title")
    assert "Overdue" in block
    assert "14 days" in block
    assert "not sent yet" in block
    assert "sent on 20 November 2026" in block
    assert "Noura" not in block


@pytest.mark.parametrize("size", [2, 12])
def test_the_two_blocks_read_their_placements_in_one_query_each(
    adviser_client, adviser, world, at_noon, size, django_assert_max_num_queries
):
    for number in range(size):
        candidate = CandidateFactory(adviser=adviser)
        declined = EnrolmentFactory(candidate=candidate, cohort=world.cohort, status=S.SELECTED)
        PlacementFactory(
            enrolment=declined, status=P.DECLINED, status_changed_at=NOW - datetime.timedelta(days=1 + number % 20)
        )
        waiting = EnrolmentFactory(candidate=CandidateFactory(adviser=adviser), cohort=world.cohort, status=S.SELECTED)
        PlacementFactory(enrolment=waiting, status_changed_at=NOW - datetime.timedelta(days=10 + number))

    # The page's fixed count (start/tests/test_views.py) with these blocks filled.
    # 14 for the page, 3 for the session that every request keeps alive (sliding idle expiry).
    with django_assert_max_num_queries(17):
        response = adviser_client.get(reverse("candidates:adviser-start"))

    assert len(response.context["declined"]) == size
    assert len(response.context["overdue"]) == size


def test_each_placement_block_shows_its_first_rows_in_order_and_counts_the_rest(
    adviser_client, adviser, world, at_noon
):
    extra = 2
    for number in range(START_LIST_SHOWN + extra):
        declined = EnrolmentFactory(candidate=CandidateFactory(adviser=adviser), cohort=world.cohort, status=S.SELECTED)
        PlacementFactory(
            enrolment=declined, status=P.DECLINED, status_changed_at=NOW - datetime.timedelta(hours=1 + number)
        )
        waiting = EnrolmentFactory(candidate=CandidateFactory(adviser=adviser), cohort=world.cohort, status=S.SELECTED)
        PlacementFactory(enrolment=waiting, status_changed_at=NOW - datetime.timedelta(days=10, hours=number))

    response = adviser_client.get(reverse("candidates:adviser-start"))

    # A proposal left unanswered too long is in both lists, each in its own order: the longest waiting first.
    waited = [days for _placement, days in response.context["placements"]]
    overdue = [placement.status_changed_at for placement, _days in response.context["overdue"]]
    declined = [placement.status_changed_at for placement in response.context["declined"]]
    assert len(waited) == len(overdue) == len(declined) == START_LIST_SHOWN
    assert overdue == sorted(overdue)
    assert overdue[0] == NOW - datetime.timedelta(days=10, hours=START_LIST_SHOWN + extra - 1)
    assert [placement.pk for placement, _days in response.context["placements"]] == [
        placement.pk for placement, _days in response.context["overdue"]
    ]
    # Declined: the newest first.
    assert declined == sorted(declined, reverse=True)
    assert declined[0] == NOW - datetime.timedelta(hours=1)
    for block in ("placements", "overdue", "declined"):
        assert response.context[f"{block}_not_shown"] == extra
    assert response.text.count(f"And {extra} more, not shown here.") >= 3


# --- The cohort page ---------------------------------------------------------------------------------------


class PlacesTable(HTMLParser):
    """The numbers of the places table: {employer pk or "total": {column: number}}."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict[str, int]] = {}
        self._row: str | None = None
        self._column: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "tr" and "data-employer" in attributes:
            self._row = attributes["data-employer"]
            self.rows[self._row] = {}
        if tag == "td" and "data-places" in attributes:
            self._column = attributes["data-places"]

    def handle_data(self, data) -> None:
        if self._row is not None and self._column is not None and data.strip():
            self.rows[self._row][self._column] = int(data.strip())
            self._column = None


def places_table(html: str) -> dict[str, dict[str, int]]:
    parser = PlacesTable()
    parser.feed(html)
    return parser.rows


def section(html: str, title_id: str) -> str:
    """The HTML of the <section> labelled by the heading with this id."""
    match = re.search(rf'<section[^>]*aria-labelledby="{title_id}".*?</section>', html, re.DOTALL)
    assert match, title_id
    return match.group(0)


def test_the_cohort_page_shows_offered_proposed_confirmed_and_contracts_per_employer_with_totals(adviser_client, world):
    SeatOfferFactory(employer=world.host, cohort=world.cohort, location=world.host_location, places=2)
    PlacementFactory(enrolment__cohort=world.cohort, employer=world.host, status=P.PROPOSED)
    PlacementFactory(enrolment__cohort=world.cohort, employer=world.host, status=P.ACTIVE)
    confirmed = PlacementFactory(enrolment__cohort=world.cohort, employer=world.host, status=P.CONFIRMED)
    ContractOfferFactory(placement=confirmed, status=ContractOfferStatus.ACCEPTED)
    PlacementFactory(enrolment__cohort=world.cohort, employer=world.other, status=P.DECLINED)
    # Another cohort's placements do not count.
    PlacementFactory(enrolment__cohort=CohortFactory(pilot=world.pilot), employer=world.host, status=P.CONFIRMED)

    response = adviser_client.get(world.cohort.get_absolute_url())

    assert response.status_code == 200
    table = places_table(response.text)
    assert table[str(world.host.pk)] == {"offered": 4, "proposed": 1, "confirmed": 2, "contracts": 1, "remaining": 1}
    assert table[str(world.other.pk)] == {"offered": 1, "proposed": 0, "confirmed": 0, "contracts": 0, "remaining": 1}
    assert table["total"] == {"offered": 5, "proposed": 1, "confirmed": 2, "contracts": 1, "remaining": 2}
    assert reverse("employers:seat-offer-on-behalf", args=[world.cohort.pk]) in response.text


def test_a_training_partner_sees_the_places_but_cannot_record_an_offer(client, training_partner, world):
    PilotPartnerFactory(pilot=world.pilot, organisation=training_partner.organisation)

    response = english(client, training_partner).get(world.cohort.get_absolute_url())

    assert str(world.host.pk) in places_table(response.text)
    assert reverse("employers:seat-offer-on-behalf", args=[world.cohort.pk]) not in response.text


# --- Seat offers on an employer's behalf -------------------------------------------------------------------


def seat_offer_url(cohort) -> str:
    return reverse("employers:seat-offer-on-behalf", args=[cohort.pk])


def test_a_coordinator_records_a_seat_offer_for_an_employer_and_it_can_grow(client, coordinator, world):
    client = english(client, coordinator)

    response = client.post(seat_offer_url(world.cohort), {"employer": world.partner.pk, "location": "", "places": 3})

    assert response.status_code == 302
    assert response.url == world.cohort.get_absolute_url()
    offer = SeatOffer.objects.get(employer=world.partner, cohort=world.cohort)
    assert offer.places == 3

    client.post(seat_offer_url(world.cohort), {"employer": world.partner.pk, "location": "", "places": 5})

    offer.refresh_from_db()
    assert offer.places == 5
    changes = SeatOfferChange.objects.filter(seat_offer=offer).order_by("at", "pk")
    assert [(change.from_places, change.to_places, change.by_user) for change in changes] == [
        (0, 3, coordinator),
        (3, 5, coordinator),
    ]


def test_an_offer_cannot_go_below_the_places_already_taken(adviser_client, world):
    # A proposal takes a place as a confirmed placement does.
    PlacementFactory(enrolment__cohort=world.cohort, employer=world.host, status=P.CONFIRMED)
    PlacementFactory(enrolment__cohort=world.cohort, employer=world.host, status=P.PROPOSED)

    response = adviser_client.post(seat_offer_url(world.cohort), {"employer": world.host.pk, "places": 1})

    assert response.status_code == 200
    assert "already has 2 candidates proposed or placed in this cohort" in form_errors(response)
    assert SeatOffer.objects.get(employer=world.host, location=None).places == 2


def test_only_employers_of_the_cohort_or_its_pilot_can_get_an_offer_recorded(adviser_client, world):
    response = adviser_client.post(seat_offer_url(world.cohort), {"employer": world.stranger.pk, "places": 2})

    assert response.status_code == 200
    assert "employer" in response.context["form"].errors
    assert not SeatOffer.objects.filter(employer=world.stranger).exists()


# --- Joint vacancies ---------------------------------------------------------------------------------------


def vacancy_data(world, **overrides):
    data = {
        "cohort": world.cohort.pk,
        "title": "Leerling groepshulp",
        "description": "Eén vacature voor alle kinderopvangorganisaties.",
        "published_on": "2026-11-02",
        "closes_on": "2026-12-18",
        "employers": [world.host.pk, world.partner.pk],
    }
    return {**data, **overrides}


def test_a_coordinator_publishes_a_joint_vacancy_for_the_employers_of_the_cohort(client, coordinator, world):
    response = english(client, coordinator).post(reverse("employers:vacancy-create"), vacancy_data(world))

    vacancy = JointVacancy.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("employers:vacancy-detail", args=[vacancy.pk])
    assert set(vacancy.employers.all()) == {world.host, world.partner}
    assert vacancy.cohort == world.cohort
    assert vacancy.created_by == coordinator


def test_a_vacancy_cannot_include_an_employer_outside_the_cohort_and_its_pilot(adviser_client, world):
    response = adviser_client.post(
        reverse("employers:vacancy-create"), vacancy_data(world, employers=[world.host.pk, world.stranger.pk])
    )

    assert response.status_code == 200
    assert "employers" in response.context["form"].errors
    assert not JointVacancy.objects.exists()


def test_the_vacancy_list_shows_the_vacancies_of_the_cohort(adviser_client, world):
    ours = JointVacancyFactory(cohort=world.cohort, title="Leerling groepshulp", employers=[world.host])
    JointVacancyFactory(cohort=CohortFactory(pilot=world.pilot), title="Andere ronde")

    response = adviser_client.get(reverse("employers:vacancy-list"), {"cohort": world.cohort.pk})

    assert list(response.context["vacancies"]) == [ours]
    assert "Andere ronde" not in response.text


@pytest.fixture
def vacancy(world):
    return JointVacancyFactory(cohort=world.cohort, title="Leerling groepshulp", employers=[world.host, world.other])


def test_a_candidate_applies_once(adviser_client, adviser, world, vacancy):
    newcomer = CandidateFactory(first_name="Linda", last_name="Bakker", adviser=adviser)
    apply_url = reverse("employers:vacancy-apply", args=[vacancy.pk])

    response = adviser_client.post(apply_url, {"candidate": newcomer.pk, "applied_on": "2026-11-20"})

    assert response.status_code == 302
    application = VacancyApplication.objects.get()
    assert application.enrolment.candidate == newcomer
    assert application.enrolment.cohort == world.cohort
    assert application.recorded_by == adviser

    again = adviser_client.post(apply_url, {"candidate": newcomer.pk, "applied_on": "2026-11-21"})

    assert again.status_code == 200
    assert "candidate" in again.context["apply_form"].errors
    assert VacancyApplication.objects.count() == 1


def test_an_application_after_the_closing_date_is_refused_on_the_form(adviser_client, adviser, world, vacancy):
    vacancy.closes_on = datetime.date(2026, 12, 1)
    vacancy.save()

    response = adviser_client.post(
        reverse("employers:vacancy-apply", args=[vacancy.pk]),
        {"candidate": world.candidate.pk, "applied_on": "2026-12-02"},
    )

    assert response.status_code == 200
    assert "This vacancy closed on" in " ".join(response.context["apply_form"].non_field_errors())
    assert not VacancyApplication.objects.exists()


def test_the_vacancy_page_shows_the_distribution_at_a_glance_and_the_applicants(adviser_client, world, vacancy):
    VacancyApplicationFactory(vacancy=vacancy, enrolment=world.enrolment)
    PlacementFactory(enrolment__cohort=world.cohort, employer=world.host, status=P.CONFIRMED)

    response = adviser_client.get(reverse("employers:vacancy-detail", args=[vacancy.pk]))

    table = places_table(response.text)
    assert table[str(world.host.pk)] == {"offered": 2, "proposed": 0, "confirmed": 1, "remaining": 1}
    assert table[str(world.other.pk)] == {"offered": 1, "proposed": 0, "confirmed": 0, "remaining": 1}
    assert table["total"]["remaining"] == 2
    assert "<progress" in section(response.text, "distribution-title")
    assert "Fatma Yilmaz" in section(response.text, "applicants-title")
    assert reverse("employers:vacancy-distribute", args=[vacancy.pk]) in response.text


def selected_applicant(vacancy, first_name):
    return VacancyApplicationFactory(
        vacancy=vacancy, enrolment__candidate__first_name=first_name, enrolment__status=S.SELECTED
    ).enrolment


def distribute(client, vacancy, assignments):
    data = {"days_per_week": 2, "start_date": "2027-02-01", "end_date": "2027-05-14"}
    data.update({f"employer_{enrolment.pk}": employer.pk for enrolment, employer in assignments})
    return client.post(reverse("employers:vacancy-distribute", args=[vacancy.pk]), data)


def test_distributing_proposes_each_applicant_to_the_chosen_employer(adviser_client, world, vacancy):
    anna, bram = selected_applicant(vacancy, "Anna"), selected_applicant(vacancy, "Bram")

    response = distribute(adviser_client, vacancy, [(anna, world.host), (bram, world.other)])

    assert response.status_code == 302
    placements = {(p.enrolment, p.employer, p.status) for p in Placement.objects.all()}
    assert placements == {(anna, world.host, P.PROPOSED), (bram, world.other, P.PROPOSED)}


def test_distributing_more_applicants_than_an_employer_has_places_saves_nothing(adviser_client, world, vacancy):
    anna, bram = selected_applicant(vacancy, "Anna"), selected_applicant(vacancy, "Bram")

    response = distribute(adviser_client, vacancy, [(anna, world.other), (bram, world.other)])

    assert response.status_code == 200
    assert (
        "Kinderopvang Zonnestraal offered 1 places and already has 0 candidates proposed or placed; 2 more do not fit."
        in form_errors(response)
    )
    assert not Placement.objects.exists()


def test_an_employer_without_places_left_is_not_offered_for_distribution(adviser_client, world, vacancy):
    anna = selected_applicant(vacancy, "Anna")
    PlacementFactory(enrolment__cohort=world.cohort, employer=world.other, status=P.CONFIRMED)

    response = distribute(adviser_client, vacancy, [(anna, world.other)])

    assert response.status_code == 200
    assert f"employer_{anna.pk}" in response.context["form"].errors
    assert not Placement.objects.filter(enrolment=anna).exists()


def test_only_selected_applicants_without_an_open_placement_are_distributed(adviser_client, world, vacancy):
    anna = selected_applicant(vacancy, "Anna")
    placed = selected_applicant(vacancy, "Bram")
    PlacementFactory(enrolment=placed, employer=world.host)
    VacancyApplicationFactory(vacancy=vacancy, enrolment__status=S.REGISTERED)

    response = adviser_client.get(reverse("employers:vacancy-distribute", args=[vacancy.pk]))

    assert [application.enrolment for application in response.context["form"].applications] == [anna]


# --- Contract offers and early ends ------------------------------------------------------------------------


def answer(client, offer, value):
    return client.post(reverse("employers:contract-offer-answer-adviser", args=[offer.pk]), {"answer": value})


@pytest.fixture
def offer(world):
    placement = PlacementFactory(enrolment=world.enrolment, employer=world.host, status=P.ACTIVE)
    return ContractOfferFactory(placement=placement)


def complete(enrolment):
    enrolment.status = S.COMPLETED
    enrolment.started_on = datetime.date(2027, 2, 1)
    enrolment.ended_on = datetime.date(2027, 5, 14)
    enrolment.save()


def test_the_enrolment_page_lists_the_contract_offers_with_their_answer_buttons(adviser_client, world, offer):
    response = adviser_client.get(reverse("employers:adviser-enrolment", args=[world.enrolment.pk]))

    assert response.context["offers"] == [offer]
    assert reverse("employers:contract-offer-answer-adviser", args=[offer.pk]) in response.text


def test_an_offer_accepted_during_the_track_waits_for_its_end(adviser_client, world, offer):
    world.enrolment.status = S.STARTED
    world.enrolment.save()

    response = answer(adviser_client, offer, "accepted")

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == ContractOfferStatus.ACCEPTED
    world.enrolment.refresh_from_db()
    assert not hasattr(world.enrolment, "outcome")

    complete(world.enrolment)
    page = adviser_client.get(reverse("employers:adviser-enrolment", args=[world.enrolment.pk]))
    assert page.context["can_apply_outcome"]

    adviser_client.post(reverse("employers:accepted-offer-apply", args=[world.enrolment.pk]))

    world.enrolment.refresh_from_db()
    assert world.enrolment.outcome.kind == OutcomeKind.CONTRACT_AT_HOST
    assert world.enrolment.outcome.employer == world.host
    assert world.enrolment.status == S.OUTFLOW


def test_an_offer_accepted_after_the_track_is_completed_becomes_the_outcome(adviser_client, world, offer):
    complete(world.enrolment)

    response = answer(adviser_client, offer, "accepted")

    assert response.status_code == 302
    world.enrolment.refresh_from_db()
    assert world.enrolment.status == S.OUTFLOW
    assert world.enrolment.outcome.employer == world.host
    assert world.enrolment.outcome.hours_per_week == offer.hours_per_week


def test_a_declined_offer_records_no_outcome(adviser_client, world, offer):
    complete(world.enrolment)

    answer(adviser_client, offer, "declined")

    offer.refresh_from_db()
    assert offer.status == ContractOfferStatus.DECLINED
    world.enrolment.refresh_from_db()
    assert world.enrolment.status == S.COMPLETED


def test_an_adviser_ends_a_placement_early_and_proposes_the_candidate_elsewhere(adviser_client, world):
    placement = PlacementFactory(enrolment=world.enrolment, employer=world.host, status=P.CONFIRMED)

    response = adviser_client.post(
        reverse("employers:placement-end-adviser", args=[placement.pk]),
        {"reason": EndReason.NOT_A_FIT, "note": "Past niet in het team; liever een rustiger groep."},
    )

    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == P.ENDED
    assert placement.end_reason == EndReason.NOT_A_FIT
    page = adviser_client.get(response.url)
    assert f'href="{propose_url(world.enrolment)}"' in page.text

    proposed = adviser_client.post(
        propose_url(world.enrolment), propose_data(world, employer=world.other.pk, location=world.other_location.pk)
    )

    assert proposed.status_code == 302
    assert Placement.objects.get(enrolment=world.enrolment, status=P.PROPOSED).employer == world.other


def test_ending_for_another_reason_needs_a_note(adviser_client, world):
    placement = PlacementFactory(enrolment=world.enrolment, employer=world.host, status=P.ACTIVE)

    adviser_client.post(reverse("employers:placement-end-adviser", args=[placement.pk]), {"reason": EndReason.OTHER})

    placement.refresh_from_db()
    assert placement.status == P.ACTIVE


# --- Who may come in ---------------------------------------------------------------------------------------


@pytest.fixture
def pages(world, vacancy, offer):
    placement = offer.placement
    return [
        ("get", "employers:placement-propose", [world.enrolment.pk]),
        ("post", "employers:placement-propose", [world.enrolment.pk]),
        ("get", "employers:adviser-enrolment", [world.enrolment.pk]),
        ("post", "employers:accepted-offer-apply", [world.enrolment.pk]),
        ("post", "employers:placement-end-adviser", [placement.pk]),
        ("post", "employers:contract-offer-answer-adviser", [offer.pk]),
        ("get", "employers:seat-offer-on-behalf", [world.cohort.pk]),
        ("post", "employers:seat-offer-on-behalf", [world.cohort.pk]),
        ("get", "employers:vacancy-detail", [vacancy.pk]),
        ("post", "employers:vacancy-apply", [vacancy.pk]),
        ("get", "employers:vacancy-distribute", [vacancy.pk]),
        ("post", "employers:vacancy-distribute", [vacancy.pk]),
    ]


def test_an_employer_contact_is_refused_every_adviser_page(client, employer_contact, pages):
    client.force_login(employer_contact)

    for method, name, args in [*pages, ("get", "employers:vacancy-list", []), ("get", "employers:vacancy-create", [])]:
        response = getattr(client, method)(reverse(name, args=args))
        assert response.status_code == 403, (method, name)
    assert not Placement.objects.filter(status=P.PROPOSED).exists()


def test_an_adviser_of_another_region_gets_not_found(client, pages, world):
    elsewhere = OrganisationFactory(name="WSP Elders", region=RegionFactory(name="Groningen"))
    client.force_login(UserFactory(username="adviseur-elders", organisation=elsewhere, role=Role.ADVISER))

    for method, name, args in pages:
        response = getattr(client, method)(reverse(name, args=args))
        assert response.status_code == 404, (method, name)
    assert client.get(reverse("employers:vacancy-list")).context["vacancies"].count() == 0


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMINISTRATOR])
def test_coordinators_and_administrators_open_the_adviser_pages(client, user_for_role, role, pages):
    client.force_login(user_for_role(role))

    for method, name, args in pages:
        if method == "get":
            assert client.get(reverse(name, args=args)).status_code == 200, name
