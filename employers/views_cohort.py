"""The page of a cohort, in the pilots section (config/urls.py): its seats taken, its classes and the places per
host employer. It stands here, in the highest app it shows."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from candidates.selectors import with_seat_counts
from candidates.views.pilots import PILOT_READERS
from core.permissions import AuthenticatedRequest, role_required
from pilots.selectors import cohort_list

from .selectors import cohort_places
from .views_adviser import ADVISER_SIDE, places_total


@role_required(*PILOT_READERS)
def cohort_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(with_seat_counts(cohort_list(user=request.user)), pk=pk)
    places = cohort_places(cohort=cohort)
    return render(
        request,
        "pilots/cohort_detail.html",
        {
            "cohort": cohort,
            "classes": cohort.classes.all(),
            "places": places,
            "places_total": places_total(places),
            # A closed cohort takes no new seat offers (pilots.services.cohort_check_open).
            "can_manage_places": request.user.role in ADVISER_SIDE and cohort.closed_at is None,
        },
    )
