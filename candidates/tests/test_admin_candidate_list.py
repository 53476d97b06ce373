"""The administration's list of candidates: what it shows and what it asks the database for."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.admin import CandidateAdmin, referring_organisation_ids
from candidates.models import Candidate
from candidates.tests.factories import CandidateFactory
from pilots.models import Organisation
from pilots.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:candidates_candidate_changelist")


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_referring_organisation_filter_lists_only_the_organisations_that_referred_someone(admin_client):
    referring, other_referring = OrganisationFactory(name="Gemeente Utrecht"), OrganisationFactory(name="UWV Utrecht")
    OrganisationFactory(name="Bakkerij Nooit Verwezen")
    CandidateFactory(referring_organisation=referring)
    CandidateFactory(referring_organisation=referring)
    CandidateFactory(referring_organisation=other_referring)
    CandidateFactory(referring_organisation=None)

    content = admin_client.get(URL).content.decode()

    assert "Gemeente Utrecht" in content
    assert "UWV Utrecht" in content
    assert "Bakkerij Nooit Verwezen" not in content


def test_the_referring_organisation_ids_are_the_distinct_ones_of_the_candidates(db):
    first, second, _unused = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    for organisation in (first, first, second, None):
        CandidateFactory(referring_organisation=organisation)

    found = set(Organisation.objects.filter(pk__in=referring_organisation_ids()).values_list("pk", flat=True))

    assert found == set(
        Candidate.objects.exclude(referring_organisation=None).values_list("referring_organisation", flat=True)
    )
    assert found == {first.pk, second.pk}


def test_the_filter_by_referring_organisation_narrows_the_list(admin_client):
    referring = OrganisationFactory(name="Gemeente Utrecht")
    CandidateFactory(referring_organisation=referring, last_name="Verwezen")
    CandidateFactory(referring_organisation=None, last_name="Zelfgemeld")

    content = admin_client.get(URL, {"referring_organisation__id__exact": referring.pk}).content.decode()

    assert "Verwezen" in content
    assert "Zelfgemeld" not in content


def test_the_registration_date_is_a_filter_and_reads_no_dates(admin_client):
    CandidateFactory.create_batch(3)

    with CaptureQueriesContext(connection) as context:
        content = admin_client.get(URL).content.decode()

    assert 'data-filter-title="created at"' in content
    assert "Past 7 days" in content
    # A date hierarchy reads the dates of every candidate to draw its links (MIN/MAX, then DISTINCT per day).
    column = '"candidates_candidate"."created_at"'
    sqls = [query["sql"] for query in context.captured_queries]
    assert not [sql for sql in sqls if f"MIN({column})" in sql or ("DISTINCT" in sql and column in sql)]


def test_each_row_has_the_box_to_select_it_for_an_action(admin_client):
    candidate = CandidateFactory(first_name="Anna", last_name="de <Vries>")

    content = admin_client.get(URL).content.decode()

    box = re.search(r'<input type="checkbox" name="_selected_action"[^>]*>', content).group(0)
    assert f'value="{candidate.pk}"' in box
    assert 'class="action-select"' in box
    assert "&lt;Vries&gt;" in box and "<Vries>" not in box


def test_the_action_box_is_the_one_the_admin_draws(rf, administrator):
    from django.contrib import admin as django_admin

    candidate = CandidateFactory(first_name="Anna", last_name="O'Brien & <Co>")
    model_admin = CandidateAdmin(Candidate, django_admin.site)

    assert model_admin.action_checkbox(candidate) == django_admin.ModelAdmin.action_checkbox(model_admin, candidate)


def test_a_page_shows_fifty_candidates_and_links_to_the_next(admin_client):
    CandidateFactory.create_batch(51)

    content = admin_client.get(URL).content.decode()

    assert content.count('name="_selected_action"') == 50
    assert "?p=2" in content


def test_the_list_has_no_sidebar_of_every_model(admin_client):
    content = admin_client.get(URL).content.decode()

    assert 'id="nav-sidebar"' not in content
    assert reverse("admin:index") in content  # the breadcrumbs lead home


def test_the_number_of_queries_does_not_grow_with_the_candidates_or_their_organisations(admin_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert admin_client.get(URL).status_code == 200
        return len(context.captured_queries)

    CandidateFactory(referring_organisation=OrganisationFactory())
    few = queries()
    for _ in range(5):
        CandidateFactory.create_batch(4, referring_organisation=OrganisationFactory())

    assert queries() == few


def test_a_rows_link_keeps_the_lists_search_and_page(admin_client):
    candidate = CandidateFactory(first_name="Anna", last_name="de Vries")
    change = reverse("admin:candidates_candidate_change", args=[candidate.pk])

    content = admin_client.get(URL, {"q": "de Vries", "o": "-3"}).content.decode()
    plain = admin_client.get(URL).content.decode()

    assert f'<a href="{change}?_changelist_filters=q%3Dde%2BVries%26o%3D-3">Anna de Vries</a>' in content
    assert f'<a href="{change}">Anna de Vries</a>' in plain


def test_a_rows_link_in_a_popup_opens_the_row(admin_client):
    candidate = CandidateFactory(first_name="Anna", last_name="de Vries")
    change = reverse("admin:candidates_candidate_change", args=[candidate.pk])

    content = admin_client.get(URL, {"_popup": "1", "_to_field": "id"}).content.decode()

    assert (
        f'<a href="{change}?_changelist_filters=_popup%3D1%26_to_field%3Did" data-popup-opener="{candidate.pk}">'
        "Anna de Vries</a>"
    ) in content


def test_the_list_of_apps_is_read_where_it_is_shown(admin_client, administrator):
    content = admin_client.get(reverse("admin:index")).content.decode()
    listed = admin_client.get(URL).context["available_apps"]

    assert reverse("admin:candidates_candidate_changelist") in content
    assert "candidates" in [app["app_label"] for app in listed]
