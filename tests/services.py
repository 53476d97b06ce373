"""The real services a test may need: PostgreSQL, Redis and a Celery worker.

On a laptop a missing service skips the test, so `make test` works without any of them. Under CI
(CI=true) a missing service fails the test instead: a green run must mean the services were tested.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import quote, urlsplit

import pytest
import redis
from django.conf import settings
from django.db import OperationalError, connection

# Settings that config.settings.test supplies itself; dropping them from a worker's environment proves it.
_SETTINGS_THE_TEST_MODULE_DEFAULTS = ("DEBUG", "SECRET_KEY")


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def service_unavailable(reason: str) -> NoReturn:
    """Skip the test, or fail it under CI, where every service must be there."""
    if running_in_ci():
        pytest.fail(f"{reason} (CI=true: a missing service fails the run instead of skipping)", pytrace=False)
    pytest.skip(reason)


def require_postgres() -> None:
    """The test database must be a reachable PostgreSQL; the SQLite default is not enough."""
    if connection.vendor != "postgresql":
        service_unavailable(
            f"needs PostgreSQL, but the database is {connection.vendor}: set DATABASE_URL=postgres://..."
        )
    error = None
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        error = exc
    if error is not None:  # reported outside the except block, so the report is not a chained traceback
        service_unavailable(f"PostgreSQL is not reachable: {error}")


def require_redis() -> str:
    """Return REDIS_URL once Redis answers a PING on it."""
    # Read from settings, not os.environ: the settings decided at import whether tasks go to Redis.
    redis_url = settings.REDIS_URL
    if not redis_url:
        service_unavailable("needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
    error = None
    try:
        client.ping()
    except redis.RedisError as exc:
        error = exc
    finally:
        client.close()
    if error is not None:
        service_unavailable(f"Redis is not reachable at {redis_url}: {error}")
    return redis_url


def wait_until(condition: Callable[[], bool], *, timeout: float, interval: float = 0.2) -> bool:
    """Poll until the condition holds or the time is up; tell which."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def worker_database_url(database_name: str) -> str:
    """DATABASE_URL with its database replaced, so a worker process opens the test database."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return parts._replace(path="/" + quote(database_name)).geturl()


def worker_environment(*, database_name: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _SETTINGS_THE_TEST_MODULE_DEFAULTS}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=worker_database_url(database_name),
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class LiveWorker:
    """A Celery worker process that consumes one queue of its own."""

    queue: str
    nodename: str
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


@contextlib.contextmanager
def start_live_worker(
    *, database_name: str, log_dir: Path, environment: dict[str, str] | None = None
) -> Iterator[LiveWorker]:
    """Run `celery -A config worker` on a fresh queue; stop it however the test ends.

    `environment` adds to or replaces the worker's variables (another broker, a folder for its mail).
    """
    # A queue nobody else consumes: a stray worker from another run cannot answer for this one.
    queue = f"opstap-test-{uuid.uuid4().hex[:12]}"
    nodename = f"{queue}@{socket.gethostname()}"
    log_path = log_dir / f"{queue}.log"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        queue,
        "-n",
        nodename,
        "--loglevel=INFO",
        # No cluster chatter: this worker only needs its own queue and remote control.
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env={**worker_environment(database_name=database_name), **(environment or {})},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    worker = LiveWorker(queue=queue, nodename=nodename, process=process, log_path=log_path)
    try:
        yield worker
    finally:
        _stop(process)
        _forget_queue(queue)


def require_worker(worker: LiveWorker, *, timeout: float = 30) -> None:
    """Wait until the worker answers a remote-control ping; it must not have died on the way."""
    from config.celery_app import app

    def answers() -> bool:
        if worker.process.poll() is not None:
            return True  # stop waiting: it exited, reported below
        return bool(app.control.ping(destination=[worker.nodename], timeout=0.5))

    answered = wait_until(answers, timeout=timeout, interval=0)
    if worker.process.poll() is not None:
        service_unavailable(f"the Celery worker exited with code {worker.process.returncode}:\n{worker.log_tail()}")
    if not answered:
        service_unavailable(
            f"the Celery worker {worker.nodename} did not answer within {timeout} s:\n{worker.log_tail()}"
        )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()  # a warm shutdown closes its database connection, so the test database can be dropped
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def _forget_queue(queue: str) -> None:
    """Remove the queue and its binding from Redis, so repeated runs leave no keys behind."""
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    # Kombu's Redis transport keeps a queue as a list, and its binding (to the exchange of the same
    # name Celery creates for -Q) in two sets that nothing expires.
    with contextlib.suppress(redis.RedisError):
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    client.close()


@contextlib.contextmanager
def broker_at(settings, url: str) -> Iterator[None]:
    """Point the Celery app at another broker, dropping the connections it pooled for the old one."""
    from config.celery_app import app

    def forget_pools() -> None:
        # Not closed: kombu keeps one pool per broker URL and would hand the closed one out again.
        app._pool = None
        with contextlib.suppress(AttributeError, KeyError):
            app.__dict__["amqp"]._producer_pool = None

    previous = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = url
    forget_pools()
    try:
        yield
    finally:
        settings.CELERY_BROKER_URL = previous
        forget_pools()
