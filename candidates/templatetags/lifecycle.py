"""Templates ask the life cycle instead of spelling status lists: {% if enrolment.status|in_set:"STARTED" %}."""

from django import template

from candidates import lifecycle

register = template.Library()


@register.filter
def in_set(status: str, name: str) -> bool:
    """Whether the status belongs to the named set of candidates.lifecycle; an unknown name is a template error."""
    statuses = getattr(lifecycle, name, None)
    if not isinstance(statuses, frozenset):
        raise template.TemplateSyntaxError(f"candidates.lifecycle has no status set {name!r}")
    return status in statuses
