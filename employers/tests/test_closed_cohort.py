"""A closed cohort takes nothing new: no registrations or enrolments, no seat offers, no placement proposals; the
lists to choose a cohort from leave it out. The rule is Cohort.objects.open(), checked by
pilots.services.cohort_check_open, which every entry point below calls.
"""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from candidates.lifecycle import EnrolmentStatus
from candidates.models import Candidate, Enrolment
from candidates.services import enrolment_create, enrolments_create
from candidates.tests import test_views_import as import_views
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from employers.models import Placement, SeatOffer
from employers.services import cohort_close, placement_propose, seat_offer_set
from employers.tests.factories import EmployerLocationFactory, SeatOfferFactory
from pilots.models import Cohort, PartnerRole
from pilots.services import CohortClosed, cohort_mark_closed
from pilots.tests.factories import CohortFactory, PilotFactory, PilotPartnerFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2027, 2, 1)
END = datetime.date(2027, 5, 14)


@pytest.fixture
def pilot(organisation, employer):
    pilot = PilotFactory(name="Groepshulp kinderopvang", lead_organisation=organisation, region=organisation.region)
    PilotPartnerFactory(pilot=pilot, organisation=employer.organisation, role=PartnerRole.HOST_EMPLOYER)
    return pilot


@pytest.fixture
def closed(pilot, coordinator):
    """A cohort whose round is over, closed the way a coordinator closes it."""
    cohort = CohortFactory(pilot=pilot, name="Ronde 1", start_date=START, end_date=END)
    return cohort_close(cohort=cohort, by_user=coordinator)


@pytest.fixture
def open_cohort(pilot):
    return CohortFactory(pilot=pilot, name="Ronde 2", start_date=START, end_date=END)


def english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def choices(response, field: str) -> set:
    return set(response.context["form"].fields[field].queryset)


def test_open_leaves_closed_cohorts_out(closed, open_cohort):
    assert list(Cohort.objects.open()) == [open_cohort]


# --- Registrations and enrolments -------------------------------------------------------------------------


def test_a_closed_cohort_takes_no_enrolment(closed, adviser):
    candidate = CandidateFactory(adviser=adviser)
    with pytest.raises(CohortClosed):
        enrolment_create(candidate=candidate, cohort=closed, by_user=adviser)
    assert not Enrolment.objects.filter(cohort=closed).exists()


def test_a_closed_cohort_takes_no_enrolments_in_bulk(closed, adviser):
    candidates = CandidateFactory.create_batch(2, adviser=adviser)
    with pytest.raises(CohortClosed):
        enrolments_create(candidates=candidates, cohort=closed, by_user=adviser)
    assert not Enrolment.objects.filter(cohort=closed).exists()


def test_a_copy_of_the_cohort_closed_after_it_was_read_is_refused_too(pilot, adviser, coordinator):
    cohort = CohortFactory(pilot=pilot, name="Ronde 1", start_date=START, end_date=END)
    stale = Cohort.objects.get(pk=cohort.pk)
    cohort_close(cohort=cohort, by_user=coordinator)
    with pytest.raises(CohortClosed):
        enrolment_create(candidate=CandidateFactory(adviser=adviser), cohort=stale, by_user=adviser)


def test_the_registration_form_leaves_closed_cohorts_out_and_refuses_a_forged_one(client, adviser, closed, open_cohort):
    client = english(client, adviser)
    url = reverse("candidates:candidate-create")
    assert choices(client.get(url), "cohort") == {open_cohort}

    response = client.post(
        url,
        {
            "first_name": "Fatma",
            "last_name": "Yilmaz",
            "email": "fatma@example.com",
            "consent": "on",
            "consent_purpose": "Deelname",
            "cohort": closed.pk,
        },
    )

    assert response.status_code == 200
    assert "cohort" in response.context["form"].errors
    assert not Candidate.objects.filter(last_name="Yilmaz").exists()


def test_the_import_leaves_closed_cohorts_out(client, adviser, closed, open_cohort):
    response = english(client, adviser).get(reverse("candidates:import-upload"))
    assert choices(response, "cohort") == {open_cohort}


def test_a_list_checked_before_the_cohort_closed_is_not_imported_after(
    client, adviser, coordinator, open_cohort, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = english(client, adviser)
    token = import_views.token_of(
        import_views.upload(client, open_cohort, import_views.csv_bytes(import_views.HEADER, import_views.FATIMA))
    )
    stamp = import_views.fingerprint(client, token)
    cohort_close(cohort=open_cohort, by_user=coordinator)

    response = client.post(
        reverse("candidates:import-preview", args=[token]), {"fingerprint": stamp, "confirm": ""}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("candidates:import-upload")
    assert "Ronde 2 is closed: it takes no new candidates, seat offers or placements." in response.text
    assert not Enrolment.objects.filter(cohort=open_cohort).exists()


def test_a_closed_cohort_is_no_target_to_carry_over_to(client, coordinator, pilot, closed, open_cohort):
    later = CohortFactory(pilot=pilot, name="Ronde 3", start_date=END, end_date=END + datetime.timedelta(days=90))
    response = english(client, coordinator).get(reverse("candidates:carry-over", kwargs={"pk": open_cohort.pk}))
    assert choices(response, "to_cohort") == {later}


# --- Seat offers ------------------------------------------------------------------------------------------


def test_a_closed_cohort_takes_no_seat_offer(closed, employer, adviser):
    with pytest.raises(CohortClosed):
        seat_offer_set(employer=employer, cohort=closed, places=2, by_user=adviser)
    assert not SeatOffer.objects.filter(cohort=closed).exists()


def test_the_adviser_is_sent_back_from_the_seat_offer_page_of_a_closed_cohort(client, adviser, employer, closed):
    client = english(client, adviser)
    url = reverse("employers:seat-offer-on-behalf", args=[closed.pk])

    response = client.post(url, {"employer": employer.pk, "places": 2}, follow=True)

    assert response.redirect_chain[-1][0] == closed.get_absolute_url()
    assert "Ronde 1 is closed: it takes no new candidates, seat offers or placements." in response.text
    assert not SeatOffer.objects.filter(cohort=closed).exists()
    assert url not in response.text  # the cohort page offers no "Record a seat offer"


def test_a_host_is_not_offered_a_closed_cohort_for_its_places(client, employer_contact, closed, open_cohort):
    response = english(client, employer_contact).get(reverse("employers:seat-offers"))
    assert choices(response, "cohort") == {open_cohort}


def test_the_vacancy_form_leaves_closed_cohorts_out(client, coordinator, closed, open_cohort):
    response = english(client, coordinator).get(reverse("employers:vacancy-create"))
    assert choices(response, "cohort") == {open_cohort}


# --- Placement proposals ----------------------------------------------------------------------------------


@pytest.fixture
def selected_in_closed_cohort(pilot, adviser, employer, coordinator):
    """A selected candidate whose cohort was marked closed by the lower layer, which does not check who is in it."""
    cohort = CohortFactory(pilot=pilot, name="Ronde 1", start_date=START, end_date=END)
    SeatOfferFactory(employer=employer, cohort=cohort, places=2)
    enrolment = EnrolmentFactory(
        candidate=CandidateFactory(adviser=adviser), cohort=cohort, status=EnrolmentStatus.SELECTED
    )
    cohort_mark_closed(cohort=cohort, by_user=coordinator)
    return enrolment


def test_no_placement_is_proposed_in_a_closed_cohort(selected_in_closed_cohort, employer, adviser):
    with pytest.raises(CohortClosed):
        placement_propose(enrolment=selected_in_closed_cohort, employer=employer, by_user=adviser)
    assert not Placement.objects.exists()


def test_the_propose_form_says_the_cohort_is_closed(client, adviser, employer, selected_in_closed_cohort):
    location = EmployerLocationFactory(employer=employer, name="De Boomhut")
    response = english(client, adviser).post(
        reverse("employers:placement-propose", args=[selected_in_closed_cohort.pk]),
        {
            "employer": employer.pk,
            "location": location.pk,
            "days_per_week": 2,
            "start_date": "2027-02-01",
            "end_date": "2027-05-14",
        },
    )

    assert response.status_code == 200
    assert "Ronde 1 is closed: it takes no new candidates, seat offers or placements." in response.text
    assert not Placement.objects.exists()


def test_the_administration_does_not_enrol_into_a_closed_cohort(client, administrator, closed):
    candidate = CandidateFactory()
    client.force_login(administrator)

    response = client.post(
        reverse("admin:candidates_enrolment_add"), {"candidate": candidate.pk, "cohort": closed.pk, "_save": "1"}
    )

    assert response.status_code == 200
    assert "cohort" in response.context["adminform"].form.errors
    assert not Enrolment.objects.filter(cohort=closed).exists()
