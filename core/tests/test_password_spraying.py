"""Password spraying: many usernames from one address, one wrong password each, lock that address out."""

import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client

from core.models import AuditAction, AuditEvent
from core.tests.test_auth import log_in

NOW = datetime.datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
SPRAYER = "198.51.100.66"
ELSEWHERE = "192.0.2.10"


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def spray(client: Client, count: int, *, start: int = 0) -> list[int]:
    """One wrong password for each of `count` different usernames; the status codes of the answers."""
    return [log_in(client, f"medewerker{number}", "Zomer2026!").status_code for number in range(start, start + count)]


def test_the_address_limit_is_higher_than_the_username_limit():
    assert settings.AXES_IP_FAILURE_LIMIT == 20
    assert settings.AXES_IP_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "ip_address"]


def test_spraying_usernames_from_one_address_locks_that_address_out(adviser, coordinator):
    sprayer = Client(REMOTE_ADDR=SPRAYER)

    answers = spray(sprayer, settings.AXES_IP_FAILURE_LIMIT)

    assert answers[:-1] == [200] * (settings.AXES_IP_FAILURE_LIMIT - 1)
    assert answers[-1] == 429
    # Even the right password of an account never tried from there is refused, with the lock-out page.
    response = log_in(sprayer, "adviseur")
    assert response.status_code == 429
    assert "registration/locked_out.html" in [template.name for template in response.templates]
    assert "Te veel inlogpogingen" in response.text
    assert "vanaf dit adres" in response.text
    assert SESSION_KEY not in sprayer.session
    # Another address is not affected.
    elsewhere = Client(REMOTE_ADDR=ELSEWHERE)
    assert log_in(elsewhere, "adviseur").status_code == 302
    assert elsewhere.session[SESSION_KEY] == str(adviser.pk)


def test_one_failure_below_the_address_limit_still_lets_a_colleague_in(adviser):
    office = Client(REMOTE_ADDR=SPRAYER)
    spray(office, settings.AXES_IP_FAILURE_LIMIT - 1)

    assert log_in(office, "adviseur").status_code == 302


def test_the_address_opens_again_after_the_cool_off(adviser, time_machine):
    sprayer = Client(REMOTE_ADDR=SPRAYER)
    spray(sprayer, settings.AXES_IP_FAILURE_LIMIT)

    time_machine.shift(settings.AXES_COOLOFF_TIME - timedelta(seconds=5))
    assert log_in(sprayer, "adviseur").status_code == 429
    # That refused try counts as a failure of its own; the cool-off runs from the last of them.
    time_machine.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=5))
    response = log_in(sprayer, "adviseur")

    assert response.status_code == 302
    assert sprayer.session[SESSION_KEY] == str(adviser.pk)


def test_failures_spread_wider_than_the_cool_off_do_not_lock_the_address(adviser, time_machine):
    sprayer = Client(REMOTE_ADDR=SPRAYER)
    half = settings.AXES_IP_FAILURE_LIMIT // 2
    spray(sprayer, half)
    time_machine.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=5))

    assert spray(sprayer, settings.AXES_IP_FAILURE_LIMIT - half, start=half) == [200] * (
        settings.AXES_IP_FAILURE_LIMIT - half
    )
    assert log_in(sprayer, "adviseur").status_code == 302


def test_logging_in_to_an_own_account_does_not_reset_the_address_count(adviser):
    sprayer = Client(REMOTE_ADDR=SPRAYER)
    spray(sprayer, settings.AXES_IP_FAILURE_LIMIT - 1)
    assert log_in(sprayer, "adviseur").status_code == 302
    sprayer.logout()

    assert spray(sprayer, 1, start=settings.AXES_IP_FAILURE_LIMIT) == [429]


def test_locking_the_address_writes_one_audit_event(db):
    sprayer = Client(REMOTE_ADDR=SPRAYER)

    spray(sprayer, settings.AXES_IP_FAILURE_LIMIT)
    log_in(sprayer, "nog-een-naam", "Zomer2026!")

    event = AuditEvent.objects.get(action=AuditAction.LOCKED_OUT)
    assert event.ip_address == SPRAYER
    assert event.user is None
    assert event.detail == f"address locked after {settings.AXES_IP_FAILURE_LIMIT} failed logins"
    assert "Zomer2026!" not in event.detail + event.username
    # Every try, the refused ones included, is a failed login of its own.
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == settings.AXES_IP_FAILURE_LIMIT + 1


def test_locking_a_username_from_an_address_is_recorded_as_such(adviser):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(REMOTE_ADDR=SPRAYER), "adviseur", "not-the-password")

    event = AuditEvent.objects.get(action=AuditAction.LOCKED_OUT)
    assert (event.username, event.ip_address) == ("adviseur", SPRAYER)
    assert event.detail == f"username locked from this address after {settings.AXES_FAILURE_LIMIT} failed logins"
