"""What the API tests share: a client issued through the service, and the header that carries its token."""

from dataclasses import dataclass

from core.api import api_client_issue
from core.models import ApiClient, ApiScope
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.models import OrganisationKind, PartnerRole
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory

ALL_SCOPES = tuple(ApiScope.values)


def issue(organisation, scopes=ALL_SCOPES, *, webhook_url: str = "", by_user=None) -> tuple[ApiClient, str]:
    """A client of the organisation, issued as an administrator does; its token."""
    by_user = by_user or UserFactory(is_superuser=True, is_staff=True, role=Role.ADMINISTRATOR)
    issued = api_client_issue(
        organisation=organisation, name="Zaaksysteem", scopes=scopes, webhook_url=webhook_url, by_user=by_user
    )
    return issued.client, issued.token


def bearer(token: str, **headers) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", **headers}


@dataclass
class Partners:
    """Two municipalities, each a partner in a pilot of its own with one cohort."""

    municipality: object
    pilot: object
    cohort: object
    other_municipality: object
    other_pilot: object
    other_cohort: object


def two_partners() -> Partners:
    municipality = OrganisationFactory(name="Gemeente Utrecht", kind=OrganisationKind.MUNICIPALITY)
    other = OrganisationFactory(name="Gemeente Zwolle", kind=OrganisationKind.MUNICIPALITY)
    pilot = PilotFactory(name="Groepshulp Utrecht", slug="groepshulp-utrecht")
    other_pilot = PilotFactory(name="Werkfit Zwolle", slug="werkfit-zwolle")
    PilotPartnerFactory(pilot=pilot, organisation=municipality, role=PartnerRole.MUNICIPALITY)
    PilotPartnerFactory(pilot=other_pilot, organisation=other, role=PartnerRole.MUNICIPALITY)
    return Partners(
        municipality=municipality,
        pilot=pilot,
        cohort=CohortFactory(pilot=pilot, name="Najaar", seats=3),
        other_municipality=other,
        other_pilot=other_pilot,
        other_cohort=CohortFactory(pilot=other_pilot, name="Voorjaar"),
    )
