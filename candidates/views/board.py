"""The pipeline board of a pilot: a column per life-cycle stage, cards that move along allowed steps."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from pilots.models import ReferenceKind
from pilots.selectors import pilot_list, reference_choices

from ..lifecycle import REASON_REQUIRED, SCREENABLE
from ..models import EnrolmentStatus, Screening
from ..selectors import BOARD_COLUMN_SIZE, BOARD_EXPANDED_SIZE, board_columns
from .screening import SCREENERS
from .selection import DECIDERS

# Training partners follow their participants on the board but do not move them.
BOARD_VIEWERS = (*DECIDERS, Role.TRAINING_PARTNER)


@role_required(*BOARD_VIEWERS)
def pilot_board(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    pilot = get_object_or_404(pilot_list(user=request.user), slug=slug)
    cohorts = list(pilot.cohorts.order_by("start_date", "name"))
    cohort = None
    if request.GET.get("cohort"):
        cohort = next((c for c in cohorts if str(c.pk) == request.GET["cohort"]), None)
        if cohort is None:
            raise Http404
    # "Show all" of one column: its cards a page at a time, the other columns as they are.
    expanded = request.GET.get("column")
    if expanded not in EnrolmentStatus.values:
        expanded = None
    columns = board_columns(
        user=request.user,
        pilot=pilot,
        cohort=cohort,
        expanded=expanded,
        page=request.GET.get("page"),
        column_size=BOARD_COLUMN_SIZE,
        expanded_size=BOARD_EXPANDED_SIZE,
    )
    return render(
        request,
        "candidates/board.html",
        {
            "pilot": pilot,
            "cohorts": cohorts,
            "cohort": cohort,
            "columns": columns,
            "total": sum(column.count for column in columns),
            "expanded": expanded,
            "column_size": BOARD_COLUMN_SIZE,
            "can_move": request.user.role in DECIDERS,
            "can_screen": request.user.role in SCREENERS,
            "screenable": sorted(SCREENABLE),
            "max_score": Screening.MAX_SCORE,
            "dropout_reasons": reference_choices(kind=ReferenceKind.DROPOUT_REASON),
            "reason_required": " ".join(sorted(REASON_REQUIRED)),
            "dropped_out": EnrolmentStatus.DROPPED_OUT.value,
        },
    )
