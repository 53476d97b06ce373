"""What public_figures hides: no hidden count can be worked out again by a reader who adds up the report's tables.

The reader below is written apart from reports.figures.relations: it names, in the report's own terms, the sums
anyone can make from the tables as they are laid out (a stage's parts add up to it, the cohorts to their pilot,
the reasons to the dropouts, ...), and solves them for the hidden counts with reports.disclosure.derivable. Each
report is built through the services with one kind of small count that only some of those sums could give away.
The threshold is 2 throughout, so that a count of one is the small count and a handful of candidates is enough.
docs/mutation.md says which mutants of the suppression code these tests were written to stop.
"""

from datetime import date

import pytest

from candidates.lifecycle import OUTFLOW_TO_BBL, OUTFLOW_TO_EDUCATION, OUTFLOW_TO_WORK, POSITIVE_OUTFLOW
from candidates.models import DropoutReason, EnrolmentStatus, OutcomeKind
from candidates.progress import certificate_record
from candidates.tests.journeys import walk
from employers.services import placement_confirm, placement_propose
from employers.tests.factories import SeatOfferFactory
from pilots.tests.factories import CohortFactory, CohortModuleFactory
from reports.disclosure import Relation, check_relations, derivable, primary
from reports.figures import OUTFLOW_KINDS as REPORT_OUTFLOW_KINDS
from reports.figures import STAGES, _cost, cells, known_zeros, pilot_evaluation, public_figures

pytestmark = pytest.mark.django_db

S = EnrolmentStatus
THRESHOLD = 2
# The day the figures are counted: after the cohorts' tracks are over, before any follow-up is due.
COUNTED_ON = date(2027, 1, 15)

# --- The reader ---------------------------------------------------------------------------------------------------

# The funnel as the report lays it out: the stage each rate is taken over, whose count the report shows beside it,
# and the stages that are split into parts without overlap.
RATE_OVER = {
    "screened": "applied",
    "not_selected": "screened",
    "selected": "screened",
    "withdrawn": "selected",
    "waiting": "selected",
    "started": "selected",
    "completed": "started",
    "dropped_out": "started",
    "in_track": "started",
    "outflow": "started",
}
SPLIT = {"selected": ("withdrawn", "waiting", "started"), "started": ("completed", "dropped_out", "in_track")}
# The outcome kinds each outflow figure counts, and how positive outflow splits.
OUTFLOW_KINDS = {
    "positive": POSITIVE_OUTFLOW,
    "work": OUTFLOW_TO_WORK,
    "bbl": OUTFLOW_TO_BBL,
    "education": OUTFLOW_TO_EDUCATION,
}
OUTFLOW_SPLIT = ("work", "bbl", "education")


def _key_figure_sums(prefix, figures):
    """The sums within one set of key figures (the report's, a pilot's or a cohort's)."""
    stage = {row.key: f"{prefix}stages.{position}" for position, row in enumerate(figures.stages)}
    measure = {row.key: f"{prefix}outflow.{position}" for position, row in enumerate(figures.outflow)}
    sums = [Relation(f"{stage[key]}.base", (f"{stage[over]}.count",)) for key, over in RATE_OVER.items()]
    sums += [
        Relation(f"{stage[whole]}.count", tuple(f"{stage[part]}.count" for part in parts))
        for whole, parts in SPLIT.items()
    ]
    sums += [Relation(f"{measure[key]}.started", (f"{stage['started']}.count",)) for key in measure]
    sums.append(Relation(f"{measure['positive']}.count", (f"{stage['outflow']}.count",)))
    sums.append(Relation(f"{measure['positive']}.count", tuple(f"{measure[key]}.count" for key in OUTFLOW_SPLIT)))
    return sums


def _key_figure_counts(figures):
    """The paths of the counts within one set of key figures."""
    paths = [f"stages.{position}.count" for position in range(len(figures.stages))]
    paths += [f"stages.{position}.base" for position, row in enumerate(figures.stages) if row.key in RATE_OVER]
    paths += [f"outflow.{position}.{name}" for position in range(len(figures.outflow)) for name in ("count", "started")]
    return paths


def reader_sums(evaluation):
    """Every sum a reader of the whole report can make, over the paths of figures.cells."""
    sums = _key_figure_sums("total.", evaluation.total)
    for position, cohort in enumerate(evaluation.cohorts):
        sums += _key_figure_sums(f"cohorts.{position}.figures.", cohort.figures)
    for position, pilot in enumerate(evaluation.pilots):
        sums += _key_figure_sums(f"pilots.{position}.figures.", pilot.figures)
    # Side by side: the cohorts add up to their pilot, and the pilots to the report.
    for path in _key_figure_counts(evaluation.total) if evaluation.cohorts else []:
        sums.append(
            Relation(f"total.{path}", tuple(f"pilots.{i}.figures.{path}" for i in range(len(evaluation.pilots))))
        )
        for i, pilot in enumerate(evaluation.pilots):
            own = [pos for pos, cohort in enumerate(evaluation.cohorts) if cohort.pilot_slug == pilot.slug]
            if own:
                sums.append(
                    Relation(f"pilots.{i}.figures.{path}", tuple(f"cohorts.{pos}.figures.{path}" for pos in own))
                )
    stage = {row.key: f"total.stages.{position}.count" for position, row in enumerate(evaluation.total.stages)}
    measure = {row.key: f"total.outflow.{position}.count" for position, row in enumerate(evaluation.total.outflow)}
    kind = {row.kind: f"outflow_by_kind.{position}.count" for position, row in enumerate(evaluation.outflow_by_kind)}
    sums.append(Relation("outcomes_recorded", tuple(kind.values())))
    sums += [Relation(measure[key], tuple(kind[value] for value in kinds)) for key, kinds in OUTFLOW_KINDS.items()]
    reasons = range(len(evaluation.dropout_by_reason))
    sums.append(Relation("dropout_total.count", tuple(f"dropout_by_reason.{i}.count" for i in reasons)))
    sums.append(Relation("dropout_total.to_work", tuple(f"dropout_by_reason.{i}.to_work" for i in reasons)))
    sums.append(Relation(stage["dropped_out"], ("dropout_total.count",)))
    hosts = range(len(evaluation.employers))
    if evaluation.employers:
        for name in ("proposed", "confirmed", "ended_early", "contracts"):
            sums.append(Relation(f"employers_total.{name}", tuple(f"employers.{i}.{name}" for i in hosts)))
    sums.append(Relation(kind[OutcomeKind.CONTRACT_AT_HOST], ("employers_total.contracts",)))
    modules = range(len(evaluation.modules))
    sums.append(
        Relation(
            "certificates_issued", (*(f"modules.{i}.certificates" for i in modules), "certificates_without_module")
        )
    )
    moments = range(len(evaluation.followups))
    if evaluation.followups:
        for name in ("due", "answered", "reached", "still_working"):
            sums.append(Relation(f"followups_total.{name}", tuple(f"followups.{i}.{name}" for i in moments)))
    check = {row.key: f"completeness.{position}" for position, row in enumerate(evaluation.completeness)}
    sums += [
        Relation(f"{check['consent']}.total", (f"{check['record']}.total",)),
        Relation(f"{check['started_on']}.total", (stage["started"],)),
        Relation(f"{check['attendance']}.total", (stage["started"],)),
        Relation(f"{check['module_results']}.total", (stage["completed"],)),
        Relation(f"{check['outcome']}.total", (stage["completed"], stage["dropped_out"])),
        Relation(f"{check['outcome']}.complete", ("outcomes_recorded",)),
        Relation(f"{check['outcome_start']}.total", (stage["outflow"],)),
        Relation(f"{check['followup']}.total", ("followups_total.due",)),
        Relation(f"{check['followup']}.complete", ("followups_total.answered",)),
    ]
    return sums


def worked_out_again(raw, shown):
    """The counts public_figures hides that the reader works out from the ones it shows."""
    values = cells(raw)
    hidden = values.keys() - cells(shown).keys()
    return derivable(values, reader_sums(raw), hidden)


# --- Reports with one kind of small count ------------------------------------------------------------------------


def _walk(cohort, status, by_user, n=1, **kwargs):
    return [walk(cohort=cohort, to=status, by_user=by_user, **kwargs) for _ in range(n)]


def _outflow(cohort, by_user, kind, n=1, *, ended_on=None, dropout_reason="", **outcome):
    """Walk `n` enrolments to an outcome of `kind`: through completion, or with a reason through dropping out."""
    return _walk(
        cohort,
        S.OUTFLOW,
        by_user,
        n,
        ended_on=ended_on,
        dropout_reason=dropout_reason,
        outcome={"kind": kind, **outcome},
    )


def a_withdrawal_beside_those_waiting_and_started(by_user):
    # Selected 6: withdrawn 1, waiting 3, started 2. The smallest partner of the withdrawal is the started count,
    # which is also the base of every rate over those who started.
    cohort = CohortFactory()
    _walk(cohort, S.WITHDRAWN, by_user)
    _walk(cohort, S.SELECTED, by_user, 3)
    _walk(cohort, S.STARTED, by_user, 2)
    return [cohort.pilot]


def one_small_cohort_beside_others(by_user):
    # A pilot of two cohorts, one with a single starter, and a second pilot.
    small = CohortFactory()
    _walk(small, S.STARTED, by_user)
    _walk(CohortFactory(pilot=small.pilot), S.STARTED, by_user, 3)
    other = CohortFactory()
    _walk(other, S.STARTED, by_user, 2)
    return [small.pilot, other.pilot]


def a_small_dropout_reason(by_user):
    cohort = CohortFactory()
    _walk(cohort, S.DROPPED_OUT, by_user, dropout_reason=DropoutReason.HEALTH)
    _walk(cohort, S.DROPPED_OUT, by_user, 2, dropout_reason=DropoutReason.MOTIVATION)
    _walk(cohort, S.COMPLETED, by_user, 3)
    return [cohort.pilot]


def a_small_outcome_kind(by_user):
    cohort = CohortFactory()
    _outflow(cohort, by_user, OutcomeKind.JOB_ELSEWHERE)
    _outflow(cohort, by_user, OutcomeKind.EDUCATION, 2, education_level=2)
    _outflow(cohort, by_user, OutcomeKind.NONE, 2)
    return [cohort.pilot]


def a_host_with_one_intern(by_user):
    cohort = CohortFactory()
    one, two = (SeatOfferFactory(cohort=cohort, places=3).employer for _ in range(2))
    for host, enrolments in ((one, _walk(cohort, S.STARTED, by_user)), (two, _walk(cohort, S.STARTED, by_user, 2))):
        for enrolment in enrolments:
            placement = placement_propose(enrolment=enrolment, employer=host, by_user=by_user, notify=False)
            placement_confirm(placement=placement, by_user=by_user)
    _walk(cohort, S.STARTED, by_user, 2)
    return [cohort.pilot]


def a_certificate_without_a_module(by_user):
    cohort = CohortFactory()
    module = CohortModuleFactory(cohort=cohort, name="VCA", is_unit_certificate=True, certificate_name="VCA")
    first, second, third = _walk(cohort, S.STARTED, by_user, 3)
    for enrolment, cohort_module in ((first, module), (second, module), (third, None)):
        certificate_record(
            enrolment=enrolment, cohort_module=cohort_module, name="VCA", issued_on=date(2026, 10, 1), by_user=by_user
        )
    return [cohort.pilot]


def one_follow_up_due_at_six_months(by_user):
    # Work from 1 December and from 1 January: by 15 June both checks at 3 months are due, one at 6 months.
    cohort = CohortFactory()
    for start in (date(2026, 12, 1), date(2027, 1, 1)):
        _outflow(cohort, by_user, OutcomeKind.JOB_ELSEWHERE, start_date=start, ended_on=date(2026, 11, 30))
    _walk(cohort, S.COMPLETED, by_user, 2)
    return [cohort.pilot]


def one_small_pilot_beside_another(by_user):
    small = CohortFactory()
    _walk(small, S.STARTED, by_user)
    other = CohortFactory()
    _walk(other, S.STARTED, by_user, 2)
    return [small.pilot, other.pilot]


def one_outcome_without_work(by_user):
    cohort = CohortFactory()
    _outflow(cohort, by_user, OutcomeKind.NONE)
    _outflow(cohort, by_user, OutcomeKind.JOB_ELSEWHERE, 2)
    return [cohort.pilot]


def one_dropout_who_found_work_for_another_reason(by_user):
    # Of the dropouts who found work, two left because of it and one for their health.
    cohort = CohortFactory()
    _outflow(cohort, by_user, OutcomeKind.JOB_ELSEWHERE, 2, dropout_reason=DropoutReason.FOUND_WORK)
    _outflow(cohort, by_user, OutcomeKind.JOB_ELSEWHERE, dropout_reason=DropoutReason.HEALTH)
    _walk(cohort, S.COMPLETED, by_user, 3)
    return [cohort.pilot]


def one_still_in_the_track_beside_dropouts(by_user):
    # Started 6: completed 3, dropped out 2, still in the track 1. The smallest partner of the one is the
    # dropouts, which the table of dropout reasons adds up to as well.
    cohort = CohortFactory()
    _walk(cohort, S.STARTED, by_user)
    _walk(cohort, S.DROPPED_OUT, by_user, 2)
    _walk(cohort, S.COMPLETED, by_user, 3)
    return [cohort.pilot]


def a_withdrawal_in_the_second_cohort_of_a_pilot(by_user):
    # The pilot's first cohort and the other pilot's have nobody yet: only the second cohort's own table, selected
    # = withdrawn + waiting + started, can give the withdrawal away.
    first = CohortFactory(start_date=date(2026, 9, 1))
    second = CohortFactory(pilot=first.pilot, start_date=date(2026, 9, 2))
    _walk(second, S.WITHDRAWN, by_user)
    _walk(second, S.SELECTED, by_user, 2)
    other = CohortFactory(start_date=date(2026, 9, 6))
    return [first.pilot, other.pilot]


def a_dropout_in_the_second_cohort_of_a_pilot(by_user):
    first = CohortFactory(start_date=date(2026, 9, 1))
    second = CohortFactory(pilot=first.pilot, start_date=date(2026, 9, 2))
    _walk(second, S.DROPPED_OUT, by_user, dropout_reason=DropoutReason.OTHER)
    _walk(second, S.STARTED, by_user, 2)
    return [first.pilot]


def dropouts_to_education_in_three_cohorts(by_user):
    # Everyone who left went to school: one in the first and the third cohort each, four in the second, where the
    # one who completed did so as well. Positive outflow and outflow to education are the same count everywhere.
    first = CohortFactory(start_date=date(2026, 9, 1))
    second = CohortFactory(pilot=first.pilot, start_date=date(2026, 9, 2))
    third = CohortFactory(start_date=date(2026, 9, 6))
    for cohort, dropouts in ((first, 1), (second, 4), (third, 1)):
        _outflow(
            cohort, by_user, OutcomeKind.EDUCATION, dropouts, dropout_reason=DropoutReason.OTHER, education_level=2
        )
    _outflow(second, by_user, OutcomeKind.EDUCATION, education_level=2)
    return [first.pilot, third.pilot]


REPORTS = [
    a_withdrawal_beside_those_waiting_and_started,
    one_small_cohort_beside_others,
    a_small_dropout_reason,
    a_small_outcome_kind,
    a_host_with_one_intern,
    a_certificate_without_a_module,
    one_follow_up_due_at_six_months,
    one_small_pilot_beside_another,
    one_outcome_without_work,
    one_dropout_who_found_work_for_another_reason,
    one_still_in_the_track_beside_dropouts,
    a_withdrawal_in_the_second_cohort_of_a_pilot,
    a_dropout_in_the_second_cohort_of_a_pilot,
    dropouts_to_education_in_three_cohorts,
]

# The follow-ups are counted once some are due; the reports of cohorts with nobody in them while the others' tracks
# run, so that no count of those waiting or still in a track is known to be zero from outside the report.
COUNTED_ON_FOR = {
    one_follow_up_due_at_six_months: date(2027, 6, 15),
    a_withdrawal_in_the_second_cohort_of_a_pilot: date(2026, 12, 1),
    a_dropout_in_the_second_cohort_of_a_pilot: date(2026, 12, 1),
    dropouts_to_education_in_three_cohorts: date(2026, 12, 1),
}


@pytest.mark.parametrize("build", REPORTS, ids=[build.__name__ for build in REPORTS])
def test_a_reader_who_adds_up_the_tables_works_out_no_hidden_count(build, adviser, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = THRESHOLD
    today = COUNTED_ON_FOR.get(build, COUNTED_ON)
    raw = pilot_evaluation(pilots=build(adviser), today=today)
    values = cells(raw)
    assert check_relations(values, reader_sums(raw)) == [], "the reader's sums do not hold on the raw figures"
    assert primary(values, threshold=THRESHOLD), "the report has no small count to protect"

    shown = public_figures(raw)

    assert not primary(values, threshold=THRESHOLD) & cells(shown).keys()
    assert worked_out_again(raw, shown) == frozenset()


# --- What the report gives up first ------------------------------------------------------------------------------


def test_a_small_count_is_protected_with_a_detail_before_the_reports_funnel(adviser, settings):
    # Started 5: completed 3, one dropout and one still in the track (the track is over; the record lags behind).
    # Hidden, the dropout still follows from the completeness check "outcome recorded", which is taken over those
    # who completed or dropped out (4), less the three who completed. The check's base goes, not the funnel's count.
    settings.REPORT_SMALL_COUNT_THRESHOLD = THRESHOLD
    cohort = CohortFactory()
    _walk(cohort, S.COMPLETED, adviser, 3)
    _walk(cohort, S.DROPPED_OUT, adviser)
    _walk(cohort, S.STARTED, adviser)

    shown = public_figures(pilot_evaluation(pilots=[cohort.pilot], today=COUNTED_ON))

    for figures in (shown.total, shown.pilots[0].figures, shown.cohorts[0].figures):
        funnel = {stage.key: (stage.count, stage.rate) for stage in figures.stages}
        assert funnel["started"] == (5, 100.0)
        assert funnel["completed"] == (3, 60.0)
        assert funnel["dropped_out"] == funnel["in_track"] == (None, None)
    assert shown.completeness_check("outcome").total is None


# --- The zeros a reader knows from outside the report -------------------------------------------------------------
# known_zeros decides which zeros protect nothing (the reader knows them without the report) and are never hidden.
# Each boundary is pinned here: a track is over only after its last day, and has not begun only before its first;
# a pilot's or the report's count is known only when it is known for every cohort it adds up.

OVER_WHEN_ENDED = ("waiting", "in_track")
AFTER_THE_START = ("started", "completed", "dropped_out", "in_track", "outflow")


def _stages(prefix, keys):
    return {f"{prefix}stages.{STAGES.index(key)}.count" for key in keys}


def _not_begun(prefix):
    outflow = {
        f"{prefix}outflow.{index}.{name}" for index in range(len(REPORT_OUTFLOW_KINDS)) for name in ("count", "started")
    }
    return _stages(prefix, AFTER_THE_START) | outflow


def _prefixes(evaluation, cohort):
    names = [figures.name for figures in evaluation.cohorts]
    return f"cohorts.{names.index(cohort.name)}.figures."


def test_a_track_is_over_only_after_its_last_day(adviser):
    cohort = CohortFactory(start_date=date(2026, 9, 1), end_date=date(2026, 12, 15))
    _walk(cohort, S.COMPLETED, adviser, 2)

    on_the_last_day = pilot_evaluation(pilots=[cohort.pilot], today=date(2026, 12, 15))
    the_day_after = pilot_evaluation(pilots=[cohort.pilot], today=date(2026, 12, 16))

    assert known_zeros(on_the_last_day) == frozenset()
    expected = set()
    for prefix in ("cohorts.0.figures.", "pilots.0.figures.", "total."):
        expected |= _stages(prefix, OVER_WHEN_ENDED)
    assert known_zeros(the_day_after) == expected


def test_a_track_has_not_begun_only_before_its_first_day(adviser):
    cohort = CohortFactory(start_date=date(2026, 9, 1), end_date=date(2026, 12, 15))
    _walk(cohort, S.SELECTED, adviser, 2)

    the_day_before = pilot_evaluation(pilots=[cohort.pilot], today=date(2026, 8, 31))
    on_the_first_day = pilot_evaluation(pilots=[cohort.pilot], today=date(2026, 9, 1))

    expected = set()
    for prefix in ("cohorts.0.figures.", "pilots.0.figures.", "total."):
        expected |= _not_begun(prefix)
    assert expected <= cells(the_day_before).keys(), "a path the report does not have"
    assert known_zeros(the_day_before) == expected
    assert known_zeros(on_the_first_day) == frozenset()


def test_a_pilots_zero_is_known_only_when_every_one_of_its_cohorts_ended(adviser):
    # A pilot of two cohorts, the first over before the second; a second pilot whose one cohort runs on.
    first = CohortFactory(name="Eerste ronde", start_date=date(2026, 3, 1), end_date=date(2026, 6, 30))
    second = CohortFactory(
        name="Tweede ronde", pilot=first.pilot, start_date=date(2026, 9, 1), end_date=date(2026, 12, 15)
    )
    running = CohortFactory(name="Doorlopend", start_date=date(2026, 9, 1), end_date=date(2027, 3, 31))
    for cohort in (first, second, running):
        _walk(cohort, S.COMPLETED, adviser)
    pilots = [first.pilot, running.pilot]

    between = pilot_evaluation(pilots=pilots, today=date(2026, 10, 1))
    assert known_zeros(between) == _stages(_prefixes(between, first), OVER_WHEN_ENDED)

    after_both_rounds = pilot_evaluation(pilots=pilots, today=date(2026, 12, 16))
    pilot_index = [figures.slug for figures in after_both_rounds.pilots].index(first.pilot.slug)
    expected = set()
    for prefix in (
        _prefixes(after_both_rounds, first),
        _prefixes(after_both_rounds, second),
        f"pilots.{pilot_index}.figures.",
    ):
        expected |= _stages(prefix, OVER_WHEN_ENDED)
    assert known_zeros(after_both_rounds) == expected


# --- What a cell is worth to the reader ----------------------------------------------------------------------------


def _rank(path):
    """The order of docs/disclosure.md: the report's key figures, a pilot's, the tables' totals, a cohort's, then
    every breakdown and check, which are given up (and given back last) before any of those."""
    if path.startswith("total."):
        return 4
    if path.startswith("pilots."):
        return 3
    table_totals = (
        "outcomes_recorded",
        "dropout_total.",
        "employers_total.",
        "followups_total.",
        "certificates_issued",
    )
    if path.startswith(table_totals):
        return 2
    if path.startswith("cohorts."):
        return 1
    return 0


def test_a_breakdown_is_worth_less_than_a_cohorts_count_and_that_less_than_a_total(adviser):
    cohort = CohortFactory()
    _outflow(cohort, adviser, OutcomeKind.JOB_ELSEWHERE)
    _walk(cohort, S.DROPPED_OUT, adviser, dropout_reason=DropoutReason.HEALTH)
    paths = cells(pilot_evaluation(pilots=[cohort.pilot], today=COUNTED_ON)).keys()
    assert {_rank(path) for path in paths} == {0, 1, 2, 3, 4}

    for first in paths:
        for second in paths:
            if _rank(first) < _rank(second):
                assert _cost(first) < _cost(second), (first, second)
            elif _rank(first) == _rank(second):
                assert _cost(first) == _cost(second), (first, second)
