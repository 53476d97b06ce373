"""Reads of the employer side. An employer contact only ever sees their own organisation."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from math import ceil
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.lifecycle import IN_PLAY, SCREENABLE, status_in
from candidates.models import (
    Attendance,
    AttendanceKind,
    AttendanceStatus,
    Candidate,
    Enrolment,
    Outcome,
    Weekday,
    joined_name,
    name_fields,
)
from candidates.progress_selectors import cohort_rhythm
from candidates.selectors import advised_by
from candidates.timeline import (
    UNTOLD_FIELDS,
    TimelineEvent,
    TimelineSource,
    candidate_sources,
    change_source,
    known_users,
    label,
    timeline_read,
)
from core.models import User
from core.paginator import counted_page
from core.roles import Role
from pilots.models import Cohort, Organisation, Pilot, PilotPartner, ReferenceKind, TrackWeekday
from pilots.selectors import pilot_list, with_reference_label

from .lifecycle import (
    EVER_CONFIRMED,
    OPEN,
    PLACE_HOLDING,
    PLACEMENT_LIFECYCLE,
    PROPOSABLE_ENROLMENT_STATUSES,
    places_left,
)
from .models import (
    ContractOffer,
    ContractOfferStatus,
    DeclineReason,
    Employer,
    EndReason,
    JointVacancy,
    Placement,
    PlacementStatus,
    PlacementTransition,
    SeatOffer,
    SeatOfferChange,
    VacancyApplication,
)
from .workdays import latest_start_due_by

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# Declined proposals stay on the adviser's start page this long, unless the candidate was proposed anew.
DECLINED_VISIBLE_DAYS = 30


def employer_for_user(*, user) -> Employer | None:
    if user.organisation_id is None:
        return None
    return Employer.objects.filter(organisation_id=user.organisation_id).select_related("organisation").first()


def _active_contacts() -> QuerySet[User]:
    return get_user_model().objects.filter(is_active=True, groups__name=Role.EMPLOYER_CONTACT.value)


def employer_contacts(*, employer: Employer) -> QuerySet[User]:
    """The people who log in for the employer: active users of its organisation with the employer contact role."""
    return _active_contacts().filter(organisation_id=employer.organisation_id).order_by("last_name", "first_name", "pk")


def placement_list(*, user) -> QuerySet[Placement]:
    placements = Placement.objects.select_related(
        "enrolment__candidate", "enrolment__cohort__pilot", "employer__organisation", "location"
    )
    if user.role == Role.ADMINISTRATOR:
        return placements
    if user.role == Role.EMPLOYER_CONTACT:
        return placements.filter(employer__organisation_id=user.organisation_id)
    if user.role in (Role.ADVISER, Role.COORDINATOR):
        return placements.filter(enrolment__cohort__pilot__in=pilot_list(user=user))
    return placements.none()


def seat_offer_list(*, user) -> QuerySet[SeatOffer]:
    offers = SeatOffer.objects.select_related("employer__organisation", "cohort__pilot", "location")
    if user.role == Role.ADMINISTRATOR:
        return offers
    if user.role == Role.EMPLOYER_CONTACT:
        return offers.filter(employer__organisation_id=user.organisation_id)
    if user.role in (Role.ADVISER, Role.COORDINATOR):
        return offers.filter(cohort__pilot__in=pilot_list(user=user))
    return offers.none()


def vacancy_list(*, user) -> QuerySet[JointVacancy]:
    """Joint vacancies the user may see: an employer contact those their employer takes part in."""
    vacancies = JointVacancy.objects.select_related("cohort__pilot")
    if user.role == Role.ADMINISTRATOR:
        return vacancies
    if user.role == Role.EMPLOYER_CONTACT:
        if user.organisation_id is None:
            return vacancies.none()
        return vacancies.filter(employers__organisation_id=user.organisation_id).distinct()
    if user.role in (Role.ADVISER, Role.COORDINATOR):
        return vacancies.filter(cohort__pilot__in=pilot_list(user=user))
    return vacancies.none()


def contract_offer_list(*, user) -> QuerySet[ContractOffer]:
    offers = ContractOffer.objects.select_related(
        "enrolment__candidate", "enrolment__cohort__pilot", "employer__organisation", "placement"
    )
    if user.role == Role.ADMINISTRATOR:
        return offers
    if user.role == Role.EMPLOYER_CONTACT:
        return offers.filter(employer__organisation_id=user.organisation_id)
    if user.role in (Role.ADVISER, Role.COORDINATOR):
        return offers.filter(enrolment__cohort__pilot__in=pilot_list(user=user))
    return offers.none()


@dataclass(frozen=True)
class EmployerPlaces:
    """How far an employer's offered places for one cohort are taken."""

    employer: Employer
    offered: int
    proposed: int  # open proposals, not yet answered
    confirmed: int  # confirmed or active placements
    contracts: int  # accepted contract offers

    @property
    def remaining(self) -> int:
        """Places still free for a new proposal: open proposals count, since the host may confirm them."""
        return places_left(offered=self.offered, taking=self.proposed + self.confirmed)


def count_per_employer(queryset: QuerySet, *, total=None) -> Coalesce:
    """A correlated subquery counting (or summing) the rows of one employer; 0 when there are none."""
    values = queryset.filter(employer_id=OuterRef("pk")).order_by().values("employer_id")
    aggregate = values.annotate(result=total if total is not None else Count("pk")).values("result")
    return Coalesce(Subquery(aggregate, output_field=IntegerField()), 0)


def _employers_with_places(employers: QuerySet[Employer], *, cohort_id: int) -> list[EmployerPlaces]:
    rows = employers.select_related("organisation").annotate(
        places_offered=count_per_employer(SeatOffer.objects.filter(cohort_id=cohort_id), total=Sum("places")),
        places_proposed=count_per_employer(
            Placement.objects.filter(enrolment__cohort_id=cohort_id, status=PlacementStatus.PROPOSED)
        ),
        places_confirmed=count_per_employer(
            Placement.objects.filter(enrolment__cohort_id=cohort_id, status__in=PLACE_HOLDING)
        ),
        contracts_accepted=count_per_employer(
            ContractOffer.objects.filter(enrolment__cohort_id=cohort_id, status=ContractOfferStatus.ACCEPTED)
        ),
    )
    return [
        EmployerPlaces(
            employer=row,
            offered=row.places_offered,
            proposed=row.places_proposed,
            confirmed=row.places_confirmed,
            contracts=row.contracts_accepted,
        )
        for row in rows.order_by("organisation__name", "pk")
    ]


def cohort_places(*, cohort: Cohort) -> list[EmployerPlaces]:
    """Per employer involved in the cohort: places offered, proposed, confirmed and contracts. One query.

    An employer is involved when it offered places, has an open proposal or placement, or made an
    accepted contract offer in the cohort.
    """
    involved = (
        Q(pk__in=SeatOffer.objects.filter(cohort=cohort).values("employer_id"))
        | Q(pk__in=Placement.objects.filter(enrolment__cohort=cohort, status__in=OPEN).values("employer_id"))
        | Q(
            pk__in=ContractOffer.objects.filter(enrolment__cohort=cohort, status=ContractOfferStatus.ACCEPTED).values(
                "employer_id"
            )
        )
    )
    return _employers_with_places(Employer.objects.filter(involved), cohort_id=cohort.pk)


@dataclass(frozen=True)
class VacancyDistribution:
    employers: list[EmployerPlaces]
    # Selected applicants who have no open proposal or placement anywhere yet.
    unplaced: list[VacancyApplication]


def vacancy_distribution(*, vacancy: JointVacancy) -> VacancyDistribution:
    """Where the vacancy's selected applicants can still go: places per participating employer, and who is left."""
    employers = _employers_with_places(vacancy.employers.all(), cohort_id=vacancy.cohort_id)
    open_placement = Placement.objects.filter(enrolment_id=OuterRef("enrolment_id"), status__in=OPEN)
    unplaced = (
        vacancy.applications.filter(enrolment__status__in=PROPOSABLE_ENROLMENT_STATUSES)
        .exclude(Exists(open_placement))
        .select_related("enrolment__candidate")
        .order_by("enrolment__candidate__last_name", "enrolment__candidate__first_name", "pk")
    )
    return VacancyDistribution(employers=employers, unplaced=list(unplaced))


def overdue_proposal_list(*, now: datetime | None = None) -> QuerySet[Placement]:
    """Proposals still unanswered after PLACEMENT_REMINDER_WORKING_DAYS working days.

    Counted in whole local days: a proposal made on a Friday is overdue from the next Friday on.
    """
    now = now or timezone.now()
    cutoff = latest_start_due_by(timezone.localdate(now), settings.PLACEMENT_REMINDER_WORKING_DAYS)
    boundary = datetime.combine(cutoff + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())
    return Placement.objects.filter(status=PlacementStatus.PROPOSED, status_changed_at__lt=boundary)


def reminder_due_list(*, now: datetime | None = None) -> QuerySet[Placement]:
    """Overdue proposals not reminded yet whose employer has someone to read the reminder."""
    contacts = _active_contacts().filter(organisation_id=OuterRef("employer__organisation_id"))
    return overdue_proposal_list(now=now).filter(reminder_sent_at__isnull=True).filter(Exists(contacts))


def adviser_overdue_proposals(*, user, now: datetime | None = None) -> QuerySet[Placement]:
    """Overdue proposals of the adviser's own candidates, oldest first, for the start page."""
    return (
        overdue_proposal_list(now=now)
        .filter(advised_by(user, candidate="enrolment__candidate_id"))
        .select_related("enrolment__candidate", "enrolment__cohort", "employer__organisation")
        .order_by("status_changed_at", "pk")
    )


def adviser_declined_placements(*, user, now: datetime | None = None) -> QuerySet[Placement]:
    """Proposals declined in the last 30 days for the adviser's candidates, newest first, with the reason.

    A decline leaves the list once the candidate is proposed anew (an open placement made after the
    decline); an open proposal that was already running elsewhere keeps it visible, since the adviser
    has not acted on this decline yet.
    """
    now = now or timezone.now()
    newer_open = Placement.objects.filter(
        enrolment_id=OuterRef("enrolment_id"),
        status__in=OPEN,
        created_at__gt=OuterRef("status_changed_at"),
    )
    return (
        Placement.objects.filter(
            advised_by(user, candidate="enrolment__candidate_id"),
            status=PlacementStatus.DECLINED,
            status_changed_at__gte=now - timedelta(days=DECLINED_VISIBLE_DAYS),
        )
        .exclude(Exists(newer_open))
        .select_related("enrolment__candidate", "enrolment__cohort", "employer__organisation", "answered_by")
        .order_by("-status_changed_at", "-pk")
    )


class WaitingSince(TypedDict):
    waiting_since: datetime


def adviser_waiting_placements(*, user) -> "QuerySet[WithAnnotations[Placement, WaitingSince]]":
    """Proposals the adviser made, or made for their candidates, that the employer has not answered yet.

    Annotated with waiting_since: when the proposal was made (its last status change).
    """
    return (
        placement_list(user=user)
        .filter(status=PlacementStatus.PROPOSED)
        .filter(Q(proposed_by=user) | Q(advised_by(user, candidate="enrolment__candidate_id")))
        .annotate(waiting_since=Coalesce("status_changed_at", "created_at"))
        .order_by("waiting_since", "pk")
    )


# --- The candidate's page: the placements beside the enrolments ------------------------------------------------

# What the timeline does not list from a placement's history: bookkeeping, and what another event already tells
# (a status change, an answer of the employer).
_UNTOLD_PLACEMENT_FIELDS = UNTOLD_FIELDS | {
    "enrolment",
    "employer",
    "proposed_by",
    "status",
    "status_changed_at",
    "notified_at",
    "reminder_sent_at",
    "answered_at",
    "answered_by",
    "answer_note",
    "decline_reason",
    "end_reason",
    "ended_on",
}


def _placement_title(row) -> str:
    employer = row["employer"]
    if not row["text_1"]:
        return _("Proposed to %(employer)s") % {"employer": employer}
    return _("Placement at %(employer)s: %(from)s → %(to)s") % {
        "employer": employer,
        "from": label(PlacementTransition, "from_status", row["text_1"]),
        "to": label(PlacementTransition, "to_status", row["text_2"]),
    }


def placement_sources(
    *, candidate: Candidate, user=None, placement_ids: Collection[int] | None = None
) -> list[TimelineSource]:
    """The candidate's placements as timeline sources: each status change and each edit.

    With a user, only the placements that user may see (placement_list): none for a training partner. A caller
    that has read them already passes their ids (`placement_ids`), as candidate_sources takes the enrolments'.
    """
    placements: QuerySet[Placement] | list[int]
    if placement_ids is not None:
        # The ids themselves, a plain IN list (see candidate_sources).
        placements = list(placement_ids)
    elif user is None:
        placements = Placement.objects.filter(enrolment__candidate=candidate)
    else:
        placements = placement_list(user=user).filter(enrolment__candidate=candidate)
    transitions = TimelineSource(
        kind="placement",
        rows=PlacementTransition.objects.filter(placement__in=placements),
        columns={
            "at": F("at"),
            # The transitions' own order (Meta.ordering): the newest placement first, then as they were recorded.
            "tie_break": -F("placement_id"),
            "tie_break_2": F("pk"),
            "by_id": F("by_user_id"),
            "employer": F("placement__employer__organisation__name"),
            "text_1": F("from_status"),
            "text_2": F("to_status"),
            "text_3": F("reason"),
        },
        tell=lambda row, users: TimelineEvent(
            at=row["at"],
            kind="placement",
            title=_placement_title(row),
            detail=row["text_3"],
            by=users.get(row["by_id"]),
        ),
    )
    changes = change_source(
        Placement,
        Placement.history.filter(id__in=placements),
        _UNTOLD_PLACEMENT_FIELDS,
        lambda row, fields: (
            _("Placement at %(employer)s changed: %(fields)s") % {"employer": row["employer"], "fields": fields}
        ),
        employer=F("employer__organisation__name"),
    )
    return [transitions, changes]


def candidate_timeline(
    *,
    candidate: Candidate,
    user=None,
    limit: int | None = None,
    enrolments: Iterable[Enrolment] | None = None,
) -> list[TimelineEvent]:
    """Everything that happened to a candidate, newest first (at most `limit` events), in two queries: what the
    candidates app records (candidates.timeline) and the placements, read together. Read here, above candidates,
    because it tells the placements too.

    With a user, only what that user may see: the enrolments and placements of their pilots, and the notes only
    for the roles that work with them. The candidate's page has read those enrolments with their placements
    (`enrolments`, placements prefetched through placement_list): the query names them by id then.
    """
    enrolment_ids = placement_ids = None
    if enrolments is not None:
        enrolments = list(enrolments)
        enrolment_ids = [enrolment.pk for enrolment in enrolments]
        placement_ids = [placement.pk for enrolment in enrolments for placement in enrolment.placements.all()]
    return timeline_read(
        [
            *candidate_sources(candidate=candidate, user=user, enrolment_ids=enrolment_ids),
            *placement_sources(candidate=candidate, user=user, placement_ids=placement_ids),
        ],
        limit=limit,
        known_users=known_users(candidate=candidate, user=user),
    )


def enrolment_hosts(*, enrolment: Enrolment) -> QuerySet[Employer]:
    """The hosts of the enrolment's placements, leaving out those that declined the candidate: who a contract at
    the host can name as the outcome."""
    # One filter() call, so the enrolment and the status apply to the same placement.
    return (
        Employer.objects.filter(
            placements__enrolment=enrolment,
            placements__status__in=sorted(EVER_CONFIRMED | OPEN),
        )
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name")
    )


# --- The employer contact's pages --------------------------------------------------------------------------
#
# Host employers see a candidate only through the dataclasses below, never through the Candidate model: a
# template cannot reach a benefit type, barriers, screening or coaching notes, the status-holder flag, the date
# of birth or the address when it is never handed a row that has them. The adviser's motivation stays out as
# well, since it may mention them (see notifications.py).

# Placements that may lead to a contract offer the host has not recorded yet.
CONTRACT_PROSPECT_END_REASONS = frozenset({EndReason.COMPLETED})


def employer_placements(*, user) -> QuerySet[Placement]:
    """The placements of the user's own organisation; the one scope of every employer page, whatever the role."""
    if user.organisation_id is None:
        return Placement.objects.none()
    return placement_list(user=user).filter(employer__organisation_id=user.organisation_id)


def employer_seat_offers(*, user) -> QuerySet[SeatOffer]:
    if user.organisation_id is None:
        return SeatOffer.objects.none()
    return seat_offer_list(user=user).filter(employer__organisation_id=user.organisation_id)


def employer_contract_offers(*, user) -> QuerySet[ContractOffer]:
    if user.organisation_id is None:
        return ContractOffer.objects.none()
    return contract_offer_list(user=user).filter(employer__organisation_id=user.organisation_id)


def employer_cohorts(*, user, open_on: date | None = None) -> QuerySet[Cohort]:
    """Cohorts the user's organisation hosts for: of pilots it is a partner in, or where it offers places or hosts.

    pilots.selectors.cohort_list only knows the partnerships, while an adviser may propose a candidate to an
    employer that is not (yet) registered as a partner; its seat offers must still find their cohort. With
    `open_on`, only open cohorts that have not ended by that day: places are offered for a track still to run.
    """
    organisation_id = user.organisation_id
    if organisation_id is None:
        return Cohort.objects.none()
    cohorts = Cohort.objects.filter(
        Q(pilot__in=PilotPartner.objects.filter(organisation_id=organisation_id).values("pilot_id"))
        | Q(pk__in=SeatOffer.objects.filter(employer__organisation_id=organisation_id).values("cohort_id"))
        | Q(pk__in=Placement.objects.filter(employer__organisation_id=organisation_id).values("enrolment__cohort_id"))
    )
    if open_on is not None:
        cohorts = cohorts.open().filter(end_date__gte=open_on)
    return cohorts.select_related("pilot").order_by("start_date", "pilot__name", "name", "pk")


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value else ""


def _proposed_at_of(status: str, status_changed_at: datetime | None, created_at: datetime) -> datetime:
    # While proposed, the last status change is the proposal (the reminders count from it too).
    if status == PlacementStatus.PROPOSED and status_changed_at is not None:
        return status_changed_at
    return created_at


def _proposed_at(placement: Placement) -> datetime:
    return _proposed_at_of(placement.status, placement.status_changed_at, placement.created_at)


def _days_waiting_of(status: str, status_changed_at: datetime | None, created_at: datetime, today: date) -> int | None:
    if status != PlacementStatus.PROPOSED:
        return None
    return max((today - timezone.localdate(_proposed_at_of(status, status_changed_at, created_at))).days, 0)


def _days_waiting(placement: Placement, today: date) -> int | None:
    return _days_waiting_of(placement.status, placement.status_changed_at, placement.created_at, today)


# Lazy labels: each is translated where it is shown.
_WEEKDAY_LABELS = dict(TrackWeekday.choices)


def _internship_weekdays(cohort: Cohort) -> tuple[str, ...]:
    return tuple(str(_WEEKDAY_LABELS[code]) for code in cohort_rhythm(cohort).internship if code in _WEEKDAY_LABELS)


@dataclass(frozen=True)
class HostPlacementRow:
    """One placement in an employer's lists: who, in which cohort, where and when."""

    pk: int
    enrolment_id: int
    candidate_name: str
    pilot_name: str
    cohort_name: str
    location: str
    status: str
    status_label: str
    days_per_week: int | None
    weekdays: tuple[str, ...]  # the cohort's internship days
    start_date: date | None
    end_date: date | None
    ended_on: date | None
    days_waiting: int | None  # only while proposed

    @property
    def awaiting_start(self) -> bool:
        """Confirmed, but not marked as started yet."""
        return self.status == PlacementStatus.CONFIRMED


def _row(placement: Placement, *, today: date) -> HostPlacementRow:
    cohort = placement.enrolment.cohort
    return HostPlacementRow(
        pk=placement.pk,
        enrolment_id=placement.enrolment_id,
        candidate_name=placement.enrolment.candidate.full_name,
        pilot_name=cohort.pilot.name,
        cohort_name=cohort.name,
        location=placement.location.name if placement.location else "",
        status=placement.status,
        # The label of the enum rather than get_status_display(), which hashes the lazy choices for every row.
        status_label=_label(PlacementStatus, placement.status),
        days_per_week=placement.days_per_week,
        weekdays=_internship_weekdays(cohort),
        start_date=placement.start_date,
        end_date=placement.end_date,
        ended_on=placement.ended_on,
        days_waiting=_days_waiting(placement, today),
    )


@dataclass(frozen=True)
class HostAttendanceMark:
    day: date
    status: str
    label: str


@dataclass(frozen=True)
class HostContractOffer:
    """A contract offer as its employer sees it."""

    pk: int
    placement_id: int | None
    candidate_name: str
    cohort_name: str
    kind_label: str
    hours_per_week: int
    start_date: date
    contract_type_label: str
    duration_months: int | None
    status: str
    status_label: str
    recorded_at: datetime
    answered_at: datetime | None

    @property
    def is_open(self) -> bool:
        """The candidate has not answered yet: the employer may still withdraw it or record the answer."""
        return self.status == ContractOfferStatus.OFFERED

    @property
    def is_accepted(self) -> bool:
        return self.status == ContractOfferStatus.ACCEPTED


def _offer_view(offer: ContractOffer) -> HostContractOffer:
    return HostContractOffer(
        pk=offer.pk,
        placement_id=offer.placement_id,
        candidate_name=offer.enrolment.candidate.full_name,
        cohort_name=offer.enrolment.cohort.name,
        kind_label=offer.get_kind_display(),
        hours_per_week=offer.hours_per_week,
        start_date=offer.start_date,
        contract_type_label=offer.get_contract_type_display(),
        duration_months=offer.duration_months,
        status=offer.status,
        status_label=offer.get_status_display(),
        recorded_at=offer.created_at,
        answered_at=offer.answered_at,
    )


@dataclass(frozen=True)
class HostView:
    """A placement and its candidate as the host employer may see them, and nothing more.

    E-mail and phone are filled only once the host has confirmed; before, the host decides on the
    language levels, the availability and the proposal itself.
    """

    pk: int
    enrolment_id: int
    status: str
    status_label: str
    kind_label: str
    # The candidate
    candidate_name: str
    email: str
    phone: str
    language_levels: tuple[tuple[str, str], ...]  # (skill, level) pairs; the level is "" when not assessed
    available_days: tuple[str, ...]
    available_from: date | None
    hours_available: int | None
    # The proposal
    pilot_name: str
    cohort_name: str
    cohort_start: date
    cohort_end: date
    location: str
    supervisor_name: str
    days_per_week: int | None
    weekdays: tuple[str, ...]
    start_date: date | None
    end_date: date | None
    proposed_at: datetime
    days_waiting: int | None
    # The answer and the end
    answered_at: datetime | None
    decline_reason_label: str
    answer_note: str
    end_reason_label: str
    ended_on: date | None
    # Since the confirmation
    attendance: tuple[HostAttendanceMark, ...]
    attendance_present: int
    contract_offers: tuple[HostContractOffer, ...]

    @property
    def contact_shared(self) -> bool:
        return self.status in EVER_CONFIRMED

    @property
    def is_active(self) -> bool:
        return self.status == PlacementStatus.ACTIVE

    @property
    def can_answer(self) -> bool:
        return PLACEMENT_LIFECYCLE.is_allowed(self.status, PlacementStatus.CONFIRMED)

    @property
    def can_start(self) -> bool:
        return self.status == PlacementStatus.CONFIRMED

    @property
    def can_end(self) -> bool:
        return PLACEMENT_LIFECYCLE.is_allowed(self.status, PlacementStatus.ENDED)

    @property
    def can_offer_contract(self) -> bool:
        """The host has or had the candidate and no offer of it is open or accepted."""
        taken = {ContractOfferStatus.OFFERED, ContractOfferStatus.ACCEPTED}
        return self.contact_shared and not any(offer.status in taken for offer in self.contract_offers)


def _verbose_name(field_name: str) -> str:
    field = Candidate._meta.get_field(field_name)
    return str(getattr(field, "verbose_name", field_name))


def _host_attendance(placement: Placement) -> tuple[HostAttendanceMark, ...]:
    """The marks of the internship days while the candidate was with this host: from the start to the end."""
    since = placement.start_date
    if since is None and placement.answered_at is not None:
        since = timezone.localdate(placement.answered_at)
    marks = Attendance.objects.filter(enrolment_id=placement.enrolment_id, session__kind=AttendanceKind.INTERNSHIP)
    if since is not None:
        marks = marks.filter(session__date__gte=since)
    if placement.ended_on is not None:
        marks = marks.filter(session__date__lte=placement.ended_on)
    rows = marks.order_by("-session__date", "-pk").values_list("session__date", "status")
    return tuple(
        HostAttendanceMark(day=day, status=status, label=_label(AttendanceStatus, status)) for day, status in rows
    )


def placement_for_employer(*, user, pk: int, today: date | None = None) -> HostView | None:
    """The placement `pk` of the user's own organisation as a HostView; None when it is not theirs."""
    placement = employer_placements(user=user).filter(pk=pk).first()
    if placement is None:
        return None
    today = today or timezone.localdate()
    candidate = placement.enrolment.candidate
    cohort = placement.enrolment.cohort
    confirmed = placement.status in EVER_CONFIRMED
    weekday_labels = dict(Weekday.choices)
    offers: tuple[HostContractOffer, ...] = ()
    attendance: tuple[HostAttendanceMark, ...] = ()
    if confirmed:
        attendance = _host_attendance(placement)
        offers = tuple(
            _offer_view(offer)
            for offer in employer_contract_offers(user=user)
            .filter(enrolment_id=placement.enrolment_id)
            .order_by("-created_at", "-pk")
        )
    return HostView(
        pk=placement.pk,
        enrolment_id=placement.enrolment_id,
        status=placement.status,
        status_label=placement.get_status_display(),
        kind_label=placement.get_kind_display(),
        candidate_name=candidate.full_name,
        email=candidate.email if confirmed else "",
        phone=candidate.phone if confirmed else "",
        language_levels=tuple(
            (_verbose_name(f"{skill}_level"), getattr(candidate, f"{skill}_level"))
            for skill in ("speaking", "listening", "reading", "writing")
        ),
        available_days=tuple(
            str(weekday_labels[code]) for code in (candidate.available_days or []) if code in weekday_labels
        ),
        available_from=candidate.available_from,
        hours_available=candidate.hours_per_week,
        pilot_name=cohort.pilot.name,
        cohort_name=cohort.name,
        cohort_start=cohort.start_date,
        cohort_end=cohort.end_date,
        location=str(placement.location) if placement.location else "",
        supervisor_name=placement.supervisor_name,
        days_per_week=placement.days_per_week,
        weekdays=_internship_weekdays(cohort),
        start_date=placement.start_date,
        end_date=placement.end_date,
        proposed_at=_proposed_at(placement),
        days_waiting=_days_waiting(placement, today),
        answered_at=placement.answered_at,
        decline_reason_label=_label(DeclineReason, placement.decline_reason),
        answer_note=placement.answer_note,
        end_reason_label=_label(EndReason, placement.end_reason),
        ended_on=placement.ended_on,
        attendance=attendance,
        attendance_present=sum(1 for mark in attendance if mark.status == AttendanceStatus.PRESENT),
        contract_offers=offers,
    )


def employer_contract_prospects(*, user) -> QuerySet[Placement]:
    """Interns the employer may still record a contract offer for.

    An active placement, or one completed as planned, of a candidate without an outcome yet, for whom this
    employer has recorded no offer at all (an offer declined or withdrawn was an answer too).
    """
    recorded = ContractOffer.objects.filter(enrolment_id=OuterRef("enrolment_id"), employer_id=OuterRef("employer_id"))
    return (
        employer_placements(user=user)
        .filter(
            Q(status=PlacementStatus.ACTIVE)
            | Q(status=PlacementStatus.ENDED, end_reason__in=sorted(CONTRACT_PROSPECT_END_REASONS))
        )
        .exclude(Exists(recorded))
        .exclude(Exists(Outcome.objects.filter(enrolment_id=OuterRef("enrolment_id"))))
        .order_by("end_date", "ended_on", "pk")
    )


@dataclass(frozen=True)
class CohortPlaces:
    """The places an employer offers one cohort, per location, against the placements that take them."""

    cohort: Cohort
    offers: tuple[SeatOffer, ...]
    offered: int
    proposed: int  # waiting for the employer's answer
    confirmed: int  # confirmed or active

    @property
    def free(self) -> int:
        """Places still free: the offer less the proposals and placements that take a place (employers.lifecycle)."""
        return places_left(offered=self.offered, taking=self.proposed + self.confirmed)


def employer_place_cohorts(*, user, open_on: date | None = None) -> QuerySet[Cohort]:
    """The cohorts the user's organisation offers places for or has open placements in, in the order of their
    start; with `open_on`, only those that have not ended by that day."""
    offers = employer_seat_offers(user=user)
    placements = employer_placements(user=user).filter(status__in=OPEN)
    cohorts = Cohort.objects.filter(
        Q(pk__in=offers.values("cohort_id")) | Q(pk__in=placements.values("enrolment__cohort_id"))
    )
    if open_on is not None:
        cohorts = cohorts.filter(end_date__gte=open_on)
    return cohorts.select_related("pilot").order_by("start_date", "pilot__name", "name", "pk")


def cohort_places_of(*, user, cohorts: Iterable[Cohort], with_offers: bool = True) -> list[CohortPlaces]:
    """Per given cohort (of employer_place_cohorts), in their order: what the user's organisation offers, and its
    proposed and confirmed placements. Two queries, for these cohorts only. Without `with_offers`, only the number
    of places offered is read, not the offers themselves (`offers` stays empty)."""
    cohorts = list(cohorts)
    offers = employer_seat_offers(user=user).filter(cohort__in=cohorts)
    per_cohort: dict[int, list[SeatOffer]] = {}
    offered: dict[int, int] = {}
    if with_offers:
        for offer in offers.order_by("cohort_id", "location__name", "pk"):
            per_cohort.setdefault(offer.cohort_id, []).append(offer)
            offered[offer.cohort_id] = offered.get(offer.cohort_id, 0) + offer.places
    else:
        offered = dict(
            offers.order_by().values("cohort_id").annotate(places=Sum("places")).values_list("cohort_id", "places")
        )
    counts = (
        employer_placements(user=user)
        .filter(status__in=OPEN, enrolment__cohort__in=cohorts)
        .order_by()
        .values("enrolment__cohort_id")
        .annotate(
            proposed=Count("pk", filter=Q(status=PlacementStatus.PROPOSED)),
            confirmed=Count("pk", filter=Q(status__in=PLACE_HOLDING)),
        )
    )
    by_cohort = {row["enrolment__cohort_id"]: (row["proposed"], row["confirmed"]) for row in counts}
    return [
        CohortPlaces(
            cohort=cohort,
            offers=tuple(per_cohort.get(cohort.pk, ())),
            offered=offered.get(cohort.pk, 0),
            proposed=by_cohort.get(cohort.pk, (0, 0))[0],
            confirmed=by_cohort.get(cohort.pk, (0, 0))[1],
        )
        for cohort in cohorts
    ]


def employer_cohort_places(*, user, open_on: date | None = None) -> list[CohortPlaces]:
    """Per cohort the user's organisation offers places for or hosts in: offered, proposed and confirmed, in the
    order of the cohorts' start; a cohort with placements but no places offered (yet) is shown too, so the gap is
    visible. Three queries. With `open_on`, only cohorts that have not ended by that day.
    """
    return cohort_places_of(user=user, cohorts=employer_place_cohorts(user=user, open_on=open_on))


# The rows of each list on the employer's start page, a page at a time, so that a large host's page does not grow
# with its interns.
OVERVIEW_PER_PAGE = 25
# The cohorts of the start page's table of places, the first to start first; the seat offers page lists them all.
PLACES_SHOWN = 20


@dataclass(frozen=True)
class EmployerOverview:
    """What the employer's start page asks: answer proposals, follow interns, fill places, record offers.

    The three lists of placements are pages (of HostPlacementRow) with their paginator, which holds the total."""

    employer: Employer | None
    proposals: Page
    interns: Page
    places: list[CohortPlaces]  # the first PLACES_SHOWN cohorts
    places_not_shown: int
    contract_prospects: Page


# What a host's row (_row_of) reads of a placement and its candidate, cohort, pilot and location.
_ROW_FIELDS = (
    "pk",
    "enrolment_id",
    "status",
    "status_changed_at",
    "created_at",
    "days_per_week",
    "start_date",
    "end_date",
    "ended_on",
    *name_fields("enrolment__candidate"),
    "enrolment__cohort_id",
    "enrolment__cohort__name",
    "enrolment__cohort__internship_weekdays",
    "enrolment__cohort__school_weekdays",
    "enrolment__cohort__pilot__name",
    "enrolment__cohort__pilot__internship_days_per_week",
    "enrolment__cohort__pilot__school_days_per_week",
    "location__name",
)


def _row_of(values: dict, *, today: date, weekdays: dict[int, tuple[str, ...]]) -> HostPlacementRow:
    """_row for a placement read as values (_ROW_FIELDS): the rows only show values, so no model is built but one
    unsaved cohort per cohort for its rhythm (`weekdays` keeps them by the cohort's id)."""
    cohort_id = values["enrolment__cohort_id"]
    if cohort_id not in weekdays:
        pilot = Pilot(
            name=values["enrolment__cohort__pilot__name"],
            internship_days_per_week=values["enrolment__cohort__pilot__internship_days_per_week"],
            school_days_per_week=values["enrolment__cohort__pilot__school_days_per_week"],
        )
        cohort = Cohort(
            pk=cohort_id,
            pilot=pilot,
            internship_weekdays=values["enrolment__cohort__internship_weekdays"],
            school_weekdays=values["enrolment__cohort__school_weekdays"],
        )
        weekdays[cohort_id] = _internship_weekdays(cohort)
    status = values["status"]
    return HostPlacementRow(
        pk=values["pk"],
        enrolment_id=values["enrolment_id"],
        candidate_name=joined_name(values[field] for field in name_fields("enrolment__candidate")),
        pilot_name=values["enrolment__cohort__pilot__name"],
        cohort_name=values["enrolment__cohort__name"],
        location=values["location__name"] or "",
        status=status,
        status_label=_label(PlacementStatus, status),
        days_per_week=values["days_per_week"],
        weekdays=weekdays[cohort_id],
        start_date=values["start_date"],
        end_date=values["end_date"],
        ended_on=values["ended_on"],
        days_waiting=_days_waiting_of(status, values["status_changed_at"], values["created_at"], today),
    )


def _row_page(placements: QuerySet[Placement], number, *, today: date) -> Page:
    """One page of the placements as the rows a host may see, with the list's total, in one query however long the
    list. The lists filter and sort on the placement's own columns, so the page's ids and the list's length are
    chosen from those alone (two subqueries), and only the page's rows are joined to their candidate, cohort, pilot
    and location, read as values. A number that is no number gives the first page; one past the end, the last (as
    core.paginator.counted_page does)."""
    try:
        wanted = max(int(str(number)), 1)
    except ValueError:
        wanted = 1
    narrow = placements.select_related(None)
    # COUNT as a plain function: as an aggregate, values() would group the count by the row.
    length = Subquery(narrow.order_by().values(n=Func(F("pk"), function="COUNT")), output_field=IntegerField())

    def read(page_number: int) -> list[dict]:
        ids = narrow.values("pk")[(page_number - 1) * OVERVIEW_PER_PAGE : page_number * OVERVIEW_PER_PAGE]
        return list(
            Placement.objects.filter(pk__in=ids)
            .annotate(list_length=length)
            .order_by(*placements.query.order_by)
            .values(*_ROW_FIELDS, "list_length")
        )

    found = read(wanted)
    count = found[0]["list_length"] if found else 0
    if not found and wanted > 1:
        count = narrow.count()
        wanted = max(ceil(count / OVERVIEW_PER_PAGE), 1)
        found = read(wanted)
    paginator = Paginator(placements, OVERVIEW_PER_PAGE)
    paginator.count = count  # known already  # type: ignore[misc]  # a cached_property set by hand
    weekdays: dict[int, tuple[str, ...]] = {}
    return Page([_row_of(values, today=today, weekdays=weekdays) for values in found], wanted, paginator)


def employer_overview(*, user, today: date | None = None, pages: dict | None = None) -> EmployerOverview:
    """The employer's start page; `pages` holds the page number asked for each list, by the list's name
    (proposals, interns, contract_prospects); the first page by default."""
    today = today or timezone.localdate()
    pages = pages or {}
    placements = employer_placements(user=user)
    proposals = placements.filter(status=PlacementStatus.PROPOSED).order_by("status_changed_at", "pk")
    interns = placements.filter(status__in=PLACE_HOLDING).order_by(
        F("end_date").asc(nulls_last=True), "start_date", "pk"
    )
    # The cohorts of the places table, the first few with how many there are; the seat offers page lists them all.
    place_cohorts = counted_page(employer_place_cohorts(user=user, open_on=today), 1, PLACES_SHOWN)
    return EmployerOverview(
        employer=employer_for_user(user=user),
        proposals=_row_page(proposals, pages.get("proposals"), today=today),
        interns=_row_page(interns, pages.get("interns"), today=today),
        places=cohort_places_of(user=user, cohorts=list(place_cohorts), with_offers=False),
        places_not_shown=place_cohorts.paginator.count - len(place_cohorts),
        contract_prospects=_row_page(
            employer_contract_prospects(user=user), pages.get("contract_prospects"), today=today
        ),
    )


def employer_contract_offer_views(*, user) -> list[HostContractOffer]:
    """The organisation's contract offers, open ones first, then the newest."""
    offers = employer_contract_offers(user=user).order_by("-created_at", "-pk")
    views = [_offer_view(offer) for offer in offers]
    return sorted(views, key=lambda offer: not offer.is_open)


def employer_contract_placement(*, user, enrolment_id: int) -> Placement | None:
    """The latest placement of the enrolment the user's organisation has or had: what a contract offer follows."""
    return (
        employer_placements(user=user)
        .filter(enrolment_id=enrolment_id, status__in=EVER_CONFIRMED)
        .order_by("-status_changed_at", "-pk")
        .first()
    )


def employer_placement_row(placement: Placement, *, today: date | None = None) -> HostPlacementRow:
    """A placement the view already scoped, as the row a template may show."""
    return _row(placement, today=today or timezone.localdate())


# --- The coordinator's set-up of cohorts and hosts ---------------------------------------------------------------


@dataclass(frozen=True)
class CloseBlockers:
    """Why a cohort cannot close yet: candidates selected or on its track, and registrations without a decision."""

    on_track: int
    undecided: int

    def __bool__(self) -> bool:
        return bool(self.on_track or self.undecided)


def cohort_close_blockers(*, cohort: Cohort) -> CloseBlockers:
    """The candidates that keep a cohort open (employers.services.cohort_close): IN_PLAY and SCREENABLE. One query."""
    counts = Enrolment.objects.filter(cohort_id=cohort.pk).aggregate(
        on_track=Count("pk", filter=status_in(IN_PLAY)), undecided=Count("pk", filter=status_in(SCREENABLE))
    )
    return CloseBlockers(on_track=counts["on_track"], undecided=counts["undecided"])


def pilot_hosts(*, pilot: Pilot) -> QuerySet[Employer]:
    """The host employers of a pilot: its partners that are employers, and the employers that offered places for one
    of its cohorts; with their locations and the label of their sector (`sector_label`)."""
    hosts = (
        Employer.objects.filter(
            Q(organisation_id__in=PilotPartner.objects.filter(pilot=pilot).values("organisation_id"))
            | Q(pk__in=SeatOffer.objects.filter(cohort__pilot=pilot).values("employer_id"))
        )
        .select_related("organisation")
        .prefetch_related("locations")
        .order_by("organisation__name", "pk")
    )
    return with_reference_label(hosts, field="sector", kind=ReferenceKind.SECTOR, name="sector_label")


def host_candidates(*, pilot: Pilot) -> QuerySet[Employer]:
    """Registered employers a coordinator can add as hosts of the pilot: of its region (or without one), not yet
    hosts."""
    return (
        Employer.objects.filter(Q(organisation__region_id=pilot.region_id) | Q(organisation__region__isnull=True))
        .exclude(pk__in=pilot_hosts(pilot=pilot).values("pk"))
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )


def host_organisations(*, pilot: Pilot) -> QuerySet[Organisation]:
    """Organisations of the pilot's region (or without one) that are no host employer yet: each can become one."""
    return (
        Organisation.objects.filter(Q(region_id=pilot.region_id) | Q(region__isnull=True))
        .filter(employer__isnull=True)
        .order_by("name", "pk")
    )


def host_seat_offers(*, pilot: Pilot, employer: Employer) -> QuerySet[SeatOffer]:
    """The host's seat offers for the pilot's cohorts, each with its changes (newest first) and who made them."""
    changes = SeatOfferChange.objects.select_related("by_user").order_by("-at", "-pk")
    return (
        SeatOffer.objects.filter(employer=employer, cohort__pilot=pilot)
        .select_related("cohort", "location")
        .prefetch_related(Prefetch("changes", queryset=changes))
        .order_by("cohort__start_date", "cohort__name", "location__name", "pk")
    )
