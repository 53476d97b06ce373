"""Every write to candidates and enrolments. Each function is atomic and records its history."""

from datetime import date

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.services import entry_point
from core.statemachine import TransitionNotAllowed
from pilots.models import Cohort, ReferenceItem, ReferenceKind
from pilots.services import cohort_check_open

from .lifecycle import (
    CARRY_OVER,
    ENROLMENT_LIFECYCLE,
    REASON_REQUIRED,
    SCREENABLE,
    SEAT_HOLDING,
    WAITING_FOR_START,
    track_end_consequences,
)
from .models import (
    AdviserChange,
    AppointmentStatus,
    Candidate,
    CandidateBarrier,
    CandidateImport,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    Note,
    Screening,
    ScreeningAppointment,
)

# Rows per INSERT when many are written at once (an import): a handful of statements for the largest list, each
# well within what the databases take in one statement.
BULK_BATCH_SIZE = 1000


class CohortFull(TransitionNotAllowed):
    """Selecting one more candidate would exceed the cohort's seats."""


def current_enrolment_refresh(*, candidate_ids) -> None:
    """Point each candidate's current_enrolment at their latest enrolment (by created_at, then pk), with the names
    of its pilot and cohort the list sorts on: one UPDATE.

    Called by every service that creates or removes enrolments, inside its transaction, and when a cohort or pilot
    is renamed (current_enrolment_names_refresh); a plain update, so the candidates' history gets no version for it.
    `candidate_ids` is a list of ids or a queryset of them.
    """
    latest = Enrolment.objects.filter(candidate=OuterRef("pk")).order_by("-created_at", "-pk")
    # How many pilots the candidate's enrolments lie in (Candidate.in_several_pilots: more than one).
    pilots = (
        Enrolment.objects.filter(candidate=OuterRef("pk"))
        .order_by()
        .values("candidate")
        .annotate(pilots=Count("cohort__pilot", distinct=True))
        .values("pilots")
    )
    if not isinstance(candidate_ids, QuerySet):
        candidate_ids = list(candidate_ids)
    Candidate.objects.filter(pk__in=candidate_ids).update(
        current_enrolment=Subquery(latest.values("pk")[:1]),
        sort_pilot_name=Subquery(latest.values("cohort__pilot__name")[:1]),
        sort_cohort_name=Subquery(latest.values("cohort__name")[:1]),
        current_pilot=Subquery(latest.values("cohort__pilot")[:1]),
        in_several_pilots=GreaterThan(Coalesce(Subquery(pilots), 0), 1),
    )


def current_enrolment_names_refresh(*, cohorts) -> None:
    """After cohorts (a queryset or list of them or their ids) or their pilot were saved: the candidates whose
    current enrolment is in one of them and whose kept names differ from the cohort's and pilot's get them again,
    and so do those enrolled in one of them whose kept pilots (current_pilot, in_several_pilots) a cohort moved to
    another pilot may have changed; one UPDATE, which writes nothing when no name or pilot changed."""
    current = Q(current_enrolment__cohort__in=cohorts)
    same_names = Q(
        sort_pilot_name=F("current_enrolment__cohort__pilot__name"),
        sort_cohort_name=F("current_enrolment__cohort__name"),
    )
    stale_names = Candidate.objects.filter(current).exclude(same_names).values("pk")
    in_cohorts = Enrolment.objects.filter(candidate=OuterRef("pk"), cohort__in=cohorts).order_by()
    stale_pilots = Candidate.objects.filter(
        Exists(in_cohorts.exclude(cohort__pilot=OuterRef("current_pilot")))
        | ((Q(in_several_pilots=True) | Q(current_pilot__isnull=True)) & Exists(in_cohorts))
    ).values("pk")
    current_enrolment_refresh(
        candidate_ids=Candidate.objects.filter(Q(pk__in=stale_names) | Q(pk__in=stale_pilots)).values("pk")
    )


@entry_point
def enrolment_create(*, candidate: Candidate, cohort: Cohort, by_user, reason: str = "") -> Enrolment:
    """Register a candidate for a cohort; the first history row records where it started."""
    return _enrol(candidates=[candidate], cohort=cohort, by_user=by_user, reason=reason)[0]


@entry_point
def enrolments_create(*, candidates: list[Candidate], cohort: Cohort, by_user, reason: str = "") -> list[Enrolment]:
    """enrolment_create for many candidates at once (an import): a few queries, whatever their number."""
    return _enrol(candidates=candidates, cohort=cohort, by_user=by_user, reason=reason)


def _enrol(*, candidates: list[Candidate], cohort: Cohort, by_user, reason: str) -> list[Enrolment]:
    """Enrolments as registered, inserted in bulk, each with its history row and its first transition.

    A closed cohort takes no one (CohortClosed): every registration, import and carry-over comes through here.
    """
    cohort_check_open(cohort)
    now = timezone.now()
    enrolments = bulk_create_with_history(
        [
            Enrolment(candidate=candidate, cohort=cohort, status=EnrolmentStatus.REGISTERED, status_changed_at=now)
            for candidate in candidates
        ],
        Enrolment,
        batch_size=BULK_BATCH_SIZE,
    )
    EnrolmentTransition.objects.bulk_create(
        [
            EnrolmentTransition(
                enrolment=enrolment,
                from_status="",
                to_status=EnrolmentStatus.REGISTERED,
                by_user=by_user,
                at=now,
                reason=reason,
            )
            for enrolment in enrolments
        ],
        batch_size=BULK_BATCH_SIZE,
    )
    current_enrolment_refresh(candidate_ids=[candidate.pk for candidate in candidates])
    for candidate, enrolment in zip(candidates, enrolments, strict=True):
        # What the refresh wrote, also on the caller's copy, so that a later save() of it keeps it.
        candidate.current_enrolment_id = enrolment.pk
        if candidate.current_pilot_id not in (None, cohort.pilot_id):
            candidate.in_several_pilots = True
        candidate.current_pilot_id = cohort.pilot_id
    return enrolments


def seats_taken(*, cohort: Cohort) -> int:
    return cohort.enrolments.filter(status__in=SEAT_HOLDING).count()


# Moving to these changes the cohort's seats or its reserve list: the cohort row is locked first.
_COHORT_LOCKING = frozenset(
    {EnrolmentStatus.SELECTED, EnrolmentStatus.RESERVE, EnrolmentStatus.NOT_SELECTED, EnrolmentStatus.WITHDRAWN}
)


def _check_start(enrolment: Enrolment, cohort: Cohort, day: date, reason: str) -> None:
    if day < cohort.start_date and not reason.strip():
        raise TransitionNotAllowed(
            _(
                "%(cohort)s starts on %(start)s; starting %(name)s earlier, on %(day)s, needs a reason "
                "(for example an early internship agreed with the host)."
            )
            % {
                "cohort": cohort.name,
                "start": date_format(cohort.start_date, "DATE_FORMAT"),
                "name": enrolment.candidate.full_name,
                "day": date_format(day, "DATE_FORMAT"),
            }
        )


@entry_point
def enrolment_transition(
    *,
    enrolment: Enrolment,
    to_status: str,
    by_user,
    reason: str = "",
    dropout_reason: str = "",
    on_date: date | None = None,
) -> Enrolment:
    """Move an enrolment one allowed step, with every consequence of that step; refuse the rest with a message.

    The one place that changes an enrolment's status. Rows are locked in the order of candidates.lifecycle
    (cohort, then enrolment, then placements): selecting, the reserve list and withdrawing lock the cohort first,
    so two advisers taking the last seat at the same moment are served one after the other. Starting before the
    cohort's start date needs a reason. Leaving the track (withdrawn, completed, dropped out) carries out the
    consequences registered with candidates.lifecycle.on_track_end, such as ending the open placements.
    """
    cohort = None
    if to_status in _COHORT_LOCKING:
        cohort = Cohort.objects.select_for_update().get(pk=enrolment.cohort_id)
    locked = Enrolment.objects.select_for_update().select_related("candidate", "cohort").get(pk=enrolment.pk)
    ENROLMENT_LIFECYCLE.check(locked.status, to_status)
    if to_status in REASON_REQUIRED and not reason.strip() and not dropout_reason:
        raise TransitionNotAllowed(_("Give a reason for this status."))
    if to_status == EnrolmentStatus.DROPPED_OUT and dropout_reason not in ReferenceItem.objects.codes(
        ReferenceKind.DROPOUT_REASON
    ):
        raise TransitionNotAllowed(_("Choose a reason for the dropout."))
    if cohort is not None and to_status == EnrolmentStatus.SELECTED and seats_taken(cohort=cohort) >= cohort.seats:
        raise CohortFull(
            _("All %(seats)s seats of %(cohort)s are taken; put the candidate on the reserve list.")
            % {"seats": cohort.seats, "cohort": cohort.name}
        )

    now = timezone.now()
    today = on_date or timezone.localdate()
    if to_status == EnrolmentStatus.STARTED:
        _check_start(locked, locked.cohort, today, reason)
    from_status = locked.status
    locked.status = to_status
    locked.status_changed_at = now
    if to_status == EnrolmentStatus.STARTED:
        locked.started_on = today
    if to_status in (EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED_OUT):
        locked.ended_on = max(today, locked.started_on) if locked.started_on else today
    if to_status == EnrolmentStatus.DROPPED_OUT:
        locked.dropout_reason = dropout_reason
    if cohort is not None and to_status == EnrolmentStatus.RESERVE:
        # A newcomer joins the end of the ordered reserve list, with interest confirmed today.
        last = cohort.enrolments.aggregate(last=Max("reserve_position"))["last"]
        locked.reserve_position = (last or 0) + 1
        locked.interest_confirmed_on = today
    else:
        locked.reserve_position = None
    locked.save(
        update_fields=[
            "status",
            "status_changed_at",
            "started_on",
            "ended_on",
            "dropout_reason",
            "reserve_position",
            "interest_confirmed_on",
            "updated_at",
        ]
    )
    EnrolmentTransition.objects.create(
        enrolment=locked, from_status=from_status, to_status=to_status, by_user=by_user, at=now, reason=reason
    )
    track_end_consequences(enrolment=locked, to_status=to_status, by_user=by_user, on_date=today)
    if from_status == EnrolmentStatus.RESERVE and cohort is not None:
        _close_reserve_gaps(cohort)
    return locked


@entry_point
def enrolment_start(*, enrolment: Enrolment, by_user, on_date: date | None = None, reason: str = "") -> Enrolment:
    """A selected candidate begins the track (on_date, default today); before the cohort's start it needs a reason."""
    return enrolment_transition.within(
        enrolment=enrolment, to_status=EnrolmentStatus.STARTED, by_user=by_user, on_date=on_date, reason=reason
    )


@entry_point
def enrolment_withdraw(*, enrolment: Enrolment, by_user, reason: str, promote_reserve: bool = False) -> Enrolment:
    """A selected candidate leaves before the first day, with a reason: the seat comes free for the reserve list.

    Distinct from "not selected": the evaluation counts withdrawn candidates among those selected. Open proposals
    and placements close with the enrolment (candidates.lifecycle). The seat is offered to the reserve list: the
    adviser promotes the first reserve once they confirm their interest (reserve_promote); with promote_reserve
    the first reserve takes the seat at once.
    """
    if enrolment.status not in WAITING_FOR_START:
        raise TransitionNotAllowed(_("Only a selected candidate who has not started yet can withdraw."))
    if not reason.strip():
        raise TransitionNotAllowed(_("Give the reason why the candidate withdraws."))
    withdrawn = enrolment_transition.within(
        enrolment=enrolment, to_status=EnrolmentStatus.WITHDRAWN, by_user=by_user, reason=reason.strip()
    )
    if promote_reserve and withdrawn.cohort.enrolments.filter(status=EnrolmentStatus.RESERVE).exists():
        reserve_promote.within(
            cohort=withdrawn.cohort,
            by_user=by_user,
            reason=_("Promoted from the reserve list into the seat of a candidate who withdrew"),
        )
    return withdrawn


# --- Intake: registration, import, screening, selection, caseload ---------------------------------


def _apply_barriers(candidate: Candidate, kinds) -> None:
    """The candidate's barriers become exactly `kinds`."""
    kinds = set(kinds)
    candidate.barriers.exclude(kind__in=kinds).delete()
    _add_barriers(candidate, kinds)


def _add_barriers(candidate: Candidate, kinds) -> None:
    """Add the barriers of `kinds` the candidate does not have yet, each kept in the history.

    A new barrier is one of the active items of the barrier list (reference data); any other kind is refused.
    """
    existing = set(candidate.barriers.values_list("kind", flat=True))
    new = sorted(set(kinds) - existing)
    if new and not set(new) <= ReferenceItem.objects.codes(ReferenceKind.BARRIER):
        raise TransitionNotAllowed(_("Choose the barriers from the list."))
    bulk_create_with_history([CandidateBarrier(candidate=candidate, kind=kind) for kind in new], CandidateBarrier)


def _new_candidate(*, data: dict, by_user, now, consent_purpose: str) -> Candidate:
    """A candidate as registration makes one, not saved yet: the registering adviser's, with recorded consent. A
    referral that arrives through the API (by_user is the client's account, which nobody logs in with) waits
    without an adviser until the WSP hands it to one."""
    candidate = Candidate(**data)
    if candidate.adviser_id is None and candidate.adviser is None and by_user.is_active:
        candidate.adviser = by_user
    candidate.consent_given_at = now
    candidate.consent_recorded_by = by_user
    candidate.consent_purpose = consent_purpose or candidate.consent_purpose
    return candidate


@entry_point
def candidate_register(
    *, by_user, data: dict, barriers=(), cohort: Cohort | None = None, consent_purpose: str = ""
) -> Candidate:
    """Register a candidate with recorded consent; enrol them in a cohort when one is given."""
    candidate = _new_candidate(data=data, by_user=by_user, now=timezone.now(), consent_purpose=consent_purpose)
    candidate.full_clean(exclude=["adviser", "consent_recorded_by", "referring_organisation"])
    candidate.save()
    _apply_barriers(candidate, barriers)
    if cohort is not None:
        enrolment_create.within(candidate=candidate, cohort=cohort, by_user=by_user)
    return candidate


class CandidateAnonymised(TransitionNotAllowed):
    """The candidate's data was erased; nothing about them can be changed or added any more."""


ANONYMISED_REFUSAL = gettext_lazy(
    "The data of this candidate has been erased; it can no longer be changed or added to."
)


def refuse_if_anonymised(candidate: Candidate) -> None:
    if candidate.anonymised_at is not None:
        raise CandidateAnonymised(str(ANONYMISED_REFUSAL))


# What a candidate update may change, in the order the intake form shows it; the rest (consent, anonymisation, the
# adviser) has services of its own.
CANDIDATE_UPDATE_FIELDS = (
    "first_name",
    "last_name_prefix",
    "last_name",
    "date_of_birth",
    "email",
    "phone",
    "postcode",
    "city",
    "education_level",
    "referral_source",
    "referring_organisation",
    "speaking_level",
    "listening_level",
    "reading_level",
    "writing_level",
    "benefit_type",
    "is_status_holder",
    "available_days",
    "available_from",
    "hours_per_week",
    "consent_purpose",
)


@entry_point
def candidate_update(*, candidate: Candidate, by_user, data: dict, barriers=None) -> Candidate:
    """Change the named fields of a candidate (CANDIDATE_UPDATE_FIELDS), validated as a registration is.

    A field outside that list is a programming error (TypeError); an invalid value is refused with the model's
    message (ValidationError) and nothing is saved. Giving a consent purpose to a candidate without consent
    records the consent now.
    """
    refuse_if_anonymised(candidate)
    unknown = set(data) - set(CANDIDATE_UPDATE_FIELDS)
    if unknown:
        raise TypeError(f"candidate_update cannot change: {sorted(unknown)}")
    fields = set(data)
    for name, value in data.items():
        setattr(candidate, name, value)
    if candidate.consent_given_at is None and data.get("consent_purpose"):
        candidate.consent_given_at = timezone.now()
        candidate.consent_recorded_by = by_user
        fields |= {"consent_given_at", "consent_recorded_by"}
    candidate.full_clean(exclude=["adviser", "consent_recorded_by", "referring_organisation"])
    candidate.save(update_fields=sorted(fields | {"updated_at"}))
    if barriers is not None:
        _apply_barriers(candidate, barriers)
    return candidate


@entry_point
def candidates_register(
    *, by_user, rows: list[dict], cohort: Cohort, consent_purpose: str, reason: str = ""
) -> list[Candidate]:
    """candidate_register for many people at once, all enrolled in the cohort: a few queries, whatever their number.

    The rows come validated field by field as registration validates them (CandidateImportRowForm); the
    database's constraints hold the rest. Each candidate and enrolment gets its history row and each enrolment
    its first transition, as a registration does.
    """
    now = timezone.now()
    candidates = bulk_create_with_history(
        [_new_candidate(data=values, by_user=by_user, now=now, consent_purpose=consent_purpose) for values in rows],
        Candidate,
        batch_size=BULK_BATCH_SIZE,
    )
    _enrol(candidates=candidates, cohort=cohort, by_user=by_user, reason=reason)
    return candidates


@entry_point
def candidates_import(*, table, cohort: Cohort, by_user, consent_purpose: str) -> CandidateImport:
    """Import the importable rows of a parsed table in one transaction, all enrolled as registered.

    Consent is recorded for every imported person: the referring municipality collects it with
    the referral, and the adviser confirms that when importing. Inserted in bulk: a few queries per file.
    """
    rows = table.importable_rows
    record = CandidateImport.objects.create(
        uploaded_by=by_user,
        at=timezone.now(),
        file_name=table.file_name[:255],
        cohort=cohort,
        rows_total=len(table.rows),
        rows_imported=len(rows),
        rows_skipped=len(table.rows) - len(rows),
    )
    created = candidates_register.within(
        by_user=by_user,
        rows=[row.values for row in rows],
        cohort=cohort,
        consent_purpose=consent_purpose,
        reason=_("Imported from %(file)s") % {"file": record.file_name},
    )
    through = CandidateImport.candidates.through
    through.objects.bulk_create(
        [through(candidateimport_id=record.pk, candidate_id=candidate.pk) for candidate in created],
        batch_size=BULK_BATCH_SIZE,
    )
    return record


@entry_point
def screening_plan(*, enrolment: Enrolment, starts_at, location: str, adviser, by_user, duration_minutes: int = 45):
    """Plan a screening conversation; a registered enrolment moves to 'screening planned'."""
    # The status in the database decides, not that of a copy the caller may hold from before.
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if current.status not in SCREENABLE:
        raise TransitionNotAllowed(_("Only candidates who are not yet selected can be screened."))
    appointment = ScreeningAppointment.objects.create(
        enrolment=current,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location,
        adviser=adviser,
        created_by=by_user,
    )
    if current.status == EnrolmentStatus.REGISTERED:
        enrolment_transition.within(enrolment=current, to_status=EnrolmentStatus.SCREENING_PLANNED, by_user=by_user)
    return appointment


def enrolment_latest_score_refresh(*, enrolments: QuerySet[Enrolment]) -> None:
    """Keep Enrolment.latest_screening_score: the total score of each enrolment's latest screening (Screening's
    order: the latest day, then the last recorded), None without one. For whatever writes screenings."""
    latest = Screening.objects.filter(enrolment=OuterRef("pk")).order_by("-screened_on", "-pk")
    enrolments.update(latest_screening_score=Subquery(latest.values("total_score")[:1]))


@entry_point
def screening_record(*, enrolment: Enrolment, by_user, barriers_met=(), **scores) -> Screening:
    """Record a screening; the enrolment becomes 'screened' and planned appointments 'held'."""
    enrolment = Enrolment.objects.select_for_update().select_related("candidate").get(pk=enrolment.pk)
    if enrolment.status not in SCREENABLE:
        raise TransitionNotAllowed(_("Only candidates who are not yet selected can be screened."))
    screening = Screening(enrolment=enrolment, adviser=by_user, barriers_met=sorted(set(barriers_met)), **scores)
    screening.full_clean(exclude=["enrolment", "adviser"])
    screening.save()
    if barriers_met:
        _add_barriers(enrolment.candidate, barriers_met)
    # One save per appointment (a handful at most), so that each change is kept in the history.
    for appointment in enrolment.appointments.filter(status=AppointmentStatus.PLANNED):
        appointment.status = AppointmentStatus.HELD
        appointment.save(update_fields=["status"])
    if enrolment.status != EnrolmentStatus.SCREENED:
        enrolment_transition.within(enrolment=enrolment, to_status=EnrolmentStatus.SCREENED, by_user=by_user)
    # After the transition, which saves the enrolment.
    enrolment_latest_score_refresh(enrolments=Enrolment.objects.filter(pk=enrolment.pk))
    screening.refresh_from_db()  # the combined score is computed by the database
    return screening


@entry_point
def reserve_promote(
    *, cohort: Cohort, by_user, reason: str = "", expected: Enrolment | None = None, interest_reconfirmed: bool = False
) -> Enrolment:
    """Select the first candidate of the cohort's reserve list into a free seat.

    expected: the reserve the adviser saw first; refused when the list changed in the meantime. With
    interest_reconfirmed the reserve's renewed interest is recorded too; a refused promotion records nothing.
    """
    locked_cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    first = locked_cohort.enrolments.filter(status=EnrolmentStatus.RESERVE).order_by("reserve_position").first()
    if first is None:
        raise TransitionNotAllowed(_("The reserve list of this cohort is empty."))
    if expected is not None and expected.pk != first.pk:
        raise TransitionNotAllowed(_("The reserve list has changed since the page was opened; check it again."))
    if interest_reconfirmed:
        interest_confirm.within(enrolment=first, by_user=by_user)
    return enrolment_transition.within(
        enrolment=first,
        to_status=EnrolmentStatus.SELECTED,
        by_user=by_user,
        reason=reason or _("Promoted from the reserve list"),
    )


def _close_reserve_gaps(cohort: Cohort) -> None:
    reserves = list(cohort.enrolments.filter(status=EnrolmentStatus.RESERVE).order_by("reserve_position"))
    moving = [
        (index, enrolment) for index, enrolment in enumerate(reserves, start=1) if enrolment.reserve_position != index
    ]
    # Two passes: the unique (cohort, position) constraint must hold after every single update. The parking
    # pass is no change worth keeping; the second pass saves, so the history holds each new position once.
    offset = len(reserves) + 1000
    for index, enrolment in moving:
        Enrolment.objects.filter(pk=enrolment.pk).update(reserve_position=offset + index)
    for index, enrolment in moving:
        enrolment.reserve_position = index
        enrolment.save(update_fields=["reserve_position"])


@entry_point
def interest_confirm(*, enrolment: Enrolment, by_user, on_date: date | None = None) -> Enrolment:
    """Record that a reserve still wants to take part (reserve lists go stale)."""
    enrolment.interest_confirmed_on = on_date or timezone.localdate()
    enrolment.save(update_fields=["interest_confirmed_on", "updated_at"])
    EnrolmentTransition.objects.create(
        enrolment=enrolment,
        from_status=enrolment.status,
        to_status=enrolment.status,
        by_user=by_user,
        at=timezone.now(),
        reason=_("Interest reconfirmed"),
    )
    return enrolment


@entry_point
def enrolments_carry_over(*, enrolments, to_cohort: Cohort, by_user) -> list[Enrolment]:
    """Carry candidates who were not selected or on reserve to another cohort, as registered."""
    carried = []
    for enrolment in enrolments:
        if enrolment.status not in CARRY_OVER:
            raise TransitionNotAllowed(
                _("%(name)s is not on the reserve list or not selected.") % {"name": enrolment.candidate}
            )
        if Enrolment.objects.filter(candidate_id=enrolment.candidate_id, cohort=to_cohort).exists():
            continue
        carried.append(
            enrolment_create.within(
                candidate=enrolment.candidate,
                cohort=to_cohort,
                by_user=by_user,
                reason=_("Carried over from %(cohort)s") % {"cohort": enrolment.cohort},
            )
        )
    return carried


@entry_point
def caseload_reassign(*, candidates, to_adviser, by_user, reason: str = "") -> int:
    """Hand candidates over to another adviser, each change kept for the timeline."""
    now = timezone.now()
    changes = []
    for candidate in candidates:
        if candidate.adviser_id == to_adviser.pk:
            continue
        changes.append(
            AdviserChange(
                candidate=candidate,
                from_adviser_id=candidate.adviser_id,
                to_adviser=to_adviser,
                by_user=by_user,
                at=now,
                reason=reason,
            )
        )
    AdviserChange.objects.bulk_create(changes)
    # Fresh rows, so that the history keeps the candidates as they are, with only the adviser changed.
    handed_over = list(Candidate.objects.filter(pk__in=[change.candidate_id for change in changes]))
    for candidate in handed_over:
        candidate.adviser, candidate.updated_at = to_adviser, now
    bulk_update_with_history(handed_over, Candidate, ["adviser", "updated_at"])
    return len(changes)


@entry_point
def note_add(*, candidate: Candidate, by_user, text: str) -> Note:
    refuse_if_anonymised(candidate)
    if not text.strip():
        raise TransitionNotAllowed(_("A note cannot be empty."))
    return Note.objects.create(candidate=candidate, author=by_user, text=text.strip())


@entry_point
def screening_cancel(*, appointment: ScreeningAppointment, by_user) -> ScreeningAppointment:
    """Cancel a planned screening appointment; without another one planned, the enrolment is registered again."""
    # The enrolment is locked before its appointments, in the order screening_record takes them, so a
    # cancellation and a recording at the same moment wait for each other instead of deadlocking.
    enrolment = Enrolment.objects.select_for_update().get(pk=appointment.enrolment_id)
    locked = ScreeningAppointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.status != AppointmentStatus.PLANNED:
        raise TransitionNotAllowed(_("Only a planned appointment can be cancelled."))
    locked.status = AppointmentStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    still_planned = enrolment.appointments.filter(status=AppointmentStatus.PLANNED).exists()
    if enrolment.status == EnrolmentStatus.SCREENING_PLANNED and not still_planned:
        enrolment_transition.within(
            enrolment=enrolment,
            to_status=EnrolmentStatus.REGISTERED,
            by_user=by_user,
            reason=_("Screening appointment cancelled"),
        )
    return locked
