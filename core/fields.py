"""Form fields the apps share."""

from django import forms
from django.core.exceptions import ValidationError

# The ids of every table are 64-bit (BigAutoField).
_ID_RANGE = range(-(2**63), 2**63)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing an id beyond 64 bits as an invalid choice.

    Django looks the ids up with an IN query, which SQLite answers with an OverflowError (a server
    error) for such a number; a single choice is looked up with = and is already refused.
    """

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk).strip())
            except ValueError:
                continue  # not a number at all: Django reports it
            if number not in _ID_RANGE:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        # django-stubs leave out this private method, which Django has had since 1.8.
        return super()._check_values(value)  # type: ignore[misc]


def id_from(value: str | None) -> int | None:
    """The id a query parameter or hidden field names, or None for anything else.

    str.isdigit() alone is not enough: it accepts "²", which int() refuses, and a number of any length.
    """
    if value and value.isascii() and value.isdigit():
        number = int(value)
        if number in _ID_RANGE:
            return number
    return None
