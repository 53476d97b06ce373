"""Two tenants side by side, each with one user per role and one of every object a URL can name.

The permission matrix opens every URL with the objects of the user's own tenant, so that an answer other
than the expected one is a rule that changed; the cross-tenant tests open the same URLs with the objects of
the other tenant, so that anything but a 404 or 403 is a leak.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from candidates.models import (
    AppointmentStatus,
    CandidateImport,
    EnrolmentStatus,
    Note,
    ScreeningAppointment,
)
from candidates.tests.factories import CandidateFactory, EnrolmentFactory, FollowUpFactory, OutcomeFactory
from core.roles import Role
from core.tests.factories import UserFactory
from employers.models import PlacementStatus
from employers.tests.factories import (
    ContractOfferFactory,
    EmployerFactory,
    EmployerLocationFactory,
    JointVacancyFactory,
    PlacementFactory,
    SeatOfferFactory,
)
from pilots.models import OrganisationKind, PartnerRole
from pilots.tests.factories import (
    CohortClassFactory,
    CohortFactory,
    OrganisationFactory,
    PilotFactory,
    PilotPartnerFactory,
    RegionFactory,
)
from reports.models import ReportJob, ReportJobStatus

# The roles that log in, and the anonymous visitor, in the order the test ids show them.
ANONYMOUS = "anonymous"
ROLES = (Role.ADVISER, Role.EMPLOYER_CONTACT, Role.COORDINATOR, Role.TRAINING_PARTNER, Role.ADMINISTRATOR)
VISITORS = (ANONYMOUS, *(role.value for role in ROLES))


def surname_of(code: str) -> str:
    """The surname every candidate of a tenant carries, to look for in answers that must not show it."""
    return f"Vertrouwelijk{code.capitalize()}"


@dataclass(repr=False)
class Tenant:
    surname: str
    users: dict
    region: object
    wsp: object
    college: object
    employer: object
    pilot: object
    cohort: object
    candidate: object
    enrolment: object  # selected, with an open proposal to the tenant's employer
    placement: object
    hosted_enrolment: object  # placed and confirmed, with a contract offer
    offer: object
    appointment: object
    outflow_enrolment: object  # left the track with an outcome and a follow-up
    followup: object
    vacancy: object
    candidate_import: object
    report_job: object  # done, with its PDF
    cohort_class: object = None

    def __repr__(self) -> str:
        return f"Tenant({self.surname})"


def build_tenant(code: str, *, administrator) -> Tenant:
    """One region's WSP with its pilot, a college and a host employer as partners, and their people."""
    region = RegionFactory(name=f"Regio {code}", slug=f"regio-{code}")
    wsp = OrganisationFactory(name=f"WSP {code}", region=region)
    college = OrganisationFactory(name=f"College {code}", kind=OrganisationKind.COLLEGE, region=region)
    employer = EmployerFactory(organisation__name=f"Gastwerkgever {code}", organisation__region=region)
    location = EmployerLocationFactory(employer=employer)
    users = {
        Role.ADVISER: UserFactory(username=f"adviseur-{code}", organisation=wsp, role=Role.ADVISER),
        Role.COORDINATOR: UserFactory(username=f"coordinator-{code}", organisation=wsp, role=Role.COORDINATOR),
        Role.TRAINING_PARTNER: UserFactory(
            username=f"opleider-{code}", organisation=college, role=Role.TRAINING_PARTNER
        ),
        Role.EMPLOYER_CONTACT: UserFactory(
            username=f"werkgever-{code}", organisation=employer.organisation, role=Role.EMPLOYER_CONTACT
        ),
        Role.ADMINISTRATOR: administrator,
    }
    adviser = users[Role.ADVISER]
    pilot = PilotFactory(name=f"Pilot {code}", slug=f"pilot-{code}", region=region, lead_organisation=wsp)
    PilotPartnerFactory(pilot=pilot, organisation=college, role=PartnerRole.TRAINING_PARTNER)
    PilotPartnerFactory(pilot=pilot, organisation=employer.organisation, role=PartnerRole.HOST_EMPLOYER)
    cohort = CohortFactory(pilot=pilot, name=f"Cohort {code}")
    cohort_class = CohortClassFactory(cohort=cohort, name=f"Klas {code}")
    SeatOfferFactory(employer=employer, cohort=cohort, location=location, places=3)

    candidate = CandidateFactory(first_name=f"Kandidaat {code}", last_name=surname_of(code), adviser=adviser)
    Note.objects.create(candidate=candidate, author=adviser, text=f"Notitie {code}")
    enrolment = EnrolmentFactory(candidate=candidate, cohort=cohort, status=EnrolmentStatus.SELECTED)
    placement = PlacementFactory(enrolment=enrolment, employer=employer, location=location)
    hosted = EnrolmentFactory(
        candidate__adviser=adviser, candidate__last_name=surname_of(code), cohort=cohort, status=EnrolmentStatus.STARTED
    )
    offer = ContractOfferFactory(
        placement=PlacementFactory(
            enrolment=hosted, employer=employer, location=location, status=PlacementStatus.CONFIRMED
        )
    )
    appointment = ScreeningAppointment.objects.create(
        enrolment=enrolment,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        location="Kantoor",
        adviser=adviser,
        created_by=adviser,
        status=AppointmentStatus.PLANNED,
    )
    outcome = OutcomeFactory(
        enrolment__candidate__adviser=adviser,
        enrolment__candidate__last_name=surname_of(code),
        enrolment__cohort=cohort,
        recorded_by=adviser,
    )
    followup = FollowUpFactory(outcome=outcome)
    vacancy = JointVacancyFactory(cohort=cohort, employers=[employer])
    candidate_import = CandidateImport.objects.create(
        uploaded_by=adviser,
        at=timezone.now(),
        file_name=f"verwijzingen-{code}.csv",
        cohort=cohort,
        rows_total=1,
        rows_imported=1,
        rows_skipped=0,
    )
    candidate_import.candidates.add(candidate)
    report_job = ReportJob.objects.create(
        requested_by=users[Role.COORDINATOR],
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        status=ReportJobStatus.DONE,
        progress=100,
        finished_at=timezone.now(),
    )
    report_job.pilots.add(pilot)
    report_job.file.save(f"rapportage-{code}.pdf", ContentFile(f"%PDF-1.4 {surname_of(code)}".encode()))
    return Tenant(
        surname=surname_of(code),
        users=users,
        region=region,
        wsp=wsp,
        college=college,
        employer=employer,
        pilot=pilot,
        cohort=cohort,
        candidate=candidate,
        enrolment=enrolment,
        placement=placement,
        hosted_enrolment=hosted,
        offer=offer,
        appointment=appointment,
        outflow_enrolment=outcome.enrolment,
        followup=followup,
        vacancy=vacancy,
        candidate_import=candidate_import,
        report_job=report_job,
        cohort_class=cohort_class,
    )


@dataclass(repr=False)
class World:
    own: Tenant
    other: Tenant
    sessions: dict  # user pk → the key of a session they are logged in with

    def __repr__(self) -> str:
        return "World(own, other)"

    def client(self, user=None) -> Client:
        """A fresh client, logged in as `user` (anonymous for None) with the session made at the start.

        Logging in once per user instead of once per request keeps hundreds of requests fast; each test
        rolls back what a request did to the session.
        """
        client = Client()
        if user is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[user.pk]
        return client


def build_world() -> World:
    administrator = UserFactory(username="beheerder", is_superuser=True, is_staff=True, role=Role.ADMINISTRATOR)
    own = build_tenant("eigen", administrator=administrator)
    other = build_tenant("ander", administrator=administrator)
    sessions = {}
    for user in {*own.users.values(), *other.users.values()}:
        client = Client()
        client.force_login(user)
        sessions[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return World(own=own, other=other, sessions=sessions)
