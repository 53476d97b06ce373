"""The candidate page links each enrolment to the intake steps that come next, for the roles that may take them."""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from candidates.models import EnrolmentStatus
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from pilots.models import PartnerRole
from pilots.tests.factories import CohortFactory, PilotFactory, PilotPartnerFactory

S = EnrolmentStatus


class ActionLinks(HTMLParser):
    """The (data-action, href) pairs of the enrolment cards' links."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "a" and "data-action" in attributes:
            self.links.append((attributes["data-action"], attributes["href"]))


def action_links(client, user, candidate) -> list[tuple[str, str]]:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("candidates:candidate-detail", args=[candidate.pk]))
    assert response.status_code == 200
    parser = ActionLinks()
    parser.feed(response.text)
    return parser.links


@pytest.fixture
def pilot(organisation, training_partner):
    pilot = PilotFactory(name="Groepshulp kinderopvang", slug="groepshulp", lead_organisation=organisation)
    PilotPartnerFactory(pilot=pilot, organisation=training_partner.organisation, role=PartnerRole.TRAINING_PARTNER)
    return pilot


@pytest.fixture
def cohort(pilot):
    return CohortFactory(pilot=pilot, name="Ronde 2")


@pytest.fixture
def candidate():
    return CandidateFactory(first_name="Sanne", last_name="Visser")


def plan_url(enrolment) -> str:
    return reverse("candidates:screening-plan", args=[enrolment.pk])


def record_url(enrolment) -> str:
    return reverse("candidates:screening-record", args=[enrolment.pk])


def selection_url(enrolment) -> str:
    return reverse("candidates:cohort-selection", args=[enrolment.cohort_id])


def board_url(enrolment) -> str:
    return f"{reverse('candidates:board', args=[enrolment.cohort.pilot.slug])}?cohort={enrolment.cohort_id}"


def test_an_adviser_is_led_from_a_registered_enrolment_to_planning_its_screening(client, adviser, cohort, candidate):
    enrolment = EnrolmentFactory(candidate=candidate, cohort=cohort, status=S.REGISTERED)

    links = action_links(client, adviser, candidate)

    assert links == [
        ("screening-plan", plan_url(enrolment)),
        ("screening-record", record_url(enrolment)),
        ("board", board_url(enrolment)),
    ]


def test_an_adviser_is_led_from_a_planned_screening_to_recording_it(client, adviser, cohort, candidate):
    enrolment = EnrolmentFactory(candidate=candidate, cohort=cohort, status=S.SCREENING_PLANNED)

    links = action_links(client, adviser, candidate)

    assert links == [
        ("screening-record", record_url(enrolment)),
        ("screening-plan", plan_url(enrolment)),
        ("board", board_url(enrolment)),
    ]


def test_an_adviser_is_led_from_a_screened_enrolment_to_the_selection(client, adviser, cohort, candidate):
    enrolment = EnrolmentFactory(candidate=candidate, cohort=cohort, status=S.SCREENED)

    links = action_links(client, adviser, candidate)

    assert links == [
        ("cohort-selection", selection_url(enrolment)),
        ("screening-record", record_url(enrolment)),
        ("board", board_url(enrolment)),
    ]


@pytest.mark.parametrize("status", [S.SELECTED, S.RESERVE, S.NOT_SELECTED])
def test_after_the_decision_the_selection_and_the_board_remain(client, adviser, cohort, candidate, status):
    enrolment = EnrolmentFactory(candidate=candidate, cohort=cohort, status=status)

    links = action_links(client, adviser, candidate)

    assert links == [("cohort-selection", selection_url(enrolment)), ("board", board_url(enrolment))]


def test_a_started_enrolment_only_links_to_the_board(client, adviser, cohort, candidate):
    enrolment = EnrolmentFactory(candidate=candidate, cohort=cohort, status=S.STARTED)

    assert action_links(client, adviser, candidate) == [("board", board_url(enrolment))]


def test_every_enrolment_gets_its_own_links(client, adviser, pilot, cohort, candidate):
    registered = EnrolmentFactory(candidate=candidate, cohort=cohort, status=S.REGISTERED)
    screened = EnrolmentFactory(candidate=candidate, cohort=CohortFactory(pilot=pilot), status=S.SCREENED)

    links = action_links(client, adviser, candidate)

    assert ("screening-plan", plan_url(registered)) in links
    assert ("cohort-selection", selection_url(screened)) in links
    assert ("cohort-selection", selection_url(registered)) not in links
    assert ("screening-plan", plan_url(screened)) not in links


@pytest.mark.parametrize("status", [S.REGISTERED, S.SCREENING_PLANNED, S.SCREENED, S.SELECTED])
def test_a_training_partner_gets_no_screening_or_selection_links(client, training_partner, cohort, candidate, status):
    enrolment = EnrolmentFactory(candidate=candidate, cohort=cohort, status=status)

    links = action_links(client, training_partner, candidate)

    # Training partners follow their participants on the board, and do nothing else of the intake.
    assert links == [("board", board_url(enrolment))]
    page = client.get(reverse("candidates:candidate-detail", args=[candidate.pk])).text
    for url in (plan_url(enrolment), record_url(enrolment), selection_url(enrolment)):
        assert url not in page


def test_a_coordinator_is_led_to_the_selection_but_not_to_the_screening(client, coordinator, cohort, candidate):
    screened = EnrolmentFactory(candidate=candidate, cohort=cohort, status=S.SCREENED)

    links = action_links(client, coordinator, candidate)

    assert links == [("cohort-selection", selection_url(screened)), ("board", board_url(screened))]


@pytest.mark.parametrize(
    ("user_fixture", "status"),
    [
        ("adviser", S.REGISTERED),
        ("adviser", S.SCREENED),
        ("administrator", S.SCREENING_PLANNED),
        ("coordinator", S.RESERVE),
        ("training_partner", S.SCREENED),
    ],
)
def test_every_link_opens_for_the_user_it_is_shown_to(request, client, cohort, candidate, user_fixture, status):
    user = request.getfixturevalue(user_fixture)
    EnrolmentFactory(candidate=candidate, cohort=cohort, status=status)

    links = action_links(client, user, candidate)

    assert links
    for _action, href in links:
        assert client.get(href).status_code == 200, href
