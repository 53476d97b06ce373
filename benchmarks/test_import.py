"""How a 10,000-row referral list imports, against bulk_create of the same rows.

The import is measured as a worker runs it for a large list: the check (every row validated, the duplicates looked
up against the candidates already registered) and, once confirmed, the import (the same bytes checked again, then
the candidates, their enrolments, transitions and history rows inserted in one transaction). It is set against two
floors: bulk_create of the same candidates only, and bulk_create of every row the import writes (candidates,
enrolments, transitions, their history rows and the import's list of candidates). The ratios are printed; the
target of issue 15 is an import at least 25% as fast as bulk_create. The query counts are asserted: a few per
thousand rows at most (the duplicate check asks 500 rows at a time, the inserts take 1,000 rows each).

Runs on its own data (BENCH_IMPORT_EXISTING candidates already registered, BENCH_IMPORT_ROWS rows in the list), so
it needs none of the other benchmarks' fixtures. `make bench`, or:
    .venv/bin/python -m pytest benchmarks/test_import.py -p no:xdist -s
"""

import datetime
import os
import statistics
import time
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from candidates import importing
from candidates.import_jobs import import_job_run, import_upload_receive
from candidates.models import (
    Candidate,
    CandidateImport,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    ImportJob,
    ImportJobStatus,
)
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", 10_000))
EXISTING = int(os.environ.get("BENCH_IMPORT_EXISTING", 1_000))
RUNS = int(os.environ.get("BENCH_IMPORT_RUNS", 3))
HEADER = [
    "voornaam",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "e-mail",
    "telefoon",
    "postcode",
    "woonplaats",
    "uitkering",
    "opleiding",
    "spreken",
    "beschikbare dagen",
    "uren per week",
]
FIRST_NAMES = ["Fatima", "Jan", "Sanne", "Mohammed", "Anouk", "Daan", "Yara", "Kees", "Ilse", "Omar"]
# The import's own queries; far below one a row.
MAX_QUERIES = 120


def referral_list(run: int) -> bytes:
    """ROWS people, one in fifty of them registered already (by e-mail), one in a hundred with an error."""
    lines = [";".join(HEADER)]
    for number in range(ROWS):
        born = f"{1 + number % 28:02d}-{1 + number % 12:02d}-{1960 + number % 45}"
        email = f"kandidaat{number % EXISTING}@example.org" if number % 50 == 0 else f"r{run}-{number}@example.org"
        if number % 100 == 1:
            born = "31-02-1990"
        lines.append(
            ";".join(
                [
                    FIRST_NAMES[number % 10],
                    "van" if number % 7 == 0 else "",
                    f"Lijst{run}x{number}",
                    born,
                    email,
                    f"06{10_000_000 + number:08d}",
                    f"{1000 + number % 8999} AB",
                    "Utrecht",
                    "bijstand",
                    "mbo2",
                    "A2",
                    "ma, di, do",
                    "24",
                ]
            )
        )
    return "\r\n".join(lines).encode()


@pytest.fixture
def setting(db, settings, monkeypatch, tmp_path):
    """An adviser with a cohort, EXISTING candidates registered in it, and room for a list of ROWS rows."""
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_BACKGROUND_ROWS = 0
    settings.CANDIDATE_IMPORT_MAX_BYTES = 50 * 1024 * 1024
    monkeypatch.setattr(importing, "MAX_ROWS", ROWS)
    organisation = OrganisationFactory(name="WSP Import")
    adviser = UserFactory(username="bench-import", organisation=organisation, role=Role.ADVISER)
    cohort = CohortFactory(pilot=PilotFactory(lead_organisation=organisation), name="Ronde import")
    existing = Candidate.objects.bulk_create(
        Candidate(
            first_name="Bestaand",
            last_name=f"Kandidaat{number}",
            date_of_birth=datetime.date(1980, 1, 1),
            email=f"kandidaat{number}@example.org",
            referral_source="municipality",
            adviser=adviser,
        )
        for number in range(EXISTING)
    )
    Enrolment.objects.bulk_create(Enrolment(candidate=candidate, cohort=cohort) for candidate in existing)
    return adviser, cohort


def import_once(adviser, cohort, run: int) -> tuple[float, float, int, int]:
    """The check's and the import's seconds and query counts, for one upload of the list."""
    content = referral_list(run)
    _upload, job = import_upload_receive.within(
        by_user=adviser,
        cohort=cohort,
        content=content,
        file_name=f"verwijzingen-{run}.csv",
        consent_purpose="Deelname",
        row_count=importing.count_rows(content=content),
    )
    assert job is not None
    with CaptureQueriesContext(connection) as check_queries:
        started = time.perf_counter()
        assert import_job_run(job_id=job.pk.hex) == "checked"
        check_seconds = time.perf_counter() - started
    job.refresh_from_db()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.IMPORTING, confirmed=True)
    with CaptureQueriesContext(connection) as import_queries:
        started = time.perf_counter()
        assert import_job_run(job_id=job.pk.hex) == "imported"
        import_seconds = time.perf_counter() - started
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE
    assert job.candidate_import.rows_imported == ROWS - ROWS // 50 - ROWS // 100
    return check_seconds, import_seconds, len(check_queries), len(import_queries)


def bulk_once(adviser, cohort, run: int) -> tuple[float, float]:
    """bulk_create of the same rows: the candidates only, and everything the import writes."""
    table = importing.parse_table(file_name="bulk.csv", content=referral_list(run))
    values = [row.values for row in table.importable_rows]
    now = timezone.now()

    def candidates() -> list[Candidate]:
        return [
            Candidate(**row, adviser=adviser, consent_given_at=now, consent_recorded_by=adviser, consent_purpose="D")
            for row in values
        ]

    with transaction.atomic():
        objects = candidates()
        started = time.perf_counter()
        Candidate.objects.bulk_create(objects, batch_size=1000)
        only_candidates = time.perf_counter() - started
        transaction.set_rollback(True)

    with transaction.atomic():
        objects = candidates()
        started = time.perf_counter()
        created = bulk_create_with_history(objects, Candidate, batch_size=1000)
        enrolments = bulk_create_with_history(
            [Enrolment(candidate=c, cohort=cohort, status=EnrolmentStatus.REGISTERED) for c in created],
            Enrolment,
            batch_size=1000,
        )
        EnrolmentTransition.objects.bulk_create(
            [EnrolmentTransition(enrolment=e, to_status=EnrolmentStatus.REGISTERED, at=now) for e in enrolments],
            batch_size=1000,
        )
        record = CandidateImport.objects.create(
            uploaded_by=adviser, at=now, file_name="bulk.csv", cohort=cohort, rows_total=0, rows_imported=0,
            rows_skipped=0,
        )  # fmt: skip
        through = CandidateImport.candidates.through
        through.objects.bulk_create(
            [through(candidateimport_id=record.pk, candidate_id=c.pk) for c in created], batch_size=1000
        )
        everything = time.perf_counter() - started
        transaction.set_rollback(True)
    return only_candidates, everything


def test_a_large_referral_list_imports_at_a_fair_share_of_bulk_creates_speed(setting, capsys):
    adviser, cohort = setting
    checks, imports, only_candidates, everything = [], [], [], []
    query_counts = set()
    for run in range(RUNS):
        check_seconds, import_seconds, check_queries, import_queries = import_once(adviser, cohort, run)
        bulk_candidates, bulk_everything = bulk_once(adviser, cohort, RUNS + run + uuid.uuid4().int % 1000)
        checks.append(check_seconds)
        imports.append(import_seconds)
        only_candidates.append(bulk_candidates)
        everything.append(bulk_everything)
        query_counts.add((check_queries, import_queries))

    check, imported = statistics.median(checks), statistics.median(imports)
    floor_candidates, floor_everything = statistics.median(only_candidates), statistics.median(everything)
    with capsys.disabled():
        print(
            f"\n  referral list of {ROWS} rows, {EXISTING} candidates registered, {connection.vendor}, median of {RUNS}"
        )
        print(f"  {'check (preview)':<58} {check:>8.2f} s")
        print(f"  {'import (confirmed: checked again and inserted)':<58} {imported:>8.2f} s")
        print(f"  {'bulk_create of the candidates':<58} {floor_candidates:>8.2f} s")
        print(f"  {'bulk_create of every row the import writes':<58} {floor_everything:>8.2f} s")
        print(f"  {'import at this share of bulk_create (candidates)':<58} {floor_candidates / imported:>8.1%}")
        print(f"  {'import at this share of bulk_create (every row)':<58} {floor_everything / imported:>8.1%}")
        print(f"  {'queries: check, import':<58} {sorted(query_counts)}")

    # The check writes its progress once a second, so its count follows the clock; both stay far below the rows.
    assert max(max(counts) for counts in query_counts) <= MAX_QUERIES, query_counts
