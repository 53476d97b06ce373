"""Fixtures every test may use: one logged-in-able user per role, scoped to one organisation."""

import os

import pytest
from hypothesis import settings as hypothesis_settings

from core.roles import Role
from core.tests.factories import UserFactory
from employers.tests.factories import EmployerFactory
from pilots.tests.factories import OrganisationFactory

# In CI the property-based tests draw the same examples on every run, so that CI fails for a change and never
# for an unlucky draw; on a laptop they explore new examples each time.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="WSP Testregio")


@pytest.fixture
def adviser(organisation):
    return UserFactory(username="adviseur", organisation=organisation, role=Role.ADVISER)


@pytest.fixture
def coordinator(organisation):
    return UserFactory(username="coordinator", organisation=organisation, role=Role.COORDINATOR)


@pytest.fixture
def training_partner(db):
    college = OrganisationFactory(name="Test College", kind="college")
    return UserFactory(username="opleider", organisation=college, role=Role.TRAINING_PARTNER)


@pytest.fixture
def employer(db):
    return EmployerFactory(organisation__name="Kinderopvang Test")


@pytest.fixture
def employer_contact(employer):
    return UserFactory(username="werkgever", organisation=employer.organisation, role=Role.EMPLOYER_CONTACT)


@pytest.fixture
def administrator(db):
    return UserFactory(username="beheerder", is_superuser=True, is_staff=True, role=Role.ADMINISTRATOR)


@pytest.fixture
def user_for_role(adviser, coordinator, training_partner, employer_contact, administrator):
    users = {
        Role.ADVISER: adviser,
        Role.COORDINATOR: coordinator,
        Role.TRAINING_PARTNER: training_partner,
        Role.EMPLOYER_CONTACT: employer_contact,
        Role.ADMINISTRATOR: administrator,
    }
    return users.__getitem__
