"""Leaving the track and what comes after: completion or dropout, the outflow outcome and the follow-ups at 3, 6
and 12 months. Advisers record these; coordinators and training partners read the outcome.

The outcome's page names the host employer from the placements, so it stands in employers
(employers/views_candidate.py).
"""

from django.contrib import messages
from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from core.statemachine import TransitionNotAllowed

from ..forms import EnrolmentCompleteForm, EnrolmentDropOutForm, FollowUpForm
from ..lifecycle import RUNNING
from ..models import Enrolment, FollowUp, Outcome
from ..progress import enrolment_complete, enrolment_drop_out, followup_record
from ..selectors import enrolment_list
from .coaching import scoped_enrolment

OUTFLOW_WRITERS = (Role.ADVISER, Role.ADMINISTRATOR)
OUTFLOW_READERS = (Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER, Role.ADMINISTRATOR)


def _outflow_url(enrolment: Enrolment) -> str:
    return reverse("candidates:outflow-record", kwargs={"pk": enrolment.pk})


def followups_anchor(enrolment: Enrolment) -> str:
    return f"{enrolment.candidate.get_absolute_url()}#followups"


# --- Completion and dropout --------------------------------------------------------------------------------


def _leave_page(request: HttpRequest, enrolment: Enrolment, *, complete_form=None, dropout_form=None) -> HttpResponse:
    return render(
        request,
        "candidates/leave.html",
        {
            "enrolment": enrolment,
            "is_running": enrolment.status in RUNNING,
            "complete_form": complete_form or EnrolmentCompleteForm(prefix="complete"),
            "dropout_form": dropout_form or EnrolmentDropOutForm(prefix="dropout"),
        },
    )


def _complete(request: AuthenticatedRequest, enrolment: Enrolment) -> HttpResponse:
    form = EnrolmentCompleteForm(request.POST, prefix="complete")
    if not form.is_valid():
        return _leave_page(request, enrolment, complete_form=form)
    try:
        # An accepted contract offer becomes the outcome with the completion (candidates.lifecycle).
        completed = enrolment_complete(
            enrolment=enrolment,
            by_user=request.user,
            on_date=form.cleaned_data["on_date"],
            note=form.cleaned_data["note"],
        )
    except TransitionNotAllowed as refusal:
        form.add_error(None, str(refusal))
        return _leave_page(request, enrolment, complete_form=form)
    outcome = Outcome.objects.filter(enrolment=completed).first()
    name = enrolment.candidate.full_name
    if outcome is not None:
        messages.success(
            request, _("%(name)s completed the track; the accepted contract offer is the outcome.") % {"name": name}
        )
        return redirect(followups_anchor(enrolment))
    messages.success(request, _("%(name)s completed the track. Record where they went next.") % {"name": name})
    return redirect(_outflow_url(enrolment))


def _drop_out(request: AuthenticatedRequest, enrolment: Enrolment) -> HttpResponse:
    form = EnrolmentDropOutForm(request.POST, prefix="dropout")
    if not form.is_valid():
        return _leave_page(request, enrolment, dropout_form=form)
    found_work = form.found_work()
    try:
        enrolment_drop_out(
            enrolment=enrolment,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            by_user=request.user,
            found_work=found_work,
            on_date=form.cleaned_data["on_date"],
        )
    except TransitionNotAllowed as refusal:
        form.add_error(None, str(refusal))
        return _leave_page(request, enrolment, dropout_form=form)
    name = enrolment.candidate.full_name
    if found_work is not None:
        messages.success(request, _("%(name)s left the track for a job elsewhere: outflow to work.") % {"name": name})
        return redirect(followups_anchor(enrolment))
    messages.success(request, _("%(name)s left the track. Record where they went next.") % {"name": name})
    return redirect(_outflow_url(enrolment))


@role_required(*OUTFLOW_WRITERS)
def leave(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Complete the track, or record that the candidate dropped out and why."""
    enrolment = scoped_enrolment(request, pk)
    if request.method == "POST" and "complete" in request.POST:
        return _complete(request, enrolment)
    if request.method == "POST" and "drop_out" in request.POST:
        return _drop_out(request, enrolment)
    return _leave_page(request, enrolment)


# --- Follow-up ---------------------------------------------------------------------------------------------


def followups_of(enrolments: list[Enrolment]) -> QuerySet[FollowUp]:
    """The follow-ups of these enrolments, in the order they fall due, each with is_overdue; one query."""
    today = timezone.localdate()
    return (
        FollowUp.objects.filter(outcome__enrolment__in=[enrolment.pk for enrolment in enrolments])
        .annotate(
            is_overdue=Case(
                When(answered_on__isnull=True, due_on__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("outcome__enrolment__cohort")
        .order_by("due_on", "months", "pk")
    )


def _followup_initial(followup: FollowUp) -> dict:
    if followup.answered_on is None:
        return {}
    answers = {True: "yes", False: "no", None: ""}
    return {
        "still_working": answers[followup.still_working] or "unknown",
        "same_employer": answers[followup.same_employer],
        "hours_per_week": followup.hours_per_week,
        "note": followup.note,
        "on_date": followup.answered_on,
    }


@role_required(*OUTFLOW_WRITERS)
def followup(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record (or correct) the answer of one follow-up."""
    scoped = FollowUp.objects.filter(outcome__enrolment__in=enrolment_list(user=request.user).values("pk"))
    item = get_object_or_404(
        scoped.select_related(
            "outcome__enrolment__candidate", "outcome__enrolment__cohort__pilot", "outcome__employer__organisation"
        ),
        pk=pk,
    )
    enrolment = item.outcome.enrolment
    form = FollowUpForm(request.POST if request.method == "POST" else None, initial=_followup_initial(item))
    if form.is_bound and form.is_valid():
        try:
            followup_record(followup=item, by_user=request.user, **form.followup_values())
        except TransitionNotAllowed as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("The follow-up after %(months)s of %(name)s is recorded.")
                % {"months": item.get_months_display(), "name": enrolment.candidate.full_name},
            )
            return redirect(followups_anchor(enrolment))
    return render(
        request,
        "candidates/followup.html",
        {
            "followup": item,
            "enrolment": enrolment,
            "outcome": item.outcome,
            "form": form,
            "is_overdue": item.answered_on is None and item.due_on < timezone.localdate(),
        },
    )
