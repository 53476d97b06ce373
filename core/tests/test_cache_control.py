"""Pages for a logged-in person and file downloads stay out of the browser cache of a shared desk computer."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils.cache import get_max_age

from candidates.models import EnrolmentStatus
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.middleware import PrivatePagesMiddleware
from pilots.tests.factories import CohortFactory, PilotFactory


def cache_control(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def pilot(organisation):
    return PilotFactory(lead_organisation=organisation, region=organisation.region)


def test_a_page_for_a_logged_in_user_is_neither_stored_nor_shared(client, coordinator, pilot):
    client.force_login(coordinator)

    response = client.get(reverse("pilots:coordinator-start"))

    assert response.status_code == 200
    assert {"no-store", "private"} <= cache_control(response)
    assert get_max_age(response) == 0


def test_a_redirect_to_a_logged_in_user_is_not_stored_either(client, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert {"no-store", "private"} <= cache_control(response)


@pytest.mark.parametrize("name", ["reports:dashboard-xlsx", "reports:dashboard-csv"])
def test_a_spreadsheet_download_is_neither_stored_nor_shared(client, coordinator, pilot, name):
    CohortFactory(pilot=pilot)
    client.force_login(coordinator)

    response = client.get(reverse(name, args=[pilot.slug]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert {"no-store", "private"} <= cache_control(response)


def test_the_json_access_request_is_neither_stored_nor_shared(client, adviser, pilot):
    candidate = EnrolmentFactory(
        cohort=CohortFactory(pilot=pilot), status=EnrolmentStatus.STARTED, candidate=CandidateFactory()
    ).candidate
    client.force_login(adviser)

    response = client.get(reverse("candidates:candidate-access-json", kwargs={"pk": candidate.pk}))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert {"no-store", "private"} <= cache_control(response)


def test_a_download_to_someone_not_logged_in_is_not_stored_either():
    def attachment(request: HttpRequest) -> HttpResponse:
        response = HttpResponse(b"a;b\n", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="list.csv"'
        return response

    request = RequestFactory().get("/some/export.csv")
    # No `user` on the request at all: the middleware must not need one to protect a download.
    response = PrivatePagesMiddleware(attachment)(request)

    assert {"no-store", "private"} <= cache_control(response)


def test_the_anonymous_login_page_keeps_the_headers_django_gives_it(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    # Django's LoginView is never_cache itself (its form holds a CSRF token); the middleware adds nothing.
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_a_public_page_for_someone_not_logged_in_is_left_cacheable(client, db):
    response = client.get(reverse("password_reset"))

    assert response.status_code == 200
    assert "private" not in cache_control(response)
    assert "no-store" not in cache_control(response)


def test_static_files_are_left_cacheable_for_a_logged_in_user(settings):
    def static_file(request: HttpRequest) -> HttpResponse:
        response = HttpResponse(b"body{}", content_type="text/css")
        response["Cache-Control"] = "max-age=60, public"
        return response

    request = RequestFactory().get(f"{settings.STATIC_URL}css/site.css")
    request.user = type("LoggedIn", (), {"is_authenticated": True})()
    response = PrivatePagesMiddleware(static_file)(request)

    assert response["Cache-Control"] == "max-age=60, public"
