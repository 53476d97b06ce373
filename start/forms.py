"""The invitation form of the people page, with the rule that a role fits the kind of its organisation.

core.forms.InvitationForm knows the roles and the organisations offered; which role fits which organisation is
pilots' (pilots.roles), and which organisations are registered host employers is employers', so the check stands
here, above both.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.apps import EMPTY_CHOICE_LABEL
from core.forms import InvitationForm, OrganisationChoiceField
from core.roles import Role
from pilots.roles import fitting_roles


def organisation_roles(organisation) -> frozenset[str]:
    """The roles that fit the organisation; `is_host_employer` comes with start.selectors.invitable_organisations."""
    return fitting_roles(kind=organisation.kind, is_host_employer=getattr(organisation, "is_host_employer", False))


class RoleFitSelect(forms.Select):
    """Each organisation's option names the roles that fit it (data-roles), so that the page offers, once a role is
    chosen, only the organisations that fit it (static/js/invite-roles.js). The form checks it again."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-roles"] = " ".join(sorted(organisation_roles(instance)))
        return option


class PersonInvitationForm(InvitationForm):
    """Invite someone in a role that fits the organisation: an employer contact only into a host employer, a
    trainer into a college, learn-work company or coaching provider, and so on (pilots.roles).

    `organisations` carry `is_host_employer` (start.selectors.invitable_organisations). Each option names the
    roles that fit it, so that the page offers per role only the organisations that fit (a role chosen beforehand
    with the page's ?rol= as well); a posted organisation that does not fit the posted role is a form error that
    says why.
    """

    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        queryset=None,
        empty_label=EMPTY_CHOICE_LABEL,
        widget=RoleFitSelect,
        help_text=_("Only organisations of a kind that fits the role can be chosen."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        role, organisation = cleaned.get("role"), cleaned.get("organisation")
        if role and organisation is not None and role not in organisation_roles(organisation):
            self.add_error(
                "organisation",
                _(
                    "The role “%(role)s” does not fit %(organisation)s (%(kind)s). Choose an organisation that fits "
                    "the role."
                )
                % {
                    "role": Role(role).label,
                    "organisation": organisation.name,
                    "kind": organisation.get_kind_display(),
                },
            )
        return cleaned
