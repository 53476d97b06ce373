"""The pipeline board of a pilot: a column per life-cycle stage, cards that move along allowed steps."""

from collections.abc import Iterable

from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from core.rows import pk_url, text
from pilots.models import ReferenceKind
from pilots.selectors import pilot_list, reference_choices

from ..lifecycle import REASON_REQUIRED, SCREENABLE
from ..models import EnrolmentStatus, Screening
from ..selectors import BOARD_COLUMN_SIZE, BOARD_EXPANDED_SIZE, BoardCard, board_columns
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
    can_move = request.user.role in DECIDERS
    draw = CardDrawer(
        request=request,
        can_move=can_move,
        can_screen=request.user.role in SCREENERS,
        dropout_reasons=reference_choices(kind=ReferenceKind.DROPOUT_REASON) if can_move else [],
    )
    return render(
        request,
        "candidates/board.html",
        {
            "pilot": pilot,
            "cohorts": cohorts,
            "cohort": cohort,
            "columns": columns,
            "drawn_columns": [(column, draw.cards(column.cards)) for column in columns],
            "total": sum(column.count for column in columns),
            "expanded": expanded,
            "column_size": BOARD_COLUMN_SIZE,
            "can_move": can_move,
            "max_score": Screening.MAX_SCORE,
            "reason_required": " ".join(sorted(REASON_REQUIRED)),
            "dropped_out": EnrolmentStatus.DROPPED_OUT.value,
        },
    )


class CardDrawer:
    """Draws the board's cards as HTML in Python rather than through a template include per card: the same markup
    (the card's own move form keeps the board usable without script and with the keyboard), with what the cards
    share (the labels, the CSRF field, the return address, the dropout reasons) escaped and joined once, every value
    through core.rows.text."""

    def __init__(self, *, request, can_move: bool, can_screen: bool, dropout_reasons: list[tuple[str, str]]):
        self.can_move = can_move
        self.can_screen = can_screen
        self.candidate_url = pk_url("candidates:candidate-detail")
        self.plan_url = pk_url("candidates:screening-plan")
        self.record_url = pk_url("candidates:screening-record")
        self.move_url = pk_url("candidates:enrolment-transition")
        self.move_label = text(gettext("Move"))
        self.to_label = text(gettext("To"))
        self.reason_label = text(gettext("Reason"))
        self.dropout_label = text(gettext("Reason for dropping out"))
        self.plan_label = text(gettext("Plan screening"))
        self.record_label = text(gettext("Record screening"))
        self.hidden_fields = ""
        self.dropout_options = ""
        self.options: dict[tuple[tuple[str, str], ...], str] = {}
        if can_move:
            self.hidden_fields = (
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{text(get_token(request))}">\n'
                f'        <input type="hidden" name="next" value="{text(request.get_full_path())}">'
            )
            self.dropout_options = '<option value="">—</option>\n            ' + "".join(
                f'<option value="{text(value)}">{text(label)}</option>' for value, label in dropout_reasons
            )

    def cards(self, cards: Iterable[BoardCard]) -> SafeString:
        # Every value from the data or a translation goes through text() below.
        return mark_safe("\n".join(self.card(card) for card in cards))  # noqa: S308

    def card(self, card: BoardCard) -> str:
        enrolment = card.enrolment
        pk = enrolment.pk
        name = text(enrolment.candidate.full_name)
        hidden_name = f'<span class="visually-hidden"> {name}</span>'
        score = card.score_label
        parts = [
            f'<li class="board-card" data-enrolment="{pk}" data-allowed-targets="{text(card.allowed_values)}">\n'
            f'  <p class="board-card-name"><a href="{self.candidate_url(enrolment.candidate_id)}">{name}</a></p>\n'
            f'  <p class="board-card-meta">\n'
            f"    <span>{text(enrolment.cohort.name)}</span>\n"
            + (f'    <span class="tabular-nums">{text(score)}</span>\n' if score else "")
            + f'    <span class="tabular-nums">{text(card.days_label)}</span>\n'
            f"  </p>\n"
        ]
        if self.can_screen and enrolment.status in SCREENABLE:
            parts.append(
                f'  <p class="board-card-links">\n'
                f'    <a href="{self.plan_url(pk)}">{self.plan_label}{hidden_name}</a>\n'
                f'    <a href="{self.record_url(pk)}">{self.record_label}{hidden_name}</a>\n'
                f"  </p>\n"
            )
        if self.can_move and card.allowed_targets:
            targets = tuple(card.allowed_targets)
            if targets not in self.options:  # the same few sets of steps for every card of a stage
                self.options[targets] = "".join(
                    f'<option value="{text(value)}">{text(label)}</option>' for value, label in targets
                )
            options = self.options[targets]
            dropout = ""
            if any(value == EnrolmentStatus.DROPPED_OUT for value, _label in targets):
                dropout = (
                    f'        <label class="form-label small mb-0" for="dropout-reason-{pk}">'
                    f"{self.dropout_label}</label>\n"
                    f'        <select class="form-select form-select-sm" id="dropout-reason-{pk}" '
                    f'name="dropout_reason">\n'
                    f"            {self.dropout_options}\n"
                    f"        </select>\n"
                )
            parts.append(
                f'  <details class="board-move-details">\n'
                f"    <summary>{self.move_label}{hidden_name}</summary>\n"
                f'    <form method="post" action="{self.move_url(pk)}" class="board-move">\n'
                f"        {self.hidden_fields}\n"
                f'        <label class="form-label small mb-0" for="to-status-{pk}">{self.to_label}</label>\n'
                f'        <select class="form-select form-select-sm" id="to-status-{pk}" name="to_status">\n'
                f"          {options}\n"
                f"        </select>\n"
                f"{dropout}"
                f'        <label class="form-label small mb-0" for="reason-{pk}">{self.reason_label}</label>\n'
                f'        <input type="text" class="form-control form-control-sm" id="reason-{pk}" name="reason" '
                f'maxlength="500">\n'
                f'        <button type="submit" class="btn btn-sm btn-primary mt-1">{self.move_label}</button>\n'
                f"    </form>\n"
                f"  </details>\n"
            )
        parts.append("</li>")
        return "".join(parts)
