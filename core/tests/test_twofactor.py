"""Two-step verification: setting up an authenticator app, the code after the password, backup codes, required roles."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import twofactor
from core.models import AuditAction, AuditEvent
from core.tests.test_auth import log_in
from core.tests.test_settings import run_settings

SETUP = reverse("otp-setup")
VERIFY = reverse("otp-verify")
COORDINATOR_START = reverse("pilots:coordinator-start")
ADVISER_START = reverse("candidates:adviser-start")
WRONG_CODE = gettext("This code is not correct. Check that the time on your phone is right and try again.")


def code_for(device: TOTPDevice, *, offset: int = 0) -> str:
    """The code the app shows now (offset in steps of 30 seconds)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + offset)
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {code_for(device, offset=offset) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in right)


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def next_step(traveller) -> None:
    """Move on to the next 30-second step: a code that was used once is never accepted again."""
    traveller.shift(timedelta(seconds=30))


@pytest.fixture
def device(coordinator):
    return TOTPDevice.objects.create(user=coordinator, name="Authenticator app", confirmed=True)


def log_in_with_password(client, user):
    response = log_in(client, user.username)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    return response


def verified_device_id(client) -> str | None:
    return client.session.get(DEVICE_ID_SESSION_KEY)


# Setting it up


def test_the_setup_page_shows_a_qr_code_and_the_key_without_confirming_anything(client, coordinator):
    client.force_login(coordinator)

    response = client.get(SETUP)

    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=coordinator)
    assert device.confirmed is False
    # The QR code is inline SVG markup: no image URL that the Content-Security-Policy would have to allow.
    assert re.search(r'<div [^>]*data-otp-qr>\s*<svg role="img"', response.text)
    assert "data:image" not in response.text
    shown_key = re.search(r"data-otp-secret>([A-Z2-7 ]+)<", response.text).group(1)
    assert shown_key.replace(" ", "") in device.config_url
    assert "issuer=Opstap" in device.config_url
    # Reloading keeps the same key, so a scan that was already made stays good.
    client.get(SETUP)
    assert TOTPDevice.objects.get(user=coordinator).key == device.key


def test_a_valid_code_confirms_the_device_verifies_the_session_and_shows_backup_codes_once(client, coordinator):
    client.force_login(coordinator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=coordinator)

    response = client.post(SETUP, {"code": code_for(device)}, follow=True)

    device.refresh_from_db()
    assert device.confirmed is True
    assert verified_device_id(client) == device.persistent_id
    assert gettext("Two-step verification is on.") in response.text
    codes = re.findall(r'<li class="col">([a-z2-7]{8})</li>', response.text)
    assert len(codes) == twofactor.BACKUP_CODE_COUNT
    assert set(codes) == set(StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True))
    assert codes[0] not in client.get(SETUP).text
    assert client.get(COORDINATOR_START).status_code == 200


def test_a_wrong_code_does_not_confirm_the_device(client, coordinator):
    client.force_login(coordinator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=coordinator)

    response = client.post(SETUP, {"code": wrong_code(device)})

    assert response.status_code == 200
    assert WRONG_CODE in response.text
    device.refresh_from_db()
    assert device.confirmed is False
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    assert verified_device_id(client) is None


def test_the_setup_page_of_an_unverified_session_sends_to_the_code_page_first(client, coordinator, device):
    log_in_with_password(client, coordinator)

    response = client.get(SETUP)

    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    response = client.post(SETUP, {"code": code_for(device)})
    assert response.url.startswith(VERIFY)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_turning_it_off_takes_a_valid_code(client, coordinator, device, frozen):
    log_in_with_password(client, coordinator)
    client.post(VERIFY, {"code": code_for(device)})
    next_step(frozen)

    refused = client.post(SETUP, {"code": wrong_code(device)})
    assert WRONG_CODE in refused.text
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    next_step(frozen)
    response = client.post(SETUP, {"code": code_for(device)}, follow=True)

    assert gettext("Two-step verification is off.") in response.text
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()
    client.post(reverse("logout"))
    log_in_with_password(client, coordinator)
    assert client.get(COORDINATOR_START).status_code == 200


# Logging in


def test_a_user_with_a_device_must_enter_the_code_after_the_password(client, coordinator, device):
    response = log_in_with_password(client, coordinator)

    response = client.get(response.url, follow=True)

    assert response.redirect_chain[-1][0].startswith(VERIFY)
    assert "registration/otp_verify.html" in [template.name for template in response.templates]
    start = client.get(COORDINATOR_START)
    assert start.status_code == 302
    assert start.url == f"{VERIFY}?next={COORDINATOR_START.replace('/', '%2F')}"


def test_the_right_code_opens_the_page_asked_for(client, coordinator, device):
    log_in_with_password(client, coordinator)

    response = client.post(VERIFY, {"code": code_for(device), "next": COORDINATOR_START})

    assert response.status_code == 302
    assert response.url == COORDINATOR_START
    assert client.get(COORDINATOR_START).status_code == 200
    assert verified_device_id(client) == device.persistent_id


def test_the_code_page_ignores_a_next_address_on_another_site(client, coordinator, device):
    log_in_with_password(client, coordinator)

    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})

    assert response.url == reverse("home")


def test_the_verification_holds_for_the_rest_of_the_session(client, coordinator, device, frozen):
    log_in_with_password(client, coordinator)
    client.post(VERIFY, {"code": code_for(device)})

    for _ in range(3):
        frozen.shift(timedelta(minutes=5))
        assert client.get(COORDINATOR_START).status_code == 200
    assert client.get(VERIFY).url == reverse("home")


def test_the_verified_session_gets_a_new_key(client, coordinator, device):
    log_in_with_password(client, coordinator)
    before = client.session.session_key

    client.post(VERIFY, {"code": code_for(device)})

    assert client.session.session_key != before


def test_a_wrong_code_is_refused_with_a_message(client, coordinator, device):
    log_in_with_password(client, coordinator)

    response = client.post(VERIFY, {"code": wrong_code(device)})

    assert response.status_code == 200
    assert WRONG_CODE in response.text
    assert verified_device_id(client) is None
    assert client.get(COORDINATOR_START).status_code == 302


def test_quick_retries_are_throttled_even_with_the_right_code(client, coordinator, device, frozen):
    log_in_with_password(client, coordinator)
    client.post(VERIFY, {"code": wrong_code(device)})

    frozen.shift(timedelta(seconds=2))
    client.post(VERIFY, {"code": wrong_code(device)})  # the second failure: the next try waits 2 seconds
    response = client.post(VERIFY, {"code": code_for(device)})

    message = ngettext(
        "Too many wrong codes. Wait %(seconds)d second and try again.",
        "Too many wrong codes. Wait %(seconds)d seconds and try again.",
        2,
    ) % {"seconds": 2}
    assert message in response.text
    assert verified_device_id(client) is None

    frozen.shift(timedelta(seconds=3))
    response = client.post(VERIFY, {"code": code_for(device), "next": COORDINATOR_START})
    assert response.url == COORDINATOR_START


def test_a_backup_code_works_once(client, coordinator, device, frozen):
    client.force_login(coordinator)
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    client.get(SETUP)
    client.post(SETUP, {"code": code_for(device)})
    backup_code = StaticToken.objects.filter(device__user=coordinator).first().token
    client.post(reverse("logout"))

    log_in_with_password(client, coordinator)
    response = client.post(VERIFY, {"code": backup_code.upper(), "next": COORDINATOR_START})

    assert response.url == COORDINATOR_START
    assert not StaticToken.objects.filter(token=backup_code).exists()
    client.post(reverse("logout"))
    next_step(frozen)
    log_in_with_password(client, coordinator)
    assert WRONG_CODE in client.post(VERIFY, {"code": backup_code}).text


def test_logging_out_ends_the_verification(client, coordinator, device, frozen):
    log_in_with_password(client, coordinator)
    client.post(VERIFY, {"code": code_for(device)})

    client.post(reverse("logout"))
    next_step(frozen)
    log_in_with_password(client, coordinator)

    assert verified_device_id(client) is None
    assert client.get(COORDINATOR_START).url.startswith(VERIFY)


def test_before_the_code_logging_out_the_language_switch_and_the_health_check_stay_open(client, coordinator, device):
    log_in_with_password(client, coordinator)

    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert client.get(VERIFY).status_code == 200
    switched = client.post(reverse("set_language"), {"language": "en-gb", "next": VERIFY})
    assert switched.url == VERIFY
    assert 'lang="en-gb"' in client.get(VERIFY).text
    response = client.post(reverse("logout"))
    assert response.url == reverse("login")
    assert SESSION_KEY not in client.session


def test_the_admin_asks_an_administrator_for_the_code_too(client, administrator):
    device = TOTPDevice.objects.create(user=administrator, confirmed=True)
    log_in_with_password(client, administrator)

    response = client.get(reverse("admin:index"))

    assert response.url.startswith(VERIFY)
    client.post(VERIFY, {"code": code_for(device)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_without_a_device_and_not_required_nobody_is_asked(client, adviser):
    log_in_with_password(client, adviser)

    assert client.get(ADVISER_START).status_code == 200
    assert not TOTPDevice.objects.exists()


# Required for some roles


@override_settings(OTP_REQUIRED_ROLES=["coordinator", "adviser"])
def test_a_required_role_without_a_device_is_sent_to_the_setup_page(client, coordinator):
    log_in_with_password(client, coordinator)

    response = client.get(COORDINATOR_START)

    assert response.status_code == 302
    assert response.url == f"{SETUP}?next={COORDINATOR_START.replace('/', '%2F')}"
    page = client.get(response.url)
    assert gettext("Your role requires two-step verification. Set it up to continue to the portal.") in page.text

    device = TOTPDevice.objects.get(user=coordinator)
    response = client.post(SETUP, {"code": code_for(device), "next": COORDINATOR_START}, follow=True)
    assert f'href="{COORDINATOR_START}"' in response.text
    assert client.get(COORDINATOR_START).status_code == 200


@override_settings(OTP_REQUIRED_ROLES=["coordinator"])
def test_a_role_that_is_not_required_is_not_asked(client, adviser, coordinator):
    log_in_with_password(client, adviser)

    assert client.get(ADVISER_START).status_code == 200


@override_settings(OTP_REQUIRED_ROLES=["administrator"])
def test_a_required_administrator_cannot_open_the_admin_without_a_device(client, administrator):
    client.force_login(administrator)

    response = client.get(reverse("admin:index"))

    assert response.url.startswith(SETUP)


def test_an_unknown_role_in_the_setting_stops_the_start(tmp_path):
    result = run_settings("config.settings.local", tmp_path, OTP_REQUIRED_ROLES="coordinator,cordinator")

    assert result.returncode != 0
    assert "OTP_REQUIRED_ROLES names unknown roles: ['cordinator']" in result.stderr


def test_the_menu_links_to_two_step_verification(client, adviser):
    client.force_login(adviser)

    response = client.get(ADVISER_START)

    assert f'href="{SETUP}"' in response.text
    assert gettext("Two-step verification") in response.text


# The audit trail


def audit_actions(user) -> list[str]:
    two_step = {AuditAction.TWO_STEP_ON, AuditAction.TWO_STEP_OFF, AuditAction.TWO_STEP_FAILED}
    return list(
        AuditEvent.objects.filter(user=user, action__in=two_step).order_by("pk").values_list("action", flat=True)
    )


def test_turning_it_on_and_off_and_a_wrong_code_are_recorded(client, coordinator, frozen):
    client.force_login(coordinator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=coordinator)
    client.post(SETUP, {"code": code_for(device)})
    client.post(reverse("logout"))
    log_in_with_password(client, coordinator)
    client.post(VERIFY, {"code": wrong_code(device)})
    next_step(frozen)
    next_step(frozen)
    client.post(VERIFY, {"code": code_for(device)})
    next_step(frozen)
    client.post(SETUP, {"code": code_for(device)})

    assert audit_actions(coordinator) == ["two_step_on", "two_step_failed", "two_step_off"]


# New backup codes


def verified_with_backup_codes(client, coordinator, device, frozen) -> set[str]:
    log_in_with_password(client, coordinator)
    client.post(VERIFY, {"code": code_for(device)})
    next_step(frozen)
    twofactor._new_backup_codes(coordinator)
    return set(StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True))


def test_new_backup_codes_replace_the_old_ones_and_are_shown_once(client, coordinator, device, frozen):
    old = verified_with_backup_codes(client, coordinator, device, frozen)

    response = client.post(SETUP, {"codes-code": code_for(device)}, follow=True)

    assert gettext("New backup codes are made; the old ones no longer work.") in response.text
    shown = set(re.findall(r'<li class="col">([a-z2-7]{8})</li>', response.text))
    stored = set(StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True))
    assert shown == stored
    assert len(stored) == twofactor.BACKUP_CODE_COUNT
    assert not stored & old
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert AuditEvent.objects.filter(user=coordinator, action=AuditAction.BACKUP_CODES_RENEWED).count() == 1


def test_a_wrong_code_makes_no_new_backup_codes_and_does_not_turn_it_off(client, coordinator, device, frozen):
    old = verified_with_backup_codes(client, coordinator, device, frozen)

    response = client.post(SETUP, {"codes-code": wrong_code(device)})

    assert response.status_code == 200
    assert WRONG_CODE in response.text
    assert set(StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True)) == old
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
