"""The id of a request, from the proxy's X-Request-ID or made here, in every log line it causes.

`RequestIdMiddleware` puts it in a context variable for the request and answers with it in X-Request-ID; the log
records carry it (core.logging). A task sent during the request takes it along in its message headers
(before_task_publish) and the worker restores it while the task runs (task_prerun), so the lines of a report
build name the request that asked for it.
"""

import re
import uuid
from contextvars import ContextVar

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
# A proxy's id is taken as it is when it looks like one; anything else (too long, odd characters) is replaced.
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

_request_id: ContextVar[str] = ContextVar("request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        request_id = given if _ACCEPTABLE.match(given) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[HEADER] = request_id
        return response


@before_task_publish.connect(dispatch_uid="core.request_id.publish")
def _add_to_task_headers(headers: dict | None = None, **kwargs) -> None:
    request_id = current_request_id()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


# The worker's token for each running task, so task_postrun puts back what was there before.
_task_tokens: dict[str, object] = {}


@task_prerun.connect(dispatch_uid="core.request_id.prerun")
def _restore_in_task(task_id: str | None = None, task=None, **kwargs) -> None:
    request = getattr(task, "request", None)
    # Celery keeps a message header it does not know as an attribute of the task's request.
    request_id = getattr(request, TASK_HEADER, None) or (getattr(request, "headers", None) or {}).get(TASK_HEADER)
    if request_id and task_id:
        _task_tokens[task_id] = _request_id.set(str(request_id))


@task_postrun.connect(dispatch_uid="core.request_id.postrun")
def _forget_after_task(task_id: str | None = None, **kwargs) -> None:
    token = _task_tokens.pop(task_id or "", None)
    if token is not None:
        _request_id.reset(token)  # type: ignore[arg-type]
