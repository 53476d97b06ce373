"""50 users at once on loopback: `python -m benchmarks.load` (make load).

Builds (or, with BENCH_REUSE=1, reuses) the region at LOAD_SCALE candidates (default 1,000; benchmarks/dataset.py),
starts gunicorn with the production settings, a Celery worker on both queues against REDIS_URL, and runs locust
headless (benchmarks/locustfile.py) with LOAD_USERS users (default 50), spawned LOAD_SPAWN_RATE a second, for
LOAD_TIME (default 2m). Prints p50, p95 and p99 per request and over all, the errors, and PASS or FAIL for the
targets of issue 15: p95 under 500 ms and no errors. Writes var/bench/load.json and locust's CSV files beside it.

gunicorn runs as a deployment runs it: with config/gunicorn.py's default number of worker processes, two per core
and one more (BENCH_WEB_CONCURRENCY overrides it). make bench keeps two, to measure each page against the trivial
page on a fixed web tier; here the question is what the portal's own configuration serves.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time

from config import gunicorn as gunicorn_config

from . import harness

P95_TARGET_MS = 500


def _rows(path) -> list[dict]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _number(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def main() -> int:
    scale = int(os.environ.get("LOAD_SCALE", "1000"))
    users = int(os.environ.get("LOAD_USERS", "50"))
    spawn_rate = os.environ.get("LOAD_SPAWN_RATE", "10")
    run_time = os.environ.get("LOAD_TIME", "2m")
    reuse = os.environ.get("BENCH_REUSE", "") not in ("", "0")
    web_workers = int(os.environ.get("BENCH_WEB_CONCURRENCY") or gunicorn_config.workers)
    harness.VAR.mkdir(parents=True, exist_ok=True)
    harness.collect_static()
    targets = harness.ensure_dataset(scale, reuse=reuse)
    targets_path = harness.VAR / f"dataset-{scale}.json"
    prefix = harness.VAR / "load"
    database = targets["database_url"]
    machine_before = harness.machine()
    with (
        harness.celery_worker(database, name=f"load-{scale}"),
        harness.gunicorn(
            database, name=f"load-{scale}", BENCH_QUERY_COUNT="false", WEB_CONCURRENCY=str(web_workers)
        ) as server,
    ):
        started = time.time()
        completed = subprocess.run(
            [
                str(harness.BIN / "locust"),
                "-f",
                "benchmarks/locustfile.py",
                "--headless",
                "--host",
                server.base,
                "--users",
                str(users),
                "--spawn-rate",
                spawn_rate,
                "--run-time",
                run_time,
                "--stop-timeout",
                "10",
                "--csv",
                str(prefix),
                "--only-summary",
                "--exit-code-on-error",
                "0",
            ],
            cwd=harness.BASE_DIR,
            env={**os.environ, "BENCH_LOAD_TARGETS": str(targets_path)},
            check=False,
        )
        seconds = time.time() - started
    stats = _rows(f"{prefix}_stats.csv")
    failures = _rows(f"{prefix}_failures.csv")
    requests = []
    total = None
    for row in stats:
        entry = {
            "type": row["Type"],
            "name": row["Name"],
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": _number(row["50%"]),
            "p95_ms": _number(row["95%"]),
            "p99_ms": _number(row["99%"]),
            "max_ms": _number(row["Max Response Time"]),
            "rps": _number(row["Requests/s"]),
        }
        if row["Name"] == "Aggregated":
            total = entry
        else:
            requests.append(entry)
    if total is None:
        raise SystemExit(f"locust wrote no summary (exit code {completed.returncode})")
    verdicts = [
        {
            "target": f"p95 under {P95_TARGET_MS} ms",
            "value": total["p95_ms"],
            "pass": total["p95_ms"] is not None and total["p95_ms"] < P95_TARGET_MS,
        },
        {
            "target": "no errors",
            "value": total["failures"],
            "pass": total["requests"] > 0 and total["failures"] == 0 and completed.returncode in (0, 1),
        },
    ]
    result = {
        "benchmark": "load",
        "candidates": scale,
        "users": users,
        "run_time": run_time,
        "seconds": round(seconds),
        "web_workers": web_workers,
        "machine_before": machine_before,
        "machine_after": harness.machine(),
        "total": total,
        "requests": requests,
        "failures": failures,
        "verdicts": verdicts,
    }
    (harness.VAR / "load.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(f"\n{scale:,} candidates, {users} users for {run_time}")
    print(f"{'request':<28} {'count':>7} {'errors':>7} {'p50':>8} {'p95':>8} {'p99':>8}")
    for entry in [*requests, total]:
        print(
            f"{entry['name']:<28} {entry['requests']:>7} {entry['failures']:>7} {entry['p50_ms']!s:>6}ms "
            f"{entry['p95_ms']!s:>6}ms {entry['p99_ms']!s:>6}ms"
        )
    for failure in failures:
        print(f"error: {failure['Method']} {failure['Name']}: {failure['Error']} ({failure['Occurrences']}x)")
    for check in verdicts:
        print(f"{'PASS' if check['pass'] else 'FAIL'}  {check['target']}: {check['value']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
