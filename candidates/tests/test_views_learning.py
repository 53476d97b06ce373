"""The learning line pages: the pilot's modules, the cohort's own copy of them and its weekly rhythm."""

import re

import pytest
from django.urls import reverse

from pilots.models import CohortModule, Module, ModuleKind, PartnerRole, Pilot
from pilots.tests.factories import (
    CohortFactory,
    CohortModuleFactory,
    ModuleFactory,
    OrganisationFactory,
    PilotFactory,
    PilotPartnerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    """The messages are asserted on in their English source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def pilot(organisation, training_partner, employer_contact):
    pilot = PilotFactory(name="Werkfit installatietechniek", slug="werkfit", lead_organisation=organisation)
    PilotPartnerFactory(pilot=pilot, organisation=training_partner.organisation, role=PartnerRole.TRAINING_PARTNER)
    PilotPartnerFactory(pilot=pilot, organisation=employer_contact.organisation, role=PartnerRole.HOST_EMPLOYER)
    ModuleFactory(pilot=pilot, name="Nederlands en werkcultuur", position=1)
    ModuleFactory(
        pilot=pilot,
        name="VCA Basis",
        kind=ModuleKind.CERTIFICATE,
        position=2,
        start_week=8,
        end_week=9,
        certificate_name="VCA Basis",
    )
    return pilot


@pytest.fixture
def cohort(pilot):
    return CohortFactory(pilot=pilot, name="Ronde 1")


def learning_line_url(pilot) -> str:
    return reverse("pilots:learning-line", kwargs={"slug": pilot.slug})


def cohort_line_url(cohort) -> str:
    return reverse("pilots:cohort-learning-line", kwargs={"pk": cohort.pk})


MODULE_POST = {
    "name": "Vakjargon installatie",
    "kind": ModuleKind.TRADE_JARGON,
    "provider": "",
    "planned_hours": "24",
    "start_week": "3",
    "end_week": "6",
    "certificate_name": "",
    "save": "1",
}


def test_the_pilot_page_links_to_its_learning_line(client, coordinator, pilot):
    client.force_login(coordinator)
    response = client.get(pilot.get_absolute_url())
    assert learning_line_url(pilot) in response.content.decode()


def test_a_coordinator_adds_a_module_to_the_pilots_learning_line(client, coordinator, pilot):
    client.force_login(coordinator)
    response = client.post(learning_line_url(pilot), MODULE_POST, follow=True)

    module = Module.objects.get(pilot=pilot, name="Vakjargon installatie")
    assert (module.kind, module.planned_hours, module.start_week, module.end_week) == ("trade_jargon", 24, 3, 6)
    assert module.position == 3
    assert "Vakjargon installatie is saved." in response.content.decode()


def test_a_coordinator_edits_a_module(client, coordinator, pilot):
    module = pilot.modules.get(name="VCA Basis")
    client.force_login(coordinator)
    form = client.get(learning_line_url(pilot), {"edit": module.pk})
    assert 'value="VCA Basis"' in form.content.decode()

    client.post(
        learning_line_url(pilot),
        {**MODULE_POST, "module": module.pk, "name": "VCA VOL", "certificate_name": "VCA VOL", "kind": "certificate"},
    )

    module.refresh_from_db()
    assert (module.name, module.certificate_name, module.planned_hours) == ("VCA VOL", "VCA VOL", 24)
    assert pilot.modules.count() == 2


def test_a_module_with_weeks_out_of_order_is_refused_with_the_form(client, coordinator, pilot):
    client.force_login(coordinator)
    response = client.post(learning_line_url(pilot), {**MODULE_POST, "start_week": "6", "end_week": "3"})

    assert response.status_code == 200
    assert "The last week cannot be before the first week." in response.content.decode()
    assert not Module.objects.filter(name="Vakjargon installatie").exists()


def test_a_second_module_with_the_same_name_is_refused(client, coordinator, pilot):
    client.force_login(coordinator)
    response = client.post(learning_line_url(pilot), {**MODULE_POST, "name": "VCA Basis"})

    assert response.status_code == 200
    assert "already has a module with this name" in response.content.decode()
    assert pilot.modules.filter(name="VCA Basis").count() == 1


def test_a_coordinator_removes_a_module(client, coordinator, pilot):
    module = pilot.modules.get(name="VCA Basis")
    client.force_login(coordinator)
    client.post(learning_line_url(pilot), {"delete": module.pk})
    assert not Module.objects.filter(pk=module.pk).exists()


def test_a_training_partner_reads_the_learning_line_without_forms(client, training_partner, pilot):
    client.force_login(training_partner)
    response = client.get(learning_line_url(pilot))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Nederlands en werkcultuur" in body
    assert 'name="delete"' not in body
    assert 'name="save"' not in body


@pytest.mark.parametrize("role_user", ["training_partner", "adviser"])
def test_readers_cannot_change_the_learning_line(client, request, pilot, role_user):
    client.force_login(request.getfixturevalue(role_user))
    response = client.post(learning_line_url(pilot), MODULE_POST)

    assert response.status_code == 403
    assert not Module.objects.filter(name="Vakjargon installatie").exists()


def test_a_host_employer_may_not_open_the_learning_line(client, employer_contact, pilot, cohort):
    client.force_login(employer_contact)
    assert client.get(learning_line_url(pilot)).status_code == 403
    assert client.get(cohort_line_url(cohort)).status_code == 403


def test_the_learning_line_of_another_regions_pilot_is_not_found(client, coordinator):
    elsewhere = PilotFactory(lead_organisation=OrganisationFactory(name="WSP Elders"))
    other_cohort = CohortFactory(pilot=elsewhere)
    client.force_login(coordinator)
    assert client.get(learning_line_url(elsewhere)).status_code == 404
    assert client.get(cohort_line_url(other_cohort)).status_code == 404


@pytest.mark.parametrize("role_user", ["coordinator", "adviser", "training_partner", "administrator"])
def test_opening_the_cohorts_line_shows_the_pilots_without_copying_it(client, request, cohort, role_user):
    client.force_login(request.getfixturevalue(role_user))

    response = client.get(cohort_line_url(cohort))

    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Nederlands en werkcultuur") < body.index("VCA Basis")
    assert not CohortModule.objects.exists()


def test_the_edit_form_of_an_inherited_module_copies_nothing(client, coordinator, cohort):
    vca = Module.objects.get(pilot=cohort.pilot, name="VCA Basis")
    client.force_login(coordinator)

    body = client.get(cohort_line_url(cohort), {"edit": f"pilot-{vca.pk}"}).content.decode()

    assert f'<input type="hidden" name="module" value="pilot-{vca.pk}">' in body
    assert 'value="VCA Basis"' in body
    assert not CohortModule.objects.exists()


def test_the_first_change_copies_the_pilots_line_and_then_adds_to_it(client, coordinator, cohort):
    client.force_login(coordinator)

    client.post(cohort_line_url(cohort), MODULE_POST)

    names = list(cohort.learning_line.order_by("position").values_list("name", flat=True))
    assert names == ["Nederlands en werkcultuur", "VCA Basis", "Vakjargon installatie"]
    assert cohort.learning_line.filter(module__isnull=False).count() == 2
    # From then on the page reads the cohort's own modules, and opening it copies nothing again.
    body = client.get(cohort_line_url(cohort)).content.decode()
    own = cohort.learning_line.get(name="VCA Basis")
    assert f'data-module="{own.pk}"' in body
    assert cohort.learning_line.count() == 3


def test_editing_an_inherited_module_changes_the_cohorts_copy_only(client, coordinator, cohort):
    vca = Module.objects.get(pilot=cohort.pilot, name="VCA Basis")
    client.force_login(coordinator)

    client.post(
        cohort_line_url(cohort), {**MODULE_POST, "module": f"pilot-{vca.pk}", "name": "VCA Basis", "start_week": "5"}
    )

    copy = cohort.learning_line.get(module=vca)
    assert (copy.name, copy.start_week) == ("VCA Basis", 5)
    assert cohort.learning_line.count() == 2
    vca.refresh_from_db()
    assert vca.start_week == 8


def test_removing_an_inherited_module_keeps_the_rest_of_the_pilots_line(client, coordinator, cohort):
    vca = Module.objects.get(pilot=cohort.pilot, name="VCA Basis")
    client.force_login(coordinator)

    client.post(cohort_line_url(cohort), {"delete": f"pilot-{vca.pk}"})

    assert list(cohort.learning_line.values_list("name", flat=True)) == ["Nederlands en werkcultuur"]
    assert Module.objects.filter(pk=vca.pk).exists()


def test_a_module_taken_off_the_pilots_line_meanwhile_is_not_edited(client, coordinator, cohort):
    vca = Module.objects.get(pilot=cohort.pilot, name="VCA Basis")
    stale = f"pilot-{vca.pk}"
    vca.delete()
    client.force_login(coordinator)

    client.post(cohort_line_url(cohort), {"delete": stale})

    assert list(cohort.learning_line.values_list("name", flat=True)) == ["Nederlands en werkcultuur"]


@pytest.mark.parametrize("role_user", ["training_partner", "adviser"])
def test_readers_cannot_change_the_cohorts_line_nor_cause_its_copy(client, request, cohort, role_user):
    client.force_login(request.getfixturevalue(role_user))
    response = client.post(cohort_line_url(cohort), MODULE_POST)

    assert response.status_code == 403
    assert not CohortModule.objects.exists()


def test_saving_the_weekly_rhythm_does_not_copy_the_learning_line(client, coordinator, cohort):
    client.force_login(coordinator)
    client.post(cohort_line_url(cohort), {"internship_weekdays": ["tue"], "school_weekdays": [], "save_rhythm": "1"})

    cohort.refresh_from_db()
    assert cohort.internship_weekdays == ["tue"]
    assert not CohortModule.objects.exists()


def test_the_cohorts_line_takes_as_many_queries_however_long_the_pilots_line(
    client, coordinator, cohort, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(30) as short:
        client.get(cohort_line_url(cohort))
    for week in range(10, 16):
        ModuleFactory(pilot=cohort.pilot, name=f"Module {week}", start_week=week, end_week=week)

    with django_assert_max_num_queries(len(short.captured_queries)):
        client.get(cohort_line_url(cohort))


def test_a_cohort_with_its_own_modules_is_not_given_the_pilots(client, coordinator, cohort):
    CohortModuleFactory(cohort=cohort, name="Eigen module")
    client.force_login(coordinator)
    client.get(cohort_line_url(cohort))
    assert list(cohort.learning_line.values_list("name", flat=True)) == ["Eigen module"]


def test_a_coordinator_adds_edits_and_removes_a_cohort_module(client, coordinator, cohort):
    client.force_login(coordinator)
    client.get(cohort_line_url(cohort))

    client.post(
        cohort_line_url(cohort),
        {**MODULE_POST, "name": "Eenheid hygiëne", "certificate_name": "Hygiëne", "is_unit_certificate": "on"},
    )
    added = CohortModule.objects.get(cohort=cohort, name="Eenheid hygiëne")
    assert added.is_unit_certificate and added.module is None

    vca = cohort.learning_line.get(name="VCA Basis")
    client.post(cohort_line_url(cohort), {**MODULE_POST, "module": vca.pk, "name": "VCA Basis", "start_week": "5"})
    vca.refresh_from_db()
    assert vca.start_week == 5
    assert Module.objects.get(pilot=cohort.pilot, name="VCA Basis").start_week == 8

    client.post(cohort_line_url(cohort), {"delete": added.pk})
    assert not CohortModule.objects.filter(pk=added.pk).exists()


def test_a_unit_certificate_without_a_name_is_refused(client, coordinator, cohort):
    client.force_login(coordinator)
    response = client.post(cohort_line_url(cohort), {**MODULE_POST, "is_unit_certificate": "on"})
    assert response.status_code == 200
    assert "Name the certificate that is issued per unit." in response.content.decode()
    assert not cohort.learning_line.filter(name="Vakjargon installatie").exists()


def test_a_coordinator_sets_the_weekly_rhythm(client, coordinator, cohort):
    client.force_login(coordinator)
    page = client.get(cohort_line_url(cohort)).content.decode()
    # The pilot's two internship days and one school day, until the cohort has its own.
    assert "Follows the pilot" in page

    client.post(
        cohort_line_url(cohort),
        {"internship_weekdays": ["tue", "thu"], "school_weekdays": ["mon"], "save_rhythm": "1"},
    )

    cohort.refresh_from_db()
    assert (cohort.internship_weekdays, cohort.school_weekdays) == (["tue", "thu"], ["mon"])
    assert "Follows the pilot" not in client.get(cohort_line_url(cohort)).content.decode()


def test_a_day_both_internship_and_school_is_refused(client, coordinator, cohort):
    client.force_login(coordinator)
    response = client.post(
        cohort_line_url(cohort),
        {"internship_weekdays": ["mon", "tue"], "school_weekdays": ["tue"], "save_rhythm": "1"},
    )
    assert "A day cannot be both an internship day and a school day." in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.internship_weekdays == []


def test_a_training_partner_cannot_change_the_rhythm(client, training_partner, cohort):
    client.force_login(training_partner)
    response = client.post(cohort_line_url(cohort), {"internship_weekdays": ["mon"], "save_rhythm": "1"})
    assert response.status_code == 403
    cohort.refresh_from_db()
    assert cohort.internship_weekdays == []


def test_the_cohort_page_links_to_the_track_pages(client, training_partner, cohort):
    client.force_login(training_partner)
    body = client.get(cohort.get_absolute_url()).content.decode()
    for name in ("pilots:cohort-learning-line", "pilots:attendance", "pilots:results"):
        assert reverse(name, kwargs={"pk": cohort.pk}) in body


def test_the_pilot_page_states_its_design_and_each_target_it_has(client, coordinator, pilot):
    Pilot.objects.filter(pk=pilot.pk).update(
        target_group="Statushouders", planned_places=18, target_outflow_percentage=80, target_work_percentage=65
    )
    client.force_login(coordinator)

    text = " ".join(re.sub(r"<[^>]+>", " ", client.get(pilot.get_absolute_url()).content.decode()).split())

    assert "Target group Statushouders" in text
    assert "Places planned 18" in text
    assert "Positive outflow target 80%" in text
    assert "Outflow to work target 65%" in text
    # No BBL target: no line for it.
    assert "Outflow to BBL" not in text
