"""The tables add up, whatever order the advisers, hosts and candidates act in.

A hypothesis state machine walks one cohort with two hosts through its life cycle, only through the services a
view calls: registering, screening, selecting, the reserve list, withdrawing, starting, seat offers, proposals
and the host's answers, internships, completing, dropping out, outcomes and contract offers. Only the pilot, the
cohort, the users, the hosts and the candidates come from factories; every status is reached through a service,
so a consequence a service forgets shows up here.

Each step draws a candidate or a placement and, mostly, one of the actions its status allows in the transition
tables of candidates.lifecycle and employers.lifecycle; sometimes any action on any row. A refusal
(TransitionNotAllowed) is an allowed answer to any step, and must leave the database exactly as it was. After
every step that changed a row, the invariants compare the life-cycle sets with each other, with the seats of the
cohort and the places of the hosts, and with every figure of the evaluation.

Reading a failing sequence: each `state.step(data=data(...))` is one step, and the `Draw` lines printed just
before it say what it did: candidate 2 is the second enrolment registered in the example, placement 1 its first
proposal.

Each example runs inside a savepoint of the test's transaction that its teardown rolls back, so the examples do
not see each other's rows. (A `Machine.TestCase` on hypothesis' Django TestCase would not: its per-example
transaction hooks only wrap @given methods of the class, not the function a state machine runs in.)

The run is kept small (MACHINE_SETTINGS) because the evaluation, counted after every change, takes about a tenth
of a second on SQLite. Under CI the conftest's "ci" profile draws the same examples every run. For a longer hunt
on a laptop, raise max_examples and stateful_step_count for one run.
"""

import datetime
import functools

import pytest
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from candidates.lifecycle import (
    ENROLMENT_LIFECYCLE,
    OUTCOMES_WITH_MBO_LEVEL,
    OUTFLOW_TO_BBL,
    OUTFLOW_TO_EDUCATION,
    OUTFLOW_TO_WORK,
    POSITIVE_OUTFLOW,
    SCREENABLE,
    STARTED,
    outcome_in,
)
from candidates.models import (
    ContractType,
    DropoutReason,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    FollowUp,
    FollowUpMonths,
    Outcome,
    OutcomeKind,
    Recommendation,
    Screening,
)
from candidates.progress import enrolment_complete, enrolment_drop_out, outflow_record
from candidates.services import (
    enrolment_create,
    enrolment_start,
    enrolment_transition,
    enrolment_withdraw,
    reserve_promote,
    screening_record,
)
from candidates.tests.factories import CandidateFactory
from core.roles import Role
from core.statemachine import TransitionNotAllowed
from core.tests.factories import UserFactory
from employers.lifecycle import (
    EVER_CONFIRMED,
    OPEN,
    PLACE_HOLDING,
    PLACE_TAKING,
    PLACEMENT_LIFECYCLE,
    PROPOSABLE_ENROLMENT_STATUSES,
)
from employers.models import (
    ContractOffer,
    ContractOfferStatus,
    ContractTerm,
    DeclineReason,
    EndReason,
    Placement,
    PlacementStatus,
    PlacementTransition,
    SeatOffer,
    SeatOfferChange,
)
from employers.services import (
    contract_offer_answer,
    contract_offer_record,
    placement_confirm,
    placement_decline,
    placement_end,
    placement_propose,
    placement_start,
    places_offered,
    seat_offer_set,
)
from employers.tests.factories import EmployerFactory
from pilots.tests.factories import CohortFactory, PilotFactory
from reports.disclosure import check_relations, derivable, primary
from reports.figures import cells, hidden_cells, pilot_evaluation, public_figures, relations

S = EnrolmentStatus
P = PlacementStatus
# A threshold that a cohort of a few candidates reaches both sides of, so that small and shown counts mix.
THRESHOLD = 3
NOW = datetime.datetime(2026, 10, 1, 10, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
# The cohort began two weeks ago: starting on its first day, today, or earlier with a reason are all in reach.
COHORT_START = TODAY - datetime.timedelta(days=14)
COHORT_END = TODAY + datetime.timedelta(days=100)
START_DAYS = {
    "a week before the cohort": COHORT_START - datetime.timedelta(days=7),
    "the cohort's first day": COHORT_START,
    "today": TODAY,
    "after the cohort ended": COHORT_END + datetime.timedelta(days=1),
}
# Mostly a day the cohort runs.
START_DAY_CHOICES = ["the cohort's first day", "today", "the cohort's first day", "today", *START_DAYS]
# Mostly a reason; without one, a step that needs it is refused.
REASONS = st.sampled_from(["Afgesproken met de werkgever", "Afgesproken met de werkgever", ""])
NOTES = st.sampled_from(["", "Verhuisd naar een andere regio"])
SCORES = st.integers(min_value=1, max_value=5)
HOSTS = st.sampled_from([0, 1])
PLACES = st.integers(min_value=0, max_value=2)
MAX_CANDIDATES = 4
# Seat offers change a few times at most; the scene made the first ones.
MAX_OFFER_CHANGES = 4

# The action that moves an enrolment or a placement to each status, so a step can follow the transition tables.
# Planning a screening and a withdrawn placement have none here: a screening is recorded straight away, and only
# the enrolment's consequences withdraw a proposal.
ENROLMENT_ACTIONS = {
    S.SCREENED: "screen",
    S.SELECTED: "select",
    S.RESERVE: "reserve",
    S.NOT_SELECTED: "not_select",
    S.WITHDRAWN: "withdraw",
    S.STARTED: "start",
    S.COMPLETED: "complete",
    S.DROPPED_OUT: "drop_out",
    S.OUTFLOW: "record_outcome",
}
PLACEMENT_ACTIONS = {
    P.CONFIRMED: "confirm",
    P.DECLINED: "decline",
    P.ACTIVE: "start_internship",
    P.ENDED: "end_placement",
}


# A step that leads away from outflow, or leaves the status as it is, is drawn a quarter as often as one that
# leads towards it, so that more examples get as far as placements and outcomes.
DETOURS = frozenset({"not_select", "reserve", "withdraw", "decline", "end_placement", "offer_contract"})


def _weighted(forward: list[str], staying: list[str]) -> list[str]:
    return [action for action in forward for _ in range(1 if action in DETOURS else 4)] + staying


def enrolment_next_steps(status: str) -> list[str]:
    """The actions the life cycle allows now, and those that leave the status as it is (a second screening, a
    proposal, a corrected outcome)."""
    targets = sorted(ENROLMENT_LIFECYCLE.allowed_targets(status))
    forward = [ENROLMENT_ACTIONS[target] for target in targets if target in ENROLMENT_ACTIONS]
    staying = []
    if status in SCREENABLE and "screen" not in forward:
        staying.append("screen")
    if status in PROPOSABLE_ENROLMENT_STATUSES:
        forward.append("propose")
    if status == S.OUTFLOW:
        staying.append("record_outcome")
    return _weighted(forward, staying)


def placement_next_steps(status: str) -> list[str]:
    targets = sorted(PLACEMENT_LIFECYCLE.allowed_targets(status))
    forward = [PLACEMENT_ACTIONS[target] for target in targets if target in PLACEMENT_ACTIONS]
    return _weighted(forward, ["offer_contract"] if status in EVER_CONFIRMED else [])


# Four steps in five follow the tables, so an example gets as far as outflow; the fifth tries any action on any
# row, so that the refusals are tried too.
FOLLOW_THE_TABLE = st.sampled_from([True, True, True, True, False])

MACHINE_SETTINGS = settings(
    max_examples=15,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def after_a_change(check):
    """Skip an invariant for a state it already held for: a refused step or a repeat changed no row."""

    @functools.wraps(check)
    def checked_once_per_state(machine) -> None:
        if machine.checked.get(check.__name__) == machine.changes:
            return
        machine.checked[check.__name__] = machine.changes
        check(machine)

    return checked_once_per_state


class LifecycleReconciliation(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # Undone in teardown; a plain savepoint, not an atomic block, so the services' durable blocks still run
        # inside the test's transaction.
        self._savepoint = transaction.savepoint_create()
        # The rows this example made, in order: a step names them by number ("candidate 2" is the second one).
        self.enrolment_ids: list[int] = []
        self.placement_ids: list[int] = []
        self.offer_ids: list[int] = []
        # The rows as the last step left them (see _snapshot), and how many steps changed them so far: an
        # invariant that already held for this state is not counted again.
        self.state = self._snapshot()
        self.changes = 0
        self.checked: dict[str, int] = {}
        self.counted: dict[str, dict] = {}

    def teardown(self) -> None:
        transaction.savepoint_rollback(self._savepoint)

    # --- The scene: factories for what has no life cycle ---------------------------------------------------

    # Few seats and places, so that a cohort or a host is often full and the capacity rules are tried; the first
    # host always offers a place, so that a candidate can get as far as an internship.
    @initialize(
        seats=st.integers(min_value=1, max_value=3),
        candidates=st.integers(min_value=1, max_value=3),
        places=st.tuples(st.integers(min_value=1, max_value=2), PLACES),
    )
    def scene(self, seats, candidates, places):
        self.pilot = PilotFactory()
        self.cohort = CohortFactory(pilot=self.pilot, start_date=COHORT_START, end_date=COHORT_END, seats=seats)
        self.adviser = UserFactory(username="adviseur", role=Role.ADVISER)
        self.employers = [EmployerFactory(), EmployerFactory()]
        self.contacts = [
            UserFactory(username=f"werkgever{index}", organisation=employer.organisation, role=Role.EMPLOYER_CONTACT)
            for index, employer in enumerate(self.employers)
        ]
        # The first registrations and seat offers, through the services like everything after them.
        for _ in range(candidates):
            self.register()
        for host, offered in enumerate(places):
            if offered:
                self._offer(host, offered)

    # --- Helpers --------------------------------------------------------------------------------------------

    def _snapshot(self) -> dict:
        """What a refused step must leave as it was: every status, every history row, every record it writes."""
        return {
            "enrolments": sorted(
                Enrolment.objects.values_list("pk", "status", "dropout_reason", "reserve_position", "started_on")
            ),
            "placements": sorted(Placement.objects.values_list("pk", "status", "end_reason", "decline_reason")),
            "contract offers": sorted(ContractOffer.objects.values_list("pk", "status")),
            "seat offers": sorted(SeatOffer.objects.values_list("pk", "places")),
            "enrolment transitions": EnrolmentTransition.objects.count(),
            "placement transitions": PlacementTransition.objects.count(),
            "seat offer changes": SeatOfferChange.objects.count(),
            "screenings": Screening.objects.count(),
            "outcomes": sorted(Outcome.objects.values_list("pk", "kind")),
            "follow-ups": FollowUp.objects.count(),
        }

    def _attempt(self, action: str, service, **kwargs):
        """Call the service; a refusal is an allowed answer, as long as it changed nothing. None when refused."""
        before = self.state
        try:
            result = service(**kwargs)
        except TransitionNotAllowed:
            after = self._snapshot()
            changed = sorted(key for key in before if before[key] != after[key])
            assert not changed, f"{action} was refused, yet it changed: {', '.join(changed)}"
            return None
        self.state = self._snapshot()
        if self.state != before:
            self.changes += 1
        return result

    def _any(self, table: str, statuses) -> bool:
        """Whether a row of the table, as the last step left it, is in one of the statuses."""
        return any(row[1] in statuses for row in self.state[table])

    def _step(self, data, what: str, table: str, model, ids: list[int], next_steps, all_steps):
        """Draw a row and an action for it; the row fresh from the database, as a view would load it."""
        by_pk = {pk: status for pk, status, *_ in self.state[table]}
        statuses = [by_pk[pk] for pk in ids]
        numbers = [number for number, status in enumerate(statuses, start=1) if next_steps(status)]
        follow = data.draw(FOLLOW_THE_TABLE, label="follow the table") and bool(numbers)
        number = data.draw(st.sampled_from(numbers if follow else range(1, len(ids) + 1)), label=what)
        action = data.draw(st.sampled_from(next_steps(statuses[number - 1]) if follow else all_steps), label="action")
        return action, model.objects.get(pk=ids[number - 1])

    def _actor(self, data, placement):
        """Who answers for the host: the adviser (recording a phone call), its own contact, or another host's."""
        index = self.employers.index(placement.employer)
        actor = data.draw(st.sampled_from(["adviser", "own contact", "other host's contact"]), label="by")
        if actor == "adviser":
            return self.adviser
        return self.contacts[index if actor == "own contact" else 1 - index]

    def _enrolments(self):
        return Enrolment.objects.filter(cohort=self.cohort)

    # --- The rule ---------------------------------------------------------------------------------------------------
    # One rule that draws what happens next. Hypothesis switches a random part of a machine's rules off in each
    # example (swarm testing); with one rule per kind of step, half the examples would never move a candidate.

    @rule(data=st.data())
    def step(self, data):
        kinds = [
            # (kind of step, weight, whether it applies now)
            ("enrolment_step", 6, bool(self.enrolment_ids)),
            ("placement_step", 3, bool(self.placement_ids)),
            ("register", 1, len(self.enrolment_ids) < MAX_CANDIDATES),
            ("offer_places", 1, self.state["seat offer changes"] < MAX_OFFER_CHANGES),
            ("promote", 1, self._any("enrolments", {S.RESERVE})),
            ("answer_contract", 2, self._any("contract offers", {ContractOfferStatus.OFFERED})),
        ]
        weighted = [kind for kind, weight, applies in kinds if applies for _ in range(weight)]
        getattr(self, data.draw(st.sampled_from(weighted), label="step"))(data)

    def register(self, data=None):
        enrolment = self._attempt(
            "register",
            enrolment_create,
            candidate=CandidateFactory(adviser=self.adviser),
            cohort=self.cohort,
            by_user=self.adviser,
        )
        if enrolment is not None:
            self.enrolment_ids.append(enrolment.pk)

    def offer_places(self, data):
        self._offer(data.draw(HOSTS, label="host"), data.draw(st.integers(min_value=1, max_value=3), label="places"))

    def _offer(self, host: int, places: int) -> None:
        self._attempt(
            "offer places",
            seat_offer_set,
            employer=self.employers[host],
            cohort=self.cohort,
            places=places,
            by_user=self.adviser,
        )

    def promote(self, data):
        self._attempt("promote", reserve_promote, cohort=self.cohort, by_user=self.adviser)

    def enrolment_step(self, data):
        """A candidate, and one of the actions the life cycle allows from its status."""
        action, enrolment = self._step(
            data,
            "candidate",
            "enrolments",
            Enrolment,
            self.enrolment_ids,
            enrolment_next_steps,
            [*ENROLMENT_ACTIONS.values(), "propose"],
        )
        getattr(self, action)(data, enrolment)

    def placement_step(self, data):
        """A placement, and one of the actions the life cycle allows from its status."""
        action, placement = self._step(
            data,
            "placement",
            "placements",
            Placement,
            self.placement_ids,
            placement_next_steps,
            [*PLACEMENT_ACTIONS.values(), "offer_contract"],
        )
        getattr(self, action)(data, placement)

    def answer_contract(self, data):
        offered = [pk for pk, status in self.state["contract offers"] if status == ContractOfferStatus.OFFERED]
        number = data.draw(st.sampled_from([self.offer_ids.index(pk) + 1 for pk in offered]), label="contract offer")
        self._attempt(
            "answer contract",
            contract_offer_answer,
            offer=ContractOffer.objects.get(pk=self.offer_ids[number - 1]),
            accepted=data.draw(st.booleans(), label="accepted"),
            by_user=self.adviser,
        )

    # --- What an enrolment step does ------------------------------------------------------------------------------

    def screen(self, data, enrolment):
        scores = {
            f"{name}_score": data.draw(SCORES, label=name)
            for name in ("interest", "motivation", "language", "availability")
        }
        self._attempt(
            "screen",
            screening_record,
            enrolment=enrolment,
            by_user=self.adviser,
            screened_on=TODAY,
            recommendation=data.draw(st.sampled_from(Recommendation), label="recommendation"),
            **scores,
        )

    def _decide(self, data, enrolment, to_status):
        self._attempt(
            f"decide {to_status}",
            enrolment_transition,
            enrolment=enrolment,
            to_status=to_status,
            by_user=self.adviser,
            reason=data.draw(REASONS, label="reason"),
        )

    def select(self, data, enrolment):
        self._decide(data, enrolment, S.SELECTED)

    def reserve(self, data, enrolment):
        self._decide(data, enrolment, S.RESERVE)

    def not_select(self, data, enrolment):
        self._decide(data, enrolment, S.NOT_SELECTED)

    def withdraw(self, data, enrolment):
        self._attempt(
            "withdraw",
            enrolment_withdraw,
            enrolment=enrolment,
            by_user=self.adviser,
            reason=data.draw(REASONS, label="reason"),
            promote_reserve=data.draw(st.booleans(), label="promote reserve"),
        )

    def start(self, data, enrolment):
        day = data.draw(st.sampled_from(START_DAY_CHOICES), label="start day")
        self._attempt(
            "start",
            enrolment_start,
            enrolment=enrolment,
            by_user=self.adviser,
            on_date=START_DAYS[day],
            reason=data.draw(REASONS, label="reason"),
        )

    def propose(self, data, enrolment):
        employer = self.employers[data.draw(HOSTS, label="host")]
        placement = self._attempt(
            "propose", placement_propose, enrolment=enrolment, employer=employer, by_user=self.adviser
        )
        if placement is not None:
            self.placement_ids.append(placement.pk)

    def complete(self, data, enrolment):
        self._attempt("complete", enrolment_complete, enrolment=enrolment, by_user=self.adviser)

    def drop_out(self, data, enrolment):
        self._attempt(
            "drop out",
            enrolment_drop_out,
            enrolment=enrolment,
            by_user=self.adviser,
            reason=data.draw(st.sampled_from(DropoutReason), label="dropout reason"),
            note=data.draw(NOTES, label="note"),
        )

    def record_outcome(self, data, enrolment):
        kind = data.draw(st.sampled_from(OutcomeKind), label="outcome")
        details = {}
        if kind == OutcomeKind.CONTRACT_AT_HOST:
            details["employer"] = self.employers[data.draw(HOSTS, label="host")]
        if kind in OUTCOMES_WITH_MBO_LEVEL:
            details["education_level"] = data.draw(st.integers(min_value=1, max_value=4), label="MBO level")
        if data.draw(st.booleans(), label="with a start date"):
            details["start_date"] = TODAY + datetime.timedelta(days=7)
        self._attempt(
            f"outcome {kind}", outflow_record, enrolment=enrolment, by_user=self.adviser, kind=kind, **details
        )

    # --- What a placement step does -------------------------------------------------------------------------------

    def confirm(self, data, placement):
        self._attempt("confirm", placement_confirm, placement=placement, by_user=self._actor(data, placement))

    def decline(self, data, placement):
        self._attempt(
            "decline",
            placement_decline,
            placement=placement,
            by_user=self._actor(data, placement),
            reason=data.draw(st.sampled_from(DeclineReason), label="decline reason"),
            note=data.draw(NOTES, label="note"),
        )

    def start_internship(self, data, placement):
        self._attempt("start internship", placement_start, placement=placement, by_user=self._actor(data, placement))

    def end_placement(self, data, placement):
        self._attempt(
            "end placement",
            placement_end,
            placement=placement,
            by_user=self._actor(data, placement),
            reason=data.draw(st.sampled_from(EndReason), label="end reason"),
            note=data.draw(NOTES, label="note"),
        )

    def offer_contract(self, data, placement):
        term = data.draw(st.sampled_from(ContractTerm), label="term")
        offer = self._attempt(
            "offer contract",
            contract_offer_record,
            enrolment=placement.enrolment,
            employer=placement.employer,
            by_user=self.adviser,
            kind=data.draw(st.sampled_from(ContractType), label="contract"),
            hours_per_week=24,
            start_date=TODAY + datetime.timedelta(days=30),
            contract_type=term,
            duration_months=12 if term == ContractTerm.FIXED_TERM else None,
        )
        if offer is not None:
            self.offer_ids.append(offer.pk)

    # --- Invariants ---------------------------------------------------------------------------------------------
    # Hypothesis calls each after every step; after_a_change skips a state it already held for.

    def _per_state(self, name: str, count):
        """count(), once per state of the rows: several invariants compare the same counts."""
        if self.checked.get(name) != self.changes:
            self.checked[name] = self.changes
            self.counted[name] = count()
        return self.counted[name]

    def _counts(self) -> dict[str, int]:
        """The funnel as the life-cycle sets count it."""
        enrolments = self._enrolments()
        return self._per_state(
            "funnel",
            lambda: {
                "registered": enrolments.count(),
                "screened": enrolments.filter(screenings__isnull=False).distinct().count(),
                "selected ever": enrolments.selected_ever().count(),
                "seat holding": enrolments.seat_holding().count(),
                "withdrawn": enrolments.withdrawn().count(),
                "started": enrolments.started().count(),
                "completed": enrolments.completed().count(),
                "dropped out": enrolments.dropped_out().count(),
                "positive outflow": enrolments.positive_outflow().count(),
                "work": enrolments.outflow_to_work().count(),
                "bbl": enrolments.outflow_to_bbl().count(),
                "education": enrolments.outflow_to_education().count(),
                "outcomes": Outcome.objects.filter(enrolment__cohort=self.cohort).count(),
            },
        )

    def _host_counts(self) -> dict[str, dict[str, int]]:
        """Per host, the places and the placements as employers.lifecycle names them, and the contracts."""

        def count():
            counts = {}
            for employer in self.employers:
                placements = Placement.objects.filter(employer=employer, enrolment__cohort=self.cohort)
                counts[str(employer)] = {
                    "offered": places_offered(employer=employer, cohort_id=self.cohort.pk),
                    "proposed": placements.filter(status=PlacementStatus.PROPOSED).count(),
                    "taking a place": placements.filter(status__in=PLACE_TAKING).count(),
                    "holding a place": placements.filter(status__in=PLACE_HOLDING).count(),
                    # DOMAIN.md: the candidates ever confirmed at the host, ended placements included.
                    "confirmed": placements.filter(status__in=EVER_CONFIRMED).values("enrolment").distinct().count(),
                    # DOMAIN.md: contracts per host come from the outcomes.
                    "contracts": Outcome.objects.filter(
                        enrolment__cohort=self.cohort, kind=OutcomeKind.CONTRACT_AT_HOST, employer=employer
                    ).count(),
                }
            return counts

        return self._per_state("hosts", count)

    @invariant()
    @after_a_change
    def funnel_never_grows_downstream(self):
        c = self._counts()
        assert c["registered"] >= c["screened"], f"screened exceeds registered: {c}"
        assert c["screened"] >= c["selected ever"], f"selected (ever) exceeds screened: {c}"
        assert c["selected ever"] >= c["started"], f"started exceeds selected (ever): {c}"
        assert c["started"] >= c["completed"] + c["dropped out"], f"completed + dropped out exceeds started: {c}"
        assert c["started"] >= c["positive outflow"], f"positive outflow exceeds started: {c}"
        assert c["positive outflow"] == c["work"] + c["bbl"] + c["education"], (
            f"positive outflow is not work + BBL + education: {c}"
        )
        assert c["withdrawn"] <= c["selected ever"], f"withdrawn exceeds selected (ever): {c}"

    @invariant()
    @after_a_change
    def seats_taken_fit_the_cohort(self):
        taken = self._counts()["seat holding"]
        assert taken <= self.cohort.seats, f"{taken} enrolments hold a seat, the cohort has {self.cohort.seats}"

    @invariant()
    @after_a_change
    def hosts_never_take_more_than_they_offered(self):
        for host, c in self._host_counts().items():
            assert c["taking a place"] <= c["offered"], f"{host}: more open placements than places offered: {c}"
            assert c["holding a place"] <= c["offered"], f"{host}: more placements confirmed than offered: {c}"

    @invariant()
    @after_a_change
    def no_open_placement_after_the_track(self):
        stray = list(
            Placement.objects.filter(enrolment__cohort=self.cohort, status__in=OPEN)
            .exclude(enrolment__status__in=sorted(PROPOSABLE_ENROLMENT_STATUSES))
            .values_list("pk", "status", "enrolment__status")
        )
        assert not stray, f"open placements (pk, status, enrolment status) of a candidate not in play: {stray}"

    @invariant()
    @after_a_change
    def every_outcome_has_its_follow_ups(self):
        expected = sorted(FollowUpMonths.values)
        for outcome in Outcome.objects.filter(enrolment__cohort=self.cohort).prefetch_related("followups"):
            months = sorted(followup.months for followup in outcome.followups.all())
            assert months == expected, f"outcome {outcome.pk} ({outcome.kind}) has follow-ups at {months} months"
        # The other way round: an enrolment reaches outflow only with an outcome.
        in_outflow = self._enrolments().filter(status=S.OUTFLOW).count()
        outcomes = self._counts()["outcomes"]
        assert in_outflow == outcomes, f"{in_outflow} enrolments in outflow, {outcomes} outcomes"

    @invariant()
    @after_a_change
    def running_internships_belong_to_started_enrolments(self):
        stray = list(
            Placement.objects.filter(enrolment__cohort=self.cohort, status=PlacementStatus.ACTIVE)
            .exclude(enrolment__status__in=sorted(STARTED))
            .values_list("pk", "enrolment__status")
        )
        assert not stray, f"running internships (pk, enrolment status) of enrolments that never started: {stray}"

    @invariant()
    @after_a_change
    def evaluation_matches_the_lifecycle_sets(self):
        evaluation = pilot_evaluation(pilots=[self.pilot])
        c = self._counts()
        funnel = {
            "applied": c["registered"],
            "screened": c["screened"],
            "selected": c["selected ever"],
            "started": c["started"],
            "completed": c["completed"],
            "outflow": c["positive outflow"],
        }
        for key, counted in funnel.items():
            shown = evaluation.total.stage(key).count
            assert shown == counted, (
                f"funnel stage {key}: the evaluation shows {shown}, the life cycle counts {counted}"
            )
        for key, name in [
            ("positive", "positive outflow"),
            ("work", "work"),
            ("bbl", "bbl"),
            ("education", "education"),
        ]:
            outflow = evaluation.total.measure(key)
            assert (outflow.count, outflow.started) == (c[name], c["started"]), (
                f"{key} outflow shows {outflow.count} of {outflow.started} started: {c}"
            )
        (cohort,) = evaluation.cohorts
        assert cohort.figures == evaluation.total, "the only cohort's figures differ from the total"
        (pilot,) = evaluation.pilots
        assert pilot.figures == evaluation.total, "the only pilot's figures differ from the total"

        by_kind = {figure.kind: figure.count for figure in evaluation.outflow_by_kind}
        for kinds, name in [
            (OutcomeKind.values, "outcomes"),
            (OUTFLOW_TO_WORK, "work"),
            (OUTFLOW_TO_BBL, "bbl"),
            (OUTFLOW_TO_EDUCATION, "education"),
            (POSITIVE_OUTFLOW, "positive outflow"),
        ]:
            shown = sum(by_kind[kind] for kind in kinds)
            assert shown == c[name], f"outflow by kind, {name}: the evaluation shows {shown}, the life cycle {c[name]}"

        dropped_out = self._enrolments().dropped_out()
        shown = sum(figure.count for figure in evaluation.dropout_by_reason)
        assert shown == c["dropped out"], f"dropout by reason sums to {shown}, {c['dropped out']} dropped out"
        per_reason = {
            reason: (count, to_work)
            for reason, count, to_work in dropped_out.order_by()
            .values("dropout_reason")
            .annotate(count=Count("pk"), to_work=Count("pk", filter=outcome_in(POSITIVE_OUTFLOW)))
            .values_list("dropout_reason", "count", "to_work")
        }
        for figure in evaluation.dropout_by_reason:
            counted = per_reason.get(figure.reason, (0, 0))
            assert (figure.count, figure.to_work) == counted, (
                f"dropout {figure.reason} (count, to work): the evaluation shows {(figure.count, figure.to_work)}, "
                f"the life cycle {counted}"
            )

        shown_hosts = {figure.name: figure for figure in evaluation.employers}
        for host, c in self._host_counts().items():
            counted = {key: c[key] for key in ("offered", "proposed", "confirmed", "contracts")}
            figure = shown_hosts.get(host)
            # A host that is not involved in the cohort is left out of the evaluation: zero everywhere.
            shown = {key: 0 if figure is None else getattr(figure, key) for key in counted}
            assert shown == counted, f"{host}: the evaluation shows {shown}, the life cycle {counted}"

    @invariant()
    @after_a_change
    def every_table_reconciles_and_no_hidden_count_can_be_worked_out(self):
        """The relations the report declares hold on the raw figures, and the public figures hide no count that
        solving those relations would give back (reports.disclosure's adversary)."""
        evaluation = pilot_evaluation(pilots=[self.pilot])
        values = cells(evaluation)
        declared = relations(evaluation)
        broken = check_relations(values, declared)
        assert not broken, f"tables that do not add up: {broken}"
        hidden = hidden_cells(evaluation, threshold=THRESHOLD)
        assert primary(values, threshold=THRESHOLD) <= hidden
        recovered = derivable(values, declared, hidden)
        assert not recovered, f"hidden counts worked out again: {sorted(recovered)}"
        with override_settings(REPORT_SMALL_COUNT_THRESHOLD=THRESHOLD):
            shown = cells(public_figures(evaluation))
        assert set(shown) == set(values) - hidden, "the public figures show other counts than protect() leaves"


@pytest.mark.django_db
def test_lifecycle_tables_add_up(time_machine):
    time_machine.move_to(NOW, tick=False)
    run_state_machine_as_test(LifecycleReconciliation, settings=MACHINE_SETTINGS)
