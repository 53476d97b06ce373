"""Reads of pilots and cohorts, scoped to what the user may see, and a cohort's learning line."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from django.db.models import CharField, Count, Exists, F, Field, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.roles import Role

from .models import (
    Cohort,
    CohortClass,
    CohortModule,
    CohortQuerySet,
    Module,
    Organisation,
    PartnerRole,
    Pilot,
    PilotPartner,
    ReferenceItem,
    ReferenceKind,
    Region,
    TrackWeekday,
    english_active,
)

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


def pilot_organisations(*, user) -> QuerySet[Organisation]:
    """The organisations of the pilots the user works on (pilot_list): the lead organisation of each and every
    partner of it. An administrator: every organisation."""
    if user.role == Role.ADMINISTRATOR:
        return Organisation.objects.all()
    pilots = pilot_list(user=user).values("pk")
    return Organisation.objects.filter(
        Q(pk__in=Pilot.objects.filter(pk__in=pilots).values("lead_organisation"))
        | Q(pk__in=PilotPartner.objects.filter(pilot__in=pilots).values("organisation"))
    )


def cohort_list(*, user) -> CohortQuerySet:
    """Cohorts of the pilots the user works on; candidates.selectors.with_seat_counts adds the seats taken.

    `.open()` narrows it to the cohorts that take new candidates: the lists to choose a cohort from.
    """
    return (
        Cohort.objects.filter(pilot__in=pilot_list(user=user))
        .select_related("pilot", "pilot__region")
        .order_by("start_date", "pilot__name", "name")
    )


# What the table of cohorts (templates/pilots/_cohort_table.html) shows of a cohort and its pilot, for .only():
# the seats taken come from candidates.selectors.with_seat_counts.
COHORT_TABLE_FIELDS = ("name", "start_date", "end_date", "seats", "closed_at", "pilot__name")


def pilot_cards(*, user) -> QuerySet[Pilot]:
    """The pilots of pilot_list with what the coordinator's start page shows of each: the sector's label
    (`sector_label`) and the number of its cohorts (`cohort_count`).

    Each pilot is one row without DISTINCT (the scope is a subquery) and the cohorts are counted per pilot rather
    than joined, so that a page of them and the length of the list are read in one query (core.paginator).
    """
    cohorts = Cohort.objects.filter(pilot=OuterRef("pk")).order_by().values("pilot").annotate(n=Count("pk"))
    pilots = Pilot.objects.filter(pk__in=pilot_list(user=user).values("pk")).select_related("region")
    return with_reference_label(pilots, field="sector", kind=ReferenceKind.SECTOR, name="sector_label").annotate(
        cohort_count=Coalesce(Subquery(cohorts.values("n")), 0)
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


# --- Reference data -----------------------------------------------------------------------------------------------


def with_reference_label[M: QuerySet](queryset: M, *, field: str, kind: str, name: str) -> M:
    """Annotate `name` with the label (in the current language) of the code in `field` from the list `kind`.

    The label comes in the same query; an unknown code shows as itself. The models' get_..._display methods read
    the annotation, so a template that shows labels of many rows runs no query of its own.
    """
    items = ReferenceItem.objects.filter(kind=kind, code=OuterRef(field))
    dutch = Subquery(items.values("label")[:1])
    label = Coalesce(NullIf(Subquery(items.values("label_en")[:1]), Value("")), dutch) if english_active() else dutch
    return queryset.annotate(**{name: Coalesce(label, F(field), output_field=CharField())})


def reference_labels() -> dict[str, dict[str, str]]:
    """Per list, the labels by code in the list's order, switched-off items included; one query for all lists."""
    labels: dict[str, dict[str, str]] = {kind: {} for kind in ReferenceKind.values}
    for item in ReferenceItem.objects.order_by("kind", "position", "pk"):
        labels.setdefault(item.kind, {})[item.code] = item.display_label
    return labels


def labelled_codes(labels: dict[str, str], present: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The (code, label) rows of a figure per code: the list's items in their order, then any code in `present`
    the list does not have (shown as itself), so that the rows always add up to the total."""
    extra = sorted(set(present) - set(labels) - {""})
    return [*labels.items(), *((code, code) for code in extra)]


def reference_items(*, kind: str) -> QuerySet[ReferenceItem]:
    """All items of one list, active or not, in their order: the list a coordinator keeps."""
    return ReferenceItem.objects.of(kind)


def reference_choices(*, kind: str, current: str = "") -> list[tuple[str, str]]:
    """The (code, label) choices of a form: the active items, and the current value even when switched off."""
    items = ReferenceItem.objects.of(kind).filter(Q(active=True) | Q(code=current))
    return [(item.code, item.display_label) for item in items]


# --- Setting up pilots --------------------------------------------------------------------------------------------


def setup_regions(*, user) -> QuerySet[Region]:
    """The regions the user may set up and change pilots in: all for an administrator; for a coordinator the region
    of their organisation and those of the pilots it leads."""
    regions = Region.objects.order_by("name")
    if user.role == Role.ADMINISTRATOR:
        return regions
    if user.role != Role.COORDINATOR or user.organisation_id is None:
        return regions.none()
    # Two semi-joins (EXISTS), not joins with DISTINCT: joined, every organisation of a region meets every pilot of
    # it, hundreds of thousands of rows in a large region before the duplicates are dropped.
    organisation_id = user.organisation_id
    return regions.filter(
        Q(Exists(Organisation.objects.filter(region=OuterRef("pk"), pk=organisation_id)))
        | Q(Exists(Pilot.objects.filter(region=OuterRef("pk"), lead_organisation_id=organisation_id)))
    )


def pilot_setup_list(*, user) -> QuerySet[Pilot]:
    """The pilots the user may change: the ones they see (pilot_list) in a region they may set up pilots in."""
    return pilot_list(user=user).filter(region__in=setup_regions(user=user))


def organisation_search(*, query: str, limit: int = 20) -> QuerySet[Organisation]:
    """Organisations whose name, city or KvK number holds the query: found before a new one is made."""
    query = query.strip()
    if not query:
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(Q(name__icontains=query) | Q(city__icontains=query) | Q(kvk_number=query))
        .select_related("region")
        .order_by("name")[:limit]
    )


@dataclass(frozen=True)
class HistoryChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    user: object  # the User who made the change; None for a change by the portal itself
    what: str
    changes: tuple[HistoryChange, ...] = ()


# Bookkeeping that changes with every save and tells a reader nothing.
_UNTOLD_PILOT_FIELDS = ["created_at", "updated_at"]


def _shown(record, name: str, sectors: dict[str, str]) -> str:
    value = getattr(record, name)
    field = cast(Field, Pilot._meta.get_field(name))
    if value is None or value == "":
        return "–"
    if name == "sector":
        return sectors.get(value, value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def pilot_history_entries(*, pilot: Pilot) -> list[HistoryEntry]:
    """What changed in the pilot's details and partners, newest first, each with who and when."""
    sectors = ReferenceItem.objects.labels(ReferenceKind.SECTOR)
    entries: list[HistoryEntry] = []
    previous = None
    for record in pilot.history.select_related("history_user", "region", "lead_organisation").order_by(
        "history_date", "history_id"
    ):
        if previous is None:
            entries.append(HistoryEntry(record.history_date, record.history_user, str(_("Pilot set up"))))
        else:
            delta = record.diff_against(previous, excluded_fields=_UNTOLD_PILOT_FIELDS)
            changes = tuple(
                HistoryChange(
                    field=str(cast(Field, Pilot._meta.get_field(change.field)).verbose_name),
                    old=_shown(previous, change.field, sectors),
                    new=_shown(record, change.field, sectors),
                )
                for change in delta.changes
            )
            if changes:
                entries.append(
                    HistoryEntry(record.history_date, record.history_user, str(_("Details changed")), changes)
                )
        previous = record
    partner_history = PilotPartner.history.filter(pilot_id=pilot.pk).select_related("history_user", "organisation")
    for record in partner_history.order_by("history_date", "history_id"):
        what = {"+": _("Partner added"), "-": _("Partner removed"), "~": _("Partner changed")}[record.history_type]
        role = str(dict(PartnerRole.choices).get(record.role, record.role))
        entries.append(
            HistoryEntry(record.history_date, record.history_user, f"{what}: {record.organisation} ({role})")
        )
    entries += _cohort_history_entries(pilot)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


# A cohort's and a class's fields the history tells; closing a cohort is an entry of its own.
_COHORT_TOLD_FIELDS = (
    "name",
    "start_date",
    "end_date",
    "seats",
    "internship_weekdays",
    "school_weekdays",
    "location",
    "trainer",
)
_CLASS_TOLD_FIELDS = ("name", "seats", "start_date", "end_date", "location", "trainer")


def _shown_value(record, model, name: str) -> str:
    """A historical field's value as a reader knows it: a date in the local format, weekdays and choices by name."""
    value = getattr(record, name)
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    if name.endswith("_weekdays"):
        days = dict(TrackWeekday.choices)
        return ", ".join(str(days.get(day, day)) for day in value)
    field = cast(Field, model._meta.get_field(name))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _changes(record, previous, model, fields: tuple[str, ...]) -> tuple[HistoryChange, ...]:
    excluded = [field.name for field in model._meta.concrete_fields if field.name not in fields]
    delta = record.diff_against(previous, excluded_fields=excluded)
    return tuple(
        HistoryChange(
            field=str(cast(Field, model._meta.get_field(change.field)).verbose_name),
            old=_shown_value(previous, model, change.field),
            new=_shown_value(record, model, change.field),
        )
        for change in delta.changes
    )


def _cohort_history_entries(pilot: Pilot) -> list[HistoryEntry]:
    """The pilot's cohorts and classes planned, changed, closed and removed: two queries, whatever their number."""
    entries: list[HistoryEntry] = []
    names: dict[int, str] = {}
    previous: dict[int, Any] = {}
    records = Cohort.history.filter(pilot_id=pilot.pk).select_related("history_user", "trainer")
    for record in records.order_by("history_date", "history_id"):
        names[record.id] = record.name
        before = previous.get(record.id)
        previous[record.id] = record
        if record.history_type == "+" or before is None:
            what = _("Cohort planned: %(cohort)s")
        elif record.history_type == "-":
            what = _("Cohort removed: %(cohort)s")
        elif record.closed_at is not None and before.closed_at is None:
            what = _("Cohort closed: %(cohort)s")
        else:
            cohort_changes = _changes(record, before, Cohort, _COHORT_TOLD_FIELDS)
            if cohort_changes:
                entries.append(
                    HistoryEntry(
                        record.history_date,
                        record.history_user,
                        str(_("Cohort changed: %(cohort)s") % {"cohort": record.name}),
                        cohort_changes,
                    )
                )
            continue
        entries.append(HistoryEntry(record.history_date, record.history_user, str(what % {"cohort": record.name})))
    class_records = CohortClass.history.filter(cohort_id__in=list(names)).select_related("history_user", "trainer")
    previous = {}
    for record in class_records.order_by("history_date", "history_id"):
        before = previous.get(record.id)
        previous[record.id] = record
        values = {"class": record.name, "cohort": names.get(record.cohort_id, "")}
        changes: tuple[HistoryChange, ...] = ()
        if record.history_type == "+" or before is None:
            what = _("Class added: %(class)s (%(cohort)s)")
        elif record.history_type == "-":
            what = _("Class removed: %(class)s (%(cohort)s)")
        else:
            what = _("Class changed: %(class)s (%(cohort)s)")
            changes = _changes(record, before, CohortClass, _CLASS_TOLD_FIELDS)
            if not changes:
                continue
        entries.append(HistoryEntry(record.history_date, record.history_user, str(what % values), changes))
    return entries
