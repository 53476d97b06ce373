"""The page of a pilot, in the pilots section (config/urls.py): its partners, its learning line and its cohorts
with their seats taken. It stands in candidates, not pilots, for the seats taken: which enrolments hold a seat is
the candidates' life cycle."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from pilots.models import PilotStatus, ReferenceKind
from pilots.selectors import COHORT_TABLE_FIELDS, cohort_list, pilot_list, pilot_setup_list, with_reference_label

from ..selectors import with_seat_counts

PILOT_READERS = (Role.COORDINATOR, Role.ADVISER, Role.TRAINING_PARTNER, Role.ADMINISTRATOR)


@role_required(*PILOT_READERS)
def pilot_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    pilot = get_object_or_404(
        with_reference_label(
            pilot_list(user=request.user), field="sector", kind=ReferenceKind.SECTOR, name="sector_label"
        ),
        slug=slug,
    )
    # Coordinators change the pilots of their own regions (and administrators all): the set-up's pages.
    can_change = pilot_setup_list(user=request.user).filter(pk=pilot.pk).exists()
    partnerships = pilot.partnerships.select_related("organisation").order_by("role", "organisation__name")
    modules = pilot.modules.select_related("provider")
    cohorts = (
        with_seat_counts(cohort_list(user=request.user).filter(pilot=pilot))
        .select_related(None)
        .select_related("pilot")
        .only(*COHORT_TABLE_FIELDS)
    )
    return render(
        request,
        "pilots/pilot_detail.html",
        {
            "pilot": pilot,
            "partnerships": partnerships,
            "modules": modules,
            "cohorts": cohorts,
            "can_change": can_change,
            "setting_up": pilot.status == PilotStatus.DESIGN,
        },
    )
