"""The API's figures and reports: scoped to the client's organisation and scope, the figures hidden exactly as in
the evaluation report, and a report asked for, followed, downloaded and announced by a signed webhook."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from candidates.lifecycle import EnrolmentStatus as S
from candidates.tests.journeys import walk
from core.api import api_client_revoke
from core.models import ApiScope, WebhookDelivery
from core.roles import Role
from core.tests.api import bearer, issue, two_partners
from core.tests.factories import UserFactory
from pilots.models import Pilot
from pilots.tests.factories import CohortFactory
from reports.api import figures_json
from reports.figures import cells, hidden_cells, pilot_evaluation
from reports.models import ReportDownload, ReportJob, ReportJobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def partners():
    return two_partners()


def _job_of(client_of, pilot):
    return ReportJob.objects.create(
        requested_by=client_of.account, period_start=pilot.cohorts.first().start_date, period_end=timezone.localdate()
    )


# Each endpoint: how to call it for a pilot of the client's own organisation, or of another one.
ENDPOINTS = {
    "pilot list": ("get", lambda own, other: "/api/v1/pilots", None),
    "figures": ("get", lambda own, other: f"/api/v1/pilots/{own.pilot.slug}/figures", None),
    "figures of another organisation's pilot": (
        "get",
        lambda own, other: f"/api/v1/pilots/{own.other_pilot.slug}/figures",
        None,
    ),
    "report request": ("post", lambda own, other: "/api/v1/report-jobs", "own"),
    "report request for another organisation's pilot": ("post", lambda own, other: "/api/v1/report-jobs", "other"),
    "report job": ("get", lambda own, other: f"/api/v1/report-jobs/{own.job.pk}", None),
    "another client's report job": ("get", lambda own, other: f"/api/v1/report-jobs/{other.pk}", None),
    "download": ("get", lambda own, other: f"/api/v1/report-jobs/{own.job.pk}/download", None),
}
# What each endpoint answers with the right scope; 409: the job is not done.
ANSWERS = {
    "pilot list": 200,
    "figures": 200,
    "figures of another organisation's pilot": 404,
    "report request": 202,
    "report request for another organisation's pilot": 404,
    "report job": 200,
    "another client's report job": 404,
    "download": 409,
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("who", ["right scope", "other scopes", "revoked", "no token"])
def test_every_figures_endpoint_for_every_scope_and_organisation(client, partners, administrator, endpoint, who):
    scopes = [ApiScope.FIGURES_READ] if who != "other scopes" else [ApiScope.COHORTS_READ, ApiScope.REFERRALS_WRITE]
    own_client, token = issue(partners.municipality, scopes)
    other_client, _other_token = issue(partners.other_municipality)
    partners.job = _job_of(own_client, partners.pilot)
    other_job = _job_of(other_client, partners.other_pilot)
    if who == "revoked":
        api_client_revoke(client=own_client, by_user=administrator)
    method, path, body = ENDPOINTS[endpoint]
    headers = bearer(token) if who != "no token" else {}
    data = {}
    if body:
        pilot = partners.pilot if body == "own" else partners.other_pilot
        data = {"pilots": [pilot.slug], "period_start": "2026-01-01", "period_end": "2026-12-31"}

    if method == "post":
        response = client.post(path(partners, other_job), data, content_type="application/json", **headers)
    else:
        response = client.get(path(partners, other_job), **headers)

    expected = {"right scope": ANSWERS[endpoint], "other scopes": 403, "revoked": 401, "no token": 401}[who]
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"


def test_the_figures_hide_small_counts_as_the_report_does(client, partners, coordinator):
    _api_client, token = issue(partners.municipality, [ApiScope.FIGURES_READ])
    cohort = CohortFactory(pilot=partners.pilot, seats=14)
    for _ in range(6):
        walk(cohort=cohort, to=S.STARTED, by_user=coordinator)
    walk(cohort=cohort, to=S.DROPPED_OUT, by_user=coordinator)

    response = client.get(f"/api/v1/pilots/{partners.pilot.slug}/figures", **bearer(token))

    assert response.status_code == 200
    with translation.override(settings.LANGUAGE_CODE):
        raw = pilot_evaluation(pilots=[partners.pilot])
        expected = figures_json(raw)
    figures = response.json()
    assert figures == expected
    stages = {stage["key"]: stage["count"] for stage in figures["total"]["stages"]}
    assert stages["started"] == 7
    # One dropout: a small count, hidden (null), and so is what could give it away.
    assert stages["dropped_out"] is None
    hidden = hidden_cells(raw)
    assert "total.stages.{}.count".format([s["key"] for s in figures["total"]["stages"]].index("dropped_out")) in hidden
    assert figures["public"] is True


def test_the_figures_refuse_a_period_that_ends_before_it_starts(client, partners):
    _api_client, token = issue(partners.municipality, [ApiScope.FIGURES_READ])

    response = client.get(
        f"/api/v1/pilots/{partners.pilot.slug}/figures?period_start=2026-05-01&period_end=2026-01-01",
        **bearer(token, HTTP_ACCEPT_LANGUAGE="en"),
    )

    assert response.status_code == 422
    assert response.json()["detail"] == "The end of the period cannot be before its start."


def test_a_report_is_asked_for_followed_downloaded_and_announced_by_webhook(
    client, partners, coordinator, django_capture_on_commit_callbacks
):
    api_client, token = issue(
        partners.municipality, [ApiScope.FIGURES_READ], webhook_url="https://partner.example/opstap"
    )
    walk(cohort=partners.cohort, to=S.STARTED, by_user=coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(
            "/api/v1/report-jobs",
            {"pilots": [partners.pilot.slug], "period_start": "2026-01-01", "period_end": "2026-12-31"},
            content_type="application/json",
            **bearer(token),
        )

    assert asked.status_code == 202, asked.content
    job = ReportJob.objects.get(pk=asked.json()["id"])
    assert job.requested_by == api_client.account
    polled = client.get(f"/api/v1/report-jobs/{job.pk}", **bearer(token)).json()
    assert polled["status"] == ReportJobStatus.DONE
    assert polled["download_url"] == f"/api/v1/report-jobs/{job.pk}/download"

    download = client.get(polled["download_url"], **bearer(token))

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert ReportDownload.objects.filter(job=job, user=api_client.account).count() == 1
    webhook = WebhookDelivery.objects.get(client=api_client)
    assert webhook.event == "report_job.done"
    assert webhook.payload == {"id": job.pk, "status": "done", "download_url": polled["download_url"]}


def test_a_coordinator_of_the_pilot_sees_the_report_a_client_asked_for(
    client, partners, django_capture_on_commit_callbacks
):
    api_client, token = issue(partners.municipality, [ApiScope.FIGURES_READ])
    coordinator = UserFactory(organisation=partners.pilot.lead_organisation, role=Role.COORDINATOR)
    with django_capture_on_commit_callbacks(execute=False):
        asked = client.post(
            "/api/v1/report-jobs",
            {"pilots": [partners.pilot.slug], "period_start": "2026-01-01", "period_end": "2026-12-31"},
            content_type="application/json",
            **bearer(token),
        )
    client.force_login(coordinator)

    page = client.get(reverse("reports:job-detail", args=[asked.json()["id"]]))

    assert page.status_code == 200
    assert ReportJob.objects.get(pk=asked.json()["id"]).requested_by == api_client.account


def test_the_figures_from_the_api_equal_the_reports_for_every_demo_pilot(client):
    call_command("seed_demo", stdout=StringIO())
    lead_organisations = {pilot.lead_organisation for pilot in Pilot.objects.select_related("lead_organisation")}
    tokens = {organisation.pk: issue(organisation, [ApiScope.FIGURES_READ])[1] for organisation in lead_organisations}

    pilots = list(Pilot.objects.order_by("name"))
    assert len(pilots) >= 4
    for pilot in pilots:
        response = client.get(f"/api/v1/pilots/{pilot.slug}/figures", **bearer(tokens[pilot.lead_organisation_id]))
        assert response.status_code == 200, pilot.slug
        figures = response.json()
        with translation.override(settings.LANGUAGE_CODE):
            raw = pilot_evaluation(pilots=[pilot])
            assert figures == figures_json(raw), pilot.slug
        # Cell by cell: a hidden count is null, every other count is the raw count the report shows.
        hidden = hidden_cells(raw)
        for path, value in cells(raw).items():
            node = figures
            for part in path.split("."):
                node = node[int(part)] if isinstance(node, list) else node[part]
            assert node == (None if path in hidden else value), (pilot.slug, path)
