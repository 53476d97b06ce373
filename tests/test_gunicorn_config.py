"""config/gunicorn.py: sized from the environment, and an access log of one JSON object a line."""

import datetime
import importlib
import json
from types import SimpleNamespace

from gunicorn.config import Config


def _load(monkeypatch, **environment):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    module = importlib.import_module("config.gunicorn")
    return importlib.reload(module)


def test_workers_threads_and_timeouts_come_from_the_environment(monkeypatch):
    settings = _load(monkeypatch, WEB_CONCURRENCY="2", GUNICORN_THREADS="4", GUNICORN_TIMEOUT="45")

    assert (settings.workers, settings.threads, settings.timeout) == (2, 4, 45)
    assert settings.accesslog == "-"
    assert settings.control_socket_disable is True


def test_the_access_log_line_is_json_with_the_request_id(monkeypatch, capsys):
    settings = _load(monkeypatch)
    config = Config()
    config.set("accesslog", "-")
    logger = settings.JsonAccessLogger(config)
    response = SimpleNamespace(
        status="200 OK", sent=512, headers=[("X-Request-ID", "req-7"), ("Content-Type", "text/html")]
    )
    request = SimpleNamespace(headers=[("USER-AGENT", "bench")])
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": '/kandidaten/?q="x"',
        "PATH_INFO": "/kandidaten/",
        "QUERY_STRING": 'q="x"',
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": "bench",
    }
    logger.access(response, request, environ, datetime.timedelta(milliseconds=12.5))

    (line,) = capsys.readouterr().out.splitlines()
    entry = json.loads(line)
    assert entry["status"] == 200
    assert entry["path"] == "/kandidaten/"
    assert entry["query"] == 'q="x"'
    assert entry["request_id"] == "req-7"
    assert entry["duration_ms"] == 12.5
    assert entry["bytes"] == 512
