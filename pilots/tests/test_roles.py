"""Which role fits which kind of organisation (pilots.roles), and that every demo login fits its organisation."""

import pytest

from core.roles import Role
from pilots.demo import data
from pilots.models import OrganisationKind as K
from pilots.roles import fitting_roles, role_fits_organisation


@pytest.mark.parametrize(
    ("role", "fits", "does_not_fit"),
    [
        (Role.EMPLOYER_CONTACT, {K.HOST_EMPLOYER}, {K.WSP, K.COLLEGE, K.MUNICIPALITY, K.BRANCH_ORGANISATION}),
        (Role.TRAINING_PARTNER, {K.COLLEGE, K.LEARN_WORK_COMPANY, K.COACHING_PROVIDER}, {K.MUNICIPALITY, K.UWV}),
        (Role.ADVISER, {K.WSP, K.MUNICIPALITY, K.UWV, K.LEARN_WORK_DESK}, {K.COLLEGE, K.HOST_EMPLOYER}),
        (
            Role.COORDINATOR,
            {K.WSP, K.MUNICIPALITY, K.UWV, K.LEARN_WORK_DESK, K.BRANCH_ORGANISATION},
            {K.COLLEGE, K.HOST_EMPLOYER, K.COACHING_PROVIDER},
        ),
    ],
)
def test_a_role_fits_only_its_kinds_of_organisation(role, fits, does_not_fit):
    assert all(role_fits_organisation(role=role, kind=kind) for kind in fits)
    assert not any(role_fits_organisation(role=role, kind=kind) for kind in does_not_fit)


def test_a_registered_host_employer_takes_an_employer_contact_whatever_its_kind():
    assert not role_fits_organisation(role=Role.EMPLOYER_CONTACT, kind=K.COLLEGE)
    assert role_fits_organisation(role=Role.EMPLOYER_CONTACT, kind=K.COLLEGE, is_host_employer=True)
    assert not role_fits_organisation(role=Role.ADVISER, kind=K.COLLEGE, is_host_employer=True)


def test_an_administrator_fits_any_organisation():
    assert all(Role.ADMINISTRATOR in fitting_roles(kind=kind) for kind in K.values)


def test_every_demo_login_fits_the_kind_of_its_organisation():
    kinds = {spec.name: spec.kind for spec in data.ORGANISATIONS}
    hosts = {spec.name for spec in data.EMPLOYERS}
    # The demo loader makes every employer's organisation a host employer (pilots/demo/loader.py).
    kinds.update(dict.fromkeys(hosts, K.HOST_EMPLOYER))
    misfits = [
        (user.username, user.role, kinds[user.organisation])
        for user in data.USERS
        if not role_fits_organisation(
            role=user.role, kind=kinds[user.organisation], is_host_employer=user.organisation in hosts
        )
    ]
    assert misfits == []
