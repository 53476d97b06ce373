"""A large intake to measure against: 50,000 candidates, built once per module with bulk_create."""

import datetime
import itertools
import os
from types import SimpleNamespace

import pytest

from candidates.models import (
    BarrierKind,
    Candidate,
    CandidateBarrier,
    Enrolment,
    EnrolmentStatus,
    LanguageLevel,
    ReferralSource,
)
from candidates.services import current_enrolment_refresh
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory

CANDIDATES = int(os.environ.get("BENCH_CANDIDATES", 50_000))
BATCH = 2_000
FIRST_NAMES = ["Fatima", "Jan", "Sanne", "Mohammed", "Anouk", "Daan", "Yara", "Kees", "Ilse", "Omar"]
LAST_NAMES = ["de Vries", "Jansen", "El Amrani", "Bakker", "Visser", "Smit", "Yilmaz", "Mulder", "Bos", "Peters"]
LEVELS = [level.value for level in LanguageLevel]
STATUSES = [status.value for status in EnrolmentStatus]
DAYS = [["mon", "tue"], ["wed"], [], ["mon", "tue", "wed", "thu", "fri"]]


def _candidate(number: int, adviser) -> Candidate:
    prefix, _space, last_name = LAST_NAMES[number % 10].rpartition(" ")
    return Candidate(
        first_name=FIRST_NAMES[number % 7],
        last_name_prefix=prefix,
        last_name=f"{last_name}{number}",
        date_of_birth=datetime.date(1960 + number % 45, 1 + number % 12, 1 + number % 28),
        email=f"kandidaat{number}@example.org" if number % 5 else "",
        phone=f"06 {number:08d}",
        postcode=f"{1000 + number % 8999} {chr(65 + number % 26)}{chr(66 + number % 24)}",
        city="Utrecht",
        referral_source=[source.value for source in ReferralSource][number % 5],
        adviser=adviser if number % 3 else None,
        speaking_level=LEVELS[number % 7],
        listening_level=LEVELS[(number + 1) % 7],
        reading_level=LEVELS[(number + 2) % 7] if number % 4 else "",
        writing_level=LEVELS[(number + 3) % 7],
        education_level="mbo2" if number % 2 else "",
        available_days=DAYS[number % 4],
        consent_purpose="Deelname",
    )


def _batches(items, size=BATCH):
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


@pytest.fixture(scope="module")
def intake(django_db_setup, django_db_blocker):
    """Candidates spread over the adviser's pilot and a foreign one; a fifth enrolled twice."""
    with django_db_blocker.unblock():
        organisation = OrganisationFactory(name="WSP Benchmark")
        adviser = UserFactory(username="bench-adviseur", organisation=organisation, role=Role.ADVISER)
        coordinator = UserFactory(username="bench-coordinator", organisation=organisation, role=Role.COORDINATOR)
        own = PilotFactory(lead_organisation=organisation)
        foreign = PilotFactory(lead_organisation=OrganisationFactory(name="WSP Elders"))
        cohorts = [CohortFactory(pilot=own, name=f"Ronde {n}") for n in range(1, 5)]
        cohorts += [CohortFactory(pilot=foreign, name=f"Elders {n}") for n in range(1, 3)]

        for numbers in _batches(range(CANDIDATES)):
            candidates = Candidate.objects.bulk_create([_candidate(number, adviser) for number in numbers])
            enrolments = [
                Enrolment(candidate=candidate, cohort=cohorts[number % len(cohorts)], status=STATUSES[number % 3])
                for number, candidate in zip(numbers, candidates, strict=True)
            ]
            enrolments += [
                Enrolment(candidate=candidate, cohort=cohorts[(number + 1) % 4], status=EnrolmentStatus.REGISTERED)
                for number, candidate in zip(numbers, candidates, strict=True)
                if number % 5 == 0 and (number + 1) % 4 != number % len(cohorts)
            ]
            Enrolment.objects.bulk_create(enrolments)
            # What the services keep on the candidate for the list (its scope and its sort on the cohort).
            current_enrolment_refresh(candidate_ids=[candidate.pk for candidate in candidates])
            CandidateBarrier.objects.bulk_create(
                [
                    CandidateBarrier(candidate=candidate, kind=BarrierKind.CHILDCARE)
                    for number, candidate in zip(numbers, candidates, strict=True)
                    if number % 10 == 0
                ]
            )
    yield SimpleNamespace(adviser=adviser, coordinator=coordinator, cohorts=cohorts)
    with django_db_blocker.unblock():
        CandidateBarrier.objects.all().delete()
        Enrolment.objects.all().delete()
        Candidate.objects.all().delete()
