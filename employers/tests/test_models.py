"""The database itself refuses what the employer models forbid; the form-side KvK check speaks to the user."""

import datetime
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from candidates.models import EnrolmentStatus
from candidates.tests.factories import EnrolmentFactory
from employers.models import (
    ContractOffer,
    ContractOfferStatus,
    ContractTerm,
    DeclineReason,
    Employer,
    EndReason,
    JointVacancy,
    Placement,
    PlacementStatus,
    SeatOffer,
    validate_kvk_number,
)
from employers.tests.factories import (
    ContractOfferFactory,
    EmployerFactory,
    EmployerLocationFactory,
    JointVacancyFactory,
    PlacementFactory,
    SeatOfferFactory,
    VacancyApplicationFactory,
)
from pilots.models import OrganisationKind, Sector
from pilots.tests.factories import CohortFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

KVK_MESSAGE = "A KvK number has exactly eight digits."


@contextmanager
def refused_by(constraint: str, *, unique: bool = False):
    # PostgreSQL names the failed constraint; SQLite names a unique constraint's columns instead.
    pattern = f"{constraint}|UNIQUE constraint failed" if unique else constraint
    with pytest.raises(IntegrityError, match=pattern), transaction.atomic():
        yield


@pytest.mark.parametrize("kvk_number", ["1234567", "1234567a", "abcdefgh", "1234 567", ""])
def test_an_employer_whose_kvk_number_is_not_eight_digits_is_refused(kvk_number):
    with refused_by("employer_kvk_number_eight_digits"):
        EmployerFactory(kvk_number=kvk_number)


def test_changing_a_kvk_number_to_seven_digits_is_refused():
    employer = EmployerFactory(kvk_number="12345678")

    with refused_by("employer_kvk_number_eight_digits"):
        Employer.objects.filter(pk=employer.pk).update(kvk_number="1234567")


def test_a_kvk_number_with_a_leading_zero_is_accepted():
    employer = EmployerFactory(kvk_number="01234567")

    assert Employer.objects.get(pk=employer.pk).kvk_number == "01234567"


def test_two_employers_cannot_share_a_kvk_number():
    EmployerFactory(kvk_number="12345678")

    with refused_by("kvk_number", unique=True):
        EmployerFactory(kvk_number="12345678")


@pytest.mark.parametrize("kvk_number", ["12345678", "01234567"])
def test_validate_kvk_number_accepts_eight_digits(kvk_number):
    assert validate_kvk_number(kvk_number) is None


@pytest.mark.parametrize("kvk_number", ["1234567", "1234567a", "123456789", "", " 1234567", "١٢٣٤٥٦٧٨"])
def test_validate_kvk_number_refuses_anything_but_eight_ascii_digits(kvk_number):
    with pytest.raises(ValidationError) as refusal:
        validate_kvk_number(kvk_number)

    assert refusal.value.code == "invalid_kvk"


@pytest.mark.parametrize("kvk_number", ["1234567", "1234567a"])
def test_full_clean_refuses_a_wrong_kvk_number_with_a_translatable_message(kvk_number):
    organisation = OrganisationFactory(kind=OrganisationKind.HOST_EMPLOYER)
    employer = Employer(organisation=organisation, kvk_number=kvk_number, sector=Sector.CHILDCARE)

    with pytest.raises(ValidationError) as refusal:
        employer.full_clean()

    errors = refusal.value.error_dict
    assert list(errors) == ["kvk_number"]
    [error] = errors["kvk_number"]
    assert error.code == "invalid_kvk"
    # Marked for translation, so the Dutch catalogue decides what the user reads.
    assert isinstance(error.message, Promise)
    with translation.override("nl"):
        assert refusal.value.message_dict["kvk_number"] == [gettext(KVK_MESSAGE)]


def test_full_clean_accepts_an_eight_digit_kvk_number():
    organisation = OrganisationFactory(kind=OrganisationKind.HOST_EMPLOYER)

    Employer(organisation=organisation, kvk_number="12345678", sector=Sector.CHILDCARE).full_clean()


def test_a_seat_offer_of_zero_places_is_refused():
    with refused_by("seatoffer_places_positive"):
        SeatOfferFactory(places=0)


def test_a_second_seat_offer_for_the_same_location_and_cohort_is_refused():
    location = EmployerLocationFactory()
    offer = SeatOfferFactory(employer=location.employer, location=location)

    with refused_by("seatoffer_unique_per_location", unique=True):
        SeatOffer.objects.create(employer=offer.employer, cohort=offer.cohort, location=location, places=1)


def test_a_second_seat_offer_without_location_for_the_same_cohort_is_refused():
    offer = SeatOfferFactory(location=None)

    with refused_by("seatoffer_unique_without_location", unique=True):
        SeatOffer.objects.create(employer=offer.employer, cohort=offer.cohort, location=None, places=1)


def test_seat_offers_for_two_locations_of_one_employer_are_accepted():
    employer = EmployerFactory()
    cohort = CohortFactory()
    for location in EmployerLocationFactory.create_batch(2, employer=employer):
        SeatOfferFactory(employer=employer, cohort=cohort, location=location)
    SeatOfferFactory(employer=employer, cohort=cohort, location=None)

    assert SeatOffer.objects.filter(employer=employer, cohort=cohort).count() == 3


def test_the_same_employer_may_offer_places_to_another_cohort():
    offer = SeatOfferFactory(location=None)
    SeatOfferFactory(employer=offer.employer, location=None)

    assert offer.employer.seat_offers.count() == 2


def test_a_placement_ending_before_its_start_is_refused():
    with refused_by("placement_ends_after_start"):
        PlacementFactory(start_date=datetime.date(2026, 9, 10), end_date=datetime.date(2026, 9, 9))


@pytest.mark.parametrize("days_per_week", [0, 6])
def test_a_placement_outside_one_to_five_days_a_week_is_refused(days_per_week):
    with refused_by("placement_days_per_week_range"):
        PlacementFactory(days_per_week=days_per_week)


def test_an_unknown_placement_status_is_refused():
    placement = PlacementFactory()

    with refused_by("placement_status_valid"):
        Placement.objects.filter(pk=placement.pk).update(status="paused")


@pytest.mark.parametrize("second_status", [PlacementStatus.PROPOSED, PlacementStatus.CONFIRMED])
def test_two_open_placements_for_one_enrolment_at_one_employer_are_refused(second_status):
    first = PlacementFactory(status=PlacementStatus.PROPOSED)

    with refused_by("placement_one_open_per_employer", unique=True):
        PlacementFactory(enrolment=first.enrolment, employer=first.employer, status=second_status)


def test_reopening_a_declined_placement_beside_an_open_one_is_refused():
    first = PlacementFactory(status=PlacementStatus.DECLINED)
    PlacementFactory(enrolment=first.enrolment, employer=first.employer, status=PlacementStatus.PROPOSED)

    with refused_by("placement_one_open_per_employer", unique=True):
        Placement.objects.filter(pk=first.pk).update(status=PlacementStatus.PROPOSED)


@pytest.mark.parametrize("closed_status", [PlacementStatus.DECLINED, PlacementStatus.ENDED])
def test_a_new_proposal_beside_a_closed_placement_at_the_same_employer_is_accepted(closed_status):
    first = PlacementFactory(status=closed_status)

    PlacementFactory(enrolment=first.enrolment, employer=first.employer, status=PlacementStatus.PROPOSED)

    assert Placement.objects.filter(enrolment=first.enrolment, employer=first.employer).count() == 2


def test_one_enrolment_may_be_proposed_to_two_employers_at_once():
    enrolment = EnrolmentFactory(status=EnrolmentStatus.SELECTED)
    PlacementFactory(enrolment=enrolment)
    PlacementFactory(enrolment=enrolment)

    assert enrolment.placements.count() == 2


def test_a_declined_placement_without_a_reason_is_refused():
    with refused_by("placement_declined_has_reason"):
        PlacementFactory(status=PlacementStatus.DECLINED, decline_reason="")


def test_declining_by_hand_without_a_reason_is_refused():
    placement = PlacementFactory(status=PlacementStatus.PROPOSED)

    with refused_by("placement_declined_has_reason"):
        Placement.objects.filter(pk=placement.pk).update(status=PlacementStatus.DECLINED)


@pytest.mark.parametrize(
    "missing", [{"end_reason": ""}, {"ended_on": None}, {"end_reason": "", "ended_on": None}], ids=str
)
def test_an_ended_placement_without_reason_or_end_date_is_refused(missing):
    with refused_by("placement_ended_has_reason_and_date"):
        PlacementFactory(status=PlacementStatus.ENDED, **missing)


def test_an_unknown_decline_or_end_reason_is_refused():
    with refused_by("placement_decline_reason_valid"):
        PlacementFactory(status=PlacementStatus.DECLINED, decline_reason="bored")
    with refused_by("placement_end_reason_valid"):
        PlacementFactory(status=PlacementStatus.ENDED, end_reason="bored")


def test_declined_and_ended_placements_with_their_reasons_are_accepted():
    PlacementFactory(status=PlacementStatus.DECLINED, decline_reason=DeclineReason.LANGUAGE)
    PlacementFactory(
        status=PlacementStatus.ENDED, end_reason=EndReason.FOUND_OTHER_WORK, ended_on=datetime.date(2026, 10, 1)
    )

    assert Placement.objects.count() == 2


def test_a_vacancy_closing_before_it_is_published_is_refused():
    with refused_by("jointvacancy_closes_after_publication"):
        JointVacancyFactory(published_on=datetime.date(2026, 5, 1), closes_on=datetime.date(2026, 4, 30))


def test_a_vacancy_without_closing_date_or_closing_on_the_day_is_accepted():
    JointVacancyFactory(closes_on=None)
    JointVacancyFactory(published_on=datetime.date(2026, 5, 1), closes_on=datetime.date(2026, 5, 1))

    assert JointVacancy.objects.count() == 2


def test_applying_twice_to_one_vacancy_with_one_enrolment_is_refused():
    application = VacancyApplicationFactory()

    with refused_by("vacancyapplication_once_per_vacancy", unique=True):
        VacancyApplicationFactory(vacancy=application.vacancy, enrolment=application.enrolment)


def test_a_fixed_term_contract_offer_without_duration_is_refused():
    with refused_by("contractoffer_fixed_term_has_duration"):
        ContractOfferFactory(contract_type=ContractTerm.FIXED_TERM, duration_months=None)


@pytest.mark.parametrize("contract_type", [ContractTerm.PERMANENT, ContractTerm.ON_CALL])
def test_a_permanent_or_on_call_contract_offer_needs_no_duration(contract_type):
    offer = ContractOfferFactory(contract_type=contract_type, duration_months=None)

    assert ContractOffer.objects.get(pk=offer.pk).duration_months is None


@pytest.mark.parametrize("hours", [0, 41])
def test_a_contract_offer_outside_one_to_forty_hours_is_refused(hours):
    with refused_by("contractoffer_hours_per_week_range"):
        ContractOfferFactory(hours_per_week=hours)


def test_a_contract_offer_of_zero_months_is_refused():
    with refused_by("contractoffer_duration_positive"):
        ContractOfferFactory(contract_type=ContractTerm.PERMANENT, duration_months=0)


@pytest.mark.parametrize("field", ["kind", "contract_type", "status"])
def test_a_contract_offer_with_an_unknown_choice_is_refused(field):
    offer = ContractOfferFactory()

    with refused_by(f"contractoffer_{field}_valid"):
        ContractOffer.objects.filter(pk=offer.pk).update(**{field: "unknown"})


@pytest.mark.parametrize("status", [ContractOfferStatus.ACCEPTED, ContractOfferStatus.DECLINED])
def test_an_answered_contract_offer_without_the_moment_is_refused(status):
    with refused_by("contractoffer_answer_has_moment"):
        ContractOfferFactory(status=status, answered_at=None)


def test_a_second_accepted_contract_offer_for_one_enrolment_is_refused():
    first = ContractOfferFactory(status=ContractOfferStatus.ACCEPTED)
    second = ContractOfferFactory(placement=first.placement, status=ContractOfferStatus.OFFERED)

    with refused_by("contractoffer_one_accepted_per_enrolment", unique=True):
        ContractOffer.objects.filter(pk=second.pk).update(
            status=ContractOfferStatus.ACCEPTED, answered_at=first.answered_at
        )


def test_accepted_offers_for_two_enrolments_are_accepted():
    ContractOfferFactory.create_batch(2, status=ContractOfferStatus.ACCEPTED)

    assert ContractOffer.objects.filter(status=ContractOfferStatus.ACCEPTED).count() == 2
