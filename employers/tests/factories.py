import factory
from django.utils import timezone

from candidates.models import EnrolmentStatus
from candidates.tests.factories import EnrolmentFactory
from employers.models import Employer, EmployerLocation, Placement, PlacementStatus, SeatOffer
from pilots.models import OrganisationKind, Sector
from pilots.tests.factories import CohortFactory, OrganisationFactory


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.HOST_EMPLOYER)
    kvk_number = factory.Sequence(lambda n: f"{30000000 + n:08d}")
    sector = Sector.CHILDCARE


class EmployerLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerLocation

    employer = factory.SubFactory(EmployerFactory)
    name = factory.Sequence(lambda n: f"Locatie {n}")
    city = "Utrecht"
    postcode = "3511 AB"


class SeatOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeatOffer

    employer = factory.SubFactory(EmployerFactory)
    cohort = factory.SubFactory(CohortFactory)
    places = 2


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    enrolment = factory.SubFactory(EnrolmentFactory, status=EnrolmentStatus.SELECTED)
    employer = factory.SubFactory(EmployerFactory)
    status = PlacementStatus.PROPOSED
    status_changed_at = factory.LazyFunction(timezone.now)
    days_per_week = 2
