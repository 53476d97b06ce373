"""Coaching during the track: the notes of job coaches, work coaches and trainers, and the mid-term and end
evaluations. Host employers never come in: a coaching note is not theirs to read."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import User
from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from core.statemachine import TransitionNotAllowed

from ..forms import CoachingNoteForm, EvaluationForm, EvaluationGoalFormSet
from ..lifecycle import STARTED
from ..models import CoachKind, Enrolment, Evaluation, EvaluationMoment, NoteVisibility
from ..progress import coaching_note_add, evaluation_record
from ..progress_selectors import coaching_notes_for, evaluations_of
from ..selectors import enrolment_list

COACHING_READERS = (Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER, Role.ADMINISTRATOR)
NOTE_WRITERS = (Role.ADVISER, Role.TRAINING_PARTNER, Role.ADMINISTRATOR)
# Coordinators read the evaluations for the report; the coaches and the advisers hold them.
EVALUATORS = (Role.ADVISER, Role.TRAINING_PARTNER, Role.ADMINISTRATOR)


def scoped_enrolment(request: AuthenticatedRequest, pk: int) -> Enrolment:
    """The enrolment if it belongs to a pilot the user works on; otherwise it does not exist for them."""
    return get_object_or_404(enrolment_list(user=request.user), pk=pk)


def _coaching_url(enrolment: Enrolment) -> str:
    return reverse("candidates:coaching", kwargs={"pk": enrolment.pk})


def _note_form(user: User, data=None) -> CoachingNoteForm:
    return CoachingNoteForm(data, writes_as_adviser=user.role == Role.ADVISER, prefix="note")


@dataclass(frozen=True)
class EvaluationSlot:
    moment: str
    label: str
    evaluation: Evaluation | None
    url: str


def _evaluation_slots(enrolment: Enrolment) -> list[EvaluationSlot]:
    recorded = {evaluation.moment: evaluation for evaluation in evaluations_of(enrolment=enrolment)}
    return [
        EvaluationSlot(
            moment=moment.value,
            label=str(moment.label),
            evaluation=recorded.get(moment.value),
            url=reverse("candidates:evaluation", kwargs={"pk": enrolment.pk, "moment": moment.value}),
        )
        for moment in EvaluationMoment
    ]


def _coaching_page(request: AuthenticatedRequest, enrolment: Enrolment, *, note_form=None) -> HttpResponse:
    user = request.user
    on_track = enrolment.status in STARTED
    may_write = on_track and user.role in NOTE_WRITERS
    return render(
        request,
        "candidates/coaching.html",
        {
            "enrolment": enrolment,
            "notes": coaching_notes_for(user=user, enrolment=enrolment),
            "note_form": (note_form or _note_form(user)) if may_write else None,
            "slots": _evaluation_slots(enrolment) if on_track else [],
            "on_track": on_track,
            "can_evaluate": on_track and user.role in EVALUATORS,
            "sees_team_notes": user.role in (Role.TRAINING_PARTNER, Role.ADMINISTRATOR),
        },
    )


@role_required(*COACHING_READERS)
def coaching(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The notes the user may read and the evaluations of one enrolment; a POST adds a note."""
    enrolment = scoped_enrolment(request, pk)
    if request.method != "POST":
        return _coaching_page(request, enrolment)
    if request.user.role not in NOTE_WRITERS:
        raise PermissionDenied
    form = _note_form(request.user, request.POST)
    if form.is_valid():
        as_adviser = request.user.role == Role.ADVISER
        try:
            coaching_note_add(
                enrolment=enrolment,
                by_user=request.user,
                text=form.cleaned_data["text"],
                coach_kind=CoachKind.ADVISER if as_adviser else form.cleaned_data["coach_kind"],
                visibility=NoteVisibility.SHARED_WITH_ADVISER if as_adviser else form.cleaned_data["visibility"],
            )
        except TransitionNotAllowed as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The coaching note is saved."))
            return redirect(f"{_coaching_url(enrolment)}#notes")
    return _coaching_page(request, enrolment, note_form=form)


def _goal_initial(evaluation: Evaluation | None) -> list[dict]:
    if evaluation is None:
        return []
    return [{"goal": goal.goal, "score": goal.score, "note": goal.note} for goal in evaluation.goals.all()]


def _evaluation_initial(evaluation: Evaluation | None) -> dict:
    if evaluation is None:
        return {}
    return {
        "held_on": evaluation.held_on,
        "attendance_note": evaluation.attendance_note,
        "advice": evaluation.advice,
        "next_step": evaluation.next_step,
    }


@role_required(*COACHING_READERS)
def evaluation(request: AuthenticatedRequest, pk: int, moment: str) -> HttpResponse:
    """Record (or redo) the mid-term or end evaluation; coordinators read it."""
    enrolment = scoped_enrolment(request, pk)
    if moment not in EvaluationMoment.values or enrolment.status not in STARTED:
        raise Http404
    recorded = evaluations_of(enrolment=enrolment).filter(moment=moment).first()
    may_write = request.user.role in EVALUATORS
    if request.method == "POST" and not may_write:
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = EvaluationForm(data, initial=_evaluation_initial(recorded), prefix="evaluation")
    goals = EvaluationGoalFormSet(data, initial=_goal_initial(recorded), prefix="goals")
    if data is not None and form.is_valid() and goals.is_valid():
        try:
            evaluation_record(
                enrolment=enrolment, moment=moment, by_user=request.user, goals=goals.goals(), **form.cleaned_data
            )
        except TransitionNotAllowed as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("The %(moment)s of %(name)s is recorded.")
                % {"moment": EvaluationMoment(moment).label.lower(), "name": enrolment.candidate.full_name},
            )
            return redirect(f"{_coaching_url(enrolment)}#evaluations")
    return render(
        request,
        "candidates/evaluation.html",
        {
            "enrolment": enrolment,
            "moment_label": EvaluationMoment(moment).label,
            "evaluation": recorded,
            "form": form if may_write else None,
            "goals": goals if may_write else None,
        },
    )
