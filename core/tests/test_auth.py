"""Logging in and out, landing on the start page of one's role, and the rules every template keeps."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils.html import escape

from core.roles import START_PAGES, Role
from core.tests.factories import UserFactory

PASSWORD = "demo-wachtwoord-2026"  # the password UserFactory gives every user

# Who may open each start page; everyone else gets 403. The administrator's start page is the
# Django admin, which has its own rules.
START_PAGE_ROLES = {
    "candidates:adviser-start": {Role.ADVISER, Role.ADMINISTRATOR},
    "pilots:coordinator-start": {Role.COORDINATOR, Role.ADMINISTRATOR},
    "pilots:training-start": {Role.TRAINING_PARTNER, Role.ADMINISTRATOR},
    "employers:start": {Role.EMPLOYER_CONTACT},
}
FORBIDDEN = [(url_name, role) for url_name, allowed in START_PAGE_ROLES.items() for role in Role if role not in allowed]


def log_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def test_login_page_is_dutch_and_shows_the_form(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert '<html lang="nl">' in response.text
    assert 'name="username"' in response.text
    assert 'name="password"' in response.text
    assert 'type="password"' in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert response.text.count("<h1") == 1
    assert "Opstap" in response.text


def test_login_with_a_wrong_password_shows_the_error_and_starts_no_session(client, adviser):
    response = log_in(client, "adviseur", "not-the-password")

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors
    assert escape(errors[0]) in response.text
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("role", list(Role))
def test_login_goes_to_home_and_then_to_the_start_page_of_the_role(client, user_for_role, role):
    user = user_for_role(role)

    response = log_in(client, user.username)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session[SESSION_KEY] == str(user.pk)
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url == reverse(START_PAGES[role])


@pytest.mark.parametrize("role", [role for role in Role if role != Role.ADMINISTRATOR])
def test_each_start_page_has_one_heading_the_landmarks_and_the_current_link(client, user_for_role, role):
    client.force_login(user_for_role(role))
    url = reverse(START_PAGES[role])

    response = client.get(url)

    assert response.status_code == 200
    assert response.text.count("<h1") == 1
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in response.text
    assert f'href="{url}" aria-current="page"' in response.text
    assert f'action="{reverse("logout")}"' in response.text


def test_login_honours_next(client, coordinator):
    target = reverse("pilots:coordinator-start")

    response = log_in(client, "coordinator", next=target)

    assert response.status_code == 302
    assert response.url == target


def test_login_ignores_a_next_on_another_host(client, coordinator):
    response = log_in(client, "coordinator", next="https://example.com/phish")

    assert response.url == reverse("home")


def test_the_login_page_keeps_next_for_the_form(client, db):
    target = reverse("pilots:coordinator-start")

    response = client.get(reverse("login"), {"next": target})

    assert f'name="next" value="{target}"' in response.text


def test_a_protected_page_sends_anonymous_users_to_login_with_next(client, db):
    target = reverse("candidates:adviser-start")

    response = client.get(target)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={target}"


def test_logged_in_users_on_the_login_page_go_home(client, adviser):
    client.force_login(adviser)

    response = client.get(reverse("login"))

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_logout_refuses_get(client, adviser):
    client.force_login(adviser)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert client.session[SESSION_KEY] == str(adviser.pk)


def test_logout_ends_the_session(client, adviser):
    client.force_login(adviser)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == reverse("login")
    assert SESSION_KEY not in client.session
    response = client.get(reverse("candidates:adviser-start"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_user_without_a_role_gets_the_no_role_page(client, db):
    client.force_login(UserFactory(username="zonderrol"))

    response = client.get(reverse("home"))

    assert response.status_code == 403
    assert "core/no_role.html" in [template.name for template in response.templates]
    assert response.text.count("<h1") == 1


@pytest.mark.parametrize(("url_name", "role"), FORBIDDEN)
def test_a_start_page_refuses_other_roles(client, user_for_role, url_name, role):
    client.force_login(user_for_role(role))

    response = client.get(reverse(url_name))

    assert response.status_code == 403


def test_the_forbidden_page_offers_the_way_back(client, employer_contact):
    client.force_login(employer_contact)

    response = client.get(reverse("pilots:coordinator-start"))

    assert response.status_code == 403
    assert "403.html" in [template.name for template in response.templates]
    assert reverse("home") in response.text


@pytest.mark.parametrize("url_name", list(START_PAGE_ROLES))
def test_a_start_page_sends_anonymous_users_to_login(client, db, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_english_can_be_chosen(client, db):
    response = client.post(reverse("set_language"), {"language": "en-gb", "next": reverse("login")})

    assert response.status_code == 302
    assert response.url == reverse("login")
    assert '<html lang="en-gb">' in client.get(reverse("login")).text


def test_the_language_switch_is_on_the_login_page(client, db):
    response = client.get(reverse("login"))

    assert f'action="{reverse("set_language")}"' in response.text
    assert 'name="language" value="en-gb"' in response.text


# The rules below keep the templates ready for a Content-Security-Policy without 'unsafe-inline'
# and for a closed intranet without access to a CDN.

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
TEMPLATE_FILES = sorted(TEMPLATES_DIR.rglob("*.html"))

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)
EXTERNAL_ASSET = re.compile(
    r"<(?:link|script)\b[^>]*\b(?:href|src)\s*=\s*[\"']?(?:https?:)?//|@import\s+(?:url\()?[\"']?(?:https?:)?//",
    re.IGNORECASE,
)


def relative(path: Path) -> str:
    return str(path.relative_to(TEMPLATES_DIR))


def test_there_are_templates_to_check():
    assert "base.html" in [relative(path) for path in TEMPLATE_FILES]


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=relative)
def test_template_has_no_inline_script(path):
    for attributes, body in SCRIPT_TAG.findall(path.read_text()):
        assert "src=" in attributes, f"{relative(path)}: a <script> without src"
        assert not body.strip(), f"{relative(path)}: a <script> with inline code"


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=relative)
def test_template_has_no_event_handler_attribute(path):
    assert not EVENT_HANDLER.search(path.read_text()), f"{relative(path)}: an on…= event handler attribute"


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=relative)
def test_template_has_no_inline_style(path):
    text = path.read_text()
    assert not STYLE_ATTRIBUTE.search(text), f"{relative(path)}: a style= attribute"
    assert not STYLE_BLOCK.search(text), f"{relative(path)}: a <style> block"


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=relative)
def test_template_loads_no_css_or_js_from_another_host(path):
    assert not EXTERNAL_ASSET.search(path.read_text()), f"{relative(path)}: CSS or JS from another host"


def test_the_rules_catch_what_they_are_meant_to_catch():
    assert SCRIPT_TAG.findall('<script>alert("x")</script>') == [("", 'alert("x")')]
    assert EVENT_HANDLER.search('<button type="button" onclick="go()">')
    assert STYLE_ATTRIBUTE.search('<div style="color: red">')
    assert EXTERNAL_ASSET.search('<link rel="stylesheet" href="https://cdn.example.org/bootstrap.css">')
    assert EXTERNAL_ASSET.search('<script src="//cdn.example.org/x.js"></script>')
    assert not EVENT_HANDLER.search("<p>Click on the button</p>")
    assert not EXTERNAL_ASSET.search('<link rel="stylesheet" href="{% static \'css/opstap.css\' %}">')
