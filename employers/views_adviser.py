"""The adviser's and coordinator's side of the employer portal.

Proposals, seat offers on an employer's behalf, joint vacancies, contract-offer answers and early ends.
Every object is read through the user's scoped selectors, so a page of another region is a 404; employer
contacts have their own pages and are refused here.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from candidates.lifecycle import TRACK_OVER
from candidates.models import Enrolment
from candidates.selectors import candidate_list, enrolment_list
from core.fields import id_from
from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from core.statemachine import TransitionNotAllowed
from pilots.models import Cohort, PilotPartner
from pilots.selectors import cohort_list, pilot_list
from pilots.services import CohortClosed, cohort_check_open

from . import services
from .forms import (
    AdviserPlacementEndForm,
    ContractOfferAnswerForm,
    PlacementProposeForm,
    SeatOfferOnBehalfForm,
    VacancyApplyForm,
    VacancyDistributeForm,
    VacancyForm,
)
from .lifecycle import OPEN, PLACE_HOLDING, PROPOSABLE_ENROLMENT_STATUSES
from .models import (
    ContractOfferStatus,
    Employer,
    EmployerLocation,
    JointVacancy,
    Placement,
    SeatOffer,
)
from .selectors import (
    EmployerPlaces,
    cohort_places,
    contract_offer_list,
    placement_list,
    seat_offer_list,
    vacancy_distribution,
    vacancy_list,
)

ADVISER_SIDE = (Role.ADVISER, Role.COORDINATOR, Role.ADMINISTRATOR)
# The apply select lists this many candidates; the search narrows it down when there are more.
APPLY_CHOICES_SHOWN = 100


@dataclass(frozen=True)
class PlacesTotal:
    offered: int
    proposed: int
    confirmed: int
    contracts: int
    remaining: int


def places_total(rows: list[EmployerPlaces]) -> PlacesTotal:
    """The foot of a places table; remaining is summed per employer, since one's surplus is no other's place."""
    return PlacesTotal(
        offered=sum(row.offered for row in rows),
        proposed=sum(row.proposed for row in rows),
        confirmed=sum(row.confirmed for row in rows),
        contracts=sum(row.contracts for row in rows),
        remaining=sum(row.remaining for row in rows),
    )


# Reads only these pages need; the shared ones live in the selectors.


def _employers_for_cohort(cohort: Cohort) -> QuerySet[Employer]:
    """Employers that may take part in a cohort: those that offered it places and the partners of its pilot."""
    return _employers_for(
        SeatOffer.objects.filter(cohort=cohort), PilotPartner.objects.filter(pilot_id=cohort.pilot_id)
    )


def _employers_for_user(user) -> QuerySet[Employer]:
    return _employers_for(
        SeatOffer.objects.filter(cohort__in=cohort_list(user=user).values("pk")),
        PilotPartner.objects.filter(pilot__in=pilot_list(user=user).values("pk")),
    )


def _employers_for(offers: QuerySet[SeatOffer], partnerships: QuerySet[PilotPartner]) -> QuerySet[Employer]:
    return (
        Employer.objects.filter(
            Q(pk__in=offers.values("employer_id")) | Q(organisation_id__in=partnerships.values("organisation_id"))
        )
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )


def _locations_of(employers: QuerySet[Employer]) -> QuerySet[EmployerLocation]:
    return (
        EmployerLocation.objects.filter(employer__in=employers.values("pk"))
        .select_related("employer__organisation")
        .order_by("employer__organisation__name", "name", "pk")
    )


def _scoped_enrolment(request: AuthenticatedRequest, pk: int) -> Enrolment:
    return get_object_or_404(enrolment_list(user=request.user).select_related("cohort__pilot"), pk=pk)


def _form_errors(form) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


def _enrolment_url(enrolment_id: int) -> str:
    return reverse("employers:adviser-enrolment", kwargs={"enrolment_pk": enrolment_id})


# --- Placement proposals -----------------------------------------------------------------------------------


@role_required(*ADVISER_SIDE)
def placement_propose(request: AuthenticatedRequest, enrolment_pk: int) -> HttpResponse:
    enrolment = _scoped_enrolment(request, enrolment_pk)
    places = [row for row in cohort_places(cohort=enrolment.cohort) if row.offered]
    employers = Employer.objects.filter(pk__in=[row.employer.pk for row in places]).select_related("organisation")
    form = PlacementProposeForm(
        request.POST if request.method == "POST" else None,
        places=places,
        employers=employers,
        locations=_locations_of(employers),
        cohort=enrolment.cohort,
    )
    if form.is_bound and form.is_valid():
        employer = form.cleaned_data["employer"]
        try:
            services.placement_propose(
                enrolment=enrolment, employer=employer, by_user=request.user, **form.placement_details()
            )
        except TransitionNotAllowed as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("%(candidate)s is proposed to %(employer)s. The employer receives an e-mail.")
                % {"candidate": enrolment.candidate, "employer": employer},
            )
            return redirect(enrolment.candidate.get_absolute_url())
    return render(
        request,
        "employers/adviser_propose.html",
        {
            "enrolment": enrolment,
            "form": form,
            "places": places,
            "earlier": placement_list(user=request.user).filter(enrolment=enrolment).order_by("-created_at", "-pk"),
        },
    )


@role_required(*ADVISER_SIDE)
def enrolment_placements(request: AuthenticatedRequest, enrolment_pk: int) -> HttpResponse:
    """An enrolment's placements and contract offers, where the adviser ends a placement or records an answer."""
    enrolment = get_object_or_404(
        enrolment_list(user=request.user).select_related("cohort__pilot", "outcome__employer__organisation"),
        pk=enrolment_pk,
    )
    placements = [
        (
            placement,
            AdviserPlacementEndForm(auto_id=f"id_end_{placement.pk}_%s") if placement.status in PLACE_HOLDING else None,
        )
        for placement in placement_list(user=request.user).filter(enrolment=enrolment).order_by("-created_at", "-pk")
    ]
    offers = list(contract_offer_list(user=request.user).filter(enrolment=enrolment).order_by("-created_at", "-pk"))
    has_outcome = hasattr(enrolment, "outcome")
    # An accepted offer waits for the end of the track; then one click makes it the outcome.
    waiting_offer = not has_outcome and any(offer.status == ContractOfferStatus.ACCEPTED for offer in offers)
    track_over = enrolment.status in TRACK_OVER
    return render(
        request,
        "employers/adviser_enrolment.html",
        {
            "enrolment": enrolment,
            "placements": placements,
            "offers": offers,
            "outcome": enrolment.outcome if has_outcome else None,
            "can_propose": enrolment.status in PROPOSABLE_ENROLMENT_STATUSES,
            "can_apply_outcome": waiting_offer and track_over,
            "accepted_waiting": waiting_offer and not track_over,
        },
    )


@role_required(*ADVISER_SIDE)
@require_POST
def placement_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The adviser ends a confirmed or active placement early, for instance when the candidate does not fit."""
    placement = get_object_or_404(placement_list(user=request.user), pk=pk)
    form = AdviserPlacementEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The placement was not ended: %(errors)s") % {"errors": _form_errors(form)})
        return redirect(_enrolment_url(placement.enrolment_id))
    try:
        services.placement_end(
            placement=placement,
            by_user=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except TransitionNotAllowed as refusal:
        messages.error(request, _("The placement was not ended: %(reason)s") % {"reason": refusal})
    else:
        messages.success(
            request,
            _("The placement of %(candidate)s at %(employer)s has ended. You can propose %(candidate)s elsewhere.")
            % {"candidate": placement.enrolment.candidate, "employer": placement.employer},
        )
    return redirect(_enrolment_url(placement.enrolment_id))


# --- Contract offers ---------------------------------------------------------------------------------------


@role_required(*ADVISER_SIDE)
@require_POST
def contract_offer_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record the candidate's answer to a host's contract offer."""
    offer = get_object_or_404(contract_offer_list(user=request.user), pk=pk)
    back = _enrolment_url(offer.enrolment_id)
    form = ContractOfferAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the candidate accepts or declines the offer."))
        return redirect(back)
    try:
        services.contract_offer_answer(offer=offer, accepted=form.accepted, by_user=request.user)
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
        return redirect(back)
    values = {"candidate": offer.enrolment.candidate, "employer": offer.employer}
    if not form.accepted:
        messages.success(request, _("%(candidate)s declined the offer of %(employer)s.") % values)
    elif Enrolment.objects.filter(pk=offer.enrolment_id, outcome__isnull=False).exists():
        messages.success(
            request, _("%(candidate)s accepted the offer of %(employer)s; it is recorded as the outcome.") % values
        )
    else:
        messages.success(
            request,
            _("%(candidate)s accepted the offer of %(employer)s; it becomes the outcome when the track is completed.")
            % values,
        )
    return redirect(back)


@role_required(*ADVISER_SIDE)
@require_POST
def accepted_offer_apply(request: AuthenticatedRequest, enrolment_pk: int) -> HttpResponse:
    """Make the accepted contract offer the outcome of a track that was completed after the answer."""
    enrolment = _scoped_enrolment(request, enrolment_pk)
    try:
        outcome = services.accepted_offer_apply(enrolment=enrolment, by_user=request.user)
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        if outcome is None:
            messages.error(request, _("An accepted offer becomes the outcome only once the track is over."))
        else:
            messages.success(request, _("The accepted contract offer is recorded as the outcome."))
    return redirect(_enrolment_url(enrolment.pk))


# --- Seat offers -------------------------------------------------------------------------------------------


@role_required(*ADVISER_SIDE)
def seat_offer_on_behalf(request: AuthenticatedRequest, cohort_pk: int) -> HttpResponse:
    """Record the places an employer offered a cohort by phone or mail; offers may grow during recruitment.

    A closed cohort takes no new offers: the page sends the adviser back to the cohort with the reason.
    """
    cohort = get_object_or_404(cohort_list(user=request.user), pk=cohort_pk)
    try:
        cohort_check_open(cohort)
    except CohortClosed as refusal:
        messages.error(request, str(refusal))
        return redirect(cohort.get_absolute_url())
    employers = _employers_for_cohort(cohort)
    initial = {}
    if (employer_id := id_from(request.GET.get("employer"))) is not None:
        initial["employer"] = employer_id
    form = SeatOfferOnBehalfForm(
        request.POST if request.method == "POST" else None,
        employers=employers,
        locations=_locations_of(employers),
        initial=initial,
    )
    if form.is_bound and form.is_valid():
        employer, places = form.cleaned_data["employer"], form.cleaned_data["places"]
        try:
            services.seat_offer_set(
                employer=employer,
                cohort=cohort,
                location=form.cleaned_data["location"],
                places=places,
                by_user=request.user,
            )
        except TransitionNotAllowed as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                ngettext(
                    "The offer of %(employer)s is recorded: %(places)s place.",
                    "The offer of %(employer)s is recorded: %(places)s places.",
                    places,
                )
                % {"employer": employer, "places": places},
            )
            return redirect(cohort.get_absolute_url())
    offers = (
        seat_offer_list(user=request.user)
        .filter(cohort=cohort)
        .order_by("employer__organisation__name", "location__name", "pk")
    )
    return render(request, "employers/adviser_seat_offer.html", {"cohort": cohort, "form": form, "offers": offers})


# --- Joint vacancies ---------------------------------------------------------------------------------------


def _cohort_from(request: AuthenticatedRequest, value: str) -> Cohort | None:
    cohort_id = id_from(value)
    if cohort_id is None:
        return None
    return cohort_list(user=request.user).filter(pk=cohort_id).first()


@role_required(*ADVISER_SIDE)
def vacancy_index(request: AuthenticatedRequest) -> HttpResponse:
    vacancies = vacancy_list(user=request.user).annotate(
        employer_count=Count("employers", distinct=True), application_count=Count("applications", distinct=True)
    )
    cohort = _cohort_from(request, request.GET.get("cohort", ""))
    if cohort is not None:
        vacancies = vacancies.filter(cohort=cohort)
    return render(
        request,
        "employers/vacancy_list.html",
        {"vacancies": vacancies.order_by("-published_on", "title", "pk"), "cohort": cohort},
    )


@role_required(*ADVISER_SIDE)
def vacancy_create(request: AuthenticatedRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    # With the cohort known, only its employers are offered; otherwise those of every cohort in scope.
    cohort = _cohort_from(request, (data or request.GET).get("cohort", ""))
    employers = _employers_for_cohort(cohort) if cohort else _employers_for_user(request.user)
    form = VacancyForm(
        data,
        cohorts=cohort_list(user=request.user).open(),
        employers=employers,
        employers_for=_employers_for_cohort,
        initial={"cohort": cohort.pk} if cohort else {},
    )
    if form.is_bound and form.is_valid():
        values = form.cleaned_data
        try:
            vacancy = services.vacancy_create(
                cohort=values["cohort"],
                title=values["title"],
                description=values["description"],
                published_on=values["published_on"],
                closes_on=values["closes_on"],
                employers=list(values["employers"]),
                by_user=request.user,
            )
        except TransitionNotAllowed as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The vacancy “%(title)s” is published.") % {"title": vacancy.title})
            return redirect("employers:vacancy-detail", pk=vacancy.pk)
    return render(
        request,
        "employers/vacancy_form.html",
        {"form": form, "cohort": cohort, "has_employers": employers.exists()},
    )


def _scoped_vacancy(request: AuthenticatedRequest, pk: int) -> JointVacancy:
    return get_object_or_404(vacancy_list(user=request.user).select_related("cohort__pilot"), pk=pk)


def _apply_candidates(request: AuthenticatedRequest, vacancy: JointVacancy):
    """The candidates the user may apply with: visible to them and not applied to this vacancy yet."""
    return (
        candidate_list(user=request.user)
        .exclude(enrolments__vacancy_applications__vacancy=vacancy)
        .order_by("last_name", "first_name", "pk")
    )


def _vacancy_page(request: AuthenticatedRequest, vacancy: JointVacancy, *, apply_form=None) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    shown = _apply_candidates(request, vacancy)
    if query:
        shown = shown.filter(Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(email__icontains=query))
    shown = list(shown[: APPLY_CHOICES_SHOWN + 1])
    if apply_form is None:
        apply_form = VacancyApplyForm(candidates=_apply_candidates(request, vacancy))
    # The select shows the first matches; the search field finds the others.
    apply_form.fields["candidate"].queryset = apply_form.fields["candidate"].queryset.filter(
        pk__in=[candidate.pk for candidate in shown[:APPLY_CHOICES_SHOWN]]
    )
    distribution = vacancy_distribution(vacancy=vacancy)
    open_placements = Prefetch(
        "enrolment__placements",
        queryset=Placement.objects.filter(status__in=OPEN).select_related("employer__organisation"),
        to_attr="open_placements",
    )
    applications = (
        vacancy.applications.select_related("enrolment__candidate", "recorded_by")
        .prefetch_related(open_placements)
        .order_by("enrolment__candidate__last_name", "enrolment__candidate__first_name", "pk")
    )
    return render(
        request,
        "employers/vacancy_detail.html",
        {
            "vacancy": vacancy,
            "places": distribution.employers,
            "total": places_total(distribution.employers),
            "unplaced_count": len(distribution.unplaced),
            "applications": applications,
            "apply_form": apply_form,
            "query": query,
            "more_candidates": len(shown) > APPLY_CHOICES_SHOWN,
        },
    )


@role_required(*ADVISER_SIDE)
def vacancy_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _vacancy_page(request, _scoped_vacancy(request, pk))


@role_required(*ADVISER_SIDE)
@require_POST
def vacancy_apply(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record a candidate's one application; a second one, or one after closing, is refused on the form."""
    vacancy = _scoped_vacancy(request, pk)
    form = VacancyApplyForm(request.POST, candidates=_apply_candidates(request, vacancy))
    if form.is_valid():
        candidate = form.cleaned_data["candidate"]
        try:
            services.vacancy_apply(
                vacancy=vacancy, candidate=candidate, by_user=request.user, applied_on=form.cleaned_data["applied_on"]
            )
        except TransitionNotAllowed as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("The application of %(candidate)s to “%(title)s” is recorded.")
                % {"candidate": candidate, "title": vacancy.title},
            )
            return redirect("employers:vacancy-detail", pk=vacancy.pk)
    return _vacancy_page(request, vacancy, apply_form=form)


@role_required(*ADVISER_SIDE)
def vacancy_distribute(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Propose the selected applicants without a placement to the employers with places left, all at once."""
    vacancy = _scoped_vacancy(request, pk)
    distribution = vacancy_distribution(vacancy=vacancy)
    form = VacancyDistributeForm(
        request.POST if request.method == "POST" else None,
        applications=distribution.unplaced,
        places=[row for row in distribution.employers if row.remaining],
        cohort=vacancy.cohort,
    )
    if form.is_bound and form.is_valid():
        try:
            proposed = services.vacancy_distribute(
                vacancy=vacancy,
                assignments=form.assignments(),
                by_user=request.user,
                motivation=_("Applicant for the joint vacancy “%(title)s”.") % {"title": vacancy.title},
                **form.period_values(),
            )
        except TransitionNotAllowed as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s candidate is proposed; the employers receive an e-mail.",
                    "%(count)s candidates are proposed; the employers receive an e-mail.",
                    len(proposed),
                )
                % {"count": len(proposed)},
            )
            return redirect("employers:vacancy-detail", pk=vacancy.pk)
    return render(
        request,
        "employers/vacancy_distribute.html",
        {
            "vacancy": vacancy,
            "form": form,
            "places": distribution.employers,
            "total": places_total(distribution.employers),
        },
    )
