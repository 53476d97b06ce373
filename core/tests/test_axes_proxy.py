"""The login lock-out behind a reverse proxy: which address counts as the client's."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings

from core.tests.test_auth import log_in
from core.tests.test_settings import BASE_DIR, VARIABLES

PROXY = "10.0.0.5"
BEHIND_PROXY = {"AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]}


def through_proxy(client_address: str) -> Client:
    """A browser at client_address whose requests reach the portal through one proxy that sets X-Forwarded-For."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def lock_out(client: Client) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "adviseur", "not-the-password")
    assert response.status_code == 429


def test_by_default_the_remote_address_counts_and_forwarded_for_is_ignored(adviser):
    assert settings.AXES_IPWARE_META_PRECEDENCE_ORDER == ["REMOTE_ADDR"]
    assert settings.AXES_IPWARE_PROXY_COUNT == 0
    lock_out(through_proxy("203.0.113.7"))

    # A header a browser can send itself must not get anyone around the lock.
    assert log_in(through_proxy("198.51.100.23"), "adviseur").status_code == 429
    assert log_in(Client(REMOTE_ADDR="192.0.2.10"), "adviseur").status_code == 302


@override_settings(**BEHIND_PROXY)
def test_behind_a_proxy_each_forwarded_client_is_locked_on_its_own(adviser):
    lock_out(through_proxy("203.0.113.7"))

    assert log_in(through_proxy("203.0.113.7"), "adviseur").status_code == 429
    assert log_in(through_proxy("198.51.100.23"), "adviseur").status_code == 302


@override_settings(**BEHIND_PROXY)
def test_behind_a_proxy_a_longer_forwarded_chain_than_configured_is_not_trusted(adviser):
    # A browser that sends its own X-Forwarded-For gets a chain of two from a proxy that appends to it;
    # with a proxy count of 0 that chain is refused and the proxy's address counts instead.
    lock_out(Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7"))

    assert (
        log_in(Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7"), "adviseur").status_code == 429
    )
    assert log_in(through_proxy("203.0.113.7"), "adviseur").status_code == 302


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, "0 ['REMOTE_ADDR']"),
        (
            {"AXES_IPWARE_PROXY_COUNT": "1", "AXES_IPWARE_META_PRECEDENCE_ORDER": "HTTP_X_FORWARDED_FOR,REMOTE_ADDR"},
            "1 ['HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR']",
        ),
    ],
)
def test_the_proxy_settings_come_from_the_environment(tmp_path, variables, expected):
    env = {key: value for key, value in os.environ.items() if key not in VARIABLES and not key.startswith("AXES_")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", OPSTAP_VAR_DIR=str(tmp_path), **variables)
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_IPWARE_PROXY_COUNT, s.AXES_IPWARE_META_PRECEDENCE_ORDER)"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected
