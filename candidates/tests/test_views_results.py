"""The results page of a cohort: module results per candidate, certificates and the ones that expire soon."""

import datetime

import pytest
from django.urls import reverse

from candidates.models import Certificate, EnrolmentStatus, ModuleResult
from candidates.tests.factories import EnrolmentFactory
from pilots.models import CohortModule, ModuleKind, PartnerRole
from pilots.tests.factories import CohortFactory, CohortModuleFactory, ModuleFactory, PilotFactory, PilotPartnerFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture(autouse=True)
def english(client, settings):
    """The messages are asserted on in their English source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def cohort(organisation, training_partner, employer_contact):
    pilot = PilotFactory(lead_organisation=organisation)
    PilotPartnerFactory(pilot=pilot, organisation=training_partner.organisation, role=PartnerRole.TRAINING_PARTNER)
    PilotPartnerFactory(pilot=pilot, organisation=employer_contact.organisation, role=PartnerRole.HOST_EMPLOYER)
    return CohortFactory(pilot=pilot, name="Ronde 1")


@pytest.fixture
def vca(cohort):
    return CohortModuleFactory(
        cohort=cohort, name="VCA Basis", kind=ModuleKind.CERTIFICATE, certificate_name="VCA Basis", position=1
    )


@pytest.fixture
def hygiene(cohort):
    return CohortModuleFactory(
        cohort=cohort, name="Hygiëne", certificate_name="Hygiëne", is_unit_certificate=True, position=2
    )


@pytest.fixture
def fatma(cohort, adviser):
    return EnrolmentFactory(
        cohort=cohort,
        status=EnrolmentStatus.STARTED,
        candidate__first_name="Fatma",
        candidate__last_name="Yilmaz",
        candidate__adviser=adviser,
    )


def results_url(cohort) -> str:
    return reverse("pilots:results", kwargs={"pk": cohort.pk})


def test_the_results_page_shows_candidates_against_modules(client, training_partner, cohort, vca, hygiene, fatma):
    EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.SELECTED, candidate__first_name="Nog-niet-gestart")
    client.force_login(training_partner)

    body = client.get(results_url(cohort)).content.decode()

    assert "Fatma Yilmaz" in body
    assert "Nog-niet-gestart" not in body
    assert f'data-module="{vca.pk}"' in body and f'data-module="{hygiene.pk}"' in body
    assert f'<label class="visually-hidden" for="result-{fatma.pk}-{vca.pk}">' in body


def test_a_training_partner_records_a_passed_module(client, training_partner, cohort, vca, fatma):
    client.force_login(training_partner)

    response = client.post(
        results_url(cohort),
        {"enrolment": fatma.pk, "cohort_module": vca.pk, "status": "passed", "date": "2026-11-20", "record_result": ""},
        follow=True,
    )

    result = ModuleResult.objects.get(enrolment=fatma, cohort_module=vca)
    assert (result.status, result.date, result.recorded_by) == ("passed", datetime.date(2026, 11, 20), training_partner)
    body = response.content.decode()
    assert "Fatma Yilmaz: VCA Basis is “Passed”." in body
    cell = body.split(f'<td class="result-cell" data-module="{vca.pk}">')[1].split("</td>")[0]
    assert "Passed" in cell and '<option value="passed" selected>' in cell


def test_a_result_without_a_date_is_dated_today(client, training_partner, cohort, vca, fatma):
    client.force_login(training_partner)
    client.post(
        results_url(cohort), {"enrolment": fatma.pk, "cohort_module": vca.pk, "status": "exempt", "record_result": ""}
    )
    assert ModuleResult.objects.get(enrolment=fatma).date == TODAY


def test_a_result_for_a_module_of_another_cohort_is_refused(client, training_partner, cohort, fatma):
    other_module = CohortModuleFactory(cohort=CohortFactory(pilot=cohort.pilot))
    client.force_login(training_partner)

    response = client.post(
        results_url(cohort),
        {"enrolment": fatma.pk, "cohort_module": other_module.pk, "status": "passed", "record_result": ""},
        follow=True,
    )

    assert response.status_code == 200
    assert "The result was not saved" in response.content.decode()
    assert not ModuleResult.objects.exists()


def test_a_vca_certificate_expires_ten_years_later_by_default(client, training_partner, cohort, vca, fatma):
    client.force_login(training_partner)

    response = client.post(
        results_url(cohort),
        {
            "enrolment": fatma.pk,
            "cohort_module": vca.pk,
            "name": "",
            "number": "VCA-123456",
            "issued_on": "2026-11-20",
            "expires_on": "",
            "record_certificate": "",
        },
        follow=True,
    )

    certificate = Certificate.objects.get(enrolment=fatma)
    assert (certificate.name, certificate.number) == ("VCA Basis", "VCA-123456")
    assert certificate.expires_on == datetime.date(2036, 11, 20)
    body = response.content.decode()
    assert "it expires on 20 November 2036" in body
    row = body.split(f'data-certificate="{certificate.pk}"')[1].split("</tr>")[0]
    assert "20 November 2036" in row and "VCA-123456" in row


def test_a_certificate_issued_in_the_future_is_refused_in_the_form(client, training_partner, cohort, vca, fatma):
    client.force_login(training_partner)
    response = client.post(
        results_url(cohort),
        {"enrolment": fatma.pk, "name": "VCA Basis", "issued_on": "2026-12-20", "record_certificate": ""},
    )
    assert response.status_code == 200
    assert "A certificate cannot be issued on a day still to come." in response.content.decode()
    assert not Certificate.objects.exists()


def test_a_unit_certificate_counts_on_its_own(client, training_partner, cohort, vca, hygiene, fatma):
    client.force_login(training_partner)
    for module in (vca, hygiene):
        client.post(
            results_url(cohort),
            {"enrolment": fatma.pk, "cohort_module": module.pk, "issued_on": "2026-11-20", "record_certificate": ""},
        )
    assert Certificate.objects.filter(enrolment=fatma).count() == 2

    body = client.get(results_url(cohort)).content.decode()

    # The VCA of a module of the whole track counts once the track is completed; the unit certificate already does.
    count = body.split(f'data-testid="certificate-count-{fatma.pk}">')[1].split("</td>")[0]
    assert count == "1"
    assert "Certificate per unit" in body


def test_certificates_expiring_within_three_months_are_listed(client, training_partner, adviser, cohort, fatma):
    soon = Certificate.objects.create(
        enrolment=fatma, name="BHV", issued_on=datetime.date(2025, 12, 20), expires_on=datetime.date(2026, 12, 20)
    )
    later = Certificate.objects.create(
        enrolment=fatma, name="VCA Basis", issued_on=datetime.date(2026, 11, 1), expires_on=datetime.date(2036, 11, 1)
    )
    client.force_login(training_partner)
    body = client.get(results_url(cohort)).content.decode()
    expiring = body.split('aria-labelledby="expiring-title"')[1]
    assert f'data-certificate="{soon.pk}"' in expiring
    assert f'data-certificate="{later.pk}"' not in expiring
    assert reverse("pilots:certificates-expiring") in body

    client.force_login(adviser)
    page = client.get(reverse("pilots:certificates-expiring")).content.decode()
    assert f'data-certificate="{soon.pk}"' in page and "Fatma Yilmaz" in page
    assert f'data-certificate="{later.pk}"' not in page


def test_an_adviser_reads_the_results_but_does_not_record(client, adviser, cohort, vca, fatma):
    client.force_login(adviser)
    body = client.get(results_url(cohort)).content.decode()
    assert "Fatma Yilmaz" in body and 'name="record_result"' not in body

    response = client.post(
        results_url(cohort), {"enrolment": fatma.pk, "cohort_module": vca.pk, "status": "passed", "record_result": ""}
    )
    assert response.status_code == 403
    assert not ModuleResult.objects.exists()


def test_a_host_employer_may_not_open_the_results(client, employer_contact, cohort):
    client.force_login(employer_contact)
    assert client.get(results_url(cohort)).status_code == 403
    assert client.get(reverse("pilots:certificates-expiring")).status_code == 403


@pytest.fixture
def pilot_line(cohort):
    """The pilot's learning line, which the cohort follows as long as it has no modules of its own."""
    return [
        ModuleFactory(pilot=cohort.pilot, name="Taal", position=1),
        ModuleFactory(
            pilot=cohort.pilot, name="VCA Basis", kind=ModuleKind.CERTIFICATE, certificate_name="VCA", position=2
        ),
    ]


@pytest.mark.parametrize("role_user", ["training_partner", "administrator", "adviser", "coordinator"])
def test_opening_the_results_shows_the_pilots_line_without_copying_it(
    client, request, cohort, pilot_line, fatma, role_user
):
    client.force_login(request.getfixturevalue(role_user))

    response = client.get(results_url(cohort))

    body = response.content.decode()
    assert response.status_code == 200
    taal, vca = pilot_line
    assert f'<th scope="col" data-module="pilot-{taal.pk}">Taal</th>' in body
    assert f'<th scope="col" data-module="pilot-{vca.pk}">VCA Basis</th>' in body
    assert not CohortModule.objects.exists()


def test_the_forms_of_an_inherited_line_name_the_pilots_modules(client, training_partner, cohort, pilot_line, fatma):
    vca = pilot_line[1]
    client.force_login(training_partner)

    body = client.get(results_url(cohort)).content.decode()

    assert f'<input type="hidden" name="cohort_module" value="pilot-{vca.pk}">' in body
    certificate_form = body.split('class="certificate-form"')[1].split("</form>")[0]
    assert f'<option value="pilot-{vca.pk}">VCA Basis</option>' in certificate_form
    assert not CohortModule.objects.exists()


def test_a_result_in_an_inherited_module_copies_the_line_and_records_it(
    client, training_partner, cohort, pilot_line, fatma
):
    vca = pilot_line[1]
    client.force_login(training_partner)

    response = client.post(
        results_url(cohort),
        {"enrolment": fatma.pk, "cohort_module": f"pilot-{vca.pk}", "status": "passed", "record_result": ""},
        follow=True,
    )

    assert list(cohort.learning_line.order_by("position").values_list("name", flat=True)) == ["Taal", "VCA Basis"]
    result = ModuleResult.objects.get(enrolment=fatma)
    assert result.cohort_module == cohort.learning_line.get(module=vca)
    assert result.status == "passed"
    assert "Fatma Yilmaz: VCA Basis is “Passed”." in response.content.decode()


def test_a_certificate_of_an_inherited_module_is_recorded_on_the_cohorts_copy(
    client, training_partner, cohort, pilot_line, fatma
):
    vca = pilot_line[1]
    client.force_login(training_partner)

    client.post(
        results_url(cohort),
        {
            "enrolment": fatma.pk,
            "cohort_module": f"pilot-{vca.pk}",
            "issued_on": "2026-11-20",
            "record_certificate": "",
        },
    )

    certificate = Certificate.objects.get(enrolment=fatma)
    assert certificate.cohort_module == cohort.learning_line.get(module=vca)
    assert certificate.name == "VCA"


def test_a_certificate_without_a_module_does_not_copy_the_line(client, training_partner, cohort, pilot_line, fatma):
    client.force_login(training_partner)

    client.post(
        results_url(cohort),
        {"enrolment": fatma.pk, "name": "BHV", "issued_on": "2026-11-20", "record_certificate": ""},
    )

    assert Certificate.objects.get(enrolment=fatma).cohort_module is None
    assert not CohortModule.objects.exists()


def test_a_result_in_a_module_taken_off_the_pilots_line_meanwhile_is_refused(
    client, training_partner, cohort, pilot_line, fatma
):
    vca = pilot_line[1]
    stale = f"pilot-{vca.pk}"
    vca.delete()
    client.force_login(training_partner)

    response = client.post(
        results_url(cohort),
        {"enrolment": fatma.pk, "cohort_module": stale, "status": "passed", "record_result": ""},
        follow=True,
    )

    assert "The result was not saved" in response.content.decode()
    assert not ModuleResult.objects.exists()


def test_a_reader_posting_a_result_causes_no_copy(client, adviser, cohort, pilot_line, fatma):
    vca = pilot_line[1]
    client.force_login(adviser)

    response = client.post(
        results_url(cohort),
        {"enrolment": fatma.pk, "cohort_module": f"pilot-{vca.pk}", "status": "passed", "record_result": ""},
    )

    assert response.status_code == 403
    assert not CohortModule.objects.exists()


def test_the_results_of_an_inherited_line_take_as_many_queries_however_long_it_is(
    client, training_partner, cohort, pilot_line, fatma, django_assert_max_num_queries
):
    client.force_login(training_partner)
    with django_assert_max_num_queries(40) as short:
        client.get(results_url(cohort))
    for week in range(3, 9):
        ModuleFactory(pilot=cohort.pilot, name=f"Module {week}", start_week=week, end_week=week)
    EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.STARTED)

    with django_assert_max_num_queries(len(short.captured_queries)):
        client.get(results_url(cohort))
