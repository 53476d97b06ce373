"""Every write to the employer side. Each function is atomic and records its history."""

import logging
from collections import Counter
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_update_with_history

from candidates.lifecycle import TRACK_OVER, EnrolmentStatus
from candidates.models import Candidate, ContractType, DropoutReason, Enrolment, Outcome, OutcomeKind
from candidates.progress import outflow_record
from candidates.services import enrolment_create
from core.roles import Role
from core.services import entry_point
from core.statemachine import TransitionNotAllowed
from pilots import services as pilot_services
from pilots.models import Cohort, Organisation, PartnerRole, Pilot, PilotPartner, ReferenceItem, ReferenceKind

from . import notifications
from .lifecycle import (
    CLOSED_ON_TRACK_END,
    END_REASON_ON_DROPOUT,
    END_REASON_ON_TRACK_END,
    EVER_CONFIRMED,
    OPEN,
    PLACE_HOLDING,
    PLACE_TAKING,
    PLACEMENT_LIFECYCLE,
    PROPOSABLE_ENROLMENT_STATUSES,
    STARTABLE_ENROLMENT_STATUSES,
)
from .models import (
    ContractOffer,
    ContractOfferStatus,
    ContractTerm,
    DeclineReason,
    Employer,
    EmployerLocation,
    EndReason,
    JointVacancy,
    Placement,
    PlacementStatus,
    PlacementTransition,
    SeatOffer,
    SeatOfferChange,
    VacancyApplication,
)
from .selectors import cohort_close_blockers, employer_contacts, reminder_due_list

logger = logging.getLogger(__name__)

MAX_CONTRACT_HOURS = 40


def places_offered(*, employer: Employer, cohort_id: int) -> int:
    total = SeatOffer.objects.filter(employer=employer, cohort_id=cohort_id).aggregate(total=Sum("places"))["total"]
    return total or 0


def places_taken(*, employer: Employer, cohort_id: int) -> int:
    """The host's places for the cohort that its open placements take (employers.lifecycle.PLACE_TAKING)."""
    return Placement.objects.filter(employer=employer, enrolment__cohort_id=cohort_id, status__in=PLACE_TAKING).count()


def places_confirmed(*, employer: Employer, cohort_id: int) -> int:
    return Placement.objects.filter(employer=employer, enrolment__cohort_id=cohort_id, status__in=PLACE_HOLDING).count()


def _lock_offers(employer_ids, cohort_id: int) -> None:
    # One order for every writer: proposals, distributions, confirmations and changed offers queue up here.
    list(
        SeatOffer.objects.select_for_update()
        .filter(employer_id__in=sorted(employer_ids), cohort_id=cohort_id)
        .order_by("employer_id", "pk")
    )


def check_room(*, employer: Employer, cohort_id: int, adding: int) -> None:
    """The one capacity rule (employers.lifecycle): the host's open placements for the cohort, with `adding` new
    proposals, must fit in the places it offered. Proposing and distributing add; confirming adds none, as the
    placement already takes its place. Call with the host's seat offers locked (_lock_offers)."""
    offered = places_offered(employer=employer, cohort_id=cohort_id)
    taken = places_taken(employer=employer, cohort_id=cohort_id)
    if taken + adding <= offered:
        return
    if adding == 0:
        # Only the host confirms: the message speaks to them and says what they can do instead.
        if offered == 0:
            raise TransitionNotAllowed(
                _(
                    "You have not offered any places for this cohort, so you cannot confirm this proposal. Offer a "
                    "place for this cohort under “Internship places”, or decline this proposal."
                )
            )
        raise TransitionNotAllowed(
            ngettext(
                "The place you offered for this cohort is already taken by another intern or proposal, so you cannot "
                "confirm this proposal. Offer one more place for this cohort under “Internship places”, or decline "
                "this proposal.",
                "All %(offered)s places you offered for this cohort are already taken by other interns and proposals, "
                "so you cannot confirm this proposal. Offer one more place for this cohort under “Internship places”, "
                "or decline this proposal.",
                offered,
            )
            % {"offered": offered}
        )
    if adding == 1:
        raise TransitionNotAllowed(
            _(
                "%(employer)s has no free place for this cohort: its %(offered)s places are taken by proposals and "
                "placements. Ask the host for another place, or choose another host."
            )
            % {"employer": employer, "offered": offered}
        )
    raise TransitionNotAllowed(
        _(
            "%(employer)s offered %(offered)s places and already has %(taken)s candidates proposed or placed; "
            "%(new)s more do not fit. Ask the host for more places, or choose another host."
        )
        % {"employer": employer, "offered": offered, "taken": taken, "new": adding}
    )


def _check_acts_for(by_user, employer: Employer) -> None:
    # An employer contact speaks only for their own organisation; an adviser may record what a host said by phone.
    if getattr(by_user, "role", None) == Role.EMPLOYER_CONTACT and by_user.organisation_id != employer.organisation_id:
        raise TransitionNotAllowed(_("You can only act for your own organisation."))


# --- Seat offers -------------------------------------------------------------------------------------------


@entry_point
def seat_offer_set(
    *, employer: Employer, cohort: Cohort, location: EmployerLocation | None = None, places: int, by_user
) -> SeatOffer:
    """Offer `places` internship places to a cohort, at one location or without one; or change that offer.

    Offers may grow during recruitment; lowering the employer's total for the cohort below the places it
    already confirmed is refused, and so is any offer for a closed cohort. Every change is kept as a SeatOfferChange.
    """
    _check_acts_for(by_user, employer)
    pilot_services.cohort_check_open(cohort)
    if places < 1:
        raise TransitionNotAllowed(_("Offer at least one place."))
    if location is not None and location.employer_id != employer.pk:
        raise TransitionNotAllowed(_("Choose a location of this employer."))
    # The lock proposing and confirming take: they and a lowered offer are served one after the other.
    _lock_offers([employer.pk], cohort.pk)
    offers = list(SeatOffer.objects.filter(employer=employer, cohort=cohort).order_by("pk"))
    location_id = location.pk if location is not None else None
    offer = next((offer for offer in offers if offer.location_id == location_id), None)
    before = offer.places if offer is not None else 0
    if offer is not None and places == before:
        return offer
    total = sum(existing.places for existing in offers) - before + places
    taken = places_taken(employer=employer, cohort_id=cohort.pk)
    if places < before and total < taken:
        raise TransitionNotAllowed(
            _(
                "%(employer)s already has %(taken)s candidates proposed or placed in this cohort; "
                "the offer cannot go down to %(total)s places."
            )
            % {"employer": employer, "taken": taken, "total": total}
        )
    if offer is None:
        offer = SeatOffer.objects.create(employer=employer, cohort=cohort, location=location, places=places)
    else:
        offer.places = places
        offer.save(update_fields=["places", "updated_at"])
    SeatOfferChange.objects.create(
        seat_offer=offer, from_places=before, to_places=places, by_user=by_user, at=timezone.now()
    )
    return offer


# --- Placements --------------------------------------------------------------------------------------------


def _record(placement: Placement, from_status: str, by_user, reason: str, at: datetime) -> None:
    PlacementTransition.objects.create(
        placement=placement, from_status=from_status, to_status=placement.status, by_user=by_user, at=at, reason=reason
    )


@entry_point
def placement_propose(
    *, enrolment: Enrolment, employer: Employer, by_user, notify: bool = True, **details
) -> Placement:
    """Propose a candidate to a host employer; the mail to the employer's contacts is queued with it.

    `details` are the placement's fields: kind, location, supervisor_name, days_per_week, start_date,
    end_date, motivation; without a supervisor, the chosen location's supervisor is the placement's. Needs the
    candidate's recorded consent, a location of this employer, an end date not before the start, an open cohort
    (pilots.services.cohort_check_open) and a free place at the host for the cohort (check_room). `notify=False` is
    for replayed history such as the demo data.
    """
    if not enrolment.candidate.has_consent:
        raise TransitionNotAllowed(_("Record the candidate's consent before proposing a placement."))
    if enrolment.status not in PROPOSABLE_ENROLMENT_STATUSES:
        raise TransitionNotAllowed(_("Only selected or started candidates can be proposed to an employer."))
    pilot_services.cohort_check_open(enrolment.cohort)
    location = details.get("location")
    if location is not None and location.employer_id != employer.pk:
        raise TransitionNotAllowed(_("Choose a location of this employer."))
    if location is not None and not details.get("supervisor_name", "").strip():
        # The location's supervisor coaches the interns there unless the proposal names another.
        details["supervisor_name"] = location.supervisor_name
    start_date, end_date = details.get("start_date"), details.get("end_date")
    if start_date is not None and end_date is not None and end_date < start_date:
        raise TransitionNotAllowed(_("The end date cannot be before the start date."))
    if Placement.objects.filter(enrolment=enrolment, employer=employer, status__in=OPEN).exists():
        raise TransitionNotAllowed(_("This candidate already has an open proposal or placement at this employer."))
    _lock_offers([employer.pk], enrolment.cohort_id)
    check_room(employer=employer, cohort_id=enrolment.cohort_id, adding=1)
    now = timezone.now()
    placement = Placement.objects.create(
        enrolment=enrolment,
        employer=employer,
        status=PlacementStatus.PROPOSED,
        status_changed_at=now,
        proposed_by=by_user,
        **details,
    )
    _record(placement, "", by_user, details.get("motivation", ""), now)
    if notify:
        placement_notify_proposed.within(placement_id=placement.pk)
    return placement


def _structured_reason(code: str, note: str, choices) -> str:
    """The reason code a decline or an end is stored with; a free text alone counts as "other"."""
    code = code or (choices.OTHER if note.strip() else "")
    if not code:
        raise TransitionNotAllowed(_("Give a reason."))
    if code not in choices.values:
        raise TransitionNotAllowed(_("Choose one of the listed reasons."))
    if code == choices.OTHER and not note.strip():
        raise TransitionNotAllowed(_("Describe the reason in the note."))
    return code


@entry_point
def placement_transition(
    *,
    placement: Placement,
    to_status: str,
    by_user,
    reason: str = "",
    decline_reason: str = "",
    end_reason: str = "",
    on_date: date | None = None,
) -> Placement:
    """Move a placement one allowed step; the one place that checks the life cycle.

    Declining and ending need a reason: a code of DeclineReason / EndReason, or a free text (stored as
    "other"). An answer (confirm or decline) records who answered and when; an end records its date
    (`on_date`, today by default). Confirming locks the employer's seat offers for the cohort and applies the one
    capacity rule (check_room), so two contacts confirming the last place at the same moment cannot overbook it.
    Starting needs a candidate on the track.
    """
    locked = (
        Placement.objects.select_for_update(of=("self",)).select_related("enrolment", "employer").get(pk=placement.pk)
    )
    PLACEMENT_LIFECYCLE.check(locked.status, to_status)
    now = timezone.now()
    fields = ["status", "status_changed_at", "updated_at"]
    if to_status == PlacementStatus.DECLINED:
        locked.decline_reason = _structured_reason(decline_reason, reason, DeclineReason)
        fields.append("decline_reason")
    if to_status == PlacementStatus.ENDED:
        locked.end_reason = _structured_reason(end_reason, reason, EndReason)
        locked.ended_on = on_date or timezone.localdate(now)
        fields += ["end_reason", "ended_on"]
    if to_status == PlacementStatus.CONFIRMED:
        _lock_offers([locked.employer_id], locked.enrolment.cohort_id)
        check_room(employer=locked.employer, cohort_id=locked.enrolment.cohort_id, adding=0)
    if to_status == PlacementStatus.ACTIVE and locked.enrolment.status not in STARTABLE_ENROLMENT_STATUSES:
        raise TransitionNotAllowed(
            _("The internship can only start while the candidate follows the track (now: %(status)s).")
            % {"status": locked.enrolment.get_status_display()}
        )
    if locked.status == PlacementStatus.PROPOSED:
        locked.answered_at, locked.answered_by, locked.answer_note = now, by_user, reason.strip()
        fields += ["answered_at", "answered_by", "answer_note"]
    from_status = locked.status
    locked.status = to_status
    locked.status_changed_at = now
    locked.save(update_fields=fields)
    history_reason = reason.strip()
    if not history_reason and to_status == PlacementStatus.DECLINED:
        history_reason = str(DeclineReason(locked.decline_reason).label)
    if not history_reason and to_status == PlacementStatus.ENDED:
        history_reason = str(EndReason(locked.end_reason).label)
    _record(locked, from_status, by_user, history_reason, now)
    return locked


@entry_point
def placement_confirm(*, placement: Placement, by_user, note: str = "") -> Placement:
    """The host takes the candidate: the placement holds one of its offered places for the cohort."""
    _check_acts_for(by_user, placement.employer)
    return placement_transition.within(
        placement=placement, to_status=PlacementStatus.CONFIRMED, by_user=by_user, reason=note
    )


@entry_point
def placement_decline(*, placement: Placement, by_user, reason: str, note: str = "") -> Placement:
    """The host declines with a DeclineReason (and a note, required for "other").

    The candidate returns to the adviser's queue with the reason (adviser_declined_placements).
    """
    _check_acts_for(by_user, placement.employer)
    if not reason:
        raise TransitionNotAllowed(_("Choose a reason for declining."))
    return placement_transition.within(
        placement=placement, to_status=PlacementStatus.DECLINED, by_user=by_user, reason=note, decline_reason=reason
    )


@entry_point
def placement_start(*, placement: Placement, by_user) -> Placement:
    """A confirmed placement starts: the candidate is at work with the host."""
    _check_acts_for(by_user, placement.employer)
    return placement_transition.within(placement=placement, to_status=PlacementStatus.ACTIVE, by_user=by_user)


@entry_point
def placement_end(
    *, placement: Placement, by_user, reason: str, note: str = "", on_date: date | None = None
) -> Placement:
    """End a confirmed or active placement with an EndReason (a note is required for "other").

    Ending frees the candidate to be proposed to another employer.
    """
    _check_acts_for(by_user, placement.employer)
    if not reason:
        raise TransitionNotAllowed(_("Choose a reason for ending the placement."))
    return placement_transition.within(
        placement=placement,
        to_status=PlacementStatus.ENDED,
        by_user=by_user,
        reason=note,
        end_reason=reason,
        on_date=on_date,
    )


@entry_point
def placement_notify_proposed(*, placement_id: int) -> int:
    """Queue the mail to the employer's contacts about a new proposal; returns the number of messages queued.

    Idempotent: the row lock and `notified_at` (and the outbox's key per message and recipient) make a second
    call queue nothing. Nothing is queued for a proposal already answered, or to an employer without an active
    contact (the reminder follows later).
    """
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("enrolment__candidate", "enrolment__cohort__pilot", "employer")
        .filter(pk=placement_id)
        .first()
    )
    if placement is None or placement.notified_at is not None or placement.status != PlacementStatus.PROPOSED:
        return 0
    recipients = list(employer_contacts(employer=placement.employer))
    if not recipients:
        logger.warning(
            "Placement %s: employer %s has no active contact to e-mail.", placement.pk, placement.employer_id
        )
        return 0
    queued = notifications.queue_placement_proposed(placement, recipients=recipients)
    placement.notified_at = timezone.now()
    placement.save(update_fields=["notified_at", "updated_at"])
    return queued


def placements_remind_overdue(*, now: datetime | None = None) -> int:
    """Remind employers, once, of proposals unanswered after PLACEMENT_REMINDER_WORKING_DAYS working days.

    The proposals are claimed (reminder_sent_at) under a row lock and their mail is queued in the same transaction
    (core.outbox): an overlapping or redelivered run finds them claimed, so nobody is reminded twice, and a mail
    that fails is tried again by the outbox. Returns the number of proposals reminded.
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed = list(
            reminder_due_list(now=now)
            .select_for_update(of=("self",))
            .select_related("enrolment__candidate", "enrolment__cohort__pilot", "employer")
            .order_by("pk")
        )
        for placement in claimed:
            placement.reminder_sent_at, placement.updated_at = now, now
            notifications.queue_placement_reminder(placement, recipients=employer_contacts(employer=placement.employer))
        bulk_update_with_history(claimed, Placement, ["reminder_sent_at", "updated_at"])
    return len(claimed)


# --- Joint vacancies ---------------------------------------------------------------------------------------


@entry_point
def vacancy_create(
    *,
    cohort: Cohort,
    title: str,
    published_on: date,
    employers: list[Employer],
    by_user,
    description: str = "",
    closes_on: date | None = None,
) -> JointVacancy:
    """Publish one vacancy for several host employers of a cohort."""
    if not employers:
        raise TransitionNotAllowed(_("Choose the employers this vacancy is for."))
    if closes_on is not None and closes_on < published_on:
        raise TransitionNotAllowed(_("A vacancy cannot close before it is published."))
    vacancy = JointVacancy.objects.create(
        cohort=cohort,
        title=title,
        description=description,
        published_on=published_on,
        closes_on=closes_on,
        created_by=by_user,
    )
    vacancy.employers.set(employers)
    return vacancy


@entry_point
def vacancy_apply(
    *, vacancy: JointVacancy, candidate: Candidate, by_user, applied_on: date | None = None
) -> VacancyApplication:
    """A candidate applies once to a joint vacancy, for all its employers at the same time.

    The application is the candidate's enrolment in the vacancy's cohort; it is registered here when the
    candidate has none yet. A second application to the same vacancy, or one after it closed, is refused.
    """
    applied_on = applied_on or timezone.localdate()
    if vacancy.closes_on is not None and applied_on > vacancy.closes_on:
        raise TransitionNotAllowed(
            _("This vacancy closed on %(date)s.") % {"date": date_format(vacancy.closes_on, "DATE_FORMAT")}
        )
    # One application of a candidate at a time, so a double click cannot register two enrolments.
    Candidate.objects.select_for_update().get(pk=candidate.pk)
    enrolment = Enrolment.objects.filter(candidate=candidate, cohort_id=vacancy.cohort_id).first()
    if enrolment is None:
        enrolment = enrolment_create.within(
            candidate=candidate,
            cohort=vacancy.cohort,
            by_user=by_user,
            reason=_("Applied to the vacancy “%(title)s”") % {"title": vacancy.title},
        )
    elif VacancyApplication.objects.filter(vacancy=vacancy, enrolment=enrolment).exists():
        raise TransitionNotAllowed(_("This candidate already applied to this vacancy."))
    return VacancyApplication.objects.create(
        vacancy=vacancy, enrolment=enrolment, applied_on=applied_on, recorded_by=by_user
    )


@entry_point
def vacancy_distribute(
    *, vacancy: JointVacancy, assignments: list[tuple[Enrolment, Employer]], by_user, **placement_details
) -> list[Placement]:
    """Propose the vacancy's selected applicants to its employers: each (enrolment, employer) pair a proposal.

    All or nothing: refused when an employer does not take part in the vacancy, an enrolment did not
    apply to it, or an employer would get more open proposals and confirmed placements than the places it
    offered for the cohort. `placement_details` (days, dates, kind, motivation) go with every proposal.
    """
    participating = set(vacancy.employers.values_list("pk", flat=True))
    applied = set(vacancy.applications.values_list("enrolment_id", flat=True))
    employers: dict[int, Employer] = {}
    for enrolment, employer in assignments:
        if employer.pk not in participating:
            raise TransitionNotAllowed(_("%(employer)s does not take part in this vacancy.") % {"employer": employer})
        if enrolment.pk not in applied:
            raise TransitionNotAllowed(
                _("%(candidate)s did not apply to this vacancy.") % {"candidate": enrolment.candidate}
            )
        employers[employer.pk] = employer
    # Lock the offers of every employer involved, in one order, so two distributions at once queue up.
    _lock_offers(employers, vacancy.cohort_id)
    new_per_employer = Counter(employer.pk for _enrolment, employer in assignments)
    for employer_id, new in sorted(new_per_employer.items()):
        check_room(employer=employers[employer_id], cohort_id=vacancy.cohort_id, adding=new)
    return [
        placement_propose.within(enrolment=enrolment, employer=employer, by_user=by_user, **placement_details)
        for enrolment, employer in assignments
    ]


# --- Contract offers ---------------------------------------------------------------------------------------


@entry_point
def contract_offer_record(
    *,
    enrolment: Enrolment,
    employer: Employer,
    by_user,
    kind: str,
    hours_per_week: int,
    start_date: date,
    contract_type: str,
    duration_months: int | None = None,
    placement: Placement | None = None,
    note: str = "",
) -> ContractOffer:
    """Record a contract the employer offers the candidate, during or after the track.

    The employer must have or have had the candidate as an intern (a confirmed, active or ended
    placement); without `placement`, the latest such placement is linked. A fixed-term contract needs
    its duration in months.
    """
    _check_acts_for(by_user, employer)
    held = Placement.objects.filter(enrolment=enrolment, employer=employer, status__in=EVER_CONFIRMED)
    if placement is None:
        placement = held.order_by("-status_changed_at", "-pk").first()
        if placement is None:
            raise TransitionNotAllowed(
                _("An employer can only offer a contract to a candidate who has or had a placement there.")
            )
    elif not held.filter(pk=placement.pk).exists():
        raise TransitionNotAllowed(_("Choose a placement of this candidate at this employer."))
    if kind not in ContractType.values or contract_type not in ContractTerm.values:
        raise TransitionNotAllowed(_("Choose the kind and the type of contract."))
    if not 1 <= hours_per_week <= MAX_CONTRACT_HOURS:
        raise TransitionNotAllowed(_("A contract has from 1 to 40 hours a week."))
    if contract_type == ContractTerm.FIXED_TERM and not duration_months:
        raise TransitionNotAllowed(_("A fixed-term contract needs its duration in months."))
    return ContractOffer.objects.create(
        placement=placement,
        enrolment=enrolment,
        employer=employer,
        kind=kind,
        hours_per_week=hours_per_week,
        start_date=start_date,
        contract_type=contract_type,
        duration_months=duration_months,
        status=ContractOfferStatus.OFFERED,
        recorded_by=by_user,
        note=note,
    )


@entry_point
def contract_offer_answer(*, offer: ContractOffer, accepted: bool, by_user) -> ContractOffer:
    """Record the candidate's answer to a contract offer.

    A candidate accepts one offer. When the track is already completed or left, an accepted offer
    becomes the outcome at once (apply_accepted_offer); otherwise it waits for the track to end.
    """
    # Lock order (candidates.lifecycle): the enrolment first, so two offers accepted at the same moment are served
    # one after the other, then the offer.
    enrolment_id = ContractOffer.objects.values_list("enrolment_id", flat=True).get(pk=offer.pk)
    Enrolment.objects.select_for_update().get(pk=enrolment_id)
    locked = ContractOffer.objects.select_for_update(of=("self",)).select_related("employer").get(pk=offer.pk)
    _check_acts_for(by_user, locked.employer)
    if locked.status != ContractOfferStatus.OFFERED:
        raise TransitionNotAllowed(_("This contract offer has already been answered or withdrawn."))
    if (
        accepted
        and ContractOffer.objects.filter(enrolment_id=locked.enrolment_id, status=ContractOfferStatus.ACCEPTED).exists()
    ):
        raise TransitionNotAllowed(_("The candidate already accepted another contract offer."))
    locked.status = ContractOfferStatus.ACCEPTED if accepted else ContractOfferStatus.DECLINED
    locked.answered_at = timezone.now()
    locked.answered_by = by_user
    locked.save(update_fields=["status", "answered_at", "answered_by", "updated_at"])
    if accepted:
        apply_accepted_offer(enrolment=locked.enrolment, by_user=by_user)
    return locked


@entry_point
def contract_offer_withdraw(*, offer: ContractOffer, by_user) -> ContractOffer:
    """The employer takes back an offer the candidate has not answered yet."""
    locked = ContractOffer.objects.select_for_update().select_related("employer").get(pk=offer.pk)
    _check_acts_for(by_user, locked.employer)
    if locked.status != ContractOfferStatus.OFFERED:
        raise TransitionNotAllowed(_("This contract offer has already been answered or withdrawn."))
    locked.status = ContractOfferStatus.WITHDRAWN
    locked.answered_at = timezone.now()
    locked.answered_by = by_user
    locked.save(update_fields=["status", "answered_at", "answered_by", "updated_at"])
    return locked


def apply_accepted_offer(*, enrolment: Enrolment, by_user) -> Outcome | None:
    """Make the enrolment's accepted contract offer its outcome, once the track is completed or left.

    Returns the outcome, or None while the track still runs or when no offer was accepted. Completing the track
    does this (a consequence registered in employers.apps); contract_offer_answer does it for a track already
    over. Calling it twice records the same outcome. Through outflow_record, so the follow-ups are scheduled.
    """
    current = Enrolment.objects.get(pk=enrolment.pk)
    if current.status not in TRACK_OVER:
        return None
    offer = ContractOffer.objects.filter(enrolment=current, status=ContractOfferStatus.ACCEPTED).first()
    if offer is None:
        return None
    # A BBL work-study contract at the host counts as a contract at the host with contract type BBL, not as
    # education: the candidate is employed by the host, and the evaluation names the host employer.
    return outflow_record.within(
        enrolment=current,
        by_user=by_user,
        kind=OutcomeKind.CONTRACT_AT_HOST,
        employer=offer.employer,
        contract_type=ContractType(offer.kind),
        start_date=offer.start_date,
        hours_per_week=offer.hours_per_week,
    )


@entry_point
def accepted_offer_apply(*, enrolment: Enrolment, by_user) -> Outcome | None:
    """The adviser's action: make an accepted offer the outcome of a track that is over (apply_accepted_offer)."""
    return apply_accepted_offer(enrolment=enrolment, by_user=by_user)


# --- Consequences of the enrolment's life cycle ------------------------------------------------------------------


def placements_close_on_track_end(*, enrolment: Enrolment, to_status: str, by_user, on_date: date) -> None:
    """The enrolment left the track (or went back to the reserve list): its open placements close with it, each
    step in the placement's history.

    An unanswered proposal is withdrawn; a confirmed or running placement ends on the day the track ended, with
    the reason of employers.lifecycle.END_REASON_ON_TRACK_END. Called by enrolment_transition with the enrolment
    locked (lock order: enrolment, then placements).
    """
    open_placements = list(
        Placement.objects.select_for_update()
        .filter(enrolment_id=enrolment.pk, status__in=CLOSED_ON_TRACK_END)
        .order_by("pk")
    )
    end_reason = END_REASON_ON_DROPOUT.get(
        enrolment.dropout_reason, END_REASON_ON_TRACK_END[EnrolmentStatus(to_status)]
    )
    note = _("The candidate's enrolment is now “%(status)s”.") % {"status": EnrolmentStatus(to_status).label}
    for placement in open_placements:
        if placement.status == PlacementStatus.PROPOSED:
            placement_transition.within(
                placement=placement, to_status=PlacementStatus.WITHDRAWN, by_user=by_user, reason=note
            )
        else:
            placement_transition.within(
                placement=placement,
                to_status=PlacementStatus.ENDED,
                by_user=by_user,
                reason=note,
                end_reason=end_reason,
                on_date=max(on_date, placement.start_date) if placement.start_date else on_date,
            )


def accepted_offer_on_track_end(*, enrolment: Enrolment, to_status: str, by_user, on_date: date) -> None:
    """A contract offer the candidate accepted becomes the outcome when the track is completed or left (but not
    when they left for another job: that job is the outcome)."""
    if to_status not in TRACK_OVER or enrolment.dropout_reason == DropoutReason.FOUND_WORK:
        return
    apply_accepted_offer(enrolment=enrolment, by_user=by_user)


# --- Setting up cohorts: closing a round and copying it as the next one -----------------------------------------


@entry_point
def cohort_close(*, cohort: Cohort, by_user) -> Cohort:
    """Close the cohort: the round is over. Refused while candidates are still on its track or selected for it
    (candidates.lifecycle.IN_PLAY), or still wait for a selection decision (SCREENABLE); the reserve list and
    those not selected may stay, as they are carried over to a next round.
    """
    # Lock order (candidates.lifecycle): the cohort first, so no one is selected while it closes.
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    blockers = cohort_close_blockers(cohort=locked)
    if blockers:
        reasons = []
        if blockers.on_track:
            reasons.append(
                ngettext(
                    "%(count)s candidate is still selected or on the track.",
                    "%(count)s candidates are still selected or on the track.",
                    blockers.on_track,
                )
                % {"count": blockers.on_track}
            )
        if blockers.undecided:
            reasons.append(
                ngettext(
                    "%(count)s candidate still waits for a selection decision.",
                    "%(count)s candidates still wait for a selection decision.",
                    blockers.undecided,
                )
                % {"count": blockers.undecided}
            )
        raise TransitionNotAllowed(
            _(
                "%(cohort)s cannot be closed yet: %(reasons)s Close it once every candidate has completed or left the "
                "track and every registration has a decision."
            )
            % {"cohort": locked.name, "reasons": " ".join(reasons)}
        )
    return pilot_services.cohort_mark_closed.within(cohort=locked, by_user=by_user)


@entry_point
def cohort_copy_as_next_round(*, cohort: Cohort, name: str, start_date: date, by_user) -> Cohort:
    """Plan the next round of a cohort (groepshulp and WelSlagen run two a year): a copy with its dates moved to
    `start_date`, its classes and learning line (pilots.services.cohort_copy), and the places each host offered,
    entered anew through seat_offer_set so their history names who copied them. No people come along.
    """
    copy = pilot_services.cohort_copy.within(cohort=cohort, name=name, start_date=start_date, by_user=by_user)
    offers = (
        SeatOffer.objects.filter(cohort=cohort).select_related("employer", "location").order_by("employer_id", "pk")
    )
    for offer in offers:
        seat_offer_set.within(
            employer=offer.employer, cohort=copy, location=offer.location, places=offer.places, by_user=by_user
        )
    return copy


# --- Hosts of a pilot: the coordinator's side -------------------------------------------------------------------

LOCATION_FIELDS = ("name", "street", "postcode", "city", "supervisor_name", "supervisor_phone", "supervisor_email")


@entry_point
def pilot_host_add(*, pilot: Pilot, employer: Employer, by_user) -> PilotPartner:
    """Make the employer a host of the pilot: its contacts see the pilot's cohorts and can offer places for them.

    Adding a host twice changes nothing.
    """
    existing = PilotPartner.objects.filter(
        pilot=pilot, organisation_id=employer.organisation_id, role=PartnerRole.HOST_EMPLOYER
    ).first()
    if existing is not None:
        return existing
    return pilot_services.pilot_partner_add.within(
        pilot=pilot, organisation=employer.organisation, role=PartnerRole.HOST_EMPLOYER, by_user=by_user
    )


@entry_point
def pilot_host_create(*, pilot: Pilot, organisation: Organisation, kvk_number: str, sector: str, by_user) -> Employer:
    """Register an existing organisation as a host employer (with its KvK number) and make it a host of the pilot."""
    if Employer.objects.filter(organisation=organisation).exists():
        raise TransitionNotAllowed(
            _("%(organisation)s is already a host employer; choose it from the list of employers.")
            % {"organisation": organisation}
        )
    # A new host takes an active sector of the sector list (the stored value is its code).
    if sector not in ReferenceItem.objects.codes(ReferenceKind.SECTOR):
        raise ValidationError({"sector": _("Choose a sector from the list.")})
    employer = Employer(organisation=organisation, kvk_number=kvk_number, sector=sector)
    employer.full_clean()
    employer.save()
    pilot_host_add.within(pilot=pilot, employer=employer, by_user=by_user)
    return employer


def _set_location(location: EmployerLocation, fields: dict) -> None:
    unknown = set(fields) - set(LOCATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown location fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(location, name, value)
    location.full_clean()
    location.save()


@entry_point
def employer_location_create(*, employer: Employer, by_user, **fields) -> EmployerLocation:
    """Add a location of the host employer, with the supervisor (werkbegeleider) who guides the interns there."""
    _check_acts_for(by_user, employer)
    location = EmployerLocation(employer=employer)
    _set_location(location, fields)
    return location


@entry_point
def employer_location_update(*, location: EmployerLocation, by_user, **fields) -> EmployerLocation:
    """Change a location's address or its supervisor; placements keep the supervisor they were proposed with."""
    _check_acts_for(by_user, location.employer)
    _set_location(location, fields)
    return location
