"""How the candidate list holds up with 50,000 candidates.

Only the query count is asserted: it must not grow with the page size. The times are printed for
the reader, never asserted, because they depend on the machine and the database.
Run with `make bench` (pytest benchmarks -p no:xdist).
"""

import statistics
import time

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.models import Candidate, Enrolment
from pilots.selectors import pilot_list

from .conftest import CANDIDATES

LIST_URL = reverse("candidates:candidate-list")
RUNS = 5


def measure(client, url: str, params: dict) -> tuple[int, float, object]:
    """The number of queries of one request, and the median time over a few runs."""
    client.get(url, params)  # the session, the user and the content types are read once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    # Read now: the next request empties the connection's query log.
    query_count = len(queries)
    timings = []
    for _run in range(RUNS):
        started = time.perf_counter()
        client.get(url, params)
        timings.append(time.perf_counter() - started)
    return query_count, statistics.median(timings), response


def report(capsys, label: str, queries: int, seconds: float) -> None:
    with capsys.disabled():
        print(f"\n  {label:<72} {queries:>3} queries  {seconds * 1000:>8.1f} ms")


@pytest.fixture
def adviser_client(client, intake):
    client.force_login(intake.adviser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_the_list_reads_the_same_number_of_queries_for_any_page_size(adviser_client, intake, capsys):
    assert Candidate.objects.count() == CANDIDATES
    counts = {}
    for per_page in (5, 25, 50, 200):
        queries, seconds, response = measure(adviser_client, LIST_URL, {"per_page": per_page})
        assert response.status_code == 200
        assert len(response.context["table"].page.object_list) == per_page
        counts[per_page] = queries
        report(capsys, f"list, {per_page} rows a page", queries, seconds)

    assert len(set(counts.values())) == 1, counts
    # The length it shows is that of the scope as the enrolments define it (candidates.selectors.candidate_list).
    in_pilots = Exists(
        Enrolment.objects.filter(candidate=OuterRef("pk"), cohort__pilot__in=pilot_list(user=intake.adviser))
    )
    scope = Candidate.objects.filter(Q(in_pilots) | Q(adviser=intake.adviser))
    assert response.context["table"].paginator.count == scope.count()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("label", "params"),
    [
        ("sorted by cohort, last page", {"sort": "cohort", "page": 400}),
        ("sorted by adviser, descending", {"sort": "-adviser"}),
        ("search on a name", {"q": "jansen12"}),
        ("search on a phone number as typed", {"q": "0600012345"}),
        ("search on a postcode as typed", {"q": "3511pq"}),
        ("cohort, status and speaking at least B1", {"status": "registered", "skill": "speaking", "level": "B1"}),
        ("open barrier and referral source", {"barrier": "childcare", "referral_source": "municipality"}),
    ],
)
def test_filtered_and_sorted_pages_read_the_same_number_of_queries(adviser_client, intake, capsys, label, params):
    small_queries, _seconds, _response = measure(adviser_client, LIST_URL, {**params, "per_page": 5})
    queries, seconds, response = measure(adviser_client, LIST_URL, {**params, "per_page": 50})

    assert response.status_code == 200
    matches = response.context["table"].paginator.count
    report(capsys, f"list, {label} ({matches} found)", queries, seconds)
    assert queries == small_queries


@pytest.mark.django_db
def test_the_csv_export_of_the_whole_list(adviser_client, intake, capsys):
    """A single run: the export reads the list in chunks, so its query count grows with the list by design."""
    url = reverse("candidates:candidate-export", args=["csv"])
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = adviser_client.get(url)
    seconds = time.perf_counter() - started
    query_count = len(queries)

    lines = response.content.decode("utf-8-sig").count("\n")
    report(capsys, f"CSV export, {lines - 1} rows", query_count, seconds)
    assert response.status_code == 200
