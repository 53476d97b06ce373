import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from candidates.importing import parse_table
from candidates.models import (
    AdviserChange,
    AppointmentStatus,
    BarrierKind,
    Candidate,
    CandidateBarrier,
    CandidateImport,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    Note,
    Recommendation,
    Screening,
    ScreeningAppointment,
)
from candidates.selectors import candidate_duplicates
from candidates.services import (
    CohortFull,
    candidate_register,
    candidate_update,
    candidates_import,
    caseload_reassign,
    enrolment_transition,
    enrolments_carry_over,
    interest_confirm,
    note_add,
    reserve_promote,
    screening_plan,
    screening_record,
)
from candidates.tests.factories import CandidateBarrierFactory, CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.statemachine import TransitionNotAllowed
from core.tests.factories import UserFactory
from pilots.tests.factories import CohortFactory, PilotFactory

S = EnrolmentStatus
NOW = datetime.datetime(2026, 3, 15, 9, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 3, 15)
SCORES = {
    "screened_on": TODAY,
    "interest_score": 4,
    "interest_note": "Wil graag met kinderen werken",
    "motivation_score": 5,
    "language_score": 2,
    "language_note": "Taalniveau A2, volgt taalles",
    "availability_score": 3,
    "recommendation": Recommendation.SELECT,
}


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cohort(organisation):
    """A cohort of a pilot the adviser's organisation leads."""
    return CohortFactory(pilot=PilotFactory(lead_organisation=organisation), name="Najaar 2026", seats=14)


def history(enrolment: Enrolment) -> list[tuple[str, str]]:
    return list(enrolment.transitions.order_by("at", "pk").values_list("from_status", "to_status"))


# --- candidate_register and candidate_update --------------------------------------------------------------------


def person(**fields) -> dict:
    return {
        "first_name": "Fatima",
        "last_name_prefix": "el",
        "last_name": "Amrani",
        "date_of_birth": datetime.date(1988, 3, 14),
        "email": "f.elamrani@example.org",
        "referral_source": "municipality",
        **fields,
    }


def test_candidate_register_records_consent_with_date_purpose_and_user(adviser):
    candidate = candidate_register(by_user=adviser, data=person(), consent_purpose="Deelname aan het voortraject")

    candidate.refresh_from_db()
    assert candidate.consent_given_at == NOW
    assert candidate.consent_purpose == "Deelname aan het voortraject"
    assert candidate.consent_recorded_by == adviser
    assert candidate.has_consent


def test_candidate_register_makes_the_registering_adviser_the_candidate_adviser(adviser):
    colleague = UserFactory(username="collega", organisation=adviser.organisation, role=Role.ADVISER)

    own = candidate_register(by_user=adviser, data=person(), consent_purpose="Deelname")
    handed = candidate_register(by_user=adviser, data=person(adviser=colleague), consent_purpose="Deelname")

    assert own.adviser == adviser
    assert handed.adviser == colleague


def test_candidate_register_creates_the_barriers_once(adviser):
    candidate = candidate_register(
        by_user=adviser,
        data=person(),
        barriers=[BarrierKind.TRANSPORT, BarrierKind.CHILDCARE, BarrierKind.TRANSPORT],
        consent_purpose="Deelname",
    )

    assert sorted(candidate.barriers.values_list("kind", flat=True)) == [BarrierKind.CHILDCARE, BarrierKind.TRANSPORT]


def test_candidate_register_enrols_in_the_cohort_as_registered(adviser, cohort):
    candidate = candidate_register(by_user=adviser, data=person(), cohort=cohort, consent_purpose="Deelname")

    enrolment = candidate.enrolments.get()
    assert (enrolment.cohort, enrolment.status, enrolment.status_changed_at) == (cohort, S.REGISTERED, NOW)
    transition = enrolment.transitions.get()
    assert (transition.from_status, transition.to_status, transition.by_user, transition.at) == (
        "",
        S.REGISTERED,
        adviser,
        NOW,
    )


def test_candidate_register_refuses_without_a_consent_purpose_and_saves_nothing(adviser, cohort):
    with pytest.raises(ValidationError) as refused:
        candidate_register(by_user=adviser, data=person(), cohort=cohort)

    assert gettext("Record what the consent was given for.") in refused.value.messages
    assert not Candidate.objects.exists()
    assert not Enrolment.objects.exists()


def test_candidate_register_refuses_an_invalid_postcode(adviser):
    with pytest.raises(ValidationError) as refused:
        candidate_register(by_user=adviser, data=person(postcode="1234ab"), consent_purpose="Deelname")

    assert "postcode" in refused.value.message_dict
    assert not Candidate.objects.exists()


def test_candidate_update_changes_the_fields_and_replaces_the_barriers(adviser):
    candidate = CandidateFactory(city="Utrecht")
    CandidateBarrierFactory(candidate=candidate, kind=BarrierKind.DEBTS)
    CandidateBarrierFactory(candidate=candidate, kind=BarrierKind.TRANSPORT)

    candidate_update(
        candidate=candidate,
        by_user=adviser,
        data={"city": "Nieuwegein"},
        barriers=[BarrierKind.TRANSPORT, BarrierKind.HEALTH],
    )

    candidate.refresh_from_db()
    assert candidate.city == "Nieuwegein"
    assert sorted(candidate.barriers.values_list("kind", flat=True)) == [BarrierKind.HEALTH, BarrierKind.TRANSPORT]


def test_candidate_update_without_barriers_leaves_them_alone(adviser):
    candidate = CandidateBarrierFactory(kind=BarrierKind.DEBTS).candidate

    candidate_update(candidate=candidate, by_user=adviser, data={"city": "Zeist"})

    assert list(candidate.barriers.values_list("kind", flat=True)) == [BarrierKind.DEBTS]


def test_candidate_update_records_consent_that_was_missing(adviser):
    candidate = CandidateFactory(consent_given_at=None, consent_purpose="")

    candidate_update(candidate=candidate, by_user=adviser, data={"consent_purpose": "Deelname"})

    candidate.refresh_from_db()
    assert (candidate.consent_given_at, candidate.consent_recorded_by, candidate.consent_purpose) == (
        NOW,
        adviser,
        "Deelname",
    )


def test_candidate_update_keeps_the_moment_of_earlier_consent(adviser):
    earlier = datetime.datetime(2025, 1, 6, 10, 0, tzinfo=datetime.UTC)
    candidate = CandidateFactory(consent_given_at=earlier)

    candidate_update(candidate=candidate, by_user=adviser, data={"consent_purpose": "Ander doel"})

    candidate.refresh_from_db()
    assert candidate.consent_given_at == earlier


# --- candidates_import -----------------------------------------------------------------------------------------

REFERRAL_LIST = "\r\n".join(
    [
        "voornaam;tussenvoegsel;achternaam;geboortedatum;e-mail;telefoon;postcode",
        "Jan;;Jansen;01-01-1990;jan@example.org;;3511ab",
        "Piet;de;Vries;02-02-1991;;06 12345678;",
        "Kees;;Smit;03-03-2020;kees@example.org;;",  # too young
        "Johannes;;Jansen;04-04-1992;JAN@example.org;;",  # the same e-mail as line 2
    ]
).encode("utf-8")


def referral_table(file_name: str = "verwijzingen-gemeente-utrecht.csv"):
    return parse_table(file_name=file_name, content=REFERRAL_LIST, duplicate_lookup=lambda values: [])


def test_candidates_import_imports_only_the_importable_rows(adviser, cohort):
    record = candidates_import(table=referral_table(), cohort=cohort, by_user=adviser, consent_purpose="Deelname")

    imported = Candidate.objects.order_by("last_name")
    assert [(c.first_name, c.last_name) for c in imported] == [("Jan", "Jansen"), ("Piet", "Vries")]
    assert set(record.candidates.all()) == set(imported)
    jan, piet = imported
    assert (jan.email, jan.postcode, jan.date_of_birth) == ("jan@example.org", "3511 AB", datetime.date(1990, 1, 1))
    assert (piet.last_name_prefix, piet.phone) == ("de", "+31612345678")


def test_candidates_import_records_the_import_with_counts_file_name_and_user(adviser, cohort):
    record = candidates_import(table=referral_table(), cohort=cohort, by_user=adviser, consent_purpose="Deelname")

    record = CandidateImport.objects.get(pk=record.pk)
    assert record.uploaded_by == adviser
    assert record.at == NOW
    assert record.file_name == "verwijzingen-gemeente-utrecht.csv"
    assert record.cohort == cohort
    assert (record.rows_total, record.rows_imported, record.rows_skipped) == (4, 2, 2)


def test_candidates_import_enrols_everyone_as_registered_with_a_history_row_naming_the_file(adviser, cohort):
    candidates_import(table=referral_table(), cohort=cohort, by_user=adviser, consent_purpose="Deelname")

    enrolments = Enrolment.objects.filter(cohort=cohort)
    assert enrolments.count() == 2
    for enrolment in enrolments:
        assert (enrolment.status, enrolment.status_changed_at) == (S.REGISTERED, NOW)
        transition = enrolment.transitions.get()
        assert (transition.from_status, transition.to_status, transition.by_user, transition.at) == (
            "",
            S.REGISTERED,
            adviser,
            NOW,
        )
        assert "verwijzingen-gemeente-utrecht.csv" in transition.reason


def test_candidates_import_records_consent_and_the_adviser_for_everyone(adviser, cohort):
    candidates_import(table=referral_table(), cohort=cohort, by_user=adviser, consent_purpose="Verwijzing gemeente")

    for candidate in Candidate.objects.all():
        assert candidate.adviser == adviser
        assert (candidate.consent_given_at, candidate.consent_recorded_by) == (NOW, adviser)
        assert candidate.consent_purpose == "Verwijzing gemeente"


def test_candidates_import_skips_rows_matching_existing_candidates(adviser, cohort):
    existing = EnrolmentFactory(cohort=cohort, candidate__email="jan@example.org").candidate
    table = parse_table(
        file_name="lijst.csv",
        content=REFERRAL_LIST,
        duplicate_lookup=lambda values: candidate_duplicates(user=adviser, email=values["email"]),
    )

    record = candidates_import(table=table, cohort=cohort, by_user=adviser, consent_purpose="Deelname")

    assert (record.rows_imported, record.rows_skipped) == (1, 3)
    assert Candidate.objects.filter(email="jan@example.org").get() == existing


def test_candidates_import_leaves_nothing_behind_when_a_save_fails(adviser, cohort, monkeypatch):
    # The candidates and their enrolments are in, then the last insert fails: all of it goes.
    calls = []

    def failing_bulk_create(objs, *args, **kwargs):
        calls.append(len(objs))
        raise RuntimeError("database went away")

    monkeypatch.setattr(EnrolmentTransition.objects, "bulk_create", failing_bulk_create)

    with pytest.raises(RuntimeError):
        candidates_import(table=referral_table(), cohort=cohort, by_user=adviser, consent_purpose="Deelname")

    assert calls == [2]
    assert not Candidate.objects.exists()
    assert not Candidate.history.exists()
    assert not CandidateImport.objects.exists()
    assert not Enrolment.objects.exists()
    assert not EnrolmentTransition.objects.exists()


def test_candidates_import_of_a_table_without_importable_rows_records_an_empty_import(adviser, cohort):
    table = parse_table(
        file_name="leeg.csv",
        content=b"voornaam;achternaam;geboortedatum;e-mail\r\nKees;Smit;03-03-2020;kees@example.org",
        duplicate_lookup=lambda values: [],
    )

    record = candidates_import(table=table, cohort=cohort, by_user=adviser, consent_purpose="Deelname")

    assert (record.rows_total, record.rows_imported, record.rows_skipped) == (1, 0, 1)
    assert not Candidate.objects.exists()


def test_candidates_import_shortens_a_very_long_file_name(adviser, cohort):
    record = candidates_import(
        table=referral_table(file_name="v" * 300 + ".csv"), cohort=cohort, by_user=adviser, consent_purpose="Deelname"
    )

    assert CandidateImport.objects.get(pk=record.pk).file_name == "v" * 255


# --- screening_plan and screening_record -------------------------------------------------------------------------


def plan(enrolment, adviser, **extra):
    return screening_plan(
        enrolment=enrolment,
        starts_at=datetime.datetime(2026, 3, 20, 10, 0, tzinfo=datetime.UTC),
        location="WSP Utrecht, Stadsplateau 1",
        adviser=adviser,
        by_user=adviser,
        **extra,
    )


def test_screening_plan_creates_the_appointment_and_moves_registered_to_screening_planned(adviser, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)

    appointment = plan(enrolment, adviser, duration_minutes=60)

    appointment.refresh_from_db()
    assert appointment.enrolment == enrolment
    assert appointment.starts_at == datetime.datetime(2026, 3, 20, 10, 0, tzinfo=datetime.UTC)
    assert (appointment.location, appointment.duration_minutes) == ("WSP Utrecht, Stadsplateau 1", 60)
    assert (appointment.adviser, appointment.created_by, appointment.status) == (
        adviser,
        adviser,
        AppointmentStatus.PLANNED,
    )
    enrolment.refresh_from_db()
    assert enrolment.status == S.SCREENING_PLANNED
    assert history(enrolment) == [(S.REGISTERED, S.SCREENING_PLANNED)]


def test_screening_plan_a_second_time_adds_an_appointment_without_a_status_change(adviser, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)
    plan(enrolment, adviser)

    plan(enrolment, adviser)  # the same object, still saying "registered"

    enrolment.refresh_from_db()
    assert enrolment.status == S.SCREENING_PLANNED
    assert enrolment.appointments.count() == 2
    assert history(enrolment) == [(S.REGISTERED, S.SCREENING_PLANNED)]


def test_screening_plan_for_a_screened_candidate_keeps_the_status(adviser, cohort):
    enrolment = EnrolmentFactory(cohort=cohort, status=S.SCREENED)

    plan(enrolment, adviser)

    enrolment.refresh_from_db()
    assert enrolment.status == S.SCREENED
    assert enrolment.appointments.count() == 1


@pytest.mark.parametrize("status", [S.SELECTED, S.RESERVE, S.NOT_SELECTED, S.STARTED])
def test_screening_plan_refuses_a_candidate_past_screening(adviser, cohort, status):
    enrolment = EnrolmentFactory(cohort=cohort, status=status)

    with pytest.raises(TransitionNotAllowed):
        plan(enrolment, adviser)

    assert not ScreeningAppointment.objects.exists()


def test_screening_record_stores_the_scores_and_the_combined_score_from_the_database(adviser, cohort):
    enrolment = EnrolmentFactory(cohort=cohort, status=S.SCREENING_PLANNED)

    screening = screening_record(enrolment=enrolment, by_user=adviser, **SCORES)

    stored = Screening.objects.get(pk=screening.pk)
    assert (stored.interest_score, stored.motivation_score, stored.language_score, stored.availability_score) == (
        4,
        5,
        2,
        3,
    )
    assert stored.total_score == 14
    assert screening.total_score == 14
    assert (stored.interest_note, stored.language_note, stored.motivation_note) == (
        "Wil graag met kinderen werken",
        "Taalniveau A2, volgt taalles",
        "",
    )
    assert (stored.adviser, stored.screened_on, stored.recommendation) == (adviser, TODAY, Recommendation.SELECT)


def test_screening_record_total_follows_the_scores(adviser, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)
    scores = {**SCORES, "interest_score": 1, "motivation_score": 1, "language_score": 5, "availability_score": 5}

    screening = screening_record(enrolment=enrolment, by_user=adviser, **scores)

    assert screening.total_score == 12


def test_screening_record_adds_the_barriers_met_without_duplicates(adviser, cohort):
    enrolment = EnrolmentFactory(cohort=cohort, status=S.SCREENING_PLANNED)
    CandidateBarrierFactory(candidate=enrolment.candidate, kind=BarrierKind.TRANSPORT)

    screening = screening_record(
        enrolment=enrolment,
        by_user=adviser,
        barriers_met=[BarrierKind.TRANSPORT, BarrierKind.CHILDCARE, BarrierKind.CHILDCARE],
        **SCORES,
    )

    assert screening.barriers_met == [BarrierKind.CHILDCARE, BarrierKind.TRANSPORT]
    assert sorted(CandidateBarrier.objects.filter(candidate=enrolment.candidate).values_list("kind", flat=True)) == [
        BarrierKind.CHILDCARE,
        BarrierKind.TRANSPORT,
    ]


def test_screening_record_marks_planned_appointments_held(adviser, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)
    planned = plan(enrolment, adviser)
    cancelled = plan(enrolment, adviser)
    ScreeningAppointment.objects.filter(pk=cancelled.pk).update(status=AppointmentStatus.CANCELLED)
    elsewhere = plan(EnrolmentFactory(cohort=cohort), adviser)

    screening_record(enrolment=enrolment, by_user=adviser, **SCORES)

    statuses = dict(ScreeningAppointment.objects.values_list("pk", "status"))
    assert statuses == {
        planned.pk: AppointmentStatus.HELD,
        cancelled.pk: AppointmentStatus.CANCELLED,
        elsewhere.pk: AppointmentStatus.PLANNED,
    }


@pytest.mark.parametrize(
    ("status", "steps"),
    [
        (S.REGISTERED, [(S.REGISTERED, S.SCREENED)]),
        (S.SCREENING_PLANNED, [(S.SCREENING_PLANNED, S.SCREENED)]),
        (S.SCREENED, []),
    ],
)
def test_screening_record_moves_the_enrolment_to_screened(adviser, cohort, status, steps):
    enrolment = EnrolmentFactory(cohort=cohort, status=status)

    screening_record(enrolment=enrolment, by_user=adviser, **SCORES)

    enrolment.refresh_from_db()
    assert enrolment.status == S.SCREENED
    assert history(enrolment) == steps


def test_screening_record_after_planning_with_the_same_object_walks_the_whole_way(adviser, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)
    plan(enrolment, adviser)

    screening_record(enrolment=enrolment, by_user=adviser, **SCORES)
    screening_record(enrolment=enrolment, by_user=adviser, **{**SCORES, "interest_score": 5})

    enrolment.refresh_from_db()
    assert enrolment.status == S.SCREENED
    assert enrolment.screenings.count() == 2
    assert history(enrolment) == [(S.REGISTERED, S.SCREENING_PLANNED), (S.SCREENING_PLANNED, S.SCREENED)]


@pytest.mark.parametrize("status", [S.SELECTED, S.STARTED, S.RESERVE, S.NOT_SELECTED, S.COMPLETED])
def test_screening_record_refuses_an_enrolment_past_screening(adviser, cohort, status):
    enrolment = EnrolmentFactory(cohort=cohort, status=status)

    with pytest.raises(TransitionNotAllowed) as refused:
        screening_record(enrolment=enrolment, by_user=adviser, barriers_met=[BarrierKind.DEBTS], **SCORES)

    assert str(refused.value) == gettext("Only candidates who are not yet selected can be screened.")
    assert not Screening.objects.exists()
    assert not CandidateBarrier.objects.exists()


def test_screening_record_checks_the_status_in_the_database(adviser, cohort):
    enrolment = EnrolmentFactory(cohort=cohort, status=S.SCREENED)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=S.SELECTED)

    with pytest.raises(TransitionNotAllowed):
        screening_record(enrolment=enrolment, by_user=adviser, **SCORES)

    assert not Screening.objects.exists()


@pytest.mark.parametrize("field", ["interest_score", "motivation_score", "language_score", "availability_score"])
@pytest.mark.parametrize("score", [0, 6])
def test_screening_record_refuses_a_score_outside_1_to_5(adviser, cohort, field, score):
    enrolment = EnrolmentFactory(cohort=cohort, status=S.SCREENING_PLANNED)
    plan(enrolment, adviser)
    scores = {**SCORES, field: score}

    with pytest.raises(ValidationError) as refused:
        screening_record(enrolment=enrolment, by_user=adviser, barriers_met=[BarrierKind.DEBTS], **scores)

    assert list(refused.value.message_dict) == [field]
    assert not Screening.objects.exists()
    assert not CandidateBarrier.objects.exists()
    enrolment.refresh_from_db()
    assert enrolment.status == S.SCREENING_PLANNED
    assert enrolment.appointments.get().status == AppointmentStatus.PLANNED


def test_screening_record_refuses_an_unknown_recommendation(adviser, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)

    with pytest.raises(ValidationError):
        screening_record(enrolment=enrolment, by_user=adviser, **{**SCORES, "recommendation": "maybe"})


# --- the reserve list -------------------------------------------------------------------------------------------


def to_reserve(cohort, adviser, count: int) -> list[Enrolment]:
    return [
        enrolment_transition(
            enrolment=EnrolmentFactory(cohort=cohort, status=S.SCREENED), to_status=S.RESERVE, by_user=adviser
        )
        for _ in range(count)
    ]


def reserve_list(cohort) -> list[tuple[int, int]]:
    return list(
        cohort.enrolments.filter(status=S.RESERVE).order_by("reserve_position").values_list("pk", "reserve_position")
    )


def test_moving_to_reserve_appends_to_the_list_with_interest_confirmed_today(adviser, cohort):
    first, second, third = to_reserve(cohort, adviser, 3)

    assert reserve_list(cohort) == [(first.pk, 1), (second.pk, 2), (third.pk, 3)]
    assert {e.interest_confirmed_on for e in Enrolment.objects.filter(status=S.RESERVE)} == {TODAY}


def test_reserve_positions_are_per_cohort(adviser, cohort):
    other = CohortFactory(pilot=cohort.pilot)
    (here,) = to_reserve(cohort, adviser, 1)
    (there,) = to_reserve(other, adviser, 1)

    assert reserve_list(cohort) == [(here.pk, 1)]
    assert reserve_list(other) == [(there.pk, 1)]


def test_reserve_promote_selects_the_first_and_moves_the_others_up(adviser, cohort):
    first, second, third = to_reserve(cohort, adviser, 3)

    promoted = reserve_promote(cohort=cohort, by_user=adviser)

    assert promoted.pk == first.pk
    first.refresh_from_db()
    assert (first.status, first.reserve_position) == (S.SELECTED, None)
    transition = first.transitions.order_by("at", "pk").last()
    assert (transition.from_status, transition.to_status, transition.by_user) == (S.RESERVE, S.SELECTED, adviser)
    assert transition.reason == gettext("Promoted from the reserve list")
    assert reserve_list(cohort) == [(second.pk, 1), (third.pk, 2)]


def test_reserve_promote_records_the_given_reason(adviser, cohort):
    (first,) = to_reserve(cohort, adviser, 1)

    reserve_promote(cohort=cohort, by_user=adviser, reason="Plaats vrij na uitval")

    assert first.transitions.order_by("at", "pk").last().reason == "Plaats vrij na uitval"


def test_reserve_promote_takes_the_lowest_place_and_closes_gaps(adviser, cohort):
    first, second, third, fourth = to_reserve(cohort, adviser, 4)
    enrolment_transition(enrolment=first, to_status=S.NOT_SELECTED, by_user=adviser, reason="Geen interesse meer")
    enrolment_transition(enrolment=third, to_status=S.NOT_SELECTED, by_user=adviser, reason="Verhuisd")

    promoted = reserve_promote(cohort=cohort, by_user=adviser)

    assert promoted.pk == second.pk
    assert reserve_list(cohort) == [(fourth.pk, 1)]


def test_reserve_promote_refuses_an_empty_reserve_list(adviser, cohort):
    EnrolmentFactory(cohort=cohort, status=S.SCREENED)

    with pytest.raises(TransitionNotAllowed) as refused:
        reserve_promote(cohort=cohort, by_user=adviser)

    assert str(refused.value) == gettext("The reserve list of this cohort is empty.")


def test_reserve_promote_refuses_when_the_cohort_is_full(adviser, cohort):
    cohort.seats = 2
    cohort.save()
    EnrolmentFactory(cohort=cohort, status=S.SELECTED)
    EnrolmentFactory(cohort=cohort, status=S.STARTED)
    first, second = to_reserve(cohort, adviser, 2)

    with pytest.raises(CohortFull):
        reserve_promote(cohort=cohort, by_user=adviser)

    assert reserve_list(cohort) == [(first.pk, 1), (second.pk, 2)]
    first.refresh_from_db()
    assert first.status == S.RESERVE


def test_interest_confirm_updates_the_date_and_writes_history(adviser, cohort):
    (enrolment,) = to_reserve(cohort, adviser, 1)
    Enrolment.objects.filter(pk=enrolment.pk).update(interest_confirmed_on=datetime.date(2025, 12, 1))
    enrolment.refresh_from_db()

    interest_confirm(enrolment=enrolment, by_user=adviser)

    enrolment.refresh_from_db()
    assert enrolment.interest_confirmed_on == TODAY
    assert enrolment.status == S.RESERVE
    transition = enrolment.transitions.order_by("at", "pk").last()
    assert (transition.from_status, transition.to_status, transition.by_user, transition.at) == (
        S.RESERVE,
        S.RESERVE,
        adviser,
        NOW,
    )
    assert transition.reason == gettext("Interest reconfirmed")


def test_interest_confirm_records_the_given_date(adviser, cohort):
    (enrolment,) = to_reserve(cohort, adviser, 1)

    interest_confirm(enrolment=enrolment, by_user=adviser, on_date=datetime.date(2026, 3, 10))

    enrolment.refresh_from_db()
    assert enrolment.interest_confirmed_on == datetime.date(2026, 3, 10)
    assert enrolment.reserve_position == 1


# --- enrolments_carry_over ----------------------------------------------------------------------------------------


@pytest.fixture
def next_cohort(cohort):
    return CohortFactory(
        pilot=cohort.pilot,
        name="Voorjaar 2027",
        start_date=datetime.date(2027, 2, 1),
        end_date=datetime.date(2027, 5, 15),
    )


def test_carry_over_registers_reserves_and_not_selected_in_the_other_cohort(adviser, cohort, next_cohort):
    (reserve,) = to_reserve(cohort, adviser, 1)
    not_selected = EnrolmentFactory(cohort=cohort, status=S.NOT_SELECTED)

    carried = enrolments_carry_over(enrolments=[reserve, not_selected], to_cohort=next_cohort, by_user=adviser)

    assert [e.candidate for e in carried] == [reserve.candidate, not_selected.candidate]
    for enrolment in carried:
        enrolment.refresh_from_db()
        assert (enrolment.cohort, enrolment.status) == (next_cohort, S.REGISTERED)
        transition = enrolment.transitions.get()
        assert (transition.from_status, transition.to_status, transition.by_user) == ("", S.REGISTERED, adviser)
        assert transition.reason == gettext("Carried over from %(cohort)s") % {"cohort": cohort}
    reserve.refresh_from_db()
    assert (reserve.cohort, reserve.status, reserve.reserve_position) == (cohort, S.RESERVE, 1)


@pytest.mark.parametrize("status", [S.REGISTERED, S.SCREENED, S.SELECTED, S.STARTED, S.COMPLETED])
def test_carry_over_refuses_other_statuses_and_carries_no_one(adviser, cohort, next_cohort, status):
    not_selected = EnrolmentFactory(cohort=cohort, status=S.NOT_SELECTED)
    other = EnrolmentFactory(cohort=cohort, status=status)

    with pytest.raises(TransitionNotAllowed):
        enrolments_carry_over(enrolments=[not_selected, other], to_cohort=next_cohort, by_user=adviser)

    assert not next_cohort.enrolments.exists()


def test_carry_over_skips_a_candidate_already_in_the_other_cohort(adviser, cohort, next_cohort):
    already = EnrolmentFactory(cohort=cohort, status=S.NOT_SELECTED)
    EnrolmentFactory(cohort=next_cohort, candidate=already.candidate, status=S.SCREENED)
    fresh = EnrolmentFactory(cohort=cohort, status=S.NOT_SELECTED)

    carried = enrolments_carry_over(enrolments=[already, fresh], to_cohort=next_cohort, by_user=adviser)

    assert [e.candidate for e in carried] == [fresh.candidate]
    assert next_cohort.enrolments.filter(candidate=already.candidate).get().status == S.SCREENED


# --- caseload_reassign and note_add ---------------------------------------------------------------------------------


def test_caseload_reassign_hands_candidates_over_and_keeps_each_change(adviser, coordinator):
    successor = UserFactory(username="opvolger", organisation=adviser.organisation, role=Role.ADVISER)
    first = CandidateFactory(adviser=adviser)
    second = CandidateFactory(adviser=None)
    already = CandidateFactory(adviser=successor)

    count = caseload_reassign(
        candidates=[first, second, already], to_adviser=successor, by_user=coordinator, reason="Zwangerschapsverlof"
    )

    assert count == 2
    assert set(Candidate.objects.values_list("pk", "adviser")) == {
        (first.pk, successor.pk),
        (second.pk, successor.pk),
        (already.pk, successor.pk),
    }
    changes = {
        change.candidate_id: (change.from_adviser, change.to_adviser, change.by_user, change.at, change.reason)
        for change in AdviserChange.objects.all()
    }
    assert changes == {
        first.pk: (adviser, successor, coordinator, NOW, "Zwangerschapsverlof"),
        second.pk: (None, successor, coordinator, NOW, "Zwangerschapsverlof"),
    }


def test_caseload_reassign_to_the_current_adviser_changes_nothing(adviser):
    candidate = CandidateFactory(adviser=adviser)

    assert caseload_reassign(candidates=Candidate.objects.all(), to_adviser=adviser, by_user=adviser) == 0

    assert not AdviserChange.objects.exists()
    candidate.refresh_from_db()
    assert candidate.adviser == adviser


def test_note_add_stores_the_text_with_its_author(adviser):
    candidate = CandidateFactory()

    note = note_add(candidate=candidate, by_user=adviser, text="  Belt terug na de vakantie.\n")

    note.refresh_from_db()
    assert (note.candidate, note.author, note.text) == (candidate, adviser, "Belt terug na de vakantie.")


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_note_add_refuses_empty_text(adviser, text):
    candidate = CandidateFactory()

    with pytest.raises(TransitionNotAllowed) as refused:
        note_add(candidate=candidate, by_user=adviser, text=text)

    assert str(refused.value) == gettext("A note cannot be empty.")
    assert not Note.objects.exists()


# --- candidate_duplicates -------------------------------------------------------------------------------------------


def enrolled(cohort, **fields) -> Candidate:
    return EnrolmentFactory(cohort=cohort, **{f"candidate__{name}": value for name, value in fields.items()}).candidate


def test_candidate_duplicates_finds_the_same_email_whatever_its_case(adviser, cohort):
    same = enrolled(cohort, email="Jan.Jansen@Example.org")
    enrolled(cohort, email="piet@example.org")

    assert list(candidate_duplicates(user=adviser, email=" jan.jansen@example.ORG ")) == [same]


def test_candidate_duplicates_finds_the_same_name_and_birth_date(adviser, cohort):
    born = datetime.date(1990, 1, 1)
    same = enrolled(cohort, first_name="Jan", last_name="Jansen", date_of_birth=born, email="a@example.org")
    enrolled(cohort, first_name="Jan", last_name="Jansen", date_of_birth=datetime.date(1990, 1, 2))
    enrolled(cohort, first_name="Piet", last_name="Jansen", date_of_birth=born)

    found = candidate_duplicates(user=adviser, first_name="jan", last_name="JANSEN", date_of_birth=born)

    assert list(found) == [same]


def test_candidate_duplicates_needs_the_birth_date_to_match_on_name(adviser, cohort):
    enrolled(cohort, first_name="Jan", last_name="Jansen")

    assert not candidate_duplicates(user=adviser, first_name="Jan", last_name="Jansen").exists()


def test_candidate_duplicates_finds_nothing_without_criteria(adviser, cohort):
    enrolled(cohort, email="")

    assert not candidate_duplicates(user=adviser).exists()


def test_candidate_duplicates_includes_candidates_the_adviser_registered_without_enrolment(adviser):
    own = CandidateFactory(adviser=adviser, email="eigen@example.org")

    assert list(candidate_duplicates(user=adviser, email="eigen@example.org")) == [own]


def test_candidate_duplicates_does_not_return_candidates_the_user_cannot_see(adviser, cohort):
    elsewhere = EnrolmentFactory(candidate__email="jan@example.org").candidate  # another region's pilot
    assert elsewhere.enrolments.get().cohort.pilot.lead_organisation != adviser.organisation

    assert not candidate_duplicates(user=adviser, email="jan@example.org").exists()


def test_candidate_duplicates_leaves_out_the_candidate_being_edited(adviser, cohort):
    candidate = enrolled(cohort, email="jan@example.org")
    other = enrolled(cohort, email="JAN@example.org")

    found = candidate_duplicates(user=adviser, email="jan@example.org", exclude_pk=candidate.pk)

    assert list(found) == [other]
