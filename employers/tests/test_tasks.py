"""The daily reminder: after five working days, once, to the employer's contacts; the beat schedule runs it."""

import zoneinfo
from datetime import datetime

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings

from candidates.models import EnrolmentStatus
from candidates.tests.factories import EnrolmentFactory
from core.roles import Role
from core.tasks import send_outbox_mail
from core.tests.factories import UserFactory
from core.tests.mailers import RefusingBackend
from employers import tasks
from employers.models import Placement, PlacementStatus
from employers.selectors import adviser_overdue_proposals
from employers.services import placement_confirm, placement_propose, placements_remind_overdue
from employers.tests.factories import EmployerFactory, SeatOfferFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def at(day: int, hour: int = 8) -> datetime:
    """A moment in October 2026: Friday the 2nd, the weekend of the 3rd and 4th, Friday the 9th."""
    return datetime(2026, 10, day, hour, tzinfo=AMSTERDAM)


@pytest.fixture
def employer_with_contacts(db):
    employer = EmployerFactory()
    contacts = [UserFactory(organisation=employer.organisation, role=Role.EMPLOYER_CONTACT) for _ in range(2)]
    return employer, contacts


def propose_on(moment: datetime, employer, adviser) -> Placement:
    """A proposal to a host that offered the candidate's cohort one place."""
    enrolment = EnrolmentFactory(status=EnrolmentStatus.SELECTED, candidate__adviser=adviser)
    SeatOfferFactory(employer=employer, cohort=enrolment.cohort, places=1)
    with time_machine.travel(moment, tick=False):
        return placement_propose(enrolment=enrolment, employer=employer, by_user=adviser, notify=False)


def run_reminders(moment: datetime, capture) -> int:
    """The beat task as a worker runs it at that moment, with its after-commit mail."""
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return tasks.remind_unanswered_proposals.delay().get()


def test_a_proposal_made_on_friday_is_reminded_on_the_next_friday_not_before(
    employer_with_contacts, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    employer, contacts = employer_with_contacts
    placement = propose_on(at(2, 15), employer, adviser)

    # Saturday and Sunday do not count: on Wednesday only three working days have passed.
    for day in (5, 6, 7, 8):
        assert run_reminders(at(day), django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []

    assert run_reminders(at(9), django_capture_on_commit_callbacks) == 1

    assert sorted(message.to for message in mailoutbox) == sorted([contact.email] for contact in contacts)
    assert f"/werkgevers/plaatsing/{placement.pk}/" in mailoutbox[0].body
    placement.refresh_from_db()
    assert placement.reminder_sent_at == at(9)


def test_a_proposal_made_in_the_weekend_is_reminded_with_the_friday_ones(
    employer_with_contacts, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    employer, _contacts = employer_with_contacts
    propose_on(at(4, 20), employer, adviser)

    assert run_reminders(at(8), django_capture_on_commit_callbacks) == 0
    assert run_reminders(at(9), django_capture_on_commit_callbacks) == 1


def test_the_reminder_is_sent_only_once(
    employer_with_contacts, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    employer, contacts = employer_with_contacts
    propose_on(at(2), employer, adviser)

    assert run_reminders(at(9), django_capture_on_commit_callbacks) == 1
    assert run_reminders(at(9, 9), django_capture_on_commit_callbacks) == 0
    assert run_reminders(at(12), django_capture_on_commit_callbacks) == 0

    assert len(mailoutbox) == len(contacts)


def test_a_redelivered_task_sends_nothing_twice(
    employer_with_contacts, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    employer, contacts = employer_with_contacts
    propose_on(at(2), employer, adviser)

    with time_machine.travel(at(9), tick=False), django_capture_on_commit_callbacks(execute=True):
        # The broker hands the same message out again before the first run finished.
        first = tasks.remind_unanswered_proposals.apply().get()
        second = tasks.remind_unanswered_proposals.apply().get()

    assert (first, second) == (1, 0)
    assert len(mailoutbox) == len(contacts)


def test_an_answered_proposal_is_not_reminded(
    employer_with_contacts, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    employer, contacts = employer_with_contacts
    placement = propose_on(at(2), employer, adviser)
    with time_machine.travel(at(6), tick=False):
        placement_confirm(placement=placement, by_user=contacts[0])

    assert run_reminders(at(9), django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_only_the_employer_of_the_overdue_proposal_is_reminded(
    employer_with_contacts, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    employer, contacts = employer_with_contacts
    propose_on(at(2), employer, adviser)
    patient = EmployerFactory()
    UserFactory(username="geduldig", organisation=patient.organisation, role=Role.EMPLOYER_CONTACT)
    propose_on(at(7), patient, adviser)

    assert run_reminders(at(9), django_capture_on_commit_callbacks) == 1

    assert {address for message in mailoutbox for address in message.to} == {contact.email for contact in contacts}


def test_an_employer_without_contacts_is_reminded_once_it_has_one(
    adviser, mailoutbox, django_capture_on_commit_callbacks
):
    employer = EmployerFactory()
    placement = propose_on(at(2), employer, adviser)

    assert run_reminders(at(9), django_capture_on_commit_callbacks) == 0
    placement.refresh_from_db()
    assert placement.reminder_sent_at is None

    UserFactory(organisation=employer.organisation, role=Role.EMPLOYER_CONTACT)
    assert run_reminders(at(12), django_capture_on_commit_callbacks) == 1
    assert len(mailoutbox) == 1


def test_a_failing_mail_server_does_not_stop_the_other_reminders_and_the_failed_one_is_tried_again(
    adviser, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.MAILERS = {"default": {"BACKEND": "core.tests.mailers.RefusingBackend"}}
    employers = [EmployerFactory(organisation__name=name) for name in ("A Onbereikbaar", "B Bereikbaar")]
    unreachable, reachable = (
        UserFactory(organisation=employer.organisation, role=Role.EMPLOYER_CONTACT) for employer in employers
    )
    for employer in employers:
        propose_on(at(2), employer, adviser)
    RefusingBackend.refused.add(unreachable.email)
    try:
        assert run_reminders(at(9), django_capture_on_commit_callbacks) == 2
        assert [message.to for message in mailoutbox] == [[reachable.email]]
        assert Placement.objects.filter(reminder_sent_at__isnull=True).count() == 0
    finally:
        RefusingBackend.refused.clear()

    # The outbox tries the refused one again later, and the other is not sent twice.
    with time_machine.travel(at(9, 10), tick=False):
        send_outbox_mail.delay()
    assert sorted(message.to for message in mailoutbox) == sorted([[reachable.email], [unreachable.email]])


def test_the_overdue_proposal_is_flagged_to_the_adviser_whether_or_not_it_was_reminded(
    employer_with_contacts, adviser, django_capture_on_commit_callbacks
):
    employer, _contacts = employer_with_contacts
    placement = propose_on(at(2), employer, adviser)

    with time_machine.travel(at(7), tick=False):
        assert list(adviser_overdue_proposals(user=adviser)) == []
    with time_machine.travel(at(9, 7), tick=False):
        assert list(adviser_overdue_proposals(user=adviser)) == [placement]
    run_reminders(at(9), django_capture_on_commit_callbacks)
    with time_machine.travel(at(9, 9), tick=False):
        assert list(adviser_overdue_proposals(user=adviser)) == [placement]


def test_the_service_returns_the_number_of_proposals_reminded(
    employer_with_contacts, adviser, django_capture_on_commit_callbacks
):
    employer, _contacts = employer_with_contacts
    for _ in range(3):
        propose_on(at(2), employer, adviser)

    with django_capture_on_commit_callbacks(execute=True):
        assert placements_remind_overdue(now=at(9)) == 3
    assert not Placement.objects.filter(status=PlacementStatus.PROPOSED, reminder_sent_at__isnull=True).exists()


def test_the_beat_schedule_runs_the_reminder_every_morning_at_eight():
    from config.celery_app import app

    entries = [
        entry for entry in app.conf.beat_schedule.values() if entry["task"] == tasks.remind_unanswered_proposals.name
    ]

    assert tasks.remind_unanswered_proposals.name == "employers.tasks.remind_unanswered_proposals"
    assert len(entries) == 1
    assert entries[0]["schedule"] == crontab(hour=8, minute=0)
    assert app.conf.timezone == settings.TIME_ZONE == "Europe/Amsterdam"
    assert tasks.remind_unanswered_proposals.name in app.tasks
