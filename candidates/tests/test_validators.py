import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from hypothesis import given
from hypothesis import strategies as st

from candidates.validators import age_on, format_phone, normalise_phone, normalise_postcode, validate_working_age

# Noon in Amsterdam, so the local date is the same as the UTC one.
TODAY = datetime.datetime(2026, 3, 15, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("1234ab", "1234 AB"),
        ("1234 AB", "1234 AB"),
        ("1234AB", "1234 AB"),
        (" 3511 ab ", "3511 AB"),
        ("9999 zz", "9999 ZZ"),
    ],
)
def test_normalise_postcode_stores_four_digits_a_space_and_two_capitals(value, stored):
    assert normalise_postcode(value) == stored


@pytest.mark.parametrize(
    "value",
    [
        "0123 AB",  # no postcode starts with 0
        "1234 SA",  # SA, SD and SS are never issued
        "1234 sd",
        "1234SS",
        "12345",
        "1234 A",
        "1234 ABC",
        "123 AB",
        "1234  AB",
        "AB 1234",
        "",
        "１２３４ AB",  # full-width digits
    ],
)
def test_normalise_postcode_refuses_what_is_not_a_dutch_postcode(value):
    with pytest.raises(ValidationError) as refused:
        normalise_postcode(value)

    assert refused.value.code == "invalid_postcode"
    assert refused.value.messages == [gettext("Enter a Dutch postcode such as 1234 AB.")]


DUTCH_ERROR = "Enter a valid Dutch phone number, such as 06 12345678 or 010 123 4567."
INTERNATIONAL_ERROR = "Enter a valid international number with its country code, such as +32 470 12 34 56."


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("0612345678", "+31612345678"),
        ("06 12345678", "+31612345678"),
        ("06-12345678", "+31612345678"),
        ("06 12 34 56 78", "+31612345678"),
        ("(06) 123 456 78", "+31612345678"),
        ("06.12.34.56.78", "+31612345678"),
        ("6 12345678", "+31612345678"),  # the leading zero a spreadsheet dropped
        ("+31 6 12345678", "+31612345678"),
        ("+31 (0)6 12345678", "+31612345678"),
        ("+31612345678", "+31612345678"),
        ("0031 6 12345678", "+31612345678"),
        ("0031-6-1234-5678", "+31612345678"),
        ("010-1234567", "+31101234567"),
        ("010 123 4567", "+31101234567"),
        ("(010) 123 45 67", "+31101234567"),
        ("030 - 123 45 67", "+31301234567"),
        ("+31 20 123 4567", "+31201234567"),
        ("0031 (0)30 1234567", "+31301234567"),
        ("0800 1234", "+318001234"),  # a free number: eight digits
        ("+32 470 12 34 56", "+32470123456"),
        ("0032 470 12 34 56", "+32470123456"),
        ("+49 (30) 1234-5678", "+493012345678"),
        ("0049 30 1234567", "+49301234567"),
        ("+1 202 555 0143", "+12025550143"),
        ("\u00a006\u00a012345678", "+31612345678"),  # non-breaking spaces from a copied spreadsheet
    ],
)
def test_normalise_phone_stores_dutch_and_international_numbers_in_e164(value, stored):
    assert normalise_phone(value) == stored


@pytest.mark.parametrize(
    "value",
    [
        "06 1234567",  # nine digits
        "06 123456789",  # eleven digits
        "06 98765432",  # ten digits, but 069 is no number range in use
        "010 12345",
        "12345",
        "06 1234567a",
        "zes-een-twee",
        "tel: 06 12345678",
        "06 12345678 of 06 87654321",
        "06 12345678 / 06 87654321",
        "+31 6 1234",
        "0031",
        "",
        "06¹²³⁴⁵⁶⁷⁸",  # superscript digits are digits to str.isdigit()
        "06١٢٣٤٥٦٧٨",  # Arabic-Indic digits
    ],
)
def test_normalise_phone_refuses_an_invalid_dutch_number(value):
    with pytest.raises(ValidationError) as refused:
        normalise_phone(value)

    assert refused.value.code == "invalid_phone"
    assert refused.value.messages == [gettext(DUTCH_ERROR)]


@pytest.mark.parametrize(
    "value",
    [
        "+32 470",  # too short
        "+32 470 12 34 56 78 90 1",  # sixteen digits
        "+32 12 34",
        "+999 123 4567",  # no such country code
        "+",
        "00",
        "+32 47O 12 34 56",  # a letter O
        "0032 470 12 34 5x",
        "+32 ٤٧٠ 12 34 56",
    ],
)
def test_normalise_phone_refuses_an_invalid_international_number(value):
    with pytest.raises(ValidationError) as refused:
        normalise_phone(value)

    assert refused.value.code == "invalid_phone"
    assert refused.value.messages == [gettext(INTERNATIONAL_ERROR)]


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+31612345678", "06 12345678"),
        ("+31101234567", "010 123 4567"),
        ("+31201234567", "020 123 4567"),
        ("+318001234", "0800 1234"),
        ("+32470123456", "+32 470 12 34 56"),
        ("+49301234567", "+49 30 1234567"),
        ("06 12345678", "06 12345678"),  # stored before numbers were kept in E.164
        ("0101234567", "010 123 4567"),
        ("onbekend", "onbekend"),  # no number at all: shown as stored
        ("", ""),
    ],
)
def test_format_phone_shows_dutch_numbers_nationally_and_others_internationally(stored, shown):
    assert format_phone(stored) == shown


@pytest.mark.parametrize("value", ["06-12345678", "+31 (0)6 1234 5678", "+32 470 12 34 56", "0049 30 1234567"])
def test_the_shown_form_of_a_number_reads_back_as_the_same_number(value):
    assert normalise_phone(format_phone(normalise_phone(value))) == normalise_phone(value)


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (datetime.date(2000, 3, 15), datetime.date(2026, 3, 15), 26),
        (datetime.date(2000, 3, 16), datetime.date(2026, 3, 15), 25),
        (datetime.date(2000, 2, 29), datetime.date(2026, 2, 28), 25),
        (datetime.date(2000, 2, 29), datetime.date(2026, 3, 1), 26),
        (datetime.date(2026, 3, 15), datetime.date(2026, 3, 15), 0),
    ],
)
def test_age_on_counts_a_year_only_from_the_birthday(born, day, age):
    assert age_on(born, day) == age


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    "born",
    [
        datetime.date(2010, 3, 15),  # sixteen today
        datetime.date(1990, 6, 1),
        datetime.date(1958, 3, 16),  # 67, turns 68 tomorrow
    ],
)
def test_validate_working_age_accepts_people_from_16_to_67(born):
    validate_working_age(born)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    "born",
    [
        datetime.date(2010, 3, 16),  # sixteen tomorrow
        datetime.date(2015, 1, 1),
        datetime.date(1958, 3, 15),  # 68 today
        datetime.date(1940, 1, 1),
    ],
)
def test_validate_working_age_refuses_people_younger_than_16_or_older_than_67(born):
    with pytest.raises(ValidationError) as refused:
        validate_working_age(born)

    assert refused.value.code == "not_working_age"
    expected = gettext("Candidates are of working age: between %(min)s and %(max)s years old.") % {
        "min": 16,
        "max": 67,
    }
    assert refused.value.messages == [expected]


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("born", [datetime.date(2026, 3, 16), datetime.date(2030, 1, 1)])
def test_validate_working_age_refuses_a_birth_date_in_the_future(born):
    with pytest.raises(ValidationError) as refused:
        validate_working_age(born)

    assert refused.value.code == "future_birth_date"
    assert refused.value.messages == [gettext("The date of birth lies in the future.")]


@time_machine.travel(datetime.datetime(2026, 3, 14, 23, 30, tzinfo=datetime.UTC), tick=False)
def test_validate_working_age_counts_with_the_date_in_the_netherlands():
    # 23:30 UTC is already 15 March in Amsterdam: the sixteenth birthday has come.
    validate_working_age(datetime.date(2010, 3, 15))


@time_machine.travel(datetime.datetime(2026, 3, 14, 23, 30, tzinfo=datetime.UTC), tick=False)
def test_validate_working_age_does_not_call_a_birth_on_the_dutch_date_of_today_future():
    # Born "today" in Amsterdam is not in the future, though the UTC date is still the 14th.
    with pytest.raises(ValidationError) as refused:
        validate_working_age(datetime.date(2026, 3, 15))

    assert refused.value.code == "not_working_age"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300) | st.from_regex(r"\A[0-9 +()\-.]{0,30}\Z"))
def test_any_text_is_either_stored_in_e164_or_refused_and_can_always_be_shown(value):
    try:
        stored = normalise_phone(value)
    except ValidationError as refused:
        assert refused.code == "invalid_phone"
    else:
        assert re.fullmatch(r"\+[1-9][0-9]{6,14}", stored)
        assert normalise_phone(format_phone(stored)) == stored
    assert isinstance(format_phone(value), str)
