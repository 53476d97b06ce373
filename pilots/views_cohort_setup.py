"""The coordinator's pages to plan a cohort and its classes, in the pilots section (config/urls.py).

They show pilot data only, so they stand in pilots. Closing a cohort (the candidates on its track) and copying it as
the next round (the hosts' seat offers) stand in employers (employers/views_cohort_setup.py). A pilot or cohort
outside the coordinator's own pilots (pilots.selectors.pilot_list) is a 404.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from core.statemachine import TransitionNotAllowed

from . import services
from .forms import CohortClassForm, CohortForm
from .models import Cohort, CohortClass, Pilot
from .selectors import cohort_list, pilot_list

COHORT_SETUP_ROLES = (Role.COORDINATOR, Role.ADMINISTRATOR)


def add_service_error(form: forms.BaseForm, error: ValidationError | TransitionNotAllowed) -> None:
    """Put a service's refusal on the form: a field's error at the field, the rest at the top."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
        return
    form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))


def scoped_pilot(request: AuthenticatedRequest, slug: str) -> Pilot:
    return get_object_or_404(pilot_list(user=request.user), slug=slug)


def scoped_cohort(request: AuthenticatedRequest, pk: int) -> Cohort:
    return get_object_or_404(cohort_list(user=request.user).select_related("trainer", "closed_by"), pk=pk)


def _scoped_class(request: AuthenticatedRequest, pk: int) -> CohortClass:
    return get_object_or_404(
        CohortClass.objects.filter(cohort__in=cohort_list(user=request.user)).select_related("cohort__pilot"), pk=pk
    )


@role_required(*COHORT_SETUP_ROLES)
def cohort_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    pilot = scoped_pilot(request, slug)
    form = CohortForm(request.POST if request.method == "POST" else None, pilot=pilot)
    if form.is_bound and form.is_valid():
        try:
            cohort = services.cohort_create(pilot=pilot, by_user=request.user, **form.cleaned_data)
        except (ValidationError, TransitionNotAllowed) as refusal:
            add_service_error(form, refusal)
        else:
            messages.success(request, _("The cohort %(cohort)s is planned.") % {"cohort": cohort.name})
            return redirect("pilots:cohort-update", pk=cohort.pk)
    return render(request, "pilots/cohort_form.html", {"pilot": pilot, "form": form, "cohort": None})


def _edit_page(
    request: AuthenticatedRequest, cohort: Cohort, *, form: CohortForm, class_form: CohortClassForm
) -> HttpResponse:
    return render(
        request,
        "pilots/cohort_form.html",
        {
            "pilot": cohort.pilot,
            "cohort": cohort,
            "form": form,
            "class_form": class_form,
            "classes": cohort.classes.select_related("trainer").order_by("name", "pk"),
        },
    )


@role_required(*COHORT_SETUP_ROLES)
def cohort_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = scoped_cohort(request, pk)
    form = CohortForm(request.POST if request.method == "POST" else None, instance=cohort, pilot=cohort.pilot)
    if form.is_bound and form.is_valid():
        try:
            services.cohort_update(cohort=cohort, by_user=request.user, **form.cleaned_data)
        except (ValidationError, TransitionNotAllowed) as refusal:
            add_service_error(form, refusal)
        else:
            messages.success(request, _("The changes to %(cohort)s are saved.") % {"cohort": form.cleaned_data["name"]})
            return redirect("pilots:cohort-update", pk=cohort.pk)
    # A form that failed validation changed the instance in memory; the page shows the saved cohort.
    cohort.refresh_from_db()
    return _edit_page(request, cohort, form=form, class_form=CohortClassForm(cohort=cohort, auto_id="id_class_%s"))


@role_required(*COHORT_SETUP_ROLES)
@require_POST
def cohort_class_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = scoped_cohort(request, pk)
    class_form = CohortClassForm(request.POST, cohort=cohort, auto_id="id_class_%s")
    if class_form.is_valid():
        try:
            cohort_class = services.cohort_class_create(cohort=cohort, by_user=request.user, **class_form.cleaned_data)
        except (ValidationError, TransitionNotAllowed) as refusal:
            add_service_error(class_form, refusal)
        else:
            messages.success(request, _("The class %(class)s is added.") % {"class": cohort_class.name})
            return redirect("pilots:cohort-update", pk=cohort.pk)
    return _edit_page(request, cohort, form=CohortForm(instance=cohort, pilot=cohort.pilot), class_form=class_form)


@role_required(*COHORT_SETUP_ROLES)
def cohort_class_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort_class = _scoped_class(request, pk)
    cohort = cohort_class.cohort
    form = CohortClassForm(request.POST if request.method == "POST" else None, instance=cohort_class, cohort=cohort)
    if form.is_bound and form.is_valid():
        try:
            services.cohort_class_update(cohort_class=cohort_class, by_user=request.user, **form.cleaned_data)
        except (ValidationError, TransitionNotAllowed) as refusal:
            add_service_error(form, refusal)
        else:
            messages.success(request, _("The class %(class)s is saved.") % {"class": form.cleaned_data["name"]})
            return redirect("pilots:cohort-update", pk=cohort.pk)
    return render(
        request, "pilots/cohort_class_form.html", {"cohort": cohort, "cohort_class": cohort_class, "form": form}
    )


@role_required(*COHORT_SETUP_ROLES)
@require_POST
def cohort_class_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort_class = _scoped_class(request, pk)
    try:
        services.cohort_class_delete(cohort_class=cohort_class, by_user=request.user)
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The class %(class)s is removed.") % {"class": cohort_class.name})
    return redirect("pilots:cohort-update", pk=cohort_class.cohort_id)
