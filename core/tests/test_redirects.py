"""safe_next: a return-to address from the request is taken only when it is a path on this site."""

import pytest
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from core.redirects import safe_next

DEFAULT = "/fallback/"
HOSTILE = [
    "home2",
    "logout",
    "candidates:adviser-start",
    "//evil.example",
    "///evil.example",
    "https://evil.example/",
    "http://testserver.evil.example/",
    "javascript:alert(1)",
    "/\\evil.example",
    "\\\\evil.example",
    " /x",
    "/x ",
    "/\t/evil.example",
    "/x\r\nSet-Cookie: a=b",
    "\x00/x",
    "",
]


def post(next_value: str, *, secure: bool = False):
    return RequestFactory().post("/form/", {"next": next_value}, secure=secure)


@pytest.mark.parametrize("value", HOSTILE)
def test_safe_next_refuses_anything_but_a_path_on_this_site(value):
    assert safe_next(post(value), DEFAULT) == DEFAULT


@pytest.mark.parametrize("value", ["/kandidaten/", "/kandidaten/?cohort=3&status=selected", "/pilots/zorg/#tabel"])
def test_safe_next_accepts_a_path_on_this_site(value):
    assert safe_next(post(value), DEFAULT) == value


def test_safe_next_reads_the_query_string_when_nothing_is_posted():
    request = RequestFactory().get("/form/", {"next": "/kandidaten/"})

    assert safe_next(request, DEFAULT) == "/kandidaten/"


def test_safe_next_gives_the_default_without_a_next():
    assert safe_next(RequestFactory().get("/form/"), DEFAULT) == DEFAULT


def test_safe_next_refuses_an_address_on_this_host_with_a_scheme_or_host():
    # Even on our own host only a path is taken, never a full address (which could also downgrade to http).
    assert safe_next(post("http://testserver/kandidaten/", secure=True), DEFAULT) == DEFAULT
    assert safe_next(post("https://testserver/kandidaten/", secure=True), DEFAULT) == DEFAULT


@given(st.text(max_size=40))
def test_safe_next_gives_back_only_a_path_that_no_browser_reads_as_another_site(value):
    result = safe_next(post(value), DEFAULT)

    assert result in (value, DEFAULT)
    if result == value:
        assert value.startswith("/")
        assert not value.startswith(("//", "/\\"))
        assert value.isprintable() and not any(char.isspace() for char in value)
