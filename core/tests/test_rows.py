"""core.rows: the helpers of the template tags that write a list's rows in Python."""

from django.urls import reverse
from django.utils.html import escape

from core.rows import pk_url, slug_url, text


def test_pk_url_gives_the_address_reverse_gives():
    candidate_url = pk_url("candidates:candidate-detail")

    for pk in (1, 7, 42, 9_876_543_210, 2**63 - 1):
        assert candidate_url(pk) == reverse("candidates:candidate-detail", args=[pk])


def test_slug_url_gives_the_address_reverse_gives():
    pilot_url = slug_url("pilots:pilot-detail")

    for slug in ("bench-000", "zorg_2026", "a"):
        assert pilot_url(slug) == reverse("pilots:pilot-detail", kwargs={"slug": slug})


def test_text_escapes_as_django_does():
    for value in ('<script>alert("x")</script>', "Jan & 'Piet'", "", 12, None):
        assert text(value) == escape(value)
