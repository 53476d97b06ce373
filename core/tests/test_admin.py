import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from candidates.models import (
    AdviserChange,
    Attendance,
    AttendanceSession,
    BarrierKind,
    Candidate,
    CandidateImport,
    Certificate,
    CoachingNote,
    ContractType,
    DropoutReason,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    Evaluation,
    FollowUp,
    FollowUpDigest,
    ModuleResult,
    Note,
    Outcome,
    OutcomeKind,
    PendingUpload,
    Recommendation,
    Screening,
)
from candidates.pending_uploads import pending_upload_create
from candidates.progress import (
    attendance_mark_row,
    attendance_week_sessions,
    certificate_record,
    coaching_note_add,
    evaluation_record,
    followup_digests_send,
    followups_schedule_missing,
    module_result_record,
    outflow_record,
)
from candidates.services import (
    caseload_reassign,
    enrolment_create,
    enrolment_transition,
    note_add,
    screening_plan,
    screening_record,
)
from candidates.tests.factories import CandidateBarrierFactory, CandidateFactory, EnrolmentFactory
from core.api import webhook_queue
from core.audit import record_event
from core.invitations import invitation_create
from core.models import ApiCall, AuditAction, AuditEvent, Invitation, OutboxMessage, WebhookDelivery, WorkerPing
from core.outbox import queue_mail
from core.roles import Role
from core.tests.api import issue
from core.tests.factories import UserFactory
from employers.models import (
    ContractTerm,
    Placement,
    PlacementStatus,
    PlacementTransition,
    SeatOfferChange,
    VacancyApplication,
)
from employers.services import (
    contract_offer_answer,
    contract_offer_record,
    placement_propose,
    placement_transition,
    seat_offer_set,
    vacancy_apply,
    vacancy_create,
)
from employers.tests.factories import (
    EmployerFactory,
    EmployerLocationFactory,
    PlacementFactory,
    SeatOfferFactory,
)
from pilots.services import cohort_learning_line_copy, cohort_module_create
from pilots.tests.factories import (
    CohortClassFactory,
    CohortFactory,
    ModuleFactory,
    PilotFactory,
    PilotPartnerFactory,
)
from reports.models import ReportJob

REGISTERED_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)
HISTORY_MODELS = [EnrolmentTransition, PlacementTransition]
# Rows that only services or the worker write: the admin shows them but adds none.
NOT_ADDABLE = {
    *HISTORY_MODELS,
    WorkerPing,
    OutboxMessage,
    PendingUpload,
    ReportJob,
    Screening,
    Note,
    AdviserChange,
    CandidateImport,
    SeatOfferChange,
    VacancyApplication,
}
# The login protection writes its own records of attempts, lock-outs and logins.
NOT_ADDABLE |= {AccessAttempt, AccessFailureLog, AccessLog}
# The API's calls and webhooks are written by the API itself (core.api).
NOT_ADDABLE |= {ApiCall, WebhookDelivery}
# Invitations are sent from the people page (core.invitations), which keeps only a hash of the link.
NOT_ADDABLE |= {Invitation}
# The audit trail: the history tables of the audited models and the recorded logins, exports and downloads.
AUDIT_MODELS = {AuditEvent, *(model for model in REGISTERED_MODELS if hasattr(model, "history_date"))}
NOT_ADDABLE |= AUDIT_MODELS
# Progress during and after the track is recorded in the portal, through candidates.progress.
NOT_ADDABLE |= {
    AttendanceSession,
    Attendance,
    ModuleResult,
    Certificate,
    CoachingNote,
    Evaluation,
    FollowUp,
    FollowUpDigest,
}


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def message_texts(response, level: int) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request) if message.level == level]


def change_form_data(response) -> dict:
    """What a browser would post back from a change page, inline management forms included."""
    data = {}

    def add(form) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def walk(enrolment: Enrolment, by_user, *statuses: str, **kwargs) -> Enrolment:
    for status in statuses:
        step = dict(kwargs)
        if status == EnrolmentStatus.STARTED:
            # A start after the cohort's end is refused: start on its first day, whatever the day the test runs.
            step.setdefault("on_date", enrolment.cohort.start_date)
        enrolment = enrolment_transition(enrolment=enrolment, to_status=status, by_user=by_user, **step)
    return enrolment


@pytest.fixture
def admin_client_logged_in(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def populated(administrator):
    """A few rows of every registered model, made the way the portal makes them."""
    for address in ("192.0.2.10", "192.0.2.11"):
        seen = {"user_agent": "Firefox", "ip_address": address, "username": "adviseur", "http_accept": "text/html"}
        AccessAttempt.objects.create(**seen, path_info="/inloggen/", get_data="", post_data="", failures_since_start=2)
        AccessFailureLog.objects.create(**seen, path_info="/inloggen/", locked_out=False)
        AccessLog.objects.create(**seen, path_info="/inloggen/")
    UserFactory(role=Role.ADVISER)
    UserFactory(role=Role.COORDINATOR)
    WorkerPing.objects.create()
    WorkerPing.objects.create()
    with transaction.atomic():
        for address in ("a@example.nl", "b@example.nl"):
            queue_mail(key="proef", recipient=address, subject="Proef", body="Tekst")
    # Two people's two-step verification (the administrator's own session stays without, so the admin opens).
    for person in (UserFactory(role=Role.ADVISER), UserFactory(role=Role.COORDINATOR)):
        TOTPDevice.objects.create(user=person, name="Authenticator app", confirmed=True)
        StaticDevice.objects.create(user=person, name="Backup codes", confirmed=True).token_set.create(token="abcd2345")
    record_event(action=AuditAction.LOGIN, user=administrator)
    record_event(action=AuditAction.LOGIN_FAILED, username="onbekend")
    for first_name, role in (("Dora", Role.TRAINING_PARTNER), ("Aziz", Role.ADVISER)):
        invitation_create(
            first_name=first_name,
            last_name="Uitgenodigd",
            email=f"{first_name.lower()}@example.nl",
            role=role,
            organisation=None,
            by_user=administrator,
        )

    pilots = PilotFactory.create_batch(2)
    for pilot in pilots:
        PilotPartnerFactory(pilot=pilot)
        ModuleFactory(pilot=pilot)
    cohort = CohortFactory(pilot=pilots[0])
    CohortFactory(pilot=pilots[1])
    for name in ("verwijzing-gemeente.csv", "verwijzing-uwv.xlsx"):
        pending_upload_create(
            owner=administrator, cohort=cohort, content=b"voornaam,achternaam\n", file_name=name, consent_purpose=""
        )
    CohortClassFactory.create_batch(2, cohort=cohort)
    # Two API clients, each with a call on record and a webhook waiting (core.api).
    for partner in pilots:
        hook = "https://partner.example/hook"
        api_client = issue(partner.lead_organisation, webhook_url=hook, by_user=administrator)[0]
        ApiCall.objects.create(client=api_client, at=timezone.now(), method="GET", path="/api/v1/cohorts", status=200)
        with transaction.atomic():
            webhook_queue(account_id=api_client.account_id, key="proef", event="report_job.done", payload={})

    employers = EmployerFactory.create_batch(2)
    for employer in employers:
        SeatOfferFactory(employer=employer, cohort=cohort, location=EmployerLocationFactory(employer=employer))

    candidates = CandidateFactory.create_batch(3, adviser=administrator)
    CandidateBarrierFactory(candidate=candidates[0], kind=BarrierKind.TRANSPORT)
    CandidateBarrierFactory(candidate=candidates[1], kind=BarrierKind.CHILDCARE)
    by = administrator
    completed, dropped_out, selected = (
        walk(enrolment_create(candidate=candidate, cohort=cohort, by_user=by), by, "screened", "selected")
        for candidate in candidates
    )
    completed = walk(completed, by, "started", "completed")
    dropped_out = walk(walk(dropped_out, by, "started"), by, "dropped_out", dropout_reason=DropoutReason.FOUND_WORK)
    outflow_record(enrolment=completed, by_user=by, kind=OutcomeKind.CONTRACT_AT_HOST, employer=employers[0])
    outflow_record(enrolment=dropped_out, by_user=by, kind=OutcomeKind.JOB_ELSEWHERE, employer_name="Thuiszorg Elders")
    confirmed = placement_propose(enrolment=selected, employer=employers[0], by_user=by, motivation="Past goed")
    placement_transition(placement=confirmed, to_status=PlacementStatus.CONFIRMED, by_user=by)
    placement_propose(enrolment=selected, employer=employers[1], by_user=by)
    for hours in (24, 32):
        offer = contract_offer_record(
            enrolment=selected,
            employer=employers[0],
            by_user=by,
            kind=ContractType.GROUP_HELPER,
            hours_per_week=hours,
            start_date=datetime.date(2027, 1, 4),
            contract_type=ContractTerm.FIXED_TERM,
            duration_months=12,
        )
    contract_offer_answer(offer=offer, accepted=True, by_user=by)
    for title in ("Leerling zorg & welzijn", "Groepshulp kinderopvang"):
        vacancy = vacancy_create(
            cohort=cohort, title=title, published_on=datetime.date(2026, 5, 1), employers=employers, by_user=by
        )
    for candidate in candidates[:2]:
        vacancy_apply(vacancy=vacancy, candidate=candidate, by_user=by)

    intake_cohort = CohortFactory(pilot=pilots[0])
    for places in (45, 52):
        seat_offer_set(employer=employers[0], cohort=intake_cohort, places=places, by_user=by)
    newcomers = CandidateFactory.create_batch(2, adviser=by)
    for candidate in newcomers:
        enrolment = enrolment_create(candidate=candidate, cohort=intake_cohort, by_user=by)
        screening_plan(
            enrolment=enrolment,
            starts_at=timezone.now() + datetime.timedelta(days=2),
            location="WSP Utrecht",
            adviser=by,
            by_user=by,
        )
        screening_record(
            enrolment=enrolment,
            by_user=by,
            screened_on=datetime.date(2026, 8, 20),
            interest_score=4,
            motivation_score=5,
            language_score=3,
            availability_score=4,
            recommendation=Recommendation.SELECT,
        )
        note_add(candidate=candidate, by_user=by, text="Belt liever na 10 uur")
    caseload_reassign(candidates=newcomers, to_adviser=UserFactory(role=Role.ADVISER), by_user=by)
    for name in ("verwijzing-ronde-1.csv", "verwijzing-ronde-2.xlsx"):
        record = CandidateImport.objects.create(
            uploaded_by=by,
            at=timezone.now(),
            file_name=name,
            cohort=intake_cohort,
            rows_total=2,
            rows_imported=2,
            rows_skipped=0,
        )
        record.candidates.set(newcomers)

    for pilot in pilots:
        job = ReportJob.objects.create(
            requested_by=by, period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 12, 31)
        )
        job.pilots.set([pilot])

    # During and after the track: two started candidates with a week of attendance, a result, a certificate,
    # a coaching note and an evaluation each; the outcomes above get their follow-ups; two weekly digests.
    cohort_learning_line_copy(cohort=cohort, by_user=by)
    vca = cohort_module_create(
        cohort=cohort, by_user=by, name="VCA Basis", kind="certificate", certificate_name="VCA Basis"
    )
    week = attendance_week_sessions(cohort=cohort, week_start=datetime.date(2026, 9, 7), by_user=by)
    for candidate in CandidateFactory.create_batch(2, adviser=by):
        enrolment = walk(enrolment_create(candidate=candidate, cohort=cohort, by_user=by), by, "screened", "selected")
        enrolment = enrolment_transition(
            enrolment=enrolment, to_status="started", by_user=by, on_date=datetime.date(2026, 9, 1)
        )
        attendance_mark_row(enrolment=enrolment, sessions=week, by_user=by)
        module_result_record(
            enrolment=enrolment, cohort_module=vca, status="passed", by_user=by, on_date=datetime.date(2026, 10, 2)
        )
        certificate_record(enrolment=enrolment, cohort_module=vca, issued_on=datetime.date(2026, 10, 2), by_user=by)
        coaching_note_add(enrolment=enrolment, by_user=by, coach_kind="job_coach", text="Gaat goed op de werkvloer")
        evaluation_record(
            enrolment=enrolment,
            moment="mid_term",
            by_user=by,
            goals=[{"goal": "Op tijd komen", "score": 4}],
            held_on=datetime.date(2026, 10, 20),
            advice="continue",
        )
    followups_schedule_missing()
    later = timezone.localdate() + datetime.timedelta(days=400)  # every follow-up is due by then
    for weeks in (0, 1):
        followup_digests_send(today=later + datetime.timedelta(weeks=weeks))


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.label)
def test_changelist_shows_the_rows(admin_client_logged_in, populated, model):
    response = admin_client_logged_in.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    changelist = response.context["cl"]
    assert changelist.result_count >= 2
    for obj in changelist.result_list:
        assert changelist.url_for_result(obj) in response.text


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.label)
def test_add_page_opens_unless_the_rows_are_written_elsewhere(admin_client_logged_in, model):
    response = admin_client_logged_in.get(admin_url(model, "add"))

    assert response.status_code == (403 if model in NOT_ADDABLE else 200)


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.label)
def test_change_page_of_an_existing_row_opens(admin_client_logged_in, populated, model):
    obj = model._default_manager.first()

    response = admin_client_logged_in.get(admin_url(model, "change", quote(obj.pk)))

    assert response.status_code == 200


def test_admin_site_has_its_own_header(admin_client_logged_in):
    response = admin_client_logged_in.get(reverse("admin:index"))

    assert response.status_code == 200
    assert str(admin.site.site_header) in response.text


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda model: model._meta.label)
def test_history_rows_cannot_be_added_changed_or_deleted(admin_client_logged_in, populated, model):
    obj = model._default_manager.first()
    before = (model._default_manager.count(), obj.to_status, obj.reason)

    assert admin_client_logged_in.get(admin_url(model, "add")).status_code == 403
    assert admin_client_logged_in.post(admin_url(model, "add"), {"reason": "x"}).status_code == 403
    assert admin_client_logged_in.post(admin_url(model, "change", obj.pk), {"reason": "x"}).status_code == 403
    assert admin_client_logged_in.get(admin_url(model, "delete", obj.pk)).status_code == 403
    assert admin_client_logged_in.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    changelist = admin_client_logged_in.get(admin_url(model, "changelist"))
    assert changelist.context["action_form"] is None  # not even "delete selected"
    obj.refresh_from_db()
    assert (model._default_manager.count(), obj.to_status, obj.reason) == before


def test_history_shows_read_only_on_the_enrolment_page(admin_client_logged_in, administrator):
    enrolment = enrolment_create(candidate=CandidateFactory(), cohort=CohortFactory(), by_user=administrator)

    response = admin_client_logged_in.get(admin_url(Enrolment, "change", enrolment.pk))

    history = next(
        inline for inline in response.context["inline_admin_formsets"] if inline.formset.model is EnrolmentTransition
    )
    assert not history.has_add_permission
    assert not history.has_change_permission
    assert not history.has_delete_permission


def run_action(client, model, action: str, objects, **extra):
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], "index": "0", **extra}
    return client.post(admin_url(model, "changelist"), data)


def test_refused_enrolment_step_shows_an_error_and_changes_nothing(admin_client_logged_in, administrator):
    enrolment = enrolment_create(candidate=CandidateFactory(), cohort=CohortFactory(), by_user=administrator)

    response = run_action(admin_client_logged_in, Enrolment, "move_to_started", [enrolment])

    assert response.status_code == 302
    errors = message_texts(response, messages.ERROR)
    assert len(errors) == 1
    assert str(enrolment) in errors[0]
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.REGISTERED
    assert enrolment.transitions.count() == 1


def test_allowed_enrolment_step_moves_it_and_records_who(admin_client_logged_in, administrator):
    enrolment = enrolment_create(candidate=CandidateFactory(), cohort=CohortFactory(), by_user=administrator)

    response = run_action(admin_client_logged_in, Enrolment, "move_to_screening_planned", [enrolment])

    assert response.status_code == 302
    assert message_texts(response, messages.ERROR) == []
    assert len(message_texts(response, messages.SUCCESS)) == 1
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.SCREENING_PLANNED
    last = enrolment.transitions.order_by("at", "pk").last()
    assert (last.from_status, last.to_status, last.by_user) == ("registered", "screening_planned", administrator)


def test_one_refused_row_does_not_stop_the_others(admin_client_logged_in, administrator):
    cohort = CohortFactory()
    registered = enrolment_create(candidate=CandidateFactory(), cohort=cohort, by_user=administrator)
    screened = walk(
        enrolment_create(candidate=CandidateFactory(), cohort=cohort, by_user=administrator), administrator, "screened"
    )

    response = run_action(admin_client_logged_in, Enrolment, "move_to_selected", [registered, screened])

    assert len(message_texts(response, messages.ERROR)) == 1
    registered.refresh_from_db()
    screened.refresh_from_db()
    assert (registered.status, screened.status) == ("registered", "selected")


def test_steps_that_need_a_reason_take_it_from_the_action_form(admin_client_logged_in, administrator):
    cohort = CohortFactory()
    without_reason = enrolment_create(candidate=CandidateFactory(), cohort=cohort, by_user=administrator)
    started = walk(
        enrolment_create(candidate=CandidateFactory(), cohort=cohort, by_user=administrator),
        administrator,
        "screened",
        "selected",
        "started",
    )

    refused = run_action(admin_client_logged_in, Enrolment, "move_to_not_selected", [without_reason])
    run_action(
        admin_client_logged_in,
        Enrolment,
        "move_to_dropped_out",
        [started],
        reason="Verhuisd naar Groningen",
        dropout_reason=DropoutReason.MOVED,
    )

    assert len(message_texts(refused, messages.ERROR)) == 1
    without_reason.refresh_from_db()
    assert without_reason.status == EnrolmentStatus.REGISTERED
    started.refresh_from_db()
    assert (started.status, started.dropout_reason) == (EnrolmentStatus.DROPPED_OUT, DropoutReason.MOVED)
    assert started.transitions.order_by("at", "pk").last().reason == "Verhuisd naar Groningen"


def test_enrolment_steps_are_offered_on_the_change_page_too(admin_client_logged_in, administrator):
    enrolment = enrolment_create(candidate=CandidateFactory(), cohort=CohortFactory(), by_user=administrator)
    url = admin_url(Enrolment, "change", enrolment.pk)

    response = admin_client_logged_in.post(
        url, {"CHANGE_FORM-action": "move_to_screened", "_selected_action": [enrolment.pk], "index": "0"}
    )

    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.SCREENED
    assert enrolment.transitions.filter(to_status="screened", by_user__isnull=False).exists()


def test_saving_an_enrolment_page_does_not_change_its_status(admin_client_logged_in, administrator):
    cohort = CohortFactory()
    cohort_class = CohortClassFactory(cohort=cohort)
    enrolment = enrolment_create(candidate=CandidateFactory(), cohort=cohort, by_user=administrator)
    url = admin_url(Enrolment, "change", enrolment.pk)
    data = change_form_data(admin_client_logged_in.get(url))

    response = admin_client_logged_in.post(
        url, {**data, "status": "outflow", "started_on": "2026-09-01", "cohort_class": cohort_class.pk, "_save": "1"}
    )

    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.started_on, enrolment.cohort_class) == ("registered", None, cohort_class)
    assert enrolment.transitions.count() == 1


def test_adding_an_enrolment_records_its_first_status(admin_client_logged_in, administrator):
    candidate = CandidateFactory()
    cohort = CohortFactory()

    response = admin_client_logged_in.post(
        admin_url(Enrolment, "add"),
        {"candidate": candidate.pk, "cohort": cohort.pk, "reason": "Aangemeld door de gemeente", "_save": "1"},
    )

    assert response.status_code == 302
    enrolment = Enrolment.objects.get(candidate=candidate, cohort=cohort)
    assert enrolment.status == EnrolmentStatus.REGISTERED
    first = enrolment.transitions.get()
    assert (first.from_status, first.to_status, first.by_user, first.reason) == (
        "",
        "registered",
        administrator,
        "Aangemeld door de gemeente",
    )


def test_adding_the_same_enrolment_twice_is_a_form_error(admin_client_logged_in, administrator):
    enrolment = enrolment_create(candidate=CandidateFactory(), cohort=CohortFactory(), by_user=administrator)

    response = admin_client_logged_in.post(
        admin_url(Enrolment, "add"), {"candidate": enrolment.candidate_id, "cohort": enrolment.cohort_id, "_save": "1"}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Enrolment.objects.count() == 1


def test_recording_an_outcome_on_the_enrolment_page_goes_to_outflow(admin_client_logged_in, administrator):
    enrolment = walk(
        enrolment_create(candidate=CandidateFactory(), cohort=CohortFactory(), by_user=administrator),
        administrator,
        "screened",
        "selected",
        "started",
        "completed",
    )
    url = admin_url(Enrolment, "change", enrolment.pk)
    data = change_form_data(admin_client_logged_in.get(url))

    response = admin_client_logged_in.post(
        url,
        {
            **data,
            "outcome-0-kind": OutcomeKind.EDUCATION,
            "outcome-0-employer_name": "ROC Midden",
            "outcome-0-education_level": "2",
            "_save": "1",
        },
    )

    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.OUTFLOW
    assert (enrolment.outcome.kind, enrolment.outcome.recorded_by) == (OutcomeKind.EDUCATION, administrator)
    assert sorted(enrolment.outcome.followups.values_list("months", flat=True)) == [3, 6, 12]


def test_an_outcome_for_a_track_still_running_is_a_form_error(admin_client_logged_in, administrator):
    enrolment = enrolment_create(candidate=CandidateFactory(), cohort=CohortFactory(), by_user=administrator)

    response = admin_client_logged_in.post(
        admin_url(Outcome, "add"),
        {"enrolment": enrolment.pk, "kind": OutcomeKind.JOB_ELSEWHERE, "employer_name": "Bakkerij", "_save": "1"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert not Outcome.objects.exists()
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.REGISTERED


def test_proposing_a_placement_goes_through_the_service(admin_client_logged_in, administrator):
    enrolment = EnrolmentFactory(status=EnrolmentStatus.SELECTED)
    employer = SeatOfferFactory(cohort=enrolment.cohort, places=1).employer

    response = admin_client_logged_in.post(
        admin_url(Placement, "add"),
        {"enrolment": enrolment.pk, "employer": employer.pk, "kind": "internship", "days_per_week": "2", "_save": "1"},
    )

    assert response.status_code == 302
    placement = Placement.objects.get()
    assert (placement.status, placement.proposed_by, placement.days_per_week) == ("proposed", administrator, 2)
    assert placement.transitions.get().by_user == administrator


def test_a_refused_proposal_is_a_form_error_not_a_server_error(admin_client_logged_in):
    no_consent = CandidateFactory(consent_given_at=None, consent_purpose="")
    enrolment = EnrolmentFactory(candidate=no_consent, status=EnrolmentStatus.SELECTED)

    response = admin_client_logged_in.post(
        admin_url(Placement, "add"),
        {"enrolment": enrolment.pk, "employer": EmployerFactory().pk, "kind": "internship", "_save": "1"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert not Placement.objects.exists()
    assert not PlacementTransition.objects.exists()


def test_a_proposal_breaking_a_model_rule_is_a_form_error(admin_client_logged_in):
    enrolment = EnrolmentFactory(status=EnrolmentStatus.SELECTED)

    response = admin_client_logged_in.post(
        admin_url(Placement, "add"),
        {
            "enrolment": enrolment.pk,
            "employer": EmployerFactory().pk,
            "kind": "internship",
            "start_date": "2026-10-01",
            "end_date": "2026-09-01",
            "_save": "1",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Placement.objects.exists()


def test_a_proposal_with_a_location_of_another_employer_is_a_form_error(admin_client_logged_in):
    enrolment = EnrolmentFactory(status=EnrolmentStatus.SELECTED)

    response = admin_client_logged_in.post(
        admin_url(Placement, "add"),
        {
            "enrolment": enrolment.pk,
            "employer": EmployerFactory().pk,
            "location": EmployerLocationFactory().pk,
            "kind": "internship",
            "_save": "1",
        },
    )

    assert response.status_code == 200
    assert "location" in response.context["adminform"].form.errors
    assert not Placement.objects.exists()


def test_placement_steps_go_through_the_service(admin_client_logged_in, administrator):
    enrolment = EnrolmentFactory(status=EnrolmentStatus.SELECTED)
    # Put straight in the database: the service no longer proposes to a host without a free place.
    full = PlacementFactory(enrolment=enrolment, employer=EmployerFactory())
    offered = SeatOfferFactory(cohort=enrolment.cohort, places=1)
    open_place = placement_propose(enrolment=enrolment, employer=offered.employer, by_user=administrator)

    response = run_action(admin_client_logged_in, Placement, "move_to_confirmed", [full, open_place])

    assert len(message_texts(response, messages.ERROR)) == 1  # no places offered at the first employer
    full.refresh_from_db()
    open_place.refresh_from_db()
    assert (full.status, open_place.status) == ("proposed", "confirmed")
    assert open_place.transitions.order_by("at", "pk").last().by_user == administrator


def test_candidates_are_found_by_postcode_typed_without_space(admin_client_logged_in):
    CandidateFactory(postcode="3511 AB", last_name="Jansen")
    CandidateFactory(postcode="1012 XY", last_name="de Vries")

    response = admin_client_logged_in.get(admin_url(Candidate, "changelist"), {"q": "3511ab"})

    assert [candidate.last_name for candidate in response.context["cl"].result_list] == ["Jansen"]


def test_adding_a_candidate_records_who_took_the_consent(admin_client_logged_in, administrator):
    add_page = admin_client_logged_in.get(admin_url(Candidate, "add"))
    assert not [name for name in add_page.context["adminform"].form.fields if "bsn" in name.lower()]
    assert "burgerservicenummer" not in add_page.text.lower()

    response = admin_client_logged_in.post(
        admin_url(Candidate, "add"),
        {
            **change_form_data(add_page),
            "first_name": "Fatima",
            "last_name": "El Amrani",
            "postcode": "3511 AB",
            "referral_source": "municipality",
            "benefit_type": "none",
            "available_days": ["mon", "wed"],
            "consent_given_at_0": "2026-09-01",
            "consent_given_at_1": "10:00",
            "consent_purpose": "Deelname aan de pilot",
            "_save": "1",
        },
    )

    assert response.status_code == 302
    candidate = Candidate.objects.get(last_name="El Amrani")
    assert candidate.available_days == ["mon", "wed"]
    assert candidate.consent_recorded_by == administrator


def make_candidates(count: int) -> None:
    for _ in range(count):
        CandidateFactory(adviser=UserFactory())


def make_placements(count: int) -> None:
    PlacementFactory.create_batch(count, location=EmployerLocationFactory())


@pytest.mark.parametrize(
    ("model", "make_rows"), [(Candidate, make_candidates), (Placement, make_placements)], ids=["candidate", "placement"]
)
def test_changelist_queries_do_not_grow_with_the_rows(admin_client_logged_in, model, make_rows):
    url = admin_url(model, "changelist")
    admin_client_logged_in.get(url)  # warms up what is loaded once per process

    make_rows(3)
    with CaptureQueriesContext(connection) as few:
        assert admin_client_logged_in.get(url).status_code == 200
    make_rows(27)
    with CaptureQueriesContext(connection) as many:
        response = admin_client_logged_in.get(url)

    assert response.context["cl"].result_count == 30
    assert len(many) == len(few)
