"""What `make bench` needs from the portal, off unless its settings switch it on.

- `QueryCountMiddleware` (BENCH_QUERY_COUNT): answers every request with X-Query-Count, the number of database
  queries it ran, counted with connection.execute_wrapper. Off, Django drops it from the middleware at start-up.
- `trivial` and `trivial_layout` (BENCH_PAGES, config/urls.py): the yardsticks every page is compared with; a
  logged-in request that reads the session and the user and renders almost nothing, and the same inside the full
  base layout, so the bench can say what the layout itself costs.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

HEADER = "X-Query-Count"


class QueryCountMiddleware:
    def __init__(self, get_response) -> None:
        if not getattr(settings, "BENCH_QUERY_COUNT", False):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counting(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [connections[alias].execute_wrapper(counting) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response[HEADER] = str(count)
        return response


@login_required
def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


@login_required
def trivial_layout(request: HttpRequest) -> HttpResponse:
    return render(request, "core/bench_trivial.html")
