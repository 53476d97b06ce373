import datetime
import re

import pytest
import time_machine
from django.utils.translation import gettext

from candidates.models import AppointmentStatus, EnrolmentStatus, EnrolmentTransition, ScreeningAppointment
from candidates.services import screening_cancel, screening_plan
from candidates.tests.factories import EnrolmentFactory
from core.statemachine import TransitionNotAllowed
from pilots.tests.factories import CohortFactory, PilotFactory

S = EnrolmentStatus
NOW = datetime.datetime(2026, 3, 15, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cohort(organisation):
    return CohortFactory(pilot=PilotFactory(lead_organisation=organisation), name="Najaar 2026")


def plan(enrolment, adviser, *, day: int = 20) -> ScreeningAppointment:
    return screening_plan(
        enrolment=enrolment,
        starts_at=datetime.datetime(2026, 3, day, 10, 0, tzinfo=datetime.UTC),
        location="WSP Utrecht, Stadsplateau 1",
        adviser=adviser,
        by_user=adviser,
    )


def history(enrolment) -> list[tuple[str, str]]:
    return list(enrolment.transitions.order_by("at", "pk").values_list("from_status", "to_status"))


# --- allowed --------------------------------------------------------------------------------------------------


def test_screening_cancel_cancels_the_appointment_and_returns_it(adviser, cohort):
    appointment = plan(EnrolmentFactory(cohort=cohort), adviser)

    cancelled = screening_cancel(appointment=appointment, by_user=adviser)

    assert cancelled.pk == appointment.pk
    assert cancelled.status == AppointmentStatus.CANCELLED
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_screening_cancel_of_the_only_appointment_puts_the_enrolment_back_to_registered(adviser, coordinator, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)
    appointment = plan(enrolment, adviser)

    screening_cancel(appointment=appointment, by_user=coordinator)

    enrolment.refresh_from_db()
    assert enrolment.status == S.REGISTERED
    assert history(enrolment) == [(S.REGISTERED, S.SCREENING_PLANNED), (S.SCREENING_PLANNED, S.REGISTERED)]
    step = EnrolmentTransition.objects.filter(enrolment=enrolment).latest("at", "pk")
    assert (step.by_user, step.reason) == (coordinator, gettext("Screening appointment cancelled"))


def test_screening_cancel_with_another_appointment_planned_keeps_the_screening_planned(adviser, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)
    first = plan(enrolment, adviser, day=20)
    second = plan(enrolment, adviser, day=23)

    screening_cancel(appointment=first, by_user=adviser)

    enrolment.refresh_from_db()
    assert enrolment.status == S.SCREENING_PLANNED
    assert history(enrolment) == [(S.REGISTERED, S.SCREENING_PLANNED)]
    second.refresh_from_db()
    assert second.status == AppointmentStatus.PLANNED


def test_screening_cancel_of_the_last_of_two_puts_the_enrolment_back_to_registered(adviser, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)
    first = plan(enrolment, adviser, day=20)
    second = plan(enrolment, adviser, day=23)

    screening_cancel(appointment=first, by_user=adviser)
    screening_cancel(appointment=second, by_user=adviser)

    enrolment.refresh_from_db()
    assert enrolment.status == S.REGISTERED


def test_screening_cancel_of_a_follow_up_conversation_leaves_a_screened_enrolment_screened(adviser, cohort):
    enrolment = EnrolmentFactory(cohort=cohort, status=S.SCREENED)
    appointment = plan(enrolment, adviser)

    screening_cancel(appointment=appointment, by_user=adviser)

    enrolment.refresh_from_db()
    assert enrolment.status == S.SCREENED
    assert not enrolment.transitions.exists()


# --- refused ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [AppointmentStatus.HELD, AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW])
def test_screening_cancel_refuses_an_appointment_that_is_not_planned(adviser, cohort, status):
    enrolment = EnrolmentFactory(cohort=cohort)
    appointment = plan(enrolment, adviser)
    ScreeningAppointment.objects.filter(pk=appointment.pk).update(status=status)
    appointment.refresh_from_db()

    with pytest.raises(TransitionNotAllowed, match=re.escape(gettext("Only a planned appointment can be cancelled."))):
        screening_cancel(appointment=appointment, by_user=adviser)

    appointment.refresh_from_db()
    assert appointment.status == status
    enrolment.refresh_from_db()
    assert enrolment.status == S.SCREENING_PLANNED
    assert history(enrolment) == [(S.REGISTERED, S.SCREENING_PLANNED)]


def test_screening_cancel_refuses_a_second_cancellation(adviser, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)
    appointment = plan(enrolment, adviser)
    screening_cancel(appointment=appointment, by_user=adviser)

    with pytest.raises(TransitionNotAllowed):
        screening_cancel(appointment=appointment, by_user=adviser)

    enrolment.refresh_from_db()
    assert enrolment.status == S.REGISTERED
    assert history(enrolment) == [(S.REGISTERED, S.SCREENING_PLANNED), (S.SCREENING_PLANNED, S.REGISTERED)]


def test_screening_cancel_refuses_a_held_appointment_whatever_the_callers_copy_says(adviser, cohort):
    """A screening recorded since the page was opened marked the appointment held; the database decides."""
    enrolment = EnrolmentFactory(cohort=cohort)
    stale = plan(enrolment, adviser)
    ScreeningAppointment.objects.filter(pk=stale.pk).update(status=AppointmentStatus.HELD)
    assert stale.status == AppointmentStatus.PLANNED

    with pytest.raises(TransitionNotAllowed):
        screening_cancel(appointment=stale, by_user=adviser)

    assert ScreeningAppointment.objects.get(pk=stale.pk).status == AppointmentStatus.HELD
