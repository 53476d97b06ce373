"""Every date field of the portal's forms fills the browser's date picker with the date it can read."""

import datetime
import inspect

import pytest
from django import forms
from django.utils import translation

import candidates.forms
import employers.forms
import pilots.forms
import reports.forms
from candidates.forms import CertificateForm
from candidates.models import Enrolment
from core.forms import DateInput
from pilots.models import CohortModule

FORM_MODULES = (candidates.forms, employers.forms, pilots.forms, reports.forms)
# Forms that validate data but are never shown as a page: the import checks each row of a file with this one.
NEVER_SHOWN = {candidates.forms.CandidateImportRowForm}


def date_fields():
    for module in FORM_MODULES:
        for name, form_class in inspect.getmembers(module, inspect.isclass):
            shown = form_class not in NEVER_SHOWN and form_class.__module__ == module.__name__
            if issubclass(form_class, forms.BaseForm) and shown:
                for field_name, field in form_class.base_fields.items():
                    if isinstance(field, forms.DateField):
                        yield pytest.param(field, id=f"{module.__name__}.{name}.{field_name}")


@pytest.mark.parametrize("field", list(date_fields()))
def test_every_date_field_uses_the_date_picker_that_shows_its_value(field):
    assert isinstance(field.widget, DateInput)


@pytest.mark.parametrize("language", ["nl", "en-gb"])
def test_the_certificate_form_keeps_its_dates_in_every_language(language):
    form = CertificateForm(
        initial={"issued_on": datetime.date(2026, 12, 7), "expires_on": datetime.date(2036, 12, 7)},
        enrolments=Enrolment.objects.none(),
        cohort_modules=CohortModule.objects.none(),
    )

    with translation.override(language):
        issued, expires = str(form["issued_on"]), str(form["expires_on"])

    assert 'type="date"' in issued and 'value="2026-12-07"' in issued
    assert 'value="2036-12-07"' in expires
