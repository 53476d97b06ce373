"""The coordinator's pages for the hosts of a pilot, in the pilots section (config/urls.py): which employers host,
their locations and supervisors, and the places a host offered when it does not log in itself.

A pilot outside the coordinator's own pilots (pilots.selectors.pilot_list), or an employer that is no host of the
pilot, is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.permissions import AuthenticatedRequest, role_required
from core.statemachine import TransitionNotAllowed
from pilots.models import Cohort, Pilot
from pilots.views_cohort_setup import COHORT_SETUP_ROLES, add_service_error, scoped_pilot

from . import services
from .forms import EmployerLocationForm, HostAddForm, HostCreateForm, HostSeatOfferForm
from .models import Employer, EmployerLocation
from .selectors import host_candidates, host_organisations, host_seat_offers, pilot_hosts


def _hosts_page(
    request: AuthenticatedRequest,
    pilot: Pilot,
    *,
    add_form: HostAddForm | None = None,
    create_form: HostCreateForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "employers/pilot_hosts.html",
        {
            "pilot": pilot,
            "hosts": pilot_hosts(pilot=pilot),
            "add_form": add_form or HostAddForm(employers=host_candidates(pilot=pilot), auto_id="id_add_%s"),
            "create_form": create_form
            or HostCreateForm(organisations=host_organisations(pilot=pilot), auto_id="id_create_%s"),
        },
    )


@role_required(*COHORT_SETUP_ROLES)
def pilot_host_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    return _hosts_page(request, scoped_pilot(request, slug))


@role_required(*COHORT_SETUP_ROLES)
@require_POST
def pilot_host_add(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """An employer already in the portal becomes a host of the pilot."""
    pilot = scoped_pilot(request, slug)
    form = HostAddForm(request.POST, employers=host_candidates(pilot=pilot), auto_id="id_add_%s")
    if form.is_valid():
        employer = form.cleaned_data["employer"]
        services.pilot_host_add(pilot=pilot, employer=employer, by_user=request.user)
        messages.success(request, _("%(employer)s is a host of this pilot.") % {"employer": employer.name})
        return redirect("pilots:host-detail", slug=pilot.slug, employer_pk=employer.pk)
    return _hosts_page(request, pilot, add_form=form)


@role_required(*COHORT_SETUP_ROLES)
@require_POST
def pilot_host_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """An organisation already in the portal becomes a host employer of the pilot."""
    pilot = scoped_pilot(request, slug)
    form = HostCreateForm(request.POST, organisations=host_organisations(pilot=pilot), auto_id="id_create_%s")
    if form.is_valid():
        try:
            employer = services.pilot_host_create(pilot=pilot, by_user=request.user, **form.cleaned_data)
        except (ValidationError, TransitionNotAllowed) as refusal:
            add_service_error(form, refusal)
        else:
            messages.success(request, _("%(employer)s is a host of this pilot.") % {"employer": employer.name})
            return redirect("pilots:host-detail", slug=pilot.slug, employer_pk=employer.pk)
    return _hosts_page(request, pilot, create_form=form)


def _scoped_host(request: AuthenticatedRequest, slug: str, employer_pk: int) -> tuple[Pilot, Employer]:
    pilot = scoped_pilot(request, slug)
    return pilot, get_object_or_404(pilot_hosts(pilot=pilot), pk=employer_pk)


@role_required(*COHORT_SETUP_ROLES)
def host_detail(request: AuthenticatedRequest, slug: str, employer_pk: int) -> HttpResponse:
    """A host's locations and supervisors, and its seat offers, which the coordinator enters on its behalf."""
    pilot, employer = _scoped_host(request, slug, employer_pk)
    cohorts = (
        Cohort.objects.open()
        .filter(pilot=pilot, end_date__gte=timezone.localdate())
        .order_by("start_date", "name", "pk")
    )
    form = HostSeatOfferForm(
        request.POST if request.method == "POST" else None,
        cohorts=cohorts.select_related("pilot"),
        locations=employer.locations.order_by("name", "pk"),
    )
    if form.is_bound and form.is_valid():
        cohort, location, places = (form.cleaned_data[name] for name in ("cohort", "location", "places"))
        try:
            services.seat_offer_set(
                employer=employer, cohort=cohort, location=location, places=places, by_user=request.user
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
                % {"employer": employer.name, "places": places},
            )
            return redirect("pilots:host-detail", slug=pilot.slug, employer_pk=employer.pk)
    return render(
        request,
        "employers/host_detail.html",
        {
            "pilot": pilot,
            "employer": employer,
            "locations": employer.locations.order_by("name", "pk"),
            "offers": host_seat_offers(pilot=pilot, employer=employer),
            "form": form,
            "has_open_cohorts": cohorts.exists(),
        },
    )


def _location_page(
    request: AuthenticatedRequest,
    pilot: Pilot,
    employer: Employer,
    location: EmployerLocation | None,
) -> HttpResponse:
    form = EmployerLocationForm(
        request.POST if request.method == "POST" else None, instance=location, employer=employer
    )
    if form.is_bound and form.is_valid():
        try:
            if location is None:
                saved = services.employer_location_create(employer=employer, by_user=request.user, **form.cleaned_data)
            else:
                saved = services.employer_location_update(location=location, by_user=request.user, **form.cleaned_data)
        except (ValidationError, TransitionNotAllowed) as refusal:
            add_service_error(form, refusal)
        else:
            messages.success(request, _("The location %(location)s is saved.") % {"location": saved.name})
            return redirect("pilots:host-detail", slug=pilot.slug, employer_pk=employer.pk)
    return render(
        request,
        "employers/host_location_form.html",
        {"pilot": pilot, "employer": employer, "location": location, "form": form},
    )


@role_required(*COHORT_SETUP_ROLES)
def host_location_create(request: AuthenticatedRequest, slug: str, employer_pk: int) -> HttpResponse:
    pilot, employer = _scoped_host(request, slug, employer_pk)
    return _location_page(request, pilot, employer, None)


@role_required(*COHORT_SETUP_ROLES)
def host_location_update(request: AuthenticatedRequest, slug: str, employer_pk: int, pk: int) -> HttpResponse:
    pilot, employer = _scoped_host(request, slug, employer_pk)
    location = get_object_or_404(employer.locations.all(), pk=pk)
    return _location_page(request, pilot, employer, location)
