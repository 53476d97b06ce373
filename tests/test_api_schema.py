"""The API against its own OpenAPI document: schemathesis generates requests for every operation from the served
schema and calls the portal through its WSGI application, with a valid token of an organisation that has data.
No answer may be a server error, and every answer must be one the schema describes: its status, content type and
body. Bounded: a few dozen examples per operation, without a deadline per example (a report's PDF takes seconds).
"""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from candidates.lifecycle import EnrolmentStatus as S
from candidates.tests.factories import CandidateFactory
from candidates.tests.journeys import walk
from core.models import ApiScope
from core.tests.api import issue, two_partners
from reports.models import ReportJob

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_with_data(settings, coordinator):
    """A municipality with a pilot, a cohort with candidates it referred, and a report job of its own."""
    settings.ALLOWED_HOSTS = ["*"]
    settings.API_RATE_LIMIT_PER_MINUTE = 0
    cache.clear()
    partners = two_partners()
    for status in (S.REGISTERED, S.SCREENED, S.SELECTED):
        walk(
            cohort=partners.cohort,
            to=status,
            by_user=coordinator,
            candidate=CandidateFactory(referring_organisation=partners.municipality),
        )
    api_client, token = issue(partners.municipality, list(ApiScope.values))
    job = ReportJob.objects.create(
        requested_by=api_client.account, period_start=partners.cohort.start_date, period_end=partners.cohort.end_date
    )
    job.pilots.set([partners.pilot])
    known = {"cohort_id": partners.cohort.pk, "slug": partners.pilot.slug, "job_id": job.pk}
    # Bodies that pass validation, so that the successes are checked against the schema as well.
    bodies = {
        "/cohorts/{cohort_id}/referrals": {
            "consent_purpose": "Deelname aan het traject",
            "rows": [
                {"first_name": "Amina", "last_name": "Bakker", "date_of_birth": "02-03-1991", "email": "a@example.org"}
            ],
        },
        "/report-jobs": {"pilots": [partners.pilot.slug], "period_start": "2026-01-01", "period_end": "2026-12-31"},
    }
    return token, known, bodies


@pytest.fixture
def connection_kept():
    """Calls through the WSGI application, unlike Django's test client, end with request_finished, whose
    close_old_connections would close the test's connection (on PostgreSQL, inside its transaction). The test
    client keeps the connection the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_operation_answers_as_its_schema_says(api_with_data, connection_kept):
    token, known, bodies = api_with_data
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9

    for operation in operations:
        # Once with generated path parameters (mostly unknown ids), once with those of the organisation's data.
        own = {name: value for name, value in known.items() if f"{{{name}}}" in operation.path}
        passes = [{}]
        if own:
            passes.append({"path_parameters": own})
        body = next((body for path, body in bodies.items() if operation.path.endswith(path)), None)
        if body is not None:
            passes.append({"path_parameters": own or None, "body": body})
        for fixed in passes:
            strategy = operation.as_strategy(headers=headers, **fixed)

            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def call(case):
                case.call_and_validate(checks=CHECKS)

            call()
