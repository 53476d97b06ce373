"""The start page of each role (core.roles.START_PAGES): what needs doing today, each block one query.

A start page shows a part of every app, so these stand on top of the layers (pyproject.toml,
[tool.importlinter]); their addresses stay in the sections of the site (config/urls.py).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from candidates.completeness import CHECKED_FIELDS, Requirement, missing_requirements
from candidates.models import Candidate
from candidates.progress_selectors import attendance_flags, certificates_expiring, evaluations_due, followups_due
from candidates.selectors import (
    adviser_caseload,
    adviser_stage_counts,
    adviser_stale_reserves,
    adviser_starting_cohorts,
    adviser_week_appointments,
    with_seat_counts,
)
from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from employers.selectors import adviser_declined_placements, adviser_overdue_proposals, adviser_waiting_placements
from pilots.selectors import cohort_list, pilot_list
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
    """The candidates whose records lack what a selection needs, most gaps first.

    The requirements are rules in Python, so the caseload is read once and checked here; the sort
    is stable, so candidates with as many gaps keep the order of their names.
    """
    gaps = [RecordGaps(candidate, missing) for candidate in candidates if (missing := missing_requirements(candidate))]
    return sorted(gaps, key=lambda gap: len(gap.missing), reverse=True)


@role_required(Role.ADVISER, Role.ADMINISTRATOR)
def adviser_start(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()

    stages = [
        (stage, url_or_none("candidates:candidate-list", query={"adviser": user.pk, "status": stage.status}))
        for stage in adviser_stage_counts(user=user)
    ]
    appointments = [
        (appointment, url_or_none("candidates:appointment-ics", appointment.pk))
        for appointment in adviser_week_appointments(user=user, today=today)
    ]
    placements = [
        (placement, (today - timezone.localdate(placement.waiting_since)).days)
        for placement in adviser_waiting_placements(user=user)
    ]
    overdue = [
        (placement, (today - timezone.localdate(placement.status_changed_at)).days)
        for placement in adviser_overdue_proposals(user=user)
    ]
    caseload = adviser_caseload(user=user).only("first_name", "last_name_prefix", "last_name", *CHECKED_FIELDS)
    gaps = record_gaps(caseload)
    return render(
        request,
        "candidates/adviser_start.html",
        {
            "stages": stages,
            "enrolment_count": sum(stage.count for stage, _url in stages),
            "appointments": appointments,
            "placements": placements,
            "declined": adviser_declined_placements(user=user),
            "overdue": overdue,
            "starting_cohorts": adviser_starting_cohorts(user=user, today=today),
            "stale_reserves": adviser_stale_reserves(user=user, today=today),
            "gaps": [
                (gap, url_or_none("candidates:candidate-edit", gap.candidate.pk)) for gap in gaps[:RECORD_GAPS_SHOWN]
            ],
            "gap_count": len(gaps),
            "gaps_not_shown": max(len(gaps) - RECORD_GAPS_SHOWN, 0),
            "followups_due": followups_due(user=user, today=today),
            "attendance_flags": attendance_flags(user=user, today=today),
            "expiring_certificates": certificates_expiring(
                user=user, within_days=CERTIFICATES_EXPIRING_DAYS, today=today
            ),
            "attendance_threshold": settings.ATTENDANCE_THRESHOLD_PERCENT,
            "attendance_window_days": settings.ATTENDANCE_WINDOW_DAYS,
        },
    )


@role_required(Role.COORDINATOR, Role.ADMINISTRATOR)
def coordinator_start(request: AuthenticatedRequest) -> HttpResponse:
    pilots = pilot_list(user=request.user).annotate(cohort_count=Count("cohorts", distinct=True))
    return render(
        request,
        "pilots/coordinator_start.html",
        {
            "pilots": pilots,
            "cohorts": with_seat_counts(cohort_list(user=request.user)),
            "recent_reports": recent_report_jobs(user=request.user),
        },
    )


@role_required(Role.TRAINING_PARTNER, Role.ADMINISTRATOR)
def training_start(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "pilots/training_start.html",
        {
            "cohorts": with_seat_counts(cohort_list(user=request.user)),
            "evaluations_due": evaluations_due(user=request.user),
        },
    )
