"""The access request and erasure pages: who may open them, what they show, and what a POST does."""

import json

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from candidates.models import Candidate, EnrolmentStatus
from candidates.privacy import ANONYMISED_NAME, anonymise_candidate
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.models import AuditAction, AuditEvent
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, RegionFactory

VIEWS = ("candidates:candidate-access", "candidates:candidate-access-json", "candidates:candidate-erase")


@pytest.fixture
def candidate(adviser):
    cohort = CohortFactory(pilot=PilotFactory(lead_organisation=adviser.organisation))
    return EnrolmentFactory(
        cohort=cohort,
        status=EnrolmentStatus.STARTED,
        candidate=CandidateFactory(first_name="Fenna", last_name="Dijkstra", email="fenna@example.org"),
    ).candidate


@pytest.fixture
def other_region_adviser(db):
    elsewhere = OrganisationFactory(name="WSP Elders", region=RegionFactory(name="Regio Elders"))
    return UserFactory(username="adviseur-elders", organisation=elsewhere, role=Role.ADVISER)


def _url(name, candidate):
    return reverse(name, kwargs={"pk": candidate.pk})


@pytest.mark.parametrize("name", VIEWS)
def test_anonymous_users_are_sent_to_the_login(client, candidate, name):
    response = client.get(_url(name, candidate))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("name", VIEWS)
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TRAINING_PARTNER, Role.EMPLOYER_CONTACT])
def test_other_roles_are_refused(client, candidate, user_for_role, name, role):
    client.force_login(user_for_role(role))

    assert client.get(_url(name, candidate)).status_code == 403


@pytest.mark.parametrize("name", VIEWS)
def test_an_adviser_of_another_region_finds_no_such_candidate(client, candidate, other_region_adviser, name):
    client.force_login(other_region_adviser)

    assert client.get(_url(name, candidate)).status_code == 404
    assert client.post(_url(name, candidate), {"reason": "x", "confirm": "on"}).status_code == 404
    assert Candidate.objects.get(pk=candidate.pk).anonymised_at is None


@pytest.mark.parametrize("name", VIEWS)
@pytest.mark.parametrize("role", [Role.ADVISER, Role.ADMINISTRATOR])
def test_advisers_and_administrators_open_the_pages(client, candidate, user_for_role, name, role):
    client.force_login(user_for_role(role))

    assert client.get(_url(name, candidate)).status_code == 200


def test_the_json_download_is_an_attachment_with_all_data(client, adviser, candidate):
    client.force_login(adviser)

    response = client.get(_url("candidates:candidate-access-json", candidate))

    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    data = json.loads(response.content)
    assert data["candidate_id"] == candidate.pk
    assert data["records"]["candidates.candidate"]["rows"][0]["first_name"] == "Fenna"
    assert data["records"]["candidates.enrolment"]["rows"][0]["status"] == EnrolmentStatus.STARTED
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_EXPORT)
    assert (event.user, event.target_id, event.detail) == (adviser, str(candidate.pk), "json")


def test_the_readable_page_shows_the_data_and_a_print_button_from_a_script(client, adviser, candidate):
    client.force_login(adviser)

    response = client.get(_url("candidates:candidate-access", candidate))

    html = response.content.decode()
    assert "fenna@example.org" in html
    assert "data-print" in html
    assert "js/print.js" in html
    assert "<script>" not in html
    assert str(candidate.enrolments.model._meta.verbose_name_plural).capitalize() in html
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_EXPORT, detail="html").exists()


def test_the_candidate_page_links_to_both_for_advisers(client, adviser, candidate):
    client.force_login(adviser)

    html = client.get(candidate.get_absolute_url()).content.decode()

    assert _url("candidates:candidate-access", candidate) in html
    assert _url("candidates:candidate-erase", candidate) in html


def test_the_candidate_page_shows_no_links_to_a_coordinator(client, coordinator, candidate):
    client.force_login(coordinator)

    html = client.get(candidate.get_absolute_url()).content.decode()

    assert _url("candidates:candidate-erase", candidate) not in html


def test_the_erasure_page_warns_and_asks_for_a_reason(client, adviser, candidate):
    client.force_login(adviser)

    response = client.get(_url("candidates:candidate-erase", candidate))

    assert gettext("This cannot be undone.") in response.content.decode()
    assert 'name="reason"' in response.content.decode()


def test_erasure_needs_a_reason_and_the_confirmation(client, adviser, candidate):
    client.force_login(adviser)

    response = client.post(_url("candidates:candidate-erase", candidate), {"reason": "", "confirm": ""})

    assert response.status_code == 200
    assert response.context["form"].has_error("reason")
    assert response.context["form"].has_error("confirm")
    assert Candidate.objects.get(pk=candidate.pk).anonymised_at is None


def test_erasure_anonymises_and_the_page_says_so(client, adviser, candidate):
    client.force_login(adviser)

    response = client.post(
        _url("candidates:candidate-erase", candidate), {"reason": "verzoek van de kandidaat", "confirm": "on"}
    )

    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.anonymised_at is not None
    assert candidate.last_name == ANONYMISED_NAME
    page = client.get(candidate.get_absolute_url()).content.decode()
    assert 'id="anonymised"' in page
    assert "Fenna" not in page
    assert _url("candidates:candidate-edit", candidate) not in page
    assert _url("candidates:candidate-erase", candidate) not in page
    listing = client.get(reverse("candidates:candidate-list"), {"q": "Fenna"})
    assert candidate not in listing.context["table"].data.data


def test_an_administrator_may_erase(client, administrator, candidate):
    client.force_login(administrator)

    client.post(_url("candidates:candidate-erase", candidate), {"reason": "verzoek", "confirm": "on"})

    assert Candidate.objects.get(pk=candidate.pk).anonymised_at is not None


def test_erasing_twice_shows_a_message_instead_of_an_error(client, adviser, candidate):
    anonymise_candidate(candidate, by=adviser, reason="verzoek")
    client.force_login(adviser)

    response = client.post(
        _url("candidates:candidate-erase", candidate), {"reason": "nog eens", "confirm": "on"}, follow=True
    )

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_the_edit_form_of_an_anonymised_candidate_refuses_to_save(client, adviser, candidate):
    anonymise_candidate(candidate, by=adviser, reason="verzoek")
    client.force_login(adviser)
    data = {
        "first_name": "Fenna",
        "last_name": "Dijkstra",
        "date_of_birth": "1990-01-01",
        "email": "fenna@example.org",
        "referral_source": "municipality",
        "benefit_type": "none",
        "consent": "on",
        "consent_purpose": "Deelname",
    }

    response = client.post(_url("candidates:candidate-edit", candidate), data)

    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", code="anonymised")
    candidate.refresh_from_db()
    assert candidate.first_name == ""


def test_the_page_of_an_anonymised_candidate_offers_no_note_form(client, adviser, candidate):
    client.force_login(adviser)
    assert (
        reverse("candidates:note-add", kwargs={"pk": candidate.pk})
        in client.get(candidate.get_absolute_url()).content.decode()
    )

    anonymise_candidate(candidate, by=adviser, reason="verzoek")

    page = client.get(candidate.get_absolute_url()).content.decode()
    assert reverse("candidates:note-add", kwargs={"pk": candidate.pk}) not in page
