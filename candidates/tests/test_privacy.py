"""The AVG services: access export of everything about a person, erasure that keeps the figures, retention."""

import datetime
import json

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from candidates.filters import CandidateFilter
from candidates.models import (
    AdviserChange,
    AttendanceStatus,
    Candidate,
    CandidateImport,
    CoachingNote,
    CoachKind,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    Evaluation,
    EvaluationGoal,
    FollowUp,
    ModuleResult,
    ModuleResultStatus,
    Note,
    Outcome,
    OutcomeKind,
    Screening,
    ScreeningAppointment,
)
from candidates.privacy import (
    ANONYMISED_NAME,
    ERASED_FIELDS,
    KEPT_TEXT_FIELDS,
    CandidateAnonymised,
    access_export,
    access_report,
    anonymise_candidate,
    person_models,
    refuse_if_anonymised,
)
from candidates.selectors import candidate_duplicates, candidate_list
from candidates.tests.factories import (
    AttendanceFactory,
    AttendanceSessionFactory,
    CandidateBarrierFactory,
    CandidateFactory,
    EnrolmentFactory,
)
from employers.models import ContractOfferStatus, PlacementStatus, PlacementTransition
from employers.tests.factories import (
    ContractOfferFactory,
    EmployerFactory,
    JointVacancyFactory,
    PlacementFactory,
    VacancyApplicationFactory,
)
from pilots.tests.factories import CohortFactory, CohortModuleFactory, PilotFactory
from reports.figures import pilot_evaluation

OLD_NAME = "Zwaantje"
OLD_LAST_NAME = "Oosterhuis-Brandsma"
SECRET = "vertelde over haar schulden bij Zwaantje thuis"


def _with_secret(text: str = "") -> str:
    return f"{text} {SECRET}".strip()


@pytest.fixture
def person(adviser, coordinator):
    """One candidate with a row in every model about a person, each free text naming them."""
    pilot = PilotFactory(lead_organisation=adviser.organisation)
    cohort = CohortFactory(pilot=pilot, name="Voorjaar")
    candidate = CandidateFactory(
        first_name=OLD_NAME,
        last_name_prefix="van",
        last_name=OLD_LAST_NAME,
        email="zwaantje@example.org",
        phone="+31687654321",
        postcode="3512 JK",
        city="Zeist",
        adviser=adviser,
        consent_recorded_by=adviser,
    )
    CandidateBarrierFactory(candidate=candidate, note=_with_secret())
    enrolment = EnrolmentFactory(
        candidate=candidate, cohort=cohort, status=EnrolmentStatus.OUTFLOW, ended_on=datetime.date(2026, 12, 1)
    )
    EnrolmentTransition.objects.create(
        enrolment=enrolment, from_status="", to_status="registered", at=timezone.now(), reason=_with_secret()
    )
    EnrolmentTransition.objects.create(
        enrolment=enrolment, from_status="registered", to_status="screened", at=timezone.now()
    )
    ScreeningAppointment.objects.create(
        enrolment=enrolment, starts_at=timezone.now(), location=_with_secret("Zeist"), adviser=adviser
    )
    Screening.objects.create(
        enrolment=enrolment,
        screened_on=datetime.date(2026, 8, 1),
        adviser=adviser,
        interest_score=4,
        interest_note=_with_secret(),
        motivation_score=4,
        motivation_note=_with_secret(),
        language_score=3,
        language_note=_with_secret(),
        availability_score=5,
        availability_note=_with_secret(),
        recommendation="select",
    )
    Note.objects.create(candidate=candidate, author=adviser, text=_with_secret())
    AdviserChange.objects.create(
        candidate=candidate, to_adviser=adviser, by_user=coordinator, at=timezone.now(), reason=_with_secret()
    )
    imported = CandidateImport.objects.create(
        uploaded_by=adviser, at=timezone.now(), file_name="lijst.csv", cohort=cohort, rows_total=2,
        rows_imported=2, rows_skipped=0,
    )  # fmt: skip
    imported.candidates.add(candidate, CandidateFactory(first_name="Anderpersoon"))
    module = CohortModuleFactory(cohort=cohort)
    AttendanceFactory(
        session=AttendanceSessionFactory(cohort=cohort), enrolment=enrolment, status=AttendanceStatus.PRESENT
    )
    ModuleResult.objects.create(
        enrolment=enrolment, cohort_module=module, status=ModuleResultStatus.PASSED, date=datetime.date(2026, 10, 1)
    )
    enrolment.certificates.create(name="VCA", number="VCA-778899", issued_on=datetime.date(2026, 10, 1))
    CoachingNote.objects.create(enrolment=enrolment, author=adviser, coach_kind=CoachKind.ADVISER, text=_with_secret())
    evaluation = Evaluation.objects.create(
        enrolment=enrolment,
        moment="mid_term",
        held_on=datetime.date(2026, 10, 15),
        attendance_note=_with_secret(),
        advice="continue",
        next_step=_with_secret(),
        by_user=adviser,
    )
    EvaluationGoal.objects.create(evaluation=evaluation, goal=_with_secret(), score=3, note=_with_secret())
    employer = EmployerFactory()
    placement = PlacementFactory(
        enrolment=enrolment,
        employer=employer,
        status=PlacementStatus.ENDED,
        start_date=datetime.date(2026, 9, 15),
        motivation=_with_secret(),
        answer_note=_with_secret(),
    )
    PlacementTransition.objects.create(
        placement=placement, from_status="proposed", to_status="confirmed", at=timezone.now(), reason=_with_secret()
    )
    ContractOfferFactory(
        placement=placement,
        enrolment=enrolment,
        employer=employer,
        status=ContractOfferStatus.ACCEPTED,
        note=_with_secret(),
    )
    VacancyApplicationFactory(vacancy=JointVacancyFactory(cohort=cohort), enrolment=enrolment)
    outcome = Outcome.objects.create(
        enrolment=enrolment,
        kind=OutcomeKind.CONTRACT_AT_HOST,
        employer=employer,
        employer_name=_with_secret(),
        start_date=datetime.date(2027, 1, 4),
        next_step=_with_secret(),
    )
    FollowUp.objects.create(
        outcome=outcome, months=3, due_on=datetime.date(2027, 4, 4), still_working=True, note=_with_secret()
    )
    LogEntry.objects.log_actions(
        user_id=adviser.pk, queryset=Candidate.objects.filter(pk=candidate.pk), action_flag=ADDITION
    )
    return candidate


def _all_text_about(candidate: Candidate) -> str:
    """Everything stored about the person, history included, as one text to search in."""
    return json.dumps(access_export(candidate), default=str)


# --- The person graph ---------------------------------------------------------------------------------------


def test_every_model_referring_to_a_candidate_has_an_erasure_rule():
    """A model added with a link to a candidate fails here until ERASED_FIELDS says what erasure does with it."""
    assert {person_model.label for person_model in person_models()} == set(ERASED_FIELDS)


def test_every_free_text_of_a_person_model_is_erased_or_kept_on_purpose():
    undecided = []
    for person_model in person_models():
        label = person_model.label
        decided = {*ERASED_FIELDS[label], *KEPT_TEXT_FIELDS.get(label, ())}
        for field in person_model.model._meta.concrete_fields:
            free_text = isinstance(field, models.CharField | models.TextField) and not field.choices
            if free_text and field.name not in decided:
                undecided.append(f"{label}.{field.name}")
    assert undecided == []


def test_the_graph_reaches_the_rows_below_enrolments_placements_outcomes_and_evaluations():
    paths = {person_model.label: person_model.path for person_model in person_models()}

    assert paths["candidates.candidate"] == ""
    assert paths["candidates.followup"] == "outcome__enrolment__candidate"
    assert paths["candidates.evaluationgoal"] == "evaluation__enrolment__candidate"
    assert paths["employers.placementtransition"] == "placement__enrolment__candidate"
    assert paths["employers.contractoffer"] == "enrolment__candidate"
    assert paths["candidates.candidateimport"] == "candidates"


# --- Access request -------------------------------------------------------------------------------------------


def test_access_export_holds_a_row_of_every_model_about_the_person(person):
    export = access_export(person)

    assert export["candidate_id"] == person.pk
    for label in ERASED_FIELDS:
        assert export["records"][label]["rows"], f"no rows of {label}"
    candidate_row = export["records"]["candidates.candidate"]["rows"][0]
    assert candidate_row["first_name"] == OLD_NAME
    assert candidate_row["email"] == "zwaantje@example.org"
    assert candidate_row["phone"] == "+31687654321"
    assert candidate_row["date_of_birth"] == person.date_of_birth.isoformat()
    assert export["records"]["candidates.note"]["rows"][0]["text"] == _with_secret()
    assert (
        export["records"]["employers.placement"]["rows"][0]["employer"]["id"]
        == person.enrolments.get().placements.get().employer_id
    )
    json.dumps(export)  # JSON as it is


def test_access_export_leaves_out_other_people_of_a_shared_import(person):
    assert "Anderpersoon" not in _all_text_about(person)


def test_access_export_holds_the_change_history(person):
    export = access_export(person)

    history = export["history"]["candidates.candidate"]["rows"]
    assert history and history[0]["first_name"] == OLD_NAME
    assert export["history"]["candidates.coachingnote"]["rows"]


def test_access_report_gives_labelled_values_per_section(person):
    sections = {section.label: section for section in access_report(person) if not section.is_history}

    person_rows = dict(sections["candidates.candidate"].rows[0])
    label = lambda name: str(Candidate._meta.get_field(name).verbose_name)  # noqa: E731
    assert person_rows[label("first_name")] == OLD_NAME
    assert person_rows[label("benefit_type")] == person.get_benefit_type_display()
    assert person_rows[label("phone")] == "06 87654321"  # stored as +31687654321
    assert "candidates.followup" in sections
    assert any(section.is_history for section in access_report(person))


# --- Erasure ----------------------------------------------------------------------------------------------------


def test_erasure_empties_the_personal_fields_and_keeps_the_rows(person, adviser):
    rows_before = {p.label: p.rows(person).count() for p in person_models()}

    anonymise_candidate(person, by=adviser, reason="verzoek per e-mail")

    person.refresh_from_db()
    assert person.anonymised_at is not None
    assert (person.first_name, person.last_name_prefix, person.last_name) == ("", "", ANONYMISED_NAME)
    assert person.date_of_birth is None
    assert (person.email, person.phone, person.postcode, person.city) == ("", "", "", "")
    # What the figures and the consent need stays.
    assert person.consent_given_at is not None
    assert person.consent_purpose
    assert person.adviser == adviser
    assert {p.label: p.rows(person).count() for p in person_models()} == rows_before
    enrolment = person.enrolments.get()
    assert enrolment.status == EnrolmentStatus.OUTFLOW
    assert enrolment.outcome.kind == OutcomeKind.CONTRACT_AT_HOST
    assert enrolment.placements.get().motivation == ""
    assert enrolment.certificates.get().number == ""
    assert enrolment.certificates.get().name == "VCA"


def test_after_erasure_nothing_about_the_person_names_them_also_not_the_history(person, adviser):
    anonymise_candidate(person, by=adviser, reason="verzoek")

    text = _all_text_about(person)
    for trace in (
        OLD_NAME,
        OLD_LAST_NAME,
        "zwaantje@example.org",
        "87654321",
        "3512 JK",
        "Zeist",
        SECRET,
        "VCA-778899",
    ):
        assert trace not in text, trace


def test_after_erasure_no_history_table_and_no_audit_event_holds_the_name(person, adviser):
    """Searched independently of access_export: every text column of every history table, and the audit trail."""
    from simple_history.models import registered_models

    from core.models import AuditEvent

    anonymise_candidate(person, by=adviser, reason="verzoek")

    historical = [model.history.model for model in registered_models.values()]
    assert historical, "no model keeps a history"
    for model in historical:
        texts = [f.name for f in model._meta.get_fields() if isinstance(f, models.CharField | models.TextField)]
        for name in (OLD_NAME, OLD_LAST_NAME):
            matches = models.Q()
            for field in texts:
                matches |= models.Q(**{f"{field}__icontains": name})
            assert not model.objects.filter(matches).exists(), (model.__name__, name)
    for event in AuditEvent.objects.all():
        assert OLD_LAST_NAME not in f"{event.target_repr} {event.detail}"
        assert OLD_NAME not in f"{event.target_repr} {event.detail}"


def test_erasure_writes_no_history_row_with_the_old_values(person, adviser):
    anonymise_candidate(person, by=adviser, reason="verzoek")

    assert not Candidate.history.filter(first_name=OLD_NAME).exists()
    assert not Candidate.history.filter(last_name=OLD_LAST_NAME).exists()
    assert not Candidate.history.filter(email="zwaantje@example.org").exists()
    assert not CoachingNote.history.filter(text__contains=SECRET).exists()
    assert not Screening.history.filter(interest_note__contains=SECRET).exists()


def test_erasure_renames_the_candidate_in_the_admin_log(person, adviser):
    anonymise_candidate(person, by=adviser, reason="verzoek")

    content_type = ContentType.objects.get_for_model(Candidate)
    entries = LogEntry.objects.filter(content_type=content_type, object_id=str(person.pk))
    assert list(entries.values_list("object_repr", flat=True)) == [ANONYMISED_NAME]


def test_after_erasure_list_search_and_duplicate_check_do_not_find_the_person(person, adviser):
    def search(text):
        return list(CandidateFilter({"q": text}, user=adviser).qs)

    assert search(OLD_NAME) == [person]
    assert search("0687654321") == [person]
    anonymise_candidate(person, by=adviser, reason="verzoek")

    for text in (OLD_NAME, OLD_LAST_NAME, "zwaantje@example.org", "0687654321", "3512 JK"):
        assert search(text) == [], text
    assert not candidate_duplicates(user=adviser, email="zwaantje@example.org").exists()
    assert not candidate_duplicates(
        user=adviser, first_name=OLD_NAME, last_name=OLD_LAST_NAME, date_of_birth=datetime.date(1990, 1, 1)
    ).exists()
    # Still counted: the candidate is in the adviser's list, without a name.
    assert person in candidate_list(user=adviser)


def test_erasure_leaves_the_evaluation_figures_unchanged(person, adviser):
    pilot = person.enrolments.get().cohort.pilot
    # A few more candidates, so the figures are more than one person.
    for status in (EnrolmentStatus.STARTED, EnrolmentStatus.DROPPED_OUT, EnrolmentStatus.NOT_SELECTED):
        EnrolmentFactory(
            cohort=person.enrolments.get().cohort,
            status=status,
            dropout_reason="health" if status == EnrolmentStatus.DROPPED_OUT else "",
            ended_on=datetime.date(2026, 10, 1) if status == EnrolmentStatus.DROPPED_OUT else None,
        )
    today = datetime.date(2027, 6, 1)

    def figures():
        # The completeness of the records included: the erased record counts as it was (test_erasure_figures has
        # every kind of candidate).
        return pilot_evaluation(pilots=[pilot], today=today)

    before = figures()
    assert before.total.stage("applied").count == 4

    anonymise_candidate(person, by=adviser, reason="verzoek")

    assert figures() == before


def test_erasure_of_an_anonymised_candidate_is_refused(person, adviser):
    anonymise_candidate(person, by=adviser, reason="verzoek")

    with pytest.raises(CandidateAnonymised):
        anonymise_candidate(person, by=adviser, reason="nog eens")


def test_refuse_if_anonymised_lets_others_pass(person, adviser):
    refuse_if_anonymised(person)
    anonymise_candidate(person, by=adviser, reason="verzoek")
    with pytest.raises(CandidateAnonymised):
        refuse_if_anonymised(person)


def test_nothing_is_changed_or_added_to_an_anonymised_candidate(person, adviser):
    from candidates.progress import coaching_note_add
    from candidates.services import candidate_update, note_add

    anonymise_candidate(person, by=adviser, reason="verzoek")
    enrolment = person.enrolments.get()
    notes_before = Note.objects.count()

    with pytest.raises(CandidateAnonymised):
        candidate_update(candidate=person, by_user=adviser, data={"first_name": "Terug"})
    with pytest.raises(CandidateAnonymised):
        note_add(candidate=person, by_user=adviser, text="Nieuwe notitie")
    with pytest.raises(CandidateAnonymised):
        coaching_note_add(enrolment=enrolment, by_user=adviser, text="Gesprek", coach_kind="job_coach")

    person.refresh_from_db()
    assert person.first_name == ""
    assert Note.objects.count() == notes_before


def test_erasure_touches_no_other_candidate(person, adviser):
    other = CandidateFactory(first_name="Berend", last_name="Botje")
    other_enrolment = EnrolmentFactory(candidate=other, cohort=person.enrolments.get().cohort)
    Note.objects.create(candidate=other, author=adviser, text="Berend belt terug")

    anonymise_candidate(person, by=adviser, reason="verzoek")

    other.refresh_from_db()
    assert (other.first_name, other.last_name, other.anonymised_at) == ("Berend", "Botje", None)
    assert other.notes.get().text == "Berend belt terug"
    assert Enrolment.objects.filter(pk=other_enrolment.pk).exists()
    assert Candidate.history.filter(id=other.pk, first_name="Berend").exists()


def test_erasure_is_recorded_in_the_audit_trail(person, adviser):
    from core.models import AuditAction, AuditEvent

    anonymise_candidate(person, by=adviser, reason="verzoek per e-mail")

    event = AuditEvent.objects.get(action=AuditAction.ERASURE)
    assert (event.user, event.target_id, event.detail) == (adviser, str(person.pk), "verzoek per e-mail")
    assert OLD_NAME not in event.target_repr
