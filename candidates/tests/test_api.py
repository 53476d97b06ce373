"""The API's cohorts and referrals: each client sees the cohorts of its organisation's pilots and only the candidates
its organisation referred; referral lists go through the web import's rules, once per Idempotency-Key."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from candidates.lifecycle import SEAT_HOLDING, EnrolmentStatus
from candidates.lifecycle import EnrolmentStatus as S
from candidates.models import CandidateImport, Enrolment
from candidates.referrals import referrals_receive
from candidates.tests.factories import CandidateFactory
from candidates.tests.journeys import walk
from candidates.tests.test_services import run_at_once
from core.api import api_client_revoke, request_fingerprint
from core.models import ApiScope
from core.tests.api import bearer, issue, two_partners
from pilots.models import Cohort
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def partners():
    return two_partners()


ROW = {"first_name": "Fatima", "last_name": "Amrani", "date_of_birth": "14-03-1988", "email": "f.amrani@example.org"}

CONSENT = "Deelname aan het voorschakeltraject, vastgelegd door de gemeente"


def referral_list(*rows: dict) -> dict:
    return {"consent_purpose": CONSENT, "rows": list(rows)}


# Each endpoint: method, path for (own cohort, other organisation's cohort), the scope it needs, the answer with it.
ENDPOINTS = {
    "cohort list": ("get", lambda own, other: "/api/v1/cohorts", ApiScope.COHORTS_READ, 200),
    "cohort": ("get", lambda own, other: f"/api/v1/cohorts/{own}", ApiScope.COHORTS_READ, 200),
    "another organisation's cohort": ("get", lambda own, other: f"/api/v1/cohorts/{other}", ApiScope.COHORTS_READ, 404),
    "referred candidates": ("get", lambda own, other: f"/api/v1/cohorts/{own}/candidates", ApiScope.COHORTS_READ, 200),
    "another organisation's candidates": (
        "get",
        lambda own, other: f"/api/v1/cohorts/{other}/candidates",
        ApiScope.COHORTS_READ,
        404,
    ),
    "referrals": ("post", lambda own, other: f"/api/v1/cohorts/{own}/referrals", ApiScope.REFERRALS_WRITE, 201),
    "referrals to another organisation's cohort": (
        "post",
        lambda own, other: f"/api/v1/cohorts/{other}/referrals",
        ApiScope.REFERRALS_WRITE,
        404,
    ),
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("who", ["right scope", "other scopes", "revoked", "no token"])
def test_every_cohort_endpoint_for_every_scope_and_organisation(client, partners, administrator, endpoint, who):
    method, path, scope, answer = ENDPOINTS[endpoint]
    scopes = [scope] if who != "other scopes" else [other for other in ApiScope.values if other != scope]
    api_client, token = issue(partners.municipality, scopes)
    if who == "revoked":
        api_client_revoke(client=api_client, by_user=administrator)
    url = path(partners.cohort.pk, partners.other_cohort.pk)
    headers = bearer(token, HTTP_IDEMPOTENCY_KEY="key-1") if who != "no token" else {}

    if method == "post":
        response = client.post(url, referral_list(ROW), content_type="application/json", **headers)
    else:
        response = client.get(url, **headers)

    expected = {"right scope": answer, "other scopes": 403, "revoked": 401, "no token": 401}[who]
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"


def test_a_cohort_counts_its_enrolments_per_status_of_the_life_cycle(client, partners, coordinator):
    _api_client, token = issue(partners.municipality, [ApiScope.COHORTS_READ])
    for status in (S.REGISTERED, S.REGISTERED, S.SCREENED, S.SELECTED, S.STARTED, S.NOT_SELECTED):
        walk(cohort=partners.cohort, to=status, by_user=coordinator)
    walk(cohort=partners.other_cohort, to=S.STARTED, by_user=coordinator)

    body = client.get(f"/api/v1/cohorts/{partners.cohort.pk}", **bearer(token)).json()

    counts = {row["status"]: row["count"] for row in body["statuses"]}
    # Every status of the life cycle, in its order, zeros included.
    assert list(counts) == list(EnrolmentStatus.values)
    assert counts[S.REGISTERED] == 2
    assert (counts[S.SCREENED], counts[S.SELECTED], counts[S.STARTED], counts[S.NOT_SELECTED]) == (1, 1, 1, 1)
    assert sum(counts.values()) == 6
    assert body["seats_taken"] == sum(counts[status] for status in SEAT_HOLDING) == 2
    assert (body["seats"], body["pilot"], body["closed"]) == (3, partners.pilot.slug, False)


def test_the_cohort_list_holds_the_cohorts_of_the_organisations_pilots_only(client, partners):
    _api_client, token = issue(partners.municipality, [ApiScope.COHORTS_READ])

    body = client.get("/api/v1/cohorts", **bearer(token)).json()

    assert [cohort["id"] for cohort in body] == [partners.cohort.pk]


def test_a_client_sees_the_status_of_its_own_referrals_and_nobody_elses(client, partners, coordinator):
    _api_client, token = issue(partners.municipality, [ApiScope.COHORTS_READ])
    ours = walk(
        cohort=partners.cohort,
        to=S.SCREENED,
        by_user=coordinator,
        candidate=CandidateFactory(referring_organisation=partners.municipality, first_name="Eigen"),
    )
    walk(
        cohort=partners.cohort,
        to=S.SELECTED,
        by_user=coordinator,
        candidate=CandidateFactory(referring_organisation=partners.other_municipality, first_name="Ander"),
    )
    walk(cohort=partners.cohort, to=S.REGISTERED, by_user=coordinator, candidate=CandidateFactory(first_name="Geen"))

    body = client.get(f"/api/v1/cohorts/{partners.cohort.pk}/candidates", **bearer(token)).json()

    assert [(row["id"], row["first_name"], row["status"]) for row in body] == [(ours.candidate.pk, "Eigen", S.SCREENED)]


# --- Referrals ---------------------------------------------------------------------------------------------------


def post_referrals(client, cohort, token, body, key="lijst-2026-11-1", **headers):
    return client.post(
        f"/api/v1/cohorts/{cohort.pk}/referrals",
        body,
        content_type="application/json",
        **bearer(token, HTTP_IDEMPOTENCY_KEY=key, **headers),
    )


def test_a_referral_list_registers_the_valid_new_people_and_reports_every_row(client, partners, coordinator):
    api_client, token = issue(partners.municipality, [ApiScope.REFERRALS_WRITE])
    known = CandidateFactory(
        referring_organisation=partners.municipality, email="bekend@example.org", first_name="Bekend"
    )
    walk(cohort=partners.other_cohort, to=S.REGISTERED, by_user=coordinator, candidate=known)
    rows = [
        ROW,
        {"first_name": "Jan", "last_name": "Jansen", "date_of_birth": "31-02-1990"},
        {**ROW, "first_name": "Fatima", "last_name": "Amrani-Dubbel"},
        {"first_name": "Bekend", "last_name": "Iemand", "date_of_birth": "01-01-1980", "email": "bekend@example.org"},
        {"first_name": "Piet", "last_name": "de Vries", "date_of_birth": "1979-05-02", "postcode": "1234"},
    ]

    response = post_referrals(client, partners.cohort, token, referral_list(*rows), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["received"], body["registered"], body["skipped"]) == (5, 1, 4)
    statuses = [(row["row"], row["status"]) for row in body["rows"]]
    assert statuses == [(1, "registered"), (2, "invalid"), (3, "duplicate"), (4, "duplicate"), (5, "invalid")]
    assert "Date of birth" in body["rows"][1]["errors"][0]
    assert body["rows"][2]["errors"] == ["The same person as row 1."]
    assert any("postcode" in error.lower() for error in body["rows"][4]["errors"])
    registered = Enrolment.objects.get(cohort=partners.cohort)
    candidate = registered.candidate
    assert body["rows"][0]["candidate_id"] == candidate.pk
    assert (candidate.first_name, candidate.email) == ("Fatima", "f.amrani@example.org")
    assert candidate.referring_organisation == partners.municipality
    # Nobody advises the person yet: the WSP hands them to an adviser (the client's account is nobody's adviser).
    assert candidate.adviser is None
    assert candidate.consent_purpose == CONSENT and candidate.consent_given_at is not None
    assert registered.status == S.REGISTERED
    imported = CandidateImport.objects.get()
    assert (imported.uploaded_by, imported.rows_total, imported.rows_imported) == (api_client.account, 5, 1)
    # The organisation then sees the person's status.
    statuses_out = client.get(
        f"/api/v1/cohorts/{partners.cohort.pk}/candidates",
        **bearer(issue(partners.municipality, [ApiScope.COHORTS_READ])[1]),
    ).json()
    assert [row["id"] for row in statuses_out] == [candidate.pk]


def test_a_retried_referral_list_gets_the_first_answer_and_registers_nobody_twice(client, partners):
    _api_client, token = issue(partners.municipality, [ApiScope.REFERRALS_WRITE])
    body = referral_list(ROW, {**ROW, "first_name": "Sara", "email": "sara@example.org"})

    first = post_referrals(client, partners.cohort, token, body)
    again = post_referrals(client, partners.cohort, token, body)

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Enrolment.objects.filter(cohort=partners.cohort).count() == 2
    assert CandidateImport.objects.count() == 1


def test_an_idempotency_key_used_for_another_request_is_refused(client, partners):
    _api_client, token = issue(partners.municipality, [ApiScope.REFERRALS_WRITE])
    post_referrals(client, partners.cohort, token, referral_list(ROW))

    other = post_referrals(
        client, partners.cohort, token, referral_list({**ROW, "email": "ander@example.org"}), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert other.json()["type"] == "urn:opstap:problem:idempotency-key-reused"
    assert Enrolment.objects.filter(cohort=partners.cohort).count() == 1


def test_a_referral_list_without_an_idempotency_key_is_refused(client, partners):
    _api_client, token = issue(partners.municipality, [ApiScope.REFERRALS_WRITE])

    response = client.post(
        f"/api/v1/cohorts/{partners.cohort.pk}/referrals",
        referral_list(ROW),
        content_type="application/json",
        **bearer(token),
    )

    assert response.status_code == 422
    assert any("Idempotency-Key" in error["field"] for error in response.json()["errors"])
    assert not Enrolment.objects.exists()


def test_a_list_without_any_row_to_register_is_a_problem_with_the_errors_per_row(client, partners):
    _api_client, token = issue(partners.municipality, [ApiScope.REFERRALS_WRITE])
    body = referral_list({"first_name": "Jan"}, {"last_name": "Zonder", "date_of_birth": "gisteren"})

    response = post_referrals(client, partners.cohort, token, body, HTTP_ACCEPT_LANGUAGE="en")
    again = post_referrals(client, partners.cohort, token, body, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    problem = response.json()
    assert problem["detail"] == "No row can be registered: each is invalid or a possible duplicate."
    assert [error["row"] for error in problem["errors"]] == [1, 2]
    assert all(error["errors"] for error in problem["errors"])
    assert again.json() == problem
    assert not Enrolment.objects.exists()


def test_a_closed_cohort_takes_no_referrals(client, partners):
    _api_client, token = issue(partners.municipality, [ApiScope.REFERRALS_WRITE])
    Cohort.objects.filter(pk=partners.cohort.pk).update(closed_at=timezone.now())

    response = post_referrals(client, partners.cohort, token, referral_list(ROW))

    assert response.status_code == 409
    assert not Enrolment.objects.exists()


def test_a_person_another_organisation_referred_is_not_revealed(client, partners, coordinator):
    other_referral = CandidateFactory(referring_organisation=partners.other_municipality, email="f.amrani@example.org")
    walk(cohort=partners.cohort, to=S.REGISTERED, by_user=coordinator, candidate=other_referral)
    _api_client, token = issue(partners.municipality, [ApiScope.REFERRALS_WRITE])

    body = post_referrals(client, partners.cohort, token, referral_list(ROW)).json()

    # Only the candidates of its own referrals are matched: the answer says nothing of anyone else's.
    assert body["rows"][0]["status"] == "registered"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_posts_with_the_same_key_at_once_register_the_list_once():
    require_postgres()
    partners = two_partners()
    api_client, _token = issue(partners.municipality, [ApiScope.REFERRALS_WRITE])
    rows = [ROW, {**ROW, "first_name": "Sara", "email": "sara@example.org"}]
    body = referral_list(*rows)

    def post(_index):
        return referrals_receive(
            client=api_client,
            cohort=partners.cohort,
            rows=rows,
            consent_purpose=CONSENT,
            idempotency_key="tegelijk",
            fingerprint=request_fingerprint(path="/same", body=body),
        )

    first, second = run_at_once(post, 1, 2)

    assert first == second, (first, second)
    assert first[0] == 201
    assert Enrolment.objects.filter(cohort=partners.cohort).count() == 2
    assert CandidateImport.objects.count() == 1
