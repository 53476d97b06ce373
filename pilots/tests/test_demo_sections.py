"""The demo fills every section of each demo pilot's evaluation: attendance, module results and certificates,
coaching notes, follow-up answers, placements that start in the first weeks, outflow by the published facts and
the pilot's design facts; and loading it again adds nothing.

The demo is loaded once for the module (the seed_output fixture in conftest.py).
"""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from candidates.lifecycle import OUTFLOW_TO_BBL, OUTFLOW_TO_WORK, completed_q, dropped_out_q
from candidates.models import (
    Attendance,
    AttendanceSession,
    AttendanceStatus,
    Certificate,
    CoachingNote,
    CoachKind,
    Enrolment,
    FollowUp,
    ModuleResult,
    ModuleResultStatus,
    Outcome,
    OutcomeKind,
)
from candidates.progress import add_years
from candidates.progress_selectors import counting_certificates
from core.roles import START_PAGES
from employers.lifecycle import EVER_CONFIRMED
from employers.models import Placement
from pilots.demo import DEMO_PASSWORD, data
from pilots.models import Cohort, CohortModule, Pilot
from pilots.selectors import pilot_list

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("seed_demo"), pytest.mark.usefixtures("seed_output")]

GROEPSHULP = "groepshulp-midden-utrecht"
WELSLAGEN = "welslagen-rotterdam"
LEERLINGPOULE = "leerlingpoule-gelderland"
WERKFIT_INSTALLATION = "werkfit-installatietechniek"
WERKFIT_HOME_CARE = "werkfit-thuiszorg"
DEMO_PILOTS = [GROEPSHULP, WELSLAGEN, LEERLINGPOULE, WERKFIT_INSTALLATION, WERKFIT_HOME_CARE]
WERKFIT = [WERKFIT_INSTALLATION, WERKFIT_HOME_CARE]


def _started(slug: str):
    return Enrolment.objects.filter(cohort__pilot__slug=slug).started()


# --- Attendance ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", DEMO_PILOTS)
def test_every_starter_has_attendance_marks_mostly_present(slug):
    started = _started(slug)
    marks = Attendance.objects.filter(enrolment__cohort__pilot__slug=slug)

    assert started.exists()
    assert set(marks.values_list("enrolment", flat=True).distinct()) == set(started.values_list("pk", flat=True))
    statuses = list(marks.values_list("status", flat=True))
    assert 0.8 <= statuses.count(AttendanceStatus.PRESENT) / len(statuses) < 0.97
    assert {AttendanceStatus.PRESENT, AttendanceStatus.SICK, AttendanceStatus.ABSENT_WITH_NOTICE} <= set(statuses)


@pytest.mark.parametrize("slug", DEMO_PILOTS)
def test_attendance_is_marked_only_while_on_the_track_and_never_in_the_future(slug):
    marks = Attendance.objects.filter(enrolment__cohort__pilot__slug=slug)

    assert not marks.filter(session__date__lt=F("enrolment__started_on")).exists()
    # Dropouts stop at the day they left.
    assert not marks.filter(session__date__gt=F("enrolment__ended_on")).exists()
    assert marks.filter(dropped_out_q("enrolment__")).exists()
    assert not marks.filter(session__date__gte=timezone.localdate()).exists()
    assert not marks.filter(recorded_at__gt=timezone.now()).exists()


@pytest.mark.parametrize("slug", DEMO_PILOTS)
def test_sessions_are_the_days_of_the_weekly_rhythm_one_a_day(slug):
    sessions = AttendanceSession.objects.filter(cohort__pilot__slug=slug)
    pilot = Pilot.objects.get(slug=slug)

    assert sessions.exists()
    assert not sessions.filter(cohort_module__isnull=False).exists()
    assert all(session.from_rhythm for session in sessions)
    # The default rhythm puts the internship days first in the week and the school days after them.
    weekdays = {(session.kind, session.date.weekday()) for session in sessions}
    assert {day for kind, day in weekdays if kind == "internship"} <= set(range(pilot.internship_days_per_week))
    assert {day for kind, day in weekdays if kind == "school"} <= set(
        range(pilot.internship_days_per_week, pilot.internship_days_per_week + pilot.school_days_per_week)
    )


# --- Module results and certificates ----------------------------------------------------------------------------


@pytest.mark.parametrize("slug", DEMO_PILOTS)
def test_every_cohort_has_its_own_copy_of_the_learning_line(slug):
    pilot = Pilot.objects.get(slug=slug)
    for cohort in Cohort.objects.filter(pilot=pilot):
        assert set(cohort.learning_line.values_list("module", flat=True)) == set(
            pilot.modules.values_list("pk", flat=True)
        )


@pytest.mark.parametrize("slug", DEMO_PILOTS)
def test_completers_passed_most_modules_and_dropouts_left_some_unfinished(slug):
    results = ModuleResult.objects.filter(enrolment__cohort__pilot__slug=slug)
    of_completers = list(results.filter(completed_q("enrolment__")).values_list("status", flat=True))
    of_dropouts = set(results.filter(dropped_out_q("enrolment__")).values_list("status", flat=True))

    assert of_completers.count(ModuleResultStatus.PASSED) / len(of_completers) >= 0.85
    assert of_dropouts & {ModuleResultStatus.IN_PROGRESS, ModuleResultStatus.NOT_PASSED}
    assert not results.exclude(status=ModuleResultStatus.IN_PROGRESS).filter(date__isnull=True).exists()


def test_only_those_who_need_them_follow_the_groepshulp_language_and_numeracy_lessons():
    exempt = ModuleResult.objects.filter(enrolment__cohort__pilot__slug=GROEPSHULP, status=ModuleResultStatus.EXEMPT)

    assert exempt.exists()
    assert set(exempt.values_list("cohort_module__name", flat=True)) <= {"Taal op maat", "Rekenen op maat"}


@pytest.mark.parametrize("slug", DEMO_PILOTS)
def test_every_pilot_issued_certificates_that_count_in_the_report(slug):
    certificates = Certificate.objects.filter(enrolment__cohort__pilot__slug=slug)

    assert certificates.filter(counting_certificates()).exists()
    # A certificate comes with a passed module, on the day it was passed.
    for certificate in certificates.select_related("cohort_module"):
        result = ModuleResult.objects.get(enrolment=certificate.enrolment, cohort_module=certificate.cohort_module)
        assert (result.status, result.date) == (ModuleResultStatus.PASSED, certificate.issued_on)


@pytest.mark.parametrize("slug", WERKFIT)
def test_both_werkfit_pilots_issue_vca_as_a_certificate_of_its_own(slug):
    vca = Certificate.objects.filter(enrolment__cohort__pilot__slug=slug, name="VCA Basis")

    assert vca.exists()
    assert all(certificate.number and re.fullmatch(r"[0-9]{7}", certificate.number) for certificate in vca)
    assert all(certificate.expires_on == add_years(certificate.issued_on, 10) for certificate in vca)
    assert set(vca.values_list("cohort_module__is_unit_certificate", flat=True)) == {True}


def test_a_werkfit_dropout_keeps_the_vca_obtained_before_leaving():
    dropouts = _started(WERKFIT_INSTALLATION).filter(dropped_out_q())

    assert Certificate.objects.filter(counting_certificates(), enrolment__in=dropouts, name="VCA Basis").exists()


def test_the_groepshulp_learning_line_has_a_certificate_per_unit():
    units = CohortModule.objects.filter(cohort__pilot__slug=GROEPSHULP, is_unit_certificate=True)
    dropouts = _started(GROEPSHULP).filter(dropped_out_q())

    assert units.count() == 3 * Cohort.objects.filter(pilot__slug=GROEPSHULP).count()
    assert all(unit.certificate_name for unit in units)
    # A unit counts on its own: someone who left in week 6 keeps the certificate of the first unit.
    assert Certificate.objects.filter(counting_certificates(), enrolment__in=dropouts).exists()


def test_leerlingpoule_graduates_get_both_diplomas():
    graduates = _started(LEERLINGPOULE).filter(completed_q())
    diplomas = Certificate.objects.filter(enrolment__in=graduates)

    assert diplomas.count() == 2 * graduates.count()


# --- Coaching notes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", DEMO_PILOTS)
def test_every_starter_has_a_few_coaching_notes_dated_in_their_track(slug):
    yesterday = timezone.localdate() - timedelta(days=1)
    for enrolment in _started(slug).select_related("candidate").prefetch_related("coaching_notes"):
        notes = list(enrolment.coaching_notes.all())
        assert 2 <= len(notes) <= 5, enrolment
        for note in notes:
            assert enrolment.started_on <= timezone.localdate(note.created_at) <= yesterday
            # No personal data: not even the person's own name.
            names = {enrolment.candidate.first_name, enrolment.candidate.last_name}
            assert not any(re.search(rf"\b{re.escape(name)}\b", note.text) for name in names)


def test_welslagen_notes_come_from_the_work_coach_of_laurens_and_the_job_coach_of_the_municipality():
    notes = CoachingNote.objects.filter(enrolment__cohort__pilot__slug=WELSLAGEN)

    assert set(notes.values_list("coach_kind", "author__organisation__name")) == {
        (CoachKind.WORK_COACH, "Laurens"),
        (CoachKind.JOB_COACH, "Gemeente Rotterdam"),
    }


@pytest.mark.parametrize("slug", WERKFIT)
def test_the_werkfit_job_coach_stays_involved_after_the_placement(slug):
    to_work = _started(slug).filter(outcome__kind__in=OUTFLOW_TO_WORK)
    for enrolment in to_work.select_related("outcome"):
        assert enrolment.coaching_notes.filter(
            coach_kind=CoachKind.JOB_COACH, created_at__date__gt=enrolment.outcome.start_date
        ).exists()


@pytest.mark.parametrize("slug", DEMO_PILOTS)
def test_the_coaches_of_a_pilot_work_on_it_and_reach_their_start_page(client, slug):
    spec = next(spec for spec in data.pilot_specs(timezone.localdate()) if spec.slug == slug)
    for username in {coach.username for coach in spec.coaches} | {spec.recorder}:
        user = get_user_model().objects.get(username=username)
        assert slug in set(pilot_list(user=user).values_list("slug", flat=True))
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302
        assert client.get(reverse(START_PAGES[user.role])).status_code == 200
        client.logout()


# --- Follow-up ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", DEMO_PILOTS)
def test_every_pilot_has_answered_follow_ups_at_three_months(slug):
    today = timezone.localdate()
    due = FollowUp.objects.filter(outcome__enrolment__cohort__pilot__slug=slug, months=3, due_on__lt=today)

    assert due.exists()
    assert not due.filter(answered_on__isnull=True).exists()
    assert not due.filter(answered_on__lt=F("due_on")).exists()
    assert not due.filter(answered_on__gte=today).exists()


def test_follow_ups_not_due_yet_are_still_open():
    later = FollowUp.objects.filter(due_on__gt=timezone.localdate())

    assert later.exists()  # the groepshulp's first round flowed out only months ago
    assert not later.filter(answered_on__isnull=False).exists()


def test_follow_ups_hear_mostly_still_working_some_not_reached_and_some_stopped():
    answered = FollowUp.objects.filter(
        answered_on__isnull=False, outcome__kind__in=OUTFLOW_TO_WORK | OUTFLOW_TO_BBL
    ).values_list("still_working", flat=True)
    answers = list(answered)

    assert answers.count(True) / len(answers) >= 0.75
    assert None in answers
    assert False in answers
    assert not FollowUp.objects.filter(still_working__isnull=True, answered_on__isnull=False, note="").exists()


# --- Placements and outcomes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", DEMO_PILOTS)
def test_placements_start_in_the_first_weeks_on_different_days(slug):
    placements = Placement.objects.filter(
        enrolment__cohort__pilot__slug=slug, status__in=EVER_CONFIRMED
    ).select_related("enrolment__cohort")
    days_after_start = {(placement.start_date - placement.enrolment.cohort.start_date).days for placement in placements}

    assert len(days_after_start) > 1
    assert days_after_start != {0}
    assert all(0 <= days < 28 for days in days_after_start)


def test_welslagen_flows_out_mostly_to_a_bbl_place_at_laurens():
    started = _started(WELSLAGEN).count()
    bbl = Outcome.objects.filter(enrolment__cohort__pilot__slug=WELSLAGEN, kind=OutcomeKind.BBL)

    assert bbl.count() / started >= 0.75
    assert set(bbl.values_list("employer__organisation__name", flat=True)) == {"Laurens"}
    assert set(bbl.values_list("education_level", flat=True)) == {2, 3}


def test_leerlingpoule_graduates_have_a_contract_at_a_host():
    outcomes = Outcome.objects.filter(completed_q("enrolment__"), enrolment__cohort__pilot__slug=LEERLINGPOULE)

    assert set(outcomes.values_list("kind", flat=True)) == {OutcomeKind.CONTRACT_AT_HOST}


# --- The pilot's design facts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "planned_places", "target_work", "target_bbl"),
    [
        (GROEPSHULP, 14, 60, None),
        (WELSLAGEN, 48, None, 75),
        (LEERLINGPOULE, 45, None, None),
        (WERKFIT_INSTALLATION, 18, 75, None),
        (WERKFIT_HOME_CARE, 11, 70, None),
    ],
)
def test_every_pilot_has_its_design_facts(slug, planned_places, target_work, target_bbl):
    pilot = Pilot.objects.get(slug=slug)

    assert pilot.target_group
    assert pilot.planned_places == planned_places
    assert pilot.target_outflow_percentage > 0
    assert (pilot.target_work_percentage, pilot.target_bbl_percentage) == (target_work, target_bbl)


# --- Loading again -----------------------------------------------------------------------------------------


def _section_counts() -> dict[str, int]:
    counts = {
        model._meta.label: model.objects.count()
        for model in (
            AttendanceSession,
            Attendance,
            CohortModule,
            ModuleResult,
            Certificate,
            CoachingNote,
            FollowUp,
            Outcome,
            Placement,
        )
    }
    counts["answered follow-ups"] = FollowUp.objects.filter(answered_on__isnull=False).count()
    counts["present"] = Attendance.objects.filter(status=AttendanceStatus.PRESENT).count()
    counts["passed"] = ModuleResult.objects.filter(status=ModuleResultStatus.PASSED).count()
    counts["unit modules"] = CohortModule.objects.filter(is_unit_certificate=True).count()
    return counts


def test_loading_the_demo_again_adds_no_attendance_results_certificates_notes_or_answers():
    before = _section_counts()

    call_command("seed_demo", stdout=StringIO())

    assert _section_counts() == before
