"""Fixtures for tests that talk to the real services; see tests/services.py for skip-or-fail."""

from collections.abc import Iterator

import pytest
from django.db import connection

from tests.services import LiveWorker, require_postgres, require_redis, require_worker, start_live_worker


@pytest.fixture
def postgres() -> None:
    require_postgres()


@pytest.fixture
def redis_url() -> str:
    return require_redis()


@pytest.fixture
def live_worker(transactional_db, tmp_path) -> Iterator[LiveWorker]:
    """A real Celery worker on a queue of its own, reading and writing this test's database.

    The test's writes must be committed for another process to see them, hence transactional_db.
    """
    require_postgres()  # the worker cannot share pytest-django's in-memory SQLite database
    require_redis()
    with start_live_worker(database_name=connection.settings_dict["NAME"], log_dir=tmp_path) as worker:
        require_worker(worker)
        yield worker
