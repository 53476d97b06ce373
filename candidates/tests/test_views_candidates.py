"""The intake workspace pages: registration, the candidate list and its exports, the candidate page, hand-over.

Most pages are asked for in English, so the assertions read the message ids whatever state the
Dutch translation is in; the Dutch pages are checked against the active Dutch catalogue.
"""

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from openpyxl import load_workbook

from candidates.filters import CandidateFilter
from candidates.models import (
    AdviserChange,
    BarrierKind,
    Candidate,
    EnrolmentStatus,
    EnrolmentTransition,
    LanguageLevel,
    Note,
    Outcome,
    OutcomeKind,
    Recommendation,
    Screening,
)
from candidates.tests.factories import CandidateBarrierFactory, CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from employers.tests.factories import PlacementFactory
from pilots.models import PartnerRole
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory

LIST_URL = reverse("candidates:candidate-list")
CREATE_URL = reverse("candidates:candidate-create")
CASELOAD_URL = reverse("candidates:caseload-reassign")


def export_url(fmt: str) -> str:
    return reverse("candidates:candidate-export", args=[fmt])


def detail_url(candidate) -> str:
    return reverse("candidates:candidate-detail", args=[candidate.pk])


def edit_url(candidate) -> str:
    return reverse("candidates:candidate-edit", args=[candidate.pk])


def note_url(candidate) -> str:
    return reverse("candidates:note-add", args=[candidate.pk])


def log_in(client, user, language="en"):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def years_ago(years: int, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


@pytest.fixture
def pilot(organisation, training_partner):
    pilot = PilotFactory(name="Groepshulp kinderopvang", lead_organisation=organisation)
    PilotPartnerFactory(pilot=pilot, organisation=training_partner.organisation, role=PartnerRole.TRAINING_PARTNER)
    return pilot


@pytest.fixture
def cohort(pilot):
    return CohortFactory(pilot=pilot, name="Ronde 1")


@pytest.fixture
def other_adviser(db):
    return UserFactory(username="elders", organisation=OrganisationFactory(name="WSP Elders"), role=Role.ADVISER)


@pytest.fixture
def foreign_candidate(other_adviser):
    """A candidate of a pilot the test organisation has no part in."""
    foreign_cohort = CohortFactory(pilot=PilotFactory(lead_organisation=other_adviser.organisation))
    return EnrolmentFactory(
        cohort=foreign_cohort, candidate__first_name="Vreemde", candidate__last_name="Buitenstaander"
    ).candidate


def enrolled(cohort, **fields) -> Candidate:
    return EnrolmentFactory(cohort=cohort, candidate=CandidateFactory(**fields)).candidate


def registration_data(**overrides) -> dict:
    data = {
        "first_name": "Fatima",
        "last_name_prefix": "",
        "last_name": "El Amrani",
        "date_of_birth": "1990-04-12",
        "email": "Fatima.ElAmrani@Example.org",
        "phone": "0612345678",
        "postcode": "3511ab",
        "city": "Utrecht",
        "education_level": "vmbo",
        "referral_source": "municipality",
        "referring_organisation": "",
        "speaking_level": "B1",
        "listening_level": "B2",
        "reading_level": "A2",
        "writing_level": "A2",
        "benefit_type": "social_assistance",
        "is_status_holder": "on",
        "available_days": ["mon", "tue", "thu"],
        "available_from": "",
        "hours_per_week": "24",
        "barriers": ["childcare", "transport"],
        "consent": "on",
        "consent_purpose": "Deelname aan het voorschakeltraject",
        "cohort": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def listed_pks(response) -> list[int]:
    return [row.record.pk for row in response.context["table"].page.object_list]


# --- Registration -----------------------------------------------------------------------------------


def test_register_saves_the_candidate_in_the_stored_forms_with_consent_and_barriers(client, adviser, cohort):
    log_in(client, adviser)

    response = client.post(CREATE_URL, registration_data(cohort=cohort.pk))

    candidate = Candidate.objects.get(last_name="El Amrani")
    assert response.status_code == 302
    assert response.url == detail_url(candidate)
    assert candidate.postcode == "3511 AB"
    assert candidate.phone == "+31612345678"
    assert candidate.email == "fatima.elamrani@example.org"
    assert candidate.is_status_holder
    assert candidate.available_days == ["mon", "tue", "thu"]
    assert candidate.speaking_level == LanguageLevel.B1
    assert candidate.consent_recorded_by == adviser
    assert candidate.consent_given_at is not None
    assert candidate.consent_purpose == "Deelname aan het voorschakeltraject"
    assert candidate.adviser == adviser
    assert set(candidate.barriers.values_list("kind", flat=True)) == {BarrierKind.CHILDCARE, BarrierKind.TRANSPORT}
    enrolment = candidate.enrolments.get()
    assert enrolment.cohort == cohort
    assert enrolment.status == EnrolmentStatus.REGISTERED
    assert EnrolmentTransition.objects.filter(enrolment=enrolment, by_user=adviser).exists()


def test_register_without_a_cohort_leaves_the_candidate_unenrolled(client, adviser):
    log_in(client, adviser)

    response = client.post(CREATE_URL, registration_data())

    assert response.status_code == 302
    assert not Candidate.objects.get(last_name="El Amrani").enrolments.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("010-123 45 67", "+31101234567"), ("+32 470 12 34 56", "+32470123456"), ("0049 30 1234567", "+49301234567")],
)
def test_register_accepts_dutch_and_international_phone_numbers(client, adviser, typed, stored):
    log_in(client, adviser)

    client.post(CREATE_URL, registration_data(phone=typed))

    assert Candidate.objects.get(last_name="El Amrani").phone == stored


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "1234", "Enter the postcode as 1234 AB"),
        ("postcode", "0123 AB", "Enter the postcode as 1234 AB"),
        ("phone", "12345", "Enter a valid Dutch phone number"),
        ("phone", "+1 23", "Enter a valid international number with its country code"),
        ("email", "fatima@", "Enter the e-mail address as name@example.nl"),
        ("date_of_birth", str(years_ago(15)), "Candidates are of working age"),
        ("date_of_birth", str(years_ago(68, days=1)), "Candidates are of working age"),
        ("date_of_birth", str(timezone.localdate() + datetime.timedelta(days=3)), "lies in the future"),
        ("speaking_level", "D1", "Select a valid choice."),
        ("benefit_type", "allowance", "Select a valid choice."),
        ("available_days", ["mon", "xyz"], "Select a valid choice."),
    ],
)
def test_register_shows_each_bad_value_as_a_form_error_and_saves_nothing(client, adviser, field, value, message):
    log_in(client, adviser)

    response = client.post(CREATE_URL, registration_data(**{field: value}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in response.text
    assert not Candidate.objects.exists()


def test_register_needs_an_email_or_a_phone_number(client, adviser):
    log_in(client, adviser)

    response = client.post(CREATE_URL, registration_data(email="", phone=""))

    assert response.status_code == 200
    assert "Give an e-mail address or a phone number" in response.text
    assert not Candidate.objects.exists()


def test_register_refuses_a_cohort_the_adviser_cannot_see(client, adviser, foreign_candidate):
    log_in(client, adviser)
    foreign_cohort = foreign_candidate.enrolments.get().cohort

    response = client.post(CREATE_URL, registration_data(cohort=foreign_cohort.pk))

    assert response.status_code == 200
    assert "cohort" in response.context["form"].errors
    assert not Candidate.objects.filter(last_name="El Amrani").exists()


def test_register_offers_only_the_cohorts_of_the_advisers_pilots(client, adviser, cohort, foreign_candidate):
    log_in(client, adviser)

    response = client.get(CREATE_URL)

    assert list(response.context["form"].fields["cohort"].queryset) == [cohort]


def test_register_requires_consent(client, adviser):
    log_in(client, adviser)

    response = client.post(CREATE_URL, registration_data(consent=None))

    assert response.status_code == 200
    assert "consent" in response.context["form"].errors
    assert not Candidate.objects.exists()


def test_register_shows_its_errors_in_dutch_by_default(client, adviser):
    client.force_login(adviser)  # no language chosen: the portal speaks Dutch

    response = client.post(CREATE_URL, registration_data(consent=None, postcode="12"))

    with translation.override("nl"):
        postcode_message = translation.gettext("Enter the postcode as 1234 AB")
        consent_message = translation.gettext(
            "Tick that the candidate consents; without consent they cannot be registered"
        )
    assert '<html lang="nl">' in response.text
    assert consent_message in response.text
    assert postcode_message in response.text
    assert not Candidate.objects.exists()


def test_register_shows_a_duplicate_by_email_before_saving_with_a_link(client, adviser, cohort):
    existing = enrolled(cohort, first_name="Fatima", last_name="Amrani", email="fatima.elamrani@example.org")
    log_in(client, adviser)

    response = client.post(CREATE_URL, registration_data())

    assert response.status_code == 200
    assert response.context["duplicates"] == [existing]
    assert f'href="{existing.get_absolute_url()}"' in response.text
    assert 'name="confirm_different_person"' in response.text
    assert Candidate.objects.count() == 1


def test_register_shows_a_duplicate_by_name_and_birth_date(client, adviser, cohort):
    existing = enrolled(
        cohort, first_name="fatima", last_name="el amrani", date_of_birth=datetime.date(1990, 4, 12), email=""
    )
    log_in(client, adviser)

    response = client.post(CREATE_URL, registration_data())

    assert response.context["duplicates"] == [existing]
    assert Candidate.objects.count() == 1


def test_register_saves_a_possible_duplicate_once_the_adviser_confirms(client, adviser, cohort):
    enrolled(cohort, email="fatima.elamrani@example.org")
    log_in(client, adviser)

    response = client.post(CREATE_URL, registration_data(confirm_different_person="on"))

    assert response.status_code == 302
    assert Candidate.objects.filter(email="fatima.elamrani@example.org").count() == 2


def test_register_asks_no_confirmation_when_there_is_no_duplicate(client, adviser, cohort):
    enrolled(cohort, first_name="Fatima", last_name="Jansen", email="iemand@example.org")
    log_in(client, adviser)

    response = client.post(CREATE_URL, registration_data(consent=None))

    assert response.context["duplicates"] == []
    assert 'name="confirm_different_person"' not in response.text


def test_register_does_not_count_a_candidate_out_of_sight_as_a_duplicate(client, adviser, foreign_candidate):
    log_in(client, adviser)

    response = client.post(CREATE_URL, registration_data(email=foreign_candidate.email))

    assert response.status_code == 302


def test_edit_saves_changes_and_keeps_the_consent_recorded_before(client, adviser, cohort):
    recorder = UserFactory(username="eerder", organisation=adviser.organisation, role=Role.ADVISER)
    given_at = timezone.now() - datetime.timedelta(days=30)
    candidate = enrolled(
        cohort, consent_given_at=given_at, consent_recorded_by=recorder, consent_purpose="Oorspronkelijk doel"
    )
    log_in(client, adviser)
    form_page = client.get(edit_url(candidate))
    data = registration_data(
        first_name=candidate.first_name,
        last_name=candidate.last_name,
        email=candidate.email,
        postcode="9711 AA",
        consent=None,
        consent_purpose="Een ander doel",
    )

    response = client.post(edit_url(candidate), data)

    candidate.refresh_from_db()
    assert form_page.context["form"].fields["consent"].disabled
    assert "cohort" not in form_page.context["form"].fields
    assert response.status_code == 302
    assert candidate.postcode == "9711 AA"
    assert candidate.consent_given_at == given_at
    assert candidate.consent_recorded_by == recorder
    assert candidate.consent_purpose == "Oorspronkelijk doel"
    assert set(candidate.barriers.values_list("kind", flat=True)) == {BarrierKind.CHILDCARE, BarrierKind.TRANSPORT}


def test_edit_shows_bad_values_as_form_errors(client, adviser, cohort):
    candidate = enrolled(cohort, postcode="3511 AB")
    log_in(client, adviser)

    response = client.post(edit_url(candidate), registration_data(email=candidate.email, postcode="AB 1234"))

    candidate.refresh_from_db()
    assert response.status_code == 200
    assert "postcode" in response.context["form"].errors
    assert candidate.postcode == "3511 AB"


def test_edit_warns_when_the_new_email_belongs_to_another_candidate(client, adviser, cohort):
    other = enrolled(cohort, email="bezet@example.org")
    candidate = enrolled(cohort, email="eigen@example.org")
    log_in(client, adviser)

    response = client.post(edit_url(candidate), registration_data(email="bezet@example.org"))

    candidate.refresh_from_db()
    assert response.context["duplicates"] == [other]
    assert candidate.email == "eigen@example.org"


# --- The list ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jansen", {"jan"}),
        ("Piet de", {"piet"}),
        ("PIET@example", {"piet"}),
        ("0612345678", {"jan"}),
        ("06-1234 5678", {"jan"}),
        ("+31 6 12345678", {"jan"}),
        ("010 765", {"piet"}),
        ("3511ab", {"jan"}),
        ("9711", {"piet"}),
    ],
)
def test_list_search_finds_by_name_email_phone_and_postcode_as_typed(client, adviser, cohort, query, expected):
    people = {
        "jan": enrolled(cohort, first_name="Jan", last_name="Jansen", phone="+31612345678", postcode="3511 AB"),
        "piet": enrolled(
            cohort,
            first_name="Piet",
            last_name_prefix="de",
            last_name="Vries",
            email="piet@example.org",
            phone="+31107654321",
            postcode="9711 AA",
        ),
    }
    log_in(client, adviser)

    response = client.get(LIST_URL, {"q": query})

    assert set(listed_pks(response)) == {people[key].pk for key in expected}


def test_list_filters_in_the_url_combine(client, adviser, cohort):
    match = enrolled(cohort, speaking_level="B2", referral_source="uwv")
    enrolled(cohort, speaking_level="A2", referral_source="uwv")
    enrolled(cohort, speaking_level="B2", referral_source="municipality")
    log_in(client, adviser)

    response = client.get(LIST_URL, {"skill": "speaking", "level": "B1", "referral_source": "uwv"})

    assert listed_pks(response) == [match.pk]
    assert response.context["filter"].form["level"].value() == "B1"


def test_list_sorts_by_the_column_in_the_url(client, adviser, cohort):
    north = enrolled(cohort, postcode="9711 AA")
    south = enrolled(cohort, postcode="6211 AB")
    middle = enrolled(cohort, postcode="3511 AB")
    log_in(client, adviser)

    ascending = client.get(LIST_URL, {"sort": "postcode"})
    descending = client.get(LIST_URL, {"sort": "-postcode"})

    assert listed_pks(ascending) == [middle.pk, south.pk, north.pk]
    assert listed_pks(descending) == [north.pk, south.pk, middle.pk]
    assert 'aria-sort="descending"' in descending.text


def test_list_sorts_by_current_cohort(client, adviser, pilot):
    later = enrolled(CohortFactory(pilot=pilot, name="B-ronde"))
    earlier = enrolled(CohortFactory(pilot=pilot, name="A-ronde"))
    log_in(client, adviser)

    response = client.get(LIST_URL, {"sort": "cohort"})

    assert listed_pks(response) == [earlier.pk, later.pk]


def test_list_paginates_with_page_and_page_size_in_the_url(client, adviser, cohort):
    for last_name in ("Aa", "Bb", "Cc", "Dd", "Ee"):
        enrolled(cohort, last_name=last_name)
    log_in(client, adviser)

    response = client.get(LIST_URL, {"per_page": 2, "page": 3})

    assert [row.record.last_name for row in response.context["table"].page.object_list] == ["Ee"]
    assert response.context["table"].paginator.num_pages == 3
    assert "5 candidates" in response.text


@pytest.mark.parametrize("page", ["99", "niets"])
def test_list_shows_a_page_for_a_page_number_that_does_not_exist(client, adviser, cohort, page):
    enrolled(cohort)
    log_in(client, adviser)

    response = client.get(LIST_URL, {"page": page})

    assert response.status_code == 200
    assert len(listed_pks(response)) == 1


def test_list_shows_each_row_with_its_columns(client, adviser, cohort):
    candidate = enrolled(
        cohort,
        first_name="Jan",
        last_name="Jansen",
        date_of_birth=years_ago(30, days=1),
        adviser=adviser,
        education_level="",
        phone="+31612345678",
    )
    candidate.enrolments.update(status=EnrolmentStatus.SCREENED)
    log_in(client, adviser)

    response = client.get(LIST_URL)

    assert f'<a href="{detail_url(candidate)}">Jan Jansen</a>' in response.text
    assert '<span class="tabular-nums">30</span>' in response.text
    assert '<a href="tel:+31612345678">06 12345678</a>' in response.text
    assert "Ronde 1" in response.text
    assert "Screened</span>" in response.text
    assert escape(str(adviser)) in response.text
    assert "90%" in response.text  # every requirement but the education level


def test_list_reads_a_constant_number_of_queries_whatever_the_page_size(
    client, adviser, cohort, django_assert_num_queries
):
    other_cohort = CohortFactory(pilot=cohort.pilot)
    for number in range(50):
        candidate = enrolled(cohort, adviser=adviser)
        EnrolmentFactory(candidate=candidate, cohort=other_cohort, status=EnrolmentStatus.SCREENED)
        CandidateBarrierFactory(candidate=candidate, kind=BarrierKind.TRANSPORT, note=f"{number}")
    log_in(client, adviser)
    client.get(LIST_URL, {"per_page": 5})  # the session and the content types are read once

    with CaptureQueriesContext(connection) as five_rows:
        response = client.get(LIST_URL, {"per_page": 5, "sort": "cohort"})
    queries_for_five = len(five_rows)  # read before the next request empties the query log
    assert len(listed_pks(response)) == 5
    with django_assert_num_queries(queries_for_five):
        response = client.get(LIST_URL, {"per_page": 50, "sort": "cohort"})
    assert len(listed_pks(response)) == 50


# --- Who sees what -------------------------------------------------------------------------------------


def test_an_adviser_of_another_organisation_neither_finds_nor_opens_the_candidate(
    client, other_adviser, cohort, adviser
):
    candidate = enrolled(cohort, first_name="Geheim", last_name="Kandidaat")
    log_in(client, other_adviser)

    listed = client.get(LIST_URL)
    exported = client.get(export_url("csv"))

    assert candidate.pk not in listed_pks(listed)
    assert "Geheim" not in exported.content.decode("utf-8-sig")
    assert client.get(detail_url(candidate)).status_code == 404
    assert client.get(edit_url(candidate)).status_code == 404
    assert client.post(note_url(candidate), {"text": "Hallo"}).status_code == 404
    assert not Note.objects.exists()


def test_the_list_does_not_show_the_cohort_of_a_pilot_out_of_sight(client, adviser, cohort, foreign_candidate):
    """A candidate in the adviser's own pilot and in a foreign one shows only the own enrolment."""
    EnrolmentFactory(candidate=foreign_candidate, cohort=cohort)
    log_in(client, adviser)

    response = client.get(LIST_URL)

    row = next(row.record for row in response.context["table"].page.object_list)
    assert row.current_cohort_id == cohort.pk


def test_a_training_partner_reads_the_list_and_the_page_but_changes_nothing(client, training_partner, cohort):
    candidate = enrolled(cohort)
    log_in(client, training_partner)

    assert listed_pks(client.get(LIST_URL)) == [candidate.pk]
    page = client.get(detail_url(candidate))
    assert page.status_code == 200
    assert page.context["notes"] is None
    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, registration_data()).status_code == 403
    assert client.get(edit_url(candidate)).status_code == 403
    assert client.get(export_url("csv")).status_code == 403
    assert client.get(export_url("xlsx")).status_code == 403
    assert client.post(note_url(candidate), {"text": "Hallo"}).status_code == 403
    assert client.get(CASELOAD_URL).status_code == 403
    assert not Candidate.objects.filter(last_name="El Amrani").exists()


def test_an_employer_contact_is_refused_everywhere(client, employer_contact, cohort):
    candidate = enrolled(cohort)
    log_in(client, employer_contact)

    for url in (LIST_URL, CREATE_URL, export_url("csv"), detail_url(candidate), edit_url(candidate), CASELOAD_URL):
        assert client.get(url).status_code == 403, url
    assert client.post(note_url(candidate), {"text": "Hallo"}).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, cohort):
    response = client.get(LIST_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_coordinator_reads_and_exports_but_does_not_register(client, coordinator, cohort):
    candidate = enrolled(cohort)
    log_in(client, coordinator)

    assert listed_pks(client.get(LIST_URL)) == [candidate.pk]
    assert client.get(export_url("csv")).status_code == 200
    assert client.get(CREATE_URL).status_code == 403


# --- Exports -------------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_holds_the_filtered_list_with_formulas_neutralised(client, adviser, cohort):
    enrolled(
        cohort,
        first_name='=HYPERLINK("http://evil.example","klik")',
        last_name="Aap",
        email="aap@example.org",
        postcode="3511 AB",
        date_of_birth=datetime.date(1990, 4, 12),
        adviser=adviser,
    )
    enrolled(cohort, first_name="Uitgefilterd", postcode="9711 AA")
    log_in(client, adviser)

    response = client.get(export_url("csv"), {"q": "3511ab"})

    rows = read_csv(response)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].endswith('.csv"')
    assert rows[0][:4] == ["First name", "Prefix", "Last name", "Date of birth"]
    assert len(rows) == 2
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","klik")'
    assert rows[1][2:5] == ["Aap", "12-04-1990", "aap@example.org"]
    assert rows[1][9:12] == ["Ronde 1", "Registered", str(adviser)]


def test_xlsx_export_holds_the_list_with_formulas_neutralised(client, adviser, cohort):
    enrolled(cohort, first_name="=1+1", last_name="Aap", date_of_birth=datetime.date(1990, 4, 12))
    enrolled(cohort, first_name="Noot", last_name="Beer")
    log_in(client, adviser)

    response = client.get(export_url("xlsx"), {"sort": "name"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "Last name"
    assert [row[2] for row in rows[1:]] == ["Aap", "Beer"]
    assert rows[1][0] == "=1+1"  # a text cell: shown as typed, never run
    assert sheet["A2"].data_type == "s"
    assert rows[1][3] == datetime.datetime(1990, 4, 12)


@pytest.mark.parametrize(
    ("stored", "in_csv", "in_xlsx"),
    [
        ("+31612345678", "06 12345678", "06 12345678"),
        ("+32470123456", "'+32 470 12 34 56", "+32 470 12 34 56"),
    ],
)
def test_exports_show_phone_numbers_as_people_write_them(client, adviser, cohort, stored, in_csv, in_xlsx):
    enrolled(cohort, first_name="Jan", phone=stored)
    log_in(client, adviser)

    csv_rows = read_csv(client.get(export_url("csv")))
    sheet = load_workbook(io.BytesIO(client.get(export_url("xlsx")).content)).active

    phone_column = csv_rows[0].index("Phone")
    assert csv_rows[1][phone_column] == in_csv
    cell = sheet.cell(row=2, column=phone_column + 1)
    assert (cell.value, cell.data_type) == (in_xlsx, "s")


def test_export_of_an_unknown_format_is_not_found(client, adviser):
    log_in(client, adviser)

    assert client.get(export_url("pdf")).status_code == 404


# --- The candidate page --------------------------------------------------------------------------------


def test_the_candidate_page_shows_everything_about_the_person(client, adviser, cohort, employer):
    candidate = CandidateFactory(
        first_name="Fatima", last_name="El Amrani", education_level="", adviser=adviser, speaking_level="B1"
    )
    CandidateBarrierFactory(candidate=candidate, kind=BarrierKind.CHILDCARE, note="Opvang geregeld vanaf maart")
    enrolment = EnrolmentFactory(candidate=candidate, cohort=cohort, status=EnrolmentStatus.COMPLETED)
    Screening.objects.create(
        enrolment=enrolment,
        screened_on=datetime.date(2026, 6, 1),
        adviser=adviser,
        interest_score=4,
        motivation_score=5,
        language_score=3,
        availability_score=4,
        recommendation=Recommendation.SELECT,
    )
    PlacementFactory(enrolment=enrolment, employer=employer)
    Outcome.objects.create(enrolment=enrolment, kind=OutcomeKind.CONTRACT_AT_HOST, employer=employer)
    Note.objects.create(candidate=candidate, author=adviser, text="Belt liever na drie uur.")
    log_in(client, adviser)

    response = client.get(detail_url(candidate))

    text = response.text
    assert "Fatima El Amrani" in text
    assert '<a href="tel:+31612345678">06 12345678</a>' in text  # the factory's number, stored in E.164
    assert "Childcare" in text
    assert "Opvang geregeld vanaf maart" in text
    assert "<td>B1</td>" in text
    assert "Ronde 1" in text
    assert "Possible next steps: Outflow" in text
    assert "16 of 20" in text
    assert "Kinderopvang Test" in text
    assert "Contract at the host employer" in text
    assert "Belt liever na drie uur." in text
    assert "Highest education" in text  # the gap a selection still needs
    assert f'href="{edit_url(candidate)}"' in text


def test_the_candidate_page_of_an_unknown_candidate_is_not_found(client, adviser):
    log_in(client, adviser)

    assert client.get(reverse("candidates:candidate-detail", args=[999])).status_code == 404


def test_adding_a_note_shows_it_on_the_page_and_in_the_history(client, adviser, cohort):
    candidate = enrolled(cohort)
    log_in(client, adviser)

    response = client.post(note_url(candidate), {"text": "  Heeft een rijbewijs B.  "}, follow=True)

    note = Note.objects.get()
    assert note.text == "Heeft een rijbewijs B."
    assert note.author == adviser
    assert "The note is saved." in response.text
    assert response.context["timeline"][0].kind == "note"


def test_an_empty_note_is_a_form_error(client, adviser, cohort):
    candidate = enrolled(cohort)
    log_in(client, adviser)

    response = client.post(note_url(candidate), {"text": "   "})

    assert response.status_code == 200
    assert "text" in response.context["note_form"].errors
    assert not Note.objects.exists()


def test_a_note_can_only_be_posted(client, adviser, cohort):
    candidate = enrolled(cohort)
    log_in(client, adviser)

    assert client.get(note_url(candidate)).status_code == 405


# --- Caseload hand-over --------------------------------------------------------------------------------


@pytest.fixture
def colleague(organisation):
    return UserFactory(username="collega", organisation=organisation, role=Role.ADVISER)


def test_a_coordinator_hands_over_some_candidates_with_the_reason_kept(client, coordinator, adviser, colleague, cohort):
    first, second, third = (enrolled(cohort, adviser=adviser) for _ in range(3))
    log_in(client, coordinator)

    page = client.get(CASELOAD_URL, {"from_adviser": adviser.pk})
    offered = set(page.context["reassign_form"].fields["candidates"].queryset)
    response = client.post(
        CASELOAD_URL,
        {
            "from_adviser": adviser.pk,
            "candidates": [first.pk, third.pk],
            "to_adviser": colleague.pk,
            "reason": "Verlof tot maart",
        },
        follow=True,
    )

    assert offered == {first, second, third}
    assert "2 candidates handed over to" in response.text
    assert set(Candidate.objects.filter(adviser=colleague)) == {first, third}
    second.refresh_from_db()
    assert second.adviser == adviser
    changes = AdviserChange.objects.all()
    assert {change.candidate for change in changes} == {first, third}
    assert all(
        (change.from_adviser, change.to_adviser, change.by_user, change.reason)
        == (adviser, colleague, coordinator, "Verlof tot maart")
        for change in changes
    )


def test_a_coordinator_hands_over_a_whole_caseload(client, coordinator, adviser, colleague, cohort):
    candidates = [enrolled(cohort, adviser=adviser) for _ in range(3)]
    CandidateFactory(adviser=adviser)  # not enrolled yet, still in the caseload
    log_in(client, coordinator)

    response = client.post(
        CASELOAD_URL,
        {"from_adviser": adviser.pk, "all_candidates": "on", "to_adviser": colleague.pk, "reason": "Vertrokken"},
    )

    assert response.status_code == 302
    assert not Candidate.objects.filter(adviser=adviser).exists()
    assert AdviserChange.objects.count() == len(candidates) + 1


def test_a_hand_over_needs_candidates_a_colleague_and_a_reason(client, coordinator, adviser, colleague, cohort):
    enrolled(cohort, adviser=adviser)
    log_in(client, coordinator)

    response = client.post(CASELOAD_URL, {"from_adviser": adviser.pk, "to_adviser": colleague.pk, "reason": ""})

    form = response.context["reassign_form"]
    assert response.status_code == 200
    assert set(form.errors) == {"candidates", "reason"}
    assert not AdviserChange.objects.exists()


def test_a_hand_over_to_an_adviser_of_another_organisation_is_refused(
    client, coordinator, adviser, other_adviser, cohort
):
    candidate = enrolled(cohort, adviser=adviser)
    log_in(client, coordinator)

    response = client.post(
        CASELOAD_URL,
        {"from_adviser": adviser.pk, "candidates": [candidate.pk], "to_adviser": other_adviser.pk, "reason": "X"},
    )

    assert "to_adviser" in response.context["reassign_form"].errors
    assert not AdviserChange.objects.exists()


def test_a_coordinator_cannot_hand_over_the_caseload_of_another_organisation(client, coordinator, other_adviser):
    log_in(client, coordinator)

    response = client.get(CASELOAD_URL, {"from_adviser": other_adviser.pk})

    assert response.context["reassign_form"] is None
    assert "from_adviser" in response.context["choose_form"].errors


def test_a_hand_over_shows_in_the_candidate_history(client, coordinator, adviser, colleague, cohort):
    candidate = enrolled(cohort, adviser=adviser)
    log_in(client, coordinator)
    client.post(
        CASELOAD_URL,
        {"from_adviser": adviser.pk, "candidates": [candidate.pk], "to_adviser": colleague.pk, "reason": "Verlof"},
    )

    response = client.get(detail_url(candidate))

    event = response.context["timeline"][0]
    assert (event.kind, event.by, event.detail) == ("adviser", coordinator, "Verlof")
    # Names may hold an apostrophe ("d'Heripon"), which the page escapes.
    assert escape(f"Adviser changed from {adviser} to {colleague}") in response.text


def test_an_adviser_cannot_hand_over_a_caseload(client, adviser, colleague, cohort):
    candidate = enrolled(cohort, adviser=adviser)
    log_in(client, adviser)

    get = client.get(CASELOAD_URL)
    post = client.post(
        CASELOAD_URL,
        {"from_adviser": adviser.pk, "candidates": [candidate.pk], "to_adviser": colleague.pk, "reason": "X"},
    )

    assert (get.status_code, post.status_code) == (403, 403)
    assert not AdviserChange.objects.exists()


def test_an_administrator_hands_over_between_any_advisers(client, administrator, adviser, colleague, cohort):
    candidate = enrolled(cohort, adviser=adviser)
    log_in(client, administrator)

    client.post(
        CASELOAD_URL,
        {"from_adviser": adviser.pk, "candidates": [candidate.pk], "to_adviser": colleague.pk, "reason": "X"},
    )

    candidate.refresh_from_db()
    assert candidate.adviser == colleague


def test_the_candidate_page_reads_a_fixed_number_of_queries(
    client, adviser, pilot, employer, django_assert_num_queries
):
    def candidate_with(enrolments: int) -> Candidate:
        candidate = CandidateFactory(adviser=adviser)
        Note.objects.create(candidate=candidate, author=adviser, text="Notitie")
        for number in range(enrolments):
            enrolment = EnrolmentFactory(
                candidate=candidate, cohort=CohortFactory(pilot=pilot), status=EnrolmentStatus.COMPLETED
            )
            Screening.objects.create(
                enrolment=enrolment,
                screened_on=datetime.date(2026, 6, 1 + number),
                adviser=adviser,
                interest_score=4,
                motivation_score=4,
                language_score=4,
                availability_score=4,
                recommendation=Recommendation.SELECT,
            )
            PlacementFactory(enrolment=enrolment, employer=employer)
            Outcome.objects.create(enrolment=enrolment, kind=OutcomeKind.JOB_ELSEWHERE, employer_name="Elders")
            CandidateBarrierFactory(candidate=candidate, kind=list(BarrierKind)[number])
        return candidate

    small, large = candidate_with(1), candidate_with(3)
    log_in(client, adviser)
    client.get(detail_url(small))

    with CaptureQueriesContext(connection) as small_page:
        client.get(detail_url(small))
    queries_for_small = len(small_page)
    with django_assert_num_queries(queries_for_small):
        response = client.get(detail_url(large))
    assert len(response.context["enrolment_rows"]) == 3


def test_large_ids_are_not_grouped_like_numbers_in_the_page(client, adviser, organisation):
    """A PostgreSQL sequence passes 1000 quickly; "2.556" in an id or a form value breaks the page."""
    cohort = CohortFactory(pilot__lead_organisation=organisation)
    enrolment = EnrolmentFactory(pk=123456, cohort=cohort, candidate=CandidateFactory(pk=654321, adviser=adviser))
    client.force_login(adviser)

    with translation.override("nl"):
        response = client.get(reverse("candidates:candidate-detail", args=[enrolment.candidate.pk]))

    assert 'aria-labelledby="enrolment-123456"' in response.text
    assert "123.456" not in response.text


def test_the_number_of_candidates_is_grouped_the_dutch_way(client, adviser, organisation, monkeypatch):
    # The list takes its length from its filters (CandidateFilter.count).
    monkeypatch.setattr(CandidateFilter, "count", lambda self: 50000)
    client.force_login(adviser)

    response = client.get(reverse("candidates:candidate-list"))

    assert "50.000" in response.text
