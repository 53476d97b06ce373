"""The settings read the environment at import, so each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, "
    "'db': s.DATABASES['default']['ENGINE'], 'mailer': s.MAILERS['default']['BACKEND'], "
    "'hosts': s.ALLOWED_HOSTS, 'cache': s.CACHES['default']['BACKEND']}))"
)
VARIABLES = ("SECRET_KEY", "DEBUG", "REDIS_URL", "DATABASE_URL", "ALLOWED_HOSTS", "EMAIL_URL", "DJANGO_SETTINGS_MODULE")


def run_settings(module: str, tmp_path, **variables: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE=module, OPSTAP_VAR_DIR=str(tmp_path), **variables)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_settings("config.settings.production", tmp_path, ALLOWED_HOSTS="opstap.example.nl")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    result = run_settings("config.settings.production", tmp_path, SECRET_KEY="x" * 50)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_refuses_debug(tmp_path):
    result = run_settings(
        "config.settings.production", tmp_path, SECRET_KEY="x" * 50, ALLOWED_HOSTS="a.example", DEBUG="true"
    )

    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_local_settings_need_no_environment_and_run_tasks_in_process(tmp_path):
    result = run_settings("config.settings.local", tmp_path)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is True
    assert values["eager"] is True
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["mailer"] == "django.core.mail.backends.console.EmailBackend"
    assert (tmp_path / "opstap.sqlite3").parent.is_dir()


@pytest.mark.parametrize("module", ["config.settings.local", "config.settings.production"])
def test_redis_url_makes_redis_the_broker(tmp_path, module):
    result = run_settings(
        module, tmp_path, REDIS_URL="redis://127.0.0.1:6379/5", SECRET_KEY="x" * 50, ALLOWED_HOSTS="a.example"
    )

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/5"


def test_database_and_mail_come_from_urls(tmp_path):
    result = run_settings(
        "config.settings.local",
        tmp_path,
        DATABASE_URL="postgres://opstap:secret@db.example:5432/opstap",
        EMAIL_URL="smtp+tls://user:pw@mail.example:587",
        ALLOWED_HOSTS="opstap.example.nl,www.opstap.example.nl",
    )

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["db"] == "django.db.backends.postgresql"
    assert values["mailer"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["hosts"] == ["opstap.example.nl", "www.opstap.example.nl"]


def test_with_redis_every_process_counts_api_calls_in_the_same_cache(tmp_path):
    with_redis = run_settings("config.settings.local", tmp_path, REDIS_URL="redis://127.0.0.1:6379/5")
    without = run_settings("config.settings.local", tmp_path)

    assert with_redis.returncode == 0, with_redis.stderr
    assert json.loads(with_redis.stdout)["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert json.loads(without.stdout)["cache"] == "django.core.cache.backends.locmem.LocMemCache"
