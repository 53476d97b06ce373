import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from candidates.models import (
    AppointmentStatus,
    BarrierKind,
    EnrolmentStatus,
    EnrolmentTransition,
    Screening,
    ScreeningAppointment,
)
from candidates.services import screening_plan
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
S = EnrolmentStatus


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=AMSTERDAM), tick=False)


@pytest.fixture(autouse=True)
def english(client, settings):
    """The messages are asserted on in their English source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def pilot(organisation):
    return PilotFactory(lead_organisation=organisation)


@pytest.fixture
def enrolment(pilot):
    candidate = CandidateFactory(first_name="Sanne", last_name="Visser")
    return EnrolmentFactory(candidate=candidate, cohort=CohortFactory(pilot=pilot))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def plan_data(adviser, **overrides) -> dict:
    return {
        "date": "2026-12-03",
        "time": "14:30",
        "duration_minutes": "60",
        "location": "WSP Utrecht, kamer 2",
        "adviser": str(adviser.pk),
        **overrides,
    }


SCORES = {"interest_score": "5", "motivation_score": "4", "language_score": "3", "availability_score": "4"}


def record_data(**overrides) -> dict:
    return {
        "screened_on": "2026-11-25",
        **SCORES,
        "interest_note": "Wil graag met kinderen werken",
        "motivation_note": "",
        "language_note": "Spreekt redelijk Nederlands",
        "availability_note": "",
        "barriers_met": [BarrierKind.CHILDCARE],
        "recommendation": "select",
        **overrides,
    }


# --- planning ---------------------------------------------------------------------------------------


def test_the_plan_form_offers_the_advisers_of_the_organisation_with_the_user_chosen(client, adviser, enrolment):
    colleague = UserFactory(username="collega", organisation=adviser.organisation, role=Role.ADVISER)
    UserFactory(username="ander", organisation=OrganisationFactory(name="WSP Elders"), role=Role.ADVISER)
    client.force_login(adviser)

    response = client.get(reverse("candidates:screening-plan", kwargs={"pk": enrolment.pk}))

    assert response.status_code == 200
    advisers = list(response.context["form"].fields["adviser"].queryset)
    assert sorted(a.username for a in advisers) == sorted([adviser.username, colleague.username])
    assert response.context["form"]["adviser"].value() == adviser.pk


def test_planning_moves_a_registered_enrolment_to_screening_planned(client, adviser, enrolment):
    client.force_login(adviser)

    response = client.post(reverse("candidates:screening-plan", kwargs={"pk": enrolment.pk}), plan_data(adviser))

    assert response.status_code == 302
    appointment = ScreeningAppointment.objects.get(enrolment=enrolment)
    assert appointment.starts_at == datetime.datetime(2026, 12, 3, 14, 30, tzinfo=AMSTERDAM)
    assert (appointment.duration_minutes, appointment.location, appointment.adviser) == (
        60,
        "WSP Utrecht, kamer 2",
        adviser,
    )
    enrolment.refresh_from_db()
    assert enrolment.status == S.SCREENING_PLANNED
    assert EnrolmentTransition.objects.filter(enrolment=enrolment, to_status=S.SCREENING_PLANNED).count() == 1
    assert any("Sanne Visser" in message for message in messages_of(response))


def test_the_planned_appointment_is_listed_with_its_calendar_file(client, adviser, enrolment):
    client.force_login(adviser)

    response = client.post(
        reverse("candidates:screening-plan", kwargs={"pk": enrolment.pk}), plan_data(adviser), follow=True
    )

    appointment = ScreeningAppointment.objects.get(enrolment=enrolment)
    assert reverse("candidates:appointment-ics", kwargs={"pk": appointment.pk}) in response.text
    assert reverse("candidates:appointment-cancel", kwargs={"pk": appointment.pk}) in response.text


def test_an_adviser_of_another_organisation_cannot_be_chosen(client, adviser, enrolment):
    stranger = UserFactory(username="ander", organisation=OrganisationFactory(name="WSP Elders"), role=Role.ADVISER)
    client.force_login(adviser)

    response = client.post(reverse("candidates:screening-plan", kwargs={"pk": enrolment.pk}), plan_data(stranger))

    assert response.status_code == 200
    assert "adviser" in response.context["form"].errors
    assert not ScreeningAppointment.objects.exists()


def test_a_screening_cannot_be_planned_in_the_past(client, adviser, enrolment):
    client.force_login(adviser)

    response = client.post(
        reverse("candidates:screening-plan", kwargs={"pk": enrolment.pk}), plan_data(adviser, date="2026-11-24")
    )

    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    assert not ScreeningAppointment.objects.exists()


def test_a_selected_candidate_cannot_be_planned_for_screening(client, adviser, pilot):
    enrolment = EnrolmentFactory(cohort=CohortFactory(pilot=pilot), status=S.SELECTED)
    client.force_login(adviser)

    response = client.post(reverse("candidates:screening-plan", kwargs={"pk": enrolment.pk}), plan_data(adviser))

    assert response.status_code == 200
    assert not ScreeningAppointment.objects.exists()
    assert any("not yet selected" in message for message in messages_of(response))


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.COORDINATOR, 403), (Role.TRAINING_PARTNER, 403), (Role.EMPLOYER_CONTACT, 403), (Role.ADMINISTRATOR, 200)],
)
def test_only_advisers_and_administrators_plan_screenings(client, user_for_role, enrolment, role, status):
    user = user_for_role(role)
    if user.organisation_id:
        PilotPartnerFactory(pilot=enrolment.cohort.pilot, organisation=user.organisation)
    client.force_login(user)

    response = client.get(reverse("candidates:screening-plan", kwargs={"pk": enrolment.pk}))

    assert response.status_code == status


def test_an_enrolment_outside_the_users_pilots_is_not_found(client, enrolment):
    stranger = UserFactory(username="ander", organisation=OrganisationFactory(name="WSP Elders"), role=Role.ADVISER)
    client.force_login(stranger)

    for name in ("candidates:screening-plan", "candidates:screening-record"):
        assert client.get(reverse(name, kwargs={"pk": enrolment.pk})).status_code == 404


def test_cancelling_the_only_appointment_puts_the_enrolment_back_to_registered(client, adviser, enrolment):
    appointment = screening_plan(
        enrolment=enrolment,
        starts_at=datetime.datetime(2026, 12, 3, 10, 0, tzinfo=AMSTERDAM),
        location="Utrecht",
        adviser=adviser,
        by_user=adviser,
    )
    client.force_login(adviser)

    response = client.post(reverse("candidates:appointment-cancel", kwargs={"pk": appointment.pk}))

    assert response.status_code == 302
    appointment.refresh_from_db()
    enrolment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert enrolment.status == S.REGISTERED


def test_cancelling_is_a_post_and_only_once(client, adviser, enrolment):
    appointment = screening_plan(
        enrolment=enrolment,
        starts_at=datetime.datetime(2026, 12, 3, 10, 0, tzinfo=AMSTERDAM),
        location="Utrecht",
        adviser=adviser,
        by_user=adviser,
    )
    client.force_login(adviser)
    url = reverse("candidates:appointment-cancel", kwargs={"pk": appointment.pk})

    assert client.get(url).status_code == 405
    client.post(url)
    response = client.post(url)

    assert any("Only a planned appointment" in message for message in messages_of(response))


# --- recording --------------------------------------------------------------------------------------


def test_recording_a_screening_shows_the_combined_score_and_makes_the_enrolment_screened(client, adviser, enrolment):
    client.force_login(adviser)

    response = client.post(
        reverse("candidates:screening-record", kwargs={"pk": enrolment.pk}), record_data(), follow=True
    )

    screening = Screening.objects.get(enrolment=enrolment)
    assert screening.total_score == 16
    assert screening.barriers_met == [BarrierKind.CHILDCARE]
    assert screening.adviser == adviser
    enrolment.refresh_from_db()
    assert enrolment.status == S.SCREENED
    assert list(enrolment.candidate.barriers.values_list("kind", flat=True)) == [BarrierKind.CHILDCARE]
    assert "16 out of 20" in response.text
    assert any("16" in message and "20" in message for message in messages_of(response))


def test_the_score_fields_are_radio_buttons_and_the_barriers_checkboxes(client, adviser, enrolment):
    client.force_login(adviser)

    response = client.get(reverse("candidates:screening-record", kwargs={"pk": enrolment.pk}))

    assert len(re.findall(r'<input type="radio"[^>]*name="interest_score"', response.text)) == 5
    assert len(re.findall(r'<input type="checkbox"[^>]*name="barriers_met"', response.text)) == len(BarrierKind)
    assert '<select name="recommendation"' in response.text


@pytest.mark.parametrize("score", ["0", "6", "", "vijf"])
def test_a_score_outside_1_to_5_is_a_form_error(client, adviser, enrolment, score):
    client.force_login(adviser)

    response = client.post(
        reverse("candidates:screening-record", kwargs={"pk": enrolment.pk}), record_data(motivation_score=score)
    )

    assert response.status_code == 200
    assert "motivation_score" in response.context["form"].errors
    assert not Screening.objects.exists()
    enrolment.refresh_from_db()
    assert enrolment.status == S.REGISTERED


def test_a_recommendation_is_required(client, adviser, enrolment):
    client.force_login(adviser)

    response = client.post(
        reverse("candidates:screening-record", kwargs={"pk": enrolment.pk}), record_data(recommendation="")
    )

    assert "recommendation" in response.context["form"].errors
    assert not Screening.objects.exists()


def test_a_screening_cannot_be_dated_in_the_future(client, adviser, enrolment):
    client.force_login(adviser)

    response = client.post(
        reverse("candidates:screening-record", kwargs={"pk": enrolment.pk}), record_data(screened_on="2026-11-26")
    )

    assert "screened_on" in response.context["form"].errors
    assert not Screening.objects.exists()


def test_recording_marks_the_planned_appointment_held(client, adviser, enrolment):
    appointment = screening_plan(
        enrolment=enrolment,
        starts_at=datetime.datetime(2026, 11, 25, 10, 0, tzinfo=AMSTERDAM),
        location="Utrecht",
        adviser=adviser,
        by_user=adviser,
    )
    client.force_login(adviser)

    client.post(reverse("candidates:screening-record", kwargs={"pk": enrolment.pk}), record_data())

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.HELD


def test_a_started_candidate_cannot_be_screened_again(client, adviser, pilot):
    enrolment = EnrolmentFactory(cohort=CohortFactory(pilot=pilot), status=S.STARTED)
    client.force_login(adviser)

    response = client.post(reverse("candidates:screening-record", kwargs={"pk": enrolment.pk}), record_data())

    assert response.status_code == 200
    assert not Screening.objects.exists()
    assert any("not yet selected" in message for message in messages_of(response))


def test_a_coordinator_cannot_record_a_screening(client, coordinator, enrolment):
    client.force_login(coordinator)

    response = client.post(reverse("candidates:screening-record", kwargs={"pk": enrolment.pk}), record_data())

    assert response.status_code == 403
    assert not Screening.objects.exists()
