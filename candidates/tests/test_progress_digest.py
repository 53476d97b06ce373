"""The weekly follow-up digest: one e-mail per adviser per week, after the commit, with links and nothing sensitive."""

import datetime
from types import SimpleNamespace

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings

from candidates import tasks
from candidates.models import BarrierKind, BenefitType, EnrolmentStatus, FollowUp, FollowUpDigest, OutcomeKind
from candidates.progress import followup_digests_send, followup_record, outflow_record
from candidates.tests.factories import CandidateBarrierFactory, CandidateFactory, EnrolmentFactory, OutcomeFactory
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.tests.factories import CohortFactory, PilotFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2027, 3, 1)


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 15, 12, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def caseloads(organisation, adviser, settings):
    """Two advisers with follow-ups that are due in the week of 1 March 2027 or overdue by then."""
    settings.SITE_URL = "https://opstap.example.nl/"
    cohort = CohortFactory(name="Najaar 2026", pilot=PilotFactory(lead_organisation=organisation))
    colleague = UserFactory(username="collega", first_name="Joost", organisation=organisation, role=Role.ADVISER)

    def outflow(candidate, start: datetime.date):
        enrolment = EnrolmentFactory(
            cohort=cohort, status=EnrolmentStatus.COMPLETED, ended_on=datetime.date(2026, 12, 11), candidate=candidate
        )
        return outflow_record(enrolment=enrolment, by_user=adviser, kind=OutcomeKind.JOB_ELSEWHERE, start_date=start)

    fatima = CandidateFactory(
        first_name="Fatima",
        last_name_prefix="el",
        last_name="Amrani",
        adviser=adviser,
        benefit_type=BenefitType.SOCIAL_ASSISTANCE,
    )
    CandidateBarrierFactory(candidate=fatima, kind=BarrierKind.DEBTS)
    CandidateBarrierFactory(candidate=fatima, kind=BarrierKind.POVERTY_TRAP)
    due_this_week = outflow(fatima, datetime.date(2026, 12, 3))  # 3 months: Wednesday 3 March
    overdue = outflow(
        CandidateFactory(first_name="Kees", last_name="Jansen", adviser=adviser), datetime.date(2026, 11, 16)
    )
    outflow(CandidateFactory(first_name="Later", last_name="Pas", adviser=adviser), datetime.date(2026, 12, 8))
    theirs = outflow(
        CandidateFactory(first_name="Sanne", last_name="de Vries", adviser=colleague), datetime.date(2026, 12, 1)
    )
    return SimpleNamespace(
        adviser=adviser, colleague=colleague, fatima=fatima, due=due_this_week, overdue=overdue, theirs=theirs
    )


def body_for(mailoutbox, user) -> str:
    (message,) = [message for message in mailoutbox if message.to == [user.email]]
    return message.body


def test_each_adviser_gets_one_digest_a_week(caseloads, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = followup_digests_send(today=MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        same_week = followup_digests_send(today=MONDAY + datetime.timedelta(days=4))

    assert (first, same_week) == (2, 0)
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [caseloads.adviser.email, caseloads.colleague.email]
    )
    assert set(FollowUpDigest.objects.values_list("adviser", "week_start", "followup_count")) == {
        (caseloads.adviser.pk, MONDAY, 2),
        (caseloads.colleague.pk, MONDAY, 1),
    }


def test_the_next_week_brings_a_new_digest_while_follow_ups_stay_open(
    caseloads, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        followup_digests_send(today=MONDAY)
    for followup in FollowUp.objects.filter(outcome=caseloads.theirs):
        followup_record(followup=followup, by_user=caseloads.colleague, still_working=True, hours_per_week=20)

    with django_capture_on_commit_callbacks(execute=True):
        next_week = followup_digests_send(today=MONDAY + datetime.timedelta(days=7))

    assert next_week == 1  # the colleague answered theirs
    assert [message.to for message in mailoutbox[2:]] == [[caseloads.adviser.email]]


def test_the_digest_is_sent_only_after_the_commit(caseloads, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        followup_digests_send(today=MONDAY)

    assert (len(callbacks), mailoutbox) == (1, [])  # one send after the commit for all the digests
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 2


def test_the_digest_lists_due_and_overdue_follow_ups_with_a_link(
    caseloads, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        followup_digests_send(today=MONDAY)

    body = body_for(mailoutbox, caseloads.adviser)
    assert f"https://opstap.example.nl/{caseloads.fatima.get_absolute_url().lstrip('/')}" in body
    assert "Fatima A." in body
    assert "Kees J." in body
    assert "Later P." not in body  # due after this week
    assert "Sanne" not in body  # the colleague's candidate
    assert body.index("Kees J.") < body.index("Fatima A.")  # overdue first, then due this week
    assert "3 maart 2027" in body  # the due date, in the portal's language


def test_the_digest_names_no_barriers_benefits_or_last_names(caseloads, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        followup_digests_send(today=MONDAY)

    text = " ".join(f"{message.subject} {message.body}" for message in mailoutbox).lower()
    for word in ("amrani", "jansen", "bijstand", "uitkering", "schulden", "debts", "armoedeval", "poverty", "barri"):
        assert word not in text


def test_without_a_site_url_the_link_points_to_the_local_portal(
    caseloads, settings, mailoutbox, django_capture_on_commit_callbacks
):
    del settings.SITE_URL

    with django_capture_on_commit_callbacks(execute=True):
        followup_digests_send(today=MONDAY)

    assert f"http://127.0.0.1:8000{caseloads.fatima.get_absolute_url()}" in body_for(mailoutbox, caseloads.adviser)


def test_advisers_who_cannot_receive_it_get_no_digest(caseloads, mailoutbox, django_capture_on_commit_callbacks):
    caseloads.colleague.is_active = False
    caseloads.colleague.save()
    caseloads.adviser.email = ""
    caseloads.adviser.save()

    with django_capture_on_commit_callbacks(execute=True):
        sent = followup_digests_send(today=MONDAY)

    assert (sent, mailoutbox, FollowUpDigest.objects.count()) == (0, [], 0)


def test_a_week_without_due_follow_ups_sends_nothing(caseloads, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = followup_digests_send(today=datetime.date(2027, 1, 4))

    assert (sent, mailoutbox) == (0, [])


# --- The tasks and the beat schedule -----------------------------------------------------------------------


def test_the_digest_task_sends_and_a_redelivery_sends_nothing(
    caseloads, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(datetime.datetime(2027, 3, 1, 6, 0, tzinfo=datetime.UTC), tick=False)  # Monday 07:00 CET

    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.send_followup_digests.delay().get()
    with django_capture_on_commit_callbacks(execute=True):
        redelivered = tasks.send_followup_digests.delay().get()

    assert (first, redelivered, len(mailoutbox)) == (2, 0, 2)


def test_the_daily_task_schedules_the_follow_ups_of_outcomes_recorded_elsewhere(adviser):
    # outflow_record schedules its own follow-ups; an outcome written without it (an import, older data) has none.
    elsewhere = OutcomeFactory(
        enrolment=EnrolmentFactory(status=EnrolmentStatus.OUTFLOW, ended_on=datetime.date(2026, 12, 11)),
        kind=OutcomeKind.NONE,
    )
    enrolment = EnrolmentFactory(status=EnrolmentStatus.COMPLETED, ended_on=datetime.date(2026, 12, 11))
    recorded = outflow_record(enrolment=enrolment, by_user=adviser, kind=OutcomeKind.NONE)

    assert tasks.schedule_missing_followups.delay().get() == 3
    assert sorted(elsewhere.followups.values_list("months", flat=True)) == [3, 6, 12]
    assert sorted(recorded.followups.values_list("months", flat=True)) == [3, 6, 12]
    assert tasks.schedule_missing_followups.delay().get() == 0


@pytest.mark.parametrize(
    ("key", "task", "schedule"),
    [
        ("send-followup-digests", tasks.send_followup_digests, crontab(hour=7, minute=0, day_of_week="mon")),
        ("schedule-missing-followups", tasks.schedule_missing_followups, crontab(hour=6, minute=0)),
    ],
)
def test_beat_runs_the_follow_up_tasks_in_amsterdam_time(key, task, schedule):
    entry = django_settings.CELERY_BEAT_SCHEDULE[key]

    assert entry["task"] == task.name
    assert entry["schedule"] == schedule
    assert django_settings.CELERY_TIMEZONE == "Europe/Amsterdam"
