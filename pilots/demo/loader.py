"""Loads the demo data of `data.py` into the database, the same way every run.

The fixed part (regions, organisations, pilots, partners, modules, employers, seat offers, users) is matched on
natural keys with update_or_create. The people of a cohort are created only when the cohort has no enrolments
yet, so a second run adds nothing; each person is walked through the life cycle with the services, so every
enrolment and placement has its real history.

What happened during and after the track (attendance, module results, certificates, coaching notes and the
answers to the follow-ups that are due) is recorded next, through the progress services, for a cohort whose
starters have none of it yet (_CohortProgress); it reads what the walk left in the database, so a cohort loaded by
an older demo gets it too.
"""

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Min, Model
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from candidates.lifecycle import OUTFLOW_TO_BBL, OUTFLOW_TO_WORK, POSITIVE_OUTFLOW, STARTED
from candidates.models import (
    Attendance,
    AttendanceKind,
    AttendanceSession,
    AttendanceStatus,
    BarrierKind,
    BenefitType,
    Candidate,
    CandidateBarrier,
    CoachingNote,
    DropoutReason,
    EducationLevel,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    FollowUp,
    LanguageLevel,
    ModuleResult,
    ModuleResultStatus,
    NoteVisibility,
    Outcome,
    OutcomeKind,
    Recommendation,
    ReferralSource,
    Weekday,
)
from candidates.progress import (
    attendance_mark_week,
    attendance_week_sessions,
    certificate_record,
    coaching_note_add,
    followup_record,
    module_result_record,
    outflow_record,
)
from candidates.progress_selectors import on_track, week_monday
from candidates.services import (
    enrolment_create,
    enrolment_transition,
    enrolments_carry_over,
    screening_plan,
    screening_record,
)
from core.models import User
from core.roles import Role, assign_role, sync_role_groups
from employers.lifecycle import EVER_CONFIRMED
from employers.models import (
    DeclineReason,
    Employer,
    EmployerLocation,
    Placement,
    PlacementStatus,
    PlacementTransition,
    SeatOffer,
)
from employers.services import placement_propose, placement_transition
from pilots.models import (
    Cohort,
    CohortClass,
    CohortModule,
    Module,
    ModuleKind,
    Organisation,
    OrganisationKind,
    Pilot,
    PilotPartner,
    Region,
)
from pilots.selectors import cohort_learning_line
from pilots.services import cohort_learning_line_copy, cohort_module_update

from . import DEMO_PASSWORD, data

S = EnrolmentStatus
POSTCODE_LETTERS = "ABCEGHJKLMNPRTVWXZ"
WORKDAYS = [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY]
NAME_PREFIXES = frozenset({"van", "de", "der", "den", "het", "'t", "ter", "te", "ten", "in", "op", "la", "le", "du"})

# A dropout for one of these reasons goes with a barrier that was never solved.
# Keyed by plain str too: the journeys and the database hand the codes over as text.
BARRIER_FOR_DROPOUT: dict[str, BarrierKind] = {
    DropoutReason.CARE_FOR_FAMILY: BarrierKind.CHILDCARE,
    DropoutReason.TRANSPORT: BarrierKind.TRANSPORT,
    DropoutReason.MONEY: BarrierKind.POVERTY_TRAP,
    DropoutReason.HEALTH: BarrierKind.HEALTH,
}
BARRIER_NOTES: dict[str, tuple[str, str]] = {
    BarrierKind.CHILDCARE: ("Opvang voor de kinderen op de stagedagen nodig", "Oppas door familie is onzeker"),
    BarrierKind.TRANSPORT: ("Geen rijbewijs; afhankelijk van het ov", "Reistijd naar de stagelocatie ruim een uur"),
    BarrierKind.POVERTY_TRAP: (
        "Toeslagen dalen bij werk; berekening met de inkomensconsulent",
        "Bang om de uitkering kwijt te raken",
    ),
    BarrierKind.HEALTH: ("Rugklachten; let op tilwerk", "Onder behandeling bij de huisarts"),
    BarrierKind.DEBTS: ("Schuldhulpverlening loopt", "Betalingsregeling met de Belastingdienst"),
    BarrierKind.HOUSING: ("Woont tijdelijk bij familie; wacht op een woning", "Verhuist binnenkort"),
}
MOTIVATIONS = (
    "Woont dicht bij de locatie en is beschikbaar op de gevraagde dagen",
    "Past goed bij het team; rustig en betrouwbaar in het gesprek",
    "Heeft ervaring als vrijwilliger en wil graag in deze sector werken",
)
# The screening's advice that goes with each decision after it.
RECOMMENDATION_FOR_DECISION: dict[str, Recommendation] = {
    S.SELECTED: Recommendation.SELECT,
    S.RESERVE: Recommendation.RESERVE,
    S.NOT_SELECTED: Recommendation.NOT_SUITABLE,
}
# Interest and motivation scores (from 1 to 5) of people with each recommendation.
SCORES_FOR_RECOMMENDATION: dict[str, tuple[int, int]] = {
    Recommendation.SELECT: (4, 5),
    Recommendation.RESERVE: (3, 4),
    Recommendation.NOT_SUITABLE: (1, 3),
}
MOTIVATION_NOTES: dict[str, tuple[str, str]] = {
    Recommendation.SELECT: (
        "Zeer gemotiveerd; weet wat het werk inhoudt",
        "Enthousiast en heeft ervaring als vrijwilliger",
    ),
    Recommendation.RESERVE: (
        "Gemotiveerd, maar twijfelt over de werktijden",
        "Wil graag, moet de thuissituatie regelen",
    ),
    Recommendation.NOT_SUITABLE: ("Weinig beeld bij het werk", "Kiest vooral voor de uitkering naast het werk"),
}
STATUS_HOLDER_EDUCATION = (EducationLevel.FOREIGN_UNKNOWN, EducationLevel.FOREIGN_UNKNOWN, EducationLevel.PRIMARY)
DECLINE_REASONS = (
    (DeclineReason.NO_FIT, "Geen klik in het kennismakingsgesprek"),
    (DeclineReason.DISTANCE, "De reistijd naar de locatie is te lang"),
    (DeclineReason.NO_FIT, "Past nu niet bij de samenstelling van het team"),
)


@dataclass
class PilotFigures:
    name: str
    cohorts: int
    enrolments: int
    started: int
    to_work: int


@transaction.atomic
def load_demo(*, today: date | None = None) -> list[PilotFigures]:
    """Load (or complete) the demo data and return the figures per pilot."""
    today = today or timezone.localdate()
    # The role groups come with migrate; a flushed database has none, and assign_role needs them.
    sync_role_groups()
    regions = {
        spec.slug: _update_or_create_with_history(Region, slug=spec.slug, defaults={"name": spec.name})
        for spec in data.REGIONS
    }
    organisations = {
        spec.name: Organisation.objects.update_or_create(
            name=spec.name,
            defaults={
                "kind": spec.kind,
                "region": regions.get(spec.region) if spec.region else None,
                "city": spec.city,
                "website": spec.website,
            },
        )[0]
        for spec in data.ORGANISATIONS
    }
    hosts = _load_employers(regions, organisations)
    users = _load_users(organisations)
    advisers = {spec.adviser_for_region: users[spec.username] for spec in data.USERS if spec.adviser_for_region}
    contacts = {
        users[spec.username].organisation_id: users[spec.username]
        for spec in data.USERS
        if spec.role == Role.EMPLOYER_CONTACT
    }

    emails: set[str] = set(Candidate.objects.filter(email__endswith="@example.org").values_list("email", flat=True))
    figures = []
    for pilot_spec in data.pilot_specs(today):
        pilot = _load_pilot(pilot_spec, regions, organisations)
        for cohort_spec in pilot_spec.cohorts:
            cohort = _load_cohort(pilot, cohort_spec, hosts, pilot_spec, by_user=users[pilot_spec.recorder])
            if not cohort.enrolments.exists():
                _CohortPeople(
                    pilot=pilot,
                    cohort=cohort,
                    spec=cohort_spec,
                    adviser=advisers[pilot_spec.region],
                    hosts=hosts,
                    contacts=contacts,
                    organisations=organisations,
                    last_day=today - timedelta(days=1),
                    emails=emails,
                ).load()
            if not _has_progress(cohort):
                _CohortProgress(
                    pilot_spec=pilot_spec,
                    cohort=cohort,
                    spec=cohort_spec,
                    users=users,
                    adviser=advisers[pilot_spec.region],
                    last_day=today - timedelta(days=1),
                ).load()
        figures.append(_figures(pilot))
    return figures


@dataclass(frozen=True)
class _Host:
    employer: Employer
    locations: tuple[EmployerLocation, ...]


def _load_employers(regions: dict[str, Region], organisations: dict[str, Organisation]) -> dict[str, _Host]:
    hosts = {}
    for spec in data.EMPLOYERS:
        organisation, _created = Organisation.objects.update_or_create(
            name=spec.name,
            defaults={"kind": OrganisationKind.HOST_EMPLOYER, "region": regions[spec.region], "city": spec.city},
        )
        organisations[spec.name] = organisation
        employer, _created = Employer.objects.update_or_create(
            organisation=organisation, defaults={"kvk_number": spec.kvk_number, "sector": spec.sector}
        )
        locations = tuple(
            EmployerLocation.objects.update_or_create(
                employer=employer,
                name=location.name,
                defaults={"street": location.street, "postcode": location.postcode, "city": location.city},
            )[0]
            for location in spec.locations
        )
        hosts[spec.name] = _Host(employer, locations)
    return hosts


def _load_users(organisations: dict[str, Organisation]) -> dict[str, User]:
    user_model = get_user_model()
    # One hash for all demo users: hashing is deliberately slow and they share the password anyway.
    password = make_password(DEMO_PASSWORD)
    users = {}
    for spec in data.USERS:
        user, _created = user_model.objects.update_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@example.org",
                "organisation": organisations[spec.organisation],
                "job_title": spec.job_title,
                "is_active": True,
                "is_superuser": spec.role == Role.ADMINISTRATOR,
                "password": password,
            },
        )
        assign_role(user, spec.role)
        users[spec.username] = user
    return users


def _update_or_create_with_history[M: Model](model: type[M], defaults: dict, **lookup) -> M:
    """update_or_create for a model with history: saved only when new or changed, so that loading the demo again
    writes no history rows."""
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        return model._default_manager.create(**lookup, **defaults)
    changed = {name: value for name, value in defaults.items() if getattr(instance, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(instance, name, value)
        instance.save()
    return instance


def _load_pilot(spec: data.PilotSpec, regions: dict[str, Region], organisations: dict[str, Organisation]) -> Pilot:
    pilot = _update_or_create_with_history(
        Pilot,
        slug=spec.slug,
        defaults={
            "name": spec.name,
            "region": regions[spec.region],
            "lead_organisation": organisations[spec.lead],
            "sector": spec.sector,
            "track_kind": spec.track_kind,
            "target_qualification": spec.target_qualification,
            "description": spec.description,
            "duration_weeks": spec.duration_weeks,
            "internship_days_per_week": spec.internship_days_per_week,
            "school_days_per_week": spec.school_days_per_week,
            "target_group": spec.target_group,
            "planned_places": spec.planned_places,
            "target_outflow_percentage": spec.target_outflow_percentage,
            "target_work_percentage": spec.target_work_percentage,
            "target_bbl_percentage": spec.target_bbl_percentage,
            "status": spec.status,
        },
    )
    for partner in spec.partners:
        _update_or_create_with_history(
            PilotPartner,
            pilot=pilot,
            organisation=organisations[partner.organisation],
            role=partner.role,
            defaults={"contribution": partner.contribution},
        )
    for position, module in enumerate(spec.modules, start=1):
        Module.objects.update_or_create(
            pilot=pilot,
            name=module.name,
            defaults={
                "kind": module.kind,
                "provider": organisations[module.provider],
                "planned_hours": module.planned_hours,
                "start_week": module.start_week,
                "end_week": module.end_week,
                "certificate_name": module.certificate_name,
                "position": position,
            },
        )
    return pilot


def _load_cohort(
    pilot: Pilot, spec: data.CohortSpec, hosts: dict[str, _Host], pilot_spec: data.PilotSpec, *, by_user: User
) -> Cohort:
    # Created once and then left alone: the people's history hangs on these dates, and the dates of the
    # running pilot are relative to the day of the first run.
    cohort, _created = Cohort.objects.get_or_create(
        pilot=pilot,
        name=spec.name,
        defaults={"start_date": spec.start_date, "end_date": spec.end_date, "seats": spec.seats},
    )
    for name in spec.classes:
        CohortClass.objects.get_or_create(cohort=cohort, name=name)
    for employer_name, places in spec.seat_offers:
        host = hosts[employer_name]
        for location, location_places in zip(host.locations, _split(places, len(host.locations)), strict=True):
            if location_places:
                SeatOffer.objects.update_or_create(
                    employer=host.employer, cohort=cohort, location=location, defaults={"places": location_places}
                )
    # The cohort's own copy of the learning line, which results, certificates and attendance refer to; a cohort
    # that has one keeps it. The certificate per unit is a setting of the cohort's module, not the pilot's.
    units = {module.name for module in pilot_spec.modules if module.unit_certificate}
    for cohort_module in cohort_learning_line_copy.within(cohort=cohort, by_user=by_user):
        if cohort_module.name in units and not cohort_module.is_unit_certificate:
            cohort_module_update.within(cohort_module=cohort_module, by_user=by_user, is_unit_certificate=True)
    return cohort


def _split(total: int, parts: int) -> list[int]:
    """Spread places over locations: 5 over 2 is [3, 2]."""
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def _figures(pilot: Pilot) -> PilotFigures:
    enrolments = Enrolment.objects.filter(cohort__pilot=pilot)
    return PilotFigures(
        name=pilot.name,
        cohorts=pilot.cohorts.count(),
        enrolments=enrolments.count(),
        started=enrolments.started().count(),
        to_work=Outcome.objects.filter(enrolment__cohort__pilot=pilot, kind__in=POSITIVE_OUTFLOW).count(),
    )


# --- People ------------------------------------------------------------------------------------------------------


class _Clock:
    """Timestamps for one person's history: on the planned day, always after the previous step."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.last: datetime | None = None

    def at(self, day: date) -> datetime:
        moment = timezone.make_aware(datetime.combine(day, time(9, 0)) + timedelta(minutes=self.rng.randint(0, 420)))
        if self.last is not None and moment <= self.last:
            moment = self.last + timedelta(minutes=7)
        self.last = moment
        return moment


@dataclass
class _History:
    """When each history row really happened.

    The services stamp every status change with the current time; the demo replays pilots of past years, so the
    rows they wrote are moved to the planned moments afterwards, in the order they were written.
    """

    enrolments: dict[int, list[datetime]] = field(default_factory=dict)
    placements: dict[int, list[datetime]] = field(default_factory=dict)
    candidates: dict[int, datetime] = field(default_factory=dict)

    def apply(self) -> None:
        self._move(EnrolmentTransition, "enrolment_id", self.enrolments, Enrolment)
        self._move(PlacementTransition, "placement_id", self.placements, Placement)
        self._move_answers()
        candidates = list(Candidate.objects.filter(pk__in=self.candidates))
        for candidate in candidates:
            candidate.created_at = self.candidates[candidate.pk]
        Candidate.objects.bulk_update(candidates, ["created_at"], batch_size=500)

    def _move_answers(self) -> None:
        """A host's answer is dated by the history row that records it."""
        answered = list(Placement.objects.filter(pk__in=self.placements, answered_at__isnull=False))
        answers = {
            row.placement_id: row.at
            for row in PlacementTransition.objects.filter(
                placement__in=answered,
                from_status=PlacementStatus.PROPOSED,
                to_status__in=[PlacementStatus.CONFIRMED, PlacementStatus.DECLINED],
            )
        }
        for placement in answered:
            placement.answered_at = answers[placement.pk]
        Placement.objects.bulk_update(answered, ["answered_at"], batch_size=500)

    @staticmethod
    def _move(transition_model, owner_field: str, moments: dict[int, list[datetime]], owner_model) -> None:
        rows = list(transition_model.objects.filter(**{f"{owner_field}__in": moments}).order_by(owner_field, "pk"))
        written: dict[int, int] = defaultdict(int)
        for row in rows:
            owner_id = getattr(row, owner_field)
            row.at = moments[owner_id][written[owner_id]]
            written[owner_id] += 1
        if any(written[owner_id] != len(planned) for owner_id, planned in moments.items()):
            raise RuntimeError("The demo history and the rows the services wrote do not match.")
        transition_model.objects.bulk_update(rows, ["at"], batch_size=500)
        owners = list(owner_model.objects.filter(pk__in=moments))
        for owner in owners:
            owner.status_changed_at = moments[owner.pk][-1]
        owner_model.objects.bulk_update(owners, ["status_changed_at"], batch_size=500)


@dataclass
class _Person:
    candidate: Candidate
    journey: data.Journey
    registered_on: date
    screened_on: date
    registration_reason: str
    reason: str
    declines: bool
    carried_from: Enrolment | None = None  # the reserve enrolment of an earlier cohort this person comes from
    slot: tuple[_Host, EmployerLocation] | None = None
    placement_start: date | None = None  # the first day at the host


class _CohortPeople:
    """Creates the people of one cohort and walks each one through the life cycle."""

    def __init__(
        self,
        *,
        pilot: Pilot,
        cohort: Cohort,
        spec: data.CohortSpec,
        adviser,
        hosts: dict[str, _Host],
        contacts: dict[int | None, User],
        organisations: dict[str, Organisation],
        last_day: date,
        emails: set[str],
    ) -> None:
        self.pilot = pilot
        self.cohort = cohort
        self.spec = spec
        self.adviser = adviser
        self.contacts = contacts
        self.organisations = organisations
        self.last_day = last_day
        self.emails = emails
        self.hosts = [hosts[name] for name, _places in spec.seat_offers]
        self.history = _History()
        # Seeded per cohort, so each cohort gets the same people whatever the others do.
        seed = f"{pilot.slug}/{spec.name}"
        self.rng = random.Random(seed)
        self.fake = Faker("nl_NL")
        self.fake.seed_instance(seed)
        self.supervisors: dict[int, str] = {}
        lead = pilot.lead_organisation
        self.screening_location = spec.screening_location or ", ".join(part for part in (lead.name, lead.city) if part)

    def load(self) -> None:
        people = self._people()
        self._allocate_slots(people)
        self._placement_starts(people)
        for person in people:
            self._walk(person)
        self._assign_classes()
        self.history.apply()

    # Creating the people.

    def _people(self) -> list[_Person]:
        spec = self.spec
        size = spec.size
        registration_order = self.rng.sample(range(size), size)
        screening_order = self.rng.sample(range(size), size)
        people: list[_Person] = []
        new_candidates: list[Candidate] = []
        barriers: list[tuple[int, data.Journey]] = []
        reserve_lists: dict[str, list[Enrolment]] = {}
        for journey in spec.journeys:
            source = journey.from_reserve_of
            if source and source not in reserve_lists:
                reserve_lists[source] = self._reserves(source)
            for index in range(journey.count):
                position = len(people)
                registered_on = self._spread(spec.registration, registration_order[position], size)
                screened_on = max(
                    self._spread(spec.screening, screening_order[position], size),
                    registered_on + timedelta(days=3),
                )
                carried_from = None
                if source:
                    if not reserve_lists[source]:
                        raise RuntimeError(f"{source} has too few reserves for {self.cohort}.")
                    carried_from = reserve_lists[source].pop(0)
                    candidate = carried_from.candidate
                    registration_reason = ""
                else:
                    candidate = self._new_candidate(registered_on)
                    new_candidates.append(candidate)
                    barriers.append((len(people), journey))
                    registration_reason = self._registration_reason(candidate)
                people.append(
                    _Person(
                        candidate=candidate,
                        journey=journey,
                        registered_on=registered_on,
                        screened_on=screened_on,
                        registration_reason=registration_reason,
                        reason=journey.reasons[index % len(journey.reasons)] if journey.reasons else "",
                        declines=index < journey.declines,
                        carried_from=carried_from,
                    )
                )
        # In bulk rather than through candidate_register: that service stamps the consent with the current time
        # and takes barriers without notes, and the leerlingpoule alone has 332 applicants. From here on every
        # step goes through the services.
        Candidate.objects.bulk_create(new_candidates)
        CandidateBarrier.objects.bulk_create(
            barrier for position, journey in barriers for barrier in self._barriers(people[position], journey)
        )
        return people

    def _reserves(self, cohort_name: str) -> list[Enrolment]:
        """The reserve list of an earlier cohort of the pilot, in its order."""
        enrolments = Enrolment.objects.filter(cohort__pilot=self.pilot, cohort__name=cohort_name, status=S.RESERVE)
        return list(enrolments.select_related("candidate", "cohort").order_by("reserve_position", "pk"))

    def _new_candidate(self, registered_on: date) -> Candidate:
        rng, profile = self.rng, self.spec.profile
        is_status_holder = rng.random() < profile.status_holder_share
        prefix = ""
        if is_status_holder:
            first_name = rng.choice(data.STATUS_HOLDER_FIRST_NAMES)
            last_name = rng.choice(data.STATUS_HOLDER_LAST_NAMES)
        elif rng.random() < profile.migration_share:
            first_name = rng.choice(data.MIGRANT_FIRST_NAMES)
            last_name = rng.choice(data.MIGRANT_LAST_NAMES)
        else:
            first_name = self.fake.first_name()
            prefix, last_name = _split_prefix(self.fake.last_name())
        city, lowest, highest = rng.choice(profile.cities)
        levels = LanguageLevel.values
        low, high = levels.index(profile.language[0]), levels.index(profile.language[1])
        source, referrer, *_weight = rng.choices(profile.referrals, weights=[r[2] for r in profile.referrals])[0]
        benefit = rng.choices([b[0] for b in profile.benefits], weights=[b[1] for b in profile.benefits])[0]
        education = rng.choices([e[0] for e in profile.education], weights=[e[1] for e in profile.education])[0]
        age = rng.randint(*profile.ages)
        hours_low, hours_high = profile.hours
        return Candidate(
            first_name=first_name,
            last_name_prefix=prefix,
            last_name=last_name,
            date_of_birth=self.spec.start_date - timedelta(days=age * 365 + rng.randint(0, 364)),
            email=self._email(first_name, prefix, last_name),
            # Stored as the portal stores numbers (E.164); an 061 number is always a valid mobile one, and the
            # generator draws as before, so the rest of the demo stays the same.
            phone=f"+3161{rng.randint(10_000_000, 99_999_999) % 10_000_000:07}",
            postcode=f"{rng.randint(lowest, highest)} {rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}",
            city=city,
            referral_source=source,
            referring_organisation=self.organisations[referrer] if referrer else None,
            adviser=self.adviser,
            speaking_level=levels[rng.randint(low, high)],
            listening_level=levels[rng.randint(low, high)],
            reading_level=levels[rng.randint(low, high)],
            writing_level=levels[rng.randint(low, max(low, high - 1))],
            # Status holders live on social assistance while they integrate.
            benefit_type=BenefitType.SOCIAL_ASSISTANCE if is_status_holder else benefit,
            is_status_holder=is_status_holder,
            education_level=rng.choice(STATUS_HOLDER_EDUCATION) if is_status_holder else education,
            available_days=sorted(rng.sample(WORKDAYS, rng.randint(3, 5)), key=WORKDAYS.index),
            available_from=registered_on + timedelta(days=rng.randint(0, 30)),
            hours_per_week=rng.randrange(hours_low, hours_high + 1, 4),
            consent_given_at=timezone.make_aware(datetime.combine(registered_on, time(9, 0))),
            consent_purpose=self.spec.profile.consent_purpose,
            consent_recorded_by=self.adviser,
        )

    def _email(self, first_name: str, prefix: str, last_name: str) -> str:
        local = ".".join(part for part in (slugify(first_name), slugify(f"{prefix} {last_name}")) if part)
        email, number = f"{local}@example.org", 1
        while email in self.emails:
            number += 1
            email = f"{local}.{number}@example.org"
        self.emails.add(email)
        return email

    def _registration_reason(self, candidate: Candidate) -> str:
        if candidate.referral_source == ReferralSource.SELF:
            return "Zelf aangemeld"
        return f"Aangemeld door {candidate.referring_organisation}"

    def _barriers(self, person: _Person, journey: data.Journey) -> list[CandidateBarrier]:
        rng = self.rng
        kinds = [kind for kind, share in self.spec.profile.barriers if rng.random() < share][:2]
        unsolved = BARRIER_FOR_DROPOUT.get(journey.dropout_reason)
        if unsolved and unsolved not in kinds:
            kinds.append(unsolved)
        started = journey.end in STARTED
        return [
            CandidateBarrier(
                candidate=person.candidate,
                kind=kind,
                note=rng.choice(BARRIER_NOTES[kind]),
                # Most barriers of people who started were solved; the one that made someone leave was not.
                resolved=started and kind != unsolved and rng.random() < 0.7,
            )
            for kind in kinds
        ]

    # Hosts.

    def _allocate_slots(self, people: Sequence[_Person]) -> None:
        """Give everyone who gets a placement one of the offered places, in the order of the journeys."""
        slots = [
            (host, location)
            for host, (_name, places) in zip(self.hosts, self.spec.seat_offers, strict=True)
            for location, count in zip(host.locations, _split(places, len(host.locations)), strict=True)
            for _place in range(count)
        ]
        placed = [person for person in people if self._placement_plan(person.journey) != data.NO_PLACEMENT]
        if len(placed) > len(slots):
            raise RuntimeError(f"{self.cohort} needs {len(placed)} places and its hosts offer {len(slots)}.")
        for person, slot in zip(placed, slots, strict=False):
            person.slot = slot

    def _placement_starts(self, people: Sequence[_Person]) -> None:
        """Each placement starts on a day of the track's first weeks (CohortSpec.placement_start_weeks), before
        the person leaves. A random stream of its own, so the people drawn before stay who they were."""
        rng = random.Random(f"{self.pilot.slug}/{self.spec.name}/placements")
        start = self.spec.start_date
        for person in people:
            if person.slot is None:
                continue
            week = rng.randint(1, self.spec.placement_start_weeks)
            day = _next_workday(start + timedelta(weeks=week - 1, days=rng.randint(0, 2)))
            if person.journey.end == S.DROPPED_OUT:
                day = min(day, _workday(self._dropout_day(person.journey) - timedelta(days=1)))
            person.placement_start = min(day, self.spec.end_date)

    def _dropout_day(self, journey: data.Journey) -> date:
        return _workday(self.spec.start_date + timedelta(weeks=journey.dropout_week, days=1))

    @staticmethod
    def _placement_plan(journey: data.Journey) -> str:
        if journey.placement is not None:
            return journey.placement
        return data.FULL if journey.end in STARTED else data.NO_PLACEMENT

    def _other_host(self, host: _Host) -> _Host:
        index = self.hosts.index(host)
        return self.hosts[(index + 1) % len(self.hosts)]

    def _contact(self, host: _Host):
        """Employers answer proposals themselves; for hosts without a demo login the adviser records it."""
        return self.contacts.get(host.employer.organisation_id, self.adviser)

    def _supervisor(self, location: EmployerLocation) -> str:
        if location.pk not in self.supervisors:
            self.supervisors[location.pk] = self.fake.name()
        return self.supervisors[location.pk]

    # Walking the life cycle.

    def _walk(self, person: _Person) -> None:
        journey, spec = person.journey, self.spec
        clock = _Clock(self.rng)
        if person.carried_from is not None:
            [enrolment] = enrolments_carry_over.within(
                enrolments=[person.carried_from], to_cohort=self.cohort, by_user=self.adviser
            )
        else:
            enrolment = enrolment_create.within(
                candidate=person.candidate, cohort=self.cohort, by_user=self.adviser, reason=person.registration_reason
            )
        moments = [clock.at(self._day(person.registered_on))]
        self.history.enrolments[enrolment.pk] = moments
        if person.carried_from is None:
            self.history.candidates[person.candidate.pk] = moments[0]

        def step(to_status: str, day: date, reason: str = "", dropout_reason: str = "") -> None:
            nonlocal enrolment
            day = self._day(day)
            enrolment = enrolment_transition.within(
                enrolment=enrolment,
                to_status=to_status,
                by_user=self.adviser,
                reason=reason,
                dropout_reason=dropout_reason,
                on_date=day,
            )
            moments.append(clock.at(day))

        if journey.end == S.REGISTERED:
            return
        if not journey.screened:
            step(S.NOT_SELECTED, person.registered_on + timedelta(days=10), person.reason)
            return
        planned_on = self._day(min(person.registered_on + timedelta(days=self.rng.randint(2, 5)), person.screened_on))
        # The appointment of someone still waiting for it lies in the coming weeks.
        meets_on = person.screened_on if journey.end != S.SCREENING_PLANNED else self.last_day + timedelta(days=3)
        screening_plan.within(
            enrolment=enrolment,
            starts_at=timezone.make_aware(datetime.combine(_next_workday(meets_on), time(self.rng.randint(9, 15)))),
            location=self.screening_location,
            adviser=self.adviser,
            by_user=self.adviser,
        )
        moments.append(clock.at(planned_on))
        if journey.end == S.SCREENING_PLANNED:
            return
        screening_record.within(
            enrolment=enrolment,
            by_user=self.adviser,
            barriers_met=list(person.candidate.barriers.values_list("kind", flat=True)),
            **self._screening(person),
        )
        moments.append(clock.at(self._day(person.screened_on)))
        enrolment.refresh_from_db()
        if journey.end == S.SCREENED:
            return
        decided_on = max(spec.selection_on, person.screened_on)
        if journey.end in (S.RESERVE, S.NOT_SELECTED):
            step(journey.end, decided_on, person.reason)
            return
        step(S.SELECTED, decided_on, f"Geselecteerd voor {self.cohort.name}")
        placement = self._propose(person, enrolment, clock, decided_on)
        if journey.end == S.SELECTED:
            return

        step(S.STARTED, spec.start_date)
        if placement is not None and self._placement_plan(journey) == data.FULL:
            # The host's part starts on the placement's first day, in the first weeks of the track.
            self._move_placement(placement, clock, PlacementStatus.ACTIVE, person.placement_start or spec.start_date)
        if journey.end == S.DROPPED_OUT:
            ended_on = self._dropout_day(journey)
            step(S.DROPPED_OUT, ended_on, person.reason, journey.dropout_reason)
        else:
            ended_on = spec.end_date
            step(S.COMPLETED, ended_on, "Traject afgerond")
        if placement is not None:
            # The open placement closed with the track (candidates.lifecycle): its history row gets the same day.
            self.history.placements[placement.pk].append(clock.at(self._day(ended_on)))
        if journey.outcome is not None:
            outflow_on = self._day(_workday(ended_on + timedelta(days=journey.outcome.days_after_end)))
            outflow_record.within(
                enrolment=enrolment, by_user=self.adviser, **self._outcome_fields(journey.outcome, person, outflow_on)
            )
            moments.append(clock.at(outflow_on))

    def _screening(self, person: _Person) -> dict:
        """Scores that fit the decision that follows: interest, motivation, language level and availability."""
        rng, candidate, journey = self.rng, person.candidate, person.journey
        decision = S.SELECTED if journey.end in STARTED else journey.end
        recommendation = journey.recommendation or RECOMMENDATION_FOR_DECISION.get(
            decision, rng.choice([Recommendation.SELECT, Recommendation.RESERVE])
        )
        low, high = SCORES_FOR_RECOMMENDATION[recommendation]
        # The language score follows the spoken level (A1 about 1, B2 about 4), whatever the advice.
        level = LanguageLevel.values.index(candidate.speaking_level or LanguageLevel.A2)
        days = len(candidate.available_days)
        return {
            "screened_on": person.screened_on,
            "interest_score": rng.randint(low, high),
            "motivation_score": rng.randint(low, high),
            "motivation_note": rng.choice(MOTIVATION_NOTES[recommendation]),
            "language_score": max(1, min(5, level + rng.randint(0, 1))),
            "language_note": f"Spreken {candidate.speaking_level}, schrijven {candidate.writing_level}",
            "availability_score": min(5, days),
            "availability_note": f"Beschikbaar op {days} dagen, {candidate.hours_per_week} uur per week",
            "recommendation": recommendation,
        }

    def _propose(self, person: _Person, enrolment: Enrolment, clock: _Clock, selected_on: date) -> Placement | None:
        plan = self._placement_plan(person.journey)
        if plan == data.NO_PLACEMENT or person.slot is None:
            return None
        host, location = person.slot
        day = _next_workday(selected_on + timedelta(days=3))
        starts_on = person.placement_start or self.spec.start_date
        if person.declines:
            other = self._other_host(host)
            declined = self._new_placement(enrolment, other, other.locations[0], clock, day, starts_on)
            day = _next_workday(day + timedelta(days=3))
            decline_reason, note = self.rng.choice(DECLINE_REASONS)
            self._move_placement(declined, clock, PlacementStatus.DECLINED, day, note, decline_reason=decline_reason)
            day = _next_workday(day + timedelta(days=1))
        placement = self._new_placement(enrolment, host, location, clock, day, starts_on)
        if plan != data.PROPOSED:
            confirmed_on = _next_workday(day + timedelta(days=3))
            self._move_placement(placement, clock, PlacementStatus.CONFIRMED, confirmed_on)
        return placement

    def _new_placement(
        self, enrolment: Enrolment, host: _Host, location: EmployerLocation, clock: _Clock, day: date, starts_on: date
    ) -> Placement:
        placement = placement_propose.within(
            enrolment=enrolment,
            employer=host.employer,
            by_user=self.adviser,
            location=location,
            kind=self.spec.placement_kind,
            days_per_week=self.spec.placement_days,
            start_date=starts_on,
            end_date=self.spec.end_date,
            supervisor_name=self._supervisor(location),
            motivation=self.rng.choice(MOTIVATIONS),
            notify=False,  # replayed history: nobody is waiting for these mails
        )
        self.history.placements[placement.pk] = [clock.at(self._day(day))]
        return placement

    def _move_placement(
        self, placement: Placement, clock: _Clock, to_status: str, day: date, reason: str = "", **details
    ) -> None:
        host = next(host for host in self.hosts if host.employer.pk == placement.employer_id)
        # The host confirms or declines; the adviser records the start and the end.
        answers = to_status in (PlacementStatus.CONFIRMED, PlacementStatus.DECLINED)
        by_user = self._contact(host) if answers else self.adviser
        placement_transition.within(placement=placement, to_status=to_status, by_user=by_user, reason=reason, **details)
        self.history.placements[placement.pk].append(clock.at(self._day(day)))

    def _outcome_fields(self, plan: data.OutcomePlan, person: _Person, outflow_on: date) -> dict:
        employer = None
        if plan.employer and person.slot is not None:
            host = person.slot[0]
            employer = (host if plan.employer == data.AT_HOST else self._other_host(host)).employer
        return {
            "kind": plan.kind,
            "employer": employer,
            "employer_name": plan.employer_name,
            "contract_type": plan.contract_type,
            "education_level": plan.education_level,
            "start_date": outflow_on,
            "hours_per_week": plan.hours_per_week,
            "next_step": plan.next_step,
        }

    def _assign_classes(self) -> None:
        """Spread the starters over the cohort's classes in equal groups (52 over three: 18, 17, 17)."""
        if not self.spec.classes:
            return
        classes = list(self.cohort.classes.order_by("name"))
        starters = list(
            self.cohort.enrolments.filter(started_on__isnull=False).order_by("pk").values_list("pk", flat=True)
        )
        first = 0
        for cohort_class, size in zip(classes, _split(len(starters), len(classes)), strict=True):
            # There is no service for the class yet; it is a plain attribute of the enrolment.
            Enrolment.objects.filter(pk__in=starters[first : first + size]).update(cohort_class=cohort_class)
            first += size

    # Dates.

    def _spread(self, window: tuple[date, date], position: int, count: int) -> date:
        first, last = window
        offset = round((last - first).days * position / max(count - 1, 1))
        return _workday(first + timedelta(days=offset))

    def _day(self, day: date) -> date:
        """History never lies in the future: the running cohort's steps stop at yesterday."""
        return min(day, self.last_day)


# --- During and after the track ----------------------------------------------------------------------------------


def _has_progress(cohort: Cohort) -> bool:
    """Whether anything of the cohort's track is recorded yet; a cohort that has some is left as it is."""
    return (
        AttendanceSession.objects.filter(cohort=cohort).exists()
        or ModuleResult.objects.filter(enrolment__cohort=cohort).exists()
        or CoachingNote.objects.filter(enrolment__cohort=cohort).exists()
    )


# Each starter's chances, per marked day, of being sick, absent with notice and absent without notice: drawn
# between these bounds, so most are present on about nine days in ten or more.
ABSENCE_LOW = (0.01, 0.01, 0.0)
ABSENCE_HIGH = (0.05, 0.04, 0.02)
# In the last weeks before someone leaves early, the reason shows in the marks: extra chances of each absence.
DROPOUT_SIGNAL_DAYS = 21
ABSENCE_BEFORE_DROPOUT: dict[str, tuple[float, float, float]] = {
    DropoutReason.HEALTH: (0.4, 0.05, 0.0),
    DropoutReason.CARE_FOR_FAMILY: (0.05, 0.25, 0.05),
    DropoutReason.MOTIVATION: (0.05, 0.05, 0.3),
    DropoutReason.MONEY: (0.05, 0.15, 0.1),
    DropoutReason.TRANSPORT: (0.0, 0.15, 0.15),
    DropoutReason.FOUND_WORK: (0.0, 0.2, 0.05),
}
# The modules still running when someone left for one of these reasons were not passed; otherwise they stay in
# progress (now and then not passed all the same).
FAILED_ON_DROPOUT = frozenset({DropoutReason.LANGUAGE, DropoutReason.MOTIVATION})
# Who does not need the on-demand lessons ("taal en rekenen voor wie dat nodig heeft") is exempt.
SUFFICIENT_LANGUAGE = frozenset({LanguageLevel.B1, LanguageLevel.B2, LanguageLevel.C1, LanguageLevel.C2})
SUFFICIENT_NUMERACY = frozenset(
    {EducationLevel.MBO2, EducationLevel.MBO3, EducationLevel.MBO4, EducationLevel.HAVO_VWO, EducationLevel.HIGHER}
)
# The modules a completer may not have passed.
FAILABLE_KINDS = (ModuleKind.TRADE_JARGON, ModuleKind.LANGUAGE, ModuleKind.NUMERACY)
# Follow-ups: the chance that the person was not reached, that someone working stopped since the last check, and
# that someone without work found it since.
CHANCE_NOT_REACHED = 0.1
CHANCE_STOPPED = 0.07
CHANCE_FOUND_WORK = 0.25
# What a follow-up last heard: working (at the outflow's employer or another), not working, or at school.
WORKING, WORKING_ELSEWHERE, NOT_WORKING, AT_SCHOOL = "working", "working_elsewhere", "not_working", "at_school"


class _CohortProgress:
    """Records the track of one cohort's starters through the progress services, from what their walk left in the
    database: attendance, module results and certificates, coaching notes, and the answers to the follow-ups due.

    Attendance is marked on the school and internship days of the cohort's weekly rhythm, one session a day, every
    CohortSpec.attendance_every_weeks weeks; internship days count from the first day at the host. Nothing is
    recorded after yesterday. A random stream of its own per cohort, so the people stay as they were.
    """

    def __init__(
        self,
        *,
        pilot_spec: data.PilotSpec,
        cohort: Cohort,
        spec: data.CohortSpec,
        users: dict[str, User],
        adviser: User,
        last_day: date,
    ) -> None:
        self.pilot_spec = pilot_spec
        self.cohort = cohort
        self.spec = spec
        self.users = users
        self.recorder = users[pilot_spec.recorder]
        self.adviser = adviser
        self.last_day = last_day
        self.rng = random.Random(f"{pilot_spec.slug}/{spec.name}/progress")
        self.enrolments: list[Enrolment] = []

    def load(self) -> None:
        self.enrolments = list(
            Enrolment.objects.filter(cohort=self.cohort).started().select_related("candidate", "outcome").order_by("pk")
        )
        if not self.enrolments:
            return
        self._attendance()
        self._results_and_certificates()
        self._coaching_notes()
        self._followups()

    # Attendance.

    def _attendance(self) -> None:
        cohort, every = self.cohort, self.spec.attendance_every_weeks
        last = min(cohort.end_date, self.last_day)
        at_host_from = self._first_days_at_host()
        chances = {enrolment.pk: self._absence_chances(enrolment) for enrolment in self.enrolments}
        sick_days_left: dict[int, int] = defaultdict(int)
        monday, week = week_monday(cohort.start_date), 0
        while monday <= last:
            sunday = monday + timedelta(days=6)
            in_week = [
                enrolment
                for enrolment in self.enrolments
                if self._started(enrolment) <= sunday and (enrolment.ended_on is None or enrolment.ended_on >= monday)
            ]
            if week % every == 0 and in_week:
                # What saving the week's grid does: the rhythm's sessions of the week, then the marks in one go.
                sessions = attendance_week_sessions.within(cohort=cohort, week_start=monday, by_user=self.recorder)
                marks: dict[tuple[int, int], str | None] = {}
                for session in sessions:
                    if session.date > last or session.cohort_module_id is not None:
                        continue
                    for enrolment in in_week:
                        if not on_track(enrolment, session.date):
                            continue
                        first_at_host = at_host_from.get(enrolment.pk, self._started(enrolment))
                        if session.kind == AttendanceKind.INTERNSHIP and session.date < first_at_host:
                            continue
                        marks[(session.pk, enrolment.pk)] = self._mark(enrolment, session.date, chances, sick_days_left)
                attendance_mark_week.within(cohort=cohort, week_start=monday, marks=marks, by_user=self.recorder)
                # The service stamps the marks with the current time; the grid was saved at the end of that week.
                saved_at = self._moment(min(monday + timedelta(days=4), last), hour=16)
                Attendance.objects.filter(session__in=[session.pk for session in sessions]).update(recorded_at=saved_at)
            monday += timedelta(weeks=1)
            week += 1

    def _first_days_at_host(self) -> dict[int, date]:
        """The first day of each starter's first placement the host confirmed."""
        return dict(
            Placement.objects.filter(enrolment__cohort=self.cohort, status__in=EVER_CONFIRMED, start_date__isnull=False)
            .order_by()
            .values("enrolment_id")
            .annotate(first_day=Min("start_date"))
            .values_list("enrolment_id", "first_day")
        )

    def _absence_chances(self, enrolment: Enrolment) -> tuple[float, float, float]:
        drawn = tuple(self.rng.uniform(low, high) for low, high in zip(ABSENCE_LOW, ABSENCE_HIGH, strict=True))
        # Who leaves early was away more often all along.
        factor = 2.0 if enrolment.dropout_reason else 1.0
        return (drawn[0] * factor, drawn[1] * factor, drawn[2] * factor)

    def _mark(
        self,
        enrolment: Enrolment,
        day: date,
        chances: dict[int, tuple[float, float, float]],
        sick_days_left: dict[int, int],
    ) -> str:
        if sick_days_left[enrolment.pk] > 0:
            sick_days_left[enrolment.pk] -= 1
            return AttendanceStatus.SICK
        sick, notice, without = chances[enrolment.pk]
        left = enrolment.ended_on
        if enrolment.dropout_reason and left is not None and (left - day).days <= DROPOUT_SIGNAL_DAYS:
            extra_sick, extra_notice, extra_without = ABSENCE_BEFORE_DROPOUT.get(enrolment.dropout_reason, (0, 0, 0))
            sick, notice, without = sick + extra_sick, notice + extra_notice, without + extra_without
        draw = self.rng.random()
        if draw < sick:
            # A sickness lasts a few marked days.
            sick_days_left[enrolment.pk] = self.rng.randint(0, 2)
            return AttendanceStatus.SICK
        if draw < sick + notice:
            return AttendanceStatus.ABSENT_WITH_NOTICE
        if draw < sick + notice + without:
            return AttendanceStatus.ABSENT_WITHOUT_NOTICE
        return AttendanceStatus.PRESENT

    # Module results and certificates.

    def _results_and_certificates(self) -> None:
        modules = list(cohort_learning_line(cohort=self.cohort))
        specs = {module.name: module for module in self.pilot_spec.modules}
        for enrolment in self.enrolments:
            failed = self._failed_module(enrolment, modules)
            # The modules still running when someone left early were all not passed, or all left in progress.
            gave_up = enrolment.dropout_reason in FAILED_ON_DROPOUT or self.rng.random() < 0.3
            for cohort_module in modules:
                result = self._result(enrolment, cohort_module, specs.get(cohort_module.name), failed, gave_up)
                if result is None:
                    continue
                status, day = result
                module_result_record.within(
                    enrolment=enrolment, cohort_module=cohort_module, status=status, by_user=self.recorder, on_date=day
                )
                if status == ModuleResultStatus.PASSED and cohort_module.certificate_name and day is not None:
                    # VCA diplomas carry a number; the colleges' certificates are recorded without one.
                    number = str(self.rng.randint(1_000_000, 9_999_999)) if self._is_vca(cohort_module) else ""
                    certificate_record.within(
                        enrolment=enrolment,
                        cohort_module=cohort_module,
                        issued_on=day,
                        number=number,
                        by_user=self.recorder,
                    )

    @staticmethod
    def _is_vca(cohort_module: CohortModule) -> bool:
        return cohort_module.kind == ModuleKind.CERTIFICATE and "VCA" in cohort_module.certificate_name

    def _failed_module(self, enrolment: Enrolment, modules: list[CohortModule]) -> int | None:
        """The one module a completer did not pass: always for those who found no work, now and then for others."""
        if enrolment.dropout_reason or enrolment.ended_on is None:
            return None
        failable = [module for module in modules if module.kind in FAILABLE_KINDS]
        outcome = _outcome(enrolment)
        no_job = outcome is not None and outcome.kind == OutcomeKind.NONE
        if failable and (no_job or self.rng.random() < 0.05):
            return failable[0].pk if no_job else self.rng.choice(failable).pk
        return None

    def _module_days(self, cohort_module: CohortModule) -> tuple[date, date]:
        """The first day of the module's first week and the Friday of its last week, within the cohort's period."""
        start = self.cohort.start_date
        first = start + timedelta(weeks=cohort_module.start_week - 1)
        last = _workday(start + timedelta(weeks=cohort_module.end_week, days=-3))
        return first, min(max(last, first), self.cohort.end_date)

    def _result(
        self,
        enrolment: Enrolment,
        cohort_module: CohortModule,
        module_spec: data.ModuleSpec | None,
        failed: int | None,
        gave_up: bool,
    ) -> tuple[str, date | None] | None:
        first, last = self._module_days(cohort_module)
        left = enrolment.ended_on
        until = min(left or self.last_day, self.last_day)
        if first > until:
            return None  # left before the module began, or it has not begun yet
        if module_spec is not None and module_spec.on_demand and self._does_not_need(enrolment, cohort_module):
            return ModuleResultStatus.EXEMPT, first
        if last <= until:
            if cohort_module.pk == failed:
                return ModuleResultStatus.NOT_PASSED, last
            return ModuleResultStatus.PASSED, last
        if left is not None and enrolment.dropout_reason and gave_up:
            return ModuleResultStatus.NOT_PASSED, left
        return ModuleResultStatus.IN_PROGRESS, None

    @staticmethod
    def _does_not_need(enrolment: Enrolment, cohort_module: CohortModule) -> bool:
        candidate = enrolment.candidate
        if cohort_module.kind == ModuleKind.LANGUAGE:
            return candidate.speaking_level in SUFFICIENT_LANGUAGE
        if cohort_module.kind == ModuleKind.NUMERACY:
            return candidate.education_level in SUFFICIENT_NUMERACY
        return False

    # Coaching notes.

    def _coaching_notes(self) -> None:
        coaches: dict[str, data.CoachSpec] = {}
        for coach in self.pilot_spec.coaches:
            for moment in coach.moments:
                coaches.setdefault(moment, coach)
        written: list[CoachingNote] = []
        for enrolment in self.enrolments:
            for moment, day, text in self._notes_of(enrolment):
                writer = coaches.get(moment)
                if writer is None or day > self.last_day:
                    continue
                note = coaching_note_add.within(
                    enrolment=enrolment,
                    by_user=self.users[writer.username],
                    text=text,
                    coach_kind=writer.coach_kind,
                    # An adviser's note is shared anyway; the coaching team's stays within it unless the spec says.
                    visibility=NoteVisibility.SHARED_WITH_ADVISER if writer.shared_with_adviser else None,
                )
                # The service dates a note now; it was written on its day.
                note.created_at = note.updated_at = self._moment(day, hour=10)
                written.append(note)
        CoachingNote.objects.bulk_update(written, ["created_at", "updated_at"], batch_size=500)

    def _notes_of(self, enrolment: Enrolment) -> list[tuple[str, date, str]]:
        """The moments of a starter's notes, each with its day and text: the start, halfway, and the end or the
        dropout; after the outflow, some weeks into the job, or a note on looking further."""
        rng, texts, cohort = self.rng, self.pilot_spec.coaching, self.cohort
        left = enrolment.ended_on
        until = left or self.last_day
        notes = []
        first = _workday(self._started(enrolment) + timedelta(days=rng.randint(8, 12)))
        if first < until:
            notes.append((data.START, first, rng.choice(texts.start)))
        halfway = cohort.start_date + (cohort.end_date - cohort.start_date) / 2
        middle = _workday(halfway + timedelta(days=rng.randint(-3, 3)))
        if first < middle < until:
            notes.append((data.MIDDLE, middle, rng.choice(texts.middle)))
        if left is not None and enrolment.dropout_reason:
            reasons = data.DROPOUT_NOTES.get(enrolment.dropout_reason) or data.DROPOUT_NOTES[DropoutReason.OTHER]
            notes.append((data.DROPOUT, left, rng.choice(reasons)))
        elif left is not None:
            notes.append((data.END, _workday(left - timedelta(days=rng.randint(0, 2))), rng.choice(texts.end)))
        outcome = _outcome(enrolment)
        if outcome is not None and left is not None:
            outflow_on = outcome.start_date or left
            if outcome.kind in OUTFLOW_TO_WORK | OUTFLOW_TO_BBL and texts.after_work:
                day = _workday(outflow_on + timedelta(weeks=rng.randint(3, 8)))
                notes.append((data.AFTER_WORK, day, rng.choice(texts.after_work)))
            elif outcome.kind == OutcomeKind.NONE and texts.no_job:
                day = _workday(outflow_on + timedelta(days=rng.randint(5, 20)))
                notes.append((data.NO_JOB, day, rng.choice(texts.no_job)))
        return notes

    # Follow-ups.

    def _followups(self) -> None:
        """Answer the follow-ups due by yesterday, within two weeks of their due date, in order per person."""
        followups = (
            FollowUp.objects.filter(outcome__enrolment__in=self.enrolments, due_on__lte=self.last_day)
            .select_related("outcome")
            .order_by("outcome_id", "months")
        )
        heard: dict[int, str] = {}
        for followup in followups:
            answered_on = min(followup.due_on + timedelta(days=self.rng.randint(0, 14)), self.last_day)
            followup_record.within(
                followup=followup, by_user=self.adviser, on_date=answered_on, **self._answer(followup.outcome, heard)
            )

    def _answer(self, outcome: Outcome, heard: dict[int, str]) -> dict:
        """The answer to the next follow-up of the outcome, after what the ones before heard."""
        rng = self.rng
        if outcome.kind in OUTFLOW_TO_WORK | OUTFLOW_TO_BBL:
            initial = WORKING
        elif outcome.kind == OutcomeKind.EDUCATION:
            initial = AT_SCHOOL
        else:
            initial = NOT_WORKING
        last = heard.get(outcome.pk, initial)
        if rng.random() < CHANCE_NOT_REACHED:
            return {"still_working": None, "note": rng.choice(data.FOLLOWUP_NOT_REACHED)}
        if last == AT_SCHOOL:
            return {"still_working": False, "note": rng.choice(data.FOLLOWUP_AT_SCHOOL)}
        if last in (WORKING, WORKING_ELSEWHERE) and rng.random() < CHANCE_STOPPED:
            heard[outcome.pk] = NOT_WORKING
            return {"still_working": False, "note": rng.choice(data.FOLLOWUP_STOPPED)}
        if last == NOT_WORKING:
            if rng.random() >= CHANCE_FOUND_WORK:
                return {"still_working": False, "note": rng.choice(data.FOLLOWUP_NO_WORK)}
            heard[outcome.pk] = WORKING_ELSEWHERE
            hours = rng.choice((16, 20, 24, 32))
            return {
                "still_working": True,
                "same_employer": False,
                "hours_per_week": hours,
                "note": rng.choice(data.FOLLOWUP_FOUND_WORK),
            }
        if last == WORKING and rng.random() < 0.08:
            heard[outcome.pk] = last = WORKING_ELSEWHERE
            note = rng.choice(data.FOLLOWUP_OTHER_EMPLOYER)
        else:
            note = rng.choice(data.FOLLOWUP_WORKING)
        hours = (outcome.hours_per_week or 24) + rng.choice((0, 0, 0, 4, -4))
        return {
            "still_working": True,
            "same_employer": last == WORKING,
            "hours_per_week": max(1, min(60, hours)),
            "note": note,
        }

    # Dates.

    def _started(self, enrolment: Enrolment) -> date:
        return enrolment.started_on or self.cohort.start_date

    def _moment(self, day: date, *, hour: int) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour))) + timedelta(minutes=self.rng.randint(0, 90))


def _outcome(enrolment: Enrolment) -> Outcome | None:
    """The enrolment's outcome, or None without one (the reverse one-to-one raises instead)."""
    try:
        return enrolment.outcome
    except Outcome.DoesNotExist:
        return None


def _workday(day: date) -> date:
    """Move a Saturday or Sunday back to the Friday before."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _next_workday(day: date) -> date:
    """Move a Saturday or Sunday on to the Monday after."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() > 4 else 0)


def _split_prefix(last_name: str) -> tuple[str, str]:
    """Faker gives "van der Meer"; the candidate keeps "van der" as the prefix and "Meer" as the last name."""
    words = last_name.split()
    prefix_words = []
    while len(words) > 1 and words[0].lower() in NAME_PREFIXES:
        prefix_words.append(words.pop(0))
    return " ".join(prefix_words), " ".join(words)
