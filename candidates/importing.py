"""Reading a referral list (CSV or XLSX) into validated rows, before anything is saved.

The file's type is decided by its content, not its name. Every row is validated with the
same rules as the registration form and checked for duplicates, both against existing
candidates and within the file, so the preview can say per row what is wrong.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import BenefitType, EducationLevel, ReferralSource

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
]


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).strip().lower())


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


def parse_table(*, file_name: str, content: bytes, duplicate_lookup) -> ParsedTable:
    """Validate every row. duplicate_lookup(values) returns existing candidates a row may duplicate."""
    if len(content) > max_import_bytes():
        raise ImportFileError(
            _("The file is larger than %(size)s MB.") % {"size": round(max_import_bytes() / 1024 / 1024, 1)}
        )
    cells = read_cells(content=content)
    if not cells:
        raise ImportFileError(_("The file has no rows."))
    header = cells[0][1]
    columns = _header_columns(header)
    found = {column.field for column in columns if column}
    missing = [column for column in COLUMNS if column.required and column.field not in found]
    if missing:
        raise ImportFileError(
            _("The first row is not a recognisable header: the columns %(missing)s are missing. Download the template.")
            % {"missing": ", ".join(column.header for column in missing)}
        )
    ignored = [name for name, column in zip(header, columns, strict=False) if column is None and name.strip()]
    rows = []
    seen: dict[tuple, int] = {}
    for line, values in cells[1:]:
        raw = {column.field: values[i] if i < len(values) else "" for i, column in enumerate(columns) if column}
        row = ParsedRow(line=line, raw=raw)
        _validate_row(row)
        if row.is_valid:
            for key in _identity_keys(row.values):
                if key in seen:
                    row.duplicate_of_line = seen[key]
                    break
            for key in _identity_keys(row.values):
                seen.setdefault(key, row.line)
            row.duplicates = list(duplicate_lookup(row.values))
        rows.append(row)
    return ParsedTable(file_name=file_name, columns=[c for c in columns if c], ignored_headers=ignored, rows=rows)


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
    person_email = email.strip().casefold()
    person_first = _name_key(first_name)
    person_last = {_name_key(last_name), _name_key(last_name_prefix + last_name)} - {""}
    person_phone = _phone_key(phone)
    for _line, values in cells[1:]:
        raw = {column.field: values[i] if i < len(values) else "" for i, column in enumerate(columns) if column}
        if person_email and raw.get("email", "").strip().casefold() == person_email:
            return True
        if person_phone and _phone_key(_restore_leading_zeros(raw.get("phone", ""))) == person_phone:
            return True
        row_last = {_name_key(raw["last_name"]), _name_key(raw.get("last_name_prefix", "") + raw["last_name"])}
        if not person_first or _name_key(raw["first_name"]) != person_first or not person_last & row_last:
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


def _validate_row(row: ParsedRow) -> None:
    from .forms import CandidateImportRowForm

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
            data["date_of_birth"] = parsed.isoformat()
    data["referral_source"] = ReferralSource.MUNICIPALITY
    form = CandidateImportRowForm(data=data)
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


def _parse_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
