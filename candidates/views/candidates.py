"""The adviser's intake workspace: the candidate list and its exports, registration, hand-over.

The candidate's page shows the placements too, so it stands in employers (employers/views_candidate.py).
"""

from collections.abc import Iterator
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_tables2 import RequestConfig
from django_tables2.rows import BoundRows

from core.exports import csv_response, xlsx_response
from core.paginator import TableIdsFirstPaginator
from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from pilots.selectors import cohort_list
from pilots.services import CohortClosed

from ..completeness import completeness_percentage
from ..filters import CandidateFilter
from ..forms import CandidateForm, CandidateIntakeForm, CaseloadAdviserForm, CaseloadReassignForm
from ..models import Candidate, EnrolmentStatus
from ..selectors import NOTE_READER_ROLES, candidate_duplicates, candidate_list
from ..services import candidate_register, candidate_update, caseload_reassign
from ..tables import PAGE_SIZES, CandidateTable, page_size
from ..validators import format_phone

READER_ROLES = (Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER, Role.ADMINISTRATOR)
# Registering and editing is adviser work; coordinators and training partners read.
EDITOR_ROLES = (Role.ADVISER, Role.ADMINISTRATOR)
EXPORT_ROLES = (Role.ADVISER, Role.COORDINATOR, Role.ADMINISTRATOR)
NOTE_WRITER_ROLES = tuple(NOTE_READER_ROLES)
HAND_OVER_ROLES = (Role.COORDINATOR, Role.ADMINISTRATOR)
EXPORT_FORMATS = ("csv", "xlsx")


# --- The list and its exports ------------------------------------------------------------------------


class CountedTablePaginator(TableIdsFirstPaginator):
    """TableIdsFirstPaginator with the length of the list given rather than asked of the table's queryset."""

    def __init__(self, *args, count: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.count = count  # a cached_property, known already


def _sorted_table(request: HttpRequest, filterset: CandidateFilter) -> CandidateTable:
    table = CandidateTable(filterset.qs)
    RequestConfig(request, paginate=False).configure(table)
    return table


@role_required(*READER_ROLES)
def candidate_index(request: AuthenticatedRequest) -> HttpResponse:
    filterset = CandidateFilter(request.GET, user=request.user)
    table = _sorted_table(request, filterset)
    per_page = page_size(request.GET.get("per_page"))
    # A far page reads its ids first and then only its own rows (core.paginator); the length of the list comes
    # from the filters (CandidateFilter.count), which count it from the indexes of the scope.
    paginate = partial(
        table.paginate, paginator_class=CountedTablePaginator, per_page=per_page, count=filterset.count()
    )
    try:
        paginate(page=request.GET.get("page") or 1)
    except PageNotAnInteger:
        paginate(page=1)
    except EmptyPage:
        # A bookmarked page beyond the end (the list got shorter) shows the last page.
        paginate(page=table.paginator.num_pages)
    # The page's rows only: the database picked them without the enrolment columns, which come in one query now.
    page_rows = filterset.with_current_enrolments(list(table.page.object_list.data))
    table.page.object_list = BoundRows(page_rows, table=table)
    role = request.user.role
    return render(
        request,
        "candidates/candidate_list.html",
        {
            "filter": filterset,
            "table": table,
            "page_sizes": PAGE_SIZES,
            "per_page": per_page,
            "query": request.GET.urlencode(),
            "can_register": role in EDITOR_ROLES,
            "can_export": role in EXPORT_ROLES,
            "can_hand_over": role in HAND_OVER_ROLES,
        },
    )


EXPORT_HEADER = [
    gettext_lazy("First name"),
    gettext_lazy("Prefix"),
    gettext_lazy("Last name"),
    gettext_lazy("Date of birth"),
    gettext_lazy("E-mail"),
    gettext_lazy("Phone"),
    gettext_lazy("Postcode"),
    gettext_lazy("City"),
    gettext_lazy("Pilot"),
    gettext_lazy("Cohort"),
    gettext_lazy("Status"),
    gettext_lazy("Adviser"),
    gettext_lazy("Referral source"),
    gettext_lazy("Complete (%)"),
    gettext_lazy("Registered"),
]


def _export_row(candidate: Any) -> list:
    """A row of the export: a Candidate with the columns of CandidateFilter.with_current_enrolments set."""
    return [
        candidate.first_name,
        candidate.last_name_prefix,
        candidate.last_name,
        candidate.date_of_birth,
        candidate.email,
        format_phone(candidate.phone),
        candidate.postcode,
        candidate.city,
        candidate.current_pilot_name or "",
        candidate.current_cohort_name or "",
        str(EnrolmentStatus(candidate.current_status).label) if candidate.current_status else "",
        str(candidate.adviser) if candidate.adviser_id else "",
        candidate.get_referral_source_display(),
        completeness_percentage(candidate),
        candidate.created_at,
    ]


EXPORT_CHUNK = 2000


def _with_current_enrolments(filterset: CandidateFilter, candidates) -> Iterator[Candidate]:
    """Every row of the list, read in chunks, each chunk with its enrolment columns in one more query."""
    chunk: list[Candidate] = []
    for candidate in candidates.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(candidate)
        if len(chunk) == EXPORT_CHUNK:
            yield from filterset.with_current_enrolments(chunk)
            chunk = []
    yield from filterset.with_current_enrolments(chunk)


@role_required(*EXPORT_ROLES)
def candidate_export(request: AuthenticatedRequest, fmt: str) -> HttpResponse:
    """The filtered list in the order shown, every page of it."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    filterset = CandidateFilter(request.GET, user=request.user)
    table = _sorted_table(request, filterset)
    header = [str(label) for label in EXPORT_HEADER]
    rows = (_export_row(candidate) for candidate in _with_current_enrolments(filterset, table.data.data))
    filename = f"{_('candidates')}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        return csv_response(filename=filename, header=header, rows=rows, request=request)
    return xlsx_response(filename=filename, sheets=[(_("Candidates"), header, rows)], request=request)


# --- Registration and editing ------------------------------------------------------------------------

# The form fields that are columns of the candidate; consent and barriers go to the service separately.
CANDIDATE_FIELDS = [name for name in CandidateForm.Meta.fields if name != "consent_purpose"]


def _duplicates_of(form: CandidateIntakeForm, *, user, exclude_pk=None) -> list[Candidate]:
    """Possible duplicates by what the form could already read, also when other fields still have errors."""
    cleaned = getattr(form, "cleaned_data", {})
    return list(
        candidate_duplicates(
            user=user,
            email=cleaned.get("email") or "",
            first_name=cleaned.get("first_name") or "",
            last_name=cleaned.get("last_name") or "",
            date_of_birth=cleaned.get("date_of_birth"),
            exclude_pk=exclude_pk,
        ).only("first_name", "last_name_prefix", "last_name", "date_of_birth", "email", "created_at")
    )


def _add_model_errors(form, error: ValidationError) -> None:
    """A rule the model checks while saving shows on the form, next to its field when the form has one."""
    for field, messages_ in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
        form.add_error(field if field in form.fields else None, messages_)


def _candidate_form_page(request, form, *, candidate=None, duplicates=()) -> HttpResponse:
    return render(
        request,
        "candidates/candidate_form.html",
        {"form": form, "candidate": candidate, "duplicates": duplicates},
    )


@role_required(*EDITOR_ROLES)
def candidate_create(request: AuthenticatedRequest) -> HttpResponse:
    form = CandidateIntakeForm(request.POST or None, cohorts=cohort_list(user=request.user).open())
    if request.method != "POST":
        return _candidate_form_page(request, form)
    valid = form.is_valid()
    duplicates = _duplicates_of(form, user=request.user)
    if not valid or (duplicates and not form.cleaned_data["confirm_different_person"]):
        return _candidate_form_page(request, form, duplicates=duplicates)
    data = {name: form.cleaned_data[name] for name in CANDIDATE_FIELDS}
    try:
        candidate = candidate_register(
            by_user=request.user,
            data=data,
            barriers=form.cleaned_data["barriers"],
            cohort=form.cleaned_data.get("cohort"),
            consent_purpose=form.cleaned_data["consent_purpose"],
        )
    except ValidationError as error:
        _add_model_errors(form, error)
        return _candidate_form_page(request, form, duplicates=duplicates)
    except CohortClosed as refusal:
        # Closed while the form was open: nothing is saved, the cohort field says why.
        form.add_error("cohort", str(refusal))
        return _candidate_form_page(request, form, duplicates=duplicates)
    messages.success(request, _("%(name)s is registered.") % {"name": candidate.full_name})
    return redirect(candidate)


@role_required(*EDITOR_ROLES)
def candidate_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    candidate = visible_candidate(request, pk)
    form = CandidateIntakeForm(request.POST or None, instance=candidate)
    if request.method != "POST":
        return _candidate_form_page(request, form, candidate=candidate)
    valid = form.is_valid()
    duplicates = _duplicates_of(form, user=request.user, exclude_pk=candidate.pk)
    if not valid or (duplicates and not form.cleaned_data["confirm_different_person"]):
        return _candidate_form_page(request, form, candidate=candidate, duplicates=duplicates)
    data = {name: form.cleaned_data[name] for name in CANDIDATE_FIELDS}
    if not candidate.has_consent:
        data["consent_purpose"] = form.cleaned_data["consent_purpose"]
    candidate_update(candidate=candidate, by_user=request.user, data=data, barriers=form.cleaned_data["barriers"])
    messages.success(request, _("The changes to %(name)s are saved.") % {"name": candidate.full_name})
    return redirect(candidate)


# --- A candidate the user may see ------------------------------------------------------------------
# The candidate's page and its notes show the placements too: employers/views_candidate.py.


def visible_candidate(request: AuthenticatedRequest, pk: int) -> Candidate:
    scoped = candidate_list(user=request.user).values("pk")
    queryset = Candidate.objects.filter(pk__in=scoped).select_related(
        "adviser", "referring_organisation", "consent_recorded_by"
    )
    return get_object_or_404(queryset, pk=pk)


# --- Caseload hand-over --------------------------------------------------------------------------------


def _hand_over_advisers(user):
    """Advisers a coordinator hands over between: those of their own organisation (all, for an administrator)."""
    advisers = get_user_model().objects.filter(groups__name=Role.ADVISER).select_related("organisation")
    if user.role != Role.ADMINISTRATOR:
        advisers = advisers.filter(organisation_id=user.organisation_id) if user.organisation_id else advisers.none()
    return advisers.order_by("last_name", "first_name", "username")


@role_required(*HAND_OVER_ROLES)
def caseload_hand_over(request: AuthenticatedRequest) -> HttpResponse:
    """Hand over all or some candidates of one adviser to a colleague, each change kept in the history.

    The caseload is every candidate the adviser follows, also those not enrolled yet and so not on
    the coordinator's own list: the coordinator answers for the advisers of their organisation.
    """
    advisers = _hand_over_advisers(request.user)
    data = request.POST if request.method == "POST" else request.GET
    choose_form = CaseloadAdviserForm(data if "from_adviser" in data else None, advisers=advisers)
    from_adviser = choose_form.cleaned_data["from_adviser"] if choose_form.is_valid() else None
    reassign_form = None
    caseload_size = 0
    has_colleagues = False
    if from_adviser is not None:
        caseload = Candidate.objects.filter(adviser=from_adviser).order_by("last_name", "first_name", "pk")
        colleagues = advisers.filter(organisation_id=from_adviser.organisation_id).exclude(pk=from_adviser.pk)
        caseload_size = caseload.count()
        has_colleagues = colleagues.exists()
        reassign_form = CaseloadReassignForm(
            request.POST if request.method == "POST" else None,
            from_advisers=advisers,
            caseload=caseload,
            to_advisers=colleagues,
            initial={"from_adviser": from_adviser.pk},
        )
        if request.method == "POST" and reassign_form.is_valid():
            to_adviser = reassign_form.cleaned_data["to_adviser"]
            count = caseload_reassign(
                candidates=reassign_form.selected_candidates(),
                to_adviser=to_adviser,
                by_user=request.user,
                reason=reassign_form.cleaned_data["reason"],
            )
            messages.success(
                request,
                ngettext(
                    "%(count)s candidate handed over to %(adviser)s.",
                    "%(count)s candidates handed over to %(adviser)s.",
                    count,
                )
                % {"count": count, "adviser": to_adviser},
            )
            return redirect(f"{reverse('candidates:caseload-reassign')}?from_adviser={from_adviser.pk}")
    return render(
        request,
        "candidates/caseload_reassign.html",
        {
            "choose_form": choose_form,
            "reassign_form": reassign_form,
            "from_adviser": from_adviser,
            "caseload_size": caseload_size,
            "has_colleagues": has_colleagues,
        },
    )
