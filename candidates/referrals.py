"""Referral lists sent through the API (candidates.api): the web import's rules, once per Idempotency-Key.

The rows come as JSON records keyed by the import's column field names and go through exactly what an uploaded
list's rows go through: validated row by row by candidates.importing.parse_records, checked for
duplicates by importing.import_duplicates (among the candidates the client's organisation referred,
selectors.candidate_list) and imported by services.candidates_import. Each person is recorded as referred by the
client's organisation.
"""

from typing import Any

from django.utils.translation import gettext as _

from core.api import Conflict, Problem, Unprocessable, idempotent, problem_body
from core.models import ApiClient
from core.services import entry_point
from pilots.models import Cohort
from pilots.services import CohortClosed, cohort_check_open

from .importing import ImportFileError, ParsedTable, import_duplicates, parse_records
from .services import candidates_import

# The rows are numbered as a spreadsheet numbers them, the header being line 1, so that the import's messages fit.
FIRST_LINE = 2


def _row_report(table: ParsedTable, count: int, created: dict[int, int]) -> list[dict]:
    by_line = {row.line: row for row in table.rows}
    report = []
    for index in range(count):
        row = by_line.get(index + FIRST_LINE)
        entry: dict[str, Any] = {"row": index + 1, "candidate_id": None, "errors": []}
        if row is None:
            entry |= {"status": "invalid", "errors": [_("The row is empty.")]}
        elif not row.is_valid:
            entry |= {"status": "invalid", "errors": [str(error) for error in row.errors]}
        elif row.duplicate_of_line is not None:
            entry |= {
                "status": "duplicate",
                "errors": [_("The same person as row %(row)s.") % {"row": row.duplicate_of_line - 1}],
            }
        elif row.duplicates:
            entry |= {"status": "duplicate", "errors": [_("This person may already be registered.")]}
        else:
            entry |= {"status": "registered", "candidate_id": created.get(row.line)}
        report.append(entry)
    return report


@entry_point
def referrals_receive(
    *,
    client: ApiClient,
    cohort: Cohort,
    rows: list[dict[str, Any]],
    consent_purpose: str,
    idempotency_key: str,
    fingerprint: str,
) -> tuple[int, dict]:
    """Register the valid, new people of a referral list in the cohort; the status and body of the answer.

    The answer is kept with the Idempotency-Key: a retry with the same key and request gets it again and registers
    nobody; the same key with another request is refused. The cohort is locked first (the lock order of
    candidates.lifecycle), so two lists for one cohort are checked for duplicates one after the other.
    """
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    by_user = client.account

    def produce() -> tuple[int, dict]:
        try:
            try:
                cohort_check_open(locked)
            except CohortClosed as exc:
                raise Conflict(str(exc)) from exc
            try:
                table = parse_records(
                    name=_("API referral list of %(client)s") % {"client": client.name},
                    records=rows,
                    first_line=FIRST_LINE,
                    find_duplicates=lambda values: import_duplicates(user=by_user, rows=values),
                )
            except ImportFileError as exc:
                raise Unprocessable(str(exc)) from exc
            importable = table.importable_rows
            if not importable:
                report = _row_report(table, len(rows), {})
                raise Unprocessable(
                    _("No row can be registered: each is invalid or a possible duplicate."),
                    errors=[entry for entry in report if entry["status"] != "registered"],
                )
            for row in importable:
                row.values["referring_organisation"] = client.organisation
            record = candidates_import.within(
                table=table, cohort=locked, by_user=by_user, consent_purpose=consent_purpose
            )
        except Problem as exc:
            return exc.status, problem_body(exc)
        # bulk_create gives the candidates ascending keys in the order of the rows.
        created_ids = list(record.candidates.order_by("pk").values_list("pk", flat=True))
        created = dict(zip((row.line for row in importable), created_ids, strict=True))
        return 201, {
            "cohort": locked.pk,
            "received": len(rows),
            "registered": record.rows_imported,
            "skipped": len(rows) - record.rows_imported,
            "rows": _row_report(table, len(rows), created),
        }

    return idempotent(client=client, key=idempotency_key, fingerprint=fingerprint, produce=produce)
