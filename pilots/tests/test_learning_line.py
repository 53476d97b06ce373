"""The learning line: cohorts inherit the pilot's modules and may differ; the weekly rhythm per cohort."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from candidates.models import AttendanceKind, EnrolmentStatus, ModuleResultStatus
from candidates.progress import module_result_record
from candidates.progress_selectors import cohort_learning_line, cohort_rhythm
from candidates.tests.factories import EnrolmentFactory
from core.statemachine import TransitionNotAllowed
from pilots.models import CohortModule, ModuleKind
from pilots.selectors import cohort_learning_line_or_pilots, module_choice
from pilots.services import (
    cohort_learning_line_copy,
    cohort_module_create,
    cohort_module_delete,
    cohort_module_update,
    cohort_rhythm_update,
    module_create,
    module_update,
)
from pilots.tests.factories import CohortFactory, CohortModuleFactory, ModuleFactory, OrganisationFactory, PilotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot():
    pilot = PilotFactory(name="Werkfit installatietechniek", internship_days_per_week=2, school_days_per_week=1)
    college = OrganisationFactory(name="Leerwerkbedrijf Noord", kind="learn_work_company")
    ModuleFactory(pilot=pilot, name="Nederlands en werkcultuur", kind=ModuleKind.LANGUAGE, position=1, provider=college)
    ModuleFactory(
        pilot=pilot,
        name="VCA Basis",
        kind=ModuleKind.CERTIFICATE,
        position=2,
        start_week=8,
        end_week=9,
        certificate_name="VCA Basis",
    )
    ModuleFactory(pilot=pilot, name="Vakjargon", kind=ModuleKind.TRADE_JARGON, position=3)
    return pilot


def test_a_new_cohort_copies_the_pilots_learning_line_in_order(pilot, coordinator):
    cohort = CohortFactory(pilot=pilot)

    copied = cohort_learning_line_copy(cohort=cohort, by_user=coordinator)

    assert [module.name for module in copied] == ["Nederlands en werkcultuur", "VCA Basis", "Vakjargon"]
    vca = copied[1]
    assert (vca.kind, vca.start_week, vca.end_week, vca.certificate_name) == ("certificate", 8, 9, "VCA Basis")
    assert copied[0].provider.name == "Leerwerkbedrijf Noord"
    assert all(module.module.pilot == pilot for module in copied)


def test_copying_again_keeps_the_cohorts_line_as_it_is(pilot, coordinator):
    cohort = CohortFactory(pilot=pilot)
    first = cohort_learning_line_copy(cohort=cohort, by_user=coordinator)
    cohort_module_update(cohort_module=first[0], by_user=coordinator, planned_hours=80)
    ModuleFactory(pilot=pilot, name="Later toegevoegd")

    again = cohort_learning_line_copy(cohort=cohort, by_user=coordinator)

    assert [module.pk for module in again] == [module.pk for module in first]
    assert CohortModule.objects.get(pk=first[0].pk).planned_hours == 80


def test_reading_a_cohort_without_modules_gives_the_pilots_line_unsaved(pilot, coordinator, django_assert_num_queries):
    cohort = CohortFactory(pilot=pilot)

    with django_assert_num_queries(2):
        line = cohort_learning_line_or_pilots(cohort=cohort)

    assert line.inherited
    assert [module.name for module in line.modules] == ["Nederlands en werkcultuur", "VCA Basis", "Vakjargon"]
    assert line.modules[0].provider.name == "Leerwerkbedrijf Noord"
    assert all(module.pk is None for module in line.modules)
    vca = pilot.modules.get(name="VCA Basis")
    assert module_choice(line.modules[1]) == f"pilot-{vca.pk}"
    assert not CohortModule.objects.exists()


def test_after_the_copy_the_cohorts_own_modules_are_read(pilot, coordinator):
    cohort = CohortFactory(pilot=pilot)
    copied = cohort_learning_line_copy(cohort=cohort, by_user=coordinator)
    ModuleFactory(pilot=pilot, name="Later toegevoegd")

    line = cohort_learning_line_or_pilots(cohort=cohort)

    assert not line.inherited
    assert [module.pk for module in line.modules] == [module.pk for module in copied]
    assert module_choice(line.modules[0]) == str(copied[0].pk)


def test_a_cohort_with_a_module_of_its_own_gets_no_copy(pilot, coordinator):
    cohort = CohortFactory(pilot=pilot)
    cohort_module_create(cohort=cohort, by_user=coordinator, name="Kinder-EHBO", kind=ModuleKind.CERTIFICATE)

    line = cohort_learning_line_copy(cohort=cohort, by_user=coordinator)

    assert [module.name for module in line] == ["Kinder-EHBO"]


def test_a_cohort_may_differ_without_changing_the_pilot_or_other_cohorts(pilot, coordinator):
    spring, autumn = CohortFactory(pilot=pilot), CohortFactory(pilot=pilot)
    spring_line = cohort_learning_line_copy(cohort=spring, by_user=coordinator)
    cohort_learning_line_copy(cohort=autumn, by_user=coordinator)

    cohort_module_update(cohort_module=spring_line[1], by_user=coordinator, start_week=10, end_week=11)
    extra = cohort_module_create(
        cohort=spring,
        by_user=coordinator,
        name="Meeloopdagen",
        kind=ModuleKind.PRACTICE,
        certificate_name="Praktijkverklaring",
        is_unit_certificate=True,
    )

    assert extra.module is None
    assert extra.position == 4  # after the three copied modules
    assert pilot.modules.get(name="VCA Basis").start_week == 8
    assert autumn.learning_line.get(name="VCA Basis").start_week == 8
    assert [module.name for module in cohort_learning_line(cohort=spring)][-1] == "Meeloopdagen"


def test_a_cohort_module_with_its_weeks_reversed_is_refused(pilot, coordinator):
    cohort = CohortFactory(pilot=pilot)
    module = cohort_learning_line_copy(cohort=cohort, by_user=coordinator)[0]

    with pytest.raises(ValidationError):
        cohort_module_update(cohort_module=module, by_user=coordinator, start_week=5, end_week=2)


def test_a_unit_certificate_needs_the_certificates_name(pilot, coordinator):
    with pytest.raises(ValidationError):
        cohort_module_create(
            cohort=CohortFactory(pilot=pilot),
            by_user=coordinator,
            name="Unit 1",
            kind="sector",
            is_unit_certificate=True,
        )


def test_a_module_with_results_cannot_be_removed_from_the_cohort(coordinator, training_partner):
    enrolment = EnrolmentFactory(status=EnrolmentStatus.STARTED)
    used = CohortModuleFactory(cohort=enrolment.cohort)
    unused = CohortModuleFactory(cohort=enrolment.cohort)
    module_result_record(
        enrolment=enrolment, cohort_module=used, status=ModuleResultStatus.IN_PROGRESS, by_user=training_partner
    )

    with pytest.raises(TransitionNotAllowed):
        cohort_module_delete(cohort_module=used, by_user=coordinator)
    cohort_module_delete(cohort_module=unused, by_user=coordinator)

    assert list(enrolment.cohort.learning_line.all()) == [used]


def test_coordinators_edit_the_pilots_line_for_the_cohorts_to_come(pilot, coordinator):
    running = CohortFactory(pilot=pilot)
    cohort_learning_line_copy(cohort=running, by_user=coordinator)

    added = module_create(pilot=pilot, by_user=coordinator, name="Rekenen", kind=ModuleKind.NUMERACY)
    module_update(module=pilot.modules.get(name="Vakjargon"), by_user=coordinator, planned_hours=12)
    upcoming = CohortFactory(pilot=pilot)

    assert added.position == 4
    assert not running.learning_line.filter(name="Rekenen").exists()
    line = cohort_learning_line_copy(cohort=upcoming, by_user=coordinator)
    assert [module.name for module in line][-1] == "Rekenen"
    assert upcoming.learning_line.get(name="Vakjargon").planned_hours == 12


# --- The weekly rhythm ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("internship_days", "school_days", "expected_internship", "expected_school"),
    [
        (2, 1, ("mon", "tue"), ("wed",)),  # groepshulp kinderopvang: two internship days, one school day
        (0, 3, (), ("mon", "tue", "wed")),
        (4, 1, ("mon", "tue", "wed", "thu"), ("fri",)),
        (0, 0, (), ()),
    ],
)
def test_a_cohort_without_days_of_its_own_follows_the_pilots_counts(
    internship_days, school_days, expected_internship, expected_school
):
    pilot = PilotFactory(internship_days_per_week=internship_days, school_days_per_week=school_days)

    rhythm = cohort_rhythm(CohortFactory(pilot=pilot))

    assert (rhythm.internship, rhythm.school, rhythm.inherited) == (expected_internship, expected_school, True)


def test_a_cohort_sets_its_own_days(coordinator):
    cohort = CohortFactory(pilot__internship_days_per_week=2, pilot__school_days_per_week=1)

    cohort_rhythm_update(
        cohort=cohort, internship_weekdays=["thu", "tue", "thu"], school_weekdays=["fri"], by_user=coordinator
    )

    rhythm = cohort_rhythm(cohort)
    assert (rhythm.internship, rhythm.school, rhythm.inherited) == (("tue", "thu"), ("fri",), False)
    assert rhythm.kind_on(datetime.date(2026, 9, 10)) == AttendanceKind.INTERNSHIP  # a Thursday
    assert rhythm.kind_on(datetime.date(2026, 9, 11)) == AttendanceKind.SCHOOL
    assert rhythm.kind_on(datetime.date(2026, 9, 7)) is None  # Monday is free now
    assert rhythm.kind_on(datetime.date(2026, 9, 12)) is None  # Saturday


def test_emptying_the_cohorts_days_returns_it_to_the_pilots_rhythm(coordinator):
    cohort = CohortFactory(pilot__internship_days_per_week=2, pilot__school_days_per_week=1)
    cohort_rhythm_update(cohort=cohort, internship_weekdays=["thu"], school_weekdays=["fri"], by_user=coordinator)

    cohort_rhythm_update(cohort=cohort, internship_weekdays=[], school_weekdays=[], by_user=coordinator)

    assert cohort_rhythm(cohort).internship == ("mon", "tue")


@pytest.mark.parametrize(
    ("internship", "school"),
    [(["mon", "tue"], ["tue"]), (["sat"], []), (["monday"], ["wed"])],
    ids=["same-day-twice", "weekend", "unknown-code"],
)
def test_a_rhythm_that_does_not_fit_the_week_is_refused(coordinator, internship, school):
    cohort = CohortFactory()

    with pytest.raises(TransitionNotAllowed):
        cohort_rhythm_update(cohort=cohort, internship_weekdays=internship, school_weekdays=school, by_user=coordinator)

    cohort.refresh_from_db()
    assert (cohort.internship_weekdays, cohort.school_weekdays) == ([], [])
