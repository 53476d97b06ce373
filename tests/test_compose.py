"""docker-compose.yml and the Dockerfile name only things that exist in this project.

No Docker engine is needed: the files are parsed, and every module, Celery app, management command and script
they name is looked up here, so a rename in the code cannot silently break a deployment.
"""

import fnmatch
import importlib
import importlib.util
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import environ
import pytest
import yaml
from celery import Celery
from celery.bin.celery import celery as celery_cli
from django.conf import settings
from django.core.management import get_commands

BASE_DIR = Path(settings.BASE_DIR)
COMPOSE_FILE = BASE_DIR / "docker-compose.yml"
DOCKERFILE = BASE_DIR / "Dockerfile"
HEALTHCHECK_SCRIPT = BASE_DIR / "docker" / "healthcheck.py"
APP_DIR = "/app"  # the image's WORKDIR: paths under it are paths in this repository
SERVICES = {"web", "worker", "worker-reports", "beat", "db", "redis"}
APP_SERVICES = ("web", "worker", "worker-reports", "beat")

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error} and ${NAME?error}, as docker compose reads them.
INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def _healthcheck_module():
    spec = importlib.util.spec_from_file_location("docker_healthcheck", HEALTHCHECK_SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _words(value) -> list[str]:
    if value is None:
        return []
    return shlex.split(value) if isinstance(value, str) else [str(word) for word in value]


def _command_lines(service: dict) -> list[list[str]]:
    """Every command line a service runs: its entrypoint, its command and its health check."""
    lines = [_words(service.get("entrypoint")), _words(service.get("command"))]
    test = service.get("healthcheck", {}).get("test")
    if isinstance(test, list) and test and test[0] == "CMD-SHELL":
        lines += [shlex.split(part) for part in test[1].split("|")]
    elif isinstance(test, list) and test and test[0] == "CMD":
        lines.append(test[1:])
    elif isinstance(test, str):
        lines.append(shlex.split(test))
    return [line for line in lines if line]


def _repository_path(path: str) -> Path:
    relative = path.removeprefix(APP_DIR + "/") if path.startswith(APP_DIR + "/") else path
    return BASE_DIR / relative


def _check_names_exist(line: list[str]) -> None:
    """Fail when a command line names a module, app, subcommand or script this project does not have."""
    program, *arguments = line
    if program == "gunicorn":
        wsgi_module = arguments[0].split(":")[0]
        application = getattr(importlib.import_module(wsgi_module), "application", None)
        assert callable(application), f"{wsgi_module}.application is not a WSGI application"
    elif program == "celery":
        app_module = arguments[arguments.index("-A") + 1]
        module = importlib.import_module(app_module)
        # `celery -A config` finds the app as config.celery_app, which config/__init__.py exports.
        assert isinstance(getattr(module, "celery_app", None), Celery), f"no Celery app in {app_module}"
        assert importlib.import_module(f"{app_module}.celery_app").app is module.celery_app
        subcommand = next(word for word in arguments[arguments.index("-A") + 2 :] if not word.startswith("-"))
        assert subcommand in celery_cli.commands, f"celery has no command {subcommand!r}"
    elif program == "python" and arguments[0] == "manage.py":
        assert arguments[1] in get_commands(), f"manage.py has no command {arguments[1]!r}"
    elif program == "python":
        script = _repository_path(arguments[0])
        assert script.is_file(), f"{arguments[0]} does not exist"
        if script == HEALTHCHECK_SCRIPT:
            assert arguments[1] in _healthcheck_module().CHECKS, f"healthcheck.py has no check {arguments[1]!r}"
    elif program.startswith("/") or program.startswith("./"):
        script = _repository_path(program)
        assert script.is_file(), f"{program} does not exist"
        assert os.access(script, os.X_OK), f"{program} is not executable"
        assert script.read_text().startswith("#!"), f"{program} has no #! line"
        for script_line in script.read_text().splitlines():
            words = shlex.split(script_line, comments=True)
            if words[:2] == ["python", "manage.py"]:
                _check_names_exist(words)
    else:
        assert program in {"pg_isready", "redis-cli", "grep", "redis-server"}, f"unknown program {program!r}"


def test_compose_has_the_six_services(compose):
    assert set(compose["services"]) == SERVICES


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_has_a_health_check(compose, name):
    healthcheck = compose["services"][name].get("healthcheck")

    assert healthcheck and healthcheck.get("test"), f"{name} has no health check"
    assert not healthcheck.get("disable")


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_name_a_service_runs_exists_in_the_project(compose, name):
    lines = _command_lines(compose["services"][name])

    assert lines
    for line in lines:
        _check_names_exist(line)


def test_the_apps_run_what_the_deployment_needs(compose):
    services = compose["services"]
    assert _words(services["web"]["command"])[:2] == ["gunicorn", "config.wsgi"]
    assert "0.0.0.0:8000" in _words(services["web"]["command"])
    assert _words(services["worker"]["command"])[:4] == ["celery", "-A", "config", "worker"]
    assert _words(services["beat"]["command"])[:4] == ["celery", "-A", "config", "beat"]
    assert services["web"]["ports"] == ["${OPSTAP_PORT:-8000}:8000"]


def test_the_web_entrypoint_migrates_and_collects_static_files(compose):
    entrypoint = _repository_path(_words(compose["services"]["web"]["entrypoint"])[0])
    script = entrypoint.read_text()

    assert "manage.py migrate --no-input" in script
    assert "manage.py collectstatic --no-input" in script
    assert script.rstrip().endswith('exec "$@"'), "the entrypoint must hand over to the command"


def test_the_web_health_check_asks_readyz(compose):
    test = compose["services"]["web"]["healthcheck"]["test"]

    assert test[-2:] == ["docker/healthcheck.py", "ready"]
    assert _healthcheck_module().READY_URL == "http://127.0.0.1:8000/readyz"
    assert _healthcheck_module().WEB_URL == "http://127.0.0.1:8000/healthz"


def test_the_worker_waits_for_the_migrations_not_for_a_ready_web(compose):
    """Web is ready only once a worker answers: a worker waiting for a healthy web would wait for ever."""
    worker = compose["services"]["worker"]
    entrypoint = _repository_path(_words(worker["entrypoint"])[0])

    assert worker["depends_on"]["web"] == {"condition": "service_started"}
    assert "python manage.py migrate --check" in entrypoint.read_text()
    assert entrypoint.read_text().rstrip().endswith('exec "$@"')


@pytest.mark.parametrize("name", APP_SERVICES)
def test_the_apps_run_production_settings_with_required_secrets(compose, name):
    environment = compose["services"][name]["environment"]

    assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    for required in ("SECRET_KEY", "ALLOWED_HOSTS"):
        assert environment[required].startswith(f"${{{required}:?"), f"{required} must be required, not defaulted"
    assert "${POSTGRES_PASSWORD:?" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"].startswith("redis://redis:6379/")


@pytest.mark.parametrize("name", APP_SERVICES)
def test_the_apps_wait_for_healthy_services(compose, name):
    depends_on = compose["services"][name]["depends_on"]

    assert depends_on["redis"] == {"condition": "service_healthy"}
    if name != "beat":  # beat keeps its schedule in a file and never opens the database
        assert depends_on["db"] == {"condition": "service_healthy"}


def test_the_database_is_postgresql_16_with_a_volume(compose):
    db = compose["services"]["db"]

    assert db["image"].split(":")[0] == "postgres"
    assert db["image"].split(":")[1].split("-")[0] == "16"
    assert "pg_isready" in " ".join(_words(db["healthcheck"]["test"]))
    volume = db["volumes"][0].split(":")
    assert volume[1] == "/var/lib/postgresql/data"
    assert volume[0] in compose["volumes"]


def test_the_broker_is_redis_7(compose):
    redis = compose["services"]["redis"]

    assert redis["image"].split(":")[0] == "redis"
    assert redis["image"].split(":")[1].split("-")[0].split(".")[0] == "7"
    assert "redis-cli ping" in " ".join(_words(redis["healthcheck"]["test"]))


def test_web_and_worker_share_the_media_volume(compose):
    media_root = f"{APP_DIR}/var/media"
    for name in ("web", "worker", "worker-reports"):
        volumes = [volume.split(":") for volume in compose["services"][name]["volumes"]]
        assert [source for source, target in volumes if target == media_root] == ["media"], name
    assert "media" in compose["volumes"]


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n(\s*#.*\n)*", " ", DOCKERFILE.read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def _docker_ignored(relative: str) -> bool:
    patterns = [
        line.strip()
        for line in (BASE_DIR / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return any(fnmatch.fnmatch(relative, pattern.removeprefix("**/")) for pattern in patterns)


def test_the_dockerfile_builds_on_python_313_slim():
    instructions = _dockerfile_instructions()

    assert instructions[0] == ("FROM", "python:3.13-slim")


def test_the_dockerfile_installs_weasyprints_libraries_and_gettext():
    runs = " ".join(arguments for keyword, arguments in _dockerfile_instructions() if keyword == "RUN")

    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core", "gettext"):
        assert package in runs.split(), package
    assert "pip install --no-deps ." in runs
    assert "manage.py compilemessages" in runs
    assert "manage.py collectstatic --no-input" in runs


def test_the_dockerfile_copies_only_what_exists_and_is_not_ignored():
    copies = [arguments for keyword, arguments in _dockerfile_instructions() if keyword == "COPY"]

    assert copies
    for arguments in copies:
        *sources, _destination = [word for word in shlex.split(arguments) if not word.startswith("--")]
        for source in sources:
            assert (BASE_DIR / source).exists(), f"COPY {source}: not in the build context"
            if source != ".":
                assert not _docker_ignored(source), f"COPY {source}: excluded by .dockerignore"


@pytest.mark.parametrize("needed", ["manage.py", "pyproject.toml", "README.md", "config", "templates", "static"])
def test_the_build_context_keeps_what_the_image_needs(needed):
    assert (BASE_DIR / needed).exists()
    assert not _docker_ignored(needed)


def test_the_image_runs_as_an_unprivileged_user():
    users = [arguments for keyword, arguments in _dockerfile_instructions() if keyword == "USER"]

    assert users
    assert users[-1] not in {"root", "0"}


def test_the_image_serves_the_wsgi_application():
    commands = [arguments for keyword, arguments in _dockerfile_instructions() if keyword == "CMD"]

    _check_names_exist(yaml.safe_load(commands[-1]))  # the exec form is a JSON list, which YAML reads too


def _settings_read_from_the_environment() -> set[str]:
    source = "\n".join(path.read_text() for path in sorted((BASE_DIR / "config" / "settings").glob("*.py")))
    return set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", source))


def _documented_settings() -> set[str]:
    text = (BASE_DIR / ".env.example").read_text()
    return set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_env_example_lists_every_setting():
    read = _settings_read_from_the_environment()

    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= read  # the pattern still finds them
    assert read - _documented_settings() == set()


def test_env_example_lists_every_variable_compose_reads():
    variables = {match["name"] for match in INTERPOLATION.finditer(COMPOSE_FILE.read_text())}

    assert variables - _documented_settings() == set()


def _interpolate(value, values: dict[str, str]):
    """Fill in ${...} the way docker compose does: in the parsed values, so an empty result stays a string."""
    if isinstance(value, dict):
        return {key: _interpolate(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [_interpolate(item, values) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        found = values.get(name)
        if op and op.endswith("?") and not found:
            raise LookupError(f"{name}: {arg}")
        if op and op.endswith("-") and not found:
            return arg
        return found or ""

    return INTERPOLATION.sub(substitute, value).replace("$$", "$")


DEPLOYMENT_VALUES = {
    "SECRET_KEY": "a-long-random-deployment-key-" + "x7Kq9vR2mW4pL8nZ3tY6" * 2,
    "ALLOWED_HOSTS": "opstap.example.nl",
    "POSTGRES_PASSWORD": "secret",
    "EMAIL_URL": "smtp+tls://opstap:secret@mail.example.nl:587",
    "SITE_URL": "https://opstap.example.nl",
}


@pytest.mark.parametrize("secret", sorted(DEPLOYMENT_VALUES))
def test_compose_refuses_to_start_without_its_secrets(compose, secret):
    values = {name: value for name, value in DEPLOYMENT_VALUES.items() if name != secret}

    with pytest.raises(LookupError, match=secret):
        _interpolate(compose, values)


def test_compose_environment_passes_the_deployment_checks(compose, tmp_path):
    """The production settings, fed exactly what compose gives the web service, pass `check --deploy`."""
    deployed = _interpolate(compose, DEPLOYMENT_VALUES)
    environment = {key: str(value) for key, value in deployed["services"]["web"]["environment"].items()}
    database = environ.Env.db_url_config(environment["DATABASE_URL"])
    assert (database["ENGINE"], database["HOST"], database["PASSWORD"]) == (
        "django.db.backends.postgresql",
        "db",
        "secret",
    )
    # The host `db` exists only inside compose, and the model checks ask the database what it supports.
    environment["DATABASE_URL"] = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'check.sqlite3'}"
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **environment}

    completed = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
