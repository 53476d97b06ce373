"""core.widgets.Select writes what Django's Select writes, only faster."""

import re

from django import forms

from core.widgets import Select

CHOICES = [("", "All <sources>"), ("a&b", "A & B"), ("Group", [("g1", "G1"), ("g2", "G2")])]


def _without_blank_lines(html: str) -> str:
    return re.sub(r"\n\s*\n", "\n", html)


def test_select_writes_the_html_of_djangos_select():
    attrs = {"class": "form-select", "aria-describedby": "hint_id_source", "required": True, "disabled": False}
    for value in ("", "a&b", "g2", "unknown"):
        django_html = forms.Select(attrs=attrs, choices=CHOICES).render("source", value, attrs={"id": "id_source"})
        ours = Select(attrs=attrs, choices=CHOICES).render("source", value, attrs={"id": "id_source"})

        assert ours == _without_blank_lines(django_html)


def test_select_escapes_labels_and_values():
    html = Select(choices=[('"><script>', "<b>bold</b>")]).render("x", None)

    assert "<script>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
