"""What make bench and make load share: the region's database, a real gunicorn and Celery worker on loopback with
production settings, and a logged-in HTTP session.

Nothing here imports Django: the measuring process only speaks HTTP to the servers it starts, as a browser would.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from .dataset import BASE_DIR, database_url, vacuum, with_database

VAR = BASE_DIR / "var" / "bench"
BIN = Path(sys.executable).parent
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"


def redis_url() -> str:
    return os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


def scale_database_url(candidates: int) -> str:
    """The database of one scale: opstap_bench_1000, opstap_bench_50000, ... on the server the URL names."""
    name = urlsplit(database_url()).path.lstrip("/") or "opstap_bench"
    return with_database(database_url(), f"{name}_{candidates}")


def ensure_dataset(candidates: int, *, reuse: bool) -> dict:
    """Build the region at this scale in a fresh database (or, with reuse, keep one built before)."""
    VAR.mkdir(parents=True, exist_ok=True)
    targets_path = VAR / f"dataset-{candidates}.json"
    url = scale_database_url(candidates)
    if not (reuse and targets_path.exists()):
        print(f"Building the region with {candidates:,} candidates in {urlsplit(url).path.lstrip('/')} ...", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.dataset",
                "--candidates",
                str(candidates),
                "--database-url",
                url,
                "--json",
                str(targets_path),
            ],
            cwd=BASE_DIR,
            check=True,
        )
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        # The code may have moved on since the database was built: bring its schema up to date.
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=BASE_DIR,
            env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
            check=True,
        )
        vacuum(url)  # a migration that filled a column left a dead version of every row it updated
    targets = json.loads(targets_path.read_text())
    targets["database_url"] = url
    return targets


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(database: str, **extra: str) -> dict[str, str]:
    """Production settings, as a deployment gives them, plus the bench's own switches; loopback only."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "BENCH_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database,
        REDIS_URL=redis_url(),
        # Plain HTTP on loopback: no TLS proxy in front to redirect to.
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        EMAIL_URL="consolemail://",
        STATIC_ROOT=str(VAR / "static"),
        MEDIA_ROOT=str(VAR / "media"),
        LOG_FORMAT="json",
        LOG_LEVEL="WARNING",
        BENCH_QUERY_COUNT="true",
        BENCH_PAGES="true",
        WEB_CONCURRENCY=os.environ.get("BENCH_WEB_CONCURRENCY", "2"),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def collect_static() -> None:
    """The hashed static files the production settings serve (whitenoise's manifest), once per run."""
    env = server_environment(database_url())
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=BASE_DIR, env=env, check=True
    )


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextlib.contextmanager
def gunicorn(database: str, *, name: str, **extra: str) -> Iterator[Server]:
    """gunicorn with config/gunicorn.py on a free loopback port; stopped however the block ends."""
    port = free_port()
    log_path = VAR / f"gunicorn-{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi", "-c", "config/gunicorn.py", "--bind", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env=server_environment(database, **extra),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, port, log_path)
    try:
        _wait(lambda: _answers(port), process, log_path, what="gunicorn")
        yield server
    finally:
        _stop(process)


@dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []


@contextlib.contextmanager
def celery_worker(database: str, *, name: str, queues: str = "celery,reports", **extra: str) -> Iterator[Worker]:
    """A real `celery worker` (prefork, one child) on the queues, against REDIS_URL; stopped when the block ends."""
    log_path = VAR / f"worker-{name}.log"
    environment = server_environment(database, LOG_LEVEL="INFO", **extra)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "-Q",
                queues,
                "--concurrency",
                "1",
                "-n",
                f"bench-{name}-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=BASE_DIR,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(process, log_path)
    try:
        _wait(lambda: b" ready." in log_path.read_bytes(), process, log_path, what="celery worker")
        yield worker
    finally:
        _stop(process)


def peak_rss_kib(pid: int) -> int:
    """The process's peak resident set (VmHWM), in KiB; 0 once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        connection.close()
        return True
    except OSError:
        return False


def _wait(condition, process: subprocess.Popen, log_path: Path, *, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode}:\n{_tail(log_path)}")
        if time.monotonic() > deadline:
            raise SystemExit(f"{what} did not start within {timeout:.0f} s:\n{_tail(log_path)}")
        time.sleep(0.2)


def _tail(path: Path, lines: int = 30) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# --- A browser's session ---------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def queries(self) -> int | None:
        value = self.headers.get("x-query-count")
        return int(value) if value is not None else None


@dataclass
class Session:
    """Keep-alive HTTP/1.1 to one server with its cookies, the way a browser holds a logged-in session."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, data: dict | None = None) -> Response:
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept": "text/html", "Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            try:
                started = time.perf_counter()
                self.connection.request(method, path, body=body, headers=headers)
                raw = self.connection.getresponse()
                content = raw.read()
                seconds = time.perf_counter() - started
                break
            except (http.client.HTTPException, ConnectionError):
                # gunicorn closed the kept-alive connection (max_requests, keepalive): open a new one once.
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        for header, value in raw.getheaders():
            if header.lower() == "set-cookie":
                for name, morsel in SimpleCookie(value).items():
                    if morsel.value:
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, content, seconds)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        return self.request("POST", path, {"csrfmiddlewaretoken": self.csrf_token(path), **data})

    def csrf_token(self, path: str) -> str:
        """The form's token, from the page as a browser would read it."""
        page = self.get(path).body.decode(errors="replace")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not match:
            raise SystemExit(f"no CSRF token on {path}")
        return match.group(1)

    def login(self, username: str, password: str) -> None:
        response = self.post("/inloggen/", {"username": username, "password": password})
        if response.status != 302:
            raise SystemExit(f"logging in as {username} failed with {response.status}")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def logged_in(server: Server, username: str, password: str) -> Session:
    session = Session(server.port)
    session.login(username, password)
    return session


def machine() -> dict:
    """What the figures came from, so a reader can tell a busy machine from a slow portal."""
    load = os.getloadavg()
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    memory = ""
    with contextlib.suppress(OSError):
        memory = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "load_average": [round(value, 2) for value in load],
        "python": sys.version.split()[0],
    }
