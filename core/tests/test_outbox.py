"""The outbox (core.outbox, core.dispatch): mail saved with its change, sent once after the commit, tried again
with a growing pause, shown to the administrator; a broker that is away delays it and never fails the request."""

import datetime

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError
from post_office.models import STATUS, Email

from core import dispatch, outbox, tasks
from core.models import OutboxMessage
from core.tests.mailers import RefusingBackend
from tests.services import wait_until

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 10, 5, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def refused(settings):
    """Addresses the mail server refuses; add to the set to make it refuse one."""
    settings.MAILERS = {"default": {"BACKEND": "core.tests.mailers.RefusingBackend"}}
    settings.POST_OFFICE = {**settings.POST_OFFICE, "RETRY_INTERVAL": datetime.timedelta(minutes=2), "MAX_RETRIES": 3}
    yield RefusingBackend.refused
    RefusingBackend.refused.clear()


@pytest.fixture
def broker_away(monkeypatch, settings):
    """Publishing the outbox's task fails as it does with Redis stopped; `back()` brings the broker back."""
    original = tasks.send_outbox_mail.apply_async
    attempts = []

    def refuse(*args, **options):
        attempts.append(options)
        raise BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_outbox_mail, "apply_async", refuse)
    settings.DISPATCH_RETRY_SECONDS = 60

    class Broker:
        tries = attempts

        @staticmethod
        def back():
            monkeypatch.setattr(tasks.send_outbox_mail, "apply_async", original)

    yield Broker
    dispatch.forget_waiting_sends()


def queue(key: str, *recipients: str, subject: str = "Voorstel") -> int:
    with transaction.atomic():
        return sum(outbox.queue_mail(key=key, recipient=to, subject=subject, body="Tekst") for to in recipients)


@pytest.mark.django_db(transaction=True)
def test_mail_is_queued_only_inside_the_transaction_of_its_change():
    with pytest.raises(RuntimeError, match="transaction of the change"):
        outbox.queue_mail(key="los", recipient="a@example.nl", subject="x", body="y")


def test_queued_mail_is_sent_once_the_change_commits_and_not_before(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert queue("voorstel:1", "a@example.nl", "b@example.nl") == 2
    assert mailoutbox == []
    assert Email.objects.filter(status=STATUS.queued).count() == 2
    assert len(callbacks) == 1, "one send after the commit for all the mail of one change"

    callbacks[0]()

    assert sorted(message.to for message in mailoutbox) == [["a@example.nl"], ["b@example.nl"]]
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.sent}


def test_a_rolled_back_change_leaves_no_mail(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ZeroDivisionError), transaction.atomic():
        outbox.queue_mail(key="voorstel:1", recipient="a@example.nl", subject="x", body="y")
        raise ZeroDivisionError

    assert (Email.objects.count(), OutboxMessage.objects.count(), mailoutbox) == (0, 0, [])


def test_the_same_message_to_the_same_recipient_is_queued_and_sent_once(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert queue("voorstel:1", "a@example.nl") == 1
        assert queue("voorstel:1", "A@example.nl", "b@example.nl") == 1
        assert queue("voorstel:2", "a@example.nl") == 1

    assert sorted(tuple(message.to) for message in mailoutbox) == [
        ("a@example.nl",),
        ("a@example.nl",),
        ("b@example.nl",),
    ]
    assert tasks.send_outbox_mail.delay().get() == 0


def test_a_refused_recipient_does_not_hold_up_the_others_and_is_tried_again_later(
    refused, mailoutbox, django_capture_on_commit_callbacks
):
    refused.add("kapot@example.nl")
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        queue("voorstel:1", "kapot@example.nl", "goed@example.nl")

    assert [message.to for message in mailoutbox] == [["goed@example.nl"]]
    waiting = Email.objects.get(to="kapot@example.nl")
    assert (waiting.status, waiting.number_of_retries) == (STATUS.requeued, 1)
    assert waiting.scheduled_time == NOW + datetime.timedelta(minutes=2)

    # Not due yet: nothing is tried.
    with time_machine.travel(NOW + datetime.timedelta(minutes=1), tick=False):
        assert outbox.send_queued() == 0
    # Due and refused again: the next pause is twice as long.
    with time_machine.travel(NOW + datetime.timedelta(minutes=2), tick=False):
        assert outbox.send_queued() == 0
    waiting.refresh_from_db()
    assert (waiting.status, waiting.number_of_retries) == (STATUS.requeued, 2)
    assert waiting.scheduled_time == NOW + datetime.timedelta(minutes=2 + 4)

    refused.clear()
    with time_machine.travel(NOW + datetime.timedelta(minutes=6), tick=False):
        assert outbox.send_queued() == 1

    assert sorted(message.to for message in mailoutbox) == [["goed@example.nl"], ["kapot@example.nl"]]


def test_mail_refused_every_time_fails_visibly_and_can_be_queued_again(
    refused, mailoutbox, client, administrator, django_capture_on_commit_callbacks
):
    refused.add("kapot@example.nl")
    with time_machine.travel(NOW, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            queue("voorstel:1", "kapot@example.nl", subject="Nieuw voorstel")
        for _ in range(3):
            clock.shift(datetime.timedelta(hours=1))
            outbox.send_queued()
    email = Email.objects.get()
    assert (email.status, email.number_of_retries) == (STATUS.failed, 3)
    assert outbox.failed() == 1

    client.force_login(administrator)
    page = client.get(reverse("admin:core_outboxmessage_changelist"), {"status": "failed"})
    assert page.status_code == 200
    assert "kapot@example.nl" in page.text and "Nieuw voorstel" in page.text
    assert "SMTPRecipientsRefused" in page.text

    refused.clear()
    client.post(
        reverse("admin:core_outboxmessage_changelist"),
        {"action": "queue_again", "_selected_action": [OutboxMessage.objects.get().pk]},
    )
    outbox.send_queued()

    email.refresh_from_db()
    assert email.status == STATUS.sent
    assert [message.to for message in mailoutbox] == [["kapot@example.nl"]]


def test_mail_waiting_long_after_it_was_due_counts_as_stuck(django_capture_on_commit_callbacks, settings):
    settings.OUTBOX_STUCK_MINUTES = 15
    with time_machine.travel(NOW, tick=False):
        queue("voorstel:1", "a@example.nl")  # committed, but no after-commit send: as if the broker lost it

    assert outbox.stuck(now=NOW + datetime.timedelta(minutes=14)) == 0
    assert outbox.stuck(now=NOW + datetime.timedelta(minutes=16)) == 1

    tasks.send_outbox_mail.delay()  # the flush every minute

    assert outbox.stuck(now=NOW + datetime.timedelta(minutes=16)) == 0


def test_old_sent_mail_is_deleted_and_waiting_mail_kept(mailoutbox, django_capture_on_commit_callbacks, settings):
    settings.OUTBOX_KEEP_DAYS = 30
    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            queue("verzonden:1", "a@example.nl")
        queue("wacht:1", "b@example.nl")

    assert outbox.delete_old(now=NOW + datetime.timedelta(days=29)) == 0
    outbox.delete_old(now=NOW + datetime.timedelta(days=31))

    assert list(Email.objects.values_list("to", flat=True)) == [["b@example.nl"]]
    assert list(OutboxMessage.objects.values_list("key", flat=True)) == ["wacht:1:b@example.nl"]


def test_the_beat_schedule_flushes_the_outbox_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-outbox-mail"]

    assert entry["task"] == tasks.send_outbox_mail.name
    assert entry["schedule"].minute == set(range(60))


# --- A broker that is away ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_away_the_mail_waits_and_goes_out_within_seconds_of_its_return(broker_away, mailoutbox):
    queue("voorstel:1", "a@example.nl")  # commits: the after-commit send meets the broker away

    assert broker_away.tries, "the commit tried the broker"
    assert Email.objects.get().status == STATUS.queued
    assert dispatch.waiting_sends() == ["outbox"]
    queue("voorstel:2", "b@example.nl")
    assert len(broker_away.tries) == 1, "a send already waiting for the broker is not tried again by every commit"

    broker_away.back()

    assert wait_until(lambda: len(mailoutbox) == 2, timeout=15), "the retry thread did not send after the return"
    assert dispatch.waiting_sends() == []
    assert sorted(message.to for message in mailoutbox) == [["a@example.nl"], ["b@example.nl"]]
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.sent}


@pytest.mark.django_db(transaction=True)
def test_a_send_waiting_longer_than_allowed_is_left_to_the_periodic_flush(broker_away, settings, mailoutbox):
    settings.DISPATCH_RETRY_SECONDS = 1

    queue("voorstel:1", "a@example.nl")

    assert dispatch.waiting_sends() == ["outbox"]
    assert wait_until(lambda: dispatch.waiting_sends() == [], timeout=10)
    assert Email.objects.get().status == STATUS.queued
    broker_away.back()
    tasks.send_outbox_mail.delay()
    assert [message.to for message in mailoutbox] == [["a@example.nl"]]


def test_the_time_a_send_was_due_is_kept_for_the_stuck_check():
    # created is set by the database clock of the insert; stuck() reads it for mail never scheduled later.
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        outbox.queue_mail(key="k", recipient="a@example.nl", subject="s", body="b")
    assert Email.objects.get().created == NOW
    assert timezone.is_aware(Email.objects.get().created)
