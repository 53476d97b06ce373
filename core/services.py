"""The transaction shape of a service.

An action a user takes is one entry-point service: `@entry_point` runs it in `transaction.atomic(durable=True)`,
so it is always the outermost transaction and commits, or rolls back, as a whole. A view calls exactly one.

A service that is made of other services calls them through `.within(...)`: the same function, in a savepoint of
the caller's transaction. An action that needs two entry points is a third, named entry point that calls both
`.within`, never glue in a view.

`by_user` becomes the user of the history rows the service writes (core.audit.records_history_user).
"""

import functools
from collections.abc import Callable

from django.db import transaction

from .audit import records_history_user


class EntryPoint[**P, R]:
    def __init__(self, func: Callable[P, R]) -> None:
        functools.update_wrapper(self, func)
        with_user = records_history_user(func)
        self._durable = transaction.atomic(durable=True)(with_user)
        self._within = transaction.atomic(with_user)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return self._durable(*args, **kwargs)

    def within(self, *args: P.args, **kwargs: P.kwargs) -> R:
        """The same service as a step of a caller's transaction (another service, the demo loader)."""
        return self._within(*args, **kwargs)


def entry_point[**P, R](func: Callable[P, R]) -> EntryPoint[P, R]:
    return EntryPoint(func)
