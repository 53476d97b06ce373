"""Accounts: login throttling, idle sessions, logging out, a new password by e-mail and the Content-Security-Policy."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email

from core.tasks import send_outbox_mail
from core.tests.mailers import RefusingBackend
from core.tests.test_auth import EVENT_HANDLER, PASSWORD, SCRIPT_TAG, STYLE_ATTRIBUTE, STYLE_BLOCK, log_in

NEW_PASSWORD = "nieuw-Wachtwoord-voor-2027"
EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
RESET_LINK = re.compile(r"http://testserver(/wachtwoord-herstellen/[^/\s]+/[^/\s]+/)")


def fail_until_locked_out(client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "adviseur", "not-the-password")
    return response


# Login throttling


def test_the_login_is_locked_after_the_failure_limit_with_a_dutch_page(client, adviser):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "adviseur", "not-the-password").status_code == 200

    response = log_in(client, "adviseur", "not-the-password")

    assert response.status_code == 429
    assert "registration/locked_out.html" in [template.name for template in response.templates]
    assert "Te veel inlogpogingen" in response.text
    assert "Probeer het over 15 minuten opnieuw." in response.text
    assert response.text.count("<h1") == 1


def test_the_right_password_is_refused_while_locked_out(client, adviser):
    fail_until_locked_out(client)

    response = log_in(client, "adviseur", PASSWORD)

    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_the_lock_holds_only_the_username_from_that_address(client, adviser, coordinator):
    fail_until_locked_out(client)

    assert log_in(client, "coordinator").status_code == 302
    elsewhere = Client(REMOTE_ADDR="192.0.2.10")
    assert log_in(elsewhere, "adviseur").status_code == 302


def test_the_login_opens_again_after_the_cool_off(client, adviser):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        fail_until_locked_out(client)

        traveller.shift(settings.AXES_COOLOFF_TIME - timedelta(seconds=5))
        assert log_in(client, "adviseur").status_code == 429
        traveller.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=5))
        response = log_in(client, "adviseur")

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(adviser.pk)


def test_a_successful_login_forgets_earlier_failures(client, adviser):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "adviseur", "not-the-password")
    assert log_in(client, "adviseur").status_code == 302
    client.post(reverse("logout"))

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "adviseur", "not-the-password").status_code == 200


def test_an_over_long_username_is_a_form_error_and_reaches_no_lock_out_record(client, db):
    from axes.models import AccessAttempt

    response = client.post(reverse("login"), {"username": "x" * 300, "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists()


def test_the_throttle_settings():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "ip_address"]
    assert settings.AXES_RESET_ON_SUCCESS is True


# Sessions


def test_sessions_expire_after_idle_minutes_and_with_the_browser():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_activity_keeps_the_session_alive_and_idleness_ends_it(client, adviser):
    start_page = reverse("candidates:adviser-start")
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(adviser)

        # Two requests, each just within the idle time, take the session past one idle time in all.
        for _ in range(2):
            traveller.shift(idle - timedelta(minutes=1))
            assert client.get(start_page).status_code == 200

        traveller.shift(idle + timedelta(minutes=1))
        response = client.get(start_page)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_session_cookie_ends_with_the_browser(client, adviser):
    client.force_login(adviser)

    response = client.get(reverse("candidates:adviser-start"))

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"]
    assert not cookie["expires"]


def test_logout_invalidates_the_old_session_key(client, adviser):
    client.force_login(adviser)
    old_key = client.session.session_key

    client.post(reverse("logout"))

    assert not Session.objects.filter(session_key=old_key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    response = replay.get(reverse("candidates:adviser-start"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# A new password by e-mail


def test_the_login_page_links_to_the_password_reset(client, db):
    response = client.get(reverse("login"))

    assert f'href="{reverse("password_reset")}"' in response.text
    assert "Wachtwoord vergeten?" in response.text


def test_a_new_password_by_e_mail(client, adviser, django_capture_on_commit_callbacks):
    response = client.get(reverse("password_reset"))
    assert response.status_code == 200
    assert reverse("password_reset") == "/wachtwoord-vergeten/"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": adviser.email})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert "Kijk in uw e-mail" in client.get(response.url).text
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [adviser.email]
    assert message.subject == "Kies een nieuw wachtwoord voor Opstap"
    assert "adviseur" in message.body
    link = RESET_LINK.search(message.body)[1]

    # Django swaps the token in the link for one kept in the session, so the form page has another URL.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert response.context["validlink"] is True
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")  # logged in with the new password, on to the start page
    assert client.session[SESSION_KEY] == str(adviser.pk)

    assert log_in(Client(), "adviseur", PASSWORD).status_code == 200
    again = Client()
    assert log_in(again, "adviseur", NEW_PASSWORD).status_code == 302
    assert again.session[SESSION_KEY] == str(adviser.pk)
    # The link works once.
    assert client.get(link, follow=True).context["validlink"] is False


def test_the_new_password_must_pass_the_validators(client, adviser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": adviser.email})
    link = RESET_LINK.search(mail.outbox[0].body)[1]
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    adviser.refresh_from_db()
    assert adviser.check_password(PASSWORD)


def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(client, adviser):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []
    assert not Email.objects.exists()


def test_the_reset_link_waits_in_the_outbox_while_the_mail_server_refuses_it(client, adviser, settings):
    settings.MAILERS = {"default": {"BACKEND": "core.tests.mailers.RefusingBackend"}}
    RefusingBackend.refused.add(adviser.email)
    try:
        response = client.post(reverse("password_reset"), {"email": adviser.email})
        send_outbox_mail.delay()
    finally:
        RefusingBackend.refused.clear()

    assert response.status_code == 302
    assert mail.outbox == []
    assert Email.objects.get().status == STATUS.requeued  # tried again later, not lost

    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        send_outbox_mail.delay()
    assert [message.to for message in mail.outbox] == [[adviser.email]]
    assert RESET_LINK.search(mail.outbox[0].body)


# Content-Security-Policy


@pytest.mark.parametrize("url_name", ["login", "password_reset", "admin:login"])
def test_pages_carry_the_content_security_policy(client, db, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == EXPECTED_CSP


def test_the_admin_works_under_the_policy(client, administrator):
    client.force_login(administrator)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == EXPECTED_CSP
    assert_nothing_inline(response.text)


def assert_nothing_inline(html: str) -> None:
    for attributes, body in SCRIPT_TAG.findall(html):
        assert not body.strip() or 'type="application/json"' in attributes, f"inline script: {body[:80]}"
    assert not EVENT_HANDLER.search(html)
    assert not STYLE_ATTRIBUTE.search(html)
    assert not STYLE_BLOCK.search(html)


def test_the_rendered_login_and_start_page_have_nothing_inline(client, adviser):
    assert_nothing_inline(client.get(reverse("login")).text)
    assert_nothing_inline(client.get(reverse("password_reset")).text)
    assert_nothing_inline(fail_until_locked_out(client).text)
    client.force_login(adviser)
    assert_nothing_inline(client.get(reverse("candidates:adviser-start")).text)
