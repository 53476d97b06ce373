from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from candidates.progress_selectors import evaluations_due
from core.permissions import role_required
from core.roles import Role
from employers.selectors import cohort_places
from employers.views_adviser import ADVISER_SIDE, places_total
from reports.selectors import recent_report_jobs

from .selectors import cohort_list, pilot_list

PILOT_READERS = (Role.COORDINATOR, Role.ADVISER, Role.TRAINING_PARTNER, Role.ADMINISTRATOR)


@role_required(Role.COORDINATOR, Role.ADMINISTRATOR)
def coordinator_start(request: HttpRequest) -> HttpResponse:
    pilots = pilot_list(user=request.user).annotate(cohort_count=Count("cohorts", distinct=True))
    return render(
        request,
        "pilots/coordinator_start.html",
        {
            "pilots": pilots,
            "cohorts": cohort_list(user=request.user),
            "recent_reports": recent_report_jobs(user=request.user),
        },
    )


@role_required(Role.TRAINING_PARTNER, Role.ADMINISTRATOR)
def training_start(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pilots/training_start.html",
        {"cohorts": cohort_list(user=request.user), "evaluations_due": evaluations_due(user=request.user)},
    )


@role_required(*PILOT_READERS)
def pilot_detail(request: HttpRequest, slug: str) -> HttpResponse:
    pilot = get_object_or_404(pilot_list(user=request.user), slug=slug)
    partnerships = pilot.partnerships.select_related("organisation").order_by("role", "organisation__name")
    modules = pilot.modules.select_related("provider")
    cohorts = cohort_list(user=request.user).filter(pilot=pilot)
    return render(
        request,
        "pilots/pilot_detail.html",
        {"pilot": pilot, "partnerships": partnerships, "modules": modules, "cohorts": cohorts},
    )


@role_required(*PILOT_READERS)
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(cohort_list(user=request.user), pk=pk)
    places = cohort_places(cohort=cohort)
    return render(
        request,
        "pilots/cohort_detail.html",
        {
            "cohort": cohort,
            "classes": cohort.classes.all(),
            "places": places,
            "places_total": places_total(places),
            "can_manage_places": request.user.role in ADVISER_SIDE,
        },
    )
