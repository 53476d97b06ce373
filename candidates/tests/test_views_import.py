"""The bulk import of a referral list through the browser: template, upload, preview, confirmation, history.

Pages are asked for in English, so the assertions read the message ids whatever state the Dutch
translation is in.
"""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from candidates.forms import ImportUploadForm
from candidates.importing import TEMPLATE_EXAMPLE, TEMPLATE_HEADER
from candidates.models import Candidate, CandidateImport, Enrolment, EnrolmentStatus, PendingUpload
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.models import Cohort, OrganisationKind
from pilots.tests.factories import CohortFactory, OrganisationFactory

# Every list the tests upload lands in a folder of the test's own.
pytestmark = pytest.mark.usefixtures("media_root")

UPLOAD_URL = reverse("candidates:import-upload")
HISTORY_URL = reverse("candidates:import-history")
HEADER = ["voornaam", "tussenvoegsel", "achternaam", "geboortedatum", "e-mail", "telefoon"]
FATIMA = ["Fatima", "el", "Amrani", "14-03-1988", "f.elamrani@example.org", "06 12345678"]
JAN = ["Jan", "", "Jansen", "01-01-1990", "jan@example.org", ""]
PIET = ["Piet", "de", "Vries", "02-02-1991", "", "0612345679"]


@pytest.fixture
def adviser_client(client, adviser):
    client.force_login(adviser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def csv_bytes(*rows, delimiter=";", encoding="utf-8") -> bytes:
    return "\r\n".join(delimiter.join(row) for row in rows).encode(encoding)


def xlsx_bytes(*rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, cohort, content: bytes, name: str = "verwijzingen.csv", consent: bool = True, **extra):
    data = {
        "cohort": cohort.pk,
        "file": SimpleUploadedFile(name, content),
        "consent_purpose": "Deelname aan WelSlagen",
        **extra,
    }
    if consent:
        data["consent"] = "on"
    return client.post(UPLOAD_URL, data)


def token_of(response) -> str:
    assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
    match = re.fullmatch(r".*/import/([0-9a-f]{32})/", response.url)
    assert match, response.url
    return match.group(1)


def preview_url(token: str) -> str:
    return reverse("candidates:import-preview", args=[token])


def fingerprint(client, token: str) -> str:
    return client.get(preview_url(token)).context["confirm_form"].initial["fingerprint"]


def confirm(client, token: str, **extra):
    return client.post(preview_url(token), {"fingerprint": fingerprint(client, token), "confirm": "", **extra})


def row_html(response, line: int) -> str:
    """The table row of the preview for one line of the file."""
    for row in response.text.split("<tr>"):
        if re.search(rf'<th scope="row"[^>]*>{line}</th>', row):
            return row
    raise AssertionError(f"line {line} is not in the preview")


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def assert_nothing_saved(client, pending_dir):
    assert Candidate.objects.count() == 0
    assert CandidateImport.objects.count() == 0
    assert not PendingUpload.objects.exists()
    assert not pending_dir.exists() or not any(pending_dir.iterdir())


# --- The template -------------------------------------------------------------------------------------------


def test_the_csv_template_has_the_expected_columns_and_one_example_row(adviser_client):
    response = adviser_client.get(reverse("candidates:import-template", args=["csv"]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [TEMPLATE_HEADER, TEMPLATE_EXAMPLE]


def test_the_xlsx_template_has_the_expected_columns_and_one_example_row(adviser_client):
    response = adviser_client.get(reverse("candidates:import-template", args=["xlsx"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows == [TEMPLATE_HEADER, TEMPLATE_EXAMPLE]


def test_an_unknown_template_format_is_not_found(adviser_client):
    assert adviser_client.get(reverse("candidates:import-template", args=["pdf"])).status_code == 404


def test_the_downloaded_template_imports_its_example_row(adviser_client, cohort):
    template = adviser_client.get(reverse("candidates:import-template", args=["xlsx"])).content

    token = token_of(upload(adviser_client, cohort, template, name="opstap-verwijzingen.xlsx"))
    assert adviser_client.get(preview_url(token)).context["count_importable"] == 1
    confirm(adviser_client, token)

    assert Candidate.objects.get().full_name == "Fatima el Amrani"


# --- Upload and preview ----------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ","])
def test_a_csv_with_either_separator_shows_every_row_in_the_preview(adviser_client, cohort, delimiter):
    response = upload(adviser_client, cohort, csv_bytes(HEADER, FATIMA, JAN, PIET, delimiter=delimiter))

    preview = adviser_client.get(preview_url(token_of(response)))
    assert preview.status_code == 200
    assert preview.context["count_total"] == 3
    assert preview.context["count_importable"] == 3
    for line, name in [(2, "Fatima el Amrani"), (3, "Jan Jansen"), (4, "Piet de Vries")]:
        assert name in row_html(preview, line)
        assert "Will be imported" in row_html(preview, line)
    assert "Import 3 candidates" in preview.text
    assert Candidate.objects.count() == 0  # nothing is saved before the confirmation


def test_a_windows_1252_csv_keeps_its_accents(adviser_client, cohort):
    content = csv_bytes(HEADER, ["Zoë", "", "Çelik", "05-06-1995", "zoe@example.org", ""], encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    token = token_of(upload(adviser_client, cohort, content))
    assert "Zoë Çelik" in row_html(adviser_client.get(preview_url(token)), 2)
    confirm(adviser_client, token)

    assert Candidate.objects.get().full_name == "Zoë Çelik"


def test_an_xlsx_with_date_cells_and_a_phone_number_stored_as_a_number_is_read(adviser_client, cohort):
    content = xlsx_bytes(
        ["voornaam", "achternaam", "geboortedatum", "telefoon", "e-mail"],
        ["Sanne", "Bakker", datetime.date(1992, 5, 17), 612345678, None],
    )

    token = token_of(upload(adviser_client, cohort, content, name="lijst.xlsx"))
    preview = adviser_client.get(preview_url(token))
    assert preview.context["count_importable"] == 1
    confirm(adviser_client, token)

    sanne = Candidate.objects.get()
    assert (sanne.date_of_birth, sanne.phone) == (datetime.date(1992, 5, 17), "+31612345678")


def test_the_type_is_decided_by_the_content_not_the_name(adviser_client, cohort):
    content = xlsx_bytes(HEADER, FATIMA)

    token = token_of(upload(adviser_client, cohort, content, name="lijst.csv"))

    assert adviser_client.get(preview_url(token)).context["count_importable"] == 1


def test_the_preview_says_which_line_is_wrong_and_why(adviser_client, cohort):
    content = csv_bytes(
        HEADER,
        FATIMA,
        ["Jan", "", "Jansen", "31-02-1990", "jan@example.org", ""],
        ["", "", "Zonder", "01-01-1990", "zonder@example.org", ""],
        ["Kees", "", "Smit", "03-03-1993", "", ""],
    )

    preview = adviser_client.get(preview_url(token_of(upload(adviser_client, cohort, content))))

    assert "Date of birth: “31-02-1990” is not a date such as 14-03-1988." in row_html(preview, 3)
    assert "First name: Enter the first name" in row_html(preview, 4)
    assert "Give an e-mail address or a phone number" in row_html(preview, 5)
    assert "Will be imported" in row_html(preview, 2)
    assert "Error" not in row_html(preview, 2)
    assert (preview.context["count_total"], preview.context["count_errors"]) == (4, 3)


def test_the_preview_links_rows_that_may_be_someone_already_registered(adviser_client, adviser, cohort):
    existing = CandidateFactory(
        first_name="Jan", last_name="Jansen", date_of_birth=datetime.date(1990, 1, 1), email="ander@example.org"
    )
    EnrolmentFactory(candidate=existing, cohort=cohort, status=EnrolmentStatus.REGISTERED)
    elsewhere = CandidateFactory(first_name="Piet", last_name="Vries", date_of_birth=datetime.date(1991, 2, 2))
    content = csv_bytes(HEADER, FATIMA, JAN, PIET, ["Fatima", "", "Amrani", "14-03-1988", "F.ElAmrani@example.org", ""])

    preview = adviser_client.get(preview_url(token_of(upload(adviser_client, cohort, content))))

    jan = row_html(preview, 3)
    assert "Possibly already registered:" in jan
    assert f'href="{existing.get_absolute_url()}"' in jan
    assert "The same person as line 2." in row_html(preview, 5)
    # A candidate of another organisation's pilot is not shown, not even as a possible duplicate.
    assert elsewhere.get_absolute_url() not in preview.text
    assert "Will be imported" in row_html(preview, 4)
    counts = [preview.context[name] for name in ("count_total", "count_importable", "count_errors", "count_duplicates")]
    assert counts == [4, 2, 0, 2]


def test_the_preview_lists_the_ignored_columns(adviser_client, cohort):
    content = csv_bytes([*HEADER, "BSN", "klantmanager"], [*FATIMA, "123456782", "Els"])

    preview = adviser_client.get(preview_url(token_of(upload(adviser_client, cohort, content))))

    assert preview.context["table"].ignored_headers == ["BSN", "klantmanager"]
    assert "Ignored columns" in preview.text
    assert "BSN, klantmanager" in preview.text
    assert "123456782" not in preview.text


def test_the_upload_form_offers_only_the_cohorts_of_the_users_pilots(adviser_client, cohort):
    foreign = CohortFactory(name="Elders")

    response = adviser_client.get(UPLOAD_URL)

    choices = list(response.context["form"].fields["cohort"].queryset)
    assert cohort in choices
    assert foreign not in choices


def test_a_cohort_of_another_organisation_is_refused(adviser_client, pending_dir):
    foreign = CohortFactory(name="Elders")

    response = upload(adviser_client, foreign, csv_bytes(HEADER, FATIMA))

    assert response.status_code == 200
    assert "cohort" in response.context["form"].errors
    assert_nothing_saved(adviser_client, pending_dir)


def test_the_consent_confirmation_is_required(adviser_client, cohort, pending_dir):
    response = upload(adviser_client, cohort, csv_bytes(HEADER, FATIMA), consent=False)

    assert response.status_code == 200
    assert "consent" in response.context["form"].errors
    assert_nothing_saved(adviser_client, pending_dir)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02\x03 garbage \xff\xfe\x00", "This is not a table: upload a CSV or XLSX file."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "This is not a table: upload a CSV or XLSX file."),
        (b"PK\x03\x04 not really a spreadsheet", "The file looks like a spreadsheet but cannot be opened."),
        (csv_bytes(["Fatima", "Amrani", "14-03-1988"], ["Jan", "Jansen", "01-01-1990"]), "not a recognisable header"),
        (b"   \r\n  ", "The file is empty."),
    ],
    ids=["garbage", "png-named-csv", "broken-zip", "no-header", "blank"],
)
def test_a_file_that_is_not_a_referral_list_is_an_error_on_the_form(
    adviser_client, cohort, pending_dir, content, message
):
    response = upload(adviser_client, cohort, content, name="verwijzingen.csv")

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["file"])
    assert message in response.text
    assert_nothing_saved(adviser_client, pending_dir)


def test_a_header_without_rows_has_nothing_to_import(adviser_client, cohort):
    preview = adviser_client.get(preview_url(token_of(upload(adviser_client, cohort, csv_bytes(HEADER)))))

    assert "There is nothing to import" in preview.text
    assert 'name="confirm"' not in preview.text


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(adviser_client, cohort, pending_dir, settings):
    settings.CANDIDATE_IMPORT_MAX_BYTES = 100
    content = csv_bytes(HEADER, FATIMA, JAN)
    assert len(content) > 100

    response = upload(adviser_client, cohort, content)

    assert response.status_code == 200
    # The size is written with a non-breaking space between number and unit.
    assert [error.replace("\xa0", " ") for error in response.context["form"].errors["file"]] == [
        "The file is larger than 100 bytes."
    ]
    assert_nothing_saved(adviser_client, pending_dir)


def test_the_size_is_checked_before_the_file_is_read(settings, cohort):
    settings.CANDIDATE_IMPORT_MAX_BYTES = 100

    class Unreadable(SimpleUploadedFile):
        def read(self, *args, **kwargs):
            raise AssertionError("an oversized upload was read")

    form = ImportUploadForm(
        data={"cohort": cohort.pk, "consent": "on", "consent_purpose": "Deelname"},
        files={"file": Unreadable("lijst.csv", b"x" * 101)},
        cohorts=Cohort.objects.all(),
    )

    assert not form.is_valid()
    assert list(form.errors) == ["file"]


def test_the_uploaded_file_waits_on_the_server_as_a_record_with_an_owner_and_an_expiry(
    adviser_client, cohort, pending_dir, adviser, settings
):
    settings.IMPORT_PENDING_HOURS = 3
    content = csv_bytes(HEADER, FATIMA)

    token = token_of(upload(adviser_client, cohort, content))

    waiting = PendingUpload.objects.get()
    assert waiting.pk.hex == token
    assert (waiting.owner, waiting.cohort, waiting.file_name) == (adviser, cohort, "verwijzingen.csv")
    assert waiting.consent_purpose == "Deelname aan WelSlagen"
    assert waiting.expires_at - waiting.created_at == datetime.timedelta(hours=3)
    # Named by the record, readable by the portal's own user only; nothing of it in the session.
    assert (pending_dir / token).read_bytes() == content
    assert (pending_dir / token).stat().st_mode & 0o777 == 0o600
    assert token not in str(dict(adviser_client.session.items()))


# --- Confirmation -----------------------------------------------------------------------------------------


def test_confirming_imports_exactly_the_importable_rows_into_the_cohort(adviser_client, adviser, cohort, pending_dir):
    content = csv_bytes(HEADER, FATIMA, ["Jan", "", "Jansen", "31-02-1990", "jan@example.org", ""], PIET)
    token = token_of(upload(adviser_client, cohort, content, name="welslagen-ronde-1.csv"))

    response = confirm(adviser_client, token)

    assert response.status_code == 302
    assert response.url == HISTORY_URL
    assert sorted(c.full_name for c in Candidate.objects.all()) == ["Fatima el Amrani", "Piet de Vries"]
    for candidate in Candidate.objects.all():
        assert candidate.adviser == adviser
        assert candidate.consent_recorded_by == adviser
        assert candidate.consent_purpose == "Deelname aan WelSlagen"
    enrolments = Enrolment.objects.all()
    assert {(e.cohort, e.status) for e in enrolments} == {(cohort, EnrolmentStatus.REGISTERED)}
    assert enrolments.count() == 2
    record = CandidateImport.objects.get()
    assert (record.uploaded_by, record.cohort, record.file_name) == (adviser, cohort, "welslagen-ronde-1.csv")
    assert (record.rows_total, record.rows_imported, record.rows_skipped) == (3, 2, 1)
    assert set(record.candidates.all()) == set(Candidate.objects.all())
    # The waiting upload is gone once imported, file and all.
    assert not (pending_dir / token).exists()
    assert not PendingUpload.objects.exists()
    assert message_texts(response) == [
        "2 candidates from welslagen-ronde-1.csv were registered for " + str(cohort) + "."
    ]


def test_the_history_shows_the_import_after_the_confirmation(adviser_client, cohort):
    token = token_of(upload(adviser_client, cohort, csv_bytes(HEADER, FATIMA), name="ronde-2.csv"))

    response = adviser_client.post(
        preview_url(token), {"fingerprint": fingerprint(adviser_client, token), "confirm": ""}, follow=True
    )

    assert response.status_code == 200
    assert "1 candidate from ronde-2.csv was registered for" in response.text
    assert "ronde-2.csv" in response.text


def test_confirming_twice_imports_once(adviser_client, cohort):
    token = token_of(upload(adviser_client, cohort, csv_bytes(HEADER, FATIMA, JAN)))
    shown = fingerprint(adviser_client, token)

    adviser_client.post(preview_url(token), {"fingerprint": shown, "confirm": ""})
    second = adviser_client.post(preview_url(token), {"fingerprint": shown, "confirm": ""})

    assert second.status_code == 302
    assert second.url == HISTORY_URL
    assert message_texts(second)[-1] == "This file has already been imported."
    assert Candidate.objects.count() == 2
    assert CandidateImport.objects.count() == 1


def test_a_confirmation_in_a_second_tab_after_the_first_imports_nothing(client, adviser, cohort):
    client.force_login(adviser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    token = token_of(upload(client, cohort, csv_bytes(HEADER, FATIMA)))
    shown = fingerprint(client, token)
    other_tab = Client()
    other_tab.force_login(adviser)
    other_tab.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    client.post(preview_url(token), {"fingerprint": shown, "confirm": ""})
    response = other_tab.post(preview_url(token), {"fingerprint": shown, "confirm": ""})

    assert response.url == UPLOAD_URL
    assert "no longer waiting for confirmation" in message_texts(response)[0]
    assert CandidateImport.objects.count() == 1
    assert Candidate.objects.count() == 1


def test_an_unknown_token_is_a_message_not_an_error(adviser_client, cohort):
    for token in ["0" * 32, "..", "not-a-token"]:
        response = adviser_client.post(preview_url(token), {"fingerprint": "x", "confirm": ""})

        assert response.status_code == 302
        assert response.url == UPLOAD_URL
        assert "no longer waiting for confirmation" in message_texts(response)[0]
    assert CandidateImport.objects.count() == 0


def test_another_user_cannot_confirm_someones_upload_and_leaves_it_alone(client, adviser, cohort, pending_dir):
    client.force_login(adviser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    token = token_of(upload(client, cohort, csv_bytes(HEADER, FATIMA)))
    shown = fingerprint(client, token)
    # A colleague of the same organisation, who may import into the same cohort.
    colleague = UserFactory(username="collega", organisation=adviser.organisation, role=Role.ADVISER)

    client.force_login(colleague)
    response = client.post(preview_url(token), {"fingerprint": shown, "confirm": ""})

    assert response.status_code == 404
    assert CandidateImport.objects.count() == 0
    assert Candidate.objects.count() == 0
    assert PendingUpload.objects.get().owner == adviser
    assert (pending_dir / token).exists()


@pytest.mark.parametrize("data", [None, {"cancel": ""}], ids=["preview", "cancel"])
def test_another_user_can_neither_see_nor_cancel_someones_upload(client, adviser, administrator, cohort, data):
    client.force_login(adviser)
    token = token_of(upload(client, cohort, csv_bytes(HEADER, FATIMA)))

    client.force_login(administrator)
    response = client.get(preview_url(token)) if data is None else client.post(preview_url(token), data)

    assert response.status_code == 404
    assert "Amrani" not in response.text
    assert PendingUpload.objects.filter(owner=adviser).exists()


def test_an_expired_upload_is_a_message_and_its_file_is_removed(adviser_client, adviser, cohort, pending_dir, settings):
    # An adviser who stays active keeps the session; the upload waiting for confirmation expires after two hours.
    settings.SESSION_COOKIE_AGE = 4 * 60 * 60
    settings.IMPORT_PENDING_HOURS = 2
    with time_machine.travel(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC), tick=False):
        adviser_client.force_login(adviser)
        token = token_of(upload(adviser_client, cohort, csv_bytes(HEADER, FATIMA)))
    with time_machine.travel(datetime.datetime(2026, 11, 25, 11, 1, tzinfo=datetime.UTC), tick=False):
        response = adviser_client.get(preview_url(token))

    assert response.url == UPLOAD_URL
    assert "no longer waiting for confirmation" in message_texts(response)[0]
    assert not (pending_dir / token).exists()
    assert not PendingUpload.objects.exists()


def test_cancelling_removes_the_waiting_file_and_imports_nothing(adviser_client, cohort, pending_dir):
    token = token_of(upload(adviser_client, cohort, csv_bytes(HEADER, FATIMA)))

    response = adviser_client.post(preview_url(token), {"cancel": ""})

    assert response.url == UPLOAD_URL
    assert message_texts(response) == ["The import was cancelled; nothing was saved."]
    assert_nothing_saved(adviser_client, pending_dir)


def test_a_preview_that_changed_before_the_confirmation_is_shown_again_instead_of_imported(
    adviser_client, adviser, cohort
):
    token = token_of(upload(adviser_client, cohort, csv_bytes(HEADER, FATIMA, JAN)))
    shown = fingerprint(adviser_client, token)
    # Meanwhile a colleague registers Jan by hand.
    CandidateFactory(first_name="Jan", last_name="Jansen", email="jan@example.org", adviser=adviser)

    response = adviser_client.post(preview_url(token), {"fingerprint": shown, "confirm": ""})

    assert response.status_code == 200
    assert "The check of the file changed since you looked at it." in response.text
    assert "Possibly already registered:" in row_html(response, 3)
    assert CandidateImport.objects.count() == 0
    confirm(adviser_client, token)
    assert CandidateImport.objects.get().rows_imported == 1


# --- Access ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TRAINING_PARTNER, Role.EMPLOYER_CONTACT])
@pytest.mark.parametrize(
    "url",
    [
        UPLOAD_URL,
        HISTORY_URL,
        reverse("candidates:import-template", args=["csv"]),
        reverse("candidates:import-template", args=["xlsx"]),
        reverse("candidates:import-preview", args=["0" * 32]),
    ],
)
def test_only_advisers_and_administrators_may_import(client, user_for_role, role, url):
    client.force_login(user_for_role(role))

    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": ""}).status_code == 403


def test_an_administrator_may_import(client, administrator, cohort):
    client.force_login(administrator)

    token = token_of(upload(client, cohort, csv_bytes(HEADER, FATIMA)))
    confirm(client, token)

    assert CandidateImport.objects.get().uploaded_by == administrator


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get(UPLOAD_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_history_shows_the_imports_of_the_users_cohorts_only(adviser_client, adviser, cohort):
    now = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)
    colleague = UserFactory(username="collega", first_name="Els", last_name="de Boer", role=Role.ADVISER)
    counts = {"rows_total": 30, "rows_imported": 28, "rows_skipped": 2}
    CandidateImport.objects.create(uploaded_by=colleague, at=now, file_name="eigen-lijst.csv", cohort=cohort, **counts)
    CandidateImport.objects.create(
        uploaded_by=colleague, at=now, file_name="andermans-lijst.csv", cohort=CohortFactory(), **counts
    )

    response = adviser_client.get(HISTORY_URL)

    assert "eigen-lijst.csv" in response.text
    assert "Els de Boer" in response.text
    assert "andermans-lijst.csv" not in response.text


def test_the_history_says_so_when_there_are_no_imports(adviser_client):
    response = adviser_client.get(HISTORY_URL)

    assert "No referral list has been imported" in response.text


def test_advisers_find_the_import_in_the_navigation(adviser_client):
    response = adviser_client.get(reverse("candidates:adviser-start"))

    assert f'class="nav-link" href="{UPLOAD_URL}"' in response.text


def test_a_list_sent_by_a_municipality_records_it_as_everyones_referrer(adviser_client, cohort):
    # So that the municipality's own system sees these people's status through the API (candidates.api).
    municipality = OrganisationFactory(name="Gemeente Utrecht", kind=OrganisationKind.MUNICIPALITY)
    content = csv_bytes(HEADER, FATIMA, PIET)
    token = token_of(upload(adviser_client, cohort, content, referring_organisation=municipality.pk))

    confirm(adviser_client, token)

    assert [candidate.referring_organisation for candidate in Candidate.objects.all()] == [municipality] * 2


def test_a_host_employer_is_not_offered_as_referrer(adviser_client, cohort):
    host = OrganisationFactory(name="Kinderopvang De Boomhut", kind=OrganisationKind.HOST_EMPLOYER)

    response = upload(adviser_client, cohort, csv_bytes(HEADER, FATIMA), referring_organisation=host.pk)

    assert response.status_code == 200
    assert "referring_organisation" in response.context["form"].errors
    assert not Candidate.objects.exists()
