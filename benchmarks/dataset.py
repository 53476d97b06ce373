"""A labour-market region at scale, built with bulk inserts: `python -m benchmarks.dataset --candidates 50000`.

Creates (or recreates) a PostgreSQL database, migrates it and fills it with a region of CANDIDATES candidates, and
by default 1 pilot per 250 candidates, 2 cohorts per pilot and 1 host employer per 25 candidates: 200 pilots, 400
cohorts and 2,000 hosts at 50,000. Every enrolment walks the life cycle (candidates.lifecycle) one allowed step at
a time, with a transition row per step; placements walk theirs (employers.lifecycle) and keep within the places
their host offered. Attendance, screenings, appointments, outcomes, follow-ups, evaluations and coaching notes are
there so that every page of every role has something to show.

One login per role has a large scope (LOGINS, all with PASSWORD): an adviser with a big caseload, a coordinator
of many pilots, a trainer of a third of them, the contact of the host with the most placements, and an
administrator. `--json PATH` writes the logins and the pages to measure (the largest pilot, a busy cohort, a
candidate with a long history) for make bench and make load.

`generate()` is the part that fills the database Django is connected to; tests call it at a small scale.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opstap_bench"
PASSWORD = "bench-wachtwoord-2026"  # noqa: S105 - a throwaway database on loopback
BATCH = 2_000
SEED = 15

# One login per role (core.roles.Role values), each with a large scope.
LOGINS = {
    "adviser": "bench-adviseur",
    "coordinator": "bench-coordinator",
    "training_partner": "bench-opleider",
    "employer_contact": "bench-werkgever",
    "administrator": "bench-beheer",
}

FIRST_NAMES = ["Fatima", "Jan", "Sanne", "Mohammed", "Anouk", "Daan", "Yara", "Kees", "Ilse", "Omar", "Noor", "Bram"]
LAST_NAMES = [
    "de Vries",
    "Jansen",
    "El Amrani",
    "Bakker",
    "Visser",
    "Smit",
    "Yilmaz",
    "Mulder",
    "Bos",
    "Peters",
    "van Dijk",
    "Haddou",
]
CITIES = ["Utrecht", "Amersfoort", "Nieuwegein", "Zeist", "Houten", "IJsselstein"]


@dataclass(frozen=True)
class Scale:
    candidates: int
    pilots: int
    cohorts_per_pilot: int
    hosts: int

    @classmethod
    def of(cls, candidates: int, pilots: int | None = None, cohorts: int | None = None, hosts: int | None = None):
        pilots = pilots or max(4, round(candidates / 250))
        cohorts_per_pilot = max(1, round((cohorts or 2 * pilots) / pilots))
        return cls(candidates, pilots, cohorts_per_pilot, hosts or max(8, round(candidates / 25)))


@dataclass
class Targets:
    """What make bench and make load measure: the logins and the ids and slugs of the pages."""

    scale: dict
    password: str
    logins: dict[str, str]
    pilot_slug: str = ""
    pilot_candidates: int = 0
    cohort_id: int = 0
    running_cohort_id: int = 0
    candidate_id: int = 0
    search: str = ""
    counts: dict[str, int] = field(default_factory=dict)


# --- The life cycle ----------------------------------------------------------------------------------------


def enrolment_walk(rng: random.Random, phase: str) -> list[str]:
    """The statuses an enrolment passed through, from registration, each step one the life cycle allows.

    phase is the cohort's: "upcoming" (nobody started yet), "running" (nobody completed yet) or "past" (everyone
    still in the track has finished it one way or another).
    """
    from candidates.lifecycle import (
        CARRY_OVER,
        ENROLMENT_LIFECYCLE,
        REASON_REQUIRED,
        RUNNING,
        STARTED,
        TRACK_OVER,
        S,
    )

    forbidden = {"upcoming": STARTED, "running": frozenset({S.COMPLETED}), "past": frozenset()}[phase]
    waiting = CARRY_OVER - REASON_REQUIRED  # the reserve list
    path = [S.REGISTERED.value]
    while len(path) < 8:
        status = path[-1]
        # No status twice, but selection after a spell on the reserve list (the correction the life cycle allows).
        targets = sorted(ENROLMENT_LIFECYCLE.allowed_targets(status) - forbidden - (set(path) - {S.SELECTED}))
        if not targets:
            break
        must_go_on = phase == "past" and status not in TRACK_OVER
        if status in RUNNING:
            stop = 0.85 if phase == "running" else 0.0
        elif status in TRACK_OVER:
            stop = 0.45
        elif must_go_on:
            stop = 0.0
        else:
            # A running cohort has mostly decided on its candidates; an upcoming one is still recruiting.
            stop = 0.08 if phase == "running" else 0.3
        if rng.random() < stop:
            break
        # Most candidates move on; the reserve list, a refusal, a withdrawal or a step back is the exception.
        weights = [
            0.12 if target in REASON_REQUIRED else 0.1 if target == path[0] else 0.4 if target in waiting else 1.0
            for target in targets
        ]
        path.append(rng.choices(targets, weights)[0])
    return path


def placement_walk(rng: random.Random, enrolment_status: str) -> list[str]:
    """A placement's statuses for an enrolment in enrolment_status: open while in play, closed once it is over."""
    from candidates.lifecycle import IN_PLAY, RUNNING
    from employers.lifecycle import OPEN, PLACEMENT_LIFECYCLE, P

    path = [P.PROPOSED.value]
    while True:
        targets = sorted(PLACEMENT_LIFECYCLE.allowed_targets(path[-1]))
        if enrolment_status in IN_PLAY:
            # Only a running track has an active placement; a proposal is answered or left waiting.
            targets = [t for t in targets if t != P.ENDED and (t != P.ACTIVE or enrolment_status in RUNNING)]
            if not targets or rng.random() < 0.3:
                break
        elif path[-1] not in OPEN:
            break
        if not targets:
            break
        if enrolment_status not in IN_PLAY and path[-1] in OPEN:
            # The track is over: what was open has closed (employers.lifecycle, CLOSED_ON_TRACK_END).
            closing = [t for t in targets if t not in OPEN]
            targets = closing if rng.random() < 0.5 or path[-1] == P.ACTIVE else targets
        path.append(rng.choice(targets))
    return path


# --- Building ---------------------------------------------------------------------------------------------


def _batches(items: Iterable, size: int = BATCH) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _bulk(model, rows: list, *, history: bool = False) -> list:
    """Insert in batches; with history, the history rows too (as a service's save would leave them)."""
    if history:
        from simple_history.utils import bulk_create_with_history

        created = []
        for batch in _batches(rows):
            created += bulk_create_with_history(batch, model, batch_size=BATCH)
        return created
    created = []
    for batch in _batches(rows):
        created += model.objects.bulk_create(batch, batch_size=BATCH)
    return created


def generate(scale: Scale, *, today: dt.date | None = None, seed: int = SEED) -> Targets:
    """Fill the connected database with the region; returns the logins and the pages worth measuring."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from candidates import lifecycle
    from candidates import services as candidate_services
    from candidates.lifecycle import S
    from candidates.models import (
        AppointmentStatus,
        Attendance,
        AttendanceKind,
        AttendanceSession,
        AttendanceStatus,
        BarrierKind,
        Candidate,
        CandidateBarrier,
        CoachingNote,
        CoachKind,
        DropoutReason,
        Enrolment,
        EnrolmentTransition,
        Evaluation,
        EvaluationAdvice,
        EvaluationMoment,
        FollowUp,
        FollowUpMonths,
        LanguageLevel,
        Outcome,
        OutcomeKind,
        Recommendation,
        ReferralSource,
        Screening,
        ScreeningAppointment,
    )
    from core.models import User
    from core.roles import Role, sync_role_groups
    from employers.lifecycle import OPEN, EndReason, P
    from employers.models import DeclineReason, Employer, EmployerLocation, Placement, PlacementTransition, SeatOffer
    from pilots.models import (
        Cohort,
        Organisation,
        OrganisationKind,
        PartnerRole,
        Pilot,
        PilotPartner,
        PilotStatus,
        Region,
        Sector,
        TrackKind,
    )

    rng = random.Random(seed)
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()

    def moment(day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, rng.randrange(60)), tzinfo=tz)

    sync_role_groups(verbosity=0)
    groups = {group.name: group for group in Group.objects.all()}
    # The production settings check it (make bench logs in through gunicorn), whatever hasher this process prefers.
    hasher = PBKDF2PasswordHasher()
    password = hasher.encode(PASSWORD, hasher.salt())

    with transaction.atomic():
        region = Region.objects.create(name="Bench-regio", slug="bench-regio")
        wsps = _bulk(
            Organisation,
            [
                Organisation(name=f"WSP Bench {n}", kind=OrganisationKind.WSP, region=region, city=CITIES[n % 6])
                for n in range(5)
            ],
        )
        colleges = _bulk(
            Organisation,
            [Organisation(name=f"ROC Bench {n}", kind=OrganisationKind.COLLEGE, region=region) for n in range(3)],
        )
        host_organisations = _bulk(
            Organisation,
            [
                Organisation(
                    name=f"Gastwerkgever {n:04d}",
                    kind=OrganisationKind.HOST_EMPLOYER,
                    region=region,
                    city=CITIES[n % 6],
                )
                for n in range(scale.hosts)
            ],
        )
        sectors = [Sector.CHILDCARE, Sector.ELDERLY_CARE, Sector.CARE_WELFARE, Sector.INSTALLATION]
        hosts = _bulk(
            Employer,
            [
                Employer(organisation=organisation, kvk_number=f"{70000000 + n:08d}", sector=sectors[n % 4])
                for n, organisation in enumerate(host_organisations)
            ],
        )
        locations = _bulk(
            EmployerLocation,
            [
                EmployerLocation(employer=host, name="Hoofdvestiging", city=CITIES[n % 6])
                for n, host in enumerate(hosts)
            ],
        )
        location_of = {location.employer_id: location for location in locations}

        # Users: the bench logins, and colleagues so that the adviser filter has choices.
        def user(username: str, organisation, role: str | None, **extra) -> User:
            return User(
                username=username,
                password=password,
                first_name=username.split("-")[-1].capitalize(),
                last_name="Bench",
                email=f"{username}@example.org",
                organisation=organisation,
                **extra,
            )

        people = [
            (user(LOGINS["adviser"], wsps[0], None), Role.ADVISER),
            (user(LOGINS["coordinator"], wsps[0], None), Role.COORDINATOR),
            (user(LOGINS["training_partner"], colleges[0], None), Role.TRAINING_PARTNER),
            (user(LOGINS["employer_contact"], host_organisations[0], None), Role.EMPLOYER_CONTACT),
            (user(LOGINS["administrator"], None, None, is_staff=True, is_superuser=True), Role.ADMINISTRATOR),
        ]
        people += [(user(f"adviseur-{n:02d}", wsps[n % 5], None), Role.ADVISER) for n in range(20)]
        users = _bulk(User, [person for person, _role in people])
        memberships = [
            User.groups.through(user_id=person.pk, group_id=groups[role].pk)
            for person, (_unsaved, role) in zip(users, people, strict=True)
        ]
        User.groups.through.objects.bulk_create(memberships)
        adviser, coordinator, trainer, employer_contact, _admin = users[:5]
        advisers_of = defaultdict(list)
        for person in users[5:]:
            advisers_of[person.organisation_id].append(person)

        # Pilots: two in five led by the bench WSP; each with a training partner, a third by the bench college.
        kinds = list(TrackKind.values)
        pilots = _bulk(
            Pilot,
            [
                Pilot(
                    name=f"{sectors[n % 4].label} {n:03d}",
                    slug=f"bench-{n:03d}",
                    region=region,
                    lead_organisation=wsps[0] if n % 5 in (0, 1) else wsps[n % 5],
                    sector=sectors[n % 4],
                    track_kind=kinds[n % len(kinds)],
                    duration_weeks=26,
                    internship_days_per_week=2,
                    school_days_per_week=2,
                    planned_places=40,
                    target_outflow_percentage=60,
                    target_work_percentage=40,
                    status=PilotStatus.RUNNING,
                )
                for n in range(scale.pilots)
            ],
        )
        PilotPartner.objects.bulk_create(
            [
                PilotPartner(pilot=pilot, organisation=colleges[n % 3], role=PartnerRole.TRAINING_PARTNER)
                for n, pilot in enumerate(pilots)
            ]
        )
        # Cohorts: past, running and upcoming in turn.
        phases = ["past", "running", "upcoming"]
        starts = {"past": -300, "running": -60, "upcoming": 30}
        # The largest pilot runs a cohort for every 70 or so of its candidates (a twentieth of everyone); the last
        # pilots run one cohort fewer, so that the region keeps its number of cohorts.
        per_pilot = [scale.cohorts_per_pilot] * scale.pilots
        extra = min(scale.pilots - 1, max(0, round(scale.candidates / 20 / 70) - scale.cohorts_per_pilot))
        per_pilot[0] += extra
        for n in range(extra):
            per_pilot[-1 - n] = max(1, per_pilot[-1 - n] - 1)
        cohort_rows, cohort_phase = [], []
        for n, pilot in enumerate(pilots):
            for k in range(per_pilot[n]):
                phase = phases[(n + k) % 3]
                start = today + dt.timedelta(days=starts[phase] + (n % 20))
                cohort_rows.append(
                    Cohort(
                        pilot=pilot,
                        name=f"Ronde {k + 1}",
                        start_date=start,
                        end_date=start + dt.timedelta(weeks=26),
                        seats=40,
                        school_weekdays=["mon", "tue"],
                        internship_weekdays=["wed", "thu"],
                    )
                )
                cohort_phase.append(phase)
        cohorts = _bulk(Cohort, cohort_rows)
        phase_of = {cohort.pk: phase for cohort, phase in zip(cohorts, cohort_phase, strict=True)}
        # The largest pilot: the bench WSP's first takes a twentieth of everyone.
        big_pilot = pilots[0]
        big_cohorts = [cohort for cohort in cohorts if cohort.pilot_id == big_pilot.pk]

        # Candidates.
        levels = list(LanguageLevel.values)
        sources = list(ReferralSource.values)
        days = [["mon", "tue"], ["wed"], [], ["mon", "tue", "wed", "thu", "fri"]]
        candidate_rows, home_cohort = [], []
        for number in range(scale.candidates):
            cohort = rng.choice(big_cohorts) if number % 20 == 0 else rng.choice(cohorts)
            home_cohort.append(cohort)
            lead = cohort.pilot.lead_organisation_id
            if number % 20 == 7 and cohort.pilot.lead_organisation_id == wsps[0].pk:
                owner = adviser
            else:
                owner = advisers_of[lead][number % len(advisers_of[lead])] if number % 7 else None
            last = LAST_NAMES[number % len(LAST_NAMES)]
            prefix, _space, last_name = last.rpartition(" ")
            candidate_rows.append(
                Candidate(
                    first_name=FIRST_NAMES[number % len(FIRST_NAMES)],
                    last_name_prefix=prefix,
                    last_name=f"{last_name}{number}",
                    date_of_birth=dt.date(1960 + number % 45, 1 + number % 12, 1 + number % 28),
                    email=f"kandidaat{number}@example.org" if number % 5 else "",
                    phone=f"06{number:08d}",
                    postcode=f"{1000 + number % 8999} {chr(65 + number % 26)}{chr(65 + number // 26 % 26)}",
                    city=CITIES[number % 6],
                    referral_source=sources[number % len(sources)],
                    adviser=owner,
                    speaking_level=levels[number % 7],
                    listening_level=levels[(number + 1) % 7],
                    reading_level=levels[(number + 2) % 7] if number % 4 else "",
                    writing_level=levels[(number + 3) % 7],
                    education_level="mbo2" if number % 2 else "",
                    available_days=days[number % 4],
                    consent_given_at=moment(cohort.start_date - dt.timedelta(days=60)),
                    consent_purpose="Deelname aan de pilot",
                )
            )
        candidates = _bulk(Candidate, candidate_rows, history=True)
        barrier_kinds = list(BarrierKind.values)
        _bulk(
            CandidateBarrier,
            [
                CandidateBarrier(candidate=candidate, kind=barrier_kinds[n % len(barrier_kinds)], resolved=n % 3 == 0)
                for n, candidate in enumerate(candidates)
                if n % 10 == 0
            ],
        )

        # Enrolments: each candidate one; a tenth of those carried over (reserve, not selected) a second one.
        cohorts_of_pilot = defaultdict(list)
        for cohort in cohorts:
            cohorts_of_pilot[cohort.pilot_id].append(cohort)
        plans = []  # (candidate, cohort, path)
        for candidate, cohort in zip(candidates, home_cohort, strict=True):
            path = enrolment_walk(rng, phase_of[cohort.pk])
            plans.append((candidate, cohort, path))
            others = [other for other in cohorts_of_pilot[cohort.pilot_id] if other.pk != cohort.pk]
            if path[-1] in lifecycle.CARRY_OVER and others and rng.random() < 0.3:
                other = rng.choice(others)
                plans.append((candidate, other, enrolment_walk(rng, phase_of[other.pk])))

        reasons = [r for r in DropoutReason.values if r != DropoutReason.OTHER]
        enrolment_rows, step_days = [], []
        reserve_positions: Counter = Counter()
        for candidate, cohort, path in plans:
            registered = cohort.start_date - dt.timedelta(days=50 + rng.randrange(30))
            step = [registered + dt.timedelta(days=5 * i) for i in range(len(path))]
            started_on = ended_on = None
            if S.STARTED in path:
                started_on = cohort.start_date
                step[path.index(S.STARTED) :] = [
                    max(cohort.start_date, min(today, cohort.start_date + dt.timedelta(days=20 * i)))
                    for i in range(len(path) - path.index(S.STARTED))
                ]
                over = [s for s in path if s in (S.COMPLETED, S.DROPPED_OUT)]
                if over:
                    ended_on = min(today, cohort.end_date) if over[0] == S.COMPLETED else step[path.index(over[0])]
            status = path[-1]
            position = None
            if status == S.RESERVE:
                reserve_positions[cohort.pk] += 1
                position = reserve_positions[cohort.pk]
            enrolment_rows.append(
                Enrolment(
                    candidate=candidate,
                    cohort=cohort,
                    status=status,
                    status_changed_at=moment(step[-1]),
                    started_on=started_on,
                    ended_on=ended_on,
                    dropout_reason=rng.choice(reasons) if S.DROPPED_OUT in path else "",
                    reserve_position=position,
                    interest_confirmed_on=step[-1] if status == S.RESERVE else None,
                )
            )
            step_days.append(step)
        enrolments = _bulk(Enrolment, enrolment_rows, history=True)
        # Every cohort has the seats its selected and started candidates hold (the selection refuses more).
        holding = Counter(e.cohort_id for e in enrolments if e.status in lifecycle.SEAT_HOLDING)
        for cohort in cohorts:
            cohort.seats = max(cohort.seats, holding[cohort.pk])
        Cohort.objects.bulk_update(cohorts, ["seats"], batch_size=BATCH)

        transitions = []
        for enrolment, (candidate, _cohort, path), step in zip(enrolments, plans, step_days, strict=True):
            by = candidate.adviser or adviser
            for i, status in enumerate(path):
                transitions.append(
                    EnrolmentTransition(
                        enrolment=enrolment,
                        from_status=path[i - 1] if i else "",
                        to_status=status,
                        by_user=by,
                        at=moment(step[i], hour=9 + i),
                        reason="Reden vastgelegd" if status in lifecycle.REASON_REQUIRED else "",
                    )
                )
        _bulk(EnrolmentTransition, transitions)
        # The candidate's current enrolment, where the model keeps it (candidates.services).
        refresh = getattr(candidate_services, "current_enrolment_refresh", None)
        if refresh is not None:
            for batch in _batches([candidate.pk for candidate in candidates]):
                refresh(candidate_ids=batch)

        # Screenings and appointments.
        screenings, appointments = [], []
        for enrolment, (candidate, _cohort, path), step in zip(enrolments, plans, step_days, strict=True):
            by = candidate.adviser or adviser
            if S.SCREENED in path:
                day = step[path.index(S.SCREENED)]
                screenings.append(
                    Screening(
                        enrolment=enrolment,
                        screened_on=day,
                        adviser=by,
                        interest_score=1 + rng.randrange(5),
                        motivation_score=1 + rng.randrange(5),
                        language_score=1 + rng.randrange(5),
                        availability_score=1 + rng.randrange(5),
                        recommendation=rng.choice(list(Recommendation.values)),
                    )
                )
            if enrolment.status == S.SCREENING_PLANNED:
                appointments.append(
                    ScreeningAppointment(
                        enrolment=enrolment,
                        starts_at=moment(today + dt.timedelta(days=rng.randrange(7)), hour=9 + rng.randrange(7)),
                        location="Kantoor WSP",
                        adviser=by,
                        status=AppointmentStatus.PLANNED,
                        created_by=by,
                    )
                )
        _bulk(Screening, screenings, history=True)
        # The enrolment's latest score, where the model keeps it (candidates.services).
        score_refresh = getattr(candidate_services, "enrolment_latest_score_refresh", None)
        if score_refresh is not None:
            for batch in _batches([enrolment.pk for enrolment in enrolments]):
                score_refresh(enrolments=Enrolment.objects.filter(pk__in=batch))
        _bulk(ScreeningAppointment, appointments, history=True)

        # Placements, by their own life cycle; the bench host takes one in ten.
        hosts_of_cohort = {cohort.pk: [hosts[0], *rng.sample(hosts[1:], min(8, len(hosts) - 1))] for cohort in cohorts}
        placement_rows, placement_paths = [], []
        for enrolment in enrolments:
            if enrolment.status not in lifecycle.IN_PLAY | lifecycle.TRACK_OVER or rng.random() < 0.3:
                continue
            path = placement_walk(rng, enrolment.status)
            options = hosts_of_cohort[enrolment.cohort_id]
            host = options[0] if rng.random() < 0.1 else rng.choice(options[1:])
            status = path[-1]
            begun = enrolment.started_on or enrolment.cohort.start_date
            placement_rows.append(
                Placement(
                    enrolment=enrolment,
                    employer=host,
                    location=location_of[host.pk],
                    status=status,
                    status_changed_at=moment(min(today, begun + dt.timedelta(days=7 * len(path)))),
                    supervisor_name="Mevrouw Begeleider",
                    days_per_week=2,
                    start_date=begun if status in (P.ACTIVE, P.ENDED) else None,
                    end_date=begun + dt.timedelta(weeks=20) if status in (P.ACTIVE, P.ENDED) else None,
                    proposed_by=adviser,
                    notified_at=moment(begun - dt.timedelta(days=14)),
                    answered_at=moment(begun - dt.timedelta(days=10)) if len(path) > 1 else None,
                    decline_reason=DeclineReason.NO_FIT if status == P.DECLINED else "",
                    end_reason=EndReason.COMPLETED if status == P.ENDED else "",
                    ended_on=min(today, begun + dt.timedelta(weeks=20)) if status == P.ENDED else None,
                )
            )
            placement_paths.append(path)
        placements = _bulk(Placement, placement_rows, history=True)
        _bulk(
            PlacementTransition,
            [
                PlacementTransition(
                    placement=placement,
                    from_status=path[i - 1] if i else "",
                    to_status=status,
                    by_user=adviser,
                    at=placement.status_changed_at - dt.timedelta(days=7 * (len(path) - 1 - i)),
                )
                for placement, path in zip(placements, placement_paths, strict=True)
                for i, status in enumerate(path)
            ],
        )
        # Each host offers what its open placements take, and a few places more.
        taking = Counter(
            (placement.employer_id, placement.enrolment.cohort_id)
            for placement in placements
            if placement.status in OPEN
        )
        _bulk(
            SeatOffer,
            [
                SeatOffer(
                    employer=host,
                    cohort_id=cohort_id,
                    location=location_of[host.pk],
                    places=taking[(host.pk, cohort_id)] + 2,
                )
                for cohort_id, options in hosts_of_cohort.items()
                for host in options
            ],
        )

        # Attendance of the running cohorts: the school days of the last four weeks.
        running = defaultdict(list)
        for enrolment in enrolments:
            if enrolment.status in lifecycle.RUNNING:
                running[enrolment.cohort_id].append(enrolment)
        sessions, session_cohort = [], []
        for cohort in cohorts:
            if phase_of[cohort.pk] != "running":
                continue
            for back in range(28):
                day = today - dt.timedelta(days=back)
                if day.weekday() in (0, 1) and day >= cohort.start_date:
                    sessions.append(
                        AttendanceSession(
                            cohort=cohort, date=day, kind=AttendanceKind.SCHOOL, from_rhythm=True, created_by=trainer
                        )
                    )
                    session_cohort.append(cohort.pk)
        sessions = _bulk(AttendanceSession, sessions)
        statuses = list(AttendanceStatus.values)
        _bulk(
            Attendance,
            [
                Attendance(
                    session=session,
                    enrolment=enrolment,
                    status=AttendanceStatus.PRESENT if rng.random() < 0.8 else rng.choice(statuses),
                    recorded_by=trainer,
                    recorded_at=moment(session.date, hour=17),
                )
                for session in sessions
                for enrolment in running[session.cohort_id]
            ],
        )
        # Mid-term evaluations for half of those running; coaching notes for some.
        evaluations = [
            Evaluation(
                enrolment=enrolment,
                moment=EvaluationMoment.MID_TERM,
                held_on=today - dt.timedelta(days=rng.randrange(20)),
                advice=EvaluationAdvice.CONTINUE,
                by_user=trainer,
            )
            for group in running.values()
            for enrolment in group[::2]
        ]
        _bulk(Evaluation, evaluations)
        _bulk(
            CoachingNote,
            [
                CoachingNote(enrolment=enrolment, author=trainer, coach_kind=CoachKind.TRAINER, text="Gaat goed.")
                for group in running.values()
                for enrolment in group[::3]
            ],
            history=True,
        )

        # Outcomes of the tracks that are over, with their follow-ups.
        positive = sorted(lifecycle.POSITIVE_OUTFLOW - {OutcomeKind.CONTRACT_AT_HOST})
        outcomes = []
        for enrolment in enrolments:
            if enrolment.status == S.OUTFLOW:
                kind = rng.choice(positive)
            elif enrolment.status in lifecycle.TRACK_OVER and rng.random() < 0.5:
                kind = OutcomeKind.NONE
            else:
                continue
            outcomes.append(
                Outcome(
                    enrolment=enrolment,
                    kind=kind,
                    employer_name="Werkgever Elders" if kind != OutcomeKind.NONE else "",
                    start_date=(enrolment.ended_on or today) + dt.timedelta(days=14),
                    hours_per_week=24 if kind in lifecycle.OUTFLOW_TO_WORK else None,
                    education_level=2 if kind in lifecycle.OUTCOMES_WITH_MBO_LEVEL else None,
                    recorded_by=adviser,
                )
            )
        outcomes = _bulk(Outcome, outcomes, history=True)
        followups = []
        for outcome in outcomes:
            if outcome.kind not in lifecycle.POSITIVE_OUTFLOW:
                continue
            for months in FollowUpMonths.values:
                due = outcome.start_date + dt.timedelta(days=30 * months)
                answered = due < today and rng.random() < 0.7
                followups.append(
                    FollowUp(
                        outcome=outcome,
                        months=months,
                        due_on=due,
                        answered_on=due if answered else None,
                        still_working=rng.random() < 0.8 if answered else None,
                        recorded_by=adviser if answered else None,
                    )
                )
        _bulk(FollowUp, followups)

    # What to measure: the adviser's candidate with the longest history, the busiest running cohort.
    transitions_of = Counter(t.enrolment_id for t in transitions)
    own = [
        (transitions_of[enrolment.pk], enrolment.candidate_id)
        for enrolment in enrolments
        if enrolment.candidate.adviser_id == adviser.pk
    ]
    running_own = [c for c in cohorts if phase_of[c.pk] == "running" and c.pilot.lead_organisation_id == wsps[0].pk]
    busiest = max(running_own or cohorts, key=lambda cohort: len(running[cohort.pk]))
    size_of = Counter(enrolment.cohort_id for enrolment in enrolments)
    return Targets(
        scale=asdict(scale),
        password=PASSWORD,
        logins=dict(LOGINS),
        pilot_slug=big_pilot.slug,
        pilot_candidates=sum(size_of[cohort.pk] for cohort in big_cohorts),
        cohort_id=max(big_cohorts, key=lambda cohort: size_of[cohort.pk]).pk,
        running_cohort_id=busiest.pk,
        candidate_id=max(own)[1] if own else candidates[0].pk,
        search=f"{candidates[len(candidates) // 2].last_name}",
        counts={
            "candidates": len(candidates),
            "enrolments": len(enrolments),
            "transitions": len(transitions),
            "placements": len(placements),
            "attendance_sessions": len(sessions),
            "outcomes": len(outcomes),
            "pilots": len(pilots),
            "cohorts": len(cohorts),
            "hosts": len(hosts),
            "employer_contact_placements": sum(1 for p in placements if p.employer_id == hosts[0].pk),
            "adviser_caseload": sum(1 for c in candidates if c.adviser_id == adviser.pk),
            "employer_contact_id": employer_contact.pk,
            "coordinator_id": coordinator.pk,
        },
    )


# --- The database --------------------------------------------------------------------------------------------


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(url: str) -> None:
    """Drop and create the database the URL names, through the server's maintenance database."""
    import psycopg2
    from psycopg2 import sql

    name = urlsplit(url).path.lstrip("/")
    connection = psycopg2.connect(with_database(url, "postgres"))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def vacuum(url: str) -> None:
    """VACUUM (ANALYZE) the database the URL names: the build and the migrations update rows in bulk (every candidate
    gets its current enrolment after its enrolments), and a server without autovacuum (some development machines)
    would leave their dead versions for every scan and count to read, where a maintained database has none. The
    planner's statistics come fresh with it."""
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True  # VACUUM runs outside a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    finally:
        connection.close()


def build(url: str, scale: Scale, json_path: Path | None) -> Targets:
    """A fresh database at the URL, migrated and filled: run in this process, with Django set up for it."""
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )
    import django

    django.setup()
    targets = generate(scale)
    from django.db import connection

    connection.close()
    vacuum(url)
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(asdict(targets), indent=2))
    return targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=50_000)
    parser.add_argument("--pilots", type=int, default=None)
    parser.add_argument("--cohorts", type=int, default=None)
    parser.add_argument("--hosts", type=int, default=None)
    parser.add_argument("--database-url", default=database_url(), help=f"default: {DEFAULT_DATABASE_URL}")
    parser.add_argument("--json", type=Path, default=None, help="write the logins and pages to measure here")
    args = parser.parse_args(argv)
    scale = Scale.of(args.candidates, args.pilots, args.cohorts, args.hosts)
    import time

    started = time.perf_counter()
    targets = build(args.database_url, scale, args.json)
    print(
        json.dumps(
            {
                "database": urlsplit(args.database_url).path.lstrip("/"),
                "seconds": round(time.perf_counter() - started, 1),
                **targets.counts,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
