"""The employer admin writes through the services: seat offers keep their history, answers go through actions."""

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.urls import reverse

from candidates.models import ContractType, EnrolmentStatus
from candidates.tests.factories import EnrolmentFactory
from employers.models import (
    ContractOffer,
    ContractOfferStatus,
    ContractTerm,
    DeclineReason,
    JointVacancy,
    Placement,
    PlacementStatus,
    SeatOffer,
)
from employers.tests.factories import (
    ContractOfferFactory,
    EmployerFactory,
    PlacementFactory,
    SeatOfferFactory,
)
from pilots.tests.factories import CohortFactory

pytestmark = pytest.mark.django_db


# The management form of the read-only history inline on the offer page.
NO_CHANGE_ROWS = {"changes-TOTAL_FORMS": "0", "changes-INITIAL_FORMS": "0"}


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def errors(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request) if message.level == messages.ERROR]


@pytest.fixture
def admin_client_logged_in(client, administrator):
    client.force_login(administrator)
    return client


def test_adding_a_seat_offer_records_its_first_change(admin_client_logged_in, administrator):
    employer, cohort = EmployerFactory(), CohortFactory()

    response = admin_client_logged_in.post(
        admin_url(SeatOffer, "add"), {"employer": employer.pk, "cohort": cohort.pk, "places": "45", "_save": "1"}
    )

    assert response.status_code == 302
    offer = SeatOffer.objects.get()
    assert list(offer.changes.values_list("from_places", "to_places", "by_user")) == [(0, 45, administrator.pk)]


def test_changing_the_places_on_the_offer_page_records_the_change(admin_client_logged_in, administrator):
    offer = SeatOfferFactory(places=45)

    response = admin_client_logged_in.post(
        admin_url(SeatOffer, "change", offer.pk), {"places": "52", **NO_CHANGE_ROWS, "_save": "1"}
    )

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.places == 52
    assert list(offer.changes.values_list("from_places", "to_places")) == [(45, 52)]


def test_lowering_an_offer_below_the_confirmed_placements_is_a_form_error(admin_client_logged_in):
    offer = SeatOfferFactory(places=2)
    PlacementFactory.create_batch(2, employer=offer.employer, enrolment__cohort=offer.cohort, status="confirmed")

    response = admin_client_logged_in.post(
        admin_url(SeatOffer, "change", offer.pk), {"places": "1", **NO_CHANGE_ROWS, "_save": "1"}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    offer.refresh_from_db()
    assert offer.places == 2
    assert not offer.changes.exists()


def test_declining_from_the_list_takes_the_listed_reason(admin_client_logged_in, administrator):
    placement = PlacementFactory()

    response = admin_client_logged_in.post(
        admin_url(Placement, "changelist"),
        {
            "action": "move_to_declined",
            "_selected_action": [placement.pk],
            "index": "0",
            "decline_reason": DeclineReason.LANGUAGE,
            "reason": "Te weinig Nederlands voor de overdracht",
        },
    )

    assert response.status_code == 302
    assert errors(response) == []
    placement.refresh_from_db()
    assert (placement.status, placement.decline_reason, placement.answered_by) == (
        PlacementStatus.DECLINED,
        DeclineReason.LANGUAGE,
        administrator,
    )


def test_publishing_a_vacancy_records_who_published_it(admin_client_logged_in, administrator):
    cohort = CohortFactory()
    employers = EmployerFactory.create_batch(2)

    response = admin_client_logged_in.post(
        admin_url(JointVacancy, "add"),
        {
            "cohort": cohort.pk,
            "title": "Leerling VIG/MZ",
            "published_on": "2026-05-01",
            "employers": [employer.pk for employer in employers],
            "applications-TOTAL_FORMS": "0",
            "applications-INITIAL_FORMS": "0",
            "_save": "1",
        },
    )

    assert response.status_code == 302
    vacancy = JointVacancy.objects.get()
    assert vacancy.created_by == administrator
    assert set(vacancy.employers.all()) == set(employers)


def test_recording_a_contract_offer_goes_through_the_service(admin_client_logged_in, administrator):
    placement = PlacementFactory(status=PlacementStatus.ACTIVE)
    data = {
        "enrolment": placement.enrolment.pk,
        "employer": placement.employer.pk,
        "kind": ContractType.BBL,
        "hours_per_week": "32",
        "start_date": "2027-01-04",
        "contract_type": ContractTerm.PERMANENT,
        "_save": "1",
    }

    response = admin_client_logged_in.post(admin_url(ContractOffer, "add"), data)

    assert response.status_code == 302
    offer = ContractOffer.objects.get()
    assert (offer.placement, offer.recorded_by) == (placement, administrator)


def test_a_contract_offer_without_a_placement_is_a_form_error(admin_client_logged_in):
    enrolment = EnrolmentFactory(status=EnrolmentStatus.STARTED)

    response = admin_client_logged_in.post(
        admin_url(ContractOffer, "add"),
        {
            "enrolment": enrolment.pk,
            "employer": EmployerFactory().pk,
            "kind": ContractType.REGULAR,
            "hours_per_week": "32",
            "start_date": "2027-01-04",
            "contract_type": ContractTerm.PERMANENT,
            "_save": "1",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert not ContractOffer.objects.exists()


def test_accepting_a_contract_offer_from_the_list(admin_client_logged_in, administrator):
    offer = ContractOfferFactory()

    response = admin_client_logged_in.post(
        admin_url(ContractOffer, "changelist"),
        {"action": "move_to_accepted", "_selected_action": [offer.pk], "index": "0"},
    )

    assert response.status_code == 302
    assert errors(response) == []
    offer.refresh_from_db()
    assert (offer.status, offer.answered_by) == (ContractOfferStatus.ACCEPTED, administrator)
