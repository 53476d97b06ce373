"""The candidate table draws its rows itself (CandidateTable.page_cells): the same cells django-tables2 draws."""

import pytest
from django.conf import settings
from django.urls import reverse

from candidates.models import EnrolmentStatus
from candidates.tests.factories import CandidateFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def test_page_cells_are_the_cells_django_tables2_draws(client, adviser, cohort):
    EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.SCREENED, candidate=CandidateFactory(adviser=adviser))
    EnrolmentFactory(cohort=cohort, candidate=CandidateFactory(phone="", email="", postcode="", education_level=""))
    CandidateFactory(adviser=adviser, last_name_prefix="van der")  # without an enrolment
    client.force_login(adviser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    table = client.get(reverse("candidates:candidate-list"), {"per_page": 50}).context["table"]

    drawn_by_django_tables2 = [
        [str(row.get_cell(column.name)) for column in table.columns] for row in table.page.object_list
    ]
    assert len(drawn_by_django_tables2) == 3
    assert [[str(cell) for cell in cells] for cells in table.page_cells()] == drawn_by_django_tables2
