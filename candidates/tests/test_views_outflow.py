"""Leaving the track (completion, dropout with a reason) and recording the outflow outcome.

Pages are asked for in English, so the assertions read the message ids whatever state the Dutch
translation is in.
"""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from candidates.models import ContractType, DropoutReason, Enrolment, EnrolmentStatus, FollowUp, Outcome, OutcomeKind
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from employers.models import ContractOfferStatus, PlacementStatus
from employers.tests.factories import ContractOfferFactory, EmployerFactory, PlacementFactory
from pilots.models import PartnerRole
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory

NOW = datetime.datetime(2026, 12, 15, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def track(organisation, adviser, training_partner, employer):
    pilot = PilotFactory(lead_organisation=organisation)
    PilotPartnerFactory(pilot=pilot, organisation=training_partner.organisation, role=PartnerRole.TRAINING_PARTNER)
    PilotPartnerFactory(pilot=pilot, organisation=employer.organisation, role=PartnerRole.HOST_EMPLOYER)
    cohort = CohortFactory(pilot=pilot)
    enrolment = EnrolmentFactory(
        candidate=CandidateFactory(adviser=adviser), cohort=cohort, status=EnrolmentStatus.STARTED
    )
    placement = PlacementFactory(enrolment=enrolment, employer=employer, status=PlacementStatus.ACTIVE)
    return SimpleNamespace(pilot=pilot, cohort=cohort, enrolment=enrolment, placement=placement, employer=employer)


def log_in(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def leave_url(enrolment) -> str:
    return reverse("candidates:leave", kwargs={"pk": enrolment.pk})


def outflow_url(enrolment) -> str:
    return reverse("candidates:outflow-record", kwargs={"pk": enrolment.pk})


def reloaded(enrolment) -> Enrolment:
    return Enrolment.objects.get(pk=enrolment.pk)


def ended(track, status=EnrolmentStatus.COMPLETED, dropout_reason="") -> Enrolment:
    Enrolment.objects.filter(pk=track.enrolment.pk).update(
        status=status, ended_on=datetime.date(2026, 12, 11), dropout_reason=dropout_reason
    )
    return reloaded(track.enrolment)


# --- Completion ----------------------------------------------------------------------------------------------


def test_completing_makes_the_accepted_contract_offer_the_outcome(client, adviser, track):
    ContractOfferFactory(
        placement=track.placement,
        status=ContractOfferStatus.ACCEPTED,
        kind=ContractType.BBL,
        hours_per_week=28,
        start_date=datetime.date(2027, 1, 4),
    )

    response = log_in(client, adviser).post(
        leave_url(track.enrolment), {"complete": "1", "complete-on_date": "2026-12-11", "complete-note": ""}
    )

    assert response.status_code == 302
    assert response.url == f"{track.enrolment.candidate.get_absolute_url()}#followups"
    outcome = Outcome.objects.get(enrolment=track.enrolment)
    assert (outcome.kind, outcome.employer, outcome.contract_type, outcome.hours_per_week) == (
        OutcomeKind.CONTRACT_AT_HOST,
        track.employer,
        ContractType.BBL,
        28,
    )
    enrolment = reloaded(track.enrolment)
    assert (enrolment.status, enrolment.ended_on) == (EnrolmentStatus.OUTFLOW, datetime.date(2026, 12, 11))
    assert sorted(outcome.followups.values_list("months", "due_on")) == [
        (3, datetime.date(2027, 4, 4)),
        (6, datetime.date(2027, 7, 4)),
        (12, datetime.date(2028, 1, 4)),
    ]


def test_completing_without_an_accepted_offer_asks_for_the_outcome(client, adviser, track):
    ContractOfferFactory(placement=track.placement, status=ContractOfferStatus.OFFERED)

    response = log_in(client, adviser).post(
        leave_url(track.enrolment), {"complete": "1", "complete-on_date": "2026-12-11"}
    )

    assert response.url == outflow_url(track.enrolment)
    assert reloaded(track.enrolment).status == EnrolmentStatus.COMPLETED
    assert not Outcome.objects.exists()


def test_completing_on_a_day_still_to_come_is_a_form_error(client, adviser, track):
    response = log_in(client, adviser).post(
        leave_url(track.enrolment), {"complete": "1", "complete-on_date": "2026-12-20"}
    )

    assert response.context["complete_form"].has_error("on_date")
    assert reloaded(track.enrolment).status == EnrolmentStatus.STARTED


def test_a_track_that_is_not_running_cannot_be_completed(client, adviser, track):
    enrolment = ended(track)

    page = log_in(client, adviser).get(leave_url(enrolment))
    assert "only a running track can be completed or left" in page.text

    response = client.post(leave_url(enrolment), {"complete": "1", "complete-on_date": "2026-12-11"})
    assert response.status_code == 200
    assert response.context["complete_form"].non_field_errors()


# --- Dropout -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [DropoutReason.HEALTH, DropoutReason.TRANSPORT, DropoutReason.MONEY])
def test_a_dropout_records_the_reason_and_the_note_and_asks_for_the_outcome(client, adviser, track, reason):
    response = log_in(client, adviser).post(
        leave_url(track.enrolment),
        {"drop_out": "1", "dropout-reason": reason, "dropout-note": "Lange rit", "dropout-on_date": "2026-12-10"},
    )

    assert response.url == outflow_url(track.enrolment)
    enrolment = reloaded(track.enrolment)
    assert (enrolment.status, enrolment.dropout_reason, enrolment.ended_on) == (
        EnrolmentStatus.DROPPED_OUT,
        reason,
        datetime.date(2026, 12, 10),
    )
    assert enrolment.transitions.get(to_status=EnrolmentStatus.DROPPED_OUT).reason == "Lange rit"


def test_the_reason_other_needs_a_note(client, adviser, track):
    response = log_in(client, adviser).post(
        leave_url(track.enrolment),
        {"drop_out": "1", "dropout-reason": DropoutReason.OTHER, "dropout-on_date": "2026-12-10"},
    )

    assert response.context["dropout_form"].has_error("note")
    assert reloaded(track.enrolment).status == EnrolmentStatus.STARTED


def test_a_dropout_without_a_reason_is_a_form_error(client, adviser, track):
    response = log_in(client, adviser).post(
        leave_url(track.enrolment), {"drop_out": "1", "dropout-reason": "", "dropout-on_date": "2026-12-10"}
    )

    assert response.context["dropout_form"].has_error("reason")


def test_leaving_for_a_job_elsewhere_is_outflow_to_work(client, adviser, track):
    response = log_in(client, adviser).post(
        leave_url(track.enrolment),
        {
            "drop_out": "1",
            "dropout-reason": DropoutReason.FOUND_WORK,
            "dropout-on_date": "2026-12-10",
            "dropout-employer_name": "Zorggroep Elders",
            "dropout-start_date": "2027-01-04",
            "dropout-hours_per_week": "32",
            "dropout-contract_type": ContractType.REGULAR,
        },
    )

    assert response.url == f"{track.enrolment.candidate.get_absolute_url()}#followups"
    outcome = Outcome.objects.get(enrolment=track.enrolment)
    assert (outcome.kind, outcome.employer_name, outcome.start_date, outcome.hours_per_week) == (
        OutcomeKind.JOB_ELSEWHERE,
        "Zorggroep Elders",
        datetime.date(2027, 1, 4),
        32,
    )
    enrolment = reloaded(track.enrolment)
    assert (enrolment.status, enrolment.dropout_reason) == (EnrolmentStatus.OUTFLOW, DropoutReason.FOUND_WORK)
    assert outcome.followups.count() == 3


def test_found_work_needs_the_employer_and_the_start_date(client, adviser, track):
    response = log_in(client, adviser).post(
        leave_url(track.enrolment),
        {"drop_out": "1", "dropout-reason": DropoutReason.FOUND_WORK, "dropout-on_date": "2026-12-10"},
    )

    form = response.context["dropout_form"]
    assert form.has_error("employer_name")
    assert form.has_error("start_date")
    assert reloaded(track.enrolment).status == EnrolmentStatus.STARTED


def test_job_details_with_another_reason_are_left_out(client, adviser, track):
    log_in(client, adviser).post(
        leave_url(track.enrolment),
        {
            "drop_out": "1",
            "dropout-reason": DropoutReason.MOTIVATION,
            "dropout-on_date": "2026-12-10",
            "dropout-employer_name": "Per ongeluk ingevuld",
        },
    )

    assert reloaded(track.enrolment).status == EnrolmentStatus.DROPPED_OUT
    assert not Outcome.objects.exists()


# --- Outflow -------------------------------------------------------------------------------------------------


def outflow_data(**values) -> dict:
    data = dict.fromkeys(
        (
            "kind",
            "employer",
            "employer_name",
            "contract_type",
            "education_level",
            "start_date",
            "hours_per_week",
            "next_step",
        ),
        "",
    )
    return data | values


def test_education_without_a_level_is_a_form_error(client, adviser, track):
    enrolment = ended(track)

    response = log_in(client, adviser).post(
        outflow_url(enrolment), outflow_data(kind=OutcomeKind.EDUCATION, employer_name="ROC Midden Nederland")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["education_level"] == ["Give the MBO level of the education."]
    assert not Outcome.objects.exists()


def test_a_contract_at_the_host_without_the_host_is_a_form_error(client, adviser, track):
    enrolment = ended(track)

    response = log_in(client, adviser).post(outflow_url(enrolment), outflow_data(kind=OutcomeKind.CONTRACT_AT_HOST))

    assert response.context["form"].errors["employer"] == ["A contract at the host needs the host employer."]
    assert not Outcome.objects.exists()


def test_the_host_is_chosen_from_the_enrolments_placements(client, adviser, track):
    enrolment = ended(track)
    declined = PlacementFactory(enrolment=enrolment, employer=EmployerFactory(), status=PlacementStatus.DECLINED)
    stranger = EmployerFactory()

    page = log_in(client, adviser).get(outflow_url(enrolment))
    assert list(page.context["form"].fields["employer"].queryset) == [track.employer]

    for other in (declined.employer, stranger):
        response = client.post(
            outflow_url(enrolment), outflow_data(kind=OutcomeKind.CONTRACT_AT_HOST, employer=other.pk)
        )
        assert response.context["form"].has_error("employer")
    assert not Outcome.objects.exists()


def test_bbl_education_with_its_level_and_next_step_is_recorded_with_its_follow_ups(client, adviser, track):
    enrolment = ended(track)

    response = log_in(client, adviser).post(
        outflow_url(enrolment),
        outflow_data(
            kind=OutcomeKind.EDUCATION,
            employer_name="ROC Midden Nederland",
            contract_type=ContractType.BBL,
            education_level="3",
            start_date="2027-02-01",
            hours_per_week="32",
            next_step="BBL pedagogisch medewerker niveau 3",
        ),
    )

    assert response.status_code == 302
    outcome = Outcome.objects.get(enrolment=enrolment)
    assert (outcome.kind, outcome.education_level, outcome.next_step) == (
        OutcomeKind.EDUCATION,
        3,
        "BBL pedagogisch medewerker niveau 3",
    )
    assert reloaded(enrolment).status == EnrolmentStatus.OUTFLOW
    assert list(FollowUp.objects.filter(outcome=outcome).order_by("months").values_list("months", flat=True)) == [
        3,
        6,
        12,
    ]
    page = client.get(enrolment.candidate.get_absolute_url())
    assert 'id="followups"' in page.text
    assert "Not answered yet" in page.text


def test_a_contract_at_the_host_names_the_host(client, adviser, track):
    enrolment = ended(track, EnrolmentStatus.DROPPED_OUT, DropoutReason.HEALTH)

    log_in(client, adviser).post(
        outflow_url(enrolment),
        outflow_data(
            kind=OutcomeKind.CONTRACT_AT_HOST,
            employer=track.employer.pk,
            contract_type=ContractType.GROUP_HELPER,
            hours_per_week="20",
        ),
    )

    outcome = Outcome.objects.get(enrolment=enrolment)
    assert (outcome.employer, outcome.contract_type) == (track.employer, ContractType.GROUP_HELPER)


def test_the_outflow_of_a_running_track_cannot_be_recorded(client, adviser, track):
    response = log_in(client, adviser).get(outflow_url(track.enrolment))

    assert response.context["form"] is None
    assert "The outcome is recorded once the track was completed or left." in response.text
    assert client.post(outflow_url(track.enrolment), outflow_data(kind=OutcomeKind.NONE)).status_code == 403


# --- Who ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TRAINING_PARTNER])
def test_coordinators_and_training_partners_read_the_outcome_but_do_not_record_it(
    client, user_for_role, adviser, track, role
):
    enrolment = ended(track)
    Outcome.objects.create(enrolment=enrolment, kind=OutcomeKind.JOB_ELSEWHERE, employer_name="Thuiszorg Noord")
    log_in(client, user_for_role(role))

    page = client.get(outflow_url(enrolment))
    assert page.status_code == 200
    assert "Thuiszorg Noord" in page.text
    assert page.context["form"] is None
    assert client.post(outflow_url(enrolment), outflow_data(kind=OutcomeKind.NONE)).status_code == 403
    assert client.get(leave_url(enrolment)).status_code == 403


def test_a_host_employer_is_refused_leaving_and_outflow(client, employer_contact, track):
    log_in(client, employer_contact)

    assert client.get(leave_url(track.enrolment)).status_code == 403
    assert client.get(outflow_url(track.enrolment)).status_code == 403


def test_an_adviser_outside_the_pilot_gets_not_found(client, track):
    outsider = UserFactory(username="ander", organisation=OrganisationFactory(name="WSP Elders"), role=Role.ADVISER)
    log_in(client, outsider)

    assert client.get(leave_url(track.enrolment)).status_code == 404
    assert (
        client.post(leave_url(track.enrolment), {"complete": "1", "complete-on_date": "2026-12-11"}).status_code == 404
    )
    assert client.get(outflow_url(track.enrolment)).status_code == 404
    assert reloaded(track.enrolment).status == EnrolmentStatus.STARTED
