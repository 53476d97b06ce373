"""The track's pages, in the pilots section (config/urls.py): the learning line and weekly rhythm, the weekly
attendance grid, module results and certificates.

They stand in candidates, not pilots, because they work on the enrolments: the rhythm decides the attendance
sessions, and the grid and the results are the candidates'. The writes are the services of pilots/services.py
and candidates/progress.py, the reads mostly those of candidates/progress_selectors.py.
"""

from collections import defaultdict
from datetime import date, timedelta
from typing import cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.fields import id_from
from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from core.statemachine import TransitionNotAllowed
from pilots.forms import CohortModuleForm, ModuleForm, RhythmForm
from pilots.models import Cohort, CohortModule, Module, TrackWeekday
from pilots.selectors import (
    LINE_ORDER,
    PILOT_MODULE_PREFIX,
    CohortLearningLine,
    cohort_learning_line_or_pilots,
    cohort_list,
    module_choice,
    pilot_list,
)
from pilots.services import (
    cohort_learning_line_copy,
    cohort_module_create,
    cohort_module_delete,
    cohort_module_update,
    cohort_rhythm_update,
    module_create,
    module_delete,
    module_update,
)

from ..attendance_grid import cell_field_name, posted_cells, row_enrolment_id, shortcut_keys
from ..forms import CertificateForm, ModuleResultForm
from ..lifecycle import STARTED
from ..models import AttendanceStatus, Certificate, Enrolment, ModuleResult, ModuleResultStatus
from ..progress import MARKABLE_IN_ADVANCE, attendance_grid_save, certificate_record, module_result_record
from ..progress_selectors import (
    attendance_rates,
    attendance_week,
    certificates_expiring,
    cohort_learning_line,
    cohort_rhythm,
    counting_certificates,
    module_attendance_rates,
    week_monday,
)

# Host employers see neither the learning line nor the candidates' progress.
LEARNING_LINE_EDITORS = (Role.COORDINATOR, Role.ADMINISTRATOR)
TRACK_READERS = (Role.COORDINATOR, Role.ADVISER, Role.TRAINING_PARTNER, Role.ADMINISTRATOR)
ATTENDANCE_RECORDERS = TRACK_READERS
# Results and certificates are the training partner's to record; the others follow them.
RESULT_RECORDERS = (Role.TRAINING_PARTNER, Role.ADMINISTRATOR)
# The expiring-certificates list looks this far ahead.
EXPIRING_WITHIN_DAYS = 90
# The attendance grid's rows a page shows: a class or two.
ATTENDANCE_PAGE_SIZE = 25


# --- Learning line and weekly rhythm --------------------------------------------------------------------------


def _module_in[M: (Module, CohortModule)](modules: QuerySet[M], value: str | None) -> M | None:
    module_id = id_from(value)
    return modules.filter(pk=module_id).first() if module_id is not None else None


def _with_own_modules(
    request: AuthenticatedRequest, cohort: Cohort, fields: tuple[str, ...], *, copy: bool
) -> QueryDict:
    """The posted data, with each module of the pilot's line (the page showed it while the cohort had no modules
    of its own) replaced by the cohort's copy of it.

    The copy is a write, so it is made here, by the POST that needs the cohort's own modules: always when `copy`,
    otherwise only when one of `fields` names a module of the pilot's line. A module the copy does not hold
    (taken off the pilot's line in the meantime) keeps its posted value, which the form refuses.
    """
    data = request.POST.copy()
    named: dict[str, int] = {}
    for name in fields:
        value = data.get(name, "")
        if value.startswith(PILOT_MODULE_PREFIX):
            pilot_module_id = id_from(value.removeprefix(PILOT_MODULE_PREFIX))
            if pilot_module_id is not None:
                named[name] = pilot_module_id
    if not (copy or named):
        return data
    copies = {
        module.module_id: module
        for module in cohort_learning_line_copy(cohort=cohort, by_user=request.user)
        if module.module_id is not None
    }
    for name, pilot_module_id in named.items():
        if pilot_module_id in copies:
            data[name] = str(copies[pilot_module_id].pk)
    return data


def _learning_line_post(
    request: HttpRequest, data: QueryDict, *, modules: QuerySet, form_class, new, create, update, delete
):
    """Handle a learning line's add, edit and delete; returns (form, editing module, done)."""
    deleting = _module_in(modules, data.get("delete"))
    if deleting is not None:
        try:
            delete(deleting)
        except TransitionNotAllowed as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("%(module)s is removed from the learning line.") % {"module": deleting.name})
        return None, None, True
    editing = _module_in(modules, data.get("module"))
    form = form_class(data, instance=editing or new, siblings=modules)
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            saved = update(editing, fields) if editing is not None else create(fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(module)s is saved.") % {"module": saved.name})
            return form, editing, True
    return form, editing, False


@role_required(*TRACK_READERS)
def learning_line_pilot(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    pilot = get_object_or_404(pilot_list(user=request.user), slug=slug)
    can_edit = request.user.role in LEARNING_LINE_EDITORS
    modules = pilot.modules.select_related("provider").order_by(*LINE_ORDER)
    form = editing = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form, editing, done = _learning_line_post(
            request,
            request.POST,
            modules=pilot.modules.all(),
            form_class=ModuleForm,
            new=Module(pilot=pilot),
            create=lambda fields: module_create(pilot=pilot, by_user=request.user, **fields),
            update=lambda module, fields: module_update(module=module, by_user=request.user, **fields),
            delete=lambda module: module_delete(module=module, by_user=request.user),
        )
        if done:
            return redirect("pilots:learning-line", slug=pilot.slug)
    elif can_edit:
        editing = _module_in(pilot.modules.all(), request.GET.get("edit"))
        form = ModuleForm(instance=editing, siblings=pilot.modules.all())
    return render(
        request,
        "pilots/learning_line.html",
        {
            "pilot": pilot,
            "rows": [(module, str(module.pk)) for module in modules],
            "can_edit": can_edit,
            "form": form,
            "editing": editing,
            "editing_key": str(editing.pk) if editing is not None else None,
        },
    )


@role_required(*TRACK_READERS)
def learning_line_cohort(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(cohort_list(user=request.user), pk=pk)
    can_edit = request.user.role in LEARNING_LINE_EDITORS
    form = editing = None
    rhythm = cohort_rhythm(cohort)
    rhythm_form = RhythmForm(
        initial={"internship_weekdays": list(rhythm.internship), "school_weekdays": list(rhythm.school)}
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if "save_rhythm" in request.POST:
            rhythm_form = RhythmForm(request.POST)
            if rhythm_form.is_valid():
                try:
                    cohort_rhythm_update(cohort=cohort, by_user=request.user, **rhythm_form.cleaned_data)
                except TransitionNotAllowed as refusal:
                    rhythm_form.add_error(None, str(refusal))
                else:
                    messages.success(request, _("The weekly rhythm of %(cohort)s is saved.") % {"cohort": cohort.name})
                    return redirect("pilots:cohort-learning-line", pk=cohort.pk)
        else:
            # The cohort inherits the pilot's line once, at its first change; from then on its modules are its own.
            data = _with_own_modules(request, cohort, ("module", "delete"), copy=True)
            form, editing, done = _learning_line_post(
                request,
                data,
                modules=cohort.learning_line.all(),
                form_class=CohortModuleForm,
                new=CohortModule(cohort=cohort),
                create=lambda fields: cohort_module_create(cohort=cohort, by_user=request.user, **fields),
                update=lambda module, fields: cohort_module_update(
                    cohort_module=module, by_user=request.user, **fields
                ),
                delete=lambda module: cohort_module_delete(cohort_module=module, by_user=request.user),
            )
            if done:
                return redirect("pilots:cohort-learning-line", pk=cohort.pk)
    line = cohort_learning_line_or_pilots(cohort=cohort)
    if can_edit and form is None:
        edit = request.GET.get("edit")
        editing = next((module for module in line.modules if module_choice(module) == edit), None)
        form = CohortModuleForm(instance=editing, siblings=cohort.learning_line.all())
    return render(
        request,
        "pilots/learning_cohort.html",
        {
            "cohort": cohort,
            "rows": [(module, module_choice(module)) for module in line.modules],
            "inherited": line.inherited,
            "rhythm": rhythm,
            "internship_days": [TrackWeekday(code).label for code in rhythm.internship],
            "school_days": [TrackWeekday(code).label for code in rhythm.school],
            "rhythm_form": rhythm_form,
            "can_edit": can_edit,
            "form": form,
            "editing": editing,
            "editing_key": module_choice(editing) if editing is not None else None,
        },
    )


# --- Attendance -----------------------------------------------------------------------------------------------


def _grid_week(cohort: Cohort, value: str | None) -> date:
    """The Monday of the asked week; without (a valid) one, this week, kept within the cohort's period."""
    try:
        return week_monday(date.fromisoformat(value or ""))
    except ValueError:
        today = timezone.localdate()
        return week_monday(min(max(today, cohort.start_date), cohort.end_date))


def _attendance_url(cohort: Cohort, monday: date, page: int | str | None = None) -> str:
    query = {"week": monday.isoformat()}
    if page and str(page) != "1":
        query["page"] = str(page)
    return f"{reverse('pilots:attendance', kwargs={'pk': cohort.pk})}?{urlencode(query)}"


def _attendance_post(request: AuthenticatedRequest, cohort: Cohort, monday: date) -> str | None:
    """Save the grid and, when a row's button was pressed, mark the rest of that row present.

    Returns the reason when refused; nothing is saved then.
    """
    try:
        written = attendance_grid_save(
            cohort=cohort,
            week_start=monday,
            cells=request.POST,
            row_enrolment_id=row_enrolment_id(request.POST),
            by_user=request.user,
        )
    except TransitionNotAllowed as refusal:
        return str(refusal)
    messages.success(
        request,
        ngettext(
            "The attendance is saved: %(count)s mark changed.",
            "The attendance is saved: %(count)s marks changed.",
            written,
        )
        % {"count": written},
    )
    return None


@role_required(*ATTENDANCE_RECORDERS)
def attendance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(cohort_list(user=request.user), pk=pk)
    monday = _grid_week(cohort, request.GET.get("week"))
    asked_page = request.GET.get("page")
    posted: dict[str, str] = {}
    if request.method == "POST":
        refusal = _attendance_post(request, cohort, monday)
        if refusal is None:
            return redirect(_attendance_url(cohort, monday, asked_page))
        messages.error(request, _("The attendance was not saved: %(reason)s") % {"reason": refusal})
        # Show the grid as it was filled in, so nothing typed is lost.
        posted = posted_cells(request.POST)
    # Writes nothing: a day of the rhythm without a session yet shows as an unsaved one, which a save creates.
    week = attendance_week(cohort=cohort, week_start=monday)
    # The people a page at a time: a class's worth of rows fits a screen, a whole large cohort's selects do not.
    # Each page saves its own rows (the service leaves the cells it is not sent alone).
    people = Paginator(week.rows, ATTENDANCE_PAGE_SIZE).get_page(asked_page)
    rates = attendance_rates(enrolments=[row.enrolment for row in people])
    threshold = settings.ATTENDANCE_THRESHOLD_PERCENT
    today = timezone.localdate()
    choices = {False: _cell_choices(False), True: _cell_choices(True)}
    # What a cell's hidden label says of its day, told once per day rather than once per cell.
    days = [
        {"kind": session.get_kind_display(), "day": date_format(session.date, "l j F")} for session in week.sessions
    ]
    rows = [
        {
            "enrolment": row.enrolment,
            "rate": rates[row.enrolment.pk],
            "is_below": rates[row.enrolment.pk].is_below(threshold),
            "cells": [
                {
                    "cell": cell,
                    "name": (name := cell_field_name(cell)),
                    "value": posted.get(name, cell.status) or "",
                    "choices": choices[cell.is_future],
                    "label": _("%(name)s, %(kind)s %(day)s") % {"name": row.enrolment.candidate.full_name, **day},
                }
                # A row's cells follow the week's sessions.
                for cell, day in zip(row.cells, days, strict=True)
            ],
        }
        for row in people
    ]
    modules = cohort_learning_line_or_pilots(cohort=cohort).modules
    module_rates = module_attendance_rates(cohort=cohort)
    week_number = (monday - week_monday(cohort.start_date)).days // 7 + 1
    return render(
        request,
        "pilots/attendance.html",
        {
            "cohort": cohort,
            "week": week,
            "rows": rows,
            "people": people,
            "week_number": week_number,
            "week_modules": [module for module in modules if module.start_week <= week_number <= module.end_week],
            "module_rates": [(module, module_rates[module.pk]) for module in modules if module.pk in module_rates],
            "threshold": threshold,
            "shortcut_keys": shortcut_keys(),
            # Another week keeps the page of people.
            "previous_url": _attendance_url(cohort, monday - timedelta(days=7), people.number)
            if monday > cohort.start_date
            else None,
            "next_url": _attendance_url(cohort, monday + timedelta(days=7), people.number)
            if monday + timedelta(days=7) <= cohort.end_date
            else None,
            "this_week_url": _attendance_url(cohort, week_monday(today), people.number),
        },
    )


def _cell_choices(is_future: bool) -> list[tuple[str, str | Promise]]:
    # A day still to come can only be marked with what is known in advance.
    return [
        (value, label) for value, label in AttendanceStatus.choices if not is_future or value in MARKABLE_IN_ADVANCE
    ]


# --- Module results and certificates -------------------------------------------------------------------------


def _track_enrolments(cohort: Cohort) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(cohort=cohort, status__in=STARTED)
        .select_related("candidate")
        .order_by("candidate__last_name", "candidate__first_name", "pk")
    )


def _results_post(request: AuthenticatedRequest, data: QueryDict, enrolments, modules) -> CertificateForm | None:
    """Record a result or a certificate; returns the certificate form when it must be shown again."""
    if "record_result" in data:
        result_form = ModuleResultForm(data, enrolments=enrolments, cohort_modules=modules)
        if not result_form.is_valid():
            errors = " ".join(str(error) for errors in result_form.errors.values() for error in errors)
            messages.error(request, _("The result was not saved: %(reason)s") % {"reason": errors})
            return None
        cleaned = result_form.cleaned_data
        try:
            result = module_result_record(
                enrolment=cleaned["enrolment"],
                cohort_module=cleaned["cohort_module"],
                status=cleaned["status"],
                on_date=cleaned["date"],
                by_user=request.user,
            )
        except TransitionNotAllowed as refusal:
            messages.error(request, _("The result was not saved: %(reason)s") % {"reason": refusal})
        else:
            messages.success(
                request,
                _("%(name)s: %(module)s is “%(result)s”.")
                % {
                    "name": cleaned["enrolment"].candidate.full_name,
                    "module": cleaned["cohort_module"].name,
                    "result": result.get_status_display(),
                },
            )
        return None
    form = CertificateForm(data, enrolments=enrolments, cohort_modules=modules)
    if form.is_valid():
        cleaned = form.cleaned_data
        try:
            certificate = certificate_record(
                enrolment=cleaned["enrolment"],
                cohort_module=cleaned["cohort_module"],
                name=cleaned["name"],
                number=cleaned["number"],
                issued_on=cleaned["issued_on"],
                expires_on=cleaned["expires_on"],
                by_user=request.user,
            )
        except TransitionNotAllowed as refusal:
            form.add_error(None, str(refusal))
        else:
            name = cleaned["enrolment"].candidate.full_name
            if certificate.expires_on is not None:
                text = _("%(certificate)s of %(name)s is recorded; it expires on %(date)s.") % {
                    "certificate": certificate.name,
                    "name": name,
                    "date": date_format(certificate.expires_on, "DATE_FORMAT"),
                }
            else:
                text = _("%(certificate)s of %(name)s is recorded.") % {"certificate": certificate.name, "name": name}
            messages.success(request, text)
            return None
    return form


@role_required(*TRACK_READERS)
def results(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(cohort_list(user=request.user), pk=pk)
    can_record = request.user.role in RESULT_RECORDERS
    enrolments = _track_enrolments(cohort)
    certificate_form = None
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        # A result or certificate of a module the cohort has not copied yet copies the pilot's line first.
        data = _with_own_modules(request, cohort, ("cohort_module",), copy=False)
        certificate_form = _results_post(request, data, enrolments, cohort_learning_line(cohort=cohort))
        if certificate_form is None:
            return redirect("pilots:results", pk=cohort.pk)
    line = cohort_learning_line_or_pilots(cohort=cohort)
    if can_record and certificate_form is None:
        certificate_form = CertificateForm(enrolments=enrolments, cohort_modules=cohort_learning_line(cohort=cohort))
    if certificate_form is not None:
        _offer_line(certificate_form, line)
    rows = _result_rows(cohort, list(enrolments), line.modules)
    return render(
        request,
        "pilots/results.html",
        {
            "cohort": cohort,
            "columns": [(module, module_choice(module)) for module in line.modules],
            "rows": rows,
            "any_certificates": any(row["certificates"] for row in rows),
            "can_record": can_record,
            "certificate_form": certificate_form,
            "status_choices": ModuleResultStatus.choices,
            "expiring": certificates_expiring(user=request.user, within_days=EXPIRING_WITHIN_DAYS).filter(
                enrolment__cohort=cohort
            ),
            "today": timezone.localdate(),
        },
    )


def _offer_line(form: CertificateForm, line: CohortLearningLine) -> None:
    """Offer the modules the page shows; an inherited line's are not rows yet, so the form cannot list them."""
    if line.inherited:
        field = cast(forms.ModelChoiceField, form.fields["cohort_module"])
        field.choices = [("", field.empty_label), *[(module_choice(module), module.name) for module in line.modules]]


def _result_rows(cohort: Cohort, enrolments: list[Enrolment], modules: list[CohortModule]) -> list[dict]:
    """Per candidate: the result in each module, the certificates and how many of them count; three queries."""
    results = {
        (result.enrolment_id, result.cohort_module_id): result
        for result in ModuleResult.objects.filter(enrolment__cohort=cohort, cohort_module__cohort=cohort)
    }
    certificates = defaultdict(list)
    for certificate in (
        Certificate.objects.filter(enrolment__cohort=cohort)
        .select_related("cohort_module")
        .order_by("-issued_on", "name", "pk")
    ):
        certificates[certificate.enrolment_id].append(certificate)
    # The same definition as enrolment_certificates_count, for all candidates at once.
    counts = dict(
        Certificate.objects.filter(enrolment__cohort=cohort)
        .filter(counting_certificates())
        .order_by()
        .values_list("enrolment_id")
        .annotate(n=Count("pk"))
    )
    return [
        {
            "enrolment": enrolment,
            "results": [(module, module_choice(module), results.get((enrolment.pk, module.pk))) for module in modules],
            "certificates": certificates[enrolment.pk],
            "certificate_count": counts.get(enrolment.pk, 0),
        }
        for enrolment in enrolments
    ]


@role_required(*TRACK_READERS)
def certificates_expiring_list(request: AuthenticatedRequest) -> HttpResponse:
    """The certificates of the candidates the user follows that expire within three months."""
    return render(
        request,
        "pilots/results_expiring.html",
        {
            "certificates": certificates_expiring(user=request.user, within_days=EXPIRING_WITHIN_DAYS),
            "within_days": EXPIRING_WITHIN_DAYS,
        },
    )
