import datetime

import pytest
import time_machine
from django.utils import translation
from django.utils.translation import gettext

from candidates.forms import DEFAULT_CONSENT_PURPOSE, CandidateForm, CandidateImportRowForm
from candidates.models import BarrierKind, EnrolmentStatus
from candidates.services import candidate_register, candidate_update
from candidates.tests.factories import CandidateBarrierFactory, CandidateFactory
from pilots.models import OrganisationKind
from pilots.tests.factories import CohortFactory, OrganisationFactory

NOW = datetime.datetime(2026, 3, 15, 10, 30, tzinfo=datetime.UTC)

POSTCODE_ERROR = "Enter the postcode as 1234 AB"
PHONE_ERROR = "Enter a valid Dutch phone number, such as 06 12345678 or 010 123 4567."
REACHABLE_ERROR = "Give an e-mail address or a phone number, so the candidate can be reached."
FUTURE_ERROR = "The date of birth lies in the future."


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def working_age_error() -> str:
    return gettext("Candidates are of working age: between %(min)s and %(max)s years old.") % {"min": 16, "max": 67}


def registration_data(**overrides) -> dict:
    data = {
        "first_name": "Fatima",
        "last_name_prefix": "el",
        "last_name": "Amrani",
        "date_of_birth": "1988-03-14",
        "email": "F.ElAmrani@Example.ORG",
        "phone": "06-12345678",
        "postcode": "3512ab",
        "city": "Utrecht",
        "education_level": "mbo2",
        "referral_source": "municipality",
        "referring_organisation": "",
        "speaking_level": "A2",
        "listening_level": "B1",
        "reading_level": "A2",
        "writing_level": "A1",
        "benefit_type": "social_assistance",
        "is_status_holder": "on",
        "available_days": ["mon", "wed"],
        "available_from": "2026-09-01",
        "hours_per_week": "24",
        "barriers": ["childcare", "transport"],
        "consent": "on",
        "consent_purpose": "Deelname aan het voorschakeltraject Groepshulp kinderopvang",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def register(form: CandidateForm, *, by_user, cohort=None):
    """What the registration view does with a valid form."""
    data = dict(form.cleaned_data)
    barriers = data.pop("barriers")
    data.pop("consent")
    consent_purpose = data.pop("consent_purpose")
    return candidate_register(
        by_user=by_user, data=data, barriers=barriers, cohort=cohort, consent_purpose=consent_purpose
    )


def test_candidate_form_registers_a_candidate_through_the_service_with_recorded_consent(adviser):
    form = CandidateForm(data=registration_data())
    assert form.is_valid(), form.errors

    candidate = register(form, by_user=adviser)

    candidate.refresh_from_db()
    assert candidate.full_name == "Fatima el Amrani"
    assert candidate.date_of_birth == datetime.date(1988, 3, 14)
    assert candidate.adviser == adviser
    assert candidate.consent_given_at == NOW
    assert candidate.consent_recorded_by == adviser
    assert candidate.consent_purpose == "Deelname aan het voorschakeltraject Groepshulp kinderopvang"
    assert candidate.is_status_holder is True
    assert candidate.available_days == ["mon", "wed"]
    assert candidate.hours_per_week == 24
    assert sorted(candidate.barriers.values_list("kind", flat=True)) == [BarrierKind.CHILDCARE, BarrierKind.TRANSPORT]


def test_candidate_form_stores_postcode_phone_and_email_in_their_normal_form(adviser):
    form = CandidateForm(data=registration_data(postcode=" 3512ab ", phone="+31 (0)6 1234 5678"))
    assert form.is_valid(), form.errors

    candidate = register(form, by_user=adviser)

    candidate.refresh_from_db()
    assert candidate.postcode == "3512 AB"
    assert candidate.phone == "+31612345678"
    assert candidate.email == "f.elamrani@example.org"


def test_candidate_form_registration_with_a_cohort_enrols_the_candidate_as_registered(adviser):
    cohort = CohortFactory()
    form = CandidateForm(data=registration_data())
    assert form.is_valid(), form.errors

    candidate = register(form, by_user=adviser, cohort=cohort)

    enrolment = candidate.enrolments.get()
    assert enrolment.cohort == cohort
    assert enrolment.status == EnrolmentStatus.REGISTERED
    assert list(enrolment.transitions.values_list("from_status", "to_status", "by_user")) == [
        ("", EnrolmentStatus.REGISTERED, adviser.pk)
    ]


def test_candidate_form_without_barriers_registers_none(adviser):
    form = CandidateForm(data=registration_data(barriers=[]))
    assert form.is_valid(), form.errors

    candidate = register(form, by_user=adviser)

    assert not candidate.barriers.exists()


def test_candidate_form_proposes_the_default_consent_purpose():
    form = CandidateForm()

    assert form.fields["consent_purpose"].initial == DEFAULT_CONSENT_PURPOSE
    assert form.fields["consent"].required


def test_candidate_form_refuses_without_consent(db):
    form = CandidateForm(data=registration_data(consent=None))

    assert not form.is_valid()
    assert form.errors["consent"] == [
        gettext("Tick that the candidate consents; without consent they cannot be registered")
    ]


def test_candidate_form_refuses_without_a_consent_purpose(db):
    form = CandidateForm(data=registration_data(consent_purpose=""))

    assert not form.is_valid()
    assert form.errors["consent_purpose"] == [gettext("Enter what the candidate gives consent for")]


def test_candidate_form_refuses_without_email_and_phone(db):
    form = CandidateForm(data=registration_data(email="", phone=""))

    assert not form.is_valid()
    assert form.errors["phone"] == [gettext(REACHABLE_ERROR)]
    assert "email" not in form.errors


@pytest.mark.parametrize(("email", "phone"), [("f@example.org", ""), ("", "06 12345678")])
def test_candidate_form_accepts_either_email_or_phone(db, email, phone):
    form = CandidateForm(data=registration_data(email=email, phone=phone))

    assert form.is_valid(), form.errors


def test_candidate_form_reports_an_invalid_phone_only_once_when_there_is_no_email(db):
    form = CandidateForm(data=registration_data(email="", phone="06 1234"))

    assert not form.is_valid()
    assert form.errors["phone"] == [gettext(PHONE_ERROR)]


def test_candidate_form_reports_an_invalid_email_on_the_email_field_only(db):
    form = CandidateForm(data=registration_data(email="niet-een-adres", phone=""))

    assert not form.is_valid()
    assert form.errors["email"] == [gettext("Enter the e-mail address as name@example.nl")]
    assert "phone" not in form.errors


@pytest.mark.parametrize("postcode", ["0123 AB", "1234 SA", "12345", "1234 A"])
def test_candidate_form_refuses_a_bad_postcode_on_the_postcode_field(db, postcode):
    form = CandidateForm(data=registration_data(postcode=postcode))

    assert not form.is_valid()
    assert form.errors == {"postcode": [gettext(POSTCODE_ERROR)]}


@pytest.mark.parametrize("phone", ["06 1234567", "06 123456789", "06 1234567a", "06 98765432"])
def test_candidate_form_refuses_a_bad_phone_number_on_the_phone_field(db, phone):
    form = CandidateForm(data=registration_data(phone=phone))

    assert not form.is_valid()
    assert form.errors == {"phone": [gettext(PHONE_ERROR)]}


def test_candidate_form_accepts_an_empty_postcode(db):
    form = CandidateForm(data=registration_data(postcode=""))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["postcode"] == ""


@pytest.mark.parametrize(
    ("date_of_birth", "message"),
    [
        ("2010-03-16", working_age_error),  # sixteen tomorrow
        ("1958-03-15", working_age_error),  # 68 today
        ("2027-01-01", lambda: gettext(FUTURE_ERROR)),
        ("31-02-1990", lambda: gettext("Enter the date of birth as 31/12/1990")),
        ("", lambda: gettext("Enter the date of birth as 31/12/1990")),
    ],
)
def test_candidate_form_refuses_a_bad_date_of_birth_on_the_date_field(db, date_of_birth, message):
    form = CandidateForm(data=registration_data(date_of_birth=date_of_birth))

    assert not form.is_valid()
    assert form.errors == {"date_of_birth": [message()]}


def test_candidate_form_shows_django_messages_in_dutch(db):
    form = CandidateForm(data=registration_data(date_of_birth="geen datum"))

    assert not form.is_valid()
    assert form.errors["date_of_birth"] != ["Enter a valid date."]


@pytest.mark.parametrize("date_of_birth", ["14-03-1988", "1988-03-14"])
def test_candidate_form_reads_a_dutch_or_iso_date(db, date_of_birth):
    form = CandidateForm(data=registration_data(date_of_birth=date_of_birth))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == datetime.date(1988, 3, 14)


def test_candidate_form_offers_only_referring_organisations(db):
    municipality = OrganisationFactory(name="Gemeente Utrecht", kind=OrganisationKind.MUNICIPALITY)
    college = OrganisationFactory(name="ROC Midden-Nederland", kind=OrganisationKind.COLLEGE)

    form = CandidateForm(data=registration_data(referring_organisation=str(college.pk)))

    assert municipality in form.fields["referring_organisation"].queryset
    assert college not in form.fields["referring_organisation"].queryset
    assert not form.is_valid()
    assert list(form.errors) == ["referring_organisation"]


def test_candidate_form_for_an_existing_candidate_shows_its_barriers_and_consent(db):
    candidate = CandidateFactory()
    CandidateBarrierFactory(candidate=candidate, kind=BarrierKind.DEBTS)

    form = CandidateForm(instance=candidate)

    assert form.fields["barriers"].initial == [BarrierKind.DEBTS]
    assert form.fields["consent"].initial is True


def test_candidate_form_edit_saved_through_the_service_replaces_the_barriers(adviser):
    candidate = CandidateFactory(email="oud@example.org")
    CandidateBarrierFactory(candidate=candidate, kind=BarrierKind.DEBTS)
    form = CandidateForm(data=registration_data(email="NIEUW@example.org", barriers=["housing"]), instance=candidate)
    assert form.is_valid(), form.errors
    data = dict(form.cleaned_data)
    barriers = data.pop("barriers")
    data.pop("consent")

    candidate_update(candidate=candidate, by_user=adviser, data=data, barriers=barriers)

    candidate.refresh_from_db()
    assert candidate.email == "nieuw@example.org"
    assert list(candidate.barriers.values_list("kind", flat=True)) == [BarrierKind.HOUSING]


def import_row(**overrides) -> dict:
    data = {
        "first_name": "Jan",
        "last_name_prefix": "de",
        "last_name": "Vries",
        "date_of_birth": "1990-05-01",
        "email": "J.deVries@Example.org",
        "phone": "010-1234567",
        "postcode": "3011ab",
        "city": "Rotterdam",
        "benefit_type": "unemployment",
        "is_status_holder": False,
        "education_level": "",
        "referral_source": "municipality",
        "speaking_level": "B1",
        "listening_level": "",
        "reading_level": "",
        "writing_level": "",
    }
    data.update(overrides)
    return data


def test_import_row_form_cleans_like_the_registration_form(db):
    form = CandidateImportRowForm(data=import_row())

    assert form.is_valid(), form.errors
    assert form.cleaned_data["postcode"] == "3011 AB"
    assert form.cleaned_data["phone"] == "+31101234567"
    assert form.cleaned_data["email"] == "j.devries@example.org"
    assert form.cleaned_data["date_of_birth"] == datetime.date(1990, 5, 1)


def test_import_row_form_does_not_ask_for_consent(db):
    assert "consent" not in CandidateImportRowForm().fields


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"postcode": "1234 SA"}, "postcode", lambda: gettext(POSTCODE_ERROR)),
        ({"phone": "06 1234"}, "phone", lambda: gettext(PHONE_ERROR)),
        ({"phone": "", "email": ""}, "phone", lambda: gettext(REACHABLE_ERROR)),
        ({"date_of_birth": "2015-01-01"}, "date_of_birth", working_age_error),
        ({"date_of_birth": "2030-01-01"}, "date_of_birth", lambda: gettext(FUTURE_ERROR)),
        ({"date_of_birth": ""}, "date_of_birth", lambda: gettext("Enter the date of birth as 31/12/1990")),
    ],
)
def test_import_row_form_refuses_bad_values_on_the_right_field(db, overrides, field, message):
    form = CandidateImportRowForm(data=import_row(**overrides))

    assert not form.is_valid()
    assert form.errors == {field: [message()]}
