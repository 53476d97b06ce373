"""Selection views of the intake workspace: rank, select, keep a reserve list, carry candidates over."""

from dataclasses import dataclass
from datetime import date
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from core.paginator import counted_page
from core.permissions import AuthenticatedRequest, role_required
from core.redirects import safe_next
from core.roles import Role
from core.statemachine import TransitionNotAllowed
from pilots.selectors import cohort_list

from ..completeness import (
    CHECKED_FIELDS,
    REQUIREMENTS,
    completeness_percentage,
    group_completeness_counted,
    missing_requirements,
)
from ..forms import CarryOverForm, PromoteForm, TransitionForm
from ..lifecycle import ENROLMENT_LIFECYCLE, REASON_REQUIRED
from ..models import Candidate, Enrolment, EnrolmentStatus, Recommendation, Screening, name_fields
from ..selectors import (
    enrolment_list,
    selection_carry_over_enrolments,
    selection_carry_over_targets,
    selection_interest_is_stale,
    selection_ranking,
    selection_reserve_list,
)
from ..services import (
    enrolment_transition,
    enrolment_withdraw,
    enrolments_carry_over,
    interest_confirm,
    reserve_promote,
    seats_taken,
)
from .screening import SCREENERS

# Coordinators decide with the advisers: they coordinate the selection with the partners and settle
# who takes the last seat, so they may move enrolments too. Training partners and employers may not.
DECIDERS = (Role.ADVISER, Role.COORDINATOR, Role.ADMINISTRATOR)
# The three decisions of a selection, in the order the buttons show them, named as actions.
DECISIONS = {
    EnrolmentStatus.SELECTED: gettext_lazy("Select"),
    EnrolmentStatus.RESERVE: gettext_lazy("Put on reserve"),
    EnrolmentStatus.NOT_SELECTED: gettext_lazy("Not selected"),
    EnrolmentStatus.WITHDRAWN: gettext_lazy("Withdraws before the start"),
}
# The rows of the ranking, and of the reserve list, a page shows.
SELECTION_PAGE_SIZE = 25
# What the rows of the ranking and the reserve list show of an enrolment and its candidate: the cohort and pilot
# they share are the page's, and a candidate's other fields are not shown.
ROW_FIELDS = (
    "status",
    "reserve_position",
    "interest_confirmed_on",
    *name_fields("candidate"),
    *(f"candidate__{name}" for name in CHECKED_FIELDS),
)


@dataclass(frozen=True)
class SelectionRow:
    rank: int | None
    enrolment: Enrolment
    completeness: int
    missing: list[str]
    decisions: list[tuple[str, str]]
    recommendation: str | Promise  # a lazy translation, or "" without a screening


def _decisions(enrolment: Enrolment) -> list[tuple[str, str]]:
    allowed = ENROLMENT_LIFECYCLE.allowed_targets(enrolment.status)
    return [(status.value, str(label)) for status, label in DECISIONS.items() if status in allowed]


def _recommendation_label(value: str | None) -> str | Promise:
    return Recommendation(value).label if value in Recommendation.values else ""


def _rows_of(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """A selection list with the columns its rows show only: a narrower query to compile and read."""
    return enrolments.select_related(None).select_related("candidate").only(*ROW_FIELDS)


def _form_errors(form) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


@role_required(*DECIDERS)
def cohort_selection(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(cohort_list(user=request.user), pk=pk)
    # The ranking and the reserve list a page at a time: a large cohort's hundreds of decision forms are more than
    # a screen can use, and each list keeps its own page while the other turns.
    ranking = counted_page(
        _rows_of(selection_ranking(user=request.user, cohort=cohort)), request.GET.get("page"), SELECTION_PAGE_SIZE
    )
    rows = [
        SelectionRow(
            # The scored rows come first, so a scored row's place in the whole ranking is its rank.
            rank=place if enrolment.latest_score is not None else None,
            enrolment=enrolment,
            completeness=completeness_percentage(enrolment.candidate),
            missing=[str(requirement.label) for requirement in missing_requirements(enrolment.candidate)],
            decisions=_decisions(enrolment),
            recommendation=_recommendation_label(enrolment.latest_recommendation),
        )
        for place, enrolment in enumerate(ranking, start=ranking.start_index())
    ]
    reserve_list = _rows_of(selection_reserve_list(user=request.user, cohort=cohort))
    reserve_page = counted_page(reserve_list, request.GET.get("reserve_page"), SELECTION_PAGE_SIZE)
    reserves = [(enrolment, selection_interest_is_stale(enrolment)) for enrolment in reserve_page]
    # The promotion offers the first reserve, also while a later page of the list is open.
    first_reserve = (reserves[0][0] if reserves else None) if reserve_page.number == 1 else reserve_list.first()
    taken = seats_taken(cohort=cohort)
    # How complete the records of everyone in the cohort are: matching fails on missing data.
    # The cohort is one the user may see (cohort_list), so all its enrolments are: no scope to repeat.
    records = group_completeness_counted(Candidate.objects.filter(pk__in=cohort.enrolments.values("candidate")))
    labels = {requirement.key: requirement.label for requirement in REQUIREMENTS}
    most_missing = sorted(
        ((labels[key], count) for key, count in records.missing_by_requirement.items() if count),
        key=lambda item: -item[1],
    )[:4]
    return render(
        request,
        "candidates/selection_cohort.html",
        {
            "cohort": cohort,
            "rows": rows,
            "ranking": ranking,
            "reserves": reserves,
            "reserve_page": reserve_page,
            "seats_taken": taken,
            "seats_left": max(cohort.seats - taken, 0),
            "max_score": Screening.MAX_SCORE,
            "first_reserve": first_reserve,
            "first_reserve_is_stale": first_reserve is not None and selection_interest_is_stale(first_reserve),
            "promote_form": PromoteForm(initial={"enrolment": first_reserve.pk}) if first_reserve else None,
            "reconfirm_days": settings.RESERVE_RECONFIRM_DAYS,
            "reason_required": sorted(REASON_REQUIRED),
            "can_carry_over": selection_carry_over_enrolments(user=request.user, cohort=cohort).exists(),
            # Coordinators decide here too, but the screening itself is the adviser's: no link to a refusal.
            "can_screen": request.user.role in SCREENERS,
            "records": records,
            "most_missing": most_missing,
        },
    )


@require_POST
@role_required(*DECIDERS)
def transition(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The one door through which the selection view and the board move an enrolment."""
    enrolment = get_object_or_404(enrolment_list(user=request.user), pk=pk)
    # Back to the page the form was on (the selection or the board), but only on this site.
    next_url = safe_next(request, reverse("candidates:cohort-selection", kwargs={"pk": enrolment.cohort_id}))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("The status of %(name)s was not changed: %(errors)s")
            % {"name": enrolment.candidate, "errors": _form_errors(form)},
        )
        return HttpResponseRedirect(next_url)
    to_status = form.cleaned_data["to_status"]
    try:
        if to_status == EnrolmentStatus.WITHDRAWN:
            moved = enrolment_withdraw(enrolment=enrolment, by_user=request.user, reason=form.cleaned_data["reason"])
        else:
            moved = enrolment_transition(
                enrolment=enrolment,
                to_status=to_status,
                by_user=request.user,
                reason=form.cleaned_data["reason"],
                dropout_reason=form.cleaned_data["dropout_reason"],
            )
    except TransitionNotAllowed as refusal:
        messages.error(
            request,
            _("The status of %(name)s was not changed: %(reason)s") % {"name": enrolment.candidate, "reason": refusal},
        )
        return HttpResponseRedirect(next_url)
    messages.success(
        request,
        _("%(name)s is now “%(status)s”.") % {"name": enrolment.candidate, "status": moved.get_status_display()},
    )
    if moved.status == EnrolmentStatus.WITHDRAWN:
        first = selection_reserve_list(user=request.user, cohort=moved.cohort).first()
        if first is not None:
            messages.info(
                request,
                _(
                    "The seat is free. %(name)s is first on the reserve list: promote them on the selection page "
                    "once they confirm they still want to take part."
                )
                % {"name": first.candidate},
            )
    return HttpResponseRedirect(next_url)


@require_POST
@role_required(*DECIDERS)
def confirm_interest(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enrolment = get_object_or_404(enrolment_list(user=request.user), pk=pk)
    # Back to the page the form was on (the selection or the board), but only on this site.
    next_url = safe_next(request, reverse("candidates:cohort-selection", kwargs={"pk": enrolment.cohort_id}))
    if enrolment.status != EnrolmentStatus.RESERVE:
        messages.error(request, _("Only candidates on the reserve list reconfirm their interest."))
        return HttpResponseRedirect(next_url)
    confirmed = interest_confirm(enrolment=enrolment, by_user=request.user)
    messages.success(
        request,
        _("The interest of %(name)s is reconfirmed on %(date)s.")
        % {
            "name": enrolment.candidate,
            # interest_confirm has just set the day.
            "date": date_format(cast(date, confirmed.interest_confirmed_on), "DATE_FORMAT"),
        },
    )
    return HttpResponseRedirect(next_url)


@require_POST
@role_required(*DECIDERS)
def promote_reserve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(cohort_list(user=request.user), pk=pk)
    back = reverse("candidates:cohort-selection", kwargs={"pk": cohort.pk})
    form = PromoteForm(request.POST)
    first = selection_reserve_list(user=request.user, cohort=cohort).first()
    if first is None:
        messages.error(request, _("The reserve list of this cohort is empty."))
        return redirect(back)
    if not form.is_valid() or form.cleaned_data["enrolment"] != first.pk:
        # Someone else promoted or reordered in the meantime: the adviser must look again.
        messages.error(request, _("The reserve list has changed since the page was opened; check it again."))
        return redirect(back)
    reconfirmed = form.cleaned_data["interest_reconfirmed"]
    if selection_interest_is_stale(first) and not reconfirmed:
        last = first.interest_confirmed_on
        messages.warning(
            request,
            _(
                "Ask %(name)s first whether they still want to take part: their interest was last confirmed "
                "%(when)s. Then tick “Interest reconfirmed today” and promote."
            )
            % {
                "name": first.candidate,
                "when": _("on %(date)s") % {"date": date_format(last, "DATE_FORMAT")} if last else _("never"),
            },
        )
        return redirect(back)
    try:
        # A refused promotion (no free seat, a changed list) leaves the reconfirmation unrecorded too.
        promoted = reserve_promote(
            cohort=cohort, by_user=request.user, expected=first, interest_reconfirmed=reconfirmed
        )
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("%(name)s is promoted from the reserve list and is now “%(status)s”.")
            % {"name": first.candidate, "status": promoted.get_status_display()},
        )
    return redirect(back)


@role_required(*DECIDERS)
def carry_over(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(cohort_list(user=request.user), pk=pk)
    enrolments = selection_carry_over_enrolments(user=request.user, cohort=cohort)
    targets = selection_carry_over_targets(user=request.user, cohort=cohort)
    form = CarryOverForm(request.POST if request.method == "POST" else None, enrolments=enrolments, cohorts=targets)
    if form.is_bound and form.is_valid():
        chosen = list(form.cleaned_data["enrolments"])
        target = form.cleaned_data["to_cohort"]
        try:
            carried = enrolments_carry_over(enrolments=chosen, to_cohort=target, by_user=request.user)
        except TransitionNotAllowed as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s candidate is carried over to %(cohort)s as registered.",
                    "%(count)s candidates are carried over to %(cohort)s as registered.",
                    len(carried),
                )
                % {"count": len(carried), "cohort": target},
            )
            skipped = len(chosen) - len(carried)
            if skipped:
                messages.info(
                    request,
                    ngettext(
                        "%(count)s candidate was already enrolled there and was skipped.",
                        "%(count)s candidates were already enrolled there and were skipped.",
                        skipped,
                    )
                    % {"count": skipped},
                )
            return redirect("candidates:cohort-selection", pk=cohort.pk)
    return render(
        request,
        "candidates/selection_carry_over.html",
        {
            "cohort": cohort,
            "form": form,
            "has_candidates": enrolments.exists(),
            "has_targets": targets.exists(),
        },
    )
