"""Screening views of the intake workspace: plan a conversation, download it, cancel it, record it."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from core.statemachine import TransitionNotAllowed
from pilots.models import ReferenceItem, ReferenceKind

from ..calendar import appointment_filename, appointment_ics
from ..forms import AppointmentForm, ScreeningForm
from ..lifecycle import SCREENABLE
from ..models import Enrolment, Screening, ScreeningAppointment
from ..selectors import enrolment_list
from ..services import screening_cancel, screening_plan, screening_record

# Screening is the adviser's work; coordinators read the outcome in the selection view.
SCREENERS = (Role.ADVISER, Role.ADMINISTRATOR)
# A coordinator may put a colleague's screening in their own calendar, to sit in on it.
CALENDAR_READERS = (Role.ADVISER, Role.COORDINATOR, Role.ADMINISTRATOR)


def _scoped_enrolment(request: AuthenticatedRequest, pk: int) -> Enrolment:
    return get_object_or_404(enrolment_list(user=request.user), pk=pk)


def _scoped_appointment(request: AuthenticatedRequest, pk: int) -> ScreeningAppointment:
    appointments = ScreeningAppointment.objects.filter(enrolment__in=enrolment_list(user=request.user))
    return get_object_or_404(
        appointments.select_related("adviser", "enrolment__candidate", "enrolment__cohort__pilot"), pk=pk
    )


def _screening_advisers(user, enrolment: Enrolment) -> QuerySet:
    """Advisers who may hold the screening: the user's colleagues.

    An administrator belongs to no organisation; they choose among the advisers of the
    organisations that take part in the enrolment's pilot.
    """
    advisers = get_user_model().objects.filter(groups__name=Role.ADVISER, is_active=True)
    if user.organisation_id is not None:
        advisers = advisers.filter(organisation_id=user.organisation_id)
    else:
        pilot = enrolment.cohort.pilot
        advisers = advisers.filter(
            Q(organisation_id=pilot.lead_organisation_id) | Q(organisation__partnerships__pilot=pilot)
        )
    return advisers.distinct().order_by("first_name", "last_name", "username")


@role_required(*SCREENERS)
def plan_screening(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enrolment = _scoped_enrolment(request, pk)
    advisers = _screening_advisers(request.user, enrolment)
    initial = {"adviser": request.user.pk} if advisers.filter(pk=request.user.pk).exists() else {}
    form = AppointmentForm(request.POST if request.method == "POST" else None, advisers=advisers, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            appointment = screening_plan(
                enrolment=enrolment,
                starts_at=form.cleaned_data["starts_at"],
                location=form.cleaned_data["location"],
                adviser=form.cleaned_data["adviser"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                by_user=request.user,
            )
        except TransitionNotAllowed as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("The screening of %(name)s is planned on %(when)s.")
                % {
                    "name": enrolment.candidate,
                    "when": date_format(timezone.localtime(appointment.starts_at), "DATETIME_FORMAT"),
                },
            )
            return redirect("candidates:screening-plan", pk=enrolment.pk)
    return render(
        request,
        "candidates/screening_plan.html",
        {
            "enrolment": enrolment,
            "form": form,
            "appointments": enrolment.appointments.select_related("adviser").order_by("-starts_at"),
            "can_plan": enrolment.status in SCREENABLE,
        },
    )


@role_required(*CALENDAR_READERS)
def appointment_calendar(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    appointment = _scoped_appointment(request, pk)
    response = HttpResponse(
        appointment_ics(appointment, host=request.get_host()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{appointment_filename(appointment)}"'
    # The file names a candidate: no shared cache may keep it.
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_POST
@role_required(*SCREENERS)
def cancel_appointment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    appointment = _scoped_appointment(request, pk)
    try:
        screening_cancel(appointment=appointment, by_user=request.user)
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("The screening of %(name)s on %(when)s is cancelled.")
            % {
                "name": appointment.enrolment.candidate,
                "when": date_format(timezone.localtime(appointment.starts_at), "DATETIME_FORMAT"),
            },
        )
    return redirect("candidates:screening-plan", pk=appointment.enrolment_id)


@role_required(*SCREENERS)
def record_screening(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enrolment = _scoped_enrolment(request, pk)
    form = ScreeningForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            screening = screening_record(
                enrolment=enrolment,
                by_user=request.user,
                barriers_met=form.cleaned_data["barriers_met"],
                **form.screening_values(),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        except TransitionNotAllowed as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("The screening of %(name)s is recorded: a combined score of %(score)s out of %(max)s.")
                % {"name": enrolment.candidate, "score": screening.total_score, "max": Screening.MAX_SCORE},
            )
            return redirect("candidates:screening-record", pk=enrolment.pk)
    barrier_labels = ReferenceItem.objects.labels(ReferenceKind.BARRIER)
    return render(
        request,
        "candidates/screening_record.html",
        {
            "enrolment": enrolment,
            "form": form,
            "screenings": [
                (screening, [barrier_labels[kind] for kind in screening.barriers_met if kind in barrier_labels])
                for screening in enrolment.screenings.select_related("adviser")
            ],
            "max_score": Screening.MAX_SCORE,
            "can_record": enrolment.status in SCREENABLE,
        },
    )
