from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.permissions import role_required
from core.roles import Role

from .models import PlacementStatus
from .selectors import employer_for_user, placement_list, seat_offer_list


@role_required(Role.EMPLOYER_CONTACT)
def employer_start(request: HttpRequest) -> HttpResponse:
    placements = placement_list(user=request.user)
    return render(
        request,
        "employers/employer_start.html",
        {
            "employer": employer_for_user(user=request.user),
            "proposed": placements.filter(status=PlacementStatus.PROPOSED),
            "current": placements.filter(status__in=[PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE]),
            "seat_offers": seat_offer_list(user=request.user),
        },
    )
