"""Reads of pilots and cohorts, scoped to what the user may see."""

from django.db.models import Count, Q, QuerySet

from candidates.models import SEAT_HOLDING_STATUSES
from core.roles import Role

from .models import Cohort, Pilot


def pilot_list(*, user) -> QuerySet[Pilot]:
    """Pilots the user works on: led by their organisation or with it as a partner.

    Administrators see all; employer contacts see the pilots their organisation takes part in.
    """
    pilots = Pilot.objects.select_related("region", "lead_organisation")
    if user.role == Role.ADMINISTRATOR:
        return pilots
    if user.organisation_id is None:
        return pilots.none()
    return pilots.filter(
        Q(lead_organisation_id=user.organisation_id) | Q(partnerships__organisation_id=user.organisation_id)
    ).distinct()


def cohort_list(*, user) -> QuerySet[Cohort]:
    return (
        Cohort.objects.filter(pilot__in=pilot_list(user=user))
        .select_related("pilot", "pilot__region")
        .annotate(
            enrolment_count=Count("enrolments", distinct=True),
            selected_count=Count(
                "enrolments",
                filter=Q(enrolments__status__in=SEAT_HOLDING_STATUSES),
                distinct=True,
            ),
        )
        .order_by("start_date", "pilot__name", "name")
    )
