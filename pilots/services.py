"""Writes of the learning line: the pilot's modules, each cohort's copy of them, and the cohort's weekly rhythm.

A cohort inherits the pilot's learning line by copying it once (`cohort_learning_line_copy`); from then on the
cohort's modules are its own and may differ, while the pilot's line can change for the cohorts to come. The copy
is made by the first write that needs the cohort's own modules (a change of its line, a result, a certificate);
until then the pages read the pilot's line (pilots.selectors.cohort_learning_line_or_pilots).

Invalid field values raise ValidationError from the model's full_clean (a view adds it to its form); a
refused step raises TransitionNotAllowed with a message for the user.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.models import User
from core.services import entry_point
from core.statemachine import TransitionNotAllowed

from .models import (
    Cohort,
    CohortClass,
    CohortModule,
    Module,
    Organisation,
    OrganisationKind,
    PartnerRole,
    Pilot,
    PilotPartner,
    PilotStatus,
    ReferenceItem,
    Region,
    TrackWeekday,
)
from .selectors import LEARNING_LINE_FIELDS, LINE_ORDER, pilot_line_copies

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


# --- Cohorts and their classes ---------------------------------------------------------------------------------
# A cohort is one round of a pilot. Its people (enrolments, placements) and the hosts' seat offers live in higher
# apps; closing a cohort and copying it with its seat offers are composed there (employers.services).

COHORT_FIELDS = ("name", "start_date", "end_date", "seats", "location", "trainer")
COHORT_CLASS_FIELDS = ("name", "seats", "start_date", "end_date", "location", "trainer")


def _check_open(cohort: Cohort) -> None:
    if cohort.closed_at is not None:
        raise TransitionNotAllowed(_("%(cohort)s is closed and can no longer be changed.") % {"cohort": cohort.name})


class CohortClosed(TransitionNotAllowed):
    """The cohort is closed: the round is over and takes no new candidates, seat offers or proposals."""


def cohort_check_open(cohort: Cohort) -> None:
    """Refuse (CohortClosed) anything new for a closed cohort: a registration, a seat offer, a placement proposal.

    Reads the cohort's row rather than trusting the caller's copy, which may date from before it was closed. The
    rule itself is Cohort.objects.open(), which the choice lists use too.
    """
    if not Cohort.objects.open().filter(pk=cohort.pk).exists():
        raise CohortClosed(
            _("%(cohort)s is closed: it takes no new candidates, seat offers or placements.") % {"cohort": cohort.name}
        )


def _set_fields(instance: Cohort | CohortClass, fields: dict, allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


@entry_point
def cohort_create(*, pilot: Pilot, by_user: User, **fields) -> Cohort:
    """Plan a new cohort of the pilot: name, dates, seats and optionally location and training organisation.

    The cohort follows the pilot's learning line and weekly rhythm until they are changed for it.
    """
    cohort = Cohort(pilot=pilot)
    _set_fields(cohort, fields, COHORT_FIELDS)
    cohort.full_clean()
    cohort.save()
    return cohort


@entry_point
def cohort_update(*, cohort: Cohort, by_user: User, **fields) -> Cohort:
    """Change a cohort's name, dates, seats, location or training organisation; a closed cohort stays as it is.

    Lowering the seats below those already taken is left to the selection (the seats show as overbooked), as
    the coordinator may have agreed it with the training partner.
    """
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    _check_open(locked)
    _set_fields(locked, fields, COHORT_FIELDS)
    locked.full_clean()
    locked.save()
    return locked


@entry_point
def cohort_mark_closed(*, cohort: Cohort, by_user: User) -> Cohort:
    """Mark the cohort as closed: the round is over.

    Only the checks of this layer: employers.services.cohort_close is the action a person takes, and
    refuses while candidates are still in the selection or on the track. Locks the cohort first (lock order in
    candidates.lifecycle).
    """
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    _check_open(locked)
    locked.closed_at = timezone.now()
    locked.closed_by = by_user
    locked.save(update_fields=["closed_at", "closed_by", "updated_at"])
    return locked


@entry_point
def cohort_class_create(*, cohort: Cohort, by_user: User, **fields) -> CohortClass:
    """Add a class (group) to the cohort, with its own seats, dates, location and trainer where they differ."""
    _check_open(cohort)
    cohort_class = CohortClass(cohort=cohort)
    _set_fields(cohort_class, fields, COHORT_CLASS_FIELDS)
    cohort_class.full_clean()
    cohort_class.save()
    return cohort_class


@entry_point
def cohort_class_update(*, cohort_class: CohortClass, by_user: User, **fields) -> CohortClass:
    _check_open(cohort_class.cohort)
    _set_fields(cohort_class, fields, COHORT_CLASS_FIELDS)
    cohort_class.full_clean()
    cohort_class.save()
    return cohort_class


@entry_point
def cohort_class_delete(*, cohort_class: CohortClass, by_user: User) -> None:
    """Remove a class; refused while candidates are placed in it."""
    _check_open(cohort_class.cohort)
    if cohort_class.enrolments.exists():
        raise TransitionNotAllowed(
            _("Candidates are placed in %(class)s; move them to another class before removing it.")
            % {"class": cohort_class.name}
        )
    cohort_class.delete()


@entry_point
def cohort_copy(*, cohort: Cohort, name: str, start_date: date, by_user: User) -> Cohort:
    """A new cohort of the same pilot as the next round: the same seats, rhythm, location and trainer, with its
    dates moved to `start_date` (the end date and the classes' dates keep their distance), its classes and its own
    learning line. No people (enrolments, placements) and no seat offers: the action a person takes,
    employers.services.cohort_copy_as_next_round, copies those.

    A cohort that still follows the pilot's learning line gives a cohort that follows it too.
    """
    shift = start_date - cohort.start_date
    copy = Cohort(
        pilot_id=cohort.pilot_id,
        name=name,
        start_date=start_date,
        end_date=cohort.end_date + shift,
        seats=cohort.seats,
        location=cohort.location,
        trainer_id=cohort.trainer_id,
        internship_weekdays=list(cohort.internship_weekdays),
        school_weekdays=list(cohort.school_weekdays),
    )
    copy.full_clean()
    copy.save()
    classes = [
        CohortClass(
            cohort=copy,
            name=cohort_class.name,
            seats=cohort_class.seats,
            start_date=cohort_class.start_date + shift if cohort_class.start_date else None,
            end_date=cohort_class.end_date + shift if cohort_class.end_date else None,
            location=cohort_class.location,
            trainer_id=cohort_class.trainer_id,
        )
        for cohort_class in cohort.classes.order_by("name", "pk")
    ]
    CohortClass.objects.bulk_create(classes)
    modules = [
        CohortModule(
            cohort=copy,
            module_id=cohort_module.module_id,
            **{field: getattr(cohort_module, field) for field in COHORT_MODULE_FIELDS},
        )
        for cohort_module in cohort.learning_line.select_related("provider").order_by(*LINE_ORDER)
    ]
    CohortModule.objects.bulk_create(modules)
    return copy


# --- Reference data ------------------------------------------------------------------------------------------------


def reference_code_from(label: str) -> str:
    """A code made from a label: "Horeca & recreatie" becomes "horeca_recreatie"."""
    code = slugify(label).replace("-", "_")[:32].strip("_")
    return code if code[:1].isalpha() else f"item_{code}"[:32]


@entry_point
def reference_item_create(*, kind: str, label: str, by_user: User, code: str = "", label_en: str = "") -> ReferenceItem:
    """Add an item to a list of reference data, at its end. Without a code, one is made from the label.

    The code is fixed from now on: rows and reports refer to it. A code the list already has is refused
    (ValidationError on "code").
    """
    code = (code or reference_code_from(label)).strip().lower()
    item = ReferenceItem(
        kind=kind,
        code=code,
        label=label.strip(),
        label_en=label_en.strip(),
        position=_next_position(ReferenceItem.objects.filter(kind=kind)),
    )
    if ReferenceItem.objects.filter(kind=kind, code=code).exists():
        raise ValidationError({"code": _("This list already has an item with this code.")})
    item.full_clean()
    item.save()
    return item


@entry_point
def reference_item_update(
    *, item: ReferenceItem, label: str, label_en: str, active: bool, position: int, by_user: User
) -> ReferenceItem:
    """Change an item's labels, place or whether it can be chosen; its code stays as it is."""
    item.label, item.label_en, item.active, item.position = label.strip(), label_en.strip(), active, position
    item.full_clean()
    item.save()
    return item


# The addresses of the regions list that a region's slug must not take (config/urls.py): /keuzelijsten/regio/<slug>/.
RESERVED_REGION_SLUGS = frozenset({"nieuw"})


def _region_refusal(*, name: str, slug: str, region: Region | None = None) -> None:
    """A name or slug another region already has is refused (ValidationError on "name"); so is a name without a slug."""
    others = Region.objects.exclude(pk=region.pk) if region else Region.objects.all()
    if not slug:
        raise ValidationError({"name": _("Use letters or digits in the name of the region.")})
    if slug in RESERVED_REGION_SLUGS:
        raise ValidationError({"name": _("This name cannot be used for a region.")})
    if others.filter(name__iexact=name).exists() or others.filter(slug=slug).exists():
        raise ValidationError({"name": _("There is already a region with this name.")})


@entry_point
def region_create(*, name: str, by_user: User) -> Region:
    """Add a labour-market region. Its slug is made from the name now and stays as it is when the name changes."""
    name = name.strip()
    region = Region(name=name, slug=slugify(name)[:100].strip("-"))
    _region_refusal(name=name, slug=region.slug)
    region.full_clean()
    region.save()
    return region


@entry_point
def region_update(*, region: Region, name: str, by_user: User) -> Region:
    """Rename a region; its slug, and with it the addresses that name it, stays."""
    name = name.strip()
    _region_refusal(name=name, slug=region.slug, region=region)
    region.name = name
    region.full_clean()
    region.save()
    return region


# --- Organisations and pilots ----------------------------------------------------------------------------------------

# The addresses of the pilots section that a pilot's slug must not take (config/urls.py): /pilots/<slug>/.
RESERVED_PILOT_SLUGS = frozenset({"nieuw", "coordinator", "opleidingspartner", "keuzelijsten", "certificaten"})
# The role a lead organisation of a kind takes in its own pilot, where the names differ; the others share them.
LEAD_ROLES: dict[str, str] = {OrganisationKind.COLLEGE: PartnerRole.TRAINING_PARTNER}
PILOT_SETUP_FIELDS = (
    "name",
    "region",
    "sector",
    "track_kind",
    "target_group",
    "target_qualification",
    "description",
    "duration_weeks",
    "internship_days_per_week",
    "school_days_per_week",
    "planned_places",
    "target_outflow_percentage",
    "target_work_percentage",
    "target_bbl_percentage",
)


@entry_point
def organisation_create(
    *,
    name: str,
    kind: str,
    by_user: User,
    city: str = "",
    kvk_number: str = "",
    region=None,
    website: str = "",
) -> Organisation:
    """Add an organisation. A name or a KvK number another organisation has is refused (ValidationError)."""
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        city=city.strip(),
        kvk_number=kvk_number.replace(" ", "").strip(),
        region=region,
        website=website,
    )
    # The constraint names no field of its own (it holds only when a number is given): say which one it is.
    if organisation.kvk_number and Organisation.objects.filter(kvk_number=organisation.kvk_number).exists():
        raise ValidationError({"kvk_number": _("Another organisation already has this KvK number.")})
    organisation.full_clean()
    organisation.save()
    return organisation


def _unique_slug(name: str) -> str:
    base = slugify(name)[:90].strip("-") or "pilot"
    taken = set(Pilot.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= RESERVED_PILOT_SLUGS
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _set_pilot_fields(pilot: Pilot, fields: dict) -> None:
    unknown = set(fields) - set(PILOT_SETUP_FIELDS)
    if unknown:
        raise TypeError(f"Unknown pilot fields: {sorted(unknown)}")
    sector = fields.get("sector", pilot.sector)
    if sector != pilot.sector and sector not in ReferenceItem.objects.codes("sector"):
        raise ValidationError({"sector": _("Choose a sector from the list.")})
    for name, value in fields.items():
        setattr(pilot, name, value)


@entry_point
def pilot_create(*, lead_organisation: Organisation, by_user: User, **fields) -> Pilot:
    """Set up a new pilot in design: the first step of the set-up; partners and the learning line follow.

    The lead organisation takes part as the pilot's partner in its own role (a WSP, a municipality...), so that
    it is listed with the others. The pilot is made in design and opened with pilot_open.
    """
    pilot = Pilot(lead_organisation=lead_organisation, status=PilotStatus.DESIGN, sector="")
    _set_pilot_fields(pilot, fields)
    pilot.slug = _unique_slug(pilot.name)
    pilot.full_clean()
    pilot.save()
    role = LEAD_ROLES.get(lead_organisation.kind, lead_organisation.kind)
    if role in PartnerRole.values:
        PilotPartner.objects.create(pilot=pilot, organisation=lead_organisation, role=role)
    return pilot


@entry_point
def pilot_update(*, pilot: Pilot, by_user: User, **fields) -> Pilot:
    """Change the pilot's details; each change is kept in its history. The slug, and with it the address, stays."""
    _set_pilot_fields(pilot, fields)
    pilot.full_clean()
    pilot.save()
    return pilot


@entry_point
def pilot_open(*, pilot: Pilot, by_user: User) -> Pilot:
    """End the set-up: a pilot in design opens for recruitment. Refused for a pilot that is not in design."""
    if pilot.status != PilotStatus.DESIGN:
        raise TransitionNotAllowed(_("This pilot has already been set up."))
    pilot.status = PilotStatus.RECRUITMENT
    pilot.save(update_fields=["status", "updated_at"])
    return pilot


@entry_point
def pilot_partner_add(
    *, pilot: Pilot, organisation: Organisation, role: str, by_user: User, contribution: str = ""
) -> PilotPartner:
    """Make an organisation a partner of the pilot in a role; the same role twice is refused."""
    if PilotPartner.objects.filter(pilot=pilot, organisation=organisation, role=role).exists():
        raise ValidationError(_("%(organisation)s already takes part in this role.") % {"organisation": organisation})
    partnership = PilotPartner(pilot=pilot, organisation=organisation, role=role, contribution=contribution.strip())
    partnership.full_clean()
    partnership.save()
    return partnership


@entry_point
def pilot_partner_add_new_organisation(
    *, pilot: Pilot, role: str, by_user: User, contribution: str = "", **organisation_fields
) -> PilotPartner:
    """Add a new organisation and make it a partner of the pilot, in one step."""
    organisation = organisation_create.within(by_user=by_user, **organisation_fields)
    return pilot_partner_add.within(
        pilot=pilot, organisation=organisation, role=role, contribution=contribution, by_user=by_user
    )


@entry_point
def pilot_partner_remove(*, partnership: PilotPartner, by_user: User) -> None:
    """End an organisation's role in the pilot; the history keeps that it took part."""
    partnership.delete()


@entry_point
def pilot_copy(*, pilot: Pilot, name: str, by_user: User) -> Pilot:
    """A new pilot as the next round: the same details, partners and learning line, in design.

    No people and no cohorts: a round's cohorts are copied on their own (cohort_copy).
    """
    copy = Pilot(
        lead_organisation_id=pilot.lead_organisation_id,
        status=PilotStatus.DESIGN,
        **{field: getattr(pilot, field) for field in PILOT_SETUP_FIELDS if field != "name"},
    )
    copy.name = name.strip()
    copy.slug = _unique_slug(copy.name)
    copy.full_clean()
    copy.save()
    for partnership in pilot.partnerships.order_by("pk"):
        PilotPartner.objects.create(
            pilot=copy,
            organisation_id=partnership.organisation_id,
            role=partnership.role,
            contribution=partnership.contribution,
        )
    Module.objects.bulk_create(
        Module(pilot=copy, **{field: getattr(module, field) for field in LEARNING_LINE_FIELDS})
        for module in pilot.modules.order_by(*LINE_ORDER)
    )
    return copy
