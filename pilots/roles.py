"""Which kind of organisation each role belongs to: the one statement of it.

Someone is invited into an organisation in a role (core.invitations); the role must fit what the organisation is.
Advisers work at the organisations that guide people to work, coordinators there and at the branch organisations
that lead some pilots; trainers and coaches at the colleges, learn-work companies and coaching providers. A work
coach of a host (WelSlagen's at Laurens) and a job coach of a WSP (Werkfit's) coach candidates as well, so the
training partner role fits those two kinds too. An employer contact speaks for a host employer only.

core cannot know the kinds of organisations (they are pilots'), and pilots cannot know which organisations are
registered host employers (employers.Employer, a higher app): a registered host fits the HOST_ROLES whatever its
kind, and the caller that knows the hosts says whether an organisation is one.
"""

from core.roles import Role

from .models import OrganisationKind

K = OrganisationKind

_GUIDING = frozenset({K.WSP, K.MUNICIPALITY, K.UWV, K.LEARN_WORK_DESK})

# Per role, the kinds of organisation it may belong to; a role not listed (the administrator) fits any.
ROLE_ORGANISATION_KINDS: dict[str, frozenset[str]] = {
    Role.ADVISER: _GUIDING,
    Role.COORDINATOR: _GUIDING | {K.BRANCH_ORGANISATION},
    Role.TRAINING_PARTNER: frozenset({K.COLLEGE, K.LEARN_WORK_COMPANY, K.COACHING_PROVIDER, K.HOST_EMPLOYER, K.WSP}),
    Role.EMPLOYER_CONTACT: frozenset({K.HOST_EMPLOYER}),
}

# The roles a host employer's people may have: these fit every registered host employer (employers.Employer),
# also one whose kind says otherwise.
HOST_ROLES = frozenset(role for role, kinds in ROLE_ORGANISATION_KINDS.items() if K.HOST_EMPLOYER in kinds)


def role_fits_organisation(*, role: str, kind: str, is_host_employer: bool = False) -> bool:
    """Whether someone in `role` may belong to an organisation of `kind` (a registered host or not)."""
    kinds = ROLE_ORGANISATION_KINDS.get(role)
    return kinds is None or kind in kinds or (is_host_employer and role in HOST_ROLES)


def fitting_roles(*, kind: str, is_host_employer: bool = False) -> frozenset[str]:
    """The roles that fit an organisation of `kind`."""
    return frozenset(
        role for role in Role.values if role_fits_organisation(role=role, kind=kind, is_host_employer=is_host_employer)
    )
