"""A coordinator turns on two-step verification, logs out, and logs in again with password and app code."""

import time
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The password UserFactory gives every user.
PASSWORD = "demo-wachtwoord-2026"


def app_code(secret_text: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key as the page prints it (base32 in groups of four)."""
    secret = secret_text.replace(" ", "").strip()
    key = b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}{reverse('login')}")
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()


def test_coordinator_sets_up_two_step_verification_and_logs_in_with_a_code(live_server, page: Page, coordinator):
    start_url = f"{live_server.url}{reverse('pilots:coordinator-start')}"
    setup_url = f"{live_server.url}{reverse('otp-setup')}"
    verify_url = f"{live_server.url}{reverse('otp-verify')}"

    log_in(page, live_server.url, coordinator.username)
    expect(page).to_have_url(start_url)

    # The header links to the setup page; it shows the QR code as inline SVG and the key to type instead.
    page.locator(f"header a[href='{reverse('otp-setup')}']").click()
    expect(page).to_have_url(setup_url)
    expect(page.locator("[data-otp-qr] svg")).to_be_visible()
    secret = page.locator("[data-otp-secret]").inner_text()
    page.locator("main input[name=code]").fill(app_code(secret))
    page.locator("main form [type=submit]").click()

    expect(page.locator("[data-backup-codes] li")).to_have_count(10)
    expect(page.locator("main input[name=code]")).to_be_visible()  # the form to turn it off again

    page.locator(f"header form[action='{reverse('logout')}'] [type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('login')}")

    # The password alone is not enough: the code page comes first, and the start page waits behind it.
    log_in(page, live_server.url, coordinator.username)
    expect(page).to_have_url(f"{verify_url}?next=%2F")
    page.goto(start_url)
    expect(page).to_have_url(f"{verify_url}?next={reverse('pilots:coordinator-start').replace('/', '%2F')}")

    # The code of the next 30 seconds: the one used to confirm is never accepted twice.
    page.locator("main input[name=code]").fill(app_code(secret, steps_ahead=1))
    page.locator("main form [type=submit]").first.click()

    expect(page).to_have_url(start_url)
    expect(page.locator("h1")).to_be_visible()
