"""A KvK number typed the way people write it, with a space or dots, is taken as its eight digits."""

import pytest

from pilots.forms import OrganisationForm
from pilots.models import OrganisationKind, PartnerRole

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["0812 3456", "0812.3456", " 08 12 34 56 "])
def test_a_kvk_number_with_spaces_or_dots_is_valid_and_kept_as_eight_digits(typed):
    form = OrganisationForm(
        {
            "new-name": "ROC van Twente",
            "new-kind": OrganisationKind.COLLEGE,
            "new-kvk_number": typed,
            "new-role": PartnerRole.TRAINING_PARTNER,
        },
        prefix="new",
    )

    assert form.is_valid(), form.errors
    assert form.organisation_fields()["kvk_number"] == "08123456"
