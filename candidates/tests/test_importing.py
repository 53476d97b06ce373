import csv
import datetime
import io
import re
import zipfile

import pytest
import time_machine
from django.test import override_settings
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from candidates import importing
from candidates.forms import CandidateImportRowForm
from candidates.importing import TEMPLATE_EXAMPLE, TEMPLATE_HEADER, ImportFileError, parse_table
from candidates.models import BenefitType, EducationLevel
from candidates.selectors import candidate_duplicates
from candidates.tests.factories import EnrolmentFactory
from pilots.tests.factories import CohortFactory, PilotFactory

HEADER = "voornaam;tussenvoegsel;achternaam;geboortedatum;e-mail;telefoon;postcode;woonplaats"
NOT_A_TABLE = "This is not a table: upload a CSV or XLSX file."
CANNOT_OPEN = "The file looks like a spreadsheet but cannot be opened."
# Lets the hypothesis tests share the test database fixture; parsing only reads from it.
PROPERTY = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 15, 12, 0, tzinfo=datetime.UTC), tick=False):
        yield


def no_duplicates(values):
    return []


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return "\r\n".join(lines).encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_zip(content: bytes, *, change=None, drop: str = "", add: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip with one member changed, dropped, or extra members added."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name == drop:
                continue
            data = source.read(name)
            if change is not None:
                data = change(name, data)
            target.writestr(name, data)
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return buffer.getvalue()


def parse(content: bytes, *, lookup=no_duplicates, file_name: str = "verwijzingen.csv"):
    return parse_table(file_name=file_name, content=content, duplicate_lookup=lookup)


def refusal(content: bytes) -> str:
    with pytest.raises(ImportFileError) as refused:
        parse(content)
    return str(refused.value)


def label(field: str) -> str:
    return str(CandidateImportRowForm().fields[field].label)


def test_parse_table_reads_a_csv_separated_by_semicolons(db):
    content = csv_bytes(
        HEADER,
        "Fatima;el;Amrani;14-03-1988;F.ElAmrani@Example.org;06-12345678;3512ab;Utrecht",
        "Jan;;Jansen;1990-05-01;;010 123 45 67;;Rotterdam",
    )

    table = parse(content)

    assert table.file_name == "verwijzingen.csv"
    assert [column.field for column in table.columns] == [
        "first_name",
        "last_name_prefix",
        "last_name",
        "date_of_birth",
        "email",
        "phone",
        "postcode",
        "city",
    ]
    assert table.ignored_headers == []
    assert [row.line for row in table.rows] == [2, 3]
    assert [row.errors for row in table.rows] == [[], []]
    fatima, jan = (row.values for row in table.rows)
    assert fatima["first_name"] == "Fatima"
    assert fatima["last_name_prefix"] == "el"
    assert fatima["date_of_birth"] == datetime.date(1988, 3, 14)
    assert fatima["email"] == "f.elamrani@example.org"
    assert fatima["phone"] == "+31612345678"
    assert fatima["postcode"] == "3512 AB"
    assert fatima["referral_source"] == "municipality"
    assert fatima["benefit_type"] == BenefitType.NONE
    assert jan["date_of_birth"] == datetime.date(1990, 5, 1)
    assert jan["phone"] == "+31101234567"
    assert jan["email"] == ""
    assert table.importable_rows == table.rows


def test_parse_table_reads_a_csv_separated_by_commas(db):
    content = csv_bytes(
        "voornaam,achternaam,geboortedatum,telefoon,woonplaats",
        'Piet,Bakker,01/02/1985,06 11111111,"Wijk bij Duurstede, Utrecht"',
    )

    table = parse(content)

    (row,) = table.rows
    assert row.errors == []
    assert row.values["date_of_birth"] == datetime.date(1985, 2, 1)
    assert row.values["city"] == "Wijk bij Duurstede, Utrecht"


def test_parse_table_reads_the_downloadable_template_and_its_example(db):
    content = csv_bytes(";".join(TEMPLATE_HEADER), ";".join(TEMPLATE_EXAMPLE))

    table = parse(content)

    (row,) = table.rows
    assert row.errors == []
    assert row.values["benefit_type"] == BenefitType.SOCIAL_ASSISTANCE
    assert row.values["education_level"] == EducationLevel.MBO2
    assert row.values["is_status_holder"] is False
    assert row.values["speaking_level"] == "A2"
    assert row.values["writing_level"] == "A1"
    assert table.ignored_headers == []


def test_parse_table_reads_utf8_with_a_byte_order_mark(db):
    content = "\ufeff" + "\r\n".join([HEADER, "Zoë;;Françoise-Hélène;02-03-1991;zoe@example.org;;;Utrecht"])

    table = parse(content.encode("utf-8"))

    (row,) = table.rows
    assert table.columns[0].field == "first_name"  # the BOM is not part of the first header
    assert row.values["first_name"] == "Zoë"
    assert row.values["last_name"] == "Françoise-Hélène"


def test_parse_table_reads_windows_1252_as_excel_saves_it(db):
    content = csv_bytes(
        HEADER,
        "Zoë;van;Gaël;02-03-1991;zoe@example.org;;;Sint-Oedenrode",
        "Çelik;;Müller-Renée;03-04-1992;celik@example.org;;;’s-Hertogenbosch",
        encoding="cp1252",
    )

    table = parse(content)

    assert [(row.values["first_name"], row.values["last_name"]) for row in table.rows] == [
        ("Zoë", "Gaël"),
        ("Çelik", "Müller-Renée"),
    ]
    assert table.rows[1].values["city"] == "’s-Hertogenbosch"


def test_parse_table_refuses_text_that_is_neither_utf8_nor_windows_1252(db):
    # 0x81 is not a character in Windows-1252 and cannot start a UTF-8 sequence.
    content = csv_bytes(HEADER, "Jan;;Jansen;01-01-1990;jan@example.org;;;") + b"\x81"

    assert refusal(content) == gettext("The file's text encoding is not UTF-8 or Windows-1252.")


def test_parse_table_reads_an_xlsx_with_date_and_number_cells(db):
    content = xlsx_bytes(
        [
            ["Voornaam", "Achternaam", "Geboortedatum", "Telefoon", "Postcode", "Uitkering", "Statushouder"],
            ["Amina", "Haddou", datetime.date(1993, 7, 9), 612345678, "3011AB", "WW", "ja"],
            ["Kees", "Smit", datetime.datetime(1980, 1, 2, 0, 0), 31201234567, None, "bijstand", None],
            ["Lotte", "Visser", "05-06-1999", "06 22222222", 1234.0, None, "nee"],
        ]
    )

    table = parse(content, file_name="verwijzingen.xlsx")

    amina, kees, lotte = table.rows
    assert [amina.errors, kees.errors] == [[], []]
    assert amina.values["date_of_birth"] == datetime.date(1993, 7, 9)
    # A number cell loses the leading zeros of a phone number; they are put back.
    assert amina.values["phone"] == "+31612345678"
    assert amina.values["postcode"] == "3011 AB"
    assert amina.values["benefit_type"] == BenefitType.UNEMPLOYMENT
    assert amina.values["is_status_holder"] is True
    assert kees.values["date_of_birth"] == datetime.date(1980, 1, 2)
    assert kees.values["phone"] == "+31201234567"
    assert kees.values["benefit_type"] == BenefitType.SOCIAL_ASSISTANCE
    # A number where a postcode belongs is read as its digits, without ".0", and refused as a postcode.
    assert lotte.raw["postcode"] == "1234"
    assert lotte.errors == [f"{label('postcode')}: {gettext('Enter the postcode as 1234 AB')}"]


def test_parse_table_reads_every_row_of_an_xlsx_with_a_wrong_used_range(db):
    content = xlsx_bytes(
        [["voornaam", "achternaam", "geboortedatum", "e-mail"]]
        + [[f"Naam{n}", "Jansen", datetime.date(1990, 1, n), f"n{n}@example.org"] for n in range(1, 4)]
    )
    # Some programs write a used range that covers only the first row.
    content = rewrite_zip(
        content,
        change=lambda name, data: re.sub(rb'<dimension ref="A1:D4"', b'<dimension ref="A1:D1"', data),
    )
    assert b'ref="A1:D1"' in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")

    table = parse(content)

    assert [row.line for row in table.rows] == [2, 3, 4]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Voornaam", "first_name"),
        ("ROEPNAAM", "first_name"),
        ("First name", "first_name"),
        ("Tussenv.", "last_name_prefix"),
        ("Familienaam", "last_name"),
        ("Geboorte datum", "date_of_birth"),
        ("Geb. datum", "date_of_birth"),
        ("date_of_birth", "date_of_birth"),
        ("E-mailadres", "email"),
        ("E-MAIL", "email"),
        (" Telefoonnummer ", "phone"),
        ("Mobiel", "phone"),
        ("Postal code", "postcode"),
        ("Plaats", "city"),
        ("Uitkeringssoort", "benefit_type"),
        ("Status holder", "is_status_holder"),
        ("Opleidingsniveau", "education_level"),
    ],
)
def test_parse_table_recognises_header_aliases_whatever_their_case_spacing_or_punctuation(db, header, field):
    required = {"first_name": "voornaam", "last_name": "achternaam", "date_of_birth": "geboortedatum"}
    names = [header, *(name for other, name in required.items() if other != field)]

    table = parse(csv_bytes(";".join(names)))

    assert table.columns[0].field == field
    assert table.ignored_headers == []


def test_parse_table_reports_unknown_columns_as_ignored(db):
    content = csv_bytes(
        "Klantnummer;voornaam;achternaam;;geboortedatum;BSN;e-mail",
        "K-1;Jan;Jansen;x;01-01-1990;123456782;jan@example.org",
    )

    table = parse(content)

    assert table.ignored_headers == ["Klantnummer", "BSN"]
    (row,) = table.rows
    assert row.errors == []
    assert "123456782" not in row.raw.values()


def test_parse_table_uses_the_first_of_two_columns_for_one_field(db):
    content = csv_bytes(
        "voornaam;achternaam;geboortedatum;telefoon;mobiel",
        "Jan;Jansen;01-01-1990;06 12345678;",
    )

    table = parse(content)

    assert table.ignored_headers == ["mobiel"]
    (row,) = table.rows
    assert row.errors == []
    assert row.values["phone"] == "+31612345678"


def test_parse_table_lists_every_problem_of_a_row(db):
    content = csv_bytes(
        "voornaam;achternaam;geboortedatum;e-mail;telefoon;postcode;statushouder;uitkering;spreken",
        "Jan;Jansen;01-01-1990;jan@example.org;;;;;",
        ";Visser;32-01-1990;geen-adres;06 1234;1234 SA;misschien;toeslag;Z9",
    )

    table = parse(content)

    good, bad = table.rows
    assert good.errors == []
    assert bad.line == 3
    assert bad.values == {}
    assert bad.errors == [
        gettext("Status holder: write “ja” or “nee”."),
        gettext("Date of birth: “%(value)s” is not a date such as 14-03-1988.") % {"value": "32-01-1990"},
        f"{label('first_name')}: {gettext('Enter the first name')}",
        f"{label('email')}: {gettext('Enter the e-mail address as name@example.nl')}",
        f"{label('phone')}: {gettext('Enter a valid Dutch phone number, such as 06 12345678 or 010 123 4567.')}",
        f"{label('postcode')}: {gettext('Enter the postcode as 1234 AB')}",
        f"{label('benefit_type')}: "
        + gettext("Select a valid choice. %(value)s is not one of the available choices.") % {"value": "toeslag"},
        f"{label('speaking_level')}: "
        + gettext("Select a valid choice. %(value)s is not one of the available choices.") % {"value": "Z9"},
    ]
    assert table.valid_rows == [good]
    assert table.importable_rows == [good]


@pytest.mark.parametrize(
    ("date_of_birth", "message"),
    [
        ("01-01-2015", "Candidates are of working age: between %(min)s and %(max)s years old."),
        ("01-01-2027", "The date of birth lies in the future."),
    ],
)
def test_parse_table_checks_the_working_age(db, date_of_birth, message):
    table = parse(csv_bytes(HEADER, f"Jan;;Jansen;{date_of_birth};jan@example.org;;;"))

    (row,) = table.rows
    assert row.errors == [f"{label('date_of_birth')}: {gettext(message) % {'min': 16, 'max': 67}}"]


def test_parse_table_asks_for_an_email_or_phone(db):
    table = parse(csv_bytes(HEADER, "Jan;;Jansen;01-01-1990;;;;"))

    (row,) = table.rows
    expected = gettext("Give an e-mail address or a phone number, so the candidate can be reached.")
    assert row.errors == [f"{label('phone')}: {expected}"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14-03-1988", "1988-03-14"),
        ("14/03/1988", "1988-03-14"),
        ("14.03.1988", "1988-03-14"),
        ("1-3-88", "1988-03-01"),
    ],
)
def test_parse_table_reads_the_date_formats_of_referral_lists(db, text, expected):
    table = parse(csv_bytes(HEADER, f"Jan;;Jansen;{text};jan@example.org;;;"))

    assert table.rows[0].values["date_of_birth"].isoformat() == expected


@pytest.mark.parametrize(
    ("column", "text", "field", "value"),
    [
        ("uitkering", "Bijstand", "benefit_type", BenefitType.SOCIAL_ASSISTANCE),
        ("uitkering", "Participatiewet", "benefit_type", BenefitType.SOCIAL_ASSISTANCE),
        ("uitkering", "Wajong", "benefit_type", BenefitType.DISABILITY),
        ("uitkering", "geen", "benefit_type", BenefitType.NONE),
        ("uitkering", "", "benefit_type", BenefitType.NONE),
        ("opleiding", "MBO 2", "education_level", EducationLevel.MBO2),
        ("opleiding", "Entree", "education_level", EducationLevel.MBO1),
        ("opleiding", "havo_vwo", "education_level", EducationLevel.HAVO_VWO),
        ("opleiding", "Buitenland", "education_level", EducationLevel.FOREIGN_UNKNOWN),
        ("statushouder", "Ja", "is_status_holder", True),
        ("statushouder", "x", "is_status_holder", True),
        ("statushouder", "Nee", "is_status_holder", False),
        ("spreken", " b1 ", "speaking_level", "B1"),
    ],
)
def test_parse_table_maps_the_words_of_referral_lists_to_stored_values(db, column, text, field, value):
    table = parse(
        csv_bytes(f"voornaam;achternaam;geboortedatum;e-mail;{column}", f"Jan;Jansen;01-01-1990;j@e.nl;{text}")
    )

    (row,) = table.rows
    assert row.errors == []
    assert row.values[field] == value


def test_parse_table_numbers_rows_as_the_spreadsheet_shows_them(db):
    content = csv_bytes(
        HEADER,
        "Jan;;Jansen;01-01-1990;jan@example.org;;;",
        ";;;;;;;",
        "",
        "Piet;;Bakker;01-01-1991;;06 12345678;1234 SA;",
    )

    table = parse(content)

    assert [row.line for row in table.rows] == [2, 5]
    assert table.rows[1].errors == [f"{label('postcode')}: {gettext('Enter the postcode as 1234 AB')}"]


def test_parse_table_numbers_xlsx_rows_after_empty_rows_as_the_spreadsheet_shows_them(db):
    content = xlsx_bytes(
        [
            ["voornaam", "achternaam", "geboortedatum", "e-mail"],
            [],
            ["Jan", "Jansen", "01-01-1990", "jan@example.org"],
            [None, None, None, None],
            ["Piet", "Bakker", "01-01-1991", "piet@example.org"],
        ]
    )

    table = parse(content)

    assert [row.line for row in table.rows] == [3, 5]


def test_parse_table_marks_a_later_row_with_the_same_email_as_a_duplicate_within_the_file(db):
    content = csv_bytes(
        HEADER,
        "Jan;;Jansen;01-01-1990;jan@example.org;;;",
        "Piet;;Bakker;02-02-1991;piet@example.org;;;",
        "Johannes;;Jansen;03-03-1992;JAN@Example.org;;;",
    )

    table = parse(content)

    assert [row.duplicate_of_line for row in table.rows] == [None, None, 2]
    assert [row.line for row in table.importable_rows] == [2, 3]
    assert [row.line for row in table.valid_rows] == [2, 3, 4]


def test_parse_table_marks_a_later_row_with_the_same_name_and_birth_date_as_a_duplicate_within_the_file(db):
    content = csv_bytes(
        HEADER,
        "José;;Da Silva;01-01-1990;jose@example.org;;;",
        "Jose;;da silva;01-01-1990;;06 12345678;;",
        "José;;Da Silva;02-01-1990;;06 12345678;;",
    )

    table = parse(content)

    assert [row.duplicate_of_line for row in table.rows] == [None, 2, None]
    assert [row.line for row in table.importable_rows] == [2, 4]


def test_parse_table_does_not_take_different_names_in_another_script_for_duplicates(db):
    content = csv_bytes(
        HEADER,
        "Мария;;Иванова;01-01-1990;;06 11111111;;",
        "Анна;;Петрова;01-01-1990;;06 22222222;;",
        "мария;;иванова;01-01-1990;;06 33333333;;",
    )

    table = parse(content)

    assert [row.duplicate_of_line for row in table.rows] == [None, None, 2]


def test_parse_table_does_not_compare_invalid_rows_for_duplicates(db):
    content = csv_bytes(
        HEADER,
        "Jan;;Jansen;01-01-1990;jan@example.org;;1234 SA;",
        "Jan;;Jansen;01-01-1990;jan@example.org;;;",
    )

    table = parse(content)

    assert [row.duplicate_of_line for row in table.rows] == [None, None]
    assert [row.line for row in table.importable_rows] == [3]


@pytest.fixture
def own_cohort(organisation):
    return CohortFactory(pilot=PilotFactory(lead_organisation=organisation))


def duplicate_lookup_for(user):
    def lookup(values):
        return candidate_duplicates(
            user=user,
            email=values["email"],
            first_name=values["first_name"],
            last_name=values["last_name"],
            date_of_birth=values["date_of_birth"],
        )

    return lookup


def test_parse_table_marks_rows_that_match_candidates_the_user_can_see(adviser, own_cohort):
    by_email = EnrolmentFactory(cohort=own_cohort, candidate__email="jan@example.org").candidate
    by_name = EnrolmentFactory(
        cohort=own_cohort,
        candidate__first_name="Piet",
        candidate__last_name="Bakker",
        candidate__date_of_birth=datetime.date(1991, 2, 2),
    ).candidate
    EnrolmentFactory(candidate__email="kees@example.org")  # in another region's pilot
    content = csv_bytes(
        HEADER,
        "Jan;;Jansen;01-01-1990;Jan@Example.org;;;",
        "piet;;bakker;02-02-1991;;06 12345678;;",
        "Kees;;Smit;03-03-1992;kees@example.org;;;",
        "Lotte;;Visser;04-04-1993;lotte@example.org;;;",
    )

    table = parse(content, lookup=duplicate_lookup_for(adviser))

    assert [row.duplicates for row in table.rows] == [[by_email], [by_name], [], []]
    assert [row.line for row in table.importable_rows] == [4, 5]


def test_parse_table_does_not_look_up_invalid_rows(db):
    looked_up = []

    def lookup(values):
        looked_up.append(values["first_name"])
        return []

    parse(
        csv_bytes(HEADER, "Jan;;Jansen;01-01-1990;jan@example.org;;;", "Piet;;Bakker;01-01-2020;;06 12345678;;"),
        lookup=lookup,
    )

    assert looked_up == ["Jan"]


def test_parse_table_reads_a_header_without_rows_as_an_empty_table(db):
    table = parse(csv_bytes(HEADER))

    assert table.rows == []
    assert table.importable_rows == []


@pytest.mark.parametrize("content", [b"", b"   \r\n\t \n", b"\n\n"])
def test_parse_table_refuses_an_empty_file(db, content):
    assert refusal(content) == gettext("The file is empty.")


def test_parse_table_refuses_a_file_of_empty_cells(db):
    assert refusal(b";;;\r\n;;;\r\n") == gettext("The file has no rows.")


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"GIF89a\x01\x00\x01\x00",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),  # an old .xls
        bytes(range(256)) * 4,
        b"voornaam;achternaam\x00\x01\x02",
    ],
)
def test_parse_table_refuses_a_file_that_is_not_a_table(db, content):
    assert refusal(content) == gettext(NOT_A_TABLE)


def test_parse_table_refuses_a_csv_without_the_required_columns(db):
    message = refusal(csv_bytes("naam;e-mail;telefoon", "Jansen;jan@example.org;06 12345678"))

    expected = gettext(
        "The first row is not a recognisable header: the columns %(missing)s are missing. Download the template."
    ) % {"missing": "voornaam, geboortedatum"}
    assert message == expected


def test_parse_table_refuses_a_file_whose_first_row_is_data(db):
    message = refusal(csv_bytes("Jan;;Jansen;01-01-1990;jan@example.org;;;"))

    assert "voornaam, achternaam, geboortedatum" in message


def test_parse_table_refuses_a_file_larger_than_the_setting(db):
    content = csv_bytes(HEADER, "Jan;;Jansen;01-01-1990;jan@example.org;;;")

    with override_settings(CANDIDATE_IMPORT_MAX_BYTES=len(content)):
        assert len(parse(content).rows) == 1
    with override_settings(CANDIDATE_IMPORT_MAX_BYTES=len(content) - 1), pytest.raises(ImportFileError) as refused:
        parse(content)

    assert str(refused.value).startswith(gettext("The file is larger than %(size)s MB.").split("%")[0])


def test_parse_table_refuses_a_large_file_before_reading_it(db, monkeypatch):
    def read_cells(**kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(importing, "read_cells", read_cells)

    with override_settings(CANDIDATE_IMPORT_MAX_BYTES=10), pytest.raises(ImportFileError):
        parse(b"x" * 11)


def many_rows(count: int) -> list[str]:
    return [f"Naam{n};;Jansen;01-01-1990;n{n}@example.org;;;" for n in range(count)]


def test_parse_table_accepts_exactly_max_rows_rows(db, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)

    table = parse(csv_bytes(HEADER, *many_rows(3)))

    assert len(table.rows) == 3


def test_parse_table_refuses_more_than_max_rows_rows(db, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)

    message = refusal(csv_bytes(HEADER, *many_rows(4)))

    assert message == gettext("The file has more than %(max)s rows; split it up.") % {"max": 3}


def test_parse_table_does_not_count_empty_rows_towards_the_maximum(db, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    lines = many_rows(3)

    table = parse(csv_bytes(HEADER, "", lines[0], ";;;;", lines[1], "", "", lines[2], "", ""))

    assert [row.line for row in table.rows] == [3, 5, 8]


def test_parse_table_refuses_an_xlsx_with_more_than_max_rows_rows(db, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    header = ["voornaam", "achternaam", "geboortedatum", "e-mail"]
    rows = [[f"Naam{n}", "Jansen", "01-01-1990", f"n{n}@example.org"] for n in range(4)]

    assert len(parse(xlsx_bytes([header, *rows[:3]])).rows) == 3
    assert refusal(xlsx_bytes([header, *rows])) == gettext("The file has more than %(max)s rows; split it up.") % {
        "max": 3
    }


def valid_xlsx() -> bytes:
    return xlsx_bytes(
        [["voornaam", "achternaam", "geboortedatum", "e-mail"], ["Jan", "Jansen", "01-01-1990", "j@e.nl"]]
    )


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"PK\x03\x04" + b"junk" * 200, id="zip-magic-then-junk"),
        pytest.param(zip_of({"verwijzingen.csv": HEADER.encode()}), id="zip-of-a-csv"),
        pytest.param(
            zip_of(
                {
                    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    b'package/2006/content-types"/>',
                    "word/document.xml": b"<document/>",
                }
            ),
            id="a-word-document",
        ),
        pytest.param(valid_xlsx()[:-200], id="truncated-xlsx"),
    ],
)
def test_parse_table_refuses_a_zip_that_is_not_a_readable_spreadsheet(db, content):
    assert refusal(content) == gettext(CANNOT_OPEN)


def test_parse_table_refuses_an_xlsx_whose_sheet_is_damaged(db):
    content = rewrite_zip(
        valid_xlsx(), change=lambda name, data: data[: len(data) // 2] if name == "xl/worksheets/sheet1.xml" else data
    )

    assert refusal(content) == gettext(CANNOT_OPEN)


def test_parse_table_refuses_an_xlsx_without_its_sheet(db):
    content = rewrite_zip(valid_xlsx(), drop="xl/worksheets/sheet1.xml")

    assert refusal(content) == gettext(CANNOT_OPEN)


def test_parse_table_refuses_an_xlsx_that_unpacks_far_beyond_the_upload_limit(db):
    limit = 50_000
    small = rewrite_zip(valid_xlsx(), add={"xl/media/image1.bin": bytes(limit)})
    bomb = rewrite_zip(valid_xlsx(), add={"xl/media/image1.bin": bytes(importing.MAX_XLSX_EXPANSION * limit)})
    assert len(bomb) < limit

    with override_settings(CANDIDATE_IMPORT_MAX_BYTES=limit):
        assert len(parse(small).rows) == 1
        with pytest.raises(ImportFileError) as refused:
            parse(bomb)

    assert str(refused.value) == gettext("The spreadsheet is too large once unpacked; split it up.")


# --- Properties: whatever is uploaded, the answer is a table or an ImportFileError ----------------------------

HEADER_LINE = (";".join(TEMPLATE_HEADER) + "\r\n").encode()
VALID_XLSX = valid_xlsx()


def damaged(content: bytes):
    """A strategy of copies of content with a few bytes overwritten."""
    return st.lists(st.tuples(st.integers(0, len(content) - 1), st.integers(0, 255)), min_size=1, max_size=8).map(
        lambda changes: _overwrite(content, changes)
    )


def _overwrite(content: bytes, changes) -> bytes:
    data = bytearray(content)
    for position, value in changes:
        data[position] = value
    return bytes(data)


def parse_or_refuse(content: bytes):
    try:
        return parse(content)
    except ImportFileError as error:
        assert str(error)
        return None


@PROPERTY
@given(
    content=st.one_of(
        st.binary(max_size=600),
        st.binary(max_size=600).map(lambda data: b"PK\x03\x04" + data),
        st.binary(max_size=600).map(lambda data: HEADER_LINE + data),
        damaged(VALID_XLSX),
    )
)
def test_parse_table_answers_arbitrary_bytes_with_a_table_or_an_import_file_error(db, content):
    parse_or_refuse(content)


@PROPERTY
@given(text=st.text(max_size=400))
def test_parse_table_answers_arbitrary_text_with_a_table_or_an_import_file_error(db, text):
    parse_or_refuse(text.encode("utf-8"))
    parse_or_refuse(HEADER_LINE + text.encode("utf-8"))


CELL_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=25)


@settings(PROPERTY, max_examples=100)
@given(
    rows=st.lists(
        st.lists(CELL_TEXT, min_size=len(TEMPLATE_HEADER), max_size=len(TEMPLATE_HEADER) + 2), min_size=1, max_size=4
    ),
    delimiter=st.sampled_from([";", ","]),
)
def test_parse_table_validates_arbitrary_cells_under_a_valid_header_without_raising(db, rows, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(TEMPLATE_HEADER)
    writer.writerows(rows)

    table = parse(buffer.getvalue().encode("utf-8"))

    assert len(table.rows) <= len(rows)
    for row in table.rows:
        assert bool(row.values) != bool(row.errors)
    assert [row.line for row in table.rows] == sorted({row.line for row in table.rows})


XLSX_VALUE = st.one_of(
    st.none(),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=20),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1)),
)


@settings(PROPERTY, max_examples=40)
@given(rows=st.lists(st.lists(XLSX_VALUE, min_size=4, max_size=6), min_size=1, max_size=3))
def test_parse_table_validates_arbitrary_xlsx_cells_under_a_valid_header_without_raising(db, rows):
    content = xlsx_bytes([["voornaam", "achternaam", "geboortedatum", "telefoon", "postcode", "statushouder"], *rows])

    table = parse(content)

    for row in table.rows:
        assert bool(row.values) != bool(row.errors)
