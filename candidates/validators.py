"""Dutch input: postcodes, phone numbers, working age. Each normaliser returns the stored form."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

MIN_WORKING_AGE = 16
MAX_WORKING_AGE = 67

_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Z]{2})$")
# These letter pairs are never issued in Dutch postcodes.
_UNUSED_POSTCODE_LETTERS = {"SA", "SD", "SS"}
_PHONE_NOISE = re.compile(r"[\s\-().]")
# str.isdigit() also accepts superscripts and other scripts' digits; a phone number has 0-9 only.
_DIGITS = re.compile(r"[0-9]+")


def normalise_postcode(value: str) -> str:
    """'1234ab' → '1234 AB'; anything else is refused with a Dutch example."""
    match = _POSTCODE.match(value.strip().upper())
    if not match or match.group(2) in _UNUSED_POSTCODE_LETTERS:
        raise ValidationError(_("Enter a Dutch postcode such as 1234 AB."), code="invalid_postcode")
    return f"{match.group(1)} {match.group(2)}"


def normalise_phone(value: str) -> str:
    """Dutch numbers (06 12345678, 010-1234567) and international ones (+32 ..., 0049 ...)."""
    digits = _PHONE_NOISE.sub("", value.strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+31"):
        digits = "0" + digits[3:].removeprefix("0")
    if digits.startswith("+"):
        if not _DIGITS.fullmatch(digits[1:]) or not 8 <= len(digits) - 1 <= 15:
            raise ValidationError(
                _("Enter an international number with its country code, such as +32 470 12 34 56."),
                code="invalid_phone",
            )
        return digits
    if not _DIGITS.fullmatch(digits) or len(digits) != 10 or not digits.startswith("0"):
        raise ValidationError(
            _("Enter a Dutch phone number of ten digits, such as 06 12345678 or 010 1234567."),
            code="invalid_phone",
        )
    if digits.startswith("06"):
        return f"{digits[:2]} {digits[2:]}"
    return digits


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
