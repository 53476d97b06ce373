"""Every log line names its request, in the web process and in the task the request sent (core.request_id)."""

import json
import logging

import pytest
from celery import shared_task
from celery.signals import before_task_publish
from django.test import RequestFactory

from core.logging import JsonFormatter, RequestIdFilter
from core.request_id import HEADER, RequestIdMiddleware, current_request_id
from core.tests.factories import UserFactory
from tests.services import broker_at


@shared_task(name="core.tests.test_request_id.request_id_in_task")
def request_id_in_task() -> str:
    logging.getLogger("opstap.test").info("inside the task")
    return current_request_id()


def _respond(request):
    from django.http import HttpResponse

    logging.getLogger("opstap.test").info("answering")
    return HttpResponse(current_request_id())


def test_a_request_without_an_id_gets_a_new_one_in_the_response_and_the_context():
    response = RequestIdMiddleware(_respond)(RequestFactory().get("/"))

    made = response[HEADER]
    assert len(made) == 32
    assert response.content.decode() == made
    assert current_request_id() == ""  # reset once the request is answered


def test_the_proxys_request_id_is_kept():
    request = RequestFactory().get("/", headers={"X-Request-ID": "lb-1234-abcd"})

    response = RequestIdMiddleware(_respond)(request)

    assert response[HEADER] == "lb-1234-abcd"
    assert response.content.decode() == "lb-1234-abcd"


def test_an_unlikely_request_id_is_replaced():
    request = RequestFactory().get("/", headers={"X-Request-ID": "<script>" + "x" * 200})

    response = RequestIdMiddleware(_respond)(request)

    assert response[HEADER] != request.headers["X-Request-ID"]
    assert len(response[HEADER]) == 32


def _record(message: str = "answering", **extra) -> logging.LogRecord:
    record = logging.makeLogRecord({"name": "opstap.test", "levelname": "INFO", "msg": message, **extra})
    RequestIdFilter().filter(record)
    return record


def test_the_json_formatter_writes_one_object_with_the_request_id():
    def respond(request):
        from django.http import HttpResponse

        return HttpResponse(JsonFormatter().format(_record("report %s asked", args=(7,), pilot="groepshulp")))

    response = RequestIdMiddleware(respond)(RequestFactory().get("/", headers={"X-Request-ID": "abc-1"}))
    line = response.content.decode()

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "report 7 asked"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "opstap.test"
    assert entry["request_id"] == "abc-1"
    assert entry["pilot"] == "groepshulp"
    assert entry["time"].endswith("+00:00")


def test_the_json_formatter_keeps_the_exception_on_the_same_line():
    try:
        raise ValueError("broken")
    except ValueError:
        import sys

        record = _record("failed", exc_info=sys.exc_info())

    entry = json.loads(JsonFormatter().format(record))

    assert entry["request_id"] == ""
    assert "ValueError: broken" in entry["exception"]


def test_the_log_lines_of_a_request_carry_its_id(caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO, logger="opstap.test"):
        RequestIdMiddleware(_respond)(RequestFactory().get("/", headers={"X-Request-ID": "req-42"}))

    assert [record.request_id for record in caplog.records if record.name == "opstap.test"] == ["req-42"]


@pytest.mark.django_db
def test_a_task_sent_during_a_request_takes_the_id_in_its_headers(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    published = []

    def capture(headers=None, routing_key=None, **kwargs):
        published.append(dict(headers or {}))

    before_task_publish.connect(capture)

    def respond(request):
        from django.http import HttpResponse

        request_id_in_task.apply_async()
        return HttpResponse()

    try:
        with broker_at(settings, "memory://"):
            RequestIdMiddleware(respond)(RequestFactory().get("/", headers={"X-Request-ID": "req-task-1"}))
    finally:
        before_task_publish.disconnect(capture)

    assert published[-1]["request_id"] == "req-task-1"


def test_the_worker_restores_the_id_while_the_task_runs_and_forgets_it_after(caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO, logger="opstap.test"):
        result = request_id_in_task.apply(headers={"request_id": "req-task-2"})

    assert result.get() == "req-task-2"
    assert [r.request_id for r in caplog.records if r.name == "opstap.test"] == ["req-task-2"]
    assert current_request_id() == ""


@pytest.mark.django_db
def test_a_page_answers_with_its_request_id(client):
    client.force_login(UserFactory())

    response = client.get("/", headers={"X-Request-ID": "page-1"})

    assert response[HEADER] == "page-1"
