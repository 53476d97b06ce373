"""The employer contact's pages: answer proposals, follow interns, offer places, record contract offers.

Only employer contacts come in. Every object is looked up in the scope of their own organisation, so a
guessed URL of another employer's placement or offer is a 404. Administrators are refused (403) rather than
shown any employer (as the start-page matrix in core/tests/test_auth.py expects): an answer given here is
recorded as the host's own, an administrator corrects data in the admin, and advisers record what a host said
by phone on their own pages.

Templates get the selectors' dataclasses (HostView and friends), never a Candidate, so they cannot show what a
host may not see.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from core.statemachine import TransitionNotAllowed

from .forms import HostContractOfferForm, HostDeclineForm, HostEndForm, HostSeatOfferForm
from .models import ContractOffer, Placement
from .selectors import (
    HostView,
    employer_cohort_places,
    employer_cohorts,
    employer_contract_offer_views,
    employer_contract_offers,
    employer_contract_placement,
    employer_contract_prospects,
    employer_for_user,
    employer_overview,
    employer_placement_row,
    employer_placements,
    placement_for_employer,
)
from .services import (
    check_room,
    contract_offer_answer,
    contract_offer_record,
    contract_offer_withdraw,
    placement_confirm,
    placement_decline,
    placement_end,
    placement_start,
    seat_offer_set,
)

EMPLOYER_ROLES = (Role.EMPLOYER_CONTACT,)


def _placement(request: AuthenticatedRequest, pk: int) -> Placement:
    return get_object_or_404(employer_placements(user=request.user), pk=pk)


def _host_view(request: AuthenticatedRequest, pk: int) -> HostView:
    view = placement_for_employer(user=request.user, pk=pk)
    if view is None:
        raise Http404
    return view


def _contract_offer(request: AuthenticatedRequest, pk: int) -> ContractOffer:
    return get_object_or_404(employer_contract_offers(user=request.user), pk=pk)


# The lists of the start page that come a page at a time; each takes its page number from `<name>_page`.
OVERVIEW_LISTS = ("proposals", "interns", "contract_prospects")


@role_required(*EMPLOYER_ROLES)
def employer_start(request: AuthenticatedRequest) -> HttpResponse:
    pages = {name: request.GET.get(f"{name}_page") for name in OVERVIEW_LISTS}
    return render(
        request, "employers/employer_start.html", {"overview": employer_overview(user=request.user, pages=pages)}
    )


def _render_placement(
    request: AuthenticatedRequest,
    pk: int,
    *,
    decline_form: HostDeclineForm | None = None,
    end_form: HostEndForm | None = None,
) -> HttpResponse:
    view = _host_view(request, pk)
    return render(
        request,
        "employers/placement_detail.html",
        {
            "placement": view,
            "confirm_refusal": _confirm_refusal(request, view),
            "decline_form": decline_form or HostDeclineForm(prefix="decline"),
            "end_form": end_form or HostEndForm(prefix="end", start_date=view.start_date),
        },
    )


def _confirm_refusal(request: AuthenticatedRequest, view: HostView) -> str:
    """Why the host cannot confirm this proposal now, in the words the confirmation would refuse it with; "" when
    they can. The page then offers what they can do instead of a button that is bound to fail. Only what the page
    shows: the confirmation itself checks again, with the host's offers locked."""
    if not view.can_answer:
        return ""
    placement = _placement(request, view.pk)
    try:
        check_room(employer=placement.employer, cohort_id=placement.enrolment.cohort_id, adding=0)
    except TransitionNotAllowed as refusal:
        return str(refusal)
    return ""


@role_required(*EMPLOYER_ROLES)
def placement_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _render_placement(request, pk)


@require_POST
@role_required(*EMPLOYER_ROLES)
def placement_confirm_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    placement = _placement(request, pk)
    try:
        placement_confirm(placement=placement, by_user=request.user)
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("You confirmed the internship of %(name)s. The adviser sees your answer; the contact details are below.")
            % {"name": placement.candidate.full_name},
        )
    return redirect("employers:placement-detail", pk=placement.pk)


@require_POST
@role_required(*EMPLOYER_ROLES)
def placement_decline_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    placement = _placement(request, pk)
    form = HostDeclineForm(request.POST, prefix="decline")
    if not form.is_valid():
        messages.error(request, _("Choose a reason to decline the proposal."))
        return _render_placement(request, pk, decline_form=form)
    try:
        placement_decline(
            placement=placement,
            by_user=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
        return redirect("employers:placement-detail", pk=placement.pk)
    messages.success(
        request,
        _("You declined the proposal of %(name)s. The adviser sees your reason and looks for another place.")
        % {"name": placement.candidate.full_name},
    )
    return redirect("employers:start")


@require_POST
@role_required(*EMPLOYER_ROLES)
def placement_start_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    placement = _placement(request, pk)
    try:
        placement_start(placement=placement, by_user=request.user)
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("%(name)s has started the internship.") % {"name": placement.candidate.full_name})
    return redirect("employers:placement-detail", pk=placement.pk)


@require_POST
@role_required(*EMPLOYER_ROLES)
def placement_end_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    placement = _placement(request, pk)
    form = HostEndForm(request.POST, prefix="end", start_date=placement.start_date)
    if not form.is_valid():
        messages.error(request, _("Check the reason and the last day of the internship."))
        return _render_placement(request, pk, end_form=form)
    try:
        placement_end(
            placement=placement,
            by_user=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            on_date=form.cleaned_data["on_date"],
        )
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("The internship of %(name)s has ended. The adviser sees the reason.")
            % {"name": placement.candidate.full_name},
        )
    return redirect("employers:placement-detail", pk=placement.pk)


def _offered_message(*, cohort, location, places: int) -> str:
    values = {"places": places, "cohort": f"{cohort.pilot.name} – {cohort.name}"}
    if location is None:
        return (
            ngettext(
                "You now offer %(places)s place for %(cohort)s.",
                "You now offer %(places)s places for %(cohort)s.",
                places,
            )
            % values
        )
    return ngettext(
        "You now offer %(places)s place for %(cohort)s at %(location)s.",
        "You now offer %(places)s places for %(cohort)s at %(location)s.",
        places,
    ) % {**values, "location": location.name}


@role_required(*EMPLOYER_ROLES)
def seat_offers(request: AuthenticatedRequest) -> HttpResponse:
    employer = employer_for_user(user=request.user)
    if employer is None:
        # The page explains that the account still has to be linked to a host employer.
        return render(request, "employers/seat_offers.html", {"employer": None})
    cohorts = employer_cohorts(user=request.user, open_on=timezone.localdate())
    form = HostSeatOfferForm(
        request.POST if request.method == "POST" else None, cohorts=cohorts, locations=employer.locations.all()
    )
    if form.is_bound and form.is_valid():
        cohort, location, places = (form.cleaned_data[name] for name in ("cohort", "location", "places"))
        try:
            seat_offer_set(employer=employer, cohort=cohort, location=location, places=places, by_user=request.user)
        except TransitionNotAllowed as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _offered_message(cohort=cohort, location=location, places=places))
            return redirect("employers:seat-offers")
    elif form.is_bound:
        messages.error(request, _("The places could not be saved; see the form below."))
    return render(
        request,
        "employers/seat_offers.html",
        {
            "employer": employer,
            "form": form,
            "places": employer_cohort_places(user=request.user),
            "open_cohort_ids": set(cohorts.values_list("pk", flat=True)),
        },
    )


@role_required(*EMPLOYER_ROLES)
def contract_offers(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "employers/contract_offers.html",
        {
            "offers": employer_contract_offer_views(user=request.user),
            "prospects": [
                employer_placement_row(placement, today=today)
                for placement in employer_contract_prospects(user=request.user)
            ],
        },
    )


@role_required(*EMPLOYER_ROLES)
def contract_offer_create(request: AuthenticatedRequest, enrolment: int) -> HttpResponse:
    placement = employer_contract_placement(user=request.user, enrolment_id=enrolment)
    if placement is None:
        raise Http404
    form = HostContractOfferForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            contract_offer_record(
                enrolment=placement.enrolment,
                employer=placement.employer,
                placement=placement,
                by_user=request.user,
                **form.cleaned_data,
            )
        except TransitionNotAllowed as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("Your contract offer to %(name)s is recorded. Record the answer here once they give it.")
                % {"name": placement.candidate.full_name},
            )
            return redirect("employers:contract-offers")
    return render(
        request,
        "employers/contract_offer_form.html",
        {"form": form, "placement": employer_placement_row(placement)},
    )


@require_POST
@role_required(*EMPLOYER_ROLES)
def contract_offer_withdraw_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    offer = _contract_offer(request, pk)
    try:
        contract_offer_withdraw(offer=offer, by_user=request.user)
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("You withdrew the contract offer to %(name)s.") % {"name": offer.enrolment.candidate.full_name},
        )
    return redirect("employers:contract-offers")


ANSWERS = {"accepted": True, "declined": False}


@require_POST
@role_required(*EMPLOYER_ROLES)
def contract_offer_answer_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    offer = _contract_offer(request, pk)
    accepted = ANSWERS.get(request.POST.get("answer", ""))
    if accepted is None:
        messages.error(request, _("Choose whether the candidate accepted or declined the offer."))
        return redirect("employers:contract-offers")
    try:
        contract_offer_answer(offer=offer, accepted=accepted, by_user=request.user)
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        name = offer.enrolment.candidate.full_name
        if accepted:
            messages.success(request, _("%(name)s accepted your contract offer.") % {"name": name})
        else:
            messages.success(request, _("%(name)s declined your contract offer.") % {"name": name})
    return redirect("employers:contract-offers")
