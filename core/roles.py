"""The five roles of the portal, as groups with permissions, and where each one starts.

The group names are stable codes; people see the translated labels.
"""

from django.apps import apps as global_apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADVISER = "adviser", _("WSP adviser")
    EMPLOYER_CONTACT = "employer_contact", _("Employer contact")
    COORDINATOR = "coordinator", _("Coordinator")
    TRAINING_PARTNER = "training_partner", _("Training partner")
    ADMINISTRATOR = "administrator", _("Administrator")


def _crud(model: str, *actions: str) -> list[str]:
    app_label, model_name = model.split(".")
    return [f"{app_label}.{action}_{model_name}" for action in actions]


_READ_PILOTS = [
    *_crud("pilots.region", "view"),
    *_crud("pilots.organisation", "view"),
    *_crud("pilots.pilot", "view"),
    *_crud("pilots.pilotpartner", "view"),
    *_crud("pilots.cohort", "view"),
    *_crud("pilots.cohortclass", "view"),
    *_crud("pilots.module", "view"),
    *_crud("pilots.cohortmodule", "view"),
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ADVISER: [
        *_READ_PILOTS,
        *_crud("candidates.candidate", "view", "add", "change"),
        *_crud("candidates.candidatebarrier", "view", "add", "change", "delete"),
        *_crud("candidates.enrolment", "view", "add", "change"),
        *_crud("candidates.enrolmenttransition", "view"),
        *_crud("candidates.outcome", "view", "add", "change"),
        *_crud("candidates.attendancesession", "view", "add", "change"),
        *_crud("candidates.attendance", "view", "add", "change"),
        *_crud("candidates.moduleresult", "view"),
        *_crud("candidates.certificate", "view"),
        *_crud("candidates.coachingnote", "view", "add"),
        *_crud("candidates.evaluation", "view", "add", "change"),
        *_crud("candidates.evaluationgoal", "view", "add", "change", "delete"),
        *_crud("candidates.followup", "view", "add", "change"),
        *_crud("employers.employer", "view"),
        *_crud("employers.employerlocation", "view"),
        *_crud("employers.seatoffer", "view", "add", "change"),
        *_crud("employers.placement", "view", "add", "change"),
        *_crud("employers.placementtransition", "view"),
        *_crud("employers.seatofferchange", "view"),
        *_crud("employers.jointvacancy", "view", "add", "change"),
        *_crud("employers.vacancyapplication", "view", "add", "change"),
        *_crud("employers.contractoffer", "view"),
    ],
    Role.EMPLOYER_CONTACT: [
        *_crud("employers.employer", "view"),
        *_crud("employers.employerlocation", "view", "add", "change"),
        *_crud("employers.seatoffer", "view", "add", "change"),
        *_crud("employers.seatofferchange", "view"),
        *_crud("employers.placement", "view", "change"),
        *_crud("employers.jointvacancy", "view"),
        *_crud("employers.contractoffer", "view", "add", "change"),
    ],
    Role.COORDINATOR: [
        *_crud("pilots.region", "view", "add", "change"),
        *_crud("pilots.organisation", "view", "add", "change"),
        *_crud("pilots.pilot", "view", "add", "change"),
        *_crud("pilots.pilotpartner", "view", "add", "change", "delete"),
        *_crud("pilots.cohort", "view", "add", "change"),
        *_crud("pilots.cohortclass", "view", "add", "change", "delete"),
        *_crud("pilots.module", "view", "add", "change", "delete"),
        *_crud("pilots.cohortmodule", "view", "add", "change", "delete"),
        *_crud("candidates.candidate", "view"),
        *_crud("candidates.enrolment", "view", "change"),
        *_crud("candidates.enrolmenttransition", "view"),
        *_crud("candidates.outcome", "view"),
        *_crud("candidates.attendancesession", "view", "add", "change"),
        *_crud("candidates.attendance", "view", "add", "change"),
        *_crud("candidates.moduleresult", "view"),
        *_crud("candidates.certificate", "view"),
        *_crud("candidates.coachingnote", "view"),
        *_crud("candidates.evaluation", "view"),
        *_crud("candidates.evaluationgoal", "view"),
        *_crud("candidates.followup", "view"),
        *_crud("employers.employer", "view", "add", "change"),
        *_crud("employers.employerlocation", "view", "add", "change"),
        *_crud("employers.seatoffer", "view", "add", "change"),
        *_crud("employers.seatofferchange", "view"),
        *_crud("employers.placement", "view", "add", "change"),
        *_crud("employers.placementtransition", "view"),
        *_crud("employers.jointvacancy", "view", "add", "change"),
        *_crud("employers.vacancyapplication", "view", "add", "change"),
        *_crud("employers.contractoffer", "view"),
        *_crud("reports.reportjob", "view", "add"),
    ],
    Role.TRAINING_PARTNER: [
        *_READ_PILOTS,
        *_crud("candidates.candidate", "view"),
        *_crud("candidates.enrolment", "view"),
        *_crud("candidates.attendancesession", "view", "add", "change"),
        *_crud("candidates.attendance", "view", "add", "change"),
        *_crud("candidates.moduleresult", "view", "add", "change"),
        *_crud("candidates.certificate", "view", "add", "change"),
        *_crud("candidates.coachingnote", "view", "add", "change"),
        *_crud("candidates.evaluation", "view", "add", "change"),
        *_crud("candidates.evaluationgoal", "view", "add", "change", "delete"),
    ],
    # Administrators are staff and get every permission; see sync_role_groups.
    Role.ADMINISTRATOR: [],
}

START_PAGES: dict[str, str] = {
    Role.ADVISER: "candidates:adviser-start",
    Role.EMPLOYER_CONTACT: "employers:start",
    Role.COORDINATOR: "pilots:coordinator-start",
    Role.TRAINING_PARTNER: "pilots:training-start",
    Role.ADMINISTRATOR: "admin-home",
}

# When a person holds several roles, the first one here decides the start page.
_ROLE_PRECEDENCE = [
    Role.ADMINISTRATOR,
    Role.COORDINATOR,
    Role.ADVISER,
    Role.TRAINING_PARTNER,
    Role.EMPLOYER_CONTACT,
]


def role_of(user) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    names = {group.name for group in user.groups.all()}
    for role in _ROLE_PRECEDENCE:
        if role.value in names:
            return role.value
    return None


def sync_role_groups(*, using: str = "default", apps=global_apps, verbosity: int = 1, **kwargs) -> None:
    """Create the role groups and give each exactly the permissions the code lists."""
    from django.contrib.auth.management import create_permissions

    # Permissions of apps migrated after this one do not exist yet: create them first.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)

    group_model = global_apps.get_model("auth", "Group")
    permission_model = global_apps.get_model("auth", "Permission")
    all_permissions = permission_model.objects.using(using).select_related("content_type")
    by_key = {f"{p.content_type.app_label}.{p.codename}": p for p in all_permissions}
    for role in Role:
        group, _created = group_model.objects.using(using).get_or_create(name=role.value)
        if role == Role.ADMINISTRATOR:
            wanted = list(by_key.values())
        else:
            missing = [key for key in ROLE_PERMISSIONS[role] if key not in by_key]
            if missing:
                raise LookupError(f"Role {role.value} names unknown permissions: {missing}")
            wanted = [by_key[key] for key in ROLE_PERMISSIONS[role]]
        group.permissions.set(wanted)


def assign_role(user, role: str) -> None:
    """Put the user in the role's group (and nothing else); administrators become staff."""
    group_model = global_apps.get_model("auth", "Group")
    group = group_model.objects.get(name=role)
    user.groups.set([group])
    is_staff = role == Role.ADMINISTRATOR
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
