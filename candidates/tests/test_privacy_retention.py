"""Retention: candidates without activity for RETENTION_MONTHS are anonymised by the task and the command."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from candidates.models import Candidate, EnrolmentStatus, Note
from candidates.privacy import inactive_candidates
from candidates.tasks import anonymise_inactive_candidates
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from employers.tests.factories import PlacementFactory

LONG_AGO = datetime.datetime(2024, 1, 10, 12, 0, tzinfo=datetime.UTC)
RECENTLY = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 25)


def _at(moment, factory, **kwargs):
    with time_machine.travel(moment, tick=False):
        return factory(**kwargs)


@pytest.fixture
def quiet(db):
    """Registered long ago, nothing since."""
    return _at(LONG_AGO, CandidateFactory, first_name="Stil")


def test_a_candidate_without_activity_for_the_period_is_inactive(quiet):
    assert list(inactive_candidates(months=24, today=TODAY)) == [quiet]
    assert list(inactive_candidates(months=36, today=TODAY)) == []


def test_recent_activity_in_any_row_about_the_person_keeps_them(quiet, adviser):
    enrolment = _at(LONG_AGO, EnrolmentFactory, candidate=quiet, status=EnrolmentStatus.NOT_SELECTED)
    with time_machine.travel(RECENTLY, tick=False):
        Note.objects.create(candidate=quiet, author=adviser, text="Belde over een nieuwe ronde")

    assert list(inactive_candidates(months=24, today=TODAY)) == []
    assert enrolment.candidate == quiet


def test_recent_activity_deep_below_the_enrolment_keeps_them(quiet):
    enrolment = _at(LONG_AGO, EnrolmentFactory, candidate=quiet, status=EnrolmentStatus.COMPLETED)
    placement = _at(LONG_AGO, PlacementFactory, enrolment=enrolment)
    with time_machine.travel(RECENTLY, tick=False):
        placement.transitions.create(from_status="proposed", to_status="declined", at=timezone.now())

    assert list(inactive_candidates(months=24, today=TODAY)) == []


def test_a_candidate_in_a_running_track_is_kept(quiet):
    _at(LONG_AGO, EnrolmentFactory, candidate=quiet, status=EnrolmentStatus.STARTED)

    assert list(inactive_candidates(months=24, today=TODAY)) == []


def test_the_period_comes_from_the_setting(quiet):
    with override_settings(RETENTION_MONTHS=40):
        assert list(inactive_candidates(today=TODAY)) == []
    with override_settings(RETENTION_MONTHS=12):
        assert list(inactive_candidates(today=TODAY)) == [quiet]


def test_the_task_anonymises_the_inactive_and_a_second_run_does_nothing(quiet):
    active = CandidateFactory(first_name="Actief")

    with time_machine.travel(datetime.datetime(2026, 11, 25, 2, 30, tzinfo=datetime.UTC), tick=False):
        assert anonymise_inactive_candidates.delay().get() == 1
        assert anonymise_inactive_candidates.delay().get() == 0

    quiet.refresh_from_db()
    active.refresh_from_db()
    assert quiet.anonymised_at is not None and quiet.first_name == ""
    assert active.anonymised_at is None and active.first_name == "Actief"


def test_dry_run_lists_ids_without_names_and_changes_nothing(quiet):
    out = StringIO()
    with time_machine.travel(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC), tick=False):
        call_command("anonymise_inactive", "--dry-run", stdout=out)

    text = out.getvalue()
    assert text.startswith(f"{quiet.pk}\t")
    assert "registered 2024-01-10" in text
    assert "1 candidate(s) would be anonymised" in text
    assert "Stil" not in text
    assert Candidate.objects.get(pk=quiet.pk).anonymised_at is None


def test_the_command_anonymises_with_the_months_given(quiet):
    out = StringIO()
    with time_machine.travel(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC), tick=False):
        call_command("anonymise_inactive", "--months", "48", stdout=out)
        assert "0 candidate(s) anonymised" in out.getvalue()
        call_command("anonymise_inactive", "--months", "12", stdout=out)

    assert "1 candidate(s) anonymised" in out.getvalue()
    assert Candidate.objects.get(pk=quiet.pk).anonymised_at is not None


def test_the_task_is_scheduled_by_beat():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "candidates.tasks.anonymise_inactive_candidates" in tasks
    assert settings.RETENTION_MONTHS == 24
