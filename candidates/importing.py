"""Reading a referral list (CSV or XLSX) into validated rows, before anything is saved.

The file's type is decided by its content, not its name. Every row is validated with the
same rules as the registration form and checked for duplicates, both against existing
candidates and within the file, so the preview can say per row what is wrong.

The work per row is Python only: the candidates a file's rows may duplicate are looked up for all rows at once
(`import_duplicates`, a few queries per file), so a list of thousands of people costs a handful of queries.
"""

import copy
import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import BenefitType, Candidate, EducationLevel, ReferralSource, Weekday

MAX_ROWS = 5000
# An XLSX is a zip; its unpacked size is capped so that a small upload cannot unpack without limit.
MAX_XLSX_EXPANSION = 20
# Files picked by mistake that could otherwise pass for text.
_NOT_A_TABLE = (b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0")
_DROPPED_ZERO = re.compile(r"[1-9][0-9]{8}")
_DROPPED_DOUBLE_ZERO = re.compile(r"31[1-9][0-9]{8}")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for the user."""


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # the header in the template (Dutch, as municipalities send them)
    label: str | Promise  # a lazy translation
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("first_name", "voornaam", gettext_lazy("first name"), ("first name", "roepnaam"), True),
    Column("last_name_prefix", "tussenvoegsel", gettext_lazy("prefix"), ("prefix", "tussenv")),
    Column("last_name", "achternaam", gettext_lazy("last name"), ("last name", "naam", "familienaam"), True),
    Column("date_of_birth", "geboortedatum", gettext_lazy("date of birth"), ("date of birth", "geb datum"), True),
    Column("email", "e-mail", gettext_lazy("e-mail"), ("email", "e-mailadres", "emailadres", "mail")),
    Column("phone", "telefoon", gettext_lazy("phone"), ("phone", "telefoonnummer", "mobiel", "tel")),
    Column("postcode", "postcode", gettext_lazy("postcode"), ("zip", "postal code")),
    Column("city", "woonplaats", gettext_lazy("city"), ("city", "plaats")),
    Column("benefit_type", "uitkering", gettext_lazy("benefit type"), ("benefit", "uitkeringssoort")),
    Column("is_status_holder", "statushouder", gettext_lazy("status holder"), ("status holder",)),
    Column("education_level", "opleiding", gettext_lazy("highest education"), ("education", "opleidingsniveau")),
    Column("speaking_level", "spreken", gettext_lazy("speaking"), ("speaking",)),
    Column("listening_level", "luisteren", gettext_lazy("listening"), ("listening",)),
    Column("reading_level", "lezen", gettext_lazy("reading"), ("reading",)),
    Column("writing_level", "schrijven", gettext_lazy("writing"), ("writing",)),
    Column(
        "available_days",
        "beschikbare dagen",
        gettext_lazy("available days"),
        ("available days", "beschikbaar op", "beschikbaarheid", "dagen"),
    ),
    Column("available_from", "beschikbaar vanaf", gettext_lazy("available from"), ("available from",)),
    Column(
        "hours_per_week",
        "uren per week",
        gettext_lazy("hours a week"),
        ("hours per week", "hours a week", "uren", "aantal uren"),
    ),
)
TEMPLATE_HEADER = [column.header for column in COLUMNS]
TEMPLATE_EXAMPLE = [
    "Fatima",
    "el",
    "Amrani",
    "14-03-1988",
    "f.elamrani@example.org",
    "06 12345678",
    "3512 AB",
    "Utrecht",
    "bijstand",
    "nee",
    "mbo2",
    "A2",
    "B1",
    "A2",
    "A1",
    "ma, di, do",
    "01-09-2026",
    "24",
]


_NOT_KEY = re.compile(r"[^a-z0-9]")


def _key(text: str) -> str:
    return _NOT_KEY.sub("", str(text).strip().lower())


_HEADER_LOOKUP = {_key(alias): column for column in COLUMNS for alias in (column.header, column.field, *column.aliases)}

# Words people put in referral lists, mapped to stored values.
_BENEFIT_WORDS = {
    "": BenefitType.NONE,
    "geen": BenefitType.NONE,
    "none": BenefitType.NONE,
    "bijstand": BenefitType.SOCIAL_ASSISTANCE,
    "participatiewet": BenefitType.SOCIAL_ASSISTANCE,
    "pw": BenefitType.SOCIAL_ASSISTANCE,
    "ww": BenefitType.UNEMPLOYMENT,
    "wia": BenefitType.DISABILITY,
    "wajong": BenefitType.DISABILITY,
    "wga": BenefitType.DISABILITY,
    "anders": BenefitType.OTHER,
    "overig": BenefitType.OTHER,
    **{_key(value): value for value in BenefitType.values},
}
_YES = {"ja", "j", "yes", "y", "1", "true", "waar", "x"}
_NO = {"", "nee", "n", "no", "0", "false", "onwaar"}
_EDUCATION_WORDS = {
    **{_key(value): value for value in EducationLevel.values},
    "geen": EducationLevel.NONE,
    "basisschool": EducationLevel.PRIMARY,
    "mbo1": EducationLevel.MBO1,
    "entree": EducationLevel.MBO1,
    "havo": EducationLevel.HAVO_VWO,
    "vwo": EducationLevel.HAVO_VWO,
    "hbo": EducationLevel.HIGHER,
    "wo": EducationLevel.HIGHER,
    "buitenland": EducationLevel.FOREIGN_UNKNOWN,
}
# Days as referral lists write them: Dutch and English names and abbreviations, and ranges such as "ma-vr".
_DAY_WORDS = {
    **{_key(value): value for value in Weekday.values},
    **dict.fromkeys(("ma", "maa", "maan", "maandag", "monday"), Weekday.MONDAY),
    **dict.fromkeys(("di", "din", "dins", "dinsdag", "tuesday"), Weekday.TUESDAY),
    **dict.fromkeys(("wo", "woe", "woen", "woensdag", "wednesday"), Weekday.WEDNESDAY),
    **dict.fromkeys(("do", "don", "dond", "donderdag", "thursday"), Weekday.THURSDAY),
    **dict.fromkeys(("vr", "vrij", "vrijdag", "friday"), Weekday.FRIDAY),
    **dict.fromkeys(("za", "zat", "zaterdag", "saturday"), Weekday.SATURDAY),
    **dict.fromkeys(("zo", "zon", "zondag", "sunday"), Weekday.SUNDAY),
}
_WEEK = tuple(Weekday.values)
_DAY_NUMBERS = {word: _WEEK.index(day) for word, day in _DAY_WORDS.items()}
_DAY_RANGE = re.compile(r"\s*(?:\bt/m\b|\btot en met\b|\btm\b|–|-)\s*")
_DAY_SEPARATORS = re.compile(r"[\s,;/+&]+")
_HOURS_UNIT = re.compile(r"\s*(?:uur|u|hours|h)\.?$", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4})")
_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%d-%m-%y")


@dataclass
class ParsedRow:
    line: int  # the row number as a spreadsheet program shows it (header is line 1)
    raw: dict[str, str]
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    duplicates: list = field(default_factory=list)  # existing candidates this row may be
    duplicate_of_line: int | None = None  # an earlier row of the same file

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def is_duplicate(self) -> bool:
        return bool(self.duplicates) or self.duplicate_of_line is not None


@dataclass
class ParsedTable:
    file_name: str
    columns: list[Column]
    ignored_headers: list[str]
    rows: list[ParsedRow]

    @property
    def valid_rows(self) -> list[ParsedRow]:
        return [row for row in self.rows if row.is_valid]

    @property
    def importable_rows(self) -> list[ParsedRow]:
        """Valid rows that are not duplicates: what confirmation will import."""
        return [row for row in self.rows if row.is_valid and not row.is_duplicate]


def max_import_bytes() -> int:
    return getattr(settings, "CANDIDATE_IMPORT_MAX_BYTES", 2 * 1024 * 1024)


def read_cells(*, content: bytes) -> list[tuple[int, list[str]]]:
    """The rows that hold any text, each with its line number as a spreadsheet shows it.

    XLSX is recognised by its content, everything else must be text.
    """
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    if content.startswith(b"PK\x03\x04"):
        return _filled_rows(_read_xlsx(content))
    if content.startswith(_NOT_A_TABLE):
        raise ImportFileError(_("This is not a table: upload a CSV or XLSX file."))
    return _filled_rows(_read_csv(content))


def _filled_rows(rows: Iterable[list[str]]) -> list[tuple[int, list[str]]]:
    # Empty rows keep their place in the numbering but do not count towards the limit.
    filled = []
    for line, cells in enumerate(rows, start=1):
        if any(cell.strip() for cell in cells):
            filled.append((line, cells))
            if len(filled) > MAX_ROWS + 1:  # the header and MAX_ROWS people
                raise ImportFileError(_("The file has more than %(max)s rows; split it up.") % {"max": MAX_ROWS})
    return filled


def _read_xlsx(content: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_XLSX_EXPANSION * max_import_bytes():
            raise ImportFileError(_("The spreadsheet is too large once unpacked; split it up."))
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # Some programs write a wrong used range; trusting it would silently drop rows.
        sheet.reset_dimensions()
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in values]
        workbook.close()
    except ImportFileError:
        raise
    except Exception as exc:
        # openpyxl reads the parts of the zip as it goes and fails in many ways on a damaged or foreign
        # file (XML, zip, index and value errors); for the user each means the same thing.
        raise ImportFileError(_("The file looks like a spreadsheet but cannot be opened.")) from exc


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().strftime("%d-%m-%Y")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(content: bytes) -> Iterator[list[str]]:
    if b"\x00" in content[:4096]:
        raise ImportFileError(_("This is not a table: upload a CSV or XLSX file."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves CSV as Windows-1252.
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The file's text encoding is not UTF-8 or Windows-1252.")) from exc
    first_line = text.splitlines()[0] if text.splitlines() else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for values in reader:
            yield [value.strip() for value in values]
    except csv.Error as exc:
        raise ImportFileError(_("The file is not a readable CSV table.")) from exc


# How many rows are validated between two progress reports, and looked up for duplicates in one query.
PROGRESS_EVERY = 100
DUPLICATE_CHUNK = 500

# The candidates each valid row may be, given the values of all valid rows at once.
FindDuplicates = Callable[[Sequence[dict]], Sequence[Sequence[Any]]]


def _read_table(content: bytes) -> tuple[list[tuple[int, list[str]]], list["Column | None"]]:
    """The filled rows and the column each header names; ImportFileError when the file is no referral list."""
    if len(content) > max_import_bytes():
        raise ImportFileError(
            _("The file is larger than %(size)s MB.") % {"size": round(max_import_bytes() / 1024 / 1024, 1)}
        )
    cells = read_cells(content=content)
    if not cells:
        raise ImportFileError(_("The file has no rows."))
    columns = _header_columns(cells[0][1])
    found = {column.field for column in columns if column}
    missing = [column for column in COLUMNS if column.required and column.field not in found]
    if missing:
        raise ImportFileError(
            _("The first row is not a recognisable header: the columns %(missing)s are missing. Download the template.")
            % {"missing": ", ".join(column.header for column in missing)}
        )
    return cells, columns


def count_rows(*, content: bytes) -> int:
    """The number of rows with people, once the file proves to be a referral list (ImportFileError if not).

    What the upload checks before it keeps the file: reading the cells, not validating every row, so that a
    large list is accepted at once and checked in the background.
    """
    cells, _columns = _read_table(content)
    return len(cells) - 1


def parse_table(
    *,
    file_name: str,
    content: bytes,
    duplicate_lookup: Callable[[dict], Iterable[Any]] | None = None,
    find_duplicates: FindDuplicates | None = None,
    progress: Callable[[int], None] | None = None,
) -> ParsedTable:
    """Validate every row and mark the rows that may be someone already registered.

    find_duplicates(values of every valid row) returns, for each, the existing candidates it may duplicate, all
    rows at once (import_duplicates); duplicate_lookup(values) does so one row at a time. progress(rows done) is
    called every PROGRESS_EVERY rows.
    """
    cells, columns = _read_table(content)
    header = cells[0][1]
    ignored = [name for name, column in zip(header, columns, strict=False) if column is None and name.strip()]
    raws = (
        (line, {column.field: values[i] if i < len(values) else "" for i, column in enumerate(columns) if column})
        for line, values in cells[1:]
    )
    return _parsed(
        file_name=file_name,
        raws=raws,
        columns=[column for column in columns if column],
        ignored=ignored,
        duplicate_lookup=duplicate_lookup,
        find_duplicates=find_duplicates,
        progress=progress,
    )


def parse_records(
    *, name: str, records: Sequence[dict[str, Any]], first_line: int, find_duplicates: FindDuplicates | None = None
) -> ParsedTable:
    """Rows that arrive as records keyed by the columns' field names (the API's referral lists) rather than as a
    file, validated and checked exactly as a file's rows; record n is line first_line + n. Keys that are no
    column are left out, as a file's unknown columns are."""
    raws = (
        (
            first_line + index,
            {column.field: "" if record.get(column.field) is None else str(record[column.field]) for column in COLUMNS},
        )
        for index, record in enumerate(records)
    )
    return _parsed(file_name=name, raws=raws, columns=list(COLUMNS), ignored=[], find_duplicates=find_duplicates)


def _parsed(
    *,
    file_name: str,
    raws: Iterable[tuple[int, dict[str, Any]]],
    columns: list[Column],
    ignored: list[str],
    duplicate_lookup: Callable[[dict], Iterable[Any]] | None = None,
    find_duplicates: FindDuplicates | None = None,
    progress: Callable[[int], None] | None = None,
) -> ParsedTable:
    rows = []
    seen: dict[tuple, int] = {}
    forms = _RowForms()
    for done, (line, raw) in enumerate(raws, start=1):
        row = ParsedRow(line=line, raw=raw)
        _validate_row(row, forms)
        if row.is_valid:
            for key in _identity_keys(row.values):
                if key in seen:
                    row.duplicate_of_line = seen[key]
                    break
            for key in _identity_keys(row.values):
                seen.setdefault(key, row.line)
        rows.append(row)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    if find_duplicates is None and duplicate_lookup is not None:
        lookup = duplicate_lookup
        find_duplicates = lambda all_values: [list(lookup(values)) for values in all_values]  # noqa: E731
    if find_duplicates is not None:
        valid = [row for row in rows if row.is_valid]
        for row, duplicates in zip(valid, find_duplicates([row.values for row in valid]), strict=True):
            row.duplicates = list(duplicates)
    if progress is not None:
        progress(len(rows))
    return ParsedTable(file_name=file_name, columns=columns, ignored_headers=ignored, rows=rows)


def table_fingerprint(table: ParsedTable) -> str:
    """What a check promised to import: the lines of the importable rows. A later check of the same bytes that
    differs (someone registered meanwhile) is shown again before anything is imported."""
    lines = ",".join(str(row.line) for row in table.importable_rows)
    return hashlib.sha256(lines.encode()).hexdigest()


def import_duplicates(*, user, rows: Sequence[dict]) -> list[list[Candidate]]:
    """For the values of each valid row, the candidates the user can see that it may be, a few queries per file.

    The rule of selectors.candidate_duplicates, which registration asks for one person: the same e-mail address
    whatever its case, or the same first and last name whatever their case with the same date of birth; at most
    IMPORT_DUPLICATES_SHOWN per row, by name. Here the rows are asked for DUPLICATE_CHUNK at a time with `IN`
    lists, and each candidate found is matched to its rows in Python with the same comparison.
    """
    from .selectors import IMPORT_DUPLICATES_SHOWN, candidate_list

    found: list[list[Candidate]] = [[] for _row in rows]
    for start in range(0, len(rows), DUPLICATE_CHUNK):
        chunk = rows[start : start + DUPLICATE_CHUNK]
        by_email: dict[str, list[int]] = {}
        by_name: dict[tuple, list[int]] = {}
        for index, values in enumerate(chunk, start=start):
            email = _duplicate_email_key(values.get("email", ""))
            if email:
                by_email.setdefault(email, []).append(index)
            name = _duplicate_name_key(values["first_name"], values["last_name"], values["date_of_birth"])
            if name is not None:
                by_name.setdefault(name, []).append(index)
        match = Q(pk__in=[])
        if by_email:
            match |= Q(email_key__in=sorted(by_email))
        if by_name:
            match |= Q(
                date_of_birth__in=sorted({key[2] for key in by_name}),
                last_name_key__in=sorted({key[1] for key in by_name}),
            )
        candidates = (
            candidate_list(user=user)
            .annotate(email_key=Lower("email"), last_name_key=Lower("last_name"))
            .filter(match)
            .only("pk", "first_name", "last_name_prefix", "last_name", "date_of_birth", "email")
            .order_by("last_name", "first_name", "pk")
        )
        for candidate in candidates:
            indexes = set(by_email.get(_duplicate_email_key(candidate.email), ()))
            name = _duplicate_name_key(candidate.first_name, candidate.last_name, candidate.date_of_birth)
            if name is not None:
                indexes.update(by_name.get(name, ()))
            for index in indexes:
                if len(found[index]) < IMPORT_DUPLICATES_SHOWN:
                    found[index].append(candidate)
    return found


def _duplicate_email_key(email: str) -> str:
    return email.strip().lower()


def _duplicate_name_key(first_name: str, last_name: str, date_of_birth) -> tuple | None:
    if not (first_name and last_name and date_of_birth):
        return None
    return (first_name.strip().lower(), last_name.strip().lower(), date_of_birth)


# The cells of a row that the row report shows (and erasure compares with the person erased).
REPORT_FIELDS = ("first_name", "last_name_prefix", "last_name", "date_of_birth", "email", "phone")


def row_report(row: ParsedRow) -> dict:
    """What the preview shows of a row, as JSON: kept with a background import to show its row report."""
    return {
        "line": row.line,
        "raw": {name: row.raw.get(name, "") for name in REPORT_FIELDS},
        "is_valid": row.is_valid,
        "is_duplicate": row.is_duplicate,
        "errors": [str(error) for error in row.errors],
        "duplicate_of_line": row.duplicate_of_line,
        "duplicates": [
            {
                "url": candidate.get_absolute_url(),
                "name": candidate.full_name,
                "born": date_format(candidate.date_of_birth, "SHORT_DATE_FORMAT") if candidate.date_of_birth else "",
            }
            for candidate in row.duplicates
        ],
    }


def _header_columns(header: list[str]) -> list[Column | None]:
    """The column each header names, None for a header that names none."""
    columns: list[Column | None] = []
    for name in header:
        column = _HEADER_LOOKUP.get(_key(name))
        # Two columns for one field (telefoon and mobiel): the first counts, the other is reported as ignored.
        columns.append(None if column in columns else column)
    return columns


def mentions_person(
    *,
    content: bytes,
    first_name: str,
    last_name_prefix: str,
    last_name: str,
    date_of_birth: date | None,
    email: str,
    phone: str,
) -> bool:
    """Whether a referral list has a row about this person: for erasure, which must not leave them in a list
    waiting for confirmation.

    The rows are compared as written, valid or not, on what a list carries about a person and the importer
    already tells people apart by (_identity_keys): the e-mail address, or the first and last name (the
    tussenvoegsel in its own column or in the last name's) with the date of birth. A row or a person without a
    readable date of birth matches on the name alone, and the same phone number (its last nine digits, so 06…
    and +316… agree) matches too: deleting a list that held someone else of that name only makes its owner
    upload it again, while missing the person would keep their data. So does a file that can no longer be read
    as a referral list: it cannot be shown not to hold them.
    """
    try:
        cells = read_cells(content=content)
    except ImportFileError:
        return True
    columns = _header_columns(cells[0][1]) if cells else []
    if not {"first_name", "last_name"} <= {column.field for column in columns if column}:
        return True
    raws = (
        {column.field: values[i] if i < len(values) else "" for i, column in enumerate(columns) if column}
        for _line, values in cells[1:]
    )
    return rows_mention_person(
        raws=raws,
        first_name=first_name,
        last_name_prefix=last_name_prefix,
        last_name=last_name,
        date_of_birth=date_of_birth,
        email=email,
        phone=phone,
    )


def rows_mention_person(
    *,
    raws: Iterable[dict],
    first_name: str,
    last_name_prefix: str,
    last_name: str,
    date_of_birth: date | None,
    email: str,
    phone: str,
) -> bool:
    """Whether any of the rows (the cells as written, by field) is about this person, as mentions_person says.

    Also what erasure asks of the row report a background import keeps (REPORT_FIELDS)."""
    person_email = email.strip().casefold()
    person_first = _name_key(first_name)
    person_last = {_name_key(last_name), _name_key(last_name_prefix + last_name)} - {""}
    person_phone = _phone_key(phone)
    for raw in raws:
        if person_email and raw.get("email", "").strip().casefold() == person_email:
            return True
        if person_phone and _phone_key(_restore_leading_zeros(raw.get("phone", ""))) == person_phone:
            return True
        row_last = {
            _name_key(raw.get("last_name", "")),
            _name_key(raw.get("last_name_prefix", "") + raw.get("last_name", "")),
        }
        if not person_first or _name_key(raw.get("first_name", "")) != person_first or not person_last & row_last:
            continue
        row_birth = _parse_date(raw.get("date_of_birth", "").strip())
        if date_of_birth is None or row_birth is None or row_birth == date_of_birth:
            return True
    return False


def _phone_key(phone: str) -> str:
    digits = re.sub(r"[^0-9]", "", phone)
    return digits[-9:] if len(digits) >= 9 else ""


def _identity_keys(values: dict) -> list[tuple]:
    keys: list[tuple] = []
    if values.get("email"):
        keys.append(("email", values["email"]))
    keys.append(("name", _name_key(values["first_name"]), _name_key(values["last_name"]), values["date_of_birth"]))
    return keys


def _name_key(name: str) -> str:
    # Case, accents, spaces and punctuation aside, in any script: _key would reduce a Cyrillic or Arabic
    # name to nothing and make different people with one birth date look the same.
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if char.isalnum())


def _restore_leading_zeros(phone: str) -> str:
    # A phone number kept as a number in a spreadsheet loses its leading zeros: 0612345678 becomes
    # 612345678 and 0031612345678 becomes 31612345678.
    text = phone.strip()
    if _DROPPED_ZERO.fullmatch(text):
        return "0" + text
    if _DROPPED_DOUBLE_ZERO.fullmatch(text):
        return "+" + text
    return phone


class _RowForms:
    """Bound import row forms that share one set of fields.

    Django gives every form a deep copy of its fields, which is most of what validating a row would cost; the
    fields keep nothing of the data they clean, so the rows of one list can share them.
    """

    def __init__(self) -> None:
        from .forms import CandidateImportRowForm

        self.unbound = CandidateImportRowForm()

    def bound(self, data: dict):
        form = copy.copy(self.unbound)
        form.data, form.is_bound, form.instance = data, True, Candidate()
        # Django's cache of a form's bound fields is per form: the copy must not share the unbound form's.
        form._bound_fields_cache = {}  # type: ignore[attr-defined]
        return form


def _validate_row(row: ParsedRow, forms: _RowForms | None = None) -> None:
    data: dict[str, Any] = dict(row.raw)  # the text of the file, then the values the form takes
    data["benefit_type"] = _BENEFIT_WORDS.get(_key(data.get("benefit_type", "")), data.get("benefit_type", ""))
    data["education_level"] = _EDUCATION_WORDS.get(
        _key(data.get("education_level", "")), data.get("education_level", "")
    )
    data["phone"] = _restore_leading_zeros(data.get("phone", ""))
    status_holder = _key(data.get("is_status_holder", ""))
    errors = []
    reported: set[str] = set()
    if status_holder in _YES:
        data["is_status_holder"] = True
    elif status_holder in _NO:
        data["is_status_holder"] = False
    else:
        errors.append(_("Status holder: write “ja” or “nee”."))
        data["is_status_holder"] = False
    for skill in ("speaking_level", "listening_level", "reading_level", "writing_level"):
        data[skill] = data.get(skill, "").strip().upper()
    birth = data.get("date_of_birth", "").strip()
    if birth:
        parsed = _parse_date(birth)
        if parsed is None:
            errors.append(_("Date of birth: “%(value)s” is not a date such as 14-03-1988.") % {"value": birth})
            reported.add("date_of_birth")
            data["date_of_birth"] = ""
        else:
            data["date_of_birth"] = parsed  # a date: the form takes it as it is
    days, unknown_days = _parse_days(data.get("available_days", ""))
    if unknown_days:
        errors.append(
            _("Available days: “%(value)s” is not a day; write the days as “ma, di, do” or “ma-vr”.")
            % {"value": ", ".join(unknown_days)}
        )
        reported.add("available_days")
    data["available_days"] = days
    available = data.get("available_from", "").strip()
    if available:
        parsed = _parse_date(available)
        if parsed is None:
            errors.append(_("Available from: “%(value)s” is not a date such as 01-09-2026.") % {"value": available})
            reported.add("available_from")
            data["available_from"] = ""
        else:
            data["available_from"] = parsed
    data["hours_per_week"] = _HOURS_UNIT.sub("", data.get("hours_per_week", "").strip())
    data["referral_source"] = ReferralSource.MUNICIPALITY
    form = (forms or _RowForms()).bound(data)
    if form.is_valid():
        row.values = form.cleaned_data
    for name, messages in form.errors.items():
        if name in reported:
            continue
        label = form.fields[name].label if name in form.fields else ""
        # ErrorList hands out each message as a str (its stubs also allow a ValidationError).
        errors.extend(f"{label}: {message}" if label else str(message) for message in messages)
    row.errors = errors
    if errors:
        row.values = {}


def _parse_days(text: str) -> tuple[list[str], list[str]]:
    """The weekdays a cell names, in the order of the week, and the words in it that name no day."""
    days: set[int] = set()
    unknown = []
    for word in _DAY_SEPARATORS.split(_DAY_RANGE.sub("-", text.strip().casefold())):
        if word in ("", "en", "and"):
            continue
        first, dash, last = word.partition("-")
        start, end = _DAY_NUMBERS.get(_key(first)), _DAY_NUMBERS.get(_key(last) if dash else _key(first))
        if start is None or end is None or start > end:
            unknown.append(word)
            continue
        days.update(range(start, end + 1))
    return [_WEEK[number] for number in sorted(days)], unknown


def _parse_date(text: str) -> date | None:
    # The common spelling first, without strptime's cost: 14-03-1988, 14/03/1988 or 14.03.1988.
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        try:
            return date(int(match[4]), int(match[3]), int(match[1]))
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
