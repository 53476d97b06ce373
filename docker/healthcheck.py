"""Container health checks for docker-compose.yml: `python docker/healthcheck.py web|ready|broker`.

`web` asks /healthz (the process, the database and the broker answer); `ready` asks /readyz, which also wants a
worker and beat to answer.

Exits 0 when healthy and 1, with one line saying why, when not.
"""

import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

WEB_URL = "http://127.0.0.1:8000/healthz"
READY_URL = "http://127.0.0.1:8000/readyz"


def _served_host() -> str:
    """A host name the production settings accept; a request for another one gets 400."""
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def _ask(url: str) -> str | None:
    path = urllib.parse.urlsplit(url).path
    request = urllib.request.Request(  # noqa: S310 (one of the fixed http URLs above)
        url,
        # Behind the TLS proxy every request says https; without it, SECURE_SSL_REDIRECT answers 301.
        headers={"Host": _served_host(), "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (a fixed http URL)
            response.read()
    except urllib.error.HTTPError as exc:
        return f"{path} answered {exc.code}: {exc.read()[:300].decode(errors='replace')}"
    except OSError as exc:
        return f"{path} unreachable: {exc}"
    return None


def check_web() -> str | None:
    return _ask(WEB_URL)


def check_ready() -> str | None:
    return _ask(READY_URL)


def check_broker() -> str | None:
    """Beat only sends tasks, so it is healthy when it can reach the broker it sends them to."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    from config.celery_app import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=5)
    except Exception as exc:
        return f"broker unreachable: {type(exc).__name__}: {exc}"
    return None


CHECKS = {"web": check_web, "ready": check_ready, "broker": check_broker}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in CHECKS:
        print(f"usage: healthcheck.py {'|'.join(CHECKS)}", file=sys.stderr)
        return 2
    error = CHECKS[argv[0]]()
    if error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
