"""scripts/backup.sh and scripts/restore.sh: a database and its media, dumped and restored into a fresh database,
give the same evaluation figures and the same files.

Needs PostgreSQL and its client tools (pg_dump, pg_restore, psql): skipped on a laptop without them, failed under
CI=true (tests/services.py).
"""

import datetime
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from candidates.lifecycle import S
from candidates.tests.journeys import walk
from pilots.models import Pilot
from pilots.tests.factories import CohortFactory, PilotFactory
from reports.figures import pilot_evaluation
from tests.services import require_postgres, service_unavailable, worker_database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SCRIPTS = Path(settings.BASE_DIR) / "scripts"
TODAY = datetime.date(2026, 12, 1)
# Run in a process of its own against the restored database: the figures as the portal would show them there.
FIGURES = f"""
import datetime, sys, django
django.setup()
from pilots.models import Pilot
from reports.figures import pilot_evaluation
print(repr(pilot_evaluation(pilots=Pilot.objects.filter(slug=sys.argv[1]), today=datetime.date({TODAY:%Y, %-m, %-d}))))
"""


def _figures(slug: str) -> str:
    return repr(pilot_evaluation(pilots=Pilot.objects.filter(slug=slug), today=TODAY))


def _run(command: list[str], **environment: str) -> str:
    completed = subprocess.run(
        command,
        cwd=settings.BASE_DIR,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


@pytest.fixture
def client_tools():
    require_postgres()
    missing = [tool for tool in ("pg_dump", "pg_restore", "psql") if shutil.which(tool) is None]
    if missing:
        service_unavailable(f"needs PostgreSQL's client tools: {', '.join(missing)} not found")


@pytest.fixture
def restored_name():
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restored_backup_gives_the_same_figures_and_files(
    client_tools, coordinator, adviser, restored_name, tmp_path
):
    pilot = PilotFactory(lead_organisation=coordinator.organisation, slug="backup-pilot")
    cohort = CohortFactory(pilot=pilot, start_date=datetime.date(2026, 1, 5), end_date=datetime.date(2026, 6, 26))
    for status in (S.REGISTERED, S.NOT_SELECTED, S.STARTED, S.COMPLETED, S.DROPPED_OUT, S.OUTFLOW, S.OUTFLOW):
        walk(cohort=cohort, to=status, by_user=adviser)
    media = tmp_path / "media"
    (media / "reports").mkdir(parents=True)
    (media / "reports" / "report.pdf").write_bytes(b"%PDF-1.7 figures")
    before = _figures(pilot.slug)
    database_url = worker_database_url(connection.settings_dict["NAME"])

    folder = (
        _run([str(SCRIPTS / "backup.sh"), str(tmp_path / "backup")], DATABASE_URL=database_url, MEDIA_ROOT=str(media))
        .strip()
        .splitlines()[-1]
    )
    restored_url = worker_database_url(restored_name)
    restored_media = tmp_path / "restored-media"
    _run([str(SCRIPTS / "restore.sh"), folder], DATABASE_URL=restored_url, MEDIA_ROOT=str(restored_media))
    after = _run(
        [sys.executable, "-c", FIGURES, pilot.slug],
        DATABASE_URL=restored_url,
        DJANGO_SETTINGS_MODULE="config.settings.test",
    ).strip()

    assert after == before
    assert "KeyFigures" in after
    assert (restored_media / "reports" / "report.pdf").read_bytes() == b"%PDF-1.7 figures"


def test_restore_refuses_a_database_that_holds_tables(client_tools, tmp_path):
    folder = (
        _run(
            [str(SCRIPTS / "backup.sh"), str(tmp_path / "backup")],
            DATABASE_URL=worker_database_url(connection.settings_dict["NAME"]),
            MEDIA_ROOT=str(tmp_path / "none"),
        )
        .strip()
        .splitlines()[-1]
    )

    completed = subprocess.run(
        [str(SCRIPTS / "restore.sh"), folder],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": worker_database_url(connection.settings_dict["NAME"]),
            "MEDIA_ROOT": str(tmp_path / "restored"),
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert completed.returncode == 1
    assert "restore into a new, empty database" in completed.stderr
