"""The demo data for the test modules about it: `pytestmark = pytest.mark.usefixtures("seed_output")`.

Seeding takes a while, so it runs once per module inside a transaction that is rolled back at the end; each test
runs in a savepoint within it. Module scope and not session scope: the tests of the other modules must not see the
demo, and a session-wide transaction would stay open around them.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def seed_output(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
