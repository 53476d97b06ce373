"""What a report job costs, beside the PDF rendering it cannot avoid: `python -m benchmarks.report_job`.

Builds a pilot of BENCH_REPORT_CANDIDATES (default 1,000) candidates in a fresh test database on the database
DATABASE_URL names (PostgreSQL in CI and for `make bench`; the SQLite default otherwise), asks for its report
as a coordinator would, and prints one JSON document: the whole job's time (request, queue hand-over, figures,
HTML, PDF, storage), WeasyPrint's own render time of the same final HTML, their ratio, and the job's query
count. A measurement to read, not a test: nothing is asserted. The render time is the median of a few renders.
"""

import datetime
import json
import os
import statistics
import sys
import time

CANDIDATES = int(os.environ.get("BENCH_REPORT_CANDIDATES", 1_000))
BATCH = 500
# WeasyPrint's time varies from run to run by a tenth or so: the median of a few renders is the yardstick.
RENDER_RUNS = 3


def _build_pilot(candidates: int):
    from candidates.models import (
        BarrierKind,
        Candidate,
        CandidateBarrier,
        DropoutReason,
        Enrolment,
        EnrolmentStatus,
        Outcome,
        OutcomeKind,
        ReferralSource,
    )
    from core.roles import Role, sync_role_groups
    from core.tests.factories import UserFactory
    from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory

    sync_role_groups()
    organisation = OrganisationFactory(name="WSP Benchmark")
    coordinator = UserFactory(username="bench-coordinator", organisation=organisation, role=Role.COORDINATOR)
    pilot = PilotFactory(name="Groepshulp Benchmark", slug="groepshulp-benchmark", lead_organisation=organisation)
    cohorts = [
        CohortFactory(
            pilot=pilot,
            name=f"Ronde {number}",
            start_date=datetime.date(2026, 1 + 3 * (number - 1), 1),
            end_date=datetime.date(2026, 3 + 3 * (number - 1), 28),
            seats=candidates // 4 + 1,
        )
        for number in range(1, 5)
    ]
    statuses = [
        EnrolmentStatus.REGISTERED,
        EnrolmentStatus.SCREENED,
        EnrolmentStatus.SELECTED,
        EnrolmentStatus.STARTED,
        EnrolmentStatus.COMPLETED,
        EnrolmentStatus.DROPPED_OUT,
        EnrolmentStatus.OUTFLOW,
        EnrolmentStatus.OUTFLOW,
    ]
    started = {EnrolmentStatus.STARTED, EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED_OUT, EnrolmentStatus.OUTFLOW}
    kinds = [OutcomeKind.JOB_ELSEWHERE, OutcomeKind.EDUCATION, OutcomeKind.NONE]
    sources = list(ReferralSource.values)
    for first in range(0, candidates, BATCH):
        numbers = range(first, min(first + BATCH, candidates))
        people = Candidate.objects.bulk_create(
            [
                Candidate(
                    first_name="Kandidaat",
                    last_name=f"Benchmark {number}",
                    date_of_birth=datetime.date(1970 + number % 35, 1 + number % 12, 1 + number % 28),
                    city="Utrecht",
                    referral_source=sources[number % len(sources)],
                    consent_purpose="Deelname",
                )
                for number in numbers
            ]
        )
        enrolments = []
        for number, person in zip(numbers, people, strict=True):
            cohort = cohorts[number % 4]
            status = statuses[number % len(statuses)]
            enrolments.append(
                Enrolment(
                    candidate=person,
                    cohort=cohort,
                    status=status,
                    started_on=cohort.start_date if status in started else None,
                    ended_on=cohort.end_date if status in started - {EnrolmentStatus.STARTED} else None,
                    dropout_reason=DropoutReason.HEALTH if status == EnrolmentStatus.DROPPED_OUT else "",
                )
            )
        enrolments = Enrolment.objects.bulk_create(enrolments)
        Outcome.objects.bulk_create(
            Outcome(
                enrolment=enrolment,
                kind=kinds[number % 3],
                start_date=enrolment.ended_on + datetime.timedelta(days=14),
                employer_name="Kinderopvang Elders",
            )
            for number, enrolment in zip(numbers, enrolments, strict=True)
            if enrolment.status == EnrolmentStatus.OUTFLOW
        )
        CandidateBarrier.objects.bulk_create(
            CandidateBarrier(candidate=person, kind=BarrierKind.CHILDCARE)
            for number, person in zip(numbers, people, strict=True)
            if number % 7 == 0
        )
    return coordinator, pilot


def measure(candidates: int = CANDIDATES) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone, translation

    from reports import pdf, services
    from reports.models import ReportJob, ReportJobStatus

    coordinator, pilot = _build_pilot(candidates)
    period = {"period_start": datetime.date(2026, 1, 1), "period_end": datetime.date(2026, 12, 31)}
    made_at = timezone.now()
    # WeasyPrint loads its fonts on first use: warm it up, so neither measurement below pays for that alone.
    with translation.override(settings.LANGUAGE_CODE):
        pdf.render_pdf(pdf.report_html(pilots=[pilot], made_at=made_at, **period))

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        # Outside a transaction the commit hook runs at once, and without REDIS_URL the task runs in-process.
        job = services.request_report(user=coordinator, pilots=[pilot], **period)
        job_seconds = time.perf_counter() - started
    job = ReportJob.objects.get(pk=job.pk)
    if job.status != ReportJobStatus.DONE:
        raise SystemExit(f"the report job ended {job.status}:\n{job.error}")

    with translation.override(settings.LANGUAGE_CODE):
        html = pdf.report_html(pilots=[pilot], made_at=job.started_at, **period)
        timings = []
        for _run in range(RENDER_RUNS):
            started = time.perf_counter()
            document = pdf.render_pdf(html)
            timings.append(time.perf_counter() - started)
        render_seconds = statistics.median(timings)

    return {
        "benchmark": "report_job",
        "database": connection.vendor,
        "candidates": candidates,
        "job_seconds": round(job_seconds, 3),
        "weasyprint_render_seconds": round(render_seconds, 3),
        "job_to_render_ratio": round(job_seconds / render_seconds, 2),
        "job_queries": len(queries),
        "pdf_bytes": job.file.size,
        "html_bytes": len(html.encode()),
        "rendered_pdf_bytes": len(document),
    }


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    # Tasks in-process, whatever REDIS_URL says: the benchmark measures the job, not the trip to a worker.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    if connection.vendor != "sqlite":
        # A database of its own, so a test run on the same server is not dropped by this one or the reverse.
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_report_{connection.settings_dict['NAME']}"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        result = measure()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
