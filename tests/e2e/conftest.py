"""Browser journeys: Playwright's sync API driving Debian's chromium against pytest-django's live_server.

Without /usr/bin/chromium the journeys are skipped on a laptop and fail under CI (CI=true).
Set E2E_SCREENSHOT_DIR to keep a screenshot of the pages a journey passes.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.services import service_unavailable

# Playwright's sync API keeps an event loop running in the test's thread, and Django refuses
# database access from a thread with a running loop. The test code itself is synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        service_unavailable(f"the browser journeys need Debian's chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser profile, as a Dutch user on a laptop screen would have it."""
    context = browser.new_context(
        locale="nl-NL", timezone_id="Europe/Amsterdam", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page: Page) -> Callable[[str], None]:
    """Save the whole page as <name>.png in E2E_SCREENSHOT_DIR, when that is set."""
    directory = os.environ.get("E2E_SCREENSHOT_DIR")

    def take(name: str) -> None:
        if directory:
            Path(directory).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)

    return take
