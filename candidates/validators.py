"""Dutch input: postcodes, phone numbers, working age. Each normaliser returns the stored form."""

import re
from datetime import date

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from phonenumbers import PhoneNumberFormat

MIN_WORKING_AGE = 16
MAX_WORKING_AGE = 67

_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Z]{2})$")
# These letter pairs are never issued in Dutch postcodes.
_UNUSED_POSTCODE_LETTERS = {"SA", "SD", "SS"}

DUTCH_REGION = "NL"
DUTCH_COUNTRY_CODE = 31
# Digits 0-9 and the marks numbers are written with. phonenumbers also reads past words ("tel: ..."), spells out
# letters (0800-FLOWERS) and takes other scripts' digits; typed into a form, those are more likely mistakes.
_PHONE_TEXT = re.compile(r"[0-9\s+\-().]+")


def normalise_postcode(value: str) -> str:
    """'1234ab' → '1234 AB'; anything else is refused with a Dutch example."""
    match = _POSTCODE.match(value.strip().upper())
    if not match or match.group(2) in _UNUSED_POSTCODE_LETTERS:
        raise ValidationError(_("Enter a Dutch postcode such as 1234 AB."), code="invalid_postcode")
    return f"{match.group(1)} {match.group(2)}"


def normalise_phone(value: str) -> str:
    """Dutch numbers in any notation (06-12345678, 010 123 4567, +31 6 ..., 0031 ...) and international ones
    (+32 ..., 0049 ...), stored in E.164: +31612345678."""
    number = _parse_phone(value)
    if number is not None and _PHONE_TEXT.fullmatch(value) and phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if number is not None:
        foreign = number.country_code != DUTCH_COUNTRY_CODE
    else:
        written = re.sub(r"[\s\-().]", "", value)
        foreign = written.startswith(("+", "00")) and not written.startswith(("+31", "0031"))
    if foreign:
        raise ValidationError(
            _("Enter a valid international number with its country code, such as +32 470 12 34 56."),
            code="invalid_phone",
        )
    raise ValidationError(
        _("Enter a valid Dutch phone number, such as 06 12345678 or 010 123 4567."), code="invalid_phone"
    )


def format_phone(value: str) -> str:
    """A stored number as people write it: Dutch numbers in the national form (06 12345678, 010 123 4567),
    others in the international form (+32 470 12 34 56). A value that is no number is shown as stored."""
    number = _parse_phone(value) if value else None
    if number is None:
        return value
    if number.country_code == DUTCH_COUNTRY_CODE:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def _parse_phone(value: str) -> phonenumbers.PhoneNumber | None:
    # Without a country code, a number is read as a Dutch one.
    try:
        return phonenumbers.parse(value, DUTCH_REGION)
    except phonenumbers.NumberParseException:
        return None


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def validate_working_age(born: date) -> None:
    today = timezone.localdate()
    if born > today:
        raise ValidationError(_("The date of birth lies in the future."), code="future_birth_date")
    age = age_on(born, today)
    if not MIN_WORKING_AGE <= age <= MAX_WORKING_AGE:
        raise ValidationError(
            _("Candidates are of working age: between %(min)s and %(max)s years old.")
            % {"min": MIN_WORKING_AGE, "max": MAX_WORKING_AGE},
            code="not_working_age",
        )


# Nine digits, optionally split into groups by single spaces, dots or dashes (123 456 789, 1234.56.789), and not
# part of a longer number such as a phone number or an IBAN.
_BSN_LIKE = re.compile(r"(?<![0-9])(?<![0-9][ .\-])[0-9](?:[ .\-]?[0-9]){8}(?![0-9])(?![ .\-][0-9])")
_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def passes_bsn_eleven_test(digits: str) -> bool:
    """The eleven-test of a citizen service number: the weighted sum (9 down to 2, and -1) divides by 11."""
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit() or digits == "000000000":
        return False
    return sum(int(digit) * weight for digit, weight in zip(digits, _BSN_WEIGHTS, strict=True)) % 11 == 0


def looks_like_bsn(text: str) -> list[str]:
    """The numbers in the text, as typed, that could be a citizen service number (BSN); the portal keeps none."""
    return [
        match.group() for match in _BSN_LIKE.finditer(text) if passes_bsn_eleven_test(re.sub(r"\D", "", match.group()))
    ]
