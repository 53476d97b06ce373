"""Reads of pilots and cohorts, scoped to what the user may see, and a cohort's learning line."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from core.roles import Role

from .models import Cohort, CohortModule, Module, Pilot

# What a pilot's module and a cohort's module share; a copy takes exactly these.
LEARNING_LINE_FIELDS = (
    "name",
    "kind",
    "provider",
    "planned_hours",
    "start_week",
    "end_week",
    "position",
    "certificate_name",
)
# What a form posts for a module of the pilot's line that the cohort has not copied yet, before its id.
PILOT_MODULE_PREFIX = "pilot-"


def pilot_list(*, user) -> QuerySet[Pilot]:
    """Pilots the user works on: led by their organisation or with it as a partner.

    Administrators see all; employer contacts see the pilots their organisation takes part in.
    """
    pilots = Pilot.objects.select_related("region", "lead_organisation")
    if user.role == Role.ADMINISTRATOR:
        return pilots
    if user.organisation_id is None:
        return pilots.none()
    return pilots.filter(
        Q(lead_organisation_id=user.organisation_id) | Q(partnerships__organisation_id=user.organisation_id)
    ).distinct()


def cohort_list(*, user) -> QuerySet[Cohort]:
    """Cohorts of the pilots the user works on; candidates.selectors.with_seat_counts adds the seats taken."""
    return (
        Cohort.objects.filter(pilot__in=pilot_list(user=user))
        .select_related("pilot", "pilot__region")
        .order_by("start_date", "pilot__name", "name")
    )


@dataclass(frozen=True)
class CohortLearningLine:
    """The modules a cohort's pages show; `inherited` while the cohort still follows the pilot's line.

    An inherited line's modules are unsaved: what the copy (pilots.services.cohort_learning_line_copy) will
    make of the pilot's modules, made by the first write that needs them, never by reading a page.
    """

    modules: list[CohortModule]
    inherited: bool


# The order of a learning line, the pilot's and a cohort's alike.
LINE_ORDER = ("position", "start_week", "name", "pk")


def cohort_learning_line(*, cohort: Cohort) -> QuerySet[CohortModule]:
    """The cohort's modules in their order, with provider and the pilot's module they came from."""
    return cohort.learning_line.select_related("provider", "module").order_by(*LINE_ORDER)


def pilot_line_copies(*, cohort: Cohort) -> list[CohortModule]:
    """The pilot's modules as unsaved modules of the cohort, in their order; one query."""
    return [
        CohortModule(cohort=cohort, module=module, **{name: getattr(module, name) for name in LEARNING_LINE_FIELDS})
        for module in Module.objects.filter(pilot_id=cohort.pilot_id).select_related("provider").order_by(*LINE_ORDER)
    ]


def cohort_learning_line_or_pilots(*, cohort: Cohort) -> CohortLearningLine:
    """The cohort's own modules; without any yet, the pilot's line as the cohort will get it. Two queries at most."""
    own = list(cohort_learning_line(cohort=cohort))
    if own:
        return CohortLearningLine(modules=own, inherited=False)
    return CohortLearningLine(modules=pilot_line_copies(cohort=cohort), inherited=True)


def module_choice(module: CohortModule) -> str:
    """What a form posts for a module of a cohort's line: its id, or for a module the cohort has not copied yet
    the pilot's module with PILOT_MODULE_PREFIX."""
    if module.pk is not None:
        return str(module.pk)
    return f"{PILOT_MODULE_PREFIX}{module.module_id}"
