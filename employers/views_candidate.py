"""The candidate's pages that show the placements: the candidate's page (enrolments with their placements, the
timeline) with its notes, and the outcome, whose host employer is one of the placements' hosts.

They answer in the candidates section (config/urls.py) and stand here, in the highest app they show; the rest
of the candidate's pages are in candidates/views/.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from candidates.completeness import completeness_percentage, missing_requirements
from candidates.forms import NoteForm, OutflowForm
from candidates.lifecycle import TRACK_OVER
from candidates.models import Candidate, EnrolmentStatus, Outcome, Screening, Weekday
from candidates.progress import outflow_record
from candidates.selectors import NOTE_READER_ROLES, enrolment_list
from candidates.services import note_add
from candidates.tables import status_badge_class
from candidates.timeline import TIMELINE_SHOWN
from candidates.validators import age_on
from candidates.views.candidates import EDITOR_ROLES, NOTE_WRITER_ROLES, READER_ROLES, visible_candidate
from candidates.views.coaching import scoped_enrolment
from candidates.views.outflow import OUTFLOW_READERS, OUTFLOW_WRITERS, followups_anchor, followups_of
from core.permissions import AuthenticatedRequest, role_required
from core.statemachine import TransitionNotAllowed
from pilots.models import ReferenceKind
from pilots.selectors import with_reference_label

from .selectors import candidate_timeline, enrolment_hosts, placement_list

# --- The candidate's page and its notes ----------------------------------------------------------------------


def _detail_page(request: AuthenticatedRequest, candidate: Candidate, *, note_form=None) -> HttpResponse:
    user = request.user
    enrolments = list(
        with_reference_label(
            enrolment_list(user=user),
            field="dropout_reason",
            kind=ReferenceKind.DROPOUT_REASON,
            name="dropout_reason_label",
        )
        .filter(candidate=candidate)
        .select_related("cohort_class", "outcome__employer__organisation")
        .prefetch_related(
            Prefetch("screenings", queryset=Screening.objects.select_related("adviser").order_by("-screened_on")),
            Prefetch("placements", queryset=placement_list(user=user).order_by("-created_at")),
        )
        .order_by("-created_at", "-pk")
    )
    enrolment_rows = [
        {
            "enrolment": enrolment,
            "badge_class": status_badge_class(enrolment.status),
            "next_steps": [EnrolmentStatus(status).label for status in enrolment.allowed_statuses()],
        }
        for enrolment in enrolments
    ]
    may_read_notes = user.role in NOTE_READER_ROLES
    followups = list(followups_of(enrolments))
    # One more than shown, to know whether older events are left out.
    timeline = candidate_timeline(candidate=candidate, user=user, limit=TIMELINE_SHOWN + 1, enrolments=enrolments)
    return render(
        request,
        "candidates/candidate_detail.html",
        {
            "candidate": candidate,
            "enrolment_rows": enrolment_rows,
            "barriers": with_reference_label(
                candidate.barriers.all(), field="kind", kind=ReferenceKind.BARRIER, name="kind_label"
            ),
            "notes": candidate.notes.select_related("author") if may_read_notes else None,
            "note_form": note_form or (NoteForm() if user.role in NOTE_WRITER_ROLES else None),
            "timeline": timeline[:TIMELINE_SHOWN],
            "timeline_cut": len(timeline) > TIMELINE_SHOWN,
            "missing": missing_requirements(candidate),
            "completeness": completeness_percentage(candidate),
            "max_score": Screening.MAX_SCORE,
            "age": age_on(candidate.date_of_birth, timezone.localdate()) if candidate.date_of_birth else None,
            "available_days": [label for value, label in Weekday.choices if value in candidate.available_days],
            "can_edit": user.role in EDITOR_ROLES,
            "followups": followups,
            "can_record_followups": user.role in OUTFLOW_WRITERS,
        },
    )


@role_required(*READER_ROLES)
def candidate_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail_page(request, visible_candidate(request, pk))


@role_required(*NOTE_WRITER_ROLES)
@require_POST
def candidate_note_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    candidate = visible_candidate(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note_add(candidate=candidate, by_user=request.user, text=form.cleaned_data["text"])
        except TransitionNotAllowed as refusal:
            form.add_error("text", str(refusal))
        else:
            messages.success(request, _("The note is saved."))
            return redirect(f"{candidate.get_absolute_url()}#notes")
    return _detail_page(request, candidate, note_form=form)


# --- The outcome ---------------------------------------------------------------------------------------------


def _outcome_initial(outcome: Outcome | None) -> dict:
    if outcome is None:
        return {}
    fields = ("kind", "employer", "employer_name", "contract_type", "education_level", "start_date")
    return {name: getattr(outcome, name) for name in (*fields, "hours_per_week", "next_step")}


@role_required(*OUTFLOW_READERS)
def outflow(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record (or correct) where the candidate went after the track; the follow-ups are scheduled with it."""
    enrolment = scoped_enrolment(request, pk)
    outcome = Outcome.objects.filter(enrolment=enrolment).select_related("employer__organisation").first()
    may_write = request.user.role in OUTFLOW_WRITERS and enrolment.status in TRACK_OVER
    if request.method == "POST" and not may_write:
        raise PermissionDenied
    form = None
    if may_write:
        data = request.POST if request.method == "POST" else None
        form = OutflowForm(data, hosts=enrolment_hosts(enrolment=enrolment), initial=_outcome_initial(outcome))
        if form.is_bound and form.is_valid():
            try:
                outflow_record(enrolment=enrolment, by_user=request.user, **form.outflow_values())
            except TransitionNotAllowed as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(
                    request,
                    _("The outcome of %(name)s is recorded; the follow-ups at 3, 6 and 12 months are planned.")
                    % {"name": enrolment.candidate.full_name},
                )
                return redirect(followups_anchor(enrolment))
    return render(
        request,
        "candidates/outflow.html",
        {
            "enrolment": enrolment,
            "outcome": outcome,
            "form": form,
            "is_over": enrolment.status in TRACK_OVER,
        },
    )
