"""Phone numbers as people write them: {{ candidate.phone|phone }} shows +31612345678 as 06 12345678."""

from django import template

from candidates.validators import format_phone

register = template.Library()


@register.filter
def phone(value: str | None) -> str:
    return format_phone(value) if value else ""
