import pytest
from django.db import OperationalError
from django.urls import reverse

from tests.services import require_redis

# Nothing listens on port 1, so a connection there is refused at once.
UNREACHABLE_BROKER_URL = "redis://127.0.0.1:1/0"


class _UnreachableDatabase:
    """Stands in for django.db.connection: opening a cursor fails as it does when PostgreSQL is down."""

    def cursor(self):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


@pytest.fixture
def eager_tasks(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


def test_healthz_is_ok_when_the_database_answers_and_tasks_run_in_process(client, db, eager_tasks):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["broker"] == {"status": "ok", "mode": "eager"}


def test_healthz_is_never_cached(client, db, eager_tasks):
    response = client.get(reverse("healthz"))

    assert "no-cache" in response["Cache-Control"]


def test_healthz_names_the_database_when_it_fails(client, db, eager_tasks, monkeypatch):
    monkeypatch.setattr("core.health.connection", _UnreachableDatabase())

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["failing"] == ["database"]
    assert body["checks"]["database"]["status"] == "error"
    assert body["checks"]["database"]["error"].startswith("OperationalError: ")
    assert body["checks"]["broker"]["status"] == "ok"


def test_healthz_names_the_broker_when_it_is_unreachable(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # The Celery app reads its configuration from Django's settings, so this points it elsewhere too.
    settings.CELERY_BROKER_URL = UNREACHABLE_BROKER_URL

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["failing"] == ["broker"]
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["broker"]["status"] == "error"
    assert body["checks"]["broker"]["error"]
    assert "mode" not in body["checks"]["broker"]


def test_healthz_refuses_other_methods(client, db):
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.services
def test_healthz_reaches_the_real_redis(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = require_redis()

    response = client.get(reverse("healthz"))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["broker"] == {"status": "ok"}
