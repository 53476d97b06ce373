"""Module results and certificates: VCA expiry, what expires soon, and unit certificates that count on their own."""

import datetime

import pytest
from django.db import IntegrityError

from candidates.models import Certificate, DropoutReason, EnrolmentStatus, ModuleResult, ModuleResultStatus
from candidates.progress import certificate_record, module_result_record
from candidates.progress_selectors import certificates_expiring, enrolment_certificates_count, module_results_for
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.statemachine import TransitionNotAllowed
from core.tests.factories import UserFactory
from pilots.tests.factories import CohortFactory, CohortModuleFactory, PilotFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def enrolment(organisation, adviser):
    cohort = CohortFactory(pilot=PilotFactory(lead_organisation=organisation))
    return EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.STARTED, candidate=CandidateFactory(adviser=adviser))


# --- Module results ----------------------------------------------------------------------------------------


def test_a_result_is_recorded_once_per_module_and_corrected_in_place(enrolment, training_partner):
    module = CohortModuleFactory(cohort=enrolment.cohort, name="Taal")

    started = module_result_record(
        enrolment=enrolment, cohort_module=module, status=ModuleResultStatus.IN_PROGRESS, by_user=training_partner
    )
    passed = module_result_record(
        enrolment=enrolment, cohort_module=module, status=ModuleResultStatus.PASSED, by_user=training_partner
    )

    assert started.date is None
    assert (passed.pk, passed.status, passed.date) == (started.pk, "passed", TODAY)
    assert ModuleResult.objects.count() == 1


def test_the_learning_line_shows_each_module_with_its_result(enrolment, training_partner):
    language, vca, practice = (CohortModuleFactory(cohort=enrolment.cohort, position=n) for n in (1, 2, 3))
    module_result_record(
        enrolment=enrolment,
        cohort_module=vca,
        status=ModuleResultStatus.EXEMPT,
        by_user=training_partner,
        on_date=datetime.date(2026, 10, 1),
    )

    rows = module_results_for(enrolment=enrolment)

    assert [(module, result.status if result else None) for module, result in rows] == [
        (language, None),
        (vca, "exempt"),
        (practice, None),
    ]


@pytest.mark.parametrize("case", ["module-of-another-cohort", "not-started", "unknown-status"])
def test_a_result_that_cannot_be_is_refused(enrolment, training_partner, case):
    module, status = CohortModuleFactory(cohort=enrolment.cohort), ModuleResultStatus.PASSED
    if case == "module-of-another-cohort":
        module = CohortModuleFactory()
    elif case == "not-started":
        enrolment = EnrolmentFactory(cohort=enrolment.cohort, status=EnrolmentStatus.SELECTED)
    else:
        status = "excellent"

    with pytest.raises(TransitionNotAllowed):
        module_result_record(enrolment=enrolment, cohort_module=module, status=status, by_user=training_partner)

    assert not ModuleResult.objects.exists()


# --- Certificates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["VCA Basis", "VCA VOL", "vca", "B-VCA", "Certificaat VCA-VIL"])
def test_a_vca_certificate_expires_after_ten_years(enrolment, training_partner, name):
    certificate = certificate_record(
        enrolment=enrolment, name=name, issued_on=datetime.date(2026, 10, 14), by_user=training_partner
    )

    assert certificate.expires_on == datetime.date(2036, 10, 14)


def test_a_vca_issued_on_a_leap_day_expires_on_the_last_day_of_february(enrolment, training_partner, time_machine):
    time_machine.move_to(datetime.datetime(2028, 3, 1, 12, 0, tzinfo=datetime.UTC), tick=False)

    certificate = certificate_record(
        enrolment=enrolment, name="VCA Basis", issued_on=datetime.date(2028, 2, 29), by_user=training_partner
    )

    assert certificate.expires_on == datetime.date(2038, 2, 28)


@pytest.mark.parametrize("name", ["Kinder-EHBO", "Vacature-training", "Heftruck"])
def test_other_certificates_do_not_expire_by_default(enrolment, training_partner, name):
    certificate = certificate_record(enrolment=enrolment, name=name, issued_on=TODAY, by_user=training_partner)

    assert certificate.expires_on is None


def test_a_given_expiry_date_is_kept(enrolment, training_partner):
    certificate = certificate_record(
        enrolment=enrolment,
        name="VCA Basis",
        number="VCA-123456",
        issued_on=TODAY,
        expires_on=datetime.date(2031, 1, 1),
        by_user=training_partner,
    )

    assert (certificate.expires_on, certificate.number) == (datetime.date(2031, 1, 1), "VCA-123456")


def test_a_certificate_takes_the_modules_certificate_name(enrolment, training_partner):
    module = CohortModuleFactory(cohort=enrolment.cohort, certificate_name="VCA Basis")

    certificate = certificate_record(
        enrolment=enrolment, cohort_module=module, issued_on=TODAY, by_user=training_partner
    )

    assert (certificate.name, certificate.expires_on) == ("VCA Basis", datetime.date(2036, 11, 25))


@pytest.mark.parametrize(
    ("name", "issued_on", "expires_on"),
    [
        ("Kinder-EHBO", TODAY, TODAY),
        ("Kinder-EHBO", TODAY, TODAY - datetime.timedelta(days=1)),
        ("", TODAY, None),
        ("VCA Basis", TODAY + datetime.timedelta(days=1), None),
    ],
    ids=["expires-on-issue", "expires-before-issue", "no-name", "issued-in-the-future"],
)
def test_an_impossible_certificate_is_refused(enrolment, training_partner, name, issued_on, expires_on):
    with pytest.raises(TransitionNotAllowed):
        certificate_record(
            enrolment=enrolment, name=name, issued_on=issued_on, expires_on=expires_on, by_user=training_partner
        )

    assert not Certificate.objects.exists()


def test_the_database_refuses_an_expiry_before_the_issue(enrolment):
    with pytest.raises(IntegrityError):
        Certificate.objects.create(
            enrolment=enrolment, name="VCA", issued_on=TODAY, expires_on=TODAY - datetime.timedelta(days=1)
        )


def test_certificates_expiring_within_three_months_are_listed(enrolment, adviser, organisation):
    def issued(name: str, expires_in_days: int, on=enrolment) -> Certificate:
        return Certificate.objects.create(
            enrolment=on,
            name=name,
            issued_on=datetime.date(2016, 1, 1),
            expires_on=TODAY + datetime.timedelta(days=expires_in_days),
        )

    today = issued("VCA vandaag", 0)
    soon = issued("VCA Basis", 30)
    last_day = issued("VCA VOL", 90)
    issued("VCA later", 91)
    issued("VCA verlopen", -1)
    Certificate.objects.create(enrolment=enrolment, name="EHBO", issued_on=datetime.date(2026, 1, 1))
    colleague = UserFactory(organisation=organisation, role=Role.ADVISER)
    theirs = EnrolmentFactory(
        cohort=enrolment.cohort, status=EnrolmentStatus.STARTED, candidate=CandidateFactory(adviser=colleague)
    )
    other = issued("VCA collega", 10, on=theirs)

    assert list(certificates_expiring(user=adviser, today=TODAY)) == [today, soon, last_day]
    assert list(certificates_expiring(user=adviser, within_days=30, today=TODAY)) == [today, soon]
    assert list(certificates_expiring(user=colleague, today=TODAY)) == [other]


def test_coordinators_see_what_expires_in_their_pilots(enrolment, coordinator, employer_contact):
    certificate = Certificate.objects.create(
        enrolment=enrolment,
        name="VCA Basis",
        issued_on=datetime.date(2017, 1, 1),
        expires_on=TODAY + datetime.timedelta(days=20),
    )

    assert list(certificates_expiring(user=coordinator, today=TODAY)) == [certificate]
    assert list(certificates_expiring(user=employer_contact, today=TODAY)) == []


# --- Unit certificates (onderwijs op maat) -----------------------------------------------------------------


@pytest.fixture
def certified(enrolment, training_partner):
    """A unit certificate, a certificate of a module of the whole track, and one recorded on its own."""
    unit = CohortModuleFactory(cohort=enrolment.cohort, certificate_name="Unit hygiëne", is_unit_certificate=True)
    part = CohortModuleFactory(cohort=enrolment.cohort, certificate_name="Helpende zorg deel 1")
    for module in (unit, part, None):
        certificate_record(
            enrolment=enrolment,
            cohort_module=module,
            name="" if module else "VCA Basis",
            issued_on=datetime.date(2026, 10, 1),
            by_user=training_partner,
        )
    return enrolment


def test_during_the_track_only_unit_and_separate_certificates_count(certified):
    assert enrolment_certificates_count(enrolment=certified) == 2


def test_a_unit_certificate_counts_for_someone_who_left_the_track(certified):
    certified.status, certified.dropout_reason = EnrolmentStatus.DROPPED_OUT, DropoutReason.HEALTH
    certified.save()
    left = enrolment_certificates_count(enrolment=certified)
    certified.status = EnrolmentStatus.OUTFLOW
    certified.save()

    assert (left, enrolment_certificates_count(enrolment=certified)) == (2, 2)


@pytest.mark.parametrize("status", [EnrolmentStatus.COMPLETED, EnrolmentStatus.OUTFLOW])
def test_after_completing_the_track_every_certificate_counts(certified, status):
    certified.status = status
    certified.save()

    assert enrolment_certificates_count(enrolment=certified) == 3
