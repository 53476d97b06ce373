"""gunicorn's settings for the portal: `gunicorn config.wsgi -c config/gunicorn.py`.

Used by the image (Dockerfile, docker-compose.yml) and by make bench and make load. Each setting reads the
environment, so a deployment sizes the web processes without another file:

    WEB_CONCURRENCY     worker processes (default: 2 per CPU core, plus one)
    GUNICORN_THREADS    threads per worker process (default 1: sync workers)
    GUNICORN_TIMEOUT    seconds a request may take before its worker is restarted (default 30)
    GUNICORN_MAX_REQUESTS  requests after which a worker is replaced, against slow leaks (default 1000; 0: never)
    PORT                the port to listen on, on every address (default 8000); --bind on the command line wins

The access log goes to standard output as one JSON object a line, like the portal's own log (core.logging), with
the request id the portal answered with (X-Request-ID), so that both can be joined.
"""

import json
import os
from datetime import UTC, datetime

from gunicorn.glogging import Logger  # type: ignore[import-untyped]


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = [f"0.0.0.0:{_int('PORT', 8000)}"]
workers = _int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
# A worker that is stopped finishes its request first, up to this long.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind a load balancer that keeps connections open.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
# Not all workers at once: each is replaced after a different number of requests.
max_requests_jitter = max_requests // 10
# The image's home is not writable, and nothing uses the control socket.
control_socket_disable = True
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's heartbeat file
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


class JsonAccessLogger(Logger):
    """An access log line as JSON: no field can break the line, whatever a client puts in a path or header."""

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "method": atoms["m"],
            "path": atoms["U"],
            "query": atoms["q"],
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": atoms["B"],
            "duration_ms": round(atoms["D"] / 1000, 1),
            "remote_addr": atoms["h"],
            "user_agent": atoms["a"],
            "request_id": atoms.get("{x-request-id}o", ""),
            "queries": atoms.get("{x-query-count}o"),
        }
        try:
            self.access_log.info(json.dumps({k: v for k, v in entry.items() if v is not None}))
        except Exception:
            self.exception("The access log line could not be written")


logger_class = JsonAccessLogger
