"""What a report job costs beside the PDF rendering it cannot avoid: `python -m benchmarks.report_job`.

Against the region's database at one scale (benchmarks/dataset.py; make bench passes the one it measures, or
--candidates N builds or reuses one), with the production settings, a real Redis (REDIS_URL, default
redis://127.0.0.1:6379/14) and a real `celery worker` on the reports queue: BENCH_REPORT_PAIRS (default 5)
interleaved pairs of

- the job: the coordinator asks for the largest pilot's report (reports.services.request_report), the task
  travels through the broker to the worker, which reads the figures, renders the HTML and the PDF and stores it;
  timed from the request until the job row says done;
- WeasyPrint's own render of the same report's HTML in this process.

Prints one JSON document: the median of the pairs' ratios (the figure the 1.3 target is held against), the medians
of both times, the job's query count (one build in this process, counted), and the worker child's peak resident
memory (VmHWM) over the builds. Nothing is asserted: make bench prints PASS or FAIL.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time

from . import harness

PAIRS = int(os.environ.get("BENCH_REPORT_PAIRS", "5"))
JOB_TIMEOUT = 600


def _setup(database: str) -> None:
    os.environ.update(harness.server_environment(database))
    import django

    django.setup()


def _wait_for(job_id: int) -> str:
    from reports.models import ReportJob, ReportJobStatus

    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        status = ReportJob.objects.filter(pk=job_id).values_list("status", flat=True).get()
        if status in (ReportJobStatus.DONE, ReportJobStatus.FAILED):
            return status
        time.sleep(0.01)
    return "timed out"


def measure(targets: dict, pairs: int = PAIRS) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone, translation

    from core.models import User
    from pilots.models import Pilot
    from reports import pdf, services
    from reports.models import ReportJob

    coordinator = User.objects.get(username=targets["logins"]["coordinator"])
    pilot = Pilot.objects.get(slug=targets["pilot_slug"])
    period = {"period_start": datetime.date(2000, 1, 1), "period_end": datetime.date(2099, 12, 31)}
    database = targets["database_url"]

    # The worker child is kept for the whole run (no max memory per child), so its peak covers every build.
    with harness.celery_worker(
        database,
        name=f"report-{targets['counts']['candidates']}",
        queues="reports",
        CELERY_WORKER_MAX_MEMORY_PER_CHILD="0",
    ) as worker:
        time.sleep(1)  # the prefork child comes up after the parent says ready
        children = worker.children()
        child_rss_before = max((harness.peak_rss_kib(pid) for pid in children), default=0)
        # Fonts and templates are loaded on first use, in both processes: warm both up before timing.
        warm = services.request_report(user=coordinator, pilots=[pilot], **period)
        if _wait_for(warm.pk) != "done":
            raise SystemExit(f"the warm-up report job ended {ReportJob.objects.get(pk=warm.pk).error}")
        with translation.override(settings.LANGUAGE_CODE):
            html = pdf.report_html(pilots=[pilot], made_at=timezone.now(), **period)
            pdf.render_pdf(html)

        jobs, renders = [], []
        for _pair in range(pairs):
            started = time.perf_counter()
            job = services.request_report(user=coordinator, pilots=[pilot], **period)
            status = _wait_for(job.pk)
            jobs.append(time.perf_counter() - started)
            if status != "done":
                raise SystemExit(f"the report job ended {status}: {ReportJob.objects.get(pk=job.pk).error}")
            with translation.override(settings.LANGUAGE_CODE):
                html = pdf.report_html(pilots=[pilot], made_at=timezone.now(), **period)
                started = time.perf_counter()
                document = pdf.render_pdf(html)
                renders.append(time.perf_counter() - started)
        peak = max((harness.peak_rss_kib(pid) for pid in worker.children() or children), default=0)

    # The job's queries, counted in this process: the same build a worker runs.
    job = ReportJob.objects.create(requested_by=coordinator, **period)
    job.pilots.set([pilot])
    claimed = services.job_claim(job_id=job.pk, task_id="bench-query-count")
    with CaptureQueriesContext(connection) as queries:
        services.job_build(claimed)
    ratios = [job_seconds / render for job_seconds, render in zip(jobs, renders, strict=True)]
    return {
        "benchmark": "report_job",
        "database": connection.vendor,
        "candidates": targets["counts"]["candidates"],
        "pilot": pilot.slug,
        "pilot_candidates": targets["pilot_candidates"],
        "pairs": pairs,
        "job_median_s": round(statistics.median(jobs), 3),
        "render_median_s": round(statistics.median(renders), 3),
        "ratios": [round(ratio, 2) for ratio in ratios],
        "ratio_median": round(statistics.median(ratios), 2),
        "job_queries": len(queries),
        "worker_child_rss_before_mib": round(child_rss_before / 1024, 1),
        "worker_peak_rss_mib": round(peak / 1024, 1),
        "html_kib": round(len(html.encode()) / 1024, 1),
        "pdf_kib": round(len(document) / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", help="the dataset's targets as JSON (make bench passes them)")
    parser.add_argument("--candidates", type=int, default=1_000, help="otherwise: the scale to build or reuse")
    args = parser.parse_args(argv)
    targets = json.loads(args.targets) if args.targets else harness.ensure_dataset(args.candidates, reuse=True)
    _setup(targets["database_url"])
    json.dump(measure(targets), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
