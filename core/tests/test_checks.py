"""The time limits are checked, not only described: `manage.py check` names a limit that lets a task run twice."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.time_limits import REDIS_DEFAULT_VISIBILITY_TIMEOUT, time_limit_problems, visibility_timeout
from core.checks import check_time_limits

BASE_DIR = Path(__file__).resolve().parents[2]
FITTING = {"task_soft": 300, "task_hard": 360, "report_soft": 240, "report_hard": 300, "visibility": 720}


def test_the_default_limits_fit():
    assert check_time_limits(None) == []


@pytest.mark.parametrize(
    ("changed", "named"),
    [
        ({"task_soft": 360}, "CELERY_TASK_SOFT_TIME_LIMIT (360 s) must be below CELERY_TASK_TIME_LIMIT"),
        ({"report_soft": 300}, "REPORT_SOFT_TIME_LIMIT (300 s) must be below REPORT_TIME_LIMIT"),
        ({"task_hard": 720}, "CELERY_TASK_TIME_LIMIT (720 s) must be below the broker's visibility timeout (720 s"),
        ({"report_hard": 900}, "REPORT_TIME_LIMIT (900 s) must be below the broker's visibility timeout (720 s"),
    ],
)
def test_each_limit_that_does_not_fit_is_named(changed, named):
    problems = time_limit_problems(**{**FITTING, **changed})

    assert len(problems) == 1
    assert problems[0].startswith(named)


def test_without_a_visibility_timeout_redis_uses_its_own_default():
    assert visibility_timeout({}) == REDIS_DEFAULT_VISIBILITY_TIMEOUT == 3600
    assert visibility_timeout({"visibility_timeout": 720}) == 720


def test_a_report_limit_beyond_the_visibility_timeout_is_an_error(settings):
    settings.REPORT_TIME_LIMIT = 800  # twice CELERY_TASK_TIME_LIMIT is 720

    errors = check_time_limits(None)

    assert [error.id for error in errors] == ["opstap.E001"]
    assert "REPORT_TIME_LIMIT (800 s)" in errors[0].msg


def test_manage_py_check_runs_the_time_limit_check_under_the_local_settings(tmp_path):
    """The local settings start with any limits; `manage.py check`, runserver and migrate then refuse them."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(OPSTAP_VAR_DIR=str(tmp_path), REPORT_TIME_LIMIT="800")

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode != 0
    assert "(opstap.E001) REPORT_TIME_LIMIT (800 s) must be below" in result.stderr


def test_manage_py_check_refuses_a_visibility_timeout_set_below_the_task_limit(settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 300}

    messages = [error.msg for error in check_time_limits(None)]

    assert len(messages) == 2
    assert messages[0].startswith("CELERY_TASK_TIME_LIMIT (360 s) must be below the broker's visibility timeout (300 s")
    assert messages[1].startswith("REPORT_TIME_LIMIT (300 s) must be below the broker's visibility timeout (300 s")
