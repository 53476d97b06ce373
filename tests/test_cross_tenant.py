"""People of another region, organisation or employer try the objects of this one: a 404 or 403, never data.

The other tenant's adviser (another region's WSP), coordinator (another organisation), training partner
(another college) and employer contact (another employer) open every URL of the matrix that names an object
with the ids of this tenant's objects: pages, downloads (the calendar file, the report PDF), exports (the
candidate access request as JSON) and POSTs. The pages that name no object (start pages, lists, forms with
their choices) must not show this tenant's candidates, pilot or employer; the candidate list and its CSV and
XLSX exports are tried with this tenant's pilot, cohort, adviser and surname as filters; a waiting import, a
comparison and a report request are tried too. Administrators see everything and are left out.
"""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from candidates.importing import TEMPLATE_HEADER
from candidates.models import Candidate, Note
from core.roles import Role
from employers.models import Placement
from reports.models import ReportJob
from tests.tenants import build_world

# no_required_two_factor is an autouse fixture: importing it applies it here too.
from tests.test_url_matrix import MATRIX, answer_of, no_required_two_factor  # noqa: F401

pytestmark = pytest.mark.django_db

# The roles bound to an organisation; each is tried as a user of the other tenant.
TENANT_ROLES = (Role.ADVISER.value, Role.COORDINATOR.value, Role.TRAINING_PARTNER.value, Role.EMPLOYER_CONTACT.value)
SCOPED_OUT = frozenset({403, 404})


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def _attempts() -> list[tuple[str, str]]:
    """Each URL that names an object, with each role that may open it for its own tenant's objects."""
    return [
        (name, role)
        for name, rule in MATRIX.items()
        if rule.has_objects
        for role in TENANT_ROLES
        if role in rule.who | rule.post
    ]


def _body(response) -> str:
    return b"".join(response).decode("utf-8", "replace") if response.streaming else response.content.decode()


@pytest.mark.parametrize(("name", "role"), _attempts())
def test_objects_of_another_tenant_are_not_found(world, name, role):
    rule = MATRIX[name]
    url = reverse(name, kwargs=rule.kwargs(world.own))
    client = world.client(world.other.users[role])

    response = client.get(url)
    assert answer_of(response) in SCOPED_OUT | {405}, f"GET {url} as {role} of the other tenant"
    assert world.own.surname not in _body(response)

    if role in rule.post:
        before = (Candidate.objects.count(), Note.objects.count(), Placement.objects.count())
        response = client.post(url, {"text": "Poging", "status": "selected"})
        assert answer_of(response) in SCOPED_OUT, f"POST {url} as {role} of the other tenant"
        assert (Candidate.objects.count(), Note.objects.count(), Placement.objects.count()) == before


def _list_pages() -> list[tuple[str, str]]:
    """Each URL that names no object (start pages, lists, forms), with each role that may open it."""
    return [
        (name, role)
        for name, rule in MATRIX.items()
        if not rule.has_objects
        for role in TENANT_ROLES
        if rule.expected(role) == 200
    ]


@pytest.mark.parametrize(("name", "role"), _list_pages())
def test_pages_without_an_object_show_nothing_of_another_tenant(world, name, role):
    """Start pages, lists and the choices on forms: nothing of this tenant's candidates, pilot or employer."""
    response = world.client(world.other.users[role]).get(reverse(name, kwargs=MATRIX[name].kwargs(world.other)))
    assert response.status_code == 200
    body = _body(response)
    own = world.own
    for trace in (own.surname, own.pilot.name, own.employer.organisation.name, own.candidate_import.file_name):
        assert trace not in body, f"{trace} on {name} for the {role} of the other tenant"


def test_each_tenant_role_is_tried_on_some_url():
    tried = {role for _name, role in _attempts()}
    assert tried == set(TENANT_ROLES)


def _filters(world) -> list[dict]:
    own = world.own
    return [
        {},
        {"pilot": own.pilot.pk},
        {"cohort": own.cohort.pk},
        {"adviser": own.users[Role.ADVISER].pk},
        {"q": own.surname},
    ]


def _xlsx_text(response) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return " ".join(
        str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for value in row
    )


@pytest.mark.parametrize("role", [Role.ADVISER.value, Role.COORDINATOR.value])
def test_candidate_exports_filtered_on_another_tenant_hold_none_of_its_candidates(world, role):
    client = world.client(world.other.users[role])
    for query in _filters(world):
        csv = client.get(reverse("candidates:candidate-export", kwargs={"fmt": "csv"}), query)
        assert csv.status_code == 200, query
        assert world.own.surname not in _body(csv), query
        xlsx = client.get(reverse("candidates:candidate-export", kwargs={"fmt": "xlsx"}), query)
        assert xlsx.status_code == 200, query
        assert world.own.surname not in _xlsx_text(xlsx), query


@pytest.mark.parametrize("role", [Role.ADVISER.value, Role.COORDINATOR.value, Role.TRAINING_PARTNER.value])
def test_candidate_list_filtered_on_another_tenant_shows_none_of_its_candidates(world, role):
    client = world.client(world.other.users[role])
    # The search box shows what was typed, so the search on the surname is left to the export test.
    for query in _filters(world)[:-1]:
        response = client.get(reverse("candidates:candidate-list"), query)
        assert response.status_code == 200, query
        assert world.own.surname not in response.content.decode(), query


def test_the_exports_show_the_own_tenant_candidates(world):
    """The other side of the coin: the surname check above would catch a leak."""
    client = world.client(world.own.users[Role.ADVISER])
    csv = client.get(reverse("candidates:candidate-export", kwargs={"fmt": "csv"}))
    xlsx = client.get(reverse("candidates:candidate-export", kwargs={"fmt": "xlsx"}))
    assert world.own.surname in _body(csv)
    assert world.own.surname in _xlsx_text(xlsx)
    assert world.other.surname not in _body(csv)


def test_a_waiting_import_is_not_opened_by_an_adviser_of_another_region(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    own_adviser = world.client(world.own.users[Role.ADVISER])
    row = ["Fatima", "el", world.own.surname, "14-03-1988", "f.elamrani@example.org", "06 12345678"]
    referral_list = ";".join(TEMPLATE_HEADER[:6]).encode() + b"\r\n" + ";".join(row).encode()
    upload = own_adviser.post(
        reverse("candidates:import-upload"),
        {
            "cohort": world.own.cohort.pk,
            "file": SimpleUploadedFile("lijst.csv", referral_list, content_type="text/csv"),
            "consent": "on",
            "consent_purpose": "Deelname",
        },
    )
    assert upload.status_code == 302
    preview = upload["Location"]
    assert world.own.surname in own_adviser.get(preview).content.decode()

    # A waiting list belongs to the one who uploaded it: to anyone else it does not exist.
    assert world.client(world.other.users[Role.ADVISER]).get(preview).status_code == 404


@pytest.mark.parametrize("role", [Role.ADVISER.value, Role.COORDINATOR.value])
def test_the_comparison_does_not_take_a_pilot_of_another_organisation(world, role):
    response = world.client(world.other.users[role]).get(
        reverse("reports:compare"), {"pilot": [world.own.pilot.slug, world.other.pilot.slug]}
    )
    assert response.status_code == 200
    assert world.own.pilot.name not in response.content.decode()


def test_a_report_is_not_made_of_a_pilot_of_another_organisation(world):
    coordinator = world.client(world.other.users[Role.COORDINATOR])
    period = {"period_start": "2026-01-01", "period_end": "2026-12-31"}
    jobs = ReportJob.objects.count()

    refused = coordinator.post(
        reverse("reports:job-new"), {"pilots": [world.own.pilot.pk], "cohorts": [world.own.cohort.pk], **period}
    )
    assert refused.status_code == 200  # the form again, with the refusal
    assert ReportJob.objects.count() == jobs

    # The same request for the coordinator's own pilot is made: the refusal above is the scope's.
    coordinator.post(reverse("reports:job-new"), {"pilots": [world.other.pilot.pk], **period})
    assert ReportJob.objects.count() == jobs + 1


# Forms that take the id of an object in a field: with this tenant's object in it, the field is refused.
# (role, URL name, arguments from the other tenant, posted data, form in the page's context, refused field)
FOREIGN_CHOICES = {
    "seat offer for another pilot's cohort": (
        Role.EMPLOYER_CONTACT,
        "employers:seat-offers",
        lambda w: {},
        lambda w: {"cohort": w.own.cohort.pk, "location": w.other.employer.locations.first().pk, "places": 2},
        "form",
        "cohort",
    ),
    "proposal to another region's employer": (
        Role.ADVISER,
        "employers:placement-propose",
        lambda w: {"enrolment_pk": w.other.enrolment.pk},
        lambda w: {"employer": w.own.employer.pk, "location": w.own.employer.locations.first().pk},
        "form",
        "employer",
    ),
    "vacancy in another pilot's cohort": (
        Role.ADVISER,
        "employers:vacancy-create",
        lambda w: {},
        lambda w: {"cohort": w.own.cohort.pk, "title": "Vacature", "published_on": "2026-11-01"},
        "form",
        "cohort",
    ),
    "application of another region's candidate": (
        Role.ADVISER,
        "employers:vacancy-apply",
        lambda w: {"pk": w.other.vacancy.pk},
        lambda w: {"candidate": w.own.candidate.pk, "applied_on": "2026-11-01"},
        "apply_form",
        "candidate",
    ),
    "carry-over into another pilot's cohort": (
        Role.COORDINATOR,
        "candidates:carry-over",
        lambda w: {"pk": w.other.cohort.pk},
        lambda w: {"to_cohort": w.own.cohort.pk, "enrolments": [w.own.enrolment.pk]},
        "form",
        "to_cohort",
    ),
    "hand-over of another organisation's adviser": (
        Role.COORDINATOR,
        "candidates:caseload-reassign",
        lambda w: {},
        lambda w: {"from_adviser": w.own.users[Role.ADVISER].pk},
        "choose_form",
        "from_adviser",
    ),
    "import into another pilot's cohort": (
        Role.ADVISER,
        "candidates:import-upload",
        lambda w: {},
        lambda w: {"cohort": w.own.cohort.pk, "consent": "on", "consent_purpose": "Deelname"},
        "form",
        "cohort",
    ),
}


@pytest.mark.parametrize("case", FOREIGN_CHOICES)
def test_a_form_refuses_the_id_of_another_tenants_object(world, case):
    role, name, kwargs, data, form_name, field_name = FOREIGN_CHOICES[case]
    counts = (Candidate.objects.count(), Placement.objects.count(), ReportJob.objects.count())

    response = world.client(world.other.users[role]).post(reverse(name, kwargs=kwargs(world)), data(world))

    assert response.status_code == 200
    assert field_name in response.context[form_name].errors
    assert world.own.surname not in response.content.decode()
    assert (Candidate.objects.count(), Placement.objects.count(), ReportJob.objects.count()) == counts
