"""The candidate list writes its rows itself ({% candidate_rows %}): the same cells django-tables2 draws."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import conditional_escape

from candidates.models import EnrolmentStatus
from candidates.templatetags.candidate_rows import candidate_rows
from candidates.tests.factories import CandidateFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def test_candidate_rows_write_the_cells_django_tables2_draws(client, adviser, cohort):
    EnrolmentFactory(
        cohort=cohort,
        status=EnrolmentStatus.SCREENED,
        candidate=CandidateFactory(adviser=adviser, first_name="<b>Anna & 'Bo'</b>", email='a"b@example.org'),
    )
    EnrolmentFactory(cohort=cohort, candidate=CandidateFactory(phone="", email="", postcode="", education_level=""))
    CandidateFactory(adviser=adviser, last_name_prefix="van der", date_of_birth=None)  # without an enrolment
    client.force_login(adviser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    table = client.get(reverse("candidates:candidate-list"), {"per_page": 50}).context["table"]

    drawn_by_django_tables2 = "".join(
        f'<tr class="{"odd" if number % 2 else "even"}">'
        + "".join(f"<td>{conditional_escape(row.get_cell(column.name))}</td>" for column in table.columns)
        + "</tr>"
        for number, row in enumerate(table.page.object_list)
    )
    assert "&lt;b&gt;Anna &amp; &#x27;Bo&#x27;&lt;/b&gt;" in drawn_by_django_tables2
    assert candidate_rows(table) == drawn_by_django_tables2


def test_candidate_rows_say_when_no_candidate_matches(client, adviser):
    client.force_login(adviser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(reverse("candidates:candidate-list"), {"q": "nobody at all"})

    assert '<tr><td colspan="8">No candidates match these filters.</td></tr>' in response.content.decode()
