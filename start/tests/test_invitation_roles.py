"""The invitation form offers per role only the organisations that fit it (pilots.roles), and a posted organisation
that does not fit the role is a form error, not an account."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from core.models import User
from core.roles import Role
from employers.tests.factories import EmployerFactory
from pilots.models import OrganisationKind, PartnerRole
from pilots.tests.factories import OrganisationFactory, PilotFactory, PilotPartnerFactory

pytestmark = pytest.mark.django_db

PEOPLE_URL = reverse("people:list")


@pytest.fixture
def world(coordinator):
    """The coordinator's pilot with a college, a host employer and a branch organisation as partners."""
    pilot = PilotFactory(lead_organisation=coordinator.organisation, region=coordinator.organisation.region)
    college = OrganisationFactory(name="ROC Testregio", kind=OrganisationKind.COLLEGE, region=pilot.region)
    host = EmployerFactory(organisation__name="Kinderopvang Zon", organisation__region=pilot.region).organisation
    branch = OrganisationFactory(name="Branche Zorg", kind=OrganisationKind.BRANCH_ORGANISATION, region=pilot.region)
    for organisation, role in (
        (college, PartnerRole.TRAINING_PARTNER),
        (host, PartnerRole.HOST_EMPLOYER),
        (branch, PartnerRole.BRANCH_ORGANISATION),
    ):
        PilotPartnerFactory(pilot=pilot, organisation=organisation, role=role)
    return {"wsp": coordinator.organisation, "college": college, "host": host, "branch": branch}


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def offered_roles(page: str) -> dict[str, set[str]]:
    """Per organisation option of the invitation form, the roles it is offered for."""
    options = re.findall(r'<option value="(\d+)"[^>]*data-roles="([^"]*)"', page)
    return {pk: set(roles.split()) for pk, roles in options}


def invite(client, organisation, role):
    return client.post(
        PEOPLE_URL,
        {
            "first_name": "Dora",
            "last_name": "Docent",
            "email": "dora@example.nl",
            "role": role,
            "organisation": organisation.pk,
        },
    )


def test_each_organisation_is_offered_for_the_roles_that_fit_it(coordinator_client, world):
    page = coordinator_client.get(PEOPLE_URL).content.decode()
    roles = offered_roles(page)

    def fits(role):
        return {name for name, organisation in world.items() if role in roles[str(organisation.pk)]}

    assert fits(Role.EMPLOYER_CONTACT) == {"host"}
    assert fits(Role.ADVISER) == {"wsp"}
    assert fits(Role.TRAINING_PARTNER) == {"college", "host", "wsp"}
    assert "js/invite-roles.js" in page


def test_a_forged_post_for_an_organisation_that_does_not_fit_the_role_is_a_form_error(coordinator_client, world):
    response = invite(coordinator_client, world["college"], Role.EMPLOYER_CONTACT)

    assert response.status_code == 200
    errors = response.context["form"].errors["organisation"]
    assert errors == [
        "The role “Employer contact” does not fit ROC Testregio (College / training partner). Choose an organisation "
        "that fits the role."
    ]
    assert not User.objects.filter(email="dora@example.nl").exists()


def test_an_adviser_is_not_invited_into_a_branch_organisation(coordinator_client, world):
    response = invite(coordinator_client, world["branch"], Role.ADVISER)
    assert "organisation" in response.context["form"].errors
    assert not User.objects.filter(email="dora@example.nl").exists()


def test_an_employer_contact_is_invited_into_a_registered_host_employer(coordinator_client, world):
    response = invite(coordinator_client, world["host"], Role.EMPLOYER_CONTACT)

    assert response.status_code == 302
    person = User.objects.get(email="dora@example.nl")
    assert (person.role, person.organisation) == (Role.EMPLOYER_CONTACT, world["host"])


def test_a_registered_host_of_another_kind_takes_an_employer_contact(coordinator_client, world, coordinator):
    college_that_hosts = EmployerFactory(
        organisation=OrganisationFactory(name="ROC Stageschool", kind=OrganisationKind.COLLEGE)
    ).organisation
    PilotPartnerFactory(
        pilot=coordinator.organisation.led_pilots.get(),
        organisation=college_that_hosts,
        role=PartnerRole.HOST_EMPLOYER,
    )

    assert invite(coordinator_client, college_that_hosts, Role.EMPLOYER_CONTACT).status_code == 302
