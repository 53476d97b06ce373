import datetime

import factory
from django.utils import timezone

from candidates.models import ContractType, EnrolmentStatus
from candidates.tests.factories import EnrolmentFactory
from employers.models import (
    ContractOffer,
    ContractOfferStatus,
    ContractTerm,
    DeclineReason,
    Employer,
    EmployerLocation,
    EndReason,
    JointVacancy,
    Placement,
    PlacementStatus,
    SeatOffer,
    VacancyApplication,
)
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
    """A placement put straight in a status; a declined or ended one gets the reason the database asks for."""

    class Meta:
        model = Placement

    enrolment = factory.SubFactory(EnrolmentFactory, status=EnrolmentStatus.SELECTED)
    employer = factory.SubFactory(EmployerFactory)
    status = PlacementStatus.PROPOSED
    status_changed_at = factory.LazyFunction(timezone.now)
    days_per_week = 2
    decline_reason = factory.LazyAttribute(
        lambda p: DeclineReason.NO_SUPERVISOR if p.status == PlacementStatus.DECLINED else ""
    )
    end_reason = factory.LazyAttribute(lambda p: EndReason.COMPLETED if p.status == PlacementStatus.ENDED else "")
    ended_on = factory.LazyAttribute(
        lambda p: datetime.date(2026, 12, 15) if p.status == PlacementStatus.ENDED else None
    )


class JointVacancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointVacancy
        skip_postgeneration_save = True

    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Leerling zorg & welzijn {n}")
    description = "Eén vacature voor alle deelnemende zorgorganisaties."
    published_on = datetime.date(2026, 5, 1)

    @factory.post_generation
    def employers(self, create, extracted, **kwargs):
        if create and extracted:
            self.employers.set(extracted)


class VacancyApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VacancyApplication

    vacancy = factory.SubFactory(JointVacancyFactory)
    enrolment = factory.SubFactory(
        EnrolmentFactory, cohort=factory.SelfAttribute("..vacancy.cohort"), status=EnrolmentStatus.SELECTED
    )
    applied_on = datetime.date(2026, 5, 10)


class ContractOfferFactory(factory.django.DjangoModelFactory):
    """An offer for the enrolment and employer of a confirmed placement."""

    class Meta:
        model = ContractOffer

    placement = factory.SubFactory(PlacementFactory, status=PlacementStatus.CONFIRMED)
    enrolment = factory.SelfAttribute("placement.enrolment")
    employer = factory.SelfAttribute("placement.employer")
    kind = ContractType.GROUP_HELPER
    hours_per_week = 24
    start_date = datetime.date(2027, 1, 4)
    contract_type = ContractTerm.FIXED_TERM
    duration_months = 12
    status = ContractOfferStatus.OFFERED
    answered_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status in (ContractOfferStatus.ACCEPTED, ContractOfferStatus.DECLINED) else None
    )
