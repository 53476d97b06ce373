import datetime

import factory
from django.utils import timezone

from candidates.models import (
    Attendance,
    AttendanceKind,
    AttendanceSession,
    AttendanceStatus,
    BarrierKind,
    BenefitType,
    Candidate,
    CandidateBarrier,
    Enrolment,
    EnrolmentStatus,
    FollowUp,
    LanguageLevel,
    Outcome,
    OutcomeKind,
    ReferralSource,
)
from candidates.services import current_enrolment_refresh
from pilots.tests.factories import CohortFactory


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=60)
    email = factory.Sequence(lambda n: f"kandidaat{n}@example.org")
    phone = "+31612345678"
    postcode = "3511 AB"
    city = "Utrecht"
    referral_source = ReferralSource.MUNICIPALITY
    benefit_type = BenefitType.SOCIAL_ASSISTANCE
    speaking_level = LanguageLevel.A2
    listening_level = LanguageLevel.B1
    reading_level = LanguageLevel.A2
    writing_level = LanguageLevel.A2
    available_days = ["mon", "tue", "wed"]
    consent_given_at = factory.LazyFunction(timezone.now)
    consent_purpose = "Deelname aan het voorschakeltraject en uitwisseling met de partners"


class CandidateBarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CandidateBarrier

    candidate = factory.SubFactory(CandidateFactory)
    kind = BarrierKind.TRANSPORT


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """An enrolment placed straight in a status, for tests that do not walk the life cycle."""

    class Meta:
        model = Enrolment
        skip_postgeneration_save = True

    candidate = factory.SubFactory(CandidateFactory)
    cohort = factory.SubFactory(CohortFactory)
    status = EnrolmentStatus.REGISTERED
    status_changed_at = factory.LazyFunction(timezone.now)
    started_on = factory.LazyAttribute(
        lambda e: datetime.date(2026, 9, 1) if e.status in {"started", "completed", "dropped_out", "outflow"} else None
    )

    @factory.post_generation
    def current(obj, create, extracted, **kwargs):  # noqa: N805 (factory_boy passes the object)
        """As the services do: the candidate's current enrolment follows their newest."""
        if create:
            current_enrolment_refresh(candidate_ids=[obj.candidate_id])


class AttendanceSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttendanceSession

    cohort = factory.SubFactory(CohortFactory)
    date = datetime.date(2026, 9, 7)
    kind = AttendanceKind.INTERNSHIP


class AttendanceFactory(factory.django.DjangoModelFactory):
    """A mark written straight to the table, for tests of the figures rather than of marking."""

    class Meta:
        model = Attendance

    session = factory.SubFactory(AttendanceSessionFactory)
    enrolment = factory.SubFactory(
        EnrolmentFactory, cohort=factory.SelfAttribute("..session.cohort"), status=EnrolmentStatus.STARTED
    )
    status = AttendanceStatus.PRESENT
    recorded_at = factory.LazyFunction(timezone.now)


class OutcomeFactory(factory.django.DjangoModelFactory):
    """An outcome written straight to the table, without the follow-ups outflow_record schedules."""

    class Meta:
        model = Outcome

    enrolment = factory.SubFactory(EnrolmentFactory, status=EnrolmentStatus.OUTFLOW)
    kind = OutcomeKind.JOB_ELSEWHERE
    employer_name = "Zorggroep Elders"
    start_date = datetime.date(2026, 12, 1)
    hours_per_week = 24


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    outcome = factory.SubFactory(OutcomeFactory)
    months = 3
    due_on = datetime.date(2027, 3, 1)
