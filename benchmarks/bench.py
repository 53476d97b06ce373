"""Every main page of every role, measured as a user meets it: `python -m benchmarks.bench` (make bench).

For each scale in BENCH_SCALES (default "1000 50000"): a fresh PostgreSQL database with the region at that scale
(benchmarks/dataset.py), a real gunicorn on loopback with the production settings (two workers, BENCH_QUERY_COUNT
and BENCH_PAGES on), one logged-in session per role, and then for every page BENCH_REQUESTS (default 9) rounds of
"the trivial page, then the page", so both are measured in the same minute on the same busy machine. Reported per
page: the median and p95, the ratio of the medians to the trivial page's, and the queries the page ran
(X-Query-Count). Then the report job (benchmarks/report_job.py) on the same database.

Prints a table and one JSON document (also written to var/bench/latest.json), with PASS or FAIL for each target of
issue 15: every page at most 6x the trivial page at the largest scale, fewer than 15 queries, the same number at
every scale, and the report job within 1.3x WeasyPrint's own render.

BENCH_REUSE=1 keeps a database built by an earlier run at the same scale (the generator takes minutes at 50,000).
BENCH_ONLY="trainer start|pipeline" measures only the pages whose "role: page" label matches that regular expression
(the yardsticks always run), to re-measure the pages a change touched.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from . import harness

RATIO_TARGET = 6.0
QUERY_TARGET = 15
REPORT_RATIO_TARGET = 1.3


@dataclass(frozen=True)
class Page:
    role: str
    label: str
    path: str


def scales() -> list[int]:
    return [int(value) for value in os.environ.get("BENCH_SCALES", "1000 50000").replace(",", " ").split()]


def _last_page(session: harness.Session, path: str, parameter: str) -> int:
    """The highest page number the list links to (its last page)."""
    page = session.get(path).body.decode(errors="replace")
    numbers = [int(n) for n in re.findall(rf"[?&;]{parameter}=(\d+)", page)]
    return max(numbers, default=1)


def pages(targets: dict, sessions: dict[str, harness.Session]) -> list[Page]:
    candidates = "/kandidaten/"
    search = targets["search"]
    # Four filters that still find a page of candidates at 1,000: an empty page would run fewer queries.
    filters = {"status": "started", "skill": "speaking", "level": "A2", "referral_source": "municipality"}
    adviser_deep = _last_page(sessions["adviser"], candidates, "page")
    coordinator_deep = _last_page(sessions["coordinator"], candidates, "page")
    admin_list = "/beheer/candidates/candidate/"
    admin_deep = max(0, targets["counts"]["candidates"] // 100 * 4 // 5)
    slug, cohort, running = targets["pilot_slug"], targets["cohort_id"], targets["running_cohort_id"]
    found = []
    for role, deep in (("adviser", adviser_deep), ("coordinator", coordinator_deep)):
        found += [
            Page(role, "candidate list", candidates),
            Page(role, "candidate list, 4 filters", f"{candidates}?{urlencode(filters)}"),
            Page(role, "candidate list, search", f"{candidates}?{urlencode({'q': search})}"),
            Page(role, "candidate list, sorted by cohort", f"{candidates}?sort=cohort"),
            Page(role, f"candidate list, page {deep}", f"{candidates}?page={deep}"),
        ]
    found += [
        Page("adviser", "adviser start", "/kandidaten/start/"),
        Page("adviser", "candidate page", f"/kandidaten/{targets['candidate_id']}/"),
        Page("coordinator", "coordinator start (pilots)", "/pilots/coordinator/"),
        Page("coordinator", "pilot page", f"/pilots/{slug}/"),
        Page("coordinator", "cohort page", f"/pilots/cohort/{cohort}/"),
        Page("coordinator", "cohort selection", f"/kandidaten/cohort/{cohort}/selectie/"),
        Page("coordinator", "pipeline board", f"/kandidaten/bord/{slug}/"),
        Page("coordinator", "evaluation dashboard", f"/rapportages/pilot/{slug}/"),
        Page("training_partner", "trainer start", "/pilots/opleidingspartner/"),
        Page("training_partner", "attendance grid", f"/pilots/cohort/{running}/aanwezigheid/"),
        Page("employer_contact", "employer start", "/werkgevers/start/"),
        Page("administrator", "admin candidate list", admin_list),
        Page("administrator", "admin candidate search", f"{admin_list}?{urlencode({'q': search})}"),
        Page("administrator", f"admin candidate list, page {admin_deep}", f"{admin_list}?p={admin_deep}"),
        # The yardsticks themselves: what the layout and the start redirect cost beside the trivial page.
        Page("adviser", "yardstick: trivial page in the full layout", "/bench/trivial-layout/"),
        Page("adviser", "yardstick: home (redirect to the start page)", "/"),
    ]
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def measure_page(session: harness.Session, page: Page, rounds: int) -> dict:
    trivial, timings, queries, statuses, sizes = [], [], set(), set(), []
    session.get(page.path)  # the first request of a page warms its worker's caches
    for _round in range(rounds):
        yardstick = session.get("/bench/trivial/")
        if yardstick.status != 200:
            raise SystemExit(f"the trivial page answered {yardstick.status}")
        trivial.append(yardstick.seconds)
        response = session.get(page.path)
        timings.append(response.seconds)
        queries.add(response.queries)
        statuses.add(response.status)
        sizes.append(len(response.body))
    median, trivial_median = statistics.median(timings), statistics.median(trivial)
    return {
        "role": page.role,
        "page": page.label,
        "path": page.path,
        "status": sorted(statuses),
        "median_ms": round(median * 1000, 1),
        "p95_ms": round(percentile(timings, 0.95) * 1000, 1),
        "trivial_median_ms": round(trivial_median * 1000, 2),
        "ratio": round(median / trivial_median, 2),
        "queries": max((q for q in queries if q is not None), default=None),
        "queries_vary": len(queries) > 1,
        "kib": round(statistics.median(sizes) / 1024, 1),
    }


def measure_scale(candidates: int, *, rounds: int, reuse: bool) -> dict:
    targets = harness.ensure_dataset(candidates, reuse=reuse)
    database = targets["database_url"]
    result: dict = {"candidates": candidates, "dataset": targets["counts"], "machine_before": harness.machine()}
    with harness.gunicorn(database, name=str(candidates)) as server:
        sessions = {
            role: harness.logged_in(server, username, targets["password"])
            for role, username in targets["logins"].items()
        }
        measured = []
        only = re.compile(os.environ.get("BENCH_ONLY", ""))
        for page in pages(targets, sessions):
            if not (page.label.startswith("yardstick") or only.search(f"{page.role}: {page.label}")):
                continue
            row = measure_page(sessions[page.role], page, rounds)
            measured.append(row)
            print(
                f"  {candidates:>6} {page.role:<17} {page.label:<48} {row['median_ms']:>9.1f} ms "
                f"{row['ratio']:>7.1f}x {row['queries']!s:>4} q",
                flush=True,
            )
        for session in sessions.values():
            session.close()
    result["pages"] = measured
    if os.environ.get("BENCH_REPORT", "1") != "0":
        result["report_job"] = report_job(targets)
    result["machine_after"] = harness.machine()
    return result


def report_job(targets: dict) -> dict:
    """The report job at this scale, in a process of its own (it sets Django up against this database)."""
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.report_job", "--targets", json.dumps(targets)],
        cwd=harness.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        return {"error": completed.stderr[-3000:]}
    return json.loads(completed.stdout)


def verdicts(result: dict) -> list[dict]:
    """PASS or FAIL per target of issue 15, from the measurements of this run."""
    by_scale = {scale["candidates"]: scale for scale in result["scales"]}
    largest = max(by_scale)
    checks = []
    for row in by_scale[largest]["pages"]:
        if row["page"].startswith("yardstick"):
            continue
        name = f"{row['role']}: {row['page']}"
        checks.append(
            {
                "target": f"{name} at most {RATIO_TARGET:g}x the trivial page at {largest:,}",
                "value": row["ratio"],
                "pass": row["ratio"] <= RATIO_TARGET and row["status"] == [200],
            }
        )
        checks.append(
            {
                "target": f"{name} under {QUERY_TARGET} queries",
                "value": row["queries"],
                "pass": row["queries"] is not None and row["queries"] < QUERY_TARGET,
            }
        )
        counts = {
            scale: next(
                (
                    r["queries"]
                    for r in data["pages"]
                    if (r["role"], _base(r["page"])) == (row["role"], _base(row["page"]))
                ),
                None,
            )
            for scale, data in by_scale.items()
        }
        if len(counts) > 1:
            checks.append(
                {
                    "target": f"{name}: the same queries at every scale",
                    "value": counts,
                    "pass": len(set(counts.values())) == 1,
                }
            )
    for scale, data in by_scale.items():
        job = data.get("report_job") or {}
        if "ratio_median" in job:
            checks.append(
                {
                    "target": f"report job within {REPORT_RATIO_TARGET}x WeasyPrint's render at {scale:,}",
                    "value": job["ratio_median"],
                    "pass": job["ratio_median"] <= REPORT_RATIO_TARGET,
                }
            )
    return checks


def _base(label: str) -> str:
    """A deep page's label without its page number, which differs between scales."""
    return re.sub(r", page \d+$", ", deep page", label)


def table(result: dict) -> str:
    lines = []
    for data in result["scales"]:
        lines.append(f"\n{data['candidates']:,} candidates ({data['dataset']})")
        lines.append(f"{'role':<17} {'page':<52} {'median':>9} {'p95':>9} {'x trivial':>9} {'queries':>7} {'KiB':>7}")
        for row in data["pages"]:
            lines.append(
                f"{row['role']:<17} {row['page']:<52} {row['median_ms']:>7.1f}ms {row['p95_ms']:>7.1f}ms "
                f"{row['ratio']:>8.1f}x {row['queries']!s:>7} {row['kib']:>7}"
            )
        job = data.get("report_job")
        if job and "ratio_median" in job:
            lines.append(
                f"report job, {job['pilot_candidates']:,} candidates: job {job['job_median_s']} s, render "
                f"{job['render_median_s']} s, ratio {job['ratio_median']} (pairs {job['ratios']}), worker peak "
                f"{job['worker_peak_rss_mib']} MiB, {job['job_queries']} queries"
            )
        elif job:
            lines.append(f"report job: {job.get('error', '')[-500:]}")
    lines.append("")
    for check in result["verdicts"]:
        lines.append(f"{'PASS' if check['pass'] else 'FAIL'}  {check['target']}: {check['value']}")
    return "\n".join(lines)


def main() -> int:
    rounds = int(os.environ.get("BENCH_REQUESTS", "9"))
    reuse = os.environ.get("BENCH_REUSE", "") not in ("", "0")
    started = time.time()
    harness.VAR.mkdir(parents=True, exist_ok=True)
    harness.collect_static()
    result: dict = {
        "benchmark": "pages",
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(started)),
        "requests_per_page": rounds,
        "machine": harness.machine(),
        "scales": [],
    }
    for candidates in scales():
        result["scales"].append(measure_scale(candidates, rounds=rounds, reuse=reuse))
    result["verdicts"] = verdicts(result)
    result["passed"] = all(check["pass"] for check in result["verdicts"])
    result["minutes"] = round((time.time() - started) / 60, 1)
    document = json.dumps(result, indent=2)
    (harness.VAR / "latest.json").write_text(document)
    print(document)
    print(table(result))
    print(f"\nWritten to {harness.VAR / 'latest.json'}")
    # A measurement: the verdicts are read, not enforced, so a busy machine does not fail the make target.
    return 0


if __name__ == "__main__":
    sys.exit(main())
