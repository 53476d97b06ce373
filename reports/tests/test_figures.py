from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext

from candidates.models import (
    AttendanceStatus,
    BarrierKind,
    Certificate,
    DropoutReason,
    EnrolmentStatus,
    EnrolmentTransition,
    ModuleResult,
    ModuleResultStatus,
    OutcomeKind,
)
from candidates.tests.factories import (
    AttendanceFactory,
    AttendanceSessionFactory,
    CandidateBarrierFactory,
    CandidateFactory,
    EnrolmentFactory,
    FollowUpFactory,
    OutcomeFactory,
)
from employers.models import ContractOfferStatus, PlacementStatus
from employers.tests.factories import ContractOfferFactory, EmployerFactory, PlacementFactory, SeatOfferFactory
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
    TargetStatus,
    pilot_evaluation,
    public_figures,
    suppress,
    target_status,
)

pytestmark = pytest.mark.django_db

S = EnrolmentStatus


def _enrol(cohort, status, n=1, **kwargs):
    return [EnrolmentFactory(cohort=cohort, status=status, **kwargs) for _ in range(n)]


def _to_work(cohort, kind=OutcomeKind.JOB_ELSEWHERE, **kwargs):
    enrolment = EnrolmentFactory(cohort=cohort, status=S.OUTFLOW, **kwargs)
    OutcomeFactory(enrolment=enrolment, kind=kind)
    return enrolment


def test_funnel_counts_and_rates_on_a_hand_built_cohort():
    cohort = CohortFactory()
    _enrol(cohort, S.REGISTERED, 2)
    screened_then_refused, _refused_at_intake = _enrol(cohort, S.NOT_SELECTED, 2)
    EnrolmentTransition.objects.create(
        enrolment=screened_then_refused, from_status=S.SCREENING_PLANNED, to_status=S.SCREENED, at=timezone.now()
    )
    _enrol(cohort, S.RESERVE)
    _enrol(cohort, S.SELECTED)
    _enrol(cohort, S.STARTED)
    _enrol(cohort, S.COMPLETED, 2)
    _enrol(cohort, S.DROPPED_OUT, dropout_reason=DropoutReason.HEALTH)
    _to_work(cohort)  # completed, then outflow
    _to_work(cohort, dropout_reason=DropoutReason.FOUND_WORK)  # left early for work: outflow, not completed

    funnel = pilot_evaluation(pilots=[cohort.pilot]).total.funnel

    assert [stage.key for stage in funnel] == list(FUNNEL_STAGES)
    assert [stage.count for stage in funnel] == [12, 9, 7, 6, 3, 2]
    assert [stage.base for stage in funnel] == [None, 12, 9, 7, 6, 6]
    assert [stage.rate for stage in funnel] == [None, 75.0, 77.8, 85.7, 50.0, 33.3]


@pytest.mark.parametrize(
    ("to_work", "started", "percentage", "status"),
    [(3, 4, 75.0, TargetStatus.MET), (2, 3, 66.7, TargetStatus.CLOSE), (1, 2, 50.0, TargetStatus.NOT_MET)],
)
def test_outflow_to_work_against_the_pilots_target(to_work, started, percentage, status):
    cohort = CohortFactory(pilot__target_outflow_percentage=75)
    for _ in range(to_work):
        _to_work(cohort)
    _enrol(cohort, S.COMPLETED, started - to_work)
    _enrol(cohort, S.SELECTED)  # not started: not in the base

    outflow = pilot_evaluation(pilots=[cohort.pilot]).total.outflow_to_work

    assert (outflow.to_work, outflow.started, outflow.percentage) == (to_work, started, percentage)
    assert (outflow.target, outflow.status) == (75, status)


def test_target_status_boundaries():
    assert target_status(75.0, 75) == TargetStatus.MET
    assert target_status(65.0, 75) == TargetStatus.CLOSE
    assert target_status(64.9, 75) == TargetStatus.NOT_MET
    assert target_status(None, 75) is None


def test_outflow_by_kind_counts_every_outcome_and_only_work_as_outflow():
    cohort = CohortFactory()
    employer = EmployerFactory()
    for _ in range(2):
        OutcomeFactory(enrolment__cohort=cohort, kind=OutcomeKind.CONTRACT_AT_HOST, employer=employer)
    OutcomeFactory(enrolment__cohort=cohort, kind=OutcomeKind.VOLUNTEER)
    OutcomeFactory(enrolment__cohort=cohort, kind=OutcomeKind.NONE)
    OutcomeFactory(kind=OutcomeKind.EDUCATION)  # another pilot's cohort

    evaluation = pilot_evaluation(pilots=[cohort.pilot])

    assert {kind.kind: kind.count for kind in evaluation.outflow_by_kind} == {
        OutcomeKind.CONTRACT_AT_HOST: 2,
        OutcomeKind.JOB_ELSEWHERE: 0,
        OutcomeKind.EDUCATION: 0,
        OutcomeKind.VOLUNTEER: 1,
        OutcomeKind.NONE: 1,
    }
    assert evaluation.total.outflow_to_work.to_work == 2


def test_dropout_by_reason_counts_those_who_found_work_as_work():
    cohort = CohortFactory()
    _enrol(cohort, S.DROPPED_OUT, 2, dropout_reason=DropoutReason.HEALTH)
    _to_work(cohort, dropout_reason=DropoutReason.FOUND_WORK)
    _to_work(cohort, OutcomeKind.EDUCATION, dropout_reason=DropoutReason.FOUND_WORK)
    _enrol(cohort, S.COMPLETED)

    dropouts = {
        row.reason: (row.count, row.to_work) for row in pilot_evaluation(pilots=[cohort.pilot]).dropout_by_reason
    }

    assert dropouts[DropoutReason.HEALTH] == (2, 0)
    assert dropouts[DropoutReason.FOUND_WORK] == (2, 2)
    assert dropouts[DropoutReason.MOTIVATION] == (0, 0)
    assert list(dropouts) == DropoutReason.values


def test_places_per_host_employer_are_summed_over_the_cohorts():
    first = CohortFactory(start_date=date(2026, 3, 1))
    second = CohortFactory(pilot=first.pilot)
    host = EmployerFactory(organisation__name="Kinderopvang Zon")
    SeatOfferFactory(employer=host, cohort=first, places=3)
    SeatOfferFactory(employer=host, cohort=second, places=2)
    PlacementFactory(employer=host, enrolment__cohort=first, status=PlacementStatus.PROPOSED)
    PlacementFactory(employer=host, enrolment__cohort=second, status=PlacementStatus.ACTIVE)
    PlacementFactory(employer=host, enrolment__cohort=second, status=PlacementStatus.DECLINED)
    ContractOfferFactory(
        placement__employer=host, placement__enrolment__cohort=first, status=ContractOfferStatus.ACCEPTED
    )
    ContractOfferFactory(placement__employer=host, placement__enrolment__cohort=first)  # not accepted
    PlacementFactory(enrolment__cohort=first, status=PlacementStatus.DECLINED)  # an employer not involved
    SeatOfferFactory(employer=host, places=7)  # another pilot's cohort

    employers = pilot_evaluation(pilots=[first.pilot]).employers

    assert len(employers) == 1
    row = employers[0]
    # Confirmed: the active placement and the two confirmed ones the contract offers go with.
    assert (row.name, row.offered, row.proposed, row.confirmed, row.contracts) == ("Kinderopvang Zon", 5, 1, 3, 1)


def test_cohorts_side_by_side_within_the_period():
    pilot = PilotFactory(target_outflow_percentage=70)
    spring = CohortFactory(pilot=pilot, name="Voorjaar", start_date=date(2026, 3, 1), end_date=date(2026, 6, 1))
    autumn = CohortFactory(pilot=pilot, name="Najaar", start_date=date(2026, 9, 1), end_date=date(2026, 12, 1))
    later = CohortFactory(pilot=pilot, name="Volgend jaar", start_date=date(2027, 3, 1), end_date=date(2027, 6, 1))
    _to_work(spring)
    _enrol(spring, S.COMPLETED)
    _enrol(autumn, S.REGISTERED, 3)
    _to_work(later)
    _to_work(CohortFactory(start_date=date(2026, 4, 1)))  # another pilot

    evaluation = pilot_evaluation(pilots=Pilot.objects.filter(pk=pilot.pk), period_end=date(2026, 12, 31))

    assert [(cohort.name, cohort.start_date) for cohort in evaluation.cohorts] == [
        ("Voorjaar", date(2026, 3, 1)),
        ("Najaar", date(2026, 9, 1)),
    ]
    spring_figures, autumn_figures = (cohort.figures for cohort in evaluation.cohorts)
    assert spring_figures.stage("applied").count == 2
    assert (spring_figures.outflow_to_work.percentage, spring_figures.outflow_to_work.status) == (50.0, "not_met")
    assert autumn_figures.stage("applied").count == 3
    assert autumn_figures.outflow_to_work.percentage is None
    assert evaluation.total.stage("applied").count == 5
    assert evaluation.total.outflow_to_work.target == 70
    assert evaluation.pilot_names == (pilot.name,)
    only_autumn = pilot_evaluation(pilots=[pilot], cohorts=[autumn, later], period_start=date(2026, 6, 1))
    assert [cohort.name for cohort in only_autumn.cohorts] == ["Najaar", "Volgend jaar"]


def test_the_total_has_no_target_when_the_pilots_differ():
    first = CohortFactory(pilot__target_outflow_percentage=75)
    second = CohortFactory(pilot__target_outflow_percentage=60)
    _to_work(first)
    _to_work(second)

    evaluation = pilot_evaluation(pilots=[first.pilot, second.pilot])

    assert (evaluation.total.outflow_to_work.target, evaluation.total.outflow_to_work.status) == (None, None)
    assert [cohort.figures.outflow_to_work.target for cohort in evaluation.cohorts] == [75, 60]


def test_suppress_hides_counts_from_one_below_the_threshold(settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    assert [suppress(count) for count in (0, 1, 3, 4, 5, 50)] == [0, None, None, None, 5, 50]
    assert suppress(3, threshold=3) == 3


def test_public_figures_hide_small_counts_and_the_rates_made_from_them(settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory()
    _enrol(cohort, S.REGISTERED, 8)
    _enrol(cohort, S.STARTED, 2)
    for _ in range(3):
        _to_work(cohort)
    raw = pilot_evaluation(pilots=[cohort.pilot])

    shown = public_figures(raw)

    assert raw.total.stage("outflow").count == 3
    assert raw.total.outflow_to_work.percentage == 60.0
    screened, outflow = shown.total.stage("screened"), shown.total.stage("outflow")
    assert (screened.count, screened.rate) == (5, 38.5)
    assert (outflow.count, outflow.base, outflow.rate) == (None, 5, None)
    work = shown.total.outflow_to_work
    assert (work.to_work, work.started, work.percentage, work.status) == (None, 5, None, None)
    # The cohorts side by side are suppressed the same way.
    assert shown.cohorts[0].figures.stage("completed").count is None
    assert {row.reason: row.count for row in shown.dropout_by_reason}[DropoutReason.HEALTH] == 0
    assert {row.kind: row.count for row in shown.outflow_by_kind}[OutcomeKind.JOB_ELSEWHERE] is None


def test_public_figures_are_made_public_once(settings, django_assert_num_queries):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory()
    _enrol(cohort, S.STARTED, 2)
    raw = pilot_evaluation(pilots=[cohort.pilot])

    shown = public_figures(raw)

    assert not raw.public
    assert shown.public
    assert shown.total.stage("started").count is None
    # Passing public figures through again, as every view and export does, hands them back as they are.
    settings.REPORT_SMALL_COUNT_THRESHOLD = 1
    with django_assert_num_queries(0):
        assert public_figures(shown) is shown


def test_public_figures_hide_a_rate_whose_base_is_hidden(settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory()
    _enrol(cohort, S.REGISTERED, 3)
    _enrol(cohort, S.SELECTED, 5)
    _enrol(cohort, S.STARTED, 3)

    started = public_figures(pilot_evaluation(pilots=[cohort.pilot])).total.stage("started")
    completed = public_figures(pilot_evaluation(pilots=[cohort.pilot])).total.stage("completed")

    assert (started.count, started.base, started.rate) == (None, 8, None)
    assert (completed.count, completed.base, completed.rate) == (0, None, None)


def test_barriers_count_the_started_candidates_per_kind():
    cohort = CohortFactory()
    first, second = _enrol(cohort, S.STARTED, 2)
    dropped_out = _to_work(cohort, dropout_reason=DropoutReason.FOUND_WORK)
    registered = EnrolmentFactory(cohort=cohort, status=S.REGISTERED)  # not started: not counted
    CandidateBarrierFactory(candidate=first.candidate, kind=BarrierKind.CHILDCARE)
    CandidateBarrierFactory(candidate=first.candidate, kind=BarrierKind.DEBTS, resolved=True)
    CandidateBarrierFactory(candidate=second.candidate, kind=BarrierKind.CHILDCARE)
    CandidateBarrierFactory(candidate=dropped_out.candidate, kind=BarrierKind.TRANSPORT)
    CandidateBarrierFactory(candidate=registered.candidate, kind=BarrierKind.HOUSING)
    # The same candidate started again in a later cohort of the pilot: still one candidate.
    EnrolmentFactory(candidate=first.candidate, cohort=CohortFactory(pilot=cohort.pilot), status=S.STARTED)
    CandidateBarrierFactory(candidate=EnrolmentFactory(status=S.STARTED).candidate)  # another pilot

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


def _result(enrolment, module, status):
    return ModuleResult.objects.create(enrolment=enrolment, cohort_module=module, status=status, date=date(2026, 10, 1))


def _certificate(enrolment, module=None):
    return Certificate.objects.create(
        enrolment=enrolment, cohort_module=module, name="VCA", issued_on=date(2026, 10, 1)
    )


def test_module_completion_per_module_name_with_the_certificates_that_count():
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
    passed, failed, busy = _enrol(spring, S.STARTED, 3)
    completed = EnrolmentFactory(cohort=spring, status=S.COMPLETED)
    other = EnrolmentFactory(cohort=autumn, status=S.STARTED)
    _result(passed, vca_spring, ModuleResultStatus.PASSED)
    _result(failed, vca_spring, ModuleResultStatus.NOT_PASSED)
    _result(busy, vca_spring, ModuleResultStatus.IN_PROGRESS)
    _result(other, vca_autumn, ModuleResultStatus.PASSED)
    _result(completed, hygiene, ModuleResultStatus.PASSED)
    _result(passed, hygiene, ModuleResultStatus.EXEMPT)
    _certificate(passed, vca_spring)
    _certificate(other, vca_autumn)
    _certificate(completed, hygiene)  # part of the whole track, which was completed: counts
    _certificate(passed, hygiene)  # the track is not completed yet: does not count
    _certificate(busy)  # recorded without a module: in the total only
    _certificate(EnrolmentFactory(status=S.STARTED))  # another pilot

    evaluation = pilot_evaluation(pilots=[spring.pilot])

    rows = [(row.name, row.results, row.passed, row.rate, row.certificates) for row in evaluation.modules]
    assert rows == [("VCA", 4, 2, 50.0, 2), ("Hygiëne", 2, 1, 50.0, 1), ("Taal", 0, 0, None, 0)]
    assert evaluation.certificates_issued == 4


def test_attendance_is_present_over_marked_sessions_of_the_cohorts():
    cohort = CohortFactory()
    enrolment = EnrolmentFactory(cohort=cohort, status=S.STARTED)
    statuses = [AttendanceStatus.PRESENT] * 5 + [AttendanceStatus.SICK, AttendanceStatus.ABSENT_WITHOUT_NOTICE]
    statuses.append(AttendanceStatus.ABSENT_WITH_NOTICE)
    for day, status in enumerate(statuses, start=1):
        session = AttendanceSessionFactory(cohort=cohort, date=date(2026, 9, day))
        AttendanceFactory(session=session, enrolment=enrolment, status=status)
    AttendanceSessionFactory(cohort=cohort, date=date(2026, 9, 20))  # no mark: not counted
    AttendanceFactory(status=AttendanceStatus.ABSENT_WITHOUT_NOTICE)  # another pilot

    attendance = pilot_evaluation(pilots=[cohort.pilot]).attendance

    assert (attendance.present, attendance.marked, attendance.percentage) == (5, 8, 62.5)
    assert pilot_evaluation(pilots=[PilotFactory()]).attendance.percentage is None


def test_followup_due_answered_and_still_working_per_moment():
    cohort = CohortFactory()
    outcomes = [OutcomeFactory(enrolment=_enrol(cohort, S.OUTFLOW)[0]) for _ in range(3)]
    for outcome, working in zip(outcomes, [True, True, False], strict=True):
        FollowUpFactory(
            outcome=outcome, months=3, due_on=date(2027, 3, 1), answered_on=date(2027, 3, 2), still_working=working
        )
    FollowUpFactory(
        outcome=outcomes[0], months=6, due_on=date(2027, 6, 1), answered_on=date(2027, 6, 1), still_working=True
    )
    FollowUpFactory(outcome=outcomes[1], months=6, due_on=date(2027, 6, 1))  # due, not answered
    FollowUpFactory(outcome=outcomes[2], months=6, due_on=date(2027, 6, 2))  # not due yet
    FollowUpFactory(months=3, due_on=date(2027, 3, 1), still_working=True)  # another pilot

    followups = pilot_evaluation(pilots=[cohort.pilot], today=date(2027, 6, 1)).followups

    assert [(row.months, row.due, row.answered, row.still_working) for row in followups] == [
        (3, 3, 3, 2),
        (6, 2, 1, 1),
        (12, 0, 0, 0),
    ]
    assert [row.label for row in followups] == [gettext("3 months"), gettext("6 months"), gettext("12 months")]


def test_each_funnel_stage_has_its_label():
    funnel = pilot_evaluation(pilots=[CohortFactory().pilot]).total.funnel

    assert [stage.label for stage in funnel] == [
        gettext(label) for label in ("Applied", "Screened", "Selected", "Started", "Completed", "Outflow to work")
    ]


def test_median_days_from_the_start_to_the_first_confirmed_placement_and_to_outflow():
    cohort = CohortFactory()
    started = date(2026, 9, 1)
    first, second, third, _without = _enrol(cohort, S.STARTED, 4, started_on=started)
    PlacementFactory(enrolment=first, status=PlacementStatus.DECLINED, start_date=date(2026, 9, 2))  # not confirmed
    PlacementFactory(enrolment=first, status=PlacementStatus.ENDED, start_date=date(2026, 9, 11))
    PlacementFactory(enrolment=first, status=PlacementStatus.ACTIVE, start_date=date(2026, 11, 1))
    PlacementFactory(enrolment=second, status=PlacementStatus.CONFIRMED, start_date=date(2026, 9, 21))
    PlacementFactory(enrolment=third, status=PlacementStatus.ACTIVE, start_date=date(2026, 10, 1))
    for end in (date(2026, 12, 1), date(2027, 1, 10)):
        OutcomeFactory(enrolment=_enrol(cohort, S.OUTFLOW, started_on=started)[0], start_date=end)
    OutcomeFactory(enrolment=_enrol(cohort, S.COMPLETED, started_on=started)[0], kind=OutcomeKind.VOLUNTEER)
    OutcomeFactory(enrolment=_enrol(cohort, S.OUTFLOW, started_on=started)[0], start_date=None)  # no date

    evaluation = pilot_evaluation(pilots=[cohort.pilot])

    # Placements 10, 20 and 30 days after the start; outflow 91 and 131 days after it.
    assert (evaluation.days_to_placement.days, evaluation.days_to_placement.count) == (20.0, 3)
    assert (evaluation.days_to_outflow.days, evaluation.days_to_outflow.count) == (111.0, 2)
    nothing = pilot_evaluation(pilots=[PilotFactory()])
    assert (nothing.days_to_placement.days, nothing.days_to_outflow.count) == (None, 0)


def test_public_figures_hide_the_small_counts_of_the_new_figures(settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 3
    cohort = CohortFactory()
    module = CohortModuleFactory(cohort=cohort, name="VCA", is_unit_certificate=True, certificate_name="VCA")
    session = AttendanceSessionFactory(cohort=cohort)
    enrolments = _enrol(cohort, S.STARTED, 3)
    for i, enrolment in enumerate(enrolments):
        CandidateBarrierFactory(candidate=enrolment.candidate, kind=BarrierKind.CHILDCARE)
        _result(enrolment, module, ModuleResultStatus.PASSED if i == 0 else ModuleResultStatus.NOT_PASSED)
        AttendanceFactory(session=session, enrolment=enrolment)
        PlacementFactory(enrolment=enrolment, status=PlacementStatus.ACTIVE, start_date=date(2026, 9, 10))
    CandidateBarrierFactory(candidate=enrolments[0].candidate, kind=BarrierKind.DEBTS)
    _certificate(enrolments[0], module)
    outcome = OutcomeFactory(enrolment=_enrol(cohort, S.OUTFLOW)[0])
    FollowUpFactory(outcome=outcome, due_on=date(2027, 3, 1), answered_on=date(2027, 3, 1), still_working=True)
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


def _cohort_of(size: int):
    cohort = CohortFactory()
    host = EmployerFactory()
    SeatOfferFactory(employer=host, cohort=cohort, places=size)
    module = CohortModuleFactory(cohort=cohort, name="VCA", is_unit_certificate=True, certificate_name="VCA")
    session = AttendanceSessionFactory(cohort=cohort, cohort_module=module)
    statuses = [S.REGISTERED, S.RESERVE, S.STARTED, S.COMPLETED, S.OUTFLOW]
    for i in range(size):
        status = statuses[i % len(statuses)]
        enrolment = EnrolmentFactory(cohort=cohort, status=status)
        EnrolmentTransition.objects.create(enrolment=enrolment, to_status=S.SCREENED, at=timezone.now())
        if status == S.OUTFLOW:
            outcome = OutcomeFactory(enrolment=enrolment, kind=OutcomeKind.CONTRACT_AT_HOST, employer=host)
            FollowUpFactory(outcome=outcome, answered_on=date(2027, 3, 2), still_working=True)
        if status == S.STARTED:
            PlacementFactory(
                enrolment=enrolment, employer=host, status=PlacementStatus.ACTIVE, start_date=date(2026, 9, 15)
            )
        if status in {S.STARTED, S.COMPLETED, S.OUTFLOW}:
            CandidateBarrierFactory(candidate=enrolment.candidate, kind=BarrierKind.CHILDCARE)
            AttendanceFactory(session=session, enrolment=enrolment)
            ModuleResult.objects.create(
                enrolment=enrolment, cohort_module=module, status=ModuleResultStatus.PASSED, date=date(2026, 10, 1)
            )
            Certificate.objects.create(
                enrolment=enrolment, cohort_module=module, name="VCA", issued_on=date(2026, 10, 1)
            )
    return cohort


@pytest.mark.parametrize("size", [5, 50])
def test_the_number_of_queries_does_not_grow_with_the_candidates(size, django_assert_max_num_queries):
    cohort = _cohort_of(size)
    pilot = Pilot.objects.get(pk=cohort.pilot_id)

    # Sixteen: the pilots, the cohorts, the funnel, outflow by kind, dropout by reason, the employers, barriers,
    # module results, certificates, attendance, follow-up, the days to placement and outflow, three for the
    # completeness of the records and one for the partners.
    with django_assert_max_num_queries(16):
        evaluation = public_figures(pilot_evaluation(pilots=[pilot]))

    raw = pilot_evaluation(pilots=[pilot])
    assert raw.total.stage("applied").count == size
    assert evaluation.employers[0].offered == size
    started = raw.total.stage("started").count
    assert {row.kind: row.count for row in raw.barriers}[BarrierKind.CHILDCARE] == started
    assert (raw.modules[0].results, raw.modules[0].certificates, raw.attendance.marked) == (started,) * 3
    assert {check.key: check.total for check in raw.completeness}["consent"] == size


@pytest.mark.parametrize("pilots", [1, 4])
def test_the_number_of_queries_does_not_grow_with_the_pilots(pilots, django_assert_num_queries):
    region = RegionFactory()
    chosen = []
    for _ in range(pilots):
        cohort = _cohort_of(5)
        Pilot.objects.filter(pk=cohort.pilot_id).update(region=region)
        PilotPartnerFactory(pilot=cohort.pilot)
        CohortFactory(pilot=cohort.pilot, start_date=date(2027, 3, 1), end_date=date(2027, 6, 1))
        chosen.append(cohort.pilot_id)

    with django_assert_num_queries(16):
        evaluation = public_figures(pilot_evaluation(pilots=Pilot.objects.filter(pk__in=chosen)))

    assert len(evaluation.pilots) == pilots
    assert len(evaluation.partner_names) == 2 * pilots


def test_every_figure_has_a_written_definition():
    keys = {*FUNNEL_STAGES, "funnel_rate", "outflow_to_work", "target_status", "outflow_by_kind"}
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

    assert (werkfit.outflow_to_work.to_work, werkfit.outflow_to_work.started) == (14, 18)
    assert leerlingpoule.stage("started").count == 52


def _completeness(evaluation):
    return {check.key: (check.complete, check.total, check.rate) for check in evaluation.completeness}


def test_completeness_of_the_records_on_a_hand_built_cohort():
    cohort = CohortFactory()
    module = CohortModuleFactory(cohort=cohort, name="VCA")
    session = AttendanceSessionFactory(cohort=cohort)
    # Eight candidates enrolled (and one erased); one without consent, one with a complete record.
    without_consent = CandidateFactory(consent_given_at=None, consent_purpose="")
    complete_record = CandidateFactory(education_level="mbo2")
    EnrolmentFactory(cohort=cohort, candidate=without_consent, status=S.REGISTERED)
    # Started: one with attendance marked, one without a start date.
    marked = EnrolmentFactory(cohort=cohort, candidate=complete_record, status=S.STARTED)
    AttendanceFactory(session=session, enrolment=marked)
    AttendanceFactory(session=AttendanceSessionFactory(cohort=cohort, date=date(2026, 9, 8)), enrolment=marked)
    _enrol(cohort, S.STARTED, started_on=None)
    # Completed: one with module results (two, counted once), one without; neither has an outcome.
    with_results, _without = _enrol(cohort, S.COMPLETED, 2)
    _result(with_results, module, ModuleResultStatus.PASSED)
    _result(with_results, CohortModuleFactory(cohort=cohort, name="Taal"), ModuleResultStatus.PASSED)
    # Ended with an outcome: two to work (one without a start date), one dropout without work.
    to_work = _to_work(cohort)
    OutcomeFactory(
        enrolment=EnrolmentFactory(cohort=cohort, status=S.OUTFLOW), kind=OutcomeKind.EDUCATION, start_date=None
    )
    dropout = EnrolmentFactory(cohort=cohort, status=S.DROPPED_OUT, dropout_reason=DropoutReason.HEALTH)
    OutcomeFactory(enrolment=dropout, kind=OutcomeKind.NONE)
    # Follow-ups: two due (one answered), one not yet due, answered early or not.
    FollowUpFactory(outcome=to_work.outcome, months=3, due_on=date(2027, 3, 1), answered_on=date(2027, 3, 2))
    FollowUpFactory(outcome=to_work.outcome, months=6, due_on=date(2027, 6, 1))
    FollowUpFactory(outcome=to_work.outcome, months=12, due_on=date(2027, 12, 1), answered_on=date(2027, 5, 1))
    # Another pilot, and an erased candidate, are not counted.
    EnrolmentFactory(status=S.STARTED, started_on=None)
    EnrolmentFactory(cohort=cohort, status=S.REGISTERED, candidate__anonymised_at=timezone.now())

    evaluation = pilot_evaluation(pilots=[cohort.pilot], today=date(2027, 6, 1))

    assert [check.key for check in evaluation.completeness] == list(COMPLETENESS_CHECKS)
    assert _completeness(evaluation) == {
        "consent": (7, 8, 87.5),
        "record": (1, 8, 12.5),
        "started_on": (6, 7, 85.7),
        "attendance": (1, 7, 14.3),
        "module_results": (1, 4, 25.0),
        "outcome": (3, 5, 60.0),
        "outcome_start": (1, 2, 50.0),
        "followup": (1, 2, 50.0),
    }


def test_completeness_of_a_pilot_without_candidates_has_no_rates():
    evaluation = pilot_evaluation(pilots=[PilotFactory()])

    assert _completeness(evaluation) == dict.fromkeys(COMPLETENESS_CHECKS, (0, 0, None))


def test_public_figures_hide_small_completeness_counts_and_their_rates(settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory()
    _enrol(cohort, S.STARTED, 6)
    _enrol(cohort, S.STARTED, 2, started_on=None)
    _enrol(cohort, S.COMPLETED, 3)

    shown = _completeness(public_figures(pilot_evaluation(pilots=[cohort.pilot])))

    assert shown["consent"] == (11, 11, 100.0)
    assert shown["started_on"] == (9, 11, 81.8)
    assert shown["module_results"] == (0, None, None)
    assert shown["record"] == (0, 11, 0.0)


def test_pilots_side_by_side_each_with_its_own_target_region_and_cohorts_in_the_period():
    north, south = RegionFactory(name="Noord"), RegionFactory(name="Zuid")
    first = PilotFactory(name="B-pilot", region=north, target_outflow_percentage=50)
    second = PilotFactory(name="A-pilot", region=south, target_outflow_percentage=80)
    empty = PilotFactory(name="C-pilot", region=north)
    cohort = CohortFactory(pilot=first)
    _enrol(cohort, S.STARTED, 2)
    _to_work(cohort)
    _to_work(cohort)
    _enrol(CohortFactory(pilot=second), S.STARTED, 4)
    _to_work(CohortFactory(pilot=second))
    outside = CohortFactory(pilot=second, start_date=date(2025, 1, 6), end_date=date(2025, 4, 1))
    _enrol(outside, S.STARTED, 7)  # before the period

    evaluation = pilot_evaluation(pilots=[first, second, empty], period_start=date(2026, 1, 1))

    assert [(pilot.name, pilot.region) for pilot in evaluation.pilots] == [
        ("A-pilot", "Zuid"),
        ("B-pilot", "Noord"),
        ("C-pilot", "Noord"),
    ]
    a, b, c = (pilot.figures.outflow_to_work for pilot in evaluation.pilots)
    assert (a.to_work, a.started, a.percentage, a.target, a.status) == (1, 5, 20.0, 80, TargetStatus.NOT_MET)
    assert (b.to_work, b.started, b.percentage, b.target, b.status) == (2, 4, 50.0, 50, TargetStatus.MET)
    assert (c.to_work, c.started, c.percentage) == (0, 0, None)
    # The pilots add up to the total.
    assert (
        sum(pilot.figures.stage("applied").count for pilot in evaluation.pilots)
        == evaluation.total.stage("applied").count
    )
    assert evaluation.region_names == ("Noord", "Zuid")


def test_public_figures_hide_the_small_counts_of_a_pilot(settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory()
    _enrol(cohort, S.STARTED, 6)
    _to_work(cohort)

    pilot = public_figures(pilot_evaluation(pilots=[cohort.pilot])).pilots[0].figures

    assert pilot.stage("applied").count == 7
    assert (pilot.outflow_to_work.to_work, pilot.outflow_to_work.percentage) == (None, None)
    assert pilot.outflow_to_work.status is None


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
