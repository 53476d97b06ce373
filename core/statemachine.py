"""A small, explicit state machine: one table of allowed transitions per life cycle.

Enrolments and placements each declare their table once; services ask it before they
change a status and record every change in a history row.
"""

from collections.abc import Iterable, Mapping

from django.db import models
from django.utils.translation import gettext as _


class TransitionNotAllowed(Exception):  # noqa: N818 - a domain refusal, shown to the user
    """A status change the life cycle does not allow; the message is for the user."""


class Lifecycle:
    def __init__(self, choices: type[models.TextChoices], transitions: Mapping[str, Iterable[str]]) -> None:
        self.choices = choices
        self.transitions = {source: frozenset(targets) for source, targets in transitions.items()}
        known = set(choices.values)
        for source, targets in self.transitions.items():
            unknown = ({source} | targets) - known
            if unknown:
                raise ValueError(f"Unknown statuses in transitions: {sorted(unknown)}")

    def allowed_targets(self, source: str) -> frozenset[str]:
        return self.transitions.get(source, frozenset())

    def is_allowed(self, source: str, target: str) -> bool:
        return target in self.allowed_targets(source)

    def is_final(self, status: str) -> bool:
        return not self.allowed_targets(status)

    def label(self, status: str) -> str:
        # A status the choices do not know (a tampered form, an old row) is refused, not a crash.
        try:
            return self.choices(status).label
        except ValueError:
            return status

    def check(self, source: str, target: str) -> None:
        if not self.is_allowed(source, target):
            raise TransitionNotAllowed(
                _("The status cannot change from “%(source)s” to “%(target)s”.")
                % {"source": self.label(source), "target": self.label(target)}
            )
