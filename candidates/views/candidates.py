from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from core.permissions import role_required
from core.roles import Role

from ..selectors import candidate_list, enrolment_list


@role_required(Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER, Role.ADMINISTRATOR)
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(candidate_list(user=request.user), pk=pk)
    enrolments = enrolment_list(user=request.user).filter(candidate=candidate).prefetch_related("transitions__by_user")
    return render(
        request,
        "candidates/candidate_detail.html",
        {"candidate": candidate, "enrolments": enrolments, "barriers": candidate.barriers.all()},
    )
