"""The access request reads coaching notes under the coaching page's rule; only the AVG role's export is complete.

Pages are asked for in English, so the assertions read the message ids whatever state the Dutch translation is in.
"""

import datetime
import json
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from candidates.models import CoachKind, EnrolmentStatus, NoteVisibility
from candidates.progress import coaching_note_add
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.models import AuditAction, AuditEvent
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.models import PartnerRole
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory, RegionFactory

NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
TEAM_NOTE = "Schulden spelen op; zorgen thuis"
SHARED_NOTE = "Mist de laatste weken vaak de schooldag"
ACCESS = "candidates:candidate-access"
ACCESS_JSON = "candidates:candidate-access-json"


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def track(organisation, adviser, training_partner):
    """A running enrolment of the adviser's pilot, taught by the college, with a team-only and a shared note."""
    pilot = PilotFactory(lead_organisation=organisation, duration_weeks=15)
    PilotPartnerFactory(pilot=pilot, organisation=training_partner.organisation, role=PartnerRole.TRAINING_PARTNER)
    enrolment = EnrolmentFactory(
        candidate=CandidateFactory(adviser=adviser, first_name="Sanne", last_name="Visser"),
        cohort=CohortFactory(pilot=pilot, start_date=datetime.date(2026, 9, 1)),
        status=EnrolmentStatus.STARTED,
        started_on=datetime.date(2026, 9, 1),
    )
    coaching_note_add(enrolment=enrolment, by_user=training_partner, coach_kind=CoachKind.JOB_COACH, text=TEAM_NOTE)
    coaching_note_add(
        enrolment=enrolment,
        by_user=training_partner,
        coach_kind=CoachKind.WORK_COACH,
        visibility=NoteVisibility.SHARED_WITH_ADVISER,
        text=SHARED_NOTE,
    )
    return SimpleNamespace(enrolment=enrolment, candidate=enrolment.candidate)


def log_in(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(name, candidate) -> str:
    return reverse(name, kwargs={"pk": candidate.pk})


def coaching_page(client, enrolment) -> str:
    return client.get(reverse("candidates:coaching", kwargs={"pk": enrolment.pk})).content.decode()


def note_texts(data: dict, kind: str) -> set[str]:
    return {row["text"] for row in data[kind].get("candidates.coachingnote", {"rows": []})["rows"]}


def test_an_advisers_access_page_shows_the_notes_the_coaching_page_shows(client, adviser, track):
    log_in(client, adviser)
    coaching = coaching_page(client, track.enrolment)

    response = client.get(url(ACCESS, track.candidate))

    assert response.status_code == 200
    html = response.content.decode()
    assert (SHARED_NOTE in coaching, TEAM_NOTE in coaching) == (True, False)
    assert (SHARED_NOTE in html, TEAM_NOTE in html) == (True, False)
    assert "Coaching notes for the coaching team only are left out" in html


def test_an_advisers_json_download_leaves_out_the_team_only_note_also_in_the_history(client, adviser, track):
    log_in(client, adviser)

    response = client.get(url(ACCESS_JSON, track.candidate))

    assert response.status_code == 200
    assert TEAM_NOTE not in response.content.decode()
    data = json.loads(response.content)
    assert data["complete"] is False
    assert note_texts(data, "records") == {SHARED_NOTE}
    assert note_texts(data, "history") == {SHARED_NOTE}
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_EXPORT)
    assert (event.user, event.target_id, event.detail) == (adviser, str(track.candidate.pk), "json")


def test_a_note_the_adviser_wrote_is_in_their_access_request_as_on_the_coaching_page(client, adviser, track):
    coaching_note_add(enrolment=track.enrolment, by_user=adviser, coach_kind=CoachKind.ADVISER, text="Eigen notitie")
    log_in(client, adviser)

    data = json.loads(client.get(url(ACCESS_JSON, track.candidate)).content)

    assert "Eigen notitie" in coaching_page(client, track.enrolment)
    assert note_texts(data, "records") == {SHARED_NOTE, "Eigen notitie"}


def test_the_administrators_complete_export_holds_the_team_only_note_and_is_audited(client, administrator, track):
    log_in(client, administrator)

    html = client.get(url(ACCESS, track.candidate)).content.decode()
    data = json.loads(client.get(url(ACCESS_JSON, track.candidate)).content)

    assert TEAM_NOTE in html and SHARED_NOTE in html
    assert "Coaching notes for the coaching team only are left out" not in html
    assert data["complete"] is True
    assert note_texts(data, "records") == {TEAM_NOTE, SHARED_NOTE}
    assert note_texts(data, "history") == {TEAM_NOTE, SHARED_NOTE}
    events = AuditEvent.objects.filter(action=AuditAction.ACCESS_EXPORT, target_id=str(track.candidate.pk))
    assert sorted(events.values_list("user__username", "detail")) == [
        (administrator.username, "html, complete"),
        (administrator.username, "json, complete"),
    ]


@pytest.mark.parametrize("name", [ACCESS, ACCESS_JSON])
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TRAINING_PARTNER, Role.EMPLOYER_CONTACT])
def test_roles_without_the_access_request_are_refused_and_nothing_is_recorded(client, user_for_role, track, name, role):
    log_in(client, user_for_role(role))

    assert client.get(url(name, track.candidate)).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.ACCESS_EXPORT).exists()


@pytest.mark.parametrize("name", [ACCESS, ACCESS_JSON])
def test_an_adviser_of_another_region_finds_no_such_candidate(client, track, name):
    elsewhere = OrganisationFactory(name="WSP Elders", region=RegionFactory(name="Regio Elders"))
    log_in(client, UserFactory(username="adviseur-elders", organisation=elsewhere, role=Role.ADVISER))

    assert client.get(url(name, track.candidate)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.ACCESS_EXPORT).exists()
