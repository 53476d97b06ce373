"""Bulk import of a referral list: template, upload, preview, confirmation and history.

Between the preview and the confirmation the uploaded file waits on the server, not in the
browser: the confirmation parses the very same bytes again, so what is imported is exactly
what was validated. The session only holds a token that names the file.
"""

import contextlib
import hashlib
import os
import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.exports import csv_response, xlsx_response
from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from pilots.selectors import cohort_list

from ..forms import ImportConfirmForm, ImportUploadForm
from ..importing import TEMPLATE_EXAMPLE, TEMPLATE_HEADER, ImportFileError, ParsedTable, parse_table
from ..selectors import candidate_import_list, import_row_duplicates
from ..services import candidates_import

IMPORT_ROLES = (Role.ADVISER, Role.ADMINISTRATOR)
SESSION_KEY = "candidate_imports"
DONE_SESSION_KEY = "candidate_imports_done"
# A referral list holds personal data: an abandoned upload does not stay on disk for long.
PENDING_MAX_AGE_SECONDS = 2 * 60 * 60
# Remembered so that a second click on "import" says it was done instead of "unknown".
DONE_REMEMBERED = 10
HISTORY_PAGE_SIZE = 25
_TOKEN = re.compile(r"[0-9a-f]{32}")


# --- The uploaded file while it waits for confirmation ----------------------------------------------------


def _pending_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "pending"


def _pending_path(token: str) -> Path:
    return _pending_dir() / token


def _claimed_path(token: str) -> Path:
    return _pending_dir() / f"{token}.claimed"


def _sweep_abandoned() -> None:
    """Remove files whose preview was never confirmed or cancelled; their sessions may be long gone."""
    directory = _pending_dir()
    if not directory.is_dir():
        return
    cutoff = time.time() - PENDING_MAX_AGE_SECONDS
    for path in directory.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            continue  # another request swept it first


def _store_pending(
    request: HttpRequest, *, content: bytes, cohort_id: int, file_name: str, consent_purpose: str
) -> str:
    _sweep_abandoned()
    token = uuid.uuid4().hex
    directory = _pending_dir()
    directory.mkdir(parents=True, exist_ok=True)
    # Readable by the portal's own user only, and never overwriting an existing file.
    descriptor = os.open(_pending_path(token), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    pending = {
        key: entry
        for key, entry in request.session.get(SESSION_KEY, {}).items()
        if time.time() - entry["created"] < PENDING_MAX_AGE_SECONDS
    }
    pending[token] = {
        "user": request.user.pk,
        "cohort": cohort_id,
        "file_name": file_name,
        "consent_purpose": consent_purpose,
        "created": time.time(),
    }
    request.session[SESSION_KEY] = pending
    return token


def _pending_entry(request: AuthenticatedRequest, token: str) -> dict | None:
    """The session's record of a waiting upload, when it is this user's and still fresh."""
    if not _TOKEN.fullmatch(token):
        return None
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if entry is None or entry.get("user") != request.user.pk:
        return None
    if time.time() - entry["created"] >= PENDING_MAX_AGE_SECONDS:
        _forget_pending(request, token)
        return None
    return entry


def _forget_pending(request: HttpRequest, token: str, *, claimed: bool = False) -> None:
    """Drop the waiting file and its session entry; a claimed file only by the request that claimed it."""
    _pending_path(token).unlink(missing_ok=True)
    if claimed:
        _claimed_path(token).unlink(missing_ok=True)
    pending = request.session.get(SESSION_KEY, {})
    if token in pending:
        del pending[token]
        request.session[SESSION_KEY] = pending


def _claim(token: str) -> Path | None:
    """Take the waiting file for one confirmation; a rename succeeds for one request only."""
    claimed = _claimed_path(token)
    try:
        os.rename(_pending_path(token), claimed)
    except FileNotFoundError:
        return None
    return claimed


def _release(token: str) -> None:
    """Put a claimed file back, so that the preview can be confirmed again."""
    with contextlib.suppress(FileNotFoundError):
        os.rename(_claimed_path(token), _pending_path(token))


def _remember_done(request: HttpRequest, token: str, import_pk: int) -> None:
    done = [item for item in request.session.get(DONE_SESSION_KEY, []) if item[0] != token]
    request.session[DONE_SESSION_KEY] = [*done, [token, import_pk]][-DONE_REMEMBERED:]


def _was_done(request: HttpRequest, token: str) -> bool:
    return any(item[0] == token for item in request.session.get(DONE_SESSION_KEY, []))


def _fingerprint(table: ParsedTable) -> str:
    """What the preview promised to import: the lines of the importable rows."""
    lines = ",".join(str(row.line) for row in table.importable_rows)
    return hashlib.sha256(lines.encode()).hexdigest()


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
    cohorts = cohort_list(user=request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None, cohorts=cohorts)
    if request.method == "POST" and form.is_valid():
        token = _store_pending(
            request,
            content=form.content,
            cohort_id=form.cleaned_data["cohort"].pk,
            file_name=form.cleaned_data["file"].name,
            consent_purpose=form.cleaned_data["consent_purpose"],
        )
        return redirect("candidates:import-preview", token=token)
    return render(request, "candidates/import_upload.html", {"form": form})


def _render_preview(request: HttpRequest, *, token: str, entry: dict, cohort, table: ParsedTable) -> HttpResponse:
    importable = table.importable_rows
    with_errors = [row for row in table.rows if not row.is_valid]
    return render(
        request,
        "candidates/import_preview.html",
        {
            "token": token,
            "cohort": cohort,
            "table": table,
            "consent_purpose": entry["consent_purpose"],
            "confirm_form": ImportConfirmForm(initial={"fingerprint": _fingerprint(table)}),
            "count_total": len(table.rows),
            "count_importable": len(importable),
            "count_errors": len(with_errors),
            "count_duplicates": sum(1 for row in table.rows if row.is_valid and row.is_duplicate),
        },
    )


@role_required(*IMPORT_ROLES)
def import_preview(request: AuthenticatedRequest, token: str) -> HttpResponse:
    """GET shows every row of the waiting file with what is wrong; POST imports it or cancels."""
    entry = _pending_entry(request, token)
    if entry is None:
        return _gone(request, token)
    cohort = get_object_or_404(cohort_list(user=request.user), pk=entry["cohort"])

    if request.method == "POST" and "cancel" in request.POST:
        _forget_pending(request, token)
        messages.info(request, _("The import was cancelled; nothing was saved."))
        return redirect("candidates:import-upload")

    if request.method != "POST":
        try:
            content = _pending_path(token).read_bytes()
        except FileNotFoundError:
            if _claimed_path(token).exists():
                return _being_imported(request)
            _forget_pending(request, token)
            return _gone(request, token)
        table = _parse(request, entry, content)
        if table is None:
            _forget_pending(request, token)
            return redirect("candidates:import-upload")
        return _render_preview(request, token=token, entry=entry, cohort=cohort, table=table)

    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        return redirect("candidates:import-preview", token=token)
    claimed = _claim(token)
    if claimed is None:
        # A second click while the first is still importing, or a file already swept.
        return _being_imported(request)
    try:
        table = _parse(request, entry, claimed.read_bytes())
        if table is None:
            _forget_pending(request, token, claimed=True)
            return redirect("candidates:import-upload")
        if form.cleaned_data["fingerprint"] != _fingerprint(table):
            # Candidates registered since the preview make other rows duplicates: show it again first.
            _release(token)
            messages.warning(request, _("The check of the file changed since you looked at it. Check the rows again."))
            return _render_preview(request, token=token, entry=entry, cohort=cohort, table=table)
        if not table.importable_rows:
            _release(token)
            messages.error(request, _("There are no rows to import: correct the file and upload it again."))
            return redirect("candidates:import-preview", token=token)
        record = candidates_import(
            table=table, cohort=cohort, by_user=request.user, consent_purpose=entry["consent_purpose"]
        )
    except BaseException:
        _release(token)
        raise
    _forget_pending(request, token, claimed=True)
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


def _parse(request: AuthenticatedRequest, entry: dict, content: bytes) -> ParsedTable | None:
    """Every row validated, each valid row with the candidates the user can see that it may duplicate."""
    try:
        return parse_table(
            file_name=entry["file_name"],
            content=content,
            duplicate_lookup=lambda values: import_row_duplicates(user=request.user, values=values),
        )
    except ImportFileError as exc:
        # The upload passed these checks; only changed settings (a lower size limit) end up here.
        messages.error(request, str(exc))
        return None


@role_required(*IMPORT_ROLES)
def import_history(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(candidate_import_list(user=request.user), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "candidates/import_history.html", {"page": page, "imports": page.object_list})
