"""Writes of the learning line: the pilot's modules, each cohort's copy of them, and the cohort's weekly rhythm.

A cohort inherits the pilot's learning line by copying it once (`cohort_learning_line_copy`); from then on the
cohort's modules are its own and may differ, while the pilot's line can change for the cohorts to come. The copy
is made by the first write that needs the cohort's own modules (a change of its line, a result, a certificate);
until then the pages read the pilot's line (pilots.selectors.cohort_learning_line_or_pilots).

Invalid field values raise ValidationError from the model's full_clean (a view adds it to its form); a
refused step raises TransitionNotAllowed with a message for the user.
"""

from collections.abc import Iterable

from django.db.models import Max
from django.utils.translation import gettext as _

from core.models import User
from core.services import entry_point
from core.statemachine import TransitionNotAllowed

from .models import Cohort, CohortModule, Module, Pilot, TrackWeekday
from .selectors import LEARNING_LINE_FIELDS, pilot_line_copies

COHORT_MODULE_FIELDS = (*LEARNING_LINE_FIELDS, "is_unit_certificate")


def _apply(instance: Module | CohortModule, fields: dict, allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown module fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _next_position(modules) -> int:
    return (modules.aggregate(last=Max("position"))["last"] or 0) + 1


@entry_point
def module_create(*, pilot: Pilot, by_user: User, **fields) -> Module:
    """Add a module to the pilot's learning line; without a position it goes to the end.

    Cohorts that already copied the line keep theirs; the module reaches cohorts that copy it later.
    """
    module = Module(pilot=pilot)
    _apply(module, fields, LEARNING_LINE_FIELDS)
    if "position" not in fields:
        module.position = _next_position(pilot.modules.all())
    module.full_clean(exclude=["pilot"])
    module.save()
    return module


@entry_point
def module_update(*, module: Module, by_user: User, **fields) -> Module:
    """Change a module of the pilot's learning line (not the cohorts' copies of it)."""
    _apply(module, fields, LEARNING_LINE_FIELDS)
    module.full_clean(exclude=["pilot"])
    module.save()
    return module


@entry_point
def module_delete(*, module: Module, by_user: User) -> None:
    """Take a module off the pilot's learning line; the cohorts' copies stay, as modules of their own."""
    module.delete()


@entry_point
def cohort_learning_line_copy(*, cohort: Cohort, by_user: User) -> list[CohortModule]:
    """Give the cohort the pilot's learning line, when it has no modules yet; returns the cohort's modules.

    Called by the writes that need the cohort's own modules, never on reading a page. Safe to call more than
    once: a cohort that has modules (copied or its own) keeps them untouched. The cohort row is locked, so two
    people changing a new cohort's line at once copy it only once.
    """
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
    existing = list(cohort.learning_line.all())
    if existing:
        return existing
    CohortModule.objects.bulk_create(pilot_line_copies(cohort=cohort))
    return list(cohort.learning_line.all())


@entry_point
def cohort_module_create(*, cohort: Cohort, by_user: User, **fields) -> CohortModule:
    """Add a module of the cohort's own (not on the pilot's line); without a position it goes to the end."""
    cohort_module = CohortModule(cohort=cohort)
    _apply(cohort_module, fields, COHORT_MODULE_FIELDS)
    if "position" not in fields:
        cohort_module.position = _next_position(cohort.learning_line.all())
    cohort_module.full_clean(exclude=["cohort", "module"])
    cohort_module.save()
    return cohort_module


@entry_point
def cohort_module_update(*, cohort_module: CohortModule, by_user: User, **fields) -> CohortModule:
    """Change one module of the cohort's learning line; the pilot's module it came from stays as it is."""
    _apply(cohort_module, fields, COHORT_MODULE_FIELDS)
    cohort_module.full_clean(exclude=["cohort", "module"])
    cohort_module.save()
    return cohort_module


@entry_point
def cohort_module_delete(*, cohort_module: CohortModule, by_user: User) -> None:
    """Take a module off the cohort's line; refused once results, certificates or attendance refer to it."""
    in_use = (
        cohort_module.results.exists()
        or cohort_module.certificates.exists()
        or cohort_module.attendance_sessions.exists()
    )
    if in_use:
        raise TransitionNotAllowed(
            _("%(module)s has results, certificates or attendance and cannot be removed.")
            % {"module": cohort_module.name}
        )
    cohort_module.delete()


def _weekdays(values: Iterable[str]) -> list[str]:
    days = list(dict.fromkeys(values))  # without repeats, in the order given
    unknown = [day for day in days if day not in TrackWeekday.values]
    if unknown:
        raise TransitionNotAllowed(_("Choose weekdays from Monday to Friday."))
    return sorted(days, key=TrackWeekday.values.index)


@entry_point
def cohort_rhythm_update(
    *, cohort: Cohort, internship_weekdays: Iterable[str], school_weekdays: Iterable[str], by_user: User
) -> Cohort:
    """Set the cohort's weekly internship and school days (codes "mon" to "fri").

    Both empty returns the cohort to the default derived from the pilot (see cohort_rhythm). The cohort may
    have more or fewer days than the pilot's counts, but a day is either an internship or a school day.
    """
    internship = _weekdays(internship_weekdays)
    school = _weekdays(school_weekdays)
    if set(internship) & set(school):
        raise TransitionNotAllowed(_("A day cannot be both an internship day and a school day."))
    cohort.internship_weekdays = internship
    cohort.school_weekdays = school
    cohort.save(update_fields=["internship_weekdays", "school_weekdays", "updated_at"])
    return cohort
