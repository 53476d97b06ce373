"""The benchmark's region (benchmarks/dataset.py) at a small scale: every row is one the rules allow."""

import datetime
import itertools

import pytest
from django.db.models import Count

from benchmarks.dataset import LOGINS, Scale, enrolment_walk, generate, placement_walk
from candidates.lifecycle import (
    ENROLMENT_LIFECYCLE,
    REASON_REQUIRED,
    RUNNING,
    SEAT_HOLDING,
    STARTED,
    TRACK_OVER,
    status_in,
)
from candidates.models import Candidate, Enrolment, EnrolmentTransition, Outcome
from core.models import User
from employers.lifecycle import OPEN, PLACEMENT_LIFECYCLE
from employers.models import Placement, PlacementTransition, SeatOffer
from pilots.models import Cohort

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def region():
    return generate(Scale.of(200), today=TODAY)


def test_the_region_has_the_scale_asked_for(region):
    assert Candidate.objects.count() == 200
    assert region.counts["pilots"] == 4
    assert region.counts["cohorts"] == 8
    assert Enrolment.objects.count() == region.counts["enrolments"] >= 200
    assert set(User.objects.filter(username__in=LOGINS.values()).values_list("username", flat=True)) == set(
        LOGINS.values()
    )


def test_every_enrolment_reached_its_status_by_allowed_steps(region):
    transitions = {}
    for transition in EnrolmentTransition.objects.order_by("enrolment_id", "at", "pk"):
        transitions.setdefault(transition.enrolment_id, []).append(transition)

    for enrolment in Enrolment.objects.all():
        steps = transitions[enrolment.pk]
        assert steps[0].from_status == ""
        assert steps[0].to_status == "registered"
        for before, after in itertools.pairwise(steps):
            assert after.from_status == before.to_status
            assert ENROLMENT_LIFECYCLE.is_allowed(before.to_status, after.to_status), (before, after)
            assert after.at >= before.at
            assert bool(after.reason) == (after.to_status in REASON_REQUIRED)
        assert steps[-1].to_status == enrolment.status
        assert (enrolment.started_on is not None) == (enrolment.status in STARTED)


def test_no_cohort_holds_more_candidates_than_its_seats(region):
    for cohort in Cohort.objects.annotate(holding=Count("enrolments", filter=status_in(SEAT_HOLDING, "enrolments__"))):
        assert cohort.holding <= cohort.seats


def test_outflow_has_an_outcome_and_a_dropout_its_reason(region):
    for enrolment in Enrolment.objects.filter(status__in=TRACK_OVER):
        assert enrolment.ended_on is not None
    assert not Enrolment.objects.filter(status="outflow", outcome__isnull=True).exists()
    assert not Enrolment.objects.filter(status="dropped_out", dropout_reason="").exists()
    assert Outcome.objects.exists()


def test_placements_follow_their_life_cycle_and_fit_the_places_offered(region):
    assert Placement.objects.exists()
    for placement in Placement.objects.select_related("enrolment"):
        steps = list(PlacementTransition.objects.filter(placement=placement).order_by("at", "pk"))
        assert steps[-1].to_status == placement.status
        for before, after in itertools.pairwise(steps):
            assert PLACEMENT_LIFECYCLE.is_allowed(before.to_status, after.to_status)
        if placement.status in OPEN:
            assert placement.enrolment.status not in TRACK_OVER
    open_counts = (
        Placement.objects.filter(status__in=OPEN).values("employer_id", "enrolment__cohort_id").annotate(n=Count("pk"))
    )
    for row in open_counts:
        offer = SeatOffer.objects.get(employer_id=row["employer_id"], cohort_id=row["enrolment__cohort_id"])
        assert row["n"] <= offer.places


def test_the_walks_only_take_allowed_steps():
    import random

    rng = random.Random(1)
    for phase in ("upcoming", "running", "past"):
        for _ in range(500):
            path = enrolment_walk(rng, phase)
            assert all(ENROLMENT_LIFECYCLE.is_allowed(a, b) for a, b in itertools.pairwise(path))
            if phase == "upcoming":
                assert not set(path) & STARTED
            if phase == "past":
                assert path[-1] not in RUNNING
    for status in ("selected", "started", "completed", "outflow"):
        for _ in range(200):
            path = placement_walk(rng, status)
            assert all(PLACEMENT_LIFECYCLE.is_allowed(a, b) for a, b in itertools.pairwise(path))
