"""A forgotten password on the way to a page: the reset keeps that page (`next`) and ends on it, logged in.

A host opens the proposal link from an e-mail without a session and lands on the login page with the proposal as
`next`. From "Wachtwoord vergeten?" on, every step carries it: the request, the e-mail's link, the new password;
after that the host is logged in and on the proposal. Every `next` passes core.redirects.safe_next.
"""

import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from employers.models import PlacementStatus
from employers.tests.factories import PlacementFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "nieuw-Wachtwoord-voor-2027"
RESET_LINK = re.compile(r"http://testserver(/wachtwoord-herstellen/\S+)")


@pytest.fixture(autouse=True)
def english(client, settings):
    """The messages are asserted on in their English source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def proposal_url(employer, employer_contact) -> str:
    placement = PlacementFactory(employer=employer, status=PlacementStatus.PROPOSED)
    return reverse("employers:placement-detail", kwargs={"pk": placement.pk})


def with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url}, safe='/')}"


def request_reset(client, email: str, next_url: str, django_capture_on_commit_callbacks):
    """Ask for the link from the reset page as the login page links to it; returns the answer and the link."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(with_next("password_reset", next_url), {"email": email, "next": next_url})
    return response, RESET_LINK.search(mail.outbox[-1].body)[1]


def choose_new_password(client, link: str):
    form_url = client.get(link)["Location"]  # the token moves into the session
    return form_url, client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_a_reset_from_the_proposal_link_ends_logged_in_on_the_proposal(
    client, employer_contact, proposal_url, django_capture_on_commit_callbacks
):
    login_url = client.get(proposal_url)["Location"]
    assert login_url == with_next("login", proposal_url)
    reset_url = with_next("password_reset", proposal_url)
    assert f'href="{reset_url}"' in client.get(login_url).text

    reset_page = client.get(reset_url).text
    assert f'name="next" value="{proposal_url}"' in reset_page
    response, link = request_reset(client, employer_contact.email, proposal_url, django_capture_on_commit_callbacks)

    assert response["Location"] == with_next("password_reset_done", proposal_url)
    assert f'href="{login_url}"' in client.get(response["Location"]).text, "back to log in keeps the proposal"
    assert link.endswith(f"?next={proposal_url}")
    assert SESSION_KEY not in client.session

    form_url, response = choose_new_password(client, link)

    assert form_url.endswith(f"/set-password/?next={proposal_url}")
    assert response.status_code == 302 and response["Location"] == proposal_url
    assert client.session[SESSION_KEY] == str(employer_contact.pk)
    page = client.get(proposal_url)
    assert page.status_code == 200
    assert "Your new password has been saved and you are logged in." in page.text
    employer_contact.refresh_from_db()
    assert employer_contact.check_password(NEW_PASSWORD)


def test_the_same_reset_in_a_browser_without_the_session_still_ends_on_the_proposal(
    client, employer_contact, proposal_url, django_capture_on_commit_callbacks
):
    """The e-mail is often opened elsewhere (a phone, another browser): the link itself carries the proposal."""
    _response, link = request_reset(client, employer_contact.email, proposal_url, django_capture_on_commit_callbacks)
    client.cookies.clear()

    _form_url, response = choose_new_password(client, link)

    assert response["Location"] == proposal_url
    assert client.session[SESSION_KEY] == str(employer_contact.pk)


def test_without_a_page_to_return_to_the_reset_ends_logged_in_on_the_start_page(
    client, employer_contact, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": employer_contact.email})
    assert response["Location"] == reverse("password_reset_done")
    link = RESET_LINK.search(mail.outbox[-1].body)[1]
    assert "next=" not in link

    form_url, response = choose_new_password(client, link)

    assert "next=" not in form_url
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == reverse("employers:start")


@pytest.mark.parametrize("foreign", ["https://elders.example/", "//elders.example/", "/\\elders.example", "logout"])
def test_a_next_that_is_not_a_page_of_the_portal_is_dropped_at_every_step(
    client, employer_contact, foreign, django_capture_on_commit_callbacks
):
    assert client.get(with_next("password_reset", foreign)).context["next"] == ""

    response, link = request_reset(client, employer_contact.email, foreign, django_capture_on_commit_callbacks)

    assert response["Location"] == reverse("password_reset_done")
    assert "next=" not in link
    _form_url, response = choose_new_password(client, link + "?" + urlencode({"next": foreign}))
    assert response["Location"] == reverse("home")


def test_the_second_step_still_comes_before_the_proposal(
    client, employer_contact, proposal_url, django_capture_on_commit_callbacks
):
    TOTPDevice.objects.create(user=employer_contact, name="telefoon", confirmed=True)
    _response, link = request_reset(client, employer_contact.email, proposal_url, django_capture_on_commit_callbacks)
    _form_url, response = choose_new_password(client, link)

    response = client.get(response["Location"])

    assert response["Location"] == f"{reverse('otp-verify')}?{urlencode({'next': proposal_url})}"
