"""Bulk import of a referral list: template, upload, preview, confirmation and history.

Between the preview and the confirmation the uploaded file waits on the server as a PendingUpload (its owner,
its cohort, its expiry), not in the browser or the session: the confirmation parses the very same bytes again, so
what is imported is exactly what was validated. Only the owner may see or confirm it.

A list of more than IMPORT_BACKGROUND_ROWS rows is checked and imported by a worker (candidates.import_jobs): its
page shows the progress, then the same row report and confirmation as the preview, so no request waits for it.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.exports import csv_response, xlsx_response
from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from pilots.selectors import cohort_list
from pilots.services import CohortClosed

from ..forms import ImportConfirmForm, ImportUploadForm
from ..import_jobs import (
    IN_PROGRESS,
    ImportJobNotWaitingError,
    can_retry,
    import_job_cancel,
    import_job_confirm,
    import_job_get,
    import_job_list_open,
    import_job_retry,
    import_upload_receive,
)
from ..importing import (
    TEMPLATE_EXAMPLE,
    TEMPLATE_HEADER,
    ImportFileError,
    ParsedTable,
    import_duplicates,
    parse_table,
    row_report,
    table_fingerprint,
)
from ..models import ImportJob, ImportJobStatus, PendingUpload
from ..pending_uploads import (
    PendingUploadGoneError,
    is_expired,
    pending_upload_content,
    pending_upload_discard,
    pending_upload_get,
    pending_upload_import,
)
from ..selectors import candidate_import_list

IMPORT_ROLES = (Role.ADVISER, Role.ADMINISTRATOR)
DONE_SESSION_KEY = "candidate_imports_done"
# Remembered so that a second click on "import" says it was done instead of "unknown".
DONE_REMEMBERED = 10
HISTORY_PAGE_SIZE = 25
# The row report of a large list is shown this many rows a page.
REPORT_PAGE_SIZE = 200
# While a worker has the job, its page reloads itself this often (seconds).
JOB_REFRESH_SECONDS = 2


# --- The uploaded file while it waits for confirmation ----------------------------------------------------


def _own_upload(request: AuthenticatedRequest, token: str) -> PendingUpload | None:
    """The user's waiting upload the token names; None when there is none (any more). Another user's upload is
    not found at all: only its owner may see or confirm it."""
    upload = pending_upload_get(token=token)
    if upload is not None and upload.owner_id != request.user.pk:
        raise Http404
    return upload


def _remember_done(request: HttpRequest, token: str, import_pk: int) -> None:
    done = [item for item in request.session.get(DONE_SESSION_KEY, []) if item[0] != token]
    request.session[DONE_SESSION_KEY] = [*done, [token, import_pk]][-DONE_REMEMBERED:]


def _was_done(request: HttpRequest, token: str) -> bool:
    return any(item[0] == token for item in request.session.get(DONE_SESSION_KEY, []))


def _gone(request: HttpRequest, token: str) -> HttpResponse:
    if _was_done(request, token):
        messages.info(request, _("This file has already been imported."))
        return redirect("candidates:import-history")
    messages.warning(
        request,
        _(
            "This import is no longer waiting for confirmation: it has expired or belongs to someone else. "
            "Upload the file again."
        ),
    )
    return redirect("candidates:import-upload")


def _being_imported(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("This file is being imported or has already been imported."))
    return redirect("candidates:import-history")


# --- Views -------------------------------------------------------------------------------------------------


@role_required(*IMPORT_ROLES)
def import_template(request: AuthenticatedRequest, fmt: str) -> HttpResponse:
    """An empty referral list with the expected columns and one example row."""
    if fmt == "csv":
        return csv_response(filename="opstap-verwijzingen.csv", header=TEMPLATE_HEADER, rows=[TEMPLATE_EXAMPLE])
    if fmt == "xlsx":
        return xlsx_response(
            filename="opstap-verwijzingen.xlsx", sheets=[(_("Referral list"), TEMPLATE_HEADER, [TEMPLATE_EXAMPLE])]
        )
    raise Http404


@role_required(*IMPORT_ROLES)
def import_upload(request: AuthenticatedRequest) -> HttpResponse:
    cohorts = cohort_list(user=request.user).open()
    form = ImportUploadForm(request.POST or None, request.FILES or None, cohorts=cohorts)
    if request.method == "POST" and form.is_valid():
        upload, job = import_upload_receive(
            by_user=request.user,
            cohort=form.cleaned_data["cohort"],
            content=form.content,
            file_name=form.cleaned_data["file"].name,
            consent_purpose=form.cleaned_data["consent_purpose"],
            row_count=form.row_count,
            referring_organisation=form.cleaned_data["referring_organisation"],
        )
        if job is not None:
            return redirect("candidates:import-job", job_id=job.pk.hex)
        return redirect("candidates:import-preview", token=upload.pk.hex)
    return render(request, "candidates/import_upload.html", {"form": form})


def _render_preview(request: HttpRequest, *, upload: PendingUpload, cohort, table: ParsedTable) -> HttpResponse:
    importable = table.importable_rows
    with_errors = [row for row in table.rows if not row.is_valid]
    return render(
        request,
        "candidates/import_preview.html",
        {
            "token": upload.pk.hex,
            "upload": upload,
            "cohort": cohort,
            "table": table,
            "rows": [row_report(row) for row in table.rows],
            "consent_purpose": upload.consent_purpose,
            "confirm_form": ImportConfirmForm(initial={"fingerprint": table_fingerprint(table)}),
            "count_total": len(table.rows),
            "count_importable": len(importable),
            "count_errors": len(with_errors),
            "count_duplicates": sum(1 for row in table.rows if row.is_valid and row.is_duplicate),
        },
    )


@role_required(*IMPORT_ROLES)
def import_preview(request: AuthenticatedRequest, token: str) -> HttpResponse:
    """GET shows every row of the waiting file with what is wrong; POST imports it or cancels."""
    upload = _own_upload(request, token)
    if upload is None:
        return _gone(request, token)
    if is_expired(upload):
        pending_upload_discard(upload=upload, by_user=request.user)
        return _gone(request, token)
    cohort = get_object_or_404(cohort_list(user=request.user), pk=upload.cohort_id)
    job_id = ImportJob.objects.filter(upload=upload).values_list("pk", flat=True).first()
    if job_id is not None:
        # A large list: its worker checks it, its own page shows the report.
        return redirect("candidates:import-job", job_id=job_id.hex)

    if request.method == "POST" and "cancel" in request.POST:
        pending_upload_discard(upload=upload, by_user=request.user)
        messages.info(request, _("The import was cancelled; nothing was saved."))
        return redirect("candidates:import-upload")

    form = ImportConfirmForm(request.POST) if request.method == "POST" else None
    if form is not None and not form.is_valid():
        return redirect("candidates:import-preview", token=token)
    try:
        content = pending_upload_content(upload)
    except FileNotFoundError:
        # Deleted under the row (by hand, or a crash between the two): nothing is left to import.
        pending_upload_discard(upload=upload, by_user=request.user)
        return _gone(request, token)
    table = _parse(request, upload, content)
    if table is None:
        pending_upload_discard(upload=upload, by_user=request.user)
        return redirect("candidates:import-upload")
    if form is None:
        return _render_preview(request, upload=upload, cohort=cohort, table=table)

    if form.cleaned_data["fingerprint"] != table_fingerprint(table):
        # Candidates registered since the preview make other rows duplicates: show it again first.
        messages.warning(request, _("The check of the file changed since you looked at it. Check the rows again."))
        return _render_preview(request, upload=upload, cohort=cohort, table=table)
    if not table.importable_rows:
        messages.error(request, _("There are no rows to import: correct the file and upload it again."))
        return redirect("candidates:import-preview", token=token)
    try:
        record = pending_upload_import(upload=upload, table=table, by_user=request.user)
    except PendingUploadGoneError:
        # A second click, or another tab, confirmed it a moment ago.
        return _being_imported(request)
    except CohortClosed as refusal:
        # The cohort was closed since the preview: it takes no one, so the list cannot go in.
        pending_upload_discard(upload=upload, by_user=request.user)
        messages.error(request, str(refusal))
        return redirect("candidates:import-upload")
    _remember_done(request, token, record.pk)
    messages.success(
        request,
        ngettext(
            "%(count)s candidate from %(file)s was registered for %(cohort)s.",
            "%(count)s candidates from %(file)s were registered for %(cohort)s.",
            record.rows_imported,
        )
        % {"count": record.rows_imported, "file": record.file_name, "cohort": cohort},
    )
    return redirect("candidates:import-history")


def _parse(request: AuthenticatedRequest, upload: PendingUpload, content: bytes) -> ParsedTable | None:
    """Every row validated, each valid row with the candidates the user can see that it may duplicate."""
    try:
        return parse_table(
            file_name=upload.file_name,
            content=content,
            find_duplicates=lambda rows: import_duplicates(user=request.user, rows=rows),
        )
    except ImportFileError as exc:
        # The upload passed these checks; only changed settings (a lower size limit) end up here.
        messages.error(request, str(exc))
        return None


@role_required(*IMPORT_ROLES)
def import_history(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(candidate_import_list(user=request.user), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "candidates/import_history.html",
        {"page": page, "imports": page.object_list, "open_jobs": import_job_list_open(user=request.user)},
    )


# --- A large list, checked and imported by a worker --------------------------------------------------------


def _own_job(request: AuthenticatedRequest, job_id: str) -> ImportJob:
    """The user's job the address names; another user's job, or none, is not found."""
    job = import_job_get(job_id=job_id)
    if job is None or job.owner_id != request.user.pk:
        raise Http404
    if job.status != ImportJobStatus.DONE and not cohort_list(user=request.user).filter(pk=job.cohort_id).exists():
        raise Http404
    return job


@role_required(*IMPORT_ROLES)
def import_job(request: AuthenticatedRequest, job_id: str) -> HttpResponseBase:
    """GET follows the job: its progress while a worker has it, then the row report; POST confirms, cancels or
    tries it again."""
    job = _own_job(request, job_id)
    if request.method == "POST":
        return _job_action(request, job)
    problems_only = request.GET.get("rows") == "problems"
    rows = [row for row in job.report if not problems_only or not row["is_valid"] or row["is_duplicate"]]
    page = Paginator(rows, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    in_progress = job.status in IN_PROGRESS and not can_retry(job)
    percentage = round(100 * job.rows_checked / job.rows_total) if job.rows_total else 0
    if request.GET.get("progress") == "json":
        return JsonResponse(
            {
                "status": job.status,
                "in_progress": in_progress,
                "percentage": percentage,
                "progress_text": _progress_text(job),
            }
        )
    return render(
        request,
        "candidates/import_job.html",
        {
            "job": job,
            "cohort": job.cohort,
            "in_progress": in_progress,
            "refresh_seconds": JOB_REFRESH_SECONDS if in_progress else None,
            "percentage": percentage,
            "progress_text": _progress_text(job),
            "done": job.status == ImportJobStatus.DONE,
            "can_retry": can_retry(job),
            "rows": page.object_list,
            "page": page,
            "problems_only": problems_only,
            "confirm_form": ImportConfirmForm(initial={"fingerprint": job.fingerprint}),
        },
    )


def _progress_text(job: ImportJob) -> str:
    if job.status == ImportJobStatus.QUEUED:
        return _("Waiting for the worker to start checking the file.")
    if job.status == ImportJobStatus.IMPORTING:
        return ngettext(
            "Registering %(count)s candidate.", "Registering %(count)s candidates.", job.rows_importable
        ) % {"count": job.rows_importable}
    return ngettext(
        "%(checked)s of %(total)s row checked.", "%(checked)s of %(total)s rows checked.", job.rows_total
    ) % {"checked": job.rows_checked, "total": job.rows_total}


def _job_action(request: AuthenticatedRequest, job: ImportJob) -> HttpResponse:
    try:
        if "cancel" in request.POST:
            import_job_cancel(job=job, by_user=request.user)
            messages.info(request, _("The import was cancelled; nothing was saved."))
            return redirect("candidates:import-upload")
        if "retry" in request.POST:
            import_job_retry(job=job, by_user=request.user)
        elif "confirm" in request.POST:
            form = ImportConfirmForm(request.POST)
            if form.is_valid():
                if job.rows_importable == 0:
                    messages.error(request, _("There are no rows to import: correct the file and upload it again."))
                else:
                    import_job_confirm(job=job, fingerprint=form.cleaned_data["fingerprint"], by_user=request.user)
    except ImportJobNotWaitingError as exc:
        messages.warning(request, str(exc))
    return redirect("candidates:import-job", job_id=job.pk.hex)
