import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission

from core.roles import ROLE_PERMISSIONS, Role, assign_role, role_of, sync_role_groups
from core.tests.factories import UserFactory


def permission_keys(permissions) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions.select_related("content_type")}


def test_migrations_create_exactly_the_five_role_groups(db):
    assert set(Group.objects.values_list("name", flat=True)) == set(Role.values)
    assert len(Role.values) == 5


@pytest.mark.parametrize("role", [role for role in Role if role != Role.ADMINISTRATOR])
def test_each_role_group_holds_exactly_the_listed_permissions(db, role):
    group = Group.objects.get(name=role)

    assert permission_keys(group.permissions.all()) == set(ROLE_PERMISSIONS[role])


def test_the_administrator_group_holds_every_permission(db):
    group = Group.objects.get(name=Role.ADMINISTRATOR)

    assert permission_keys(group.permissions.all()) == permission_keys(Permission.objects.all())


def test_employer_contacts_cannot_see_candidates_or_pilots(db):
    keys = permission_keys(Group.objects.get(name=Role.EMPLOYER_CONTACT).permissions.all())

    assert not any(key.startswith(("candidates.", "pilots.", "reports.")) for key in keys)


def test_syncing_the_role_groups_takes_away_a_permission_given_by_hand(db):
    group = Group.objects.get(name=Role.TRAINING_PARTNER)
    group.permissions.add(Permission.objects.get(codename="delete_candidate"))

    sync_role_groups()

    assert "candidates.delete_candidate" not in permission_keys(group.permissions.all())
    assert permission_keys(group.permissions.all()) == set(ROLE_PERMISSIONS[Role.TRAINING_PARTNER])


def test_syncing_the_role_groups_refuses_an_unknown_permission(db, monkeypatch):
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.ADVISER, ["candidates.fly_candidate"])

    with pytest.raises(LookupError, match=r"candidates\.fly_candidate"):
        sync_role_groups()


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([Role.ADVISER, Role.ADMINISTRATOR], Role.ADMINISTRATOR),
        ([Role.ADVISER, Role.COORDINATOR], Role.COORDINATOR),
        ([Role.TRAINING_PARTNER, Role.ADVISER], Role.ADVISER),
        ([Role.EMPLOYER_CONTACT, Role.TRAINING_PARTNER], Role.TRAINING_PARTNER),
        ([Role.EMPLOYER_CONTACT], Role.EMPLOYER_CONTACT),
    ],
)
def test_role_of_picks_the_role_with_the_highest_precedence(db, roles, expected):
    user = UserFactory()
    user.groups.set(Group.objects.filter(name__in=roles))

    assert role_of(user) == expected


def test_role_of_is_none_for_a_user_without_a_role_group(db):
    user = UserFactory()
    user.groups.add(Group.objects.create(name="newsletter"))

    assert role_of(user) is None


def test_role_of_is_none_for_an_anonymous_visitor():
    assert role_of(AnonymousUser()) is None


def test_a_superuser_is_an_administrator_without_any_group(db):
    user = UserFactory(is_superuser=True)

    assert role_of(user) == Role.ADMINISTRATOR


def test_assign_role_replaces_the_previous_role(db):
    user = UserFactory(role=Role.ADVISER)

    assign_role(user, Role.COORDINATOR)

    assert list(user.groups.values_list("name", flat=True)) == [Role.COORDINATOR]
    assert role_of(user) == Role.COORDINATOR


def test_assign_role_makes_an_administrator_staff(db):
    user = UserFactory()

    assign_role(user, Role.ADMINISTRATOR)

    user.refresh_from_db()
    assert user.is_staff


@pytest.mark.parametrize("role", [role for role in Role if role != Role.ADMINISTRATOR])
def test_assign_role_takes_staff_away_from_every_other_role(db, role):
    user = UserFactory(is_staff=True)

    assign_role(user, role)

    user.refresh_from_db()
    assert not user.is_staff
