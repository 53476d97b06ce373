"""The database itself refuses what the pilot models forbid, whatever writes the row."""

import datetime
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, transaction

from pilots.models import Cohort, Module, PartnerRole, Pilot, PilotPartner
from pilots.tests.factories import (
    CohortFactory,
    ModuleFactory,
    OrganisationFactory,
    PilotFactory,
    PilotPartnerFactory,
)

pytestmark = pytest.mark.django_db


@contextmanager
def refused_by(constraint: str, *, unique: bool = False):
    # PostgreSQL names the failed constraint; SQLite names a unique constraint's columns instead.
    pattern = f"{constraint}|UNIQUE constraint failed" if unique else constraint
    with pytest.raises(IntegrityError, match=pattern), transaction.atomic():
        yield


def test_pilot_duration_of_zero_weeks_is_refused():
    with refused_by("pilot_duration_positive"):
        PilotFactory(duration_weeks=0)


def test_pilot_target_outflow_above_one_hundred_percent_is_refused():
    with refused_by("pilot_target_outflow_percentage"):
        PilotFactory(target_outflow_percentage=101)


def test_pilot_target_outflow_of_exactly_one_hundred_percent_is_accepted():
    pilot = PilotFactory(target_outflow_percentage=100)

    assert Pilot.objects.get(pk=pilot.pk).target_outflow_percentage == 100


def test_pilot_with_more_than_five_internship_and_school_days_is_refused():
    with refused_by("pilot_weekly_rhythm_fits_week"):
        PilotFactory(internship_days_per_week=3, school_days_per_week=3)


def test_pilot_update_past_five_days_a_week_is_refused():
    pilot = PilotFactory(internship_days_per_week=2, school_days_per_week=1)

    with refused_by("pilot_weekly_rhythm_fits_week"):
        Pilot.objects.filter(pk=pilot.pk).update(school_days_per_week=4)


def test_pilot_with_exactly_five_days_a_week_is_accepted():
    pilot = PilotFactory(internship_days_per_week=4, school_days_per_week=1)

    assert Pilot.objects.filter(pk=pilot.pk).exists()


def test_pilot_with_an_unknown_status_is_refused():
    pilot = PilotFactory()

    with refused_by("pilot_status_valid"):
        Pilot.objects.filter(pk=pilot.pk).update(status="archived")


def test_cohort_ending_before_its_start_is_refused():
    with refused_by("cohort_ends_after_start"):
        CohortFactory(start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2026, 8, 31))


def test_cohort_of_a_single_day_is_accepted():
    cohort = CohortFactory(start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2026, 9, 1))

    assert Cohort.objects.filter(pk=cohort.pk).exists()


def test_cohort_without_seats_is_refused():
    with refused_by("cohort_seats_positive"):
        CohortFactory(seats=0)


def test_two_cohorts_of_one_pilot_cannot_share_a_name():
    pilot = PilotFactory()
    CohortFactory(pilot=pilot, name="Najaar 2026")

    with refused_by("cohort_unique_name_per_pilot", unique=True):
        Cohort.objects.create(
            pilot=pilot,
            name="Najaar 2026",
            start_date=datetime.date(2027, 1, 1),
            end_date=datetime.date(2027, 4, 1),
            seats=12,
        )


def test_cohorts_of_different_pilots_may_share_a_name():
    CohortFactory(name="Najaar 2026")
    CohortFactory(name="Najaar 2026")

    assert Cohort.objects.filter(name="Najaar 2026").count() == 2


def test_module_ending_before_its_first_week_is_refused():
    with refused_by("module_weeks_in_order"):
        ModuleFactory(start_week=5, end_week=4)


def test_module_starting_in_week_zero_is_refused():
    with refused_by("module_weeks_in_order"):
        ModuleFactory(start_week=0, end_week=3)


def test_module_of_a_single_week_is_accepted():
    module = ModuleFactory(start_week=3, end_week=3)

    assert Module.objects.filter(pk=module.pk).exists()


def test_an_organisation_cannot_hold_the_same_role_twice_in_one_pilot():
    partnership = PilotPartnerFactory(role=PartnerRole.TRAINING_PARTNER)

    with refused_by("pilotpartner_unique_role", unique=True):
        PilotPartner.objects.create(
            pilot=partnership.pilot, organisation=partnership.organisation, role=PartnerRole.TRAINING_PARTNER
        )


def test_an_organisation_may_hold_two_roles_in_one_pilot():
    college = OrganisationFactory(kind="college")
    pilot = PilotFactory()
    PilotPartnerFactory(pilot=pilot, organisation=college, role=PartnerRole.TRAINING_PARTNER)
    PilotPartnerFactory(pilot=pilot, organisation=college, role=PartnerRole.COACHING_PROVIDER)

    assert pilot.partnerships.filter(organisation=college).count() == 2
