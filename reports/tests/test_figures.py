"""The evaluation figures, counted over states built through the services.

Every status, placement, outcome, mark, result, certificate and follow-up answer below is reached through the
service a page calls (candidates/tests/journeys.py walks an enrolment; employers.services and candidates.progress
do the rest), so that a figure that contradicts a service shows up here. Only pilots, cohorts, modules, users,
employers, seat offers, candidates and their barriers come from factories: none of them is a status.
"""

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.translation import gettext

from candidates.lifecycle import OUTFLOW_TO_EDUCATION, OUTFLOW_TO_WORK, POSITIVE_OUTFLOW
from candidates.models import (
    AttendanceKind,
    AttendanceStatus,
    BarrierKind,
    ContractType,
    DropoutReason,
    Enrolment,
    EnrolmentStatus,
    ModuleResultStatus,
    Outcome,
    OutcomeKind,
)
from candidates.privacy import anonymise_candidate
from candidates.progress import (
    attendance_mark,
    attendance_session_create,
    certificate_record,
    enrolment_complete,
    followup_record,
    module_result_record,
    outflow_record,
)
from candidates.services import enrolment_transition, enrolment_withdraw
from candidates.tests.factories import CandidateBarrierFactory, CandidateFactory
from candidates.tests.journeys import walk
from employers.models import ContractTerm, DeclineReason, EndReason, Placement, PlacementStatus
from employers.services import (
    contract_offer_answer,
    contract_offer_record,
    placement_confirm,
    placement_decline,
    placement_end,
    placement_propose,
    placement_start,
    seat_offer_set,
)
from employers.tests.factories import EmployerFactory, SeatOfferFactory
from pilots.models import Pilot
from pilots.tests.factories import (
    CohortFactory,
    CohortModuleFactory,
    OrganisationFactory,
    PilotFactory,
    PilotPartnerFactory,
    RegionFactory,
)
from reports.figures import (
    COMPLETENESS_CHECKS,
    DEFINITIONS,
    FUNNEL_STAGES,
    STAGE_LABELS,
    STAGES,
    TargetStatus,
    hidden_cells,
    known_zeros,
    pilot_evaluation,
    public_figures,
    suppress,
    target_status,
)

pytestmark = pytest.mark.django_db

S = EnrolmentStatus
P = PlacementStatus
# When the follow-up answers below are recorded (followup_record refuses a day still to come): 1 June 2027, when
# the checks at 3 and 6 months of an outflow on 1 December 2026 have fallen due.
ANSWERS_RECORDED_AT = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)


def _enrol(cohort, status, by_user, n=1, **kwargs):
    return [walk(cohort=cohort, to=status, by_user=by_user, **kwargs) for _ in range(n)]


def _outflow(
    cohort, by_user, kind=OutcomeKind.JOB_ELSEWHERE, *, dropout_reason="", started_on=None, ended_on=None, **outcome
):
    """Walk an enrolment to outflow with an outcome of `kind` (by default a job elsewhere): through completion, or
    with a reason through dropping out. `outcome` holds outflow_record's other fields."""
    return walk(
        cohort=cohort,
        to=S.OUTFLOW,
        by_user=by_user,
        dropout_reason=dropout_reason,
        started_on=started_on,
        ended_on=ended_on,
        outcome={"kind": kind, **outcome},
    )


def _placement(enrolment, host, by_user, *, to, start_date=None, ended_on=None):
    """Propose the candidate to the host and take the placement to `to`, one employers service per step."""
    placement = placement_propose(
        enrolment=enrolment, employer=host, by_user=by_user, notify=False, start_date=start_date
    )
    if to == P.DECLINED:
        return placement_decline(placement=placement, by_user=by_user, reason=DeclineReason.NO_SUPERVISOR)
    if to != P.PROPOSED:
        placement = placement_confirm(placement=placement, by_user=by_user)
    if to in (P.ACTIVE, P.ENDED):
        placement = placement_start(placement=placement, by_user=by_user)
    if to == P.ENDED:
        placement = placement_end(placement=placement, by_user=by_user, reason=EndReason.NOT_A_FIT, on_date=ended_on)
    return placement


def _contract_offer(enrolment, host, by_user, *, accepted=None):
    """The host offers a contract; the candidate accepts or declines it, or has not answered yet (None)."""
    offer = contract_offer_record(
        enrolment=enrolment,
        employer=host,
        by_user=by_user,
        kind=ContractType.GROUP_HELPER,
        hours_per_week=24,
        start_date=date(2027, 1, 4),
        contract_type=ContractTerm.FIXED_TERM,
        duration_months=12,
    )
    if accepted is not None:
        offer = contract_offer_answer(offer=offer, accepted=accepted, by_user=by_user)
    return offer


def _answer(outcome, months, by_user, *, on_date, still_working=True):
    """Record the answer of the outcome's follow-up at `months` (scheduled by outflow_record)."""
    return followup_record(
        followup=outcome.followups.get(months=months), by_user=by_user, still_working=still_working, on_date=on_date
    )


def test_funnel_counts_and_rates_on_a_hand_built_cohort(adviser):
    cohort = CohortFactory()
    _enrol(cohort, S.REGISTERED, adviser, 2)
    _enrol(cohort, S.NOT_SELECTED, adviser)  # screened, then refused
    refused_at_intake = walk(cohort=cohort, to=S.REGISTERED, by_user=adviser)
    enrolment_transition(
        enrolment=refused_at_intake, to_status=S.NOT_SELECTED, by_user=adviser, reason="Geen interesse in de zorg"
    )
    _enrol(cohort, S.RESERVE, adviser)
    _enrol(cohort, S.SELECTED, adviser)
    _enrol(cohort, S.STARTED, adviser)
    _enrol(cohort, S.COMPLETED, adviser, 2)
    _enrol(cohort, S.DROPPED_OUT, adviser, dropout_reason=DropoutReason.HEALTH)
    _outflow(cohort, adviser)  # completed, then outflow
    _outflow(cohort, adviser, dropout_reason=DropoutReason.FOUND_WORK)  # left early for work: outflow, not completed

    funnel = pilot_evaluation(pilots=[cohort.pilot]).total.funnel

    assert [stage.key for stage in funnel] == list(FUNNEL_STAGES)
    assert [stage.count for stage in funnel] == [12, 9, 7, 6, 3, 2]
    assert [stage.base for stage in funnel] == [None, 12, 9, 7, 6, 6]
    assert [stage.rate for stage in funnel] == [None, 75.0, 77.8, 85.7, 50.0, 33.3]


@pytest.mark.parametrize(
    ("to_work", "started", "percentage", "status"),
    [(3, 4, 75.0, TargetStatus.MET), (2, 3, 66.7, TargetStatus.CLOSE), (1, 2, 50.0, TargetStatus.NOT_MET)],
)
def test_positive_outflow_against_the_pilots_target(adviser, to_work, started, percentage, status):
    cohort = CohortFactory(pilot__target_outflow_percentage=75)
    for _ in range(to_work):
        _outflow(cohort, adviser)
    _enrol(cohort, S.COMPLETED, adviser, started - to_work)
    _enrol(cohort, S.SELECTED, adviser)  # not started: not in the base

    outflow = pilot_evaluation(pilots=[cohort.pilot]).total.measure("positive")

    assert (outflow.count, outflow.started, outflow.percentage) == (to_work, started, percentage)
    assert (outflow.target, outflow.status) == (75, status)


def test_outflow_to_work_bbl_and_education_are_figures_of_their_own_each_with_its_target(adviser):
    cohort = CohortFactory(
        pilot__target_outflow_percentage=80, pilot__target_work_percentage=50, pilot__target_bbl_percentage=None
    )
    _outflow(cohort, adviser)  # a job elsewhere
    _outflow(cohort, adviser, OutcomeKind.BBL, education_level=2)
    _outflow(cohort, adviser, OutcomeKind.EDUCATION, education_level=3)
    _outflow(cohort, adviser, OutcomeKind.NONE)

    total = pilot_evaluation(pilots=[cohort.pilot]).total

    figures = {
        figure.key: (figure.count, figure.started, figure.percentage, figure.target, figure.status)
        for figure in total.outflow
    }
    assert figures == {
        "positive": (3, 4, 75.0, 80, TargetStatus.CLOSE),
        "work": (1, 4, 25.0, 50, TargetStatus.NOT_MET),
        "bbl": (1, 4, 25.0, None, None),
        "education": (1, 4, 25.0, None, None),
    }
    # Work, BBL and education make up positive outflow, which is the funnel's last stage.
    assert total.stage("outflow").count == 3
    assert [figure.key for figure in total.targeted] == ["positive", "work"]


def test_target_status_boundaries():
    assert target_status(75.0, 75) == TargetStatus.MET
    assert target_status(65.0, 75) == TargetStatus.CLOSE
    assert target_status(64.9, 75) == TargetStatus.NOT_MET
    assert target_status(None, 75) is None


def test_outflow_by_kind_counts_every_outcome_and_only_work_as_outflow(adviser):
    cohort = CohortFactory()
    employer = EmployerFactory()
    for _ in range(2):
        _outflow(cohort, adviser, OutcomeKind.CONTRACT_AT_HOST, employer=employer)
    _outflow(cohort, adviser, OutcomeKind.VOLUNTEER)
    _outflow(cohort, adviser, OutcomeKind.NONE)
    _outflow(CohortFactory(), adviser, OutcomeKind.EDUCATION, education_level=2)  # another pilot's cohort

    evaluation = pilot_evaluation(pilots=[cohort.pilot])

    assert {kind.kind: kind.count for kind in evaluation.outflow_by_kind} == {
        OutcomeKind.CONTRACT_AT_HOST: 2,
        OutcomeKind.JOB_ELSEWHERE: 0,
        OutcomeKind.BBL: 0,
        OutcomeKind.EDUCATION: 0,
        OutcomeKind.VOLUNTEER: 1,
        OutcomeKind.NONE: 1,
    }
    assert evaluation.outcomes_recorded == 4
    assert evaluation.total.measure("work").count == evaluation.total.measure("positive").count == 2


def test_dropout_by_reason_counts_those_who_found_work_as_work(adviser):
    cohort = CohortFactory()
    _enrol(cohort, S.DROPPED_OUT, adviser, 2, dropout_reason=DropoutReason.HEALTH)
    # Dropping out for work records the job elsewhere at once; the second one's outcome is corrected to a BBL.
    walk(cohort=cohort, to=S.DROPPED_OUT, by_user=adviser, dropout_reason=DropoutReason.FOUND_WORK)
    _outflow(cohort, adviser, OutcomeKind.EDUCATION, dropout_reason=DropoutReason.FOUND_WORK, education_level=2)
    _enrol(cohort, S.COMPLETED, adviser)

    dropouts = {
        row.reason: (row.count, row.to_work) for row in pilot_evaluation(pilots=[cohort.pilot]).dropout_by_reason
    }

    assert dropouts[DropoutReason.HEALTH] == (2, 0)
    assert dropouts[DropoutReason.FOUND_WORK] == (2, 2)
    assert dropouts[DropoutReason.MOTIVATION] == (0, 0)
    assert list(dropouts) == DropoutReason.values


def test_places_per_host_employer_are_summed_over_the_cohorts(adviser):
    first = CohortFactory(start_date=date(2026, 3, 1))
    second = CohortFactory(pilot=first.pilot)
    host = EmployerFactory(organisation__name="Kinderopvang Zon")
    seat_offer_set(employer=host, cohort=first, places=3, by_user=adviser)
    seat_offer_set(employer=host, cohort=second, places=2, by_user=adviser)
    _placement(walk(cohort=first, to=S.SELECTED, by_user=adviser), host, adviser, to=P.PROPOSED)
    _placement(walk(cohort=second, to=S.STARTED, by_user=adviser), host, adviser, to=P.ACTIVE)
    _placement(walk(cohort=second, to=S.SELECTED, by_user=adviser), host, adviser, to=P.DECLINED)
    for accepted in (True, None):  # one offer accepted, one not answered yet
        hired = walk(cohort=first, to=S.SELECTED, by_user=adviser)
        _placement(hired, host, adviser, to=P.CONFIRMED)
        _contract_offer(hired, host, adviser, accepted=accepted)
    # A host needs a free place to be proposed to: one that declined its only proposal still offered that place.
    other = EmployerFactory(organisation__name="Bso De Wip")
    seat_offer_set(employer=other, cohort=first, places=1, by_user=adviser)
    _placement(walk(cohort=first, to=S.SELECTED, by_user=adviser), other, adviser, to=P.DECLINED)
    SeatOfferFactory(employer=host, places=7)  # another pilot's cohort

    employers = pilot_evaluation(pilots=[first.pilot]).employers

    # Placed: the active placement and the two confirmed ones the contract offers go with. Contracts come from the
    # outcomes: an offer accepted while the track still runs is not an outcome yet.
    assert [
        (row.name, row.offered, row.proposed, row.confirmed, row.ended_early, row.contracts) for row in employers
    ] == [
        ("Bso De Wip", 1, 0, 0, 0, 0),
        ("Kinderopvang Zon", 5, 1, 3, 0, 0),
    ]


def test_cohorts_side_by_side_within_the_period(adviser):
    pilot = PilotFactory(target_outflow_percentage=70)
    spring = CohortFactory(pilot=pilot, name="Voorjaar", start_date=date(2026, 3, 1), end_date=date(2026, 6, 1))
    autumn = CohortFactory(pilot=pilot, name="Najaar", start_date=date(2026, 9, 1), end_date=date(2026, 12, 1))
    later = CohortFactory(pilot=pilot, name="Volgend jaar", start_date=date(2027, 3, 1), end_date=date(2027, 6, 1))
    _outflow(spring, adviser)
    _enrol(spring, S.COMPLETED, adviser)
    _enrol(autumn, S.REGISTERED, adviser, 3)
    _outflow(later, adviser)
    _outflow(CohortFactory(start_date=date(2026, 4, 1)), adviser)  # another pilot

    evaluation = pilot_evaluation(pilots=Pilot.objects.filter(pk=pilot.pk), period_end=date(2026, 12, 31))

    assert [(cohort.name, cohort.start_date) for cohort in evaluation.cohorts] == [
        ("Voorjaar", date(2026, 3, 1)),
        ("Najaar", date(2026, 9, 1)),
    ]
    spring_figures, autumn_figures = (cohort.figures for cohort in evaluation.cohorts)
    assert spring_figures.stage("applied").count == 2
    spring_outflow = spring_figures.measure("positive")
    assert (spring_outflow.percentage, spring_outflow.status) == (50.0, "not_met")
    assert autumn_figures.stage("applied").count == 3
    assert autumn_figures.measure("positive").percentage is None
    assert evaluation.total.stage("applied").count == 5
    assert evaluation.total.measure("positive").target == 70
    assert evaluation.pilot_names == (pilot.name,)
    only_autumn = pilot_evaluation(pilots=[pilot], cohorts=[autumn, later], period_start=date(2026, 6, 1))
    assert [cohort.name for cohort in only_autumn.cohorts] == ["Najaar", "Volgend jaar"]


def test_the_total_has_no_target_when_the_pilots_differ(adviser):
    first = CohortFactory(pilot__target_outflow_percentage=75)
    second = CohortFactory(pilot__target_outflow_percentage=60)
    _outflow(first, adviser)
    _outflow(second, adviser)

    evaluation = pilot_evaluation(pilots=[first.pilot, second.pilot])

    total = evaluation.total.measure("positive")
    assert (total.target, total.status) == (None, None)
    assert [cohort.figures.measure("positive").target for cohort in evaluation.cohorts] == [75, 60]


def test_suppress_hides_counts_from_one_below_the_threshold(settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    assert [suppress(count) for count in (0, 1, 3, 4, 5, 50)] == [0, None, None, None, 5, 50]
    assert suppress(3, threshold=3) == 3


def test_public_figures_hide_small_counts_and_the_rates_made_from_them(adviser, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory()
    _enrol(cohort, S.REGISTERED, adviser, 8)
    _enrol(cohort, S.STARTED, adviser, 2)
    for _ in range(3):
        _outflow(cohort, adviser)
    raw = pilot_evaluation(pilots=[cohort.pilot])

    shown = public_figures(raw)

    assert raw.total.stage("outflow").count == 3
    assert raw.total.measure("positive").percentage == 60.0
    screened, outflow = shown.total.stage("screened"), shown.total.stage("outflow")
    assert (screened.count, screened.rate) == (5, 38.5)
    assert (outflow.count, outflow.base, outflow.rate) == (None, 5, None)
    work = shown.total.measure("positive")
    assert (work.count, work.started, work.percentage, work.status) == (None, 5, None, None)
    # The cohorts side by side are suppressed the same way.
    assert shown.cohorts[0].figures.stage("completed").count is None
    assert {row.reason: row.count for row in shown.dropout_by_reason}[DropoutReason.HEALTH] == 0
    assert {row.kind: row.count for row in shown.outflow_by_kind}[OutcomeKind.JOB_ELSEWHERE] is None


def test_public_figures_are_made_public_once(adviser, settings, django_assert_num_queries):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory()
    _enrol(cohort, S.STARTED, adviser, 2)
    raw = pilot_evaluation(pilots=[cohort.pilot])

    shown = public_figures(raw)

    assert not raw.public
    assert shown.public
    assert shown.total.stage("started").count is None
    # Passing public figures through again, as every view and export does, hands them back as they are.
    settings.REPORT_SMALL_COUNT_THRESHOLD = 1
    with django_assert_num_queries(0):
        assert public_figures(shown) is shown


def test_public_figures_hide_a_rate_whose_base_is_hidden(adviser, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory()
    _enrol(cohort, S.REGISTERED, adviser, 3)
    _enrol(cohort, S.SELECTED, adviser, 5)
    _enrol(cohort, S.STARTED, adviser, 3)

    started = public_figures(pilot_evaluation(pilots=[cohort.pilot])).total.stage("started")
    completed = public_figures(pilot_evaluation(pilots=[cohort.pilot])).total.stage("completed")

    assert (started.count, started.base, started.rate) == (None, 8, None)
    assert (completed.count, completed.base, completed.rate) == (0, None, None)


def test_barriers_count_the_started_candidates_per_kind(adviser):
    cohort = CohortFactory()
    first, second = _enrol(cohort, S.STARTED, adviser, 2)
    dropped_out = walk(cohort=cohort, to=S.DROPPED_OUT, by_user=adviser, dropout_reason=DropoutReason.FOUND_WORK)
    registered = walk(cohort=cohort, to=S.REGISTERED, by_user=adviser)  # not started: not counted
    CandidateBarrierFactory(candidate=first.candidate, kind=BarrierKind.CHILDCARE)
    CandidateBarrierFactory(candidate=first.candidate, kind=BarrierKind.DEBTS, resolved=True)
    CandidateBarrierFactory(candidate=second.candidate, kind=BarrierKind.CHILDCARE)
    CandidateBarrierFactory(candidate=dropped_out.candidate, kind=BarrierKind.TRANSPORT)
    CandidateBarrierFactory(candidate=registered.candidate, kind=BarrierKind.HOUSING)
    # The same candidate started again in a later cohort of the pilot: still one candidate.
    walk(cohort=CohortFactory(pilot=cohort.pilot), to=S.STARTED, by_user=adviser, candidate=first.candidate)
    CandidateBarrierFactory(candidate=walk(cohort=CohortFactory(), to=S.STARTED, by_user=adviser).candidate)

    barriers = {row.kind: row.count for row in pilot_evaluation(pilots=[cohort.pilot]).barriers}

    assert list(barriers) == BarrierKind.values
    assert barriers == {
        BarrierKind.CHILDCARE: 2,
        BarrierKind.TRANSPORT: 1,
        BarrierKind.POVERTY_TRAP: 0,
        BarrierKind.HEALTH: 0,
        BarrierKind.DEBTS: 1,
        BarrierKind.HOUSING: 0,
    }


def _result(enrolment, module, status, by_user):
    return module_result_record(
        enrolment=enrolment, cohort_module=module, status=status, by_user=by_user, on_date=date(2026, 10, 1)
    )


def _certificate(enrolment, by_user, module=None):
    return certificate_record(
        enrolment=enrolment, cohort_module=module, name="VCA", issued_on=date(2026, 10, 1), by_user=by_user
    )


def _session(cohort, by_user, on_date=date(2026, 9, 7), module=None):
    return attendance_session_create(
        cohort=cohort, on_date=on_date, kind=AttendanceKind.INTERNSHIP, cohort_module=module, by_user=by_user
    )


def _mark(session, enrolment, by_user, status=AttendanceStatus.PRESENT):
    return attendance_mark(session=session, enrolment=enrolment, status=status, by_user=by_user)


def test_module_completion_per_module_name_with_the_certificates_that_count(adviser):
    spring = CohortFactory()
    autumn = CohortFactory(pilot=spring.pilot)
    vca_spring = CohortModuleFactory(
        cohort=spring, name="VCA", position=1, is_unit_certificate=True, certificate_name="VCA"
    )
    vca_autumn = CohortModuleFactory(
        cohort=autumn, name="VCA", position=1, is_unit_certificate=True, certificate_name="VCA"
    )
    hygiene = CohortModuleFactory(cohort=spring, name="Hygiëne", position=2)
    CohortModuleFactory(cohort=spring, name="Taal", position=3)  # no results yet
    passed, failed, busy, completed = _enrol(spring, S.STARTED, adviser, 4)
    other = walk(cohort=autumn, to=S.STARTED, by_user=adviser)
    _result(passed, vca_spring, ModuleResultStatus.PASSED, adviser)
    _result(failed, vca_spring, ModuleResultStatus.NOT_PASSED, adviser)
    _result(busy, vca_spring, ModuleResultStatus.IN_PROGRESS, adviser)
    _result(other, vca_autumn, ModuleResultStatus.PASSED, adviser)
    _result(completed, hygiene, ModuleResultStatus.PASSED, adviser)
    _result(passed, hygiene, ModuleResultStatus.EXEMPT, adviser)
    _certificate(passed, adviser, vca_spring)
    _certificate(other, adviser, vca_autumn)
    _certificate(completed, adviser, hygiene)  # part of the whole track, which is completed below: counts
    _certificate(passed, adviser, hygiene)  # the track is not completed yet: does not count
    _certificate(busy, adviser)  # recorded without a module: in the total only
    _certificate(walk(cohort=CohortFactory(), to=S.STARTED, by_user=adviser), adviser)  # another pilot
    enrolment_complete(enrolment=completed, by_user=adviser, on_date=date(2026, 12, 1))

    evaluation = pilot_evaluation(pilots=[spring.pilot])

    rows = [(row.name, row.results, row.passed, row.rate, row.certificates) for row in evaluation.modules]
    assert rows == [("VCA", 4, 2, 50.0, 2), ("Hygiëne", 2, 1, 50.0, 1), ("Taal", 0, 0, None, 0)]
    assert evaluation.certificates_issued == 4


def test_attendance_is_present_over_marked_sessions_of_the_cohorts(adviser):
    cohort = CohortFactory()
    enrolment = walk(cohort=cohort, to=S.STARTED, by_user=adviser)
    statuses = [AttendanceStatus.PRESENT] * 5 + [AttendanceStatus.SICK, AttendanceStatus.ABSENT_WITHOUT_NOTICE]
    statuses.append(AttendanceStatus.ABSENT_WITH_NOTICE)
    for day, status in enumerate(statuses, start=1):
        _mark(_session(cohort, adviser, date(2026, 9, day)), enrolment, adviser, status)
    _session(cohort, adviser, date(2026, 9, 20))  # no mark: not counted
    elsewhere = CohortFactory()  # another pilot
    _mark(
        _session(elsewhere, adviser),
        walk(cohort=elsewhere, to=S.STARTED, by_user=adviser),
        adviser,
        AttendanceStatus.ABSENT_WITHOUT_NOTICE,
    )

    attendance = pilot_evaluation(pilots=[cohort.pilot]).attendance

    assert (attendance.present, attendance.marked, attendance.percentage) == (5, 8, 62.5)
    assert pilot_evaluation(pilots=[PilotFactory()]).attendance.percentage is None


def test_followup_due_answered_and_still_working_per_moment(adviser, time_machine):
    cohort = CohortFactory()
    # Work from 1 December (the third from 2 December): outflow_record schedules the checks 3, 6 and 12 months on.
    outcomes = [
        _outflow(cohort, adviser, start_date=start, ended_on=date(2026, 11, 30)).outcome
        for start in (date(2026, 12, 1), date(2026, 12, 1), date(2026, 12, 2))
    ]
    elsewhere = _outflow(CohortFactory(), adviser, start_date=date(2026, 12, 1), ended_on=date(2026, 11, 30))
    time_machine.move_to(ANSWERS_RECORDED_AT, tick=False)
    for outcome, working in zip(outcomes, [True, True, False], strict=True):
        _answer(outcome, 3, adviser, on_date=date(2027, 3, 2), still_working=working)
    _answer(outcomes[0], 6, adviser, on_date=date(2027, 6, 1))
    # The second one's six-month check is due and not answered; the third one's falls due on 2 June.
    _answer(elsewhere.outcome, 3, adviser, on_date=date(2027, 3, 2))  # another pilot

    followups = pilot_evaluation(pilots=[cohort.pilot], today=date(2027, 6, 1)).followups

    assert [(row.months, row.due, row.answered, row.still_working) for row in followups] == [
        (3, 3, 3, 2),
        (6, 2, 1, 1),
        (12, 0, 0, 0),
    ]
    assert [row.label for row in followups] == [gettext("3 months"), gettext("6 months"), gettext("12 months")]


def test_each_funnel_stage_has_its_label():
    stages = pilot_evaluation(pilots=[CohortFactory().pilot]).total.stages

    assert [stage.label for stage in stages] == [str(STAGE_LABELS[key]) for key in STAGES]
    assert [stage.key for stage in stages if stage.key in FUNNEL_STAGES] == list(FUNNEL_STAGES)


def test_median_days_from_the_start_to_the_first_confirmed_placement_and_to_outflow(adviser):
    cohort = CohortFactory()
    host = SeatOfferFactory(cohort=cohort, places=5).employer
    started = date(2026, 9, 1)
    first, second, third, _without = _enrol(cohort, S.STARTED, adviser, 4, started_on=started)
    _placement(first, host, adviser, to=P.DECLINED, start_date=date(2026, 9, 2))  # not confirmed
    _placement(first, host, adviser, to=P.ENDED, start_date=date(2026, 9, 11), ended_on=date(2026, 10, 30))
    _placement(first, host, adviser, to=P.ACTIVE, start_date=date(2026, 11, 1))
    _placement(second, host, adviser, to=P.CONFIRMED, start_date=date(2026, 9, 21))
    _placement(third, host, adviser, to=P.ACTIVE, start_date=date(2026, 10, 1))
    for end in (date(2026, 12, 1), date(2027, 1, 10)):
        _outflow(cohort, adviser, started_on=started, ended_on=date(2026, 11, 30), start_date=end)
    _outflow(cohort, adviser, OutcomeKind.VOLUNTEER, started_on=started)
    _outflow(cohort, adviser, started_on=started)  # no start date of the work

    evaluation = pilot_evaluation(pilots=[cohort.pilot])

    # Placements 10, 20 and 30 days after the start; outflow 91 and 131 days after it.
    assert (evaluation.days_to_placement.days, evaluation.days_to_placement.count) == (20.0, 3)
    assert (evaluation.days_to_outflow.days, evaluation.days_to_outflow.count) == (111.0, 2)
    nothing = pilot_evaluation(pilots=[PilotFactory()])
    assert (nothing.days_to_placement.days, nothing.days_to_outflow.count) == (None, 0)


def test_public_figures_hide_the_small_counts_of_the_new_figures(adviser, settings, time_machine):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 3
    cohort = CohortFactory()
    host = SeatOfferFactory(cohort=cohort, places=3).employer
    module = CohortModuleFactory(cohort=cohort, name="VCA", is_unit_certificate=True, certificate_name="VCA")
    session = _session(cohort, adviser)
    enrolments = _enrol(cohort, S.STARTED, adviser, 3)
    for i, enrolment in enumerate(enrolments):
        CandidateBarrierFactory(candidate=enrolment.candidate, kind=BarrierKind.CHILDCARE)
        _result(enrolment, module, ModuleResultStatus.PASSED if i == 0 else ModuleResultStatus.NOT_PASSED, adviser)
        _mark(session, enrolment, adviser)
        _placement(enrolment, host, adviser, to=P.ACTIVE, start_date=date(2026, 9, 10))
    CandidateBarrierFactory(candidate=enrolments[0].candidate, kind=BarrierKind.DEBTS)
    _certificate(enrolments[0], adviser, module)
    outcome = _outflow(cohort, adviser, start_date=date(2026, 12, 1), ended_on=date(2026, 11, 30)).outcome
    time_machine.move_to(ANSWERS_RECORDED_AT, tick=False)
    _answer(outcome, 3, adviser, on_date=date(2027, 3, 1))
    raw = pilot_evaluation(pilots=[cohort.pilot], today=date(2027, 6, 1))

    shown = public_figures(raw)

    assert {row.kind: row.count for row in raw.barriers}[BarrierKind.DEBTS] == 1
    barriers = {row.kind: row.count for row in shown.barriers}
    assert (barriers[BarrierKind.CHILDCARE], barriers[BarrierKind.DEBTS], barriers[BarrierKind.HEALTH]) == (3, None, 0)
    vca = shown.modules[0]
    assert (raw.modules[0].rate, raw.modules[0].certificates, raw.certificates_issued) == (33.3, 1, 1)
    assert (vca.results, vca.passed, vca.rate, vca.certificates, shown.certificates_issued) == (
        3,
        None,
        None,
        None,
        None,
    )
    assert (shown.attendance.present, shown.attendance.marked, shown.attendance.percentage) == (3, 3, 100.0)
    assert next((row.due, row.answered, row.still_working) for row in raw.followups) == (1, 1, 1)
    assert next((row.due, row.answered, row.still_working) for row in shown.followups) == (None, None, None)
    assert (shown.days_to_placement.days, shown.days_to_placement.count) == (9.0, 3)
    assert raw.days_to_outflow.count == 1 and raw.days_to_outflow.days is not None
    assert (shown.days_to_outflow.days, shown.days_to_outflow.count) == (None, None)


def _cohort_of(size: int, by_user):
    cohort = CohortFactory(seats=size)
    host = SeatOfferFactory(cohort=cohort, places=size).employer
    module = CohortModuleFactory(cohort=cohort, name="VCA", is_unit_certificate=True, certificate_name="VCA")
    session = _session(cohort, by_user, module=module)
    statuses = [S.REGISTERED, S.RESERVE, S.STARTED, S.COMPLETED, S.OUTFLOW]
    for i in range(size):
        status = statuses[i % len(statuses)]
        outcome = {"kind": OutcomeKind.CONTRACT_AT_HOST, "employer": host} if status == S.OUTFLOW else None
        enrolment = walk(cohort=cohort, to=status, by_user=by_user, outcome=outcome)
        if status == S.OUTFLOW:
            _answer(enrolment.outcome, 3, by_user, on_date=None)
        if status == S.STARTED:
            _placement(enrolment, host, by_user, to=P.ACTIVE, start_date=date(2026, 9, 15))
        if status in {S.STARTED, S.COMPLETED, S.OUTFLOW}:
            CandidateBarrierFactory(candidate=enrolment.candidate, kind=BarrierKind.CHILDCARE)
            _mark(session, enrolment, by_user)
            _result(enrolment, module, ModuleResultStatus.PASSED, by_user)
            _certificate(enrolment, by_user, module)
    return cohort


@pytest.mark.parametrize("size", [5, 50])
def test_the_number_of_queries_does_not_grow_with_the_candidates(adviser, size, django_assert_max_num_queries):
    cohort = _cohort_of(size, adviser)
    pilot = Pilot.objects.get(pk=cohort.pilot_id)

    # Nineteen: the pilots, the cohorts, the funnel, outflow by kind, the labels of the reference data, dropout by
    # reason, the employers, barriers, two for the modules (and a third for the pilot's learning line when a cohort
    # has none of its own), certificates, attendance, follow-up, the days to placement and outflow, three for the
    # completeness of the records, one for the classes and one for the partners.
    with django_assert_max_num_queries(19):
        evaluation = public_figures(pilot_evaluation(pilots=[pilot]))

    raw = pilot_evaluation(pilots=[pilot])
    assert raw.total.stage("applied").count == size
    assert evaluation.employers[0].offered == size
    started = raw.total.stage("started").count
    assert {row.kind: row.count for row in raw.barriers}[BarrierKind.CHILDCARE] == started
    assert (raw.modules[0].results, raw.modules[0].certificates, raw.attendance.marked) == (started,) * 3
    assert {check.key: check.total for check in raw.completeness}["consent"] == size


@pytest.mark.parametrize("pilots", [1, 4])
def test_the_number_of_queries_does_not_grow_with_the_pilots(adviser, pilots, django_assert_num_queries):
    region = RegionFactory()
    chosen = []
    for _ in range(pilots):
        cohort = _cohort_of(5, adviser)
        Pilot.objects.filter(pk=cohort.pilot_id).update(region=region)
        PilotPartnerFactory(pilot=cohort.pilot)
        CohortFactory(pilot=cohort.pilot, start_date=date(2027, 3, 1), end_date=date(2027, 6, 1))
        chosen.append(cohort.pilot_id)

    # Nine: the pilots, the cohorts (with their classes, attendance and whether they have a learning line of their
    # own), the funnel (with outflow by kind and the completeness of the enrolments), the modules, certificates,
    # dropout by reason, barriers and partners in one, the days to placement and outflow, follow-up, the labels of
    # the reference data, the employers and the candidates' completeness. The later cohorts have no learning line
    # of their own: their pilots' is read within the same query.
    with django_assert_num_queries(9):
        evaluation = public_figures(pilot_evaluation(pilots=Pilot.objects.filter(pk__in=chosen)))

    assert len(evaluation.pilots) == pilots
    assert len(evaluation.partner_names) == 2 * pilots


def test_every_figure_has_a_written_definition():
    keys = {*STAGES, "funnel_rate", "outflow_work", "outflow_bbl", "outflow_education", "target_status"}
    keys |= {"outflow_by_kind", "design", "employer_ended_early"}
    keys |= {"dropout_by_reason", "employer_offered", "employer_proposed", "employer_confirmed"}
    keys |= {"employer_contracts", "cohorts", "period", "suppressed", "barriers", "modules", "module_certificates"}
    keys |= {"attendance", "followup", "days_to_placement", "days_to_outflow", "pilots", "partners", "completeness"}
    keys |= {f"completeness_{key}" for key in COMPLETENESS_CHECKS}
    assert keys <= set(DEFINITIONS)
    assert all(str(text) for text in DEFINITIONS.values())


def test_the_demo_pilots_show_their_published_figures():
    call_command("seed_demo", stdout=StringIO())

    werkfit = pilot_evaluation(pilots=Pilot.objects.filter(slug="werkfit-installatietechniek")).total
    leerlingpoule = pilot_evaluation(pilots=Pilot.objects.filter(slug="leerlingpoule-gelderland")).total

    assert (werkfit.measure("work").count, werkfit.measure("work").started) == (14, 18)
    assert leerlingpoule.stage("started").count == 52


def _completeness(evaluation):
    return {check.key: (check.complete, check.total, check.rate) for check in evaluation.completeness}


def test_completeness_of_the_records_on_a_hand_built_cohort(adviser, time_machine):
    cohort = CohortFactory()
    module = CohortModuleFactory(cohort=cohort, name="VCA")
    # Nine candidates enrolled, one of them erased since; one without consent, one with a complete record.
    without_consent = CandidateFactory(consent_given_at=None, consent_purpose="")
    complete_record = CandidateFactory(education_level="mbo2")
    walk(cohort=cohort, to=S.REGISTERED, by_user=adviser, candidate=without_consent)
    # Started: one with attendance marked (on two days), one without. Starting records the start date, always.
    marked = walk(cohort=cohort, to=S.STARTED, by_user=adviser, candidate=complete_record)
    _mark(_session(cohort, adviser), marked, adviser)
    _mark(_session(cohort, adviser, date(2026, 9, 8)), marked, adviser)
    _enrol(cohort, S.STARTED, adviser)
    # Completed: one with module results (two, counted once), one without; neither has an outcome.
    with_results, _without = _enrol(cohort, S.COMPLETED, adviser, 2)
    _result(with_results, module, ModuleResultStatus.PASSED, adviser)
    _result(with_results, CohortModuleFactory(cohort=cohort, name="Taal"), ModuleResultStatus.PASSED, adviser)
    # Ended with an outcome: two to work (one without a start date), one dropout without work.
    to_work = _outflow(cohort, adviser, start_date=date(2026, 12, 1))
    _outflow(cohort, adviser, OutcomeKind.EDUCATION, education_level=2)
    _outflow(cohort, adviser, OutcomeKind.NONE, dropout_reason=DropoutReason.HEALTH)
    # Another pilot is not counted; an erased candidate counts as their record was (consent, no education).
    walk(cohort=CohortFactory(), to=S.STARTED, by_user=adviser)
    erased = walk(cohort=cohort, to=S.REGISTERED, by_user=adviser)
    anonymise_candidate(erased.candidate, by=adviser, reason="Verzoek tot verwijdering")
    # Follow-ups: every outcome has its three. Of those due on 1 June 2027 (the work's at 3 and 6 months, and the
    # 3-month ones of the education and the dropout, counted from the end of their track), one is answered; the
    # work's 12-month one is answered early and not due yet.
    time_machine.move_to(ANSWERS_RECORDED_AT, tick=False)
    _answer(to_work.outcome, 3, adviser, on_date=date(2027, 3, 2))
    _answer(to_work.outcome, 12, adviser, on_date=date(2027, 5, 1))

    evaluation = pilot_evaluation(pilots=[cohort.pilot], today=date(2027, 6, 1))

    assert [check.key for check in evaluation.completeness] == list(COMPLETENESS_CHECKS)
    assert _completeness(evaluation) == {
        "consent": (8, 9, 88.9),
        "record": (1, 9, 11.1),
        "started_on": (7, 7, 100.0),
        "attendance": (1, 7, 14.3),
        "module_results": (1, 4, 25.0),
        "outcome": (3, 5, 60.0),
        "outcome_start": (1, 2, 50.0),
        "followup": (1, 4, 25.0),
    }


def test_completeness_of_a_pilot_without_candidates_has_no_rates():
    evaluation = pilot_evaluation(pilots=[PilotFactory()])

    assert _completeness(evaluation) == dict.fromkeys(COMPLETENESS_CHECKS, (0, 0, None))


def test_public_figures_hide_small_completeness_counts_and_their_rates(adviser, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory()
    _enrol(cohort, S.STARTED, adviser, 8)
    _enrol(cohort, S.COMPLETED, adviser, 3)

    shown = _completeness(public_figures(pilot_evaluation(pilots=[cohort.pilot])))

    assert shown["consent"] == (11, 11, 100.0)
    assert shown["started_on"] == (11, 11, 100.0)
    assert shown["module_results"] == (0, None, None)
    assert shown["record"] == (0, 11, 0.0)


def test_pilots_side_by_side_each_with_its_own_target_region_and_cohorts_in_the_period(adviser):
    north, south = RegionFactory(name="Noord"), RegionFactory(name="Zuid")
    first = PilotFactory(name="B-pilot", region=north, target_outflow_percentage=50)
    second = PilotFactory(name="A-pilot", region=south, target_outflow_percentage=80)
    empty = PilotFactory(name="C-pilot", region=north)
    cohort = CohortFactory(pilot=first)
    _enrol(cohort, S.STARTED, adviser, 2)
    _outflow(cohort, adviser)
    _outflow(cohort, adviser)
    _enrol(CohortFactory(pilot=second), S.STARTED, adviser, 4)
    _outflow(CohortFactory(pilot=second), adviser)
    outside = CohortFactory(pilot=second, start_date=date(2025, 1, 6), end_date=date(2025, 4, 1))
    _enrol(outside, S.STARTED, adviser, 7)  # before the period

    evaluation = pilot_evaluation(pilots=[first, second, empty], period_start=date(2026, 1, 1))

    assert [(pilot.name, pilot.region) for pilot in evaluation.pilots] == [
        ("A-pilot", "Zuid"),
        ("B-pilot", "Noord"),
        ("C-pilot", "Noord"),
    ]
    a, b, c = (pilot.figures.measure("positive") for pilot in evaluation.pilots)
    assert (a.count, a.started, a.percentage, a.target, a.status) == (1, 5, 20.0, 80, TargetStatus.NOT_MET)
    assert (b.count, b.started, b.percentage, b.target, b.status) == (2, 4, 50.0, 50, TargetStatus.MET)
    assert (c.count, c.started, c.percentage) == (0, 0, None)
    # The pilots add up to the total.
    assert (
        sum(pilot.figures.stage("applied").count for pilot in evaluation.pilots)
        == evaluation.total.stage("applied").count
    )
    assert evaluation.region_names == ("Noord", "Zuid")


def test_public_figures_hide_the_small_counts_of_a_pilot(adviser, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory()
    _enrol(cohort, S.STARTED, adviser, 6)
    _outflow(cohort, adviser)

    pilot = public_figures(pilot_evaluation(pilots=[cohort.pilot])).pilots[0].figures

    assert pilot.stage("applied").count == 7
    outflow = pilot.measure("positive")
    assert (outflow.count, outflow.percentage, outflow.status) == (None, None, None)


def test_the_partners_are_the_lead_and_partner_organisations_without_people():
    lead = OrganisationFactory(name="Gemeente Utrecht")
    pilot = PilotFactory(lead_organisation=lead)
    PilotPartnerFactory(pilot=pilot, organisation=OrganisationFactory(name="ROC Midden"))
    # The same organisation in two roles is named once.
    college = OrganisationFactory(name="Albeda")
    PilotPartnerFactory(pilot=pilot, organisation=college)
    PilotPartnerFactory(pilot=pilot, organisation=college, role="coaching_provider")
    PilotPartnerFactory(organisation=OrganisationFactory(name="Elders"))  # another pilot

    evaluation = pilot_evaluation(pilots=Pilot.objects.filter(pk=pilot.pk))

    assert evaluation.partner_names == ("Albeda", "Gemeente Utrecht", "ROC Midden")
    assert evaluation.region_names == (pilot.region.name,)


def test_the_figures_add_up_with_the_life_cycle_sets_over_every_status(adviser):
    """Every funnel figure equals the count of candidates.lifecycle's querysets, over a pilot walked into every
    status, and the breakdowns add up to the funnel."""
    cohort = CohortFactory(seats=20)
    pilot = cohort.pilot
    host = SeatOfferFactory(cohort=cohort, places=2, employer__organisation__name="Kinderopvang Zon").employer

    def enrol(status, **kwargs):
        return walk(cohort=cohort, to=status, by_user=adviser, **kwargs)

    for status in (S.REGISTERED, S.SCREENING_PLANNED, S.SCREENED, S.RESERVE, S.NOT_SELECTED, S.SELECTED):
        enrol(status)
    enrolment_transition(enrolment=enrol(S.REGISTERED), to_status=S.NOT_SELECTED, by_user=adviser, reason="Te jong")
    enrol(S.WITHDRAWN)
    # Withdrawing with a proposal open withdraws the proposal too.
    leaving = enrol(S.SELECTED)
    _placement(leaving, host, adviser, to=P.PROPOSED)
    enrolment_withdraw(enrolment=leaving, by_user=adviser, reason="Verhuisd")
    enrol(S.STARTED)
    enrol(S.COMPLETED)  # no outcome yet
    enrol(S.DROPPED_OUT, dropout_reason=DropoutReason.MOTIVATION)  # no outcome yet
    enrol(S.DROPPED_OUT, dropout_reason=DropoutReason.FOUND_WORK)  # the job elsewhere is recorded with the dropout
    enrol(S.OUTFLOW, dropout_reason=DropoutReason.HEALTH, outcome={"kind": OutcomeKind.NONE})
    enrol(
        S.OUTFLOW, dropout_reason=DropoutReason.TRANSPORT, outcome={"kind": OutcomeKind.EDUCATION, "education_level": 2}
    )
    for outcome in (
        {"kind": OutcomeKind.CONTRACT_AT_HOST, "employer": host},
        {"kind": OutcomeKind.JOB_ELSEWHERE},
        {"kind": OutcomeKind.EDUCATION, "education_level": 3},
        {"kind": OutcomeKind.VOLUNTEER},
        {"kind": OutcomeKind.NONE},
    ):
        enrol(S.OUTFLOW, outcome=outcome)
    # A contract offer the candidate accepted during the track becomes the outcome once the track is completed.
    hired = enrol(S.STARTED)
    _placement(hired, host, adviser, to=P.ACTIVE)
    _contract_offer(hired, host, adviser, accepted=True)
    enrolment_complete(enrolment=hired, by_user=adviser, on_date=cohort.end_date)
    walk(cohort=CohortFactory(), to=S.OUTFLOW, by_user=adviser)  # another pilot

    evaluation = pilot_evaluation(pilots=[pilot])

    enrolments = Enrolment.objects.filter(cohort__pilot=pilot)
    counted = {
        "applied": enrolments.count(),
        "screened": enrolments.filter(screenings__isnull=False).distinct().count(),
        "selected": enrolments.selected_ever().count(),
        "started": enrolments.started().count(),
        "completed": enrolments.completed().count(),
        "outflow": enrolments.positive_outflow().count(),
    }
    funnel = {stage.key: stage.count for stage in evaluation.total.funnel}
    assert funnel == counted
    assert funnel == {"applied": 21, "screened": 18, "selected": 15, "started": 12, "completed": 7, "outflow": 6}
    # The two who withdrew count among the selected; the reserve list and those not selected do not.
    assert enrolments.withdrawn().count() == 2
    assert enrolments.seat_holding().count() == funnel["selected"] - 2
    # Everyone who started is running, completed or dropped out, each in one of them.
    dropped_out = enrolments.dropped_out()
    assert funnel["started"] == enrolments.running().count() + funnel["completed"] + dropped_out.count()
    assert enrolments.track_over().count() == funnel["completed"] + dropped_out.count()
    outflow = evaluation.total.measure("positive")
    assert (outflow.count, outflow.started) == (enrolments.positive_outflow().count(), funnel["started"])
    stages = {stage.key: stage.count for stage in evaluation.total.stages}
    assert stages["withdrawn"] == enrolments.withdrawn().count()
    assert stages["not_selected"] == enrolments.filter(status=S.NOT_SELECTED).count()
    assert stages["dropped_out"] == dropped_out.count()
    assert stages["in_track"] == enrolments.running().count()

    by_kind = {row.kind: row.count for row in evaluation.outflow_by_kind}
    assert by_kind == {kind: enrolments.filter(outcome__kind=kind).count() for kind in OutcomeKind.values}
    outcomes = Outcome.objects.filter(enrolment__cohort__pilot=pilot).count()
    assert sum(by_kind.values()) == outcomes == enrolments.filter(status=S.OUTFLOW).count() == 9
    assert sum(by_kind[kind] for kind in OUTFLOW_TO_WORK) == enrolments.outflow_to_work().count()
    assert sum(by_kind[kind] for kind in OUTFLOW_TO_EDUCATION) == enrolments.outflow_to_education().count()
    assert sum(by_kind[kind] for kind in POSITIVE_OUTFLOW) == funnel["outflow"]

    dropouts = {row.reason: (row.count, row.to_work) for row in evaluation.dropout_by_reason}
    assert sum(count for count, _work in dropouts.values()) == dropped_out.count() == 4
    assert dropouts == {
        reason: (
            dropped_out.filter(dropout_reason=reason).count(),
            dropped_out.filter(dropout_reason=reason).positive_outflow().count(),
        )
        for reason in DropoutReason.values
    }

    # The proposal of the candidate who withdrew was withdrawn with them: the host has no open proposal left.
    (host_row,) = evaluation.employers
    placements = Placement.objects.filter(enrolment__cohort=cohort, employer=host)
    assert host_row.proposed == placements.filter(status=P.PROPOSED).count() == 0
    assert placements.filter(status=P.WITHDRAWN).count() == 1

    # One cohort in one pilot: its figures and the pilot's are the total.
    assert [row.figures for row in evaluation.cohorts] == [evaluation.total]
    assert [row.figures for row in evaluation.pilots] == [evaluation.total]


def test_placements_per_host_count_the_candidates_ever_confirmed_there(adviser):
    cohort = CohortFactory()
    host = SeatOfferFactory(cohort=cohort, places=2, employer__organisation__name="Kinderopvang Zon").employer
    running, completing = _enrol(cohort, S.STARTED, adviser, 2)
    for enrolment in (running, completing):
        _placement(enrolment, host, adviser, to=P.ACTIVE)
    enrolment_complete(enrolment=completing, by_user=adviser, on_date=cohort.end_date)  # ends the placement

    (row,) = pilot_evaluation(pilots=[cohort.pilot]).employers

    assert row.confirmed == 2


def test_contracts_per_host_come_from_the_outcomes(adviser):
    cohort = CohortFactory()
    host = SeatOfferFactory(cohort=cohort, places=2, employer__organisation__name="Kinderopvang Zon").employer
    hired = walk(cohort=cohort, to=S.STARTED, by_user=adviser)
    _placement(hired, host, adviser, to=P.ACTIVE)
    _contract_offer(hired, host, adviser, accepted=True)
    enrolment_complete(enrolment=hired, by_user=adviser, on_date=cohort.end_date)  # the offer becomes the outcome
    recorded = walk(cohort=cohort, to=S.STARTED, by_user=adviser)
    _placement(recorded, host, adviser, to=P.ACTIVE)
    enrolment_complete(enrolment=recorded, by_user=adviser, on_date=cohort.end_date)
    # The adviser records the host's contract on the outflow page; the host made no offer in the portal.
    outflow_record(enrolment=recorded, by_user=adviser, kind=OutcomeKind.CONTRACT_AT_HOST, employer=host)
    assert (
        Outcome.objects.filter(enrolment__cohort=cohort, kind=OutcomeKind.CONTRACT_AT_HOST, employer=host).count() == 2
    )

    (row,) = pilot_evaluation(pilots=[cohort.pilot]).employers

    assert row.contracts == 2


def test_every_involved_host_is_listed_once_by_name_whatever_involves_it(adviser):
    """A host is involved by an offer of places, an open or ever confirmed placement, or a contract as the outcome
    (without an offer or a placement in these cohorts); hosts are listed by name, not in the order they were
    made or counted in."""
    cohort = CohortFactory()
    placing = SeatOfferFactory(cohort=cohort, places=4, employer__organisation__name="Zorggroep Noord").employer
    offering = SeatOfferFactory(cohort=cohort, places=2, employer__organisation__name="Atelier Oost").employer
    hiring = EmployerFactory(organisation__name="Midden Kinderopvang")
    SeatOfferFactory(employer=hiring, places=9)  # another pilot's cohort: not offered to these cohorts
    EmployerFactory(organisation__name="Bakkerij West")  # not involved at all
    _placement(walk(cohort=cohort, to=S.STARTED, by_user=adviser), placing, adviser, to=P.ENDED)
    _placement(walk(cohort=cohort, to=S.SELECTED, by_user=adviser), placing, adviser, to=P.PROPOSED)
    _placement(walk(cohort=cohort, to=S.SELECTED, by_user=adviser), offering, adviser, to=P.DECLINED)
    hired = walk(cohort=cohort, to=S.COMPLETED, by_user=adviser)
    outflow_record(enrolment=hired, by_user=adviser, kind=OutcomeKind.CONTRACT_AT_HOST, employer=hiring)

    evaluation = pilot_evaluation(pilots=[cohort.pilot])

    assert [
        (row.name, row.offered, row.proposed, row.confirmed, row.ended_early, row.contracts)
        for row in evaluation.employers
    ] == [
        ("Atelier Oost", 2, 0, 0, 0, 0),
        ("Midden Kinderopvang", 0, 0, 0, 0, 1),
        ("Zorggroep Noord", 4, 1, 1, 1, 0),
    ]
    total = evaluation.employers_total
    assert (total.offered, total.proposed, total.confirmed, total.ended_early, total.contracts) == (6, 1, 1, 1, 1)


def test_nobody_still_in_a_track_that_has_ended_is_a_zero_that_protects_no_one(adviser, settings):
    """Two dropouts among eleven who started: while the track runs, "still in the track: 0" beside them hides them;
    once it has ended, every reader knows that zero, so the completed count is hidden in its place."""
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory(start_date=date(2026, 9, 1), end_date=date(2026, 12, 1))
    _enrol(cohort, S.COMPLETED, adviser, 9)
    _enrol(cohort, S.DROPPED_OUT, adviser, 2, dropout_reason=DropoutReason.HEALTH)

    def stages(today):
        shown = public_figures(pilot_evaluation(pilots=[cohort.pilot], today=today)).total
        return {key: shown.stage(key).count for key in ("started", "completed", "dropped_out", "in_track")}

    assert stages(date(2026, 11, 1)) == {"started": 11, "completed": 9, "dropped_out": None, "in_track": None}
    assert stages(date(2026, 12, 2)) == {"started": 11, "completed": None, "dropped_out": None, "in_track": 0}
    ended = pilot_evaluation(pilots=[cohort.pilot], today=date(2026, 12, 2))
    assert {"total.stages.9.count", "cohorts.0.figures.stages.9.count"} <= known_zeros(ended)
    assert not known_zeros(pilot_evaluation(pilots=[cohort.pilot], today=date(2026, 11, 1)))


def test_nobody_started_in_a_track_still_to_begin_is_a_zero_that_protects_no_one(adviser, settings):
    """A round that has not begun has nobody started, completed or flowed out, and every reader knows it: those
    zeros never stand in for a hidden count of the round that ran."""
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    ran = CohortFactory(name="Ronde 1", start_date=date(2026, 3, 2), end_date=date(2026, 6, 30))
    CohortFactory(pilot=ran.pilot, name="Ronde 2", start_date=date(2027, 3, 1), end_date=date(2027, 6, 30))
    for _ in range(9):
        _outflow(ran, adviser)
    _outflow(ran, adviser, OutcomeKind.BBL, education_level=2)
    _outflow(ran, adviser, OutcomeKind.BBL, education_level=2)

    evaluation = pilot_evaluation(pilots=[ran.pilot], today=date(2026, 12, 7))
    zeros = known_zeros(evaluation)
    hidden = hidden_cells(evaluation)

    later = "cohorts.1.figures."
    assert {f"{later}stages.6.count", f"{later}stages.10.count", f"{later}outflow.2.count"} <= zeros
    assert not zeros & hidden
    # The two BBL places are hidden in each table that shows them, and nothing of the later round is.
    assert {"total.outflow.2.count", "cohorts.0.figures.outflow.2.count"} <= hidden
    assert not any(path.startswith(later) for path in hidden)
