"""Labour-market regions are data a coordinator extends on the lists page: added, renamed, their slug fixed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.roles import Role
from pilots.models import Region
from pilots.services import region_create, region_update
from pilots.tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    """The pages are asserted on in their English source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_a_coordinator_adds_a_region_and_it_appears_on_the_lists_page(client, coordinator):
    client.force_login(coordinator)

    added = client.post(reverse("pilots:region-create"), {"name": " Twente "})

    assert added.status_code == 302
    assert added.url == reverse("pilots:reference-list")
    twente = Region.objects.get(name="Twente")
    assert twente.slug == "twente"
    page = client.get(reverse("pilots:reference-list")).content.decode()
    assert "Twente" in page
    assert reverse("pilots:region-edit", kwargs={"slug": "twente"}) in page


def test_an_administrator_adds_a_region_too(client, administrator):
    client.force_login(administrator)

    client.post(reverse("pilots:region-create"), {"name": "Noord-Holland Noord"})

    assert Region.objects.get(name="Noord-Holland Noord").slug == "noord-holland-noord"


def test_a_region_name_that_is_taken_gets_a_form_error(client, coordinator):
    RegionFactory(name="Twente", slug="twente")
    client.force_login(coordinator)

    response = client.post(reverse("pilots:region-create"), {"name": "twente"})

    assert response.status_code == 200
    assert "There is already a region with this name." in response.content.decode()
    assert Region.objects.filter(slug="twente").count() == 1


def test_a_name_whose_slug_is_taken_gets_a_form_error(client, coordinator):
    RegionFactory(name="Midden-Utrecht", slug="midden-utrecht")
    client.force_login(coordinator)

    response = client.post(reverse("pilots:region-create"), {"name": "Midden Utrecht"})

    assert response.status_code == 200
    assert "There is already a region with this name." in response.content.decode()
    assert not Region.objects.filter(name="Midden Utrecht").exists()


@pytest.mark.parametrize("name", ["", "   ", "&&&"])
def test_a_name_without_letters_gets_a_form_error(client, coordinator, name):
    client.force_login(coordinator)
    before = Region.objects.count()

    response = client.post(reverse("pilots:region-create"), {"name": name})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert Region.objects.count() == before


def test_renaming_a_region_keeps_its_slug(client, coordinator):
    region = region_create(name="Twente", by_user=coordinator)
    client.force_login(coordinator)

    renamed = client.post(reverse("pilots:region-edit", kwargs={"slug": "twente"}), {"name": "Regio Twente"})

    assert renamed.url == reverse("pilots:reference-list")
    region.refresh_from_db()
    assert (region.name, region.slug) == ("Regio Twente", "twente")
    assert "Regio Twente" in client.get(reverse("pilots:reference-list")).content.decode()


def test_a_regions_history_keeps_each_name_and_who_gave_it(coordinator, administrator, admin_client):
    region = region_create(name="Twente", by_user=coordinator)
    region_update(region=region, name="Regio Twente", by_user=administrator)

    versions = list(region.history.order_by("history_date").values_list("name", "history_user", "history_type"))
    assert versions == [("Twente", coordinator.pk, "+"), ("Regio Twente", administrator.pk, "~")]
    page = admin_client.get(reverse("admin:pilots_region_history", args=[region.pk]))
    assert page.status_code == 200
    assert "Regio Twente" in page.content.decode()


def test_renaming_to_another_regions_name_gets_a_form_error(client, coordinator):
    RegionFactory(name="Rijnmond", slug="rijnmond")
    region = RegionFactory(name="Twente", slug="twente")
    client.force_login(coordinator)

    response = client.post(reverse("pilots:region-edit", kwargs={"slug": "twente"}), {"name": "Rijnmond"})

    assert response.status_code == 200
    assert "There is already a region with this name." in response.content.decode()
    region.refresh_from_db()
    assert region.name == "Twente"


def test_a_region_may_keep_its_own_name_in_other_letters(coordinator):
    region = RegionFactory(name="Twente", slug="twente")

    region_update(region=region, name="TWENTE", by_user=coordinator)

    assert (region.name, region.slug) == ("TWENTE", "twente")


def test_the_service_refuses_a_duplicate_name(coordinator):
    region_create(name="Twente", by_user=coordinator)

    with pytest.raises(ValidationError) as refused:
        region_create(name="Twente", by_user=coordinator)

    assert "name" in refused.value.message_dict


def test_a_name_that_would_take_the_address_of_the_form_is_refused(coordinator):
    with pytest.raises(ValidationError):
        region_create(name="Nieuw", by_user=coordinator)


@pytest.mark.parametrize("role", [Role.ADVISER, Role.TRAINING_PARTNER, Role.EMPLOYER_CONTACT])
def test_only_coordinators_and_administrators_keep_the_regions(client, user_for_role, role):
    region = RegionFactory(name="Twente", slug="twente")
    client.force_login(user_for_role(role))
    create = reverse("pilots:region-create")
    edit = reverse("pilots:region-edit", kwargs={"slug": region.slug})

    assert client.get(create).status_code == 403
    assert client.post(create, {"name": "Rijnmond"}).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"name": "Regio Twente"}).status_code == 403
    assert not Region.objects.filter(name="Rijnmond").exists()
    region.refresh_from_db()
    assert region.name == "Twente"


def test_an_unknown_region_is_not_found(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("pilots:region-edit", kwargs={"slug": "nergens"})).status_code == 404
