"""Helpers for the template tags that write a long list's rows in Python (candidates/templatetags, pilots/templatetags).

A row written by the template engine costs a node per value; a page of a few dozen rows with their links and forms
took most of the time of its page. These keep the Python rows cheap: one reverse() per kind of link rather than
per row, and escaping without the lazy-string checks of django.utils.html (the values are plain strings).
"""

import html
from collections.abc import Callable, Iterable

from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

# A number no address of the site holds otherwise: where it stands in the reversed address, a row's pk goes.
_MARKER = 9_876_543_210_123
_SLUG_MARKER = "row-slug-9876543210123"


def pk_url(name: str, **kwargs: str) -> Callable[[int], str]:
    """reverse(name, args=[pk]) for the rows of a page: the address is reversed once, then each row's pk is put in
    the place of its only argument (an <int:pk> path converter). With `kwargs`, the address's other arguments,
    the same for every row: reverse(name, kwargs={"pk": pk, **kwargs})."""
    address = reverse(name, kwargs={"pk": _MARKER, **kwargs}) if kwargs else reverse(name, args=[_MARKER])
    before, after = address.split(str(_MARKER))
    return lambda pk: f"{before}{int(pk)}{after}"


def slug_url(name: str) -> Callable[[str], str]:
    """reverse(name, kwargs={"slug": slug}) for the rows of a page, as pk_url does for a pk (a <slug:slug> path
    converter: letters, digits, hyphens and underscores, which an address holds as they are)."""
    before, after = reverse(name, kwargs={"slug": _SLUG_MARKER}).split(_SLUG_MARKER)
    return lambda slug: f"{before}{slug}{after}"


def text(value: object) -> str:
    """The value as HTML text or attribute value: escaped as django.utils.html.escape does, for a value that is not
    already safe HTML (a name, a label, a lazy translation)."""
    return html.escape(str(value))


def number(value: object) -> str:
    """As {{ value }} for a number: localized, escaped."""
    return text(localize(value))


def safe_join(parts: Iterable[str]) -> SafeString:
    """The rows written by a tag, as the safe HTML the template inserts: each part must have every value in it
    escaped (text, number) and hold nothing else but markup the tag wrote."""
    return mark_safe("".join(parts))  # noqa: S308 - the parts' values are escaped by their writers
