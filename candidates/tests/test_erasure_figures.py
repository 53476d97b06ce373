"""Erasing a candidate changes no figure of any report: the evaluation, its document and the cohort's completeness.

The pilot below holds a candidate in every kind of state, each reached through the services a page calls. Each
kind is erased in turn on a fresh copy of the pilot, and everything the reports show is compared before and after.
"""

from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from candidates.completeness import REQUIREMENTS, group_completeness, group_completeness_counted, missing_requirements
from candidates.models import (
    AttendanceKind,
    AttendanceStatus,
    BarrierKind,
    Candidate,
    ContractType,
    DropoutReason,
    EnrolmentStatus,
    ModuleResultStatus,
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
)
from candidates.tests.factories import CandidateBarrierFactory, CandidateFactory
from candidates.tests.journeys import walk
from employers.models import ContractTerm, PlacementStatus
from employers.services import (
    contract_offer_answer,
    contract_offer_record,
    placement_confirm,
    placement_propose,
    placement_start,
    seat_offer_set,
)
from employers.tests.factories import EmployerFactory
from pilots.tests.factories import CohortFactory, CohortModuleFactory, PilotFactory
from reports.document import evaluation_document
from reports.figures import cells, pilot_evaluation

pytestmark = pytest.mark.django_db

S = EnrolmentStatus
TODAY = date(2027, 6, 1)
ANSWERS_RECORDED_AT = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
COMPLETE = {"education_level": "mbo2"}  # the factory fills in everything else a selection needs


def _placement(enrolment, host, by_user, *, to):
    placement = placement_propose(enrolment=enrolment, employer=host, by_user=by_user, notify=False)
    if to != PlacementStatus.PROPOSED:
        placement = placement_confirm(placement=placement, by_user=by_user)
    if to == PlacementStatus.ACTIVE:
        placement = placement_start(placement=placement, by_user=by_user)
    return placement


def _build_pilot(adviser, time_machine) -> tuple[list, dict[str, Candidate]]:
    """Two cohorts of one pilot with a candidate in each kind of state; the cohorts and the candidate per kind."""
    pilot = PilotFactory(target_outflow_percentage=75, target_work_percentage=50)
    spring = CohortFactory(pilot=pilot, name="Voorjaar")
    autumn = CohortFactory(pilot=pilot, name="Najaar", start_date=date(2026, 10, 1), end_date=date(2027, 1, 15))
    module = CohortModuleFactory(cohort=spring, name="VCA", is_unit_certificate=True, certificate_name="VCA")
    host = EmployerFactory(organisation__name="Kinderopvang Zon")
    seat_offer_set(employer=host, cohort=spring, places=6, by_user=adviser)
    session = attendance_session_create(
        cohort=spring, on_date=date(2026, 9, 7), kind=AttendanceKind.INTERNSHIP, by_user=adviser
    )

    def enrol(kind_cohort, to, *, candidate=None, **kwargs):
        return walk(cohort=kind_cohort, to=to, by_user=adviser, candidate=candidate or CandidateFactory(), **kwargs)

    kinds: dict[str, Candidate] = {}
    kinds["registered without consent"] = enrol(
        spring, S.REGISTERED, candidate=CandidateFactory(consent_given_at=None, consent_purpose="")
    ).candidate
    kinds["registered with a complete record"] = enrol(
        spring, S.REGISTERED, candidate=CandidateFactory(**COMPLETE)
    ).candidate
    kinds["registered without contact details"] = enrol(
        spring, S.REGISTERED, candidate=CandidateFactory(email="", phone="", postcode="", date_of_birth=None)
    ).candidate
    kinds["screening planned"] = enrol(spring, S.SCREENING_PLANNED).candidate
    screened = enrol(spring, S.SCREENED, candidate=CandidateFactory(**COMPLETE))
    CandidateBarrierFactory(candidate=screened.candidate, kind=BarrierKind.CHILDCARE, note="Twee kinderen")
    kinds["screened with a barrier"] = screened.candidate
    kinds["not selected"] = enrol(spring, S.NOT_SELECTED).candidate
    kinds["reserve"] = enrol(spring, S.RESERVE).candidate
    selected = enrol(spring, S.SELECTED, candidate=CandidateFactory(**COMPLETE))
    _placement(selected, host, adviser, to=PlacementStatus.PROPOSED)
    kinds["selected and proposed to a host"] = selected.candidate
    kinds["withdrawn"] = enrol(spring, S.WITHDRAWN).candidate
    started = enrol(spring, S.STARTED)
    _placement(started, host, adviser, to=PlacementStatus.ACTIVE)
    attendance_mark(session=session, enrolment=started, status=AttendanceStatus.PRESENT, by_user=adviser)
    kinds["started, placed and marked"] = started.candidate
    completed = enrol(spring, S.COMPLETED, candidate=CandidateFactory(**COMPLETE))
    module_result_record(
        enrolment=completed, cohort_module=module, status=ModuleResultStatus.PASSED, by_user=adviser,
        on_date=date(2026, 10, 1),
    )  # fmt: skip
    certificate_record(
        enrolment=completed, cohort_module=module, name="VCA", issued_on=date(2026, 10, 1), by_user=adviser
    )
    kinds["completed with results and a certificate"] = completed.candidate
    kinds["dropped out with a reason"] = enrol(spring, S.DROPPED_OUT, dropout_reason=DropoutReason.MOTIVATION).candidate
    # A contract at the host: placed there first, then the outcome, with its follow-ups answered.
    hired_candidate = CandidateFactory(**COMPLETE)
    hired = enrol(spring, S.STARTED, candidate=hired_candidate)
    _placement(hired, host, adviser, to=PlacementStatus.CONFIRMED)
    hired = enrolment_complete(enrolment=hired, by_user=adviser, on_date=date(2026, 12, 14))
    offer = contract_offer_record(
        enrolment=hired,
        employer=host,
        by_user=adviser,
        kind=ContractType.GROUP_HELPER,
        hours_per_week=24,
        start_date=date(2026, 12, 1),
        contract_type=ContractTerm.FIXED_TERM,
        duration_months=12,
    )
    contract_offer_answer(offer=offer, accepted=True, by_user=adviser)
    kinds["contract at the host with follow-ups"] = hired_candidate
    elsewhere = enrol(
        spring,
        S.OUTFLOW,
        outcome={
            "kind": OutcomeKind.JOB_ELSEWHERE,
            "employer_name": "Zorggroep Elders",
            "start_date": date(2026, 12, 1),
        },
    )
    kinds["job elsewhere"] = elsewhere.candidate
    kinds["dropped out to a BBL"] = enrol(
        spring,
        S.OUTFLOW,
        dropout_reason=DropoutReason.FOUND_WORK,
        outcome={"kind": OutcomeKind.BBL, "education_level": 2},
    ).candidate
    kinds["no outflow"] = enrol(spring, S.OUTFLOW, outcome={"kind": OutcomeKind.NONE}).candidate
    # One person in both cohorts: counted in each.
    twice = CandidateFactory(**COMPLETE)
    enrol(spring, S.NOT_SELECTED, candidate=twice)
    enrol(autumn, S.STARTED, candidate=twice)
    kinds["enrolled in two cohorts"] = twice
    # Others in the cohorts, so that no figure stands on the erased person alone.
    for status in (S.REGISTERED, S.SCREENED, S.STARTED, S.COMPLETED):
        enrol(spring, status)
        enrol(autumn, status, candidate=CandidateFactory(**COMPLETE))

    # followup_record refuses an answer on a day still to come.
    time_machine.move_to(ANSWERS_RECORDED_AT, tick=False)
    for outcome_owner in (hired_candidate, elsewhere.candidate):
        outcome = outcome_owner.enrolments.get().outcome
        followup_record(
            followup=outcome.followups.get(months=3), by_user=adviser, still_working=True, on_date=date(2027, 3, 2)
        )
    return [spring, autumn], kinds


def _everything_shown(pilot, cohorts) -> dict:
    """What the reports show: the raw figures, every count by its path, the document with and without small counts
    hidden, and each cohort's completeness as the selection page shows it."""
    evaluation = pilot_evaluation(pilots=[pilot], today=TODAY)
    with translation.override("nl"):
        document = evaluation_document(evaluation)
    return {
        "evaluation": evaluation,
        "cells": cells(evaluation),
        "document": document,
        "cohorts": [
            group_completeness(Candidate.objects.filter(enrolments__cohort=cohort).distinct()) for cohort in cohorts
        ],
        "cohorts counted": [
            group_completeness_counted(Candidate.objects.filter(enrolments__cohort=cohort)) for cohort in cohorts
        ],
    }


def test_the_pilot_has_a_candidate_in_every_state(adviser, time_machine):
    _cohorts, kinds = _build_pilot(adviser, time_machine)

    statuses = {
        status for candidate in kinds.values() for status in candidate.enrolments.values_list("status", flat=True)
    }
    assert statuses == set(S.values)


@pytest.mark.parametrize(
    "kind",
    [
        "registered without consent",
        "registered with a complete record",
        "registered without contact details",
        "screening planned",
        "screened with a barrier",
        "not selected",
        "reserve",
        "selected and proposed to a host",
        "withdrawn",
        "started, placed and marked",
        "completed with results and a certificate",
        "dropped out with a reason",
        "contract at the host with follow-ups",
        "job elsewhere",
        "dropped out to a BBL",
        "no outflow",
        "enrolled in two cohorts",
    ],
)
def test_erasing_a_candidate_changes_no_figure(adviser, settings, time_machine, kind):
    # A threshold of one hides nothing, so that the document shows every count erasure could change.
    settings.REPORT_SMALL_COUNT_THRESHOLD = 1
    cohorts, kinds = _build_pilot(adviser, time_machine)
    pilot = cohorts[0].pilot
    before = _everything_shown(pilot, cohorts)

    anonymise_candidate(kinds[kind], by=adviser, reason="Verzoek tot verwijdering")

    after = _everything_shown(pilot, cohorts)
    assert after["cells"] == before["cells"]
    assert after["evaluation"] == before["evaluation"]
    assert after["document"] == before["document"]
    assert after["cohorts"] == before["cohorts"]
    # The database's count of the same groups (a pilot's report reads that one) agrees, erased records and all.
    assert after["cohorts counted"] == after["cohorts"]


def test_the_erased_record_keeps_which_requirements_it_met_and_not_the_data(adviser):
    candidate = CandidateFactory(**COMPLETE, postcode="")
    walk(cohort=CohortFactory(), to=S.REGISTERED, by_user=adviser, candidate=candidate)

    anonymise_candidate(candidate, by=adviser, reason="Verzoek tot verwijdering")

    candidate.refresh_from_db()
    assert candidate.requirements_met_when_erased == [
        requirement.key for requirement in REQUIREMENTS if requirement.key != "postcode"
    ]
    assert (candidate.first_name, candidate.date_of_birth, candidate.email, candidate.phone, candidate.city) == (
        "",
        None,
        "",
        "",
        "",
    )
    assert [requirement.key for requirement in missing_requirements(candidate)] == ["postcode"]
