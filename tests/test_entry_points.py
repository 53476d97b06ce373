"""Every way the portal is started, in a fresh process with an empty environment: which settings does it run?

WSGI, ASGI and the Celery app default to production, which refuses to start without its secrets; only
manage.py defaults to the local settings. `check --deploy` with production's variables is in test_compose.py.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_VARIABLES = {
    "SECRET_KEY": "a-long-random-deployment-key-" + "x7Kq9vR2mW4pL8nZ3tY6" * 2,
    "ALLOWED_HOSTS": "opstap.example.nl",
    # Nothing listens there; none of these processes connects to the broker.
    "REDIS_URL": "redis://127.0.0.1:1/0",
}
SETTINGS_PROBE = (
    "from django.conf import settings; "
    "print(json.dumps({'module': settings.SETTINGS_MODULE, 'debug': settings.DEBUG, "
    "'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'app': callable(application)}))"
)
WEB_ENTRY_POINTS = {
    "wsgi": [sys.executable, "-c", f"import json; from config.wsgi import application; {SETTINGS_PROBE}"],
    "asgi": [sys.executable, "-c", f"import json; from config.asgi import application; {SETTINGS_PROBE}"],
}
# `report` loads the app as the worker and beat do (with Django's settings) and prints its configuration.
CELERY = [sys.executable, "-m", "celery", "-A", "config", "report"]
ENTRY_POINTS = {**WEB_ENTRY_POINTS, "celery": CELERY}


@pytest.fixture(autouse=True)
def no_env_file():
    # base.py reads .env into the environment: a developer's file would fill in what these tests leave out.
    if (BASE_DIR / ".env").exists():
        pytest.skip(".env in the project folder adds to the empty environment these tests need")


def start(command: list[str], **variables: str) -> subprocess.CompletedProcess:
    """Run the command with PATH and the given variables only: no DJANGO_SETTINGS_MODULE, no DEBUG."""
    return subprocess.run(
        command,
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **variables},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("entry_point", sorted(ENTRY_POINTS))
def test_an_entry_point_without_settings_runs_production_and_refuses_without_a_secret_key(entry_point):
    result = start(ENTRY_POINTS[entry_point])

    assert result.returncode != 0
    # The local settings would have started with DEBUG on and the development key.
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("missing", sorted(PRODUCTION_VARIABLES))
@pytest.mark.parametrize("entry_point", sorted(ENTRY_POINTS))
def test_production_refuses_to_start_without_each_required_variable(entry_point, missing, tmp_path):
    variables = {name: value for name, value in PRODUCTION_VARIABLES.items() if name != missing}

    result = start(ENTRY_POINTS[entry_point], OPSTAP_VAR_DIR=str(tmp_path), **variables)

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {missing} must be set" in result.stderr


@pytest.mark.parametrize("entry_point", sorted(WEB_ENTRY_POINTS))
def test_a_web_entry_point_starts_in_production_with_debug_off(entry_point, tmp_path):
    result = start(WEB_ENTRY_POINTS[entry_point], OPSTAP_VAR_DIR=str(tmp_path), **PRODUCTION_VARIABLES)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "module": "config.settings.production",
        "debug": False,
        "eager": False,
        "app": True,
    }


def test_the_celery_app_starts_in_production_with_debug_off(tmp_path):
    result = start(CELERY, OPSTAP_VAR_DIR=str(tmp_path), **PRODUCTION_VARIABLES)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "SETTINGS_MODULE: 'config.settings.production'" in lines
    assert "DEBUG: False" in lines
    assert "CELERY_TASK_ALWAYS_EAGER: False" in lines


@pytest.mark.parametrize("entry_point", sorted(ENTRY_POINTS))
def test_production_refuses_time_limits_that_let_redis_hand_a_task_out_twice(entry_point, tmp_path):
    # Twice CELERY_TASK_TIME_LIMIT is 720 s, the broker's visibility timeout.
    result = start(
        ENTRY_POINTS[entry_point], OPSTAP_VAR_DIR=str(tmp_path), REPORT_TIME_LIMIT="800", **PRODUCTION_VARIABLES
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: REPORT_TIME_LIMIT (800 s) must be below the broker's visibility timeout" in (
        result.stderr
    )


def test_manage_py_still_defaults_to_the_local_settings(tmp_path):
    # manage.py has no `application`: any callable stands in for the probe.
    probe = f"import json; application = len; {SETTINGS_PROBE}"

    result = start([sys.executable, "manage.py", "shell", "--no-imports", "-c", probe], OPSTAP_VAR_DIR=str(tmp_path))

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.splitlines()[-1])
    assert (values["module"], values["debug"], values["eager"]) == ("config.settings.local", True, True)
