"""Sorting the candidate list on the cohort reads the names kept on the candidate (Candidate.sort_pilot_name,
sort_cohort_name, with an index of the list's order): they follow a new enrolment, a renamed cohort and a renamed
pilot, however the rename is saved."""

import pytest
from django.conf import settings
from django.urls import reverse

from candidates.models import Candidate
from candidates.services import enrolment_create
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from pilots.services import cohort_update, pilot_update
from pilots.tests.factories import CohortFactory, PilotFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("candidates:candidate-list")


def sorted_on_cohort(client, user, direction="") -> list[int]:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(LIST_URL, {"sort": f"{direction}cohort"})
    return [row.record.pk for row in response.context["table"].page.object_list]


def enrolled(cohort, **fields) -> Candidate:
    return EnrolmentFactory(cohort=cohort, candidate=CandidateFactory(**fields)).candidate


@pytest.fixture
def pilot(adviser):
    return PilotFactory(lead_organisation=adviser.organisation, name="Zorg")


def test_the_sort_follows_a_renamed_cohort(client, adviser, coordinator, pilot):
    first_cohort = CohortFactory(pilot=pilot, name="A-ronde")
    first, second = enrolled(first_cohort), enrolled(CohortFactory(pilot=pilot, name="B-ronde"))
    assert sorted_on_cohort(client, adviser) == [first.pk, second.pk]

    cohort_update(cohort=first_cohort, by_user=coordinator, name="C-ronde")

    assert sorted_on_cohort(client, adviser) == [second.pk, first.pk]


def test_the_sort_follows_a_renamed_pilot(client, adviser, coordinator, pilot):
    other_pilot = PilotFactory(lead_organisation=adviser.organisation, name="Bouw")
    in_zorg, in_bouw = enrolled(CohortFactory(pilot=pilot)), enrolled(CohortFactory(pilot=other_pilot))
    assert sorted_on_cohort(client, adviser) == [in_bouw.pk, in_zorg.pk]

    pilot_update(pilot=pilot, by_user=coordinator, name="Administratie")

    assert sorted_on_cohort(client, adviser) == [in_zorg.pk, in_bouw.pk]


def test_the_sort_follows_a_rename_saved_without_a_service(client, adviser, pilot):
    """The admin saves the model itself: the kept names follow that too."""
    first_cohort = CohortFactory(pilot=pilot, name="A-ronde")
    first, second = enrolled(first_cohort), enrolled(CohortFactory(pilot=pilot, name="B-ronde"))

    first_cohort.name = "C-ronde"
    first_cohort.save()

    assert sorted_on_cohort(client, adviser) == [second.pk, first.pk]
    assert Candidate.objects.get(pk=first.pk).sort_cohort_name == "C-ronde"


def test_the_sort_follows_a_new_enrolment(client, adviser, pilot):
    first_cohort, second_cohort = CohortFactory(pilot=pilot, name="A-ronde"), CohortFactory(pilot=pilot, name="B-ronde")
    moving, staying = enrolled(first_cohort, last_name="Aa"), enrolled(second_cohort, last_name="Bb")
    third_cohort = CohortFactory(pilot=pilot, name="C-ronde")

    enrolment_create(candidate=moving, cohort=third_cohort, by_user=adviser)

    assert sorted_on_cohort(client, adviser) == [staying.pk, moving.pk]


def test_within_a_cohort_by_last_name_and_the_other_way_round_descending(client, adviser, pilot):
    cohort = CohortFactory(pilot=pilot, name="A-ronde")
    bakker, aalders = enrolled(cohort, last_name="Bakker"), enrolled(cohort, last_name="Aalders")
    later = enrolled(CohortFactory(pilot=pilot, name="B-ronde"), last_name="Aa")

    assert sorted_on_cohort(client, adviser) == [aalders.pk, bakker.pk, later.pk]
    assert sorted_on_cohort(client, adviser, "-") == [later.pk, bakker.pk, aalders.pk]
