"""Fixtures the referral-list tests share: a media folder of the test's own and the adviser's cohort."""

from pathlib import Path

import pytest

from pilots.tests.factories import CohortFactory, PilotFactory


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """Uploaded and waiting referral lists in a folder of the test's own, gone after it."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def pending_dir(media_root) -> Path:
    """Where a checked list waits for its confirmation (candidates.pending_uploads)."""
    return media_root / "imports" / "pending"


@pytest.fixture
def cohort(adviser):
    """A cohort of a pilot the adviser's organisation leads: one the adviser may import into."""
    return CohortFactory(pilot=PilotFactory(lead_organisation=adviser.organisation), name="Ronde 1")
