"""The start page of each role (core.roles.START_PAGES): what needs doing today, each block one query.

A start page shows a part of every app, so these stand on top of the layers (pyproject.toml,
[tool.importlinter]); their addresses stay in the sections of the site (config/urls.py).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import CharField, Count, Func, IntegerField, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from candidates.completeness import Requirement, missing_requirements
from candidates.models import Candidate, name_fields
from candidates.progress_selectors import (
    attendance_flag_enrolments,
    attendance_flags_of,
    certificates_expiring,
    evaluation_due_items,
    evaluations_due_enrolments,
    followups_due,
)
from candidates.selectors import (
    adviser_record_gaps,
    adviser_stage_counts,
    adviser_stale_reserves,
    adviser_starting_cohorts,
    adviser_week_appointments,
    with_seat_counts,
)
from core.paginator import counted_page
from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from core.rows import pk_url
from employers.models import Placement
from employers.selectors import adviser_declined_placements, adviser_overdue_proposals, adviser_waiting_placements
from pilots.selectors import COHORT_TABLE_FIELDS, cohort_list, pilot_cards, setup_regions
from reports.selectors import recent_report_jobs

RECORD_GAPS_SHOWN = 10
# Certificates are listed this many days before they expire.
CERTIFICATES_EXPIRING_DAYS = 90


def url_or_none(name: str, *args, query: dict | None = None) -> str | None:
    """The URL of a page that may not exist in this version yet; without it the page shows text, not a dead link."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


@dataclass(frozen=True)
class RecordGaps:
    candidate: Candidate
    missing: list[Requirement]


def record_gaps(candidates: Iterable[Candidate]) -> list[RecordGaps]:
    """The missing requirements of each candidate shown (candidates.selectors.adviser_record_gaps picks and
    counts them in the database), most gaps first; the sort is stable, so candidates with as many gaps keep the
    order of their names.
    """
    gaps = [RecordGaps(candidate, missing) for candidate in candidates if (missing := missing_requirements(candidate))]
    return sorted(gaps, key=lambda gap: len(gap.missing), reverse=True)


# Each list of the adviser's start page shows its first this many rows and says how many more there are, so that
# the page stays the size of a day's work however large the caseload grows.
START_LIST_SHOWN = 20


def first_rows(rows: QuerySet, limit: int = START_LIST_SHOWN, *, narrow: bool = False) -> tuple[list[Any], int]:
    """The first `limit` rows of a list and how many more there are, in one query (core.paginator.counted_page):
    the rows past the limit are never read.

    Narrow: the list's first ids and its length are found in its own table (a subquery for the ids, a count beside
    the rows shown), and only the rows shown are joined to what they show, where counted_page joins every row of
    the list before it counts. For a list whose conditions are all on its own table and that has many rows (this
    week's screenings of every adviser are read to find one adviser's); where the conditions join other tables,
    reading them twice costs more than it saves.
    """
    if not narrow:
        page = counted_page(rows, 1, limit)
        return list(page.object_list), page.paginator.count - len(page)
    plain = rows.select_related(None)
    length = plain.order_by().annotate(list_length=Func("pk", function="COUNT", output_field=IntegerField()))
    shown = list(
        rows.filter(pk__in=plain.values("pk")[:limit]).annotate(list_length=Subquery(length.values("list_length")))
    )
    return shown, (shown[0].list_length - len(shown) if shown else 0)


def showing(rows: QuerySet, related: tuple[str, ...], fields: tuple[str, ...]) -> QuerySet:
    """The rows of a list with what the template shows of them and nothing more: the related rows named (in place
    of what the selector joins) and only the fields named. A start page shows many lists; every column left out
    is one the database does not carry through the list's sort and Python neither compiles nor reads."""
    return rows.select_related(None).select_related(*related).only(*fields)


# What the rows of the lists of placements show: the fields the template reads, so that the query that fetches them
# stays narrow.
PLACEMENT_FIELDS = (
    *name_fields("enrolment__candidate"),
    "enrolment__cohort__name",
    "employer__organisation__name",
    "location__name",
    "status_changed_at",
    "created_at",
    "reminder_sent_at",
    "decline_reason",
    "answer_note",
)


@dataclass(frozen=True)
class PlacementLists:
    """The start page's lists of placements: of each, its first rows and how many more there are."""

    waiting: tuple[list[Any], int]
    overdue: tuple[list[Any], int]
    declined: tuple[list[Any], int]


def adviser_placements(*, user, limit: int = START_LIST_SHOWN) -> PlacementLists:
    """The start page's three lists of placements (waiting for the host, proposals without an answer, declined),
    in two queries. Each list's selector says which placements belong in it and in which order; each list gives
    its first `limit` rows, numbered and counted in the database (a row number and a count over the list), and
    the three are read as one UNION ALL of their ids only; then the rows shown, at most `limit` of each list, are
    fetched with what they show. Joining every placement of the lists to its candidate, cohort and employer
    before the cut to `limit` would cost more than the second query. A placement in two lists shows in both.
    """
    now = timezone.now()
    lists = {
        "waiting": adviser_waiting_placements(user=user),
        "overdue": adviser_overdue_proposals(user=user, now=now),
        "declined": adviser_declined_placements(user=user, now=now),
    }
    parts = []
    for name, selected in lists.items():
        ordering: list[Any] = list(selected.query.order_by)  # the selector's order, as the rows' numbering
        parts.append(
            selected.annotate(
                list_name=Value(name, output_field=CharField()),
                list_total=Window(Count("pk")),
                list_rank=Window(RowNumber(), order_by=ordering),
            )
            # A filter on the row number rather than a LIMIT, which SQLite does not take inside a UNION.
            .filter(list_rank__lte=limit)
            .order_by()
            .values_list("pk", "list_name", "list_total", "list_rank")
        )
    # Unordered: the parts are numbered already, and the model's default order would be one more sort.
    picked = sorted(parts[0].union(*parts[1:], all=True).order_by(), key=lambda row: row[3])
    placements = (
        Placement.objects.filter(pk__in={pk for pk, *_ in picked})
        .select_related("enrolment__candidate", "enrolment__cohort", "employer__organisation", "location")
        .only(*PLACEMENT_FIELDS)
        .annotate(waiting_since=Coalesce("status_changed_at", "created_at"))
        .order_by()
        if picked
        else Placement.objects.none()
    )
    by_pk = {placement.pk: placement for placement in placements}
    rows: dict[str, list[Any]] = {name: [] for name in lists}
    totals = dict.fromkeys(lists, 0)
    for pk, name, total, _rank in picked:
        totals[name] = total
        if pk in by_pk:  # not deleted between the two queries
            rows[name].append(by_pk[pk])
    return PlacementLists(**{name: (shown, totals[name] - len(shown)) for name, shown in rows.items()})


def pk_url_or_none(name: str) -> Callable[[int], str | None]:
    """url_or_none(name, pk) for the rows of a list: the address reversed once (core.rows.pk_url)."""
    try:
        return pk_url(name)
    except NoReverseMatch:
        return lambda pk: None


@role_required(Role.ADVISER, Role.ADMINISTRATOR)
def adviser_start(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()

    # Each kind of link reversed once, not once per row.
    list_url = url_or_none("candidates:candidate-list")
    stages = [
        (stage, f"{list_url}?{urlencode({'adviser': user.pk, 'status': stage.status})}" if list_url else None)
        for stage in adviser_stage_counts(user=user)
    ]
    week, appointments_not_shown = first_rows(
        showing(
            adviser_week_appointments(user=user, today=today),
            ("enrolment__candidate", "enrolment__cohort"),
            ("starts_at", "location", *name_fields("enrolment__candidate"), "enrolment__cohort__name"),
        ),
        narrow=True,
    )
    ics_url = pk_url_or_none("candidates:appointment-ics")
    appointments = [(appointment, ics_url(appointment.pk)) for appointment in week]
    placement_lists = adviser_placements(user=user)
    waiting, placements_not_shown = placement_lists.waiting
    overdue_proposals, overdue_not_shown = placement_lists.overdue
    declined, declined_not_shown = placement_lists.declined
    placements = [(placement, (today - timezone.localdate(placement.waiting_since)).days) for placement in waiting]
    overdue = [
        (placement, (today - timezone.localdate(placement.status_changed_at)).days) for placement in overdue_proposals
    ]
    gap_rows, gap_count = adviser_record_gaps(user=user, limit=RECORD_GAPS_SHOWN)
    gaps = record_gaps(gap_rows)
    edit_url = pk_url_or_none("candidates:candidate-edit")
    stale_reserves, stale_reserves_not_shown = first_rows(
        showing(
            adviser_stale_reserves(user=user, today=today),
            ("candidate", "cohort"),
            ("reserve_position", "interest_confirmed_on", *name_fields("candidate"), "cohort__name"),
        )
    )
    followups, followups_not_shown = first_rows(
        showing(
            followups_due(user=user, today=today),
            ("outcome__enrolment__candidate", "outcome__enrolment__cohort"),
            ("months", "due_on", *name_fields("outcome__enrolment__candidate"), "outcome__enrolment__cohort__name"),
        )
    )
    flag_rows, flags_not_shown = first_rows(
        showing(
            attendance_flag_enrolments(user=user, today=today),
            ("candidate", "cohort"),
            (*name_fields("candidate"), "cohort__name"),
        )
    )
    certificates, certificates_not_shown = first_rows(
        showing(
            certificates_expiring(user=user, within_days=CERTIFICATES_EXPIRING_DAYS, today=today),
            ("enrolment__candidate", "enrolment__cohort"),
            ("name", "number", "expires_on", *name_fields("enrolment__candidate"), "enrolment__cohort__name"),
        )
    )
    starting_cohorts = showing(
        adviser_starting_cohorts(user=user, today=today), ("pilot",), ("name", "start_date", "seats", "pilot__name")
    )
    return render(
        request,
        "candidates/adviser_start.html",
        {
            "stages": stages,
            "enrolment_count": sum(stage.count for stage, _url in stages),
            "appointments": appointments,
            "appointments_not_shown": appointments_not_shown,
            "placements": placements,
            "placements_not_shown": placements_not_shown,
            "declined": declined,
            "declined_not_shown": declined_not_shown,
            "overdue": overdue,
            "overdue_not_shown": overdue_not_shown,
            "starting_cohorts": starting_cohorts,
            "stale_reserves": stale_reserves,
            "stale_reserves_not_shown": stale_reserves_not_shown,
            "gaps": [(gap, edit_url(gap.candidate.pk)) for gap in gaps],
            "gap_count": gap_count,
            "gaps_not_shown": max(gap_count - RECORD_GAPS_SHOWN, 0),
            "followups_due": followups,
            "followups_not_shown": followups_not_shown,
            "attendance_flags": attendance_flags_of(flag_rows),
            "attendance_flags_not_shown": flags_not_shown,
            "expiring_certificates": certificates,
            "certificates_not_shown": certificates_not_shown,
            "attendance_threshold": settings.ATTENDANCE_THRESHOLD_PERCENT,
            "attendance_window_days": settings.ATTENDANCE_WINDOW_DAYS,
        },
    )


PILOTS_PER_PAGE = 25
# The cohorts on the start page: of the pilots on the page shown, the latest this many by start date; each pilot's
# page lists all of its cohorts.
COHORTS_SHOWN = 25


@role_required(Role.COORDINATOR, Role.ADMINISTRATOR)
def coordinator_start(request: AuthenticatedRequest) -> HttpResponse:
    # A page of pilots at a time, so that the page does not grow with a region's pilots; in name order, so that the
    # pages do not shift between requests.
    pilot_page = counted_page(
        pilot_cards(user=request.user).order_by("name", "pk"), request.GET.get("page"), PILOTS_PER_PAGE
    )
    # The latest cohorts and one more, to know whether there are more; shown the other way round, in the order of
    # cohort_list.
    latest = list(
        with_seat_counts(
            cohort_list(user=request.user).filter(pilot__in=[pilot.pk for pilot in pilot_page.object_list])
        )
        .select_related(None)
        .select_related("pilot")
        .only(*COHORT_TABLE_FIELDS)
        .order_by("-start_date", "-pilot__name", "-name", "-pk")[: COHORTS_SHOWN + 1]
    )
    return render(
        request,
        "pilots/coordinator_start.html",
        {
            "pilots": pilot_page.object_list,
            "pilot_page": pilot_page,
            "can_set_up": setup_regions(user=request.user).exists(),
            "cohorts": latest[:COHORTS_SHOWN][::-1],
            "more_cohorts": len(latest) > COHORTS_SHOWN,
            "recent_reports": recent_report_jobs(user=request.user),
        },
    )


# The trainer's start page shows a page of each list at a time, so that it does not grow with the cohorts a
# college teaches in: the evaluations due oldest first, the cohorts latest first.
EVALUATIONS_DUE_PER_PAGE = 20
TRAINER_COHORTS_PER_PAGE = 25


@role_required(Role.TRAINING_PARTNER, Role.ADMINISTRATOR)
def training_start(request: AuthenticatedRequest) -> HttpResponse:
    due_page = counted_page(
        showing(
            evaluations_due_enrolments(user=request.user),
            ("candidate", "cohort"),
            ("ended_on", *name_fields("candidate"), "cohort__name"),
        ),
        request.GET.get("due_page"),
        EVALUATIONS_DUE_PER_PAGE,
    )
    cohort_page = counted_page(
        showing(with_seat_counts(cohort_list(user=request.user)), ("pilot",), COHORT_TABLE_FIELDS).order_by(
            "-start_date", "pilot__name", "name", "pk"
        ),
        request.GET.get("page"),
        TRAINER_COHORTS_PER_PAGE,
    )
    return render(
        request,
        "pilots/training_start.html",
        {
            "cohorts": cohort_page.object_list,
            "cohort_page": cohort_page,
            "evaluations_due": evaluation_due_items(due_page.object_list),
            "due_page": due_page,
        },
    )
