"""A WSP adviser logs in with the demo data, lands on their start page and logs out again."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from pilots.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_adviser_logs_in_sees_the_start_page_and_logs_out(live_server, page: Page, screenshot):
    call_command("seed_demo")
    adviser = get_user_model().objects.get(username="adviseur")
    start_url = f"{live_server.url}{reverse('candidates:adviser-start')}"
    login_url = f"{live_server.url}{reverse('login')}"

    # The root sends an anonymous visitor to the Dutch login page.
    page.goto(live_server.url)
    expect(page).to_have_url(f"{login_url}?next=/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_be_visible()
    screenshot("opstap-login")

    login_form = page.locator("main form")
    login_form.locator("input[name=username]").fill("adviseur")
    login_form.locator("input[name=password]").fill(DEMO_PASSWORD)
    login_form.locator("[type=submit]").click()

    # The adviser's start page: one heading that greets them, and the navigation of their role.
    expect(page).to_have_url(start_url)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    heading = page.locator("h1")
    expect(heading).to_have_count(1)
    expect(heading).to_be_visible()
    expect(heading).to_contain_text(adviser.first_name or adviser.username)
    current_link = page.locator("header nav a[aria-current=page]")
    expect(current_link).to_be_visible()
    expect(current_link).to_have_attribute("href", reverse("candidates:adviser-start"))
    expect(page.locator("header")).to_contain_text(adviser.get_full_name() or adviser.username)
    screenshot("opstap-adviser-start")

    page.locator(f"header form[action='{reverse('logout')}'] [type=submit]").click()

    expect(page).to_have_url(login_url)
    expect(page.locator("input[name=username]")).to_be_visible()
    expect(page.locator("header nav")).to_have_count(0)

    # The session is gone: the start page asks to log in again.
    page.goto(start_url)
    expect(page).to_have_url(re.compile(rf"^{re.escape(login_url)}\?next="))
