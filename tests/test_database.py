"""The suite runs on the database production uses, and that database enforces the model's constraints."""

import pytest
from django.db import IntegrityError, connection, transaction

from pilots.models import Pilot
from pilots.tests.factories import PilotFactory
from tests.services import require_postgres, running_in_ci

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def test_ci_runs_the_suite_on_postgresql():
    if running_in_ci():
        assert connection.vendor == "postgresql", "CI runs on PostgreSQL: .ci/run sets DATABASE_URL"
    require_postgres()

    assert connection.settings_dict["NAME"].startswith("test_"), "tests must never touch a real database"


def test_postgresql_refuses_a_target_outflow_above_100_percent(postgres):
    pilot = PilotFactory(target_outflow_percentage=80)

    # A queryset update skips model validation: only the database's CHECK constraint stands in the way.
    with pytest.raises(IntegrityError, match="pilot_target_outflow_percentage"), transaction.atomic():
        Pilot.objects.filter(pk=pilot.pk).update(target_outflow_percentage=101)

    pilot.refresh_from_db()
    assert pilot.target_outflow_percentage == 80
