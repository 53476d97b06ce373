"""The coordinator closes a cohort or copies it as the next round, in the pilots section (config/urls.py).

Closing counts the candidates still on the track; copying takes the hosts' seat offers along, so both pages stand
here, in the highest app they show. Planning and changing a cohort are in pilots/views_cohort_setup.py.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.permissions import AuthenticatedRequest, role_required
from core.statemachine import TransitionNotAllowed
from pilots.views_cohort_setup import COHORT_SETUP_ROLES, add_service_error, scoped_cohort

from . import services
from .forms import CohortCopyForm
from .models import SeatOffer
from .selectors import cohort_close_blockers


@role_required(*COHORT_SETUP_ROLES)
def cohort_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Ask before closing; say why the cohort cannot close while candidates are still on its track."""
    cohort = scoped_cohort(request, pk)
    refusal = ""
    if request.method == "POST":
        try:
            services.cohort_close(cohort=cohort, by_user=request.user)
        except TransitionNotAllowed as error:
            refusal = str(error)
        else:
            messages.success(request, _("The cohort %(cohort)s is closed.") % {"cohort": cohort.name})
            return redirect(cohort.pilot.get_absolute_url())
    return render(
        request,
        "pilots/cohort_close.html",
        {"cohort": cohort, "blockers": cohort_close_blockers(cohort=cohort), "refusal": refusal},
    )


@role_required(*COHORT_SETUP_ROLES)
def cohort_copy(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The next round: a new start date; the classes, learning line and seat offers come along, the people do not."""
    cohort = scoped_cohort(request, pk)
    form = CohortCopyForm(
        request.POST if request.method == "POST" else None,
        cohort=cohort,
        initial={"name": _("%(cohort)s (next round)") % {"cohort": cohort.name}},
    )
    if form.is_bound and form.is_valid():
        try:
            copy = services.cohort_copy_as_next_round(
                cohort=cohort,
                name=form.cleaned_data["name"],
                start_date=form.cleaned_data["start_date"],
                by_user=request.user,
            )
        except (ValidationError, TransitionNotAllowed) as refusal:
            add_service_error(form, refusal)
        else:
            messages.success(
                request,
                _(
                    "%(copy)s is planned as the next round of %(cohort)s, with its classes, learning line and "
                    "seat offers."
                )
                % {"copy": copy.name, "cohort": cohort.name},
            )
            return redirect(copy.get_absolute_url())
    offers = (
        SeatOffer.objects.filter(cohort=cohort)
        .select_related("employer__organisation", "location")
        .order_by("employer__organisation__name", "location__name", "pk")
    )
    return render(
        request,
        "pilots/cohort_copy.html",
        {
            "cohort": cohort,
            "form": form,
            "classes": cohort.classes.order_by("name", "pk"),
            "modules": cohort.learning_line.order_by("position", "start_week", "name", "pk"),
            "offers": offers,
        },
    )
