"""Every view that takes a return-to address (`next`) commits its change and then redirects on this site only.

A crafted `next` once gave a 500 after the change was saved (`next=home2` was reversed as a view name) or sent the
person on to logging out (`next=logout`). Each view here is posted to as the role that uses it, with valid data,
so the change is committed before the redirect is chosen.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from candidates.models import Enrolment, EnrolmentStatus
from candidates.tests.journeys import walk
from core.roles import Role
from core.tests.factories import UserFactory
from core.tests.test_auth import PASSWORD
from core.tests.test_twofactor import code_for
from pilots.tests.factories import CohortFactory, PilotFactory

S = EnrolmentStatus
HOME = reverse("home")
SETUP = reverse("otp-setup")
HOSTILE = [
    "home2",
    "logout",
    "candidates:adviser-start",
    "//evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\\evil.example",
    " /x",
    "/x\r\nLocation: https://evil.example/",
    "\x00",
]
hostile_next = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=30),
    st.builds(
        str.__add__,
        st.sampled_from(["/", "//", "/\\", "\\", " /", "\t/", "http://", "https:", "javascript:", "/%2F"]),
        st.text(max_size=20),
    ),
)


@dataclass
class Outcome:
    response: HttpResponse
    committed: bool
    default: str  # where the view goes when the next is refused


@dataclass
class World:
    adviser: object
    cohort: object
    organisation: object

    def logged_in(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client


def transition(world: World, next_value: str) -> Outcome:
    enrolment = walk(cohort=world.cohort, to=S.SCREENED, by_user=world.adviser)
    response = world.logged_in(world.adviser).post(
        reverse("candidates:enrolment-transition", kwargs={"pk": enrolment.pk}),
        {"to_status": S.RESERVE, "next": next_value},
    )
    enrolment.refresh_from_db()
    default = reverse("candidates:cohort-selection", kwargs={"pk": world.cohort.pk})
    return Outcome(response, enrolment.status == S.RESERVE, default)


def confirm_interest(world: World, next_value: str) -> Outcome:
    enrolment = walk(cohort=world.cohort, to=S.RESERVE, by_user=world.adviser)
    Enrolment.objects.filter(pk=enrolment.pk).update(interest_confirmed_on=date(2000, 1, 1))
    response = world.logged_in(world.adviser).post(
        reverse("candidates:interest-confirm", kwargs={"pk": enrolment.pk}), {"next": next_value}
    )
    enrolment.refresh_from_db()
    default = reverse("candidates:cohort-selection", kwargs={"pk": world.cohort.pk})
    return Outcome(response, enrolment.interest_confirmed_on != date(2000, 1, 1), default)


def otp_verify(world: World, next_value: str) -> Outcome:
    user = UserFactory(organisation=world.organisation, role=Role.COORDINATOR)
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    response = client.post(reverse("otp-verify"), {"code": code_for(device), "next": next_value})
    return Outcome(response, client.session.get(DEVICE_ID_SESSION_KEY) == device.persistent_id, HOME)


def otp_setup(world: World, next_value: str) -> Outcome:
    user = UserFactory(organisation=world.organisation, role=Role.COORDINATOR)
    client = world.logged_in(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"code": code_for(device), "next": next_value})
    device.refresh_from_db()
    return Outcome(response, device.confirmed, HOME)


def login(world: World, next_value: str) -> Outcome:
    user = UserFactory(organisation=world.organisation, role=Role.ADVISER)
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD, "next": next_value})
    return Outcome(response, client.session.get(SESSION_KEY) == str(user.pk), HOME)


VIEWS: dict[str, Callable[[World, str], Outcome]] = {
    "transition": transition,
    "confirm_interest": confirm_interest,
    "otp_verify": otp_verify,
    "otp_setup": otp_setup,
    "login": login,
}


@pytest.fixture
def world(adviser, organisation) -> World:
    cohort = CohortFactory(pilot=PilotFactory(lead_organisation=organisation, region=organisation.region))
    return World(adviser=adviser, cohort=cohort, organisation=organisation)


def redirect_target(view: str, outcome: Outcome) -> str:
    """Where the person ends up; the setup page sends back to itself and carries a next along, if one was given."""
    assert outcome.response.status_code == 302, outcome.response.status_code
    location = outcome.response["Location"]
    if view == "otp_setup":
        parts = urlsplit(location)
        assert parts.path == SETUP
        return parse_qs(parts.query).get("next", [outcome.default])[0]
    return location


def assert_same_site_path(target: str) -> None:
    parts = urlsplit(target)
    assert target.startswith("/") and not target.startswith(("//", "/\\")), target
    assert not parts.scheme and not parts.netloc, target
    assert target.isprintable() and not any(char.isspace() for char in target), target


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("next_value", ["home2", "logout", "//evil.example", "https://evil.example/"])
def test_a_view_commits_and_goes_to_its_own_page_when_next_is_not_a_path_on_this_site(world, view, next_value):
    outcome = VIEWS[view](world, next_value)

    assert outcome.committed
    assert redirect_target(view, outcome) == outcome.default


@pytest.mark.parametrize("view", VIEWS)
def test_a_view_follows_a_next_that_is_a_path_on_this_site(world, view):
    outcome = VIEWS[view](world, "/kandidaten/?cohort=1")

    assert outcome.committed
    assert redirect_target(view, outcome) == "/kandidaten/?cohort=1"


@pytest.mark.parametrize("view", VIEWS)
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(next_value=hostile_next)
def test_no_next_gives_a_server_error_or_leaves_the_site(world, view, next_value):
    outcome = VIEWS[view](world, next_value)

    assert outcome.committed
    target = redirect_target(view, outcome)
    # The target is the next itself (as the redirect encodes it) or the view's own page.
    assert target in (iri_to_uri(next_value), next_value, outcome.default)
    assert_same_site_path(target)
