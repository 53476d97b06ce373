"""Reads of the people page: whose accounts a coordinator sees and which organisations they may invite into.

Both follow the pilots the user works on (pilots.selectors.pilot_list): the organisation that leads each and every
partner of it, and the user's own organisation. An administrator sees every organisation and every person.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from core.invitations import with_status
from core.models import User
from core.roles import Role
from employers.models import Employer
from pilots.models import Organisation
from pilots.selectors import pilot_organisations


def invitable_organisations(*, user) -> QuerySet[Organisation]:
    """The organisations of the user's pilots, with their region and whether each is a registered host employer
    (`is_host_employer`: which roles fit it, pilots.roles)."""
    organisations = (
        Organisation.objects.select_related("region")
        .annotate(is_host_employer=Exists(Employer.objects.filter(organisation_id=OuterRef("pk"))))
        .order_by("name")
    )
    if user.role == Role.ADMINISTRATOR:
        return organisations
    return organisations.filter(Q(pk=user.organisation_id) | Q(pk__in=pilot_organisations(user=user).values("pk")))


def person_list(*, user, search: str = "") -> QuerySet[User]:
    """The people of those organisations with their status (core.invitations.with_status), by name."""
    people = User.objects.select_related("organisation", "organisation__region").prefetch_related("groups")
    if user.role != Role.ADMINISTRATOR:
        people = people.filter(organisation__in=invitable_organisations(user=user).values("pk"))
    for word in search.split()[:5]:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    return with_status(people).order_by("last_name", "first_name", "username")
