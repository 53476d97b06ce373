"""The follow-ups at 3, 6 and 12 months on the candidate page and the adviser's start page, recording their
answers, and the start page's attendance and certificate blocks.

Pages are asked for in English, so the assertions read the message ids whatever state the Dutch
translation is in.
"""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from candidates.models import AttendanceStatus, Certificate, EnrolmentStatus, FollowUp, OutcomeKind
from candidates.progress import outflow_record
from candidates.tests.factories import AttendanceFactory, AttendanceSessionFactory, CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.models import PartnerRole
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory

# A Tuesday.
NOW = datetime.datetime(2026, 12, 15, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
TODAY = NOW.date()
START_URL = reverse("candidates:adviser-start")


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def world(organisation, adviser, training_partner):
    pilot = PilotFactory(lead_organisation=organisation)
    PilotPartnerFactory(pilot=pilot, organisation=training_partner.organisation, role=PartnerRole.TRAINING_PARTNER)
    cohort = CohortFactory(pilot=pilot, start_date=datetime.date(2026, 3, 2), end_date=datetime.date(2026, 12, 31))
    return SimpleNamespace(pilot=pilot, cohort=cohort)


def log_in(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def flowed_out(adviser, cohort, *, start_date, last_name="Visser"):
    """A candidate of the adviser who completed the track and found a job that started on start_date."""
    enrolment = EnrolmentFactory(
        candidate=CandidateFactory(adviser=adviser, first_name="Sanne", last_name=last_name),
        cohort=cohort,
        status=EnrolmentStatus.COMPLETED,
        started_on=datetime.date(2026, 3, 2),
        ended_on=datetime.date(2026, 6, 12),
    )
    return outflow_record(
        enrolment=enrolment,
        by_user=adviser,
        kind=OutcomeKind.JOB_ELSEWHERE,
        employer_name="Zorggroep Elders",
        start_date=start_date,
        hours_per_week=24,
    )


def followup_url(followup) -> str:
    return reverse("candidates:followup-record", kwargs={"pk": followup.pk})


def due_on_start_page(client) -> list[tuple[int, bool]]:
    return [(followup.pk, followup.is_overdue) for followup in client.get(START_URL).context["followups_due"]]


# --- Follow-ups ------------------------------------------------------------------------------------------------


def test_three_months_after_the_outflow_the_follow_up_is_due_on_the_start_page(client, adviser, world):
    outcome = flowed_out(adviser, world.cohort, start_date=datetime.date(2026, 9, 15))
    three = outcome.followups.get(months=3)
    log_in(client, adviser)

    assert three.due_on == TODAY
    assert due_on_start_page(client) == [(three.pk, False)]
    page = client.get(START_URL)
    assert followup_url(three) in page.text
    assert "Sanne Visser" in page.text


def test_the_candidate_page_lists_the_three_follow_ups_with_a_form_link(client, adviser, world):
    outcome = flowed_out(adviser, world.cohort, start_date=datetime.date(2026, 9, 15))

    page = log_in(client, adviser).get(outcome.enrolment.candidate.get_absolute_url())

    assert [followup.months for followup in page.context["followups"]] == [3, 6, 12]
    for followup in outcome.followups.all():
        assert followup_url(followup) in page.text
    assert page.text.count("Not answered yet") == 3


def test_an_answered_follow_up_leaves_the_start_page(client, adviser, world):
    outcome = flowed_out(adviser, world.cohort, start_date=datetime.date(2026, 9, 15))
    three = outcome.followups.get(months=3)
    log_in(client, adviser)

    response = client.post(
        followup_url(three),
        {"still_working": "yes", "same_employer": "yes", "hours_per_week": "28", "note": "", "on_date": "2026-12-15"},
    )

    assert response.status_code == 302
    three.refresh_from_db()
    assert (three.answered_on, three.still_working, three.same_employer, three.hours_per_week) == (
        TODAY,
        True,
        True,
        28,
    )
    assert due_on_start_page(client) == []
    page = client.get(outcome.enrolment.candidate.get_absolute_url())
    assert "Still working" in page.text
    assert page.text.count("Not answered yet") == 2


def test_a_missed_follow_up_stays_on_the_start_page_flagged_until_answered(client, adviser, world):
    outcome = flowed_out(adviser, world.cohort, start_date=datetime.date(2026, 8, 1))
    missed = outcome.followups.get(months=3)
    log_in(client, adviser)

    assert missed.due_on == datetime.date(2026, 11, 1)
    assert due_on_start_page(client) == [(missed.pk, True)]
    assert "Overdue" in client.get(START_URL).text
    candidate_page = client.get(outcome.enrolment.candidate.get_absolute_url())
    assert [followup.is_overdue for followup in candidate_page.context["followups"]] == [True, False, False]

    client.post(followup_url(missed), {"still_working": "unknown", "note": "Niet bereikt", "on_date": "2026-12-15"})

    assert due_on_start_page(client) == []


def test_a_follow_up_not_due_within_a_week_is_not_listed_yet(client, adviser, world):
    flowed_out(adviser, world.cohort, start_date=datetime.date(2026, 9, 23))  # due 23 December

    assert due_on_start_page(log_in(client, adviser)) == []


def test_someone_not_reached_needs_a_note(client, adviser, world):
    three = flowed_out(adviser, world.cohort, start_date=datetime.date(2026, 9, 15)).followups.get(months=3)

    response = log_in(client, adviser).post(followup_url(three), {"still_working": "unknown", "on_date": "2026-12-15"})

    assert response.status_code == 200
    assert response.context["form"].has_error("note")
    three.refresh_from_db()
    assert three.answered_on is None


def test_someone_no_longer_working_has_no_hours(client, adviser, world):
    three = flowed_out(adviser, world.cohort, start_date=datetime.date(2026, 9, 15)).followups.get(months=3)

    response = log_in(client, adviser).post(
        followup_url(three), {"still_working": "no", "hours_per_week": "20", "on_date": "2026-12-15"}
    )

    assert response.context["form"].has_error("hours_per_week")


def test_a_follow_up_out_of_sight_is_not_found_and_other_roles_are_refused(
    client, adviser, world, training_partner, employer_contact
):
    three = flowed_out(adviser, world.cohort, start_date=datetime.date(2026, 9, 15)).followups.get(months=3)
    outsider = UserFactory(username="ander", organisation=OrganisationFactory(name="WSP Elders"), role=Role.ADVISER)

    assert log_in(client, outsider).get(followup_url(three)).status_code == 404
    assert log_in(client, training_partner).get(followup_url(three)).status_code == 403
    assert log_in(client, employer_contact).get(followup_url(three)).status_code == 403
    assert FollowUp.objects.get(pk=three.pk).answered_on is None


def test_a_training_partner_reads_the_follow_ups_without_a_record_link(client, adviser, world, training_partner):
    outcome = flowed_out(adviser, world.cohort, start_date=datetime.date(2026, 9, 15))

    page = log_in(client, training_partner).get(outcome.enrolment.candidate.get_absolute_url())

    assert len(page.context["followups"]) == 3
    assert followup_url(outcome.followups.get(months=3)) not in page.text


# --- Attendance flags and expiring certificates --------------------------------------------------------------


def started(adviser, cohort, last_name):
    return EnrolmentFactory(
        candidate=CandidateFactory(adviser=adviser, last_name=last_name),
        cohort=cohort,
        status=EnrolmentStatus.STARTED,
        started_on=datetime.date(2026, 9, 1),
    )


def test_the_start_page_flags_candidates_below_the_attendance_threshold(client, adviser, world):
    low, fine = started(adviser, world.cohort, "Laagaanwezig"), started(adviser, world.cohort, "Altijdaanwezig")
    statuses = [
        AttendanceStatus.PRESENT,
        AttendanceStatus.ABSENT_WITHOUT_NOTICE,
        AttendanceStatus.SICK,
        AttendanceStatus.ABSENT_WITHOUT_NOTICE,
    ]
    for offset, status in enumerate(statuses):
        session = AttendanceSessionFactory(cohort=world.cohort, date=TODAY - datetime.timedelta(days=offset + 1))
        AttendanceFactory(session=session, enrolment=low, status=status)
        AttendanceFactory(session=session, enrolment=fine, status=AttendanceStatus.PRESENT)
    # Long before the window: does not count.
    old = AttendanceSessionFactory(cohort=world.cohort, date=TODAY - datetime.timedelta(days=30))
    AttendanceFactory(session=old, enrolment=fine, status=AttendanceStatus.ABSENT_WITHOUT_NOTICE)

    page = log_in(client, adviser).get(START_URL)

    assert [flag.enrolment for flag in page.context["attendance_flags"]] == [low]
    assert "Laagaanwezig" in page.text
    assert "25.0%" in page.text
    assert f'data-attendance-flag="{fine.pk}"' not in page.text


def test_the_start_page_lists_certificates_expiring_within_three_months(client, adviser, world):
    enrolment = started(adviser, world.cohort, "Visser")

    def certificate(name, expires_in_days):
        return Certificate.objects.create(
            enrolment=enrolment,
            name=name,
            issued_on=datetime.date(2016, 12, 1),
            expires_on=TODAY + datetime.timedelta(days=expires_in_days),
        )

    soon = certificate("VCA Basis", 60)
    certificate("BHV", 120)
    certificate("Heftruck", -1)

    page = log_in(client, adviser).get(START_URL)

    assert list(page.context["expiring_certificates"]) == [soon]
    assert "VCA Basis" in page.text
    assert "BHV" not in page.text
    assert "Heftruck" not in page.text


def test_the_new_blocks_say_so_when_they_are_empty(client, adviser):
    page = log_in(client, adviser).get(START_URL)

    assert "No follow-up of your candidates is due this week." in page.text
    assert "None of your candidates attended less than 80% over the last 14 days." in page.text
    assert "No certificate of your candidates expires in the next three months." in page.text
