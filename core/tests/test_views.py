import pytest
from django.urls import reverse

from core.roles import START_PAGES, Role


def test_login_page_is_dutch(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'lang="nl"' in response.text


def test_home_sends_anonymous_users_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", list(Role))
def test_home_sends_each_role_to_its_start_page(client, user_for_role, role):
    client.force_login(user_for_role(role))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(START_PAGES[role])
    assert client.get(response.url).status_code == 200


def test_an_english_browser_still_gets_dutch_until_english_is_chosen(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="nl"' in response.text

    client.post(reverse("set_language"), {"language": "en-gb", "next": reverse("login")})
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="nl-NL")
    assert 'lang="en-gb"' in response.text
