from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.permissions import role_required
from core.roles import Role
from pilots.selectors import cohort_list

from ..models import EnrolmentStatus
from ..selectors import candidate_list, enrolment_list


@role_required(Role.ADVISER, Role.ADMINISTRATOR)
def adviser_start(request: HttpRequest) -> HttpResponse:
    rows = enrolment_list(user=request.user).values("status").annotate(n=Count("pk")).order_by("status")
    counts = {row["status"]: row["n"] for row in rows}
    # Every status in the order of the life cycle, zeros included, so the list reads as a funnel.
    status_counts = [(status.label, counts.get(status.value, 0)) for status in EnrolmentStatus]
    # A cohort recruits until it starts.
    recruiting = cohort_list(user=request.user).filter(start_date__gt=timezone.localdate())
    return render(
        request,
        "candidates/adviser_start.html",
        {
            "my_candidate_count": candidate_list(user=request.user).filter(adviser=request.user).count(),
            "status_counts": status_counts,
            "enrolment_count": sum(counts.values()),
            "recruiting_cohorts": recruiting,
        },
    )
