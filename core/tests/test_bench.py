"""What make bench needs from the portal is off unless its settings switch it on (core.bench)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.bench import HEADER
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in():
    client = Client()
    client.force_login(UserFactory())
    return client


def test_no_query_count_header_by_default(logged_in):
    response = logged_in.get("/")

    assert HEADER not in response


def test_the_bench_pages_are_not_there_by_default(logged_in):
    assert logged_in.get("/bench/trivial/").status_code == 404


def test_with_the_bench_setting_every_response_counts_its_queries(settings):
    settings.BENCH_QUERY_COUNT = True
    client = Client()  # the middleware is chosen when a handler first loads it
    client.force_login(UserFactory())

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")

    assert int(response[HEADER]) == len(queries) > 0
