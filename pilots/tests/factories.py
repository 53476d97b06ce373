import datetime

import factory

from pilots.models import (
    Cohort,
    CohortClass,
    CohortModule,
    Module,
    ModuleKind,
    Organisation,
    OrganisationKind,
    PartnerRole,
    Pilot,
    PilotPartner,
    Region,
    Sector,
    TrackKind,
)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Regio {n}")
    slug = factory.Sequence(lambda n: f"regio-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = OrganisationKind.WSP
    region = factory.SubFactory(RegionFactory)
    city = "Utrecht"


class PilotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pilot

    name = factory.Sequence(lambda n: f"Pilot {n}")
    slug = factory.Sequence(lambda n: f"pilot-{n}")
    region = factory.SubFactory(RegionFactory)
    lead_organisation = factory.SubFactory(OrganisationFactory, region=factory.SelfAttribute("..region"))
    sector = Sector.CHILDCARE
    track_kind = TrackKind.PRE_TRAINING
    target_qualification = "MBO-2 Helpende zorg & welzijn"
    duration_weeks = 15
    internship_days_per_week = 2
    school_days_per_week = 1
    target_outflow_percentage = 75


class PilotPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PilotPartner

    pilot = factory.SubFactory(PilotFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = PartnerRole.TRAINING_PARTNER


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    pilot = factory.SubFactory(PilotFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    start_date = datetime.date(2026, 9, 1)
    end_date = datetime.date(2026, 12, 15)
    seats = 14


class CohortClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CohortClass

    cohort = factory.SubFactory(CohortFactory)
    name = factory.Sequence(lambda n: f"Klas {n}")


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    pilot = factory.SubFactory(PilotFactory)
    name = factory.Sequence(lambda n: f"Module {n}")
    kind = ModuleKind.LANGUAGE
    planned_hours = 40
    start_week = 1
    end_week = 10


class CohortModuleFactory(factory.django.DjangoModelFactory):
    """A module of a cohort's own learning line (not copied from the pilot's)."""

    class Meta:
        model = CohortModule

    cohort = factory.SubFactory(CohortFactory)
    name = factory.Sequence(lambda n: f"Cohortmodule {n}")
    kind = ModuleKind.SECTOR
    planned_hours = 20
    start_week = 1
    end_week = 4
    position = factory.Sequence(lambda n: n)
