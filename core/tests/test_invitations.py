"""People by invitation: a coordinator invites, the person chooses a password through a one-time link, and access
can be sent again or ended.

Pages are asked for in English (the language cookie), so the assertions read the message ids whatever state the
Dutch translation is in.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from core.invitations import (
    InvitationRefusedError,
    PersonStatus,
    hash_token,
    invitation_create,
    person_status,
    user_deactivate,
    user_reactivate,
)
from core.models import AuditAction, AuditEvent, Invitation, User
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.models import OrganisationKind, PartnerRole
from pilots.tests.factories import OrganisationFactory, PilotFactory, PilotPartnerFactory

PEOPLE_URL = reverse("people:list")
LINK = re.compile(r"https?://[^/\s]+(/uitnodiging/[^/\s]+/)")
PASSWORD = "Een-lang-Wachtwoord-2027"


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def pilot(coordinator):
    return PilotFactory(lead_organisation=coordinator.organisation, region=coordinator.organisation.region)


@pytest.fixture
def college(pilot):
    college = OrganisationFactory(name="ROC Testregio", kind=OrganisationKind.COLLEGE, region=pilot.region)
    PilotPartnerFactory(pilot=pilot, organisation=college, role=PartnerRole.TRAINING_PARTNER)
    return college


@pytest.fixture
def elsewhere(db):
    """Another region's pilot, its WSP and their adviser."""
    other = PilotFactory(name="Pilot elders", lead_organisation__name="WSP Elders")
    adviser = UserFactory(username="adviseur-elders", organisation=other.lead_organisation, role=Role.ADVISER)
    return other.lead_organisation, adviser


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return english(client)


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    return english(client)


def invite(client, organisation, *, role=Role.TRAINING_PARTNER, email="docent@roc.example.nl", capture=None):
    data = {
        "first_name": "Dora",
        "last_name": "Docent",
        "email": email,
        "role": role,
        "organisation": organisation.pk,
    }
    if capture is None:
        return client.post(PEOPLE_URL, data)
    with capture(execute=True):
        return client.post(PEOPLE_URL, data)


def link_in(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match[1]


@pytest.fixture
def invited(coordinator_client, college, django_capture_on_commit_callbacks):
    """A trainer invited through the page; the link from the mail that was sent."""
    response = invite(coordinator_client, college, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    return User.objects.get(email="docent@roc.example.nl"), link_in(mail.outbox[0])


def accept(link: str, password: str = PASSWORD) -> tuple[Client, object]:
    visitor = english(Client())
    response = visitor.post(link, {"new_password1": password, "new_password2": password})
    return visitor, response


# --- Inviting and accepting -------------------------------------------------------------------------------------


def test_an_invited_person_chooses_a_password_and_lands_logged_in_on_their_start_page(invited):
    person, link = invited
    message = mail.outbox[0]
    assert message.to == ["docent@roc.example.nl"]
    assert "docent@roc.example.nl" in message.body  # the username
    assert person_status(person) == PersonStatus.INVITED
    assert not person.has_usable_password()
    assert person.role == Role.TRAINING_PARTNER

    visitor = english(Client())
    page = visitor.get(link)
    assert page.status_code == 200
    assert "Choose a password to open your account" in page.text

    response = visitor.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("pilots:training-start")
    start = visitor.get(response.url)
    assert start.status_code == 200
    assert start.wsgi_request.user == person
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert person_status(person) == PersonStatus.ACCEPTED
    actions = set(AuditEvent.objects.filter(target_id=str(person.pk)).values_list("action", flat=True))
    assert {AuditAction.INVITATION_SENT, AuditAction.INVITATION_ACCEPTED} <= actions


def test_the_person_can_log_in_with_the_chosen_password_afterwards(invited):
    person, link = invited
    accept(link)

    client = Client()
    response = client.post(reverse("login"), {"username": person.username, "password": PASSWORD})

    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("pilots:training-start")


def logs_in(username: str, password: str) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def test_nobody_can_log_in_with_an_invited_account_before_the_link_is_used(invited):
    person, _link = invited

    assert not logs_in(person.username, "")
    assert not logs_in(person.username, "!")


def test_the_page_shows_who_was_invited_and_when_they_accepted(coordinator_client, invited):
    person, link = invited
    page = coordinator_client.get(PEOPLE_URL)
    assert "Dora Docent" in page.text
    assert "Invited" in page.text
    assert "Training partner" in page.text

    accept(link)

    rows = {row.person.pk: row for row in coordinator_client.get(PEOPLE_URL).context["rows"]}
    assert rows[person.pk].status == PersonStatus.ACCEPTED
    assert rows[person.pk].person.accepted_at is not None


def test_only_a_hash_of_the_token_is_stored(invited):
    person, link = invited
    token = link.rstrip("/").rsplit("/", 1)[1]

    invitation = Invitation.objects.get(user=person)
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash


def test_the_link_works_once(invited):
    person, link = invited
    accept(link)

    again = english(Client()).get(link)
    assert again.status_code == 410
    assert "This invitation has been used already" in again.text

    _visitor, response = accept(link, "Een-Ander-Wachtwoord-2028")
    assert response.status_code == 410
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_an_expired_link_is_refused(invited):
    person, link = invited

    with time_machine.travel(timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS, minutes=1)):
        page = english(Client()).get(link)
        _visitor, response = accept(link)

    assert page.status_code == 410
    assert "This invitation has expired" in page.text
    assert response.status_code == 410
    person.refresh_from_db()
    assert not person.has_usable_password()


def test_a_link_still_works_on_its_last_day(invited):
    _person, link = invited

    with time_machine.travel(timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS, minutes=-5)):
        _visitor, response = accept(link)

    assert response.status_code == 302


def test_an_unknown_link_shows_a_page_and_no_error(db):
    response = english(Client()).get(reverse("invitation-accept", kwargs={"token": "niet-bestaand"}))

    assert response.status_code == 404
    assert "This invitation link is not known" in response.text


def test_a_password_the_validators_refuse_is_a_form_error(invited):
    person, link = invited

    _visitor, response = accept(link, "12345")

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    person.refresh_from_db()
    assert not person.has_usable_password()


def test_the_link_leads_into_the_two_step_set_up_when_the_role_requires_it(invited, settings):
    settings.OTP_REQUIRED_ROLES = [Role.TRAINING_PARTNER.value]
    _person, link = invited

    visitor, response = accept(link)

    start = reverse("pilots:training-start")
    assert response.status_code == 302
    assert response.url == f"{reverse('otp-setup')}?next={start.replace('/', '%2F')}"
    setup = visitor.get(response.url)
    assert setup.status_code == 200
    assert setup.context["required"] is True
    # Until the second step is set up, the start page sends the person back to it.
    assert visitor.get(start).url.startswith(reverse("otp-setup"))


# --- Sending again ----------------------------------------------------------------------------------------------


def test_sending_again_makes_the_old_link_invalid(coordinator_client, invited, django_capture_on_commit_callbacks):
    person, old_link = invited

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(reverse("people:resend", args=[person.pk]))

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    new_link = link_in(mail.outbox[1])
    assert new_link != old_link
    closed = english(Client()).get(old_link)
    assert closed.status_code == 410
    assert "This invitation no longer works" in closed.text
    _visitor, accepted = accept(new_link)
    assert accepted.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.INVITATION_RESENT, target_id=str(person.pk)).exists()


def test_sending_again_to_someone_who_accepted_is_refused(coordinator_client, invited):
    person, link = invited
    accept(link)

    response = coordinator_client.post(reverse("people:resend", args=[person.pk]), follow=True)

    assert "has chosen a password already" in response.text
    assert Invitation.objects.filter(user=person).count() == 1


def test_an_expired_invitation_can_be_sent_again(coordinator_client, invited, django_capture_on_commit_callbacks):
    person, _link = invited

    with time_machine.travel(timezone.now() + timedelta(days=30)):
        coordinator_client.force_login(User.objects.get(username="coordinator"))
        rows = {row.person.pk: row for row in coordinator_client.get(PEOPLE_URL).context["rows"]}
        assert rows[person.pk].link_expired
        with django_capture_on_commit_callbacks(execute=True):
            coordinator_client.post(reverse("people:resend", args=[person.pk]))
        _visitor, response = accept(link_in(mail.outbox[-1]))

    assert response.status_code == 302


# --- Deactivating -----------------------------------------------------------------------------------------------


def test_deactivating_ends_an_existing_session(coordinator_client, adviser):
    adviser_client = Client()
    adviser_client.force_login(adviser)
    assert adviser_client.get(reverse("candidates:adviser-start")).status_code == 200

    page = coordinator_client.get(reverse("people:deactivate", args=[adviser.pk]))
    assert page.status_code == 200
    response = coordinator_client.post(reverse("people:deactivate", args=[adviser.pk]))

    assert response.status_code == 302
    adviser.refresh_from_db()
    assert not adviser.is_active
    assert not [s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(adviser.pk)]
    next_request = adviser_client.get(reverse("candidates:adviser-start"))
    assert next_request.status_code == 302
    assert next_request.url.startswith(reverse("login"))
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DEACTIVATED, target_id=str(adviser.pk)).exists()
    # The coordinator's own session goes on.
    assert coordinator_client.get(PEOPLE_URL).status_code == 200


def test_a_deactivated_persons_invitation_link_stops_working(coordinator, invited):
    person, link = invited

    user_deactivate(person=person, by_user=coordinator)

    _visitor, response = accept(link)
    assert response.status_code == 410
    assert "This invitation no longer works" in response.text


def test_a_deactivated_person_cannot_log_in(coordinator, adviser):
    user_deactivate(person=adviser, by_user=coordinator)

    assert logs_in("coordinator", "demo-wachtwoord-2026")
    assert not logs_in(adviser.username, "demo-wachtwoord-2026")


# --- Never more rights than one's own, never another region ---------------------------------------------------


def test_a_coordinator_is_offered_only_the_roles_below_their_own_by_name(coordinator_client, college):
    form = coordinator_client.get(PEOPLE_URL).context["form"]

    choices = dict(form.fields["role"].choices)
    assert set(choices) == {"", Role.ADVISER, Role.EMPLOYER_CONTACT, Role.TRAINING_PARTNER}
    assert choices[Role.EMPLOYER_CONTACT] == Role.EMPLOYER_CONTACT.label


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMINISTRATOR])
def test_a_forged_post_for_a_higher_role_is_refused(coordinator_client, college, role):
    response = invite(coordinator_client, college, role=role)

    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    assert not User.objects.filter(email="docent@roc.example.nl").exists()
    assert not Invitation.objects.exists()


def test_the_service_refuses_a_role_above_the_inviters_own(coordinator, college):
    with pytest.raises(InvitationRefusedError):
        invitation_create(
            first_name="A",
            last_name="B",
            email="a@example.nl",
            role=Role.COORDINATOR,
            organisation=college,
            by_user=coordinator,
        )


def test_a_coordinator_cannot_invite_into_another_regions_organisation(coordinator_client, college, elsewhere):
    other_wsp, _adviser = elsewhere

    organisations = coordinator_client.get(PEOPLE_URL).context["form"].fields["organisation"].queryset
    assert set(organisations) == {college, college.partnerships.get().pilot.lead_organisation}
    response = invite(coordinator_client, other_wsp)

    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]
    assert not User.objects.filter(email="docent@roc.example.nl").exists()


# --- Giving access again -------------------------------------------------------------------------------------------


def test_a_deactivated_person_gets_access_again_through_a_new_link_and_a_new_password(
    coordinator_client, coordinator, adviser, django_capture_on_commit_callbacks
):
    user_deactivate(person=adviser, by_user=coordinator)
    page = coordinator_client.get(PEOPLE_URL).text
    assert reverse("people:reactivate", args=[adviser.pk]) in page
    assert reverse("people:deactivate", args=[adviser.pk]) not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(reverse("people:reactivate", args=[adviser.pk]))

    assert response.status_code == 302
    adviser.refresh_from_db()
    assert adviser.is_active and not adviser.has_usable_password()
    # The old password does not open the account: only the link in their own mailbox does.
    assert not logs_in(adviser.username, "demo-wachtwoord-2026")
    assert [message.to for message in mail.outbox] == [[adviser.email]]
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_REACTIVATED, target_id=str(adviser.pk))
    assert event.user == coordinator
    row = next(row for row in coordinator_client.get(PEOPLE_URL).context["rows"] if row.person == adviser)
    assert row.status == PersonStatus.INVITED and not row.can_reactivate and row.can_deactivate

    _visitor, accepted = accept(link_in(mail.outbox[0]))
    assert accepted.status_code == 302
    assert logs_in(adviser.username, PASSWORD)


def test_giving_access_again_to_someone_who_has_it_is_refused(coordinator, adviser):
    with translation.override("en"), pytest.raises(InvitationRefusedError, match="has access already"):
        user_reactivate(person=adviser, by_user=coordinator)
    adviser.refresh_from_db()
    assert adviser.has_usable_password()
    assert not Invitation.objects.filter(user=adviser).exists()


def test_only_someone_who_may_manage_a_person_gives_their_access_back(
    coordinator_client, organisation, pilot, elsewhere, administrator
):
    colleague = UserFactory(username="collega", organisation=organisation, role=Role.COORDINATOR)
    user_deactivate(person=colleague, by_user=administrator)
    _other_wsp, other_adviser = elsewhere
    user_deactivate(person=other_adviser, by_user=administrator)

    assert coordinator_client.post(reverse("people:reactivate", args=[colleague.pk])).status_code == 403
    assert coordinator_client.post(reverse("people:reactivate", args=[other_adviser.pk])).status_code == 404
    assert coordinator_client.get(reverse("people:reactivate", args=[colleague.pk])).status_code == 405
    assert not User.objects.filter(pk__in=[colleague.pk, other_adviser.pk], is_active=True).exists()


def test_a_coordinator_does_not_see_or_touch_people_of_another_region(coordinator_client, pilot, elsewhere):
    _other_wsp, other_adviser = elsewhere

    page = coordinator_client.get(PEOPLE_URL)
    assert other_adviser.email not in page.text
    assert coordinator_client.get(f"{PEOPLE_URL}?q=elders").context["rows"] == []
    assert coordinator_client.get(reverse("people:deactivate", args=[other_adviser.pk])).status_code == 404
    assert coordinator_client.post(reverse("people:deactivate", args=[other_adviser.pk])).status_code == 404
    assert coordinator_client.post(reverse("people:resend", args=[other_adviser.pk])).status_code == 404
    other_adviser.refresh_from_db()
    assert other_adviser.is_active


def test_a_coordinator_cannot_deactivate_a_fellow_coordinator(coordinator_client, organisation):
    colleague = UserFactory(username="collega", organisation=organisation, role=Role.COORDINATOR)

    assert coordinator_client.post(reverse("people:deactivate", args=[colleague.pk])).status_code == 403
    colleague.refresh_from_db()
    assert colleague.is_active


def test_inviting_an_address_that_already_has_an_account_is_a_form_error(coordinator_client, college, adviser):
    response = invite(coordinator_client, college, email=adviser.email.upper())

    assert response.status_code == 200
    assert response.context["form"].errors["email"]


@pytest.mark.parametrize("role", [Role.ADVISER, Role.EMPLOYER_CONTACT, Role.TRAINING_PARTNER])
def test_other_roles_cannot_open_the_people_page(client, user_for_role, role):
    client.force_login(user_for_role(role))

    assert client.get(PEOPLE_URL).status_code == 403


def test_an_administrator_invites_a_coordinator_into_any_region(administrator_client, elsewhere):
    other_wsp, other_adviser = elsewhere

    page = administrator_client.get(PEOPLE_URL)
    assert Role.COORDINATOR in dict(page.context["form"].fields["role"].choices)
    assert Role.ADMINISTRATOR not in dict(page.context["form"].fields["role"].choices)
    assert other_adviser.email in page.text
    response = invite(administrator_client, other_wsp, role=Role.COORDINATOR, email="coordinator@elders.example.nl")

    assert response.status_code == 302
    assert User.objects.get(email="coordinator@elders.example.nl").role == Role.COORDINATOR


@pytest.mark.parametrize("size", [2, 12])
def test_the_people_page_reads_the_same_number_of_queries_however_many_people(
    coordinator_client, college, size, django_assert_max_num_queries
):
    UserFactory.create_batch(size, organisation=college, role=Role.TRAINING_PARTNER)

    # Session and user, the role, the organisations, the count and the page of people with their roles.
    with django_assert_max_num_queries(11):
        response = coordinator_client.get(PEOPLE_URL)

    assert len(response.context["rows"]) == size + 1  # and the coordinator
