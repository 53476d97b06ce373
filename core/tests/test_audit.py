"""The audit trail: logins, exports and downloads recorded; the history and the events readable by administrators
and changed by nobody."""

import pytest
from django.conf import settings
from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from candidates.models import Candidate, EnrolmentStatus
from candidates.services import candidate_update, enrolment_create
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.audit import record_event
from core.models import AuditAction, AuditEvent
from core.tests.test_auth import PASSWORD, log_in
from pilots.models import PartnerRole
from pilots.tests.factories import CohortFactory, PilotFactory, PilotPartnerFactory


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def cohort(organisation, training_partner):
    pilot = PilotFactory(lead_organisation=organisation)
    PilotPartnerFactory(pilot=pilot, organisation=training_partner.organisation, role=PartnerRole.TRAINING_PARTNER)
    return CohortFactory(pilot=pilot)


# --- Logins ----------------------------------------------------------------------------------------------


def test_a_login_is_recorded_with_who_and_from_where(adviser):
    client = Client(REMOTE_ADDR="192.0.2.7")

    assert log_in(client, "adviseur").status_code == 302

    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert (event.user, event.username, event.ip_address) == (adviser, "adviseur", "192.0.2.7")


def test_a_failed_login_is_recorded_with_the_typed_name_and_no_password(client, adviser):
    log_in(client, "adviseur", "geheim-fout-wachtwoord")

    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (event.user, event.username) == (None, "adviseur")
    assert "geheim-fout-wachtwoord" not in event.detail
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_a_login_during_a_lock_out_is_recorded_as_failed(client, adviser):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "adviseur", "not-the-password")

    assert log_in(client, "adviseur", PASSWORD).status_code == 429

    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == settings.AXES_FAILURE_LIMIT + 1
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_a_logout_is_recorded(client, adviser):
    client.force_login(adviser)

    client.post(reverse("logout"))

    event = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert event.user == adviser


# --- Exports and downloads ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_of_the_candidate_list_is_recorded(client, adviser, cohort, fmt):
    for _number in range(3):
        EnrolmentFactory(cohort=cohort, candidate=CandidateFactory(adviser=adviser))
    client.force_login(adviser)

    response = client.get(reverse("candidates:candidate-export", args=[fmt]))

    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.user == adviser
    assert event.detail.endswith(f".{fmt}, 3 rows")


def test_the_empty_import_template_is_no_export_of_data(client, adviser):
    client.force_login(adviser)

    assert client.get(reverse("candidates:import-template", args=["csv"])).status_code == 200

    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_event_about_a_candidate_names_it_without_personal_data(adviser, rf):
    candidate = CandidateFactory(first_name="Fatima", last_name="El Amrani")
    request = rf.get("/", REMOTE_ADDR="192.0.2.8")
    request.user = adviser

    event = record_event(action=AuditAction.REPORT_DOWNLOAD, request=request, target=candidate, detail="rapport.pdf")

    assert event.target_repr == f"Candidate #{candidate.pk}"
    assert (event.target_type, event.target_id) == (ContentType.objects.get_for_model(Candidate), str(candidate.pk))
    assert (event.user, event.ip_address, event.detail) == (adviser, "192.0.2.8", "rapport.pdf")
    assert "Fatima" not in str(event)


# --- Read by administrators, changed by nobody ------------------------------------------------------------


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_administrators_read_the_events_but_cannot_change_or_delete_them(admin_client, adviser):
    event = record_event(action=AuditAction.EXPORT, user=adviser, detail="kandidaten.csv, 3 rows")

    page = admin_client.get(admin_url(AuditEvent, "change", event.pk))
    posted = admin_client.post(admin_url(AuditEvent, "change", event.pk), {"detail": "niets", "action": "login"})
    deleted = admin_client.post(admin_url(AuditEvent, "delete", event.pk), {"post": "yes"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert (posted.status_code, deleted.status_code) == (403, 403)
    event.refresh_from_db()
    assert (event.action, event.detail) == (AuditAction.EXPORT, "kandidaten.csv, 3 rows")
    assert admin_client.get(admin_url(AuditEvent, "changelist")).context["action_form"] is None


def test_history_rows_are_read_with_what_changed_but_never_changed(admin_client, adviser):
    candidate = CandidateFactory(city="Utrecht")
    candidate_update(candidate=candidate, by_user=adviser, data={"city": "Zeist"})
    historical = Candidate.history.model
    version = Candidate.history.filter(id=candidate.pk).latest("history_date")

    page = admin_client.get(admin_url(historical, "change", quote(version.pk)))
    posted = admin_client.post(admin_url(historical, "change", quote(version.pk)), {"city": "Hilversum"})
    deleted = admin_client.post(admin_url(historical, "delete", quote(version.pk)), {"post": "yes"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert str(Candidate._meta.get_field("city").verbose_name) in page.text  # "what changed"
    assert (posted.status_code, deleted.status_code) == (403, 403)
    version.refresh_from_db()
    assert (version.city, version.history_user) == ("Zeist", adviser)
    assert admin_client.get(admin_url(historical, "add")).status_code == 403


def test_the_history_page_of_a_candidate_lists_the_versions_and_reverts_nothing(admin_client, adviser):
    candidate = CandidateFactory(city="Utrecht")
    first = Candidate.history.get(id=candidate.pk)
    candidate_update(candidate=candidate, by_user=adviser, data={"city": "Zeist"})

    listing = admin_client.get(admin_url(Candidate, "history", candidate.pk))
    version_url = reverse("admin:candidates_candidate_simple_history", args=[candidate.pk, first.history_id])
    shown = admin_client.get(version_url)
    reverted = admin_client.post(version_url, {"city": "Utrecht"})

    assert listing.status_code == 200
    assert escape(str(adviser)) in listing.text
    assert shown.status_code == 200
    assert reverted.status_code == 403
    candidate.refresh_from_db()
    assert candidate.city == "Zeist"


def test_a_change_in_the_admin_records_the_administrator(admin_client, administrator, adviser, cohort):
    enrolment = enrolment_create(candidate=CandidateFactory(), cohort=cohort, by_user=adviser)

    admin_client.post(
        admin_url(enrolment._meta.model, "changelist"),
        {"action": "move_to_screening_planned", "_selected_action": [enrolment.pk], "index": "0"},
    )

    latest = enrolment.history.latest("history_date")
    assert (latest.status, latest.history_user) == (EnrolmentStatus.SCREENING_PLANNED, administrator)
