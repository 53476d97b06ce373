"""API clients: issued with a token shown once, refused at once when revoked, limited per minute, every call
recorded, errors as problem details in Dutch or English, webhooks signed and retried."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from core.api import (
    NotAuthenticated,
    api_client_revoke,
    idempotent,
    webhook_queue,
    webhook_secret,
    webhooks_deliver,
)
from core.models import ApiCall, ApiClient, ApiScope, WebhookDelivery, WebhookStatus
from core.roles import Role
from core.tests.api import bearer, issue, two_partners
from core.tests.factories import UserFactory
from pilots.models import PartnerRole
from pilots.tests.factories import OrganisationFactory, PilotPartnerFactory

pytestmark = pytest.mark.django_db

COHORTS = "/api/v1/cohorts"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def partners():
    return two_partners()


def test_issuing_gives_a_prefixed_token_once_and_keeps_only_its_hash(partners):
    client, token = issue(partners.municipality, [ApiScope.COHORTS_READ])

    start, prefix, secret = token.split("_", 2)
    assert (start, prefix) == ("opst", client.prefix)
    assert len(secret) >= 40
    stored = ApiClient.objects.filter(pk=client.pk).values().get()
    assert token not in {str(value) for value in stored.values()}
    assert client.token_hash == hashlib.sha256(token.encode()).hexdigest()
    # The client acts through an account of its own organisation that can never log in.
    assert client.account.organisation == partners.municipality
    assert not client.account.is_active
    assert not is_password_usable(client.account.password)
    assert client.account.role is None


def test_a_call_without_a_token_is_refused_with_a_problem(client):
    response = client.get(COHORTS)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401
    assert body["type"].startswith("urn:opstap:problem:")


@pytest.mark.parametrize("wrong", ["opst_00000000_nothing", "opst_{prefix}_not-the-secret", "Basic abc", ""])
def test_a_wrong_token_is_refused(client, partners, wrong):
    api_client, _token = issue(partners.municipality)

    response = client.get(COHORTS, **bearer(wrong.format(prefix=api_client.prefix)))

    assert response.status_code == 401


def test_a_revoked_client_is_refused_from_its_next_call(client, partners, administrator):
    api_client, token = issue(partners.municipality)
    assert client.get(COHORTS, **bearer(token)).status_code == 200

    api_client_revoke(client=api_client, by_user=administrator)

    response = client.get(COHORTS, **bearer(token))
    assert response.status_code == 401
    api_client.refresh_from_db()
    assert api_client.revoked_by == administrator
    # The refused call is on record with the client that tried.
    assert ApiCall.objects.filter(client=api_client).order_by("pk").values_list("status", flat=True).last() == 401


def test_every_call_is_recorded_with_its_client_path_and_status(client, partners):
    api_client, token = issue(partners.municipality, [ApiScope.COHORTS_READ])

    client.get(COHORTS, **bearer(token))
    client.get(f"/api/v1/cohorts/{partners.other_cohort.pk}", **bearer(token))
    client.get("/api/v1/pilots", **bearer(token))
    client.get(COHORTS)

    calls = list(ApiCall.objects.order_by("pk").values_list("client", "method", "path", "status"))
    assert calls == [
        (api_client.pk, "GET", COHORTS, 200),
        (api_client.pk, "GET", f"/api/v1/cohorts/{partners.other_cohort.pk}", 404),
        (api_client.pk, "GET", "/api/v1/pilots", 403),
        (None, "GET", COHORTS, 401),
    ]
    api_client.refresh_from_db()
    assert api_client.last_used_at is not None


def test_calls_past_the_rate_limit_are_refused_with_429_and_retry_after(client, partners, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    _api_client, token = issue(partners.municipality)
    _other, other_token = issue(partners.other_municipality)

    answers = [client.get(COHORTS, **bearer(token)) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    refused = answers[-1]
    assert refused["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["status"] == 429
    # The limit is per client.
    assert client.get(COHORTS, **bearer(other_token)).status_code == 200


def test_problems_are_in_dutch_unless_english_is_asked_for(client):
    with translation.override("nl"):
        dutch = str(NotAuthenticated.title)
    with translation.override("en"):
        english = str(NotAuthenticated.title)

    default = client.get(COHORTS)
    asked = client.get(COHORTS, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    unknown = client.get(COHORTS, HTTP_ACCEPT_LANGUAGE="fr")

    assert (default["Content-Language"], default.json()["title"]) == ("nl", dutch)
    assert (asked["Content-Language"], asked.json()["title"]) == ("en-gb", english)
    assert english == "A valid API token is needed."
    assert unknown["Content-Language"] == "nl"


def test_a_missing_scope_is_explained_in_the_language_asked_for(client, partners):
    _api_client, token = issue(partners.municipality, [ApiScope.FIGURES_READ])

    response = client.get(COHORTS, **bearer(token, HTTP_ACCEPT_LANGUAGE="en"))

    assert response.status_code == 403
    assert response.json()["detail"] == "This client does not have the scope cohorts:read."


def test_the_documentation_is_served_from_the_portals_own_static_files(client):
    page = client.get("/api/v1/docs")
    schema = client.get("/api/v1/openapi.json")

    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Opstap API"


# --- The portal page ---------------------------------------------------------------------------------------------


@pytest.fixture
def pilot_coordinator(partners):
    """A coordinator of the organisation that leads the first pilot."""
    return UserFactory(organisation=partners.pilot.lead_organisation, role=Role.COORDINATOR)


def test_a_coordinator_issues_a_client_to_a_partner_of_their_pilot_and_sees_the_token_once(
    client, partners, pilot_coordinator
):
    client.force_login(pilot_coordinator)
    url = reverse("api-clients:list")

    page = client.get(url)
    choices = {str(org) for org in page.context["form"].fields["organisation"].queryset}
    assert choices == {"Gemeente Utrecht", str(partners.pilot.lead_organisation)}

    response = client.post(
        url,
        {
            "name": "Suite",
            "organisation": partners.municipality.pk,
            "scopes": [ApiScope.REFERRALS_WRITE, ApiScope.COHORTS_READ],
            "webhook_url": "",
        },
    )

    assert response.status_code == 200
    issued = response.context["issued"]
    assert issued.token in response.content.decode()
    assert issued.client.organisation == partners.municipality
    assert issued.client.scopes == [ApiScope.REFERRALS_WRITE, ApiScope.COHORTS_READ]
    assert issued.client.issued_by == pilot_coordinator
    # Shown once: the list afterwards has the prefix only.
    again = client.get(url).content.decode()
    assert issued.token not in again
    assert f"opst_{issued.client.prefix}_" in again


def test_a_coordinator_cannot_issue_to_or_revoke_for_an_organisation_outside_their_pilots(
    client, partners, pilot_coordinator
):
    foreign, _token = issue(partners.other_municipality)
    client.force_login(pilot_coordinator)

    response = client.post(
        reverse("api-clients:list"),
        {"name": "X", "organisation": partners.other_municipality.pk, "scopes": [ApiScope.COHORTS_READ]},
    )
    revoke = client.post(reverse("api-clients:revoke", args=[foreign.pk]))

    assert "organisation" in response.context["form"].errors
    assert ApiClient.objects.filter(organisation=partners.other_municipality).count() == 1
    assert revoke.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_a_coordinator_revokes_a_client_on_the_page(client, partners, pilot_coordinator):
    api_client, token = issue(partners.municipality)
    client.force_login(pilot_coordinator)

    client.post(reverse("api-clients:revoke", args=[api_client.pk]))

    api_client.refresh_from_db()
    assert api_client.revoked_by == pilot_coordinator
    client.logout()
    assert client.get(COHORTS, **bearer(token)).status_code == 401


def test_a_webhook_address_must_be_https(client, partners, pilot_coordinator):
    client.force_login(pilot_coordinator)

    response = client.post(
        reverse("api-clients:list"),
        {
            "name": "Suite",
            "organisation": partners.municipality.pk,
            "scopes": [ApiScope.FIGURES_READ],
            "webhook_url": "http://example.org/hook",
        },
    )

    assert "webhook_url" in response.context["form"].errors
    assert not ApiClient.objects.exists()


@pytest.mark.parametrize("role", [Role.ADVISER, Role.TRAINING_PARTNER, Role.EMPLOYER_CONTACT])
def test_other_roles_cannot_open_the_page(client, partners, role):
    client.force_login(UserFactory(organisation=partners.municipality, role=role))

    assert client.get(reverse("api-clients:list")).status_code == 403


def test_an_administrator_issues_a_client_in_the_administration(client, partners, administrator):
    client.force_login(administrator)

    response = client.post(
        reverse("admin:core_apiclient_add"),
        {"name": "Zaaksysteem", "organisation": partners.municipality.pk, "scopes": [ApiScope.FIGURES_READ]},
        follow=True,
    )

    issued = ApiClient.objects.get()
    assert issued.scopes == [ApiScope.FIGURES_READ]
    shown = [str(message) for message in response.context["messages"]]
    assert any(f"opst_{issued.prefix}_" in message for message in shown)


# --- Webhooks ----------------------------------------------------------------------------------------------------


def test_a_webhook_is_signed_sent_once_and_retried_with_growing_pauses(
    partners, settings, django_capture_on_commit_callbacks
):
    settings.API_WEBHOOK_RETRY_SECONDS = 30
    settings.API_WEBHOOK_MAX_ATTEMPTS = 3
    api_client, _token = issue(partners.municipality, webhook_url="https://partner.example/hook")
    sent: list[tuple[str, bytes, dict]] = []
    answers = iter([500, 503, 204])

    def post(url, body, headers):
        sent.append((url, body, headers))
        return next(answers)

    with django_capture_on_commit_callbacks():
        assert webhook_queue(account_id=api_client.account_id, key="k1", event="report_job.done", payload={"id": 7})
        assert not webhook_queue(account_id=api_client.account_id, key="k1", event="report_job.done", payload={})
    now = timezone.now()
    assert webhooks_deliver(now=now, post=post) == 0
    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempts, delivery.next_attempt_at) == (1, now + timedelta(seconds=30))
    # Not due yet: nothing is sent.
    assert webhooks_deliver(now=now + timedelta(seconds=10), post=post) == 0
    assert webhooks_deliver(now=now + timedelta(seconds=30), post=post) == 0
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == now + timedelta(seconds=30 + 60)
    assert webhooks_deliver(now=now + timedelta(seconds=90), post=post) == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookStatus.DELIVERED, 3)
    url, body, headers = sent[-1]
    assert url == "https://partner.example/hook"
    assert json.loads(body) == {"event": "report_job.done", "id": "k1", "data": {"id": 7}}
    timestamp, signature = (part.split("=", 1)[1] for part in headers["Opstap-Signature"].split(","))
    expected = hmac.new(webhook_secret(api_client).encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    assert hmac.compare_digest(signature, expected.hexdigest())


def test_a_webhook_that_keeps_failing_stops_after_the_last_attempt(partners, settings):
    settings.API_WEBHOOK_MAX_ATTEMPTS = 2
    api_client, _token = issue(partners.municipality, webhook_url="https://partner.example/hook")
    webhook_queue(account_id=api_client.account_id, key="k", event="report_job.done", payload={})
    later = timezone.now() + timedelta(days=1)

    def refuse(url, body, headers):
        raise OSError("connection refused")

    webhooks_deliver(now=later, post=refuse)
    webhooks_deliver(now=later + timedelta(days=1), post=refuse)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (WebhookStatus.FAILED, 2)
    assert "connection refused" in delivery.last_error


def test_no_webhook_is_queued_for_a_client_without_an_address(partners):
    api_client, _token = issue(partners.municipality)

    assert not webhook_queue(account_id=api_client.account_id, key="k", event="report_job.done", payload={})
    assert not WebhookDelivery.objects.exists()


def test_an_organisation_that_is_only_a_partner_elsewhere_is_not_offered(client, partners, pilot_coordinator):
    elsewhere = OrganisationFactory(name="Gemeente Elders")
    PilotPartnerFactory(pilot=partners.other_pilot, organisation=elsewhere, role=PartnerRole.FUNDER)
    client.force_login(pilot_coordinator)

    page = client.get(reverse("api-clients:list"))

    assert elsewhere not in page.context["form"].fields["organisation"].queryset


def test_an_answer_that_quotes_a_nul_character_is_kept_and_replayed_alike(partners):
    # A row error may quote what was sent; PostgreSQL keeps no NUL in a JSON column, so the kept answer (and the
    # first one, which must equal its replays) carries U+FFFD in its place.
    api_client, _token = issue(partners.municipality, [ApiScope.REFERRALS_WRITE])
    answer = {"errors": [{"row": 1, "errors": ["“ma\x00di” is geen dag"]}]}

    with transaction.atomic():
        first = idempotent(client=api_client, key="k-1", fingerprint="f", produce=lambda: (422, answer))
    with transaction.atomic():
        again = idempotent(client=api_client, key="k-1", fingerprint="f", produce=lambda: (201, {}))

    assert first == again == (422, {"errors": [{"row": 1, "errors": ["“ma\ufffddi” is geen dag"]}]})


def test_text_with_a_nul_character_is_refused_as_a_problem_not_a_server_error(client, partners):
    # PostgreSQL takes no NUL in a query or a column: without the check the report request below is a 500 there.
    _api_client, token = issue(partners.municipality, [ApiScope.FIGURES_READ])
    body = {"pilots": ["groeps\x00hulp"], "period_start": "2026-01-01", "period_end": "2026-12-31"}

    response = client.post(
        "/api/v1/report-jobs", data=body, content_type="application/json", **bearer(token, HTTP_ACCEPT_LANGUAGE="en")
    )

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["detail"] == "Text in the request may not contain NUL characters (\\u0000)."
