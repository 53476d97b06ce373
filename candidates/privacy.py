"""The AVG (GDPR) rights of a candidate: access to all data about them, erasure, and the retention period.

Which rows are about a person is read from the model graph: every model with a chain of foreign keys (or a
many-to-many) to Candidate. A model added later is found, exported and checked for activity without a change
here; what erasure blanks in it must be decided in ERASED_FIELDS, and a test fails until it is.

Erasure anonymises in place rather than deleting: every enrolment, placement, outcome and status stays, and the
candidate row keeps which selection requirements it met (candidates.completeness decides), so the evaluation
figures count the group exactly as before, but nothing that names or describes the person is left, also not in
the change history (django-simple-history), the admin log or a referral list waiting for confirmation.
"""

import functools
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict
from uuid import UUID

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, FieldError, ObjectDoesNotExist
from django.db import models
from django.db.models import F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditAction, record_event
from core.models import User
from core.roles import Role
from core.services import entry_point

from .completeness import requirements_met_at_erasure
from .lifecycle import IN_PLAY
from .models import CANDIDATE_LIST_BOOKKEEPING, Candidate
from .pending_uploads import pending_uploads_remove_about
from .progress import add_months
from .progress_selectors import readable_coaching_notes
from .services import CandidateAnonymised, refuse_if_anonymised
from .validators import format_phone

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

logger = logging.getLogger(__name__)

# Stored as data, not shown through gettext: the same in every language, so the list sorts and searches alike.
ANONYMISED_NAME = "Geanonimiseerd"

# Per model that holds rows about a candidate (model label), the fields that describe the person and are erased.
# Choice fields, numbers, dates and links stay: the evaluation figures are made of them.
ERASED_FIELDS: dict[str, tuple[str, ...]] = {
    "candidates.candidate": (
        "first_name",
        "last_name_prefix",
        "last_name",
        "date_of_birth",
        "email",
        "phone",
        "postcode",
        "city",
    ),
    "candidates.candidatebarrier": ("note",),
    "candidates.enrolment": (),
    "candidates.enrolmenttransition": ("reason",),
    "candidates.outcome": ("employer_name", "next_step"),
    "candidates.screeningappointment": ("location",),
    "candidates.screening": ("interest_note", "motivation_note", "language_note", "availability_note"),
    "candidates.note": ("text",),
    "candidates.adviserchange": ("reason",),
    "candidates.candidateimport": (),
    "candidates.attendance": (),
    "candidates.moduleresult": (),
    "candidates.certificate": ("number",),
    "candidates.coachingnote": ("text",),
    "candidates.evaluation": ("attendance_note", "next_step"),
    "candidates.evaluationgoal": ("goal", "note"),
    "candidates.followup": ("note",),
    "employers.placement": ("motivation", "answer_note"),
    "employers.placementtransition": ("reason",),
    "employers.vacancyapplication": (),
    "employers.contractoffer": ("note",),
}
# Free-text fields of those models that erasure keeps on purpose, because they do not describe the person.
KEPT_TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    # The purpose is the portal's standard wording; the database requires it beside the consent date. The sort
    # names are the pilot's and cohort's (CANDIDATE_LIST_BOOKKEEPING).
    "candidates.candidate": ("consent_purpose", "sort_pilot_name", "sort_cohort_name"),
    # The certificate's kind (VCA); its number is erased.
    "candidates.certificate": ("name",),
    # One file of a referral list holds many people; the link to this person stays for the import counts.
    "candidates.candidateimport": ("file_name",),
    # The host's own supervisor, not the candidate.
    "employers.placement": ("supervisor_name",),
    # Codes of the lists of reference data (pilots.ReferenceItem), which the figures count: choices kept as data.
    "candidates.candidatebarrier": ("kind",),
    "candidates.enrolment": ("dropout_reason",),
}
# What replaces an erased field instead of an empty value.
REPLACEMENTS: dict[tuple[str, str], str] = {("candidates.candidate", "last_name"): ANONYMISED_NAME}

# The moment a row last changed, in order of preference; a model with none of them does not count as activity.
ACTIVITY_FIELDS = ("updated_at", "at", "recorded_at", "created_at")


# --- The rows about a person ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonModel:
    """A model with rows about a candidate, and the lookup from it to the candidate ("" for Candidate itself)."""

    model: type[models.Model]
    path: str

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def rows(self, candidate: Candidate) -> QuerySet:
        if not self.path:
            return self.model._default_manager.filter(pk=candidate.pk)
        return self.model._default_manager.filter(**{self.path: candidate})


def _is_historical(model: type[models.Model]) -> bool:
    # django-simple-history's historical models carry the model they record as instance_type.
    return hasattr(model, "instance_type")


@functools.cache
def person_models() -> tuple[PersonModel, ...]:
    """Candidate and every model that reaches it through foreign keys, nearest first.

    It depends on the model definitions only, so it is walked once per process.

    A model reached through a many-to-many (an import of many people) is not followed further: what hangs
    below it belongs to others as well.
    """
    found: list[PersonModel] = [PersonModel(Candidate, "")]
    seen: set[type[models.Model]] = {Candidate}
    queue: deque[tuple[PersonModel, bool]] = deque([(found[0], True)])
    while queue:
        current, follow = queue.popleft()
        if not follow:
            continue
        for relation in current.model._meta.related_objects:
            model = relation.related_model
            if model in seen or _is_historical(model):
                continue
            seen.add(model)
            name = relation.field.name
            person_model = PersonModel(model, f"{name}__{current.path}" if current.path else name)
            found.append(person_model)
            queue.append((person_model, not relation.many_to_many))
    return tuple(found)


def _history_rows(person_model: PersonModel, candidate: Candidate) -> QuerySet | None:
    """The historical rows of the model about this candidate, when the model keeps a history."""
    history = getattr(person_model.model, "history", None)
    if history is None:
        return None
    if not person_model.path:
        return history.filter(id=candidate.pk)
    try:
        return history.filter(**{person_model.path: candidate})
    except FieldError:
        # A history that does not keep the link: the rows of the live rows' ids.
        return history.filter(id__in=person_model.rows(candidate).values("pk"))


# --- Access request -------------------------------------------------------------------------------------------

# The role that handles AVG requests. It alone makes the complete export for the data subject, with the notes
# other roles may not read (docs/permissions.md names no privacy officer, so it is the administrator).
COMPLETE_EXPORT_ROLES = frozenset({Role.ADMINISTRATOR})


def _readable_coaching_notes(user: User, rows: QuerySet) -> QuerySet:
    return readable_coaching_notes(user=user, notes=rows)


# Per model label, the rule the pages use to hide some of its rows from some readers. An access request by
# anyone but the AVG role leaves out the same rows, in the live rows and in their history.
READ_RULES: dict[str, Callable[[User, QuerySet], QuerySet]] = {
    "candidates.coachingnote": _readable_coaching_notes,
}


def is_complete_export(user: User | None) -> bool:
    """Whether an access request by `user` holds everything; None is the portal itself (tests, tasks)."""
    return user is None or user.role in COMPLETE_EXPORT_ROLES


def _related_or_id(row: models.Model, field: models.Field):
    try:
        return getattr(row, field.name)
    except ObjectDoesNotExist:
        # A historical row may point at a row deleted since.
        return None


def _json_value(row: models.Model, field: models.Field):
    if field.is_relation:
        raw = getattr(row, field.attname)
        if raw is None:
            return None
        related = _related_or_id(row, field)
        return {"id": raw, "name": str(related)} if related is not None else {"id": raw}
    value = getattr(row, field.attname)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def _display_value(row: models.Model, field: models.Field) -> str:
    if field.is_relation:
        related = _related_or_id(row, field) if getattr(row, field.attname) is not None else None
        return str(related) if related is not None else ""
    value = getattr(row, field.attname)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(getattr(row, f"get_{field.name}_display")())
    if field.name == "phone":
        return format_phone(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def _with_links(queryset: QuerySet) -> QuerySet:
    links = [field.name for field in queryset.model._meta.concrete_fields if field.is_relation]
    return queryset.select_related(*links).order_by("pk") if links else queryset.order_by("pk")


def _sources(candidate: Candidate, user: User | None) -> Iterator[tuple[str, str, type[models.Model], QuerySet]]:
    """(kind, label, model, rows): the live rows of every person model, then their historical rows.

    Unless the export is complete, the pages' READ_RULES narrow the rows to what `user` may read; a history row
    is shown only when both it and its row pass the rule.
    """
    reader = None if user is None or is_complete_export(user) else user
    person_models_ = person_models()
    for person_model in person_models_:
        rows = person_model.rows(candidate)
        rule = READ_RULES.get(person_model.label)
        if reader is not None and rule is not None:
            rows = rule(reader, rows)
        yield "records", person_model.label, person_model.model, _with_links(rows)
    for person_model in person_models_:
        history = _history_rows(person_model, candidate)
        if history is None:
            continue
        rule = READ_RULES.get(person_model.label)
        if reader is not None and rule is not None:
            readable_rows = rule(reader, person_model.rows(candidate)).values("pk")
            history = rule(reader, history).filter(id__in=readable_rows)
        yield "history", person_model.label, history.model, _with_links(history)


def _exported_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields an access request shows: all but what the services keep on Candidate for sorting the list
    (CANDIDATE_LIST_BOOKKEEPING), which could name a cohort of a pilot the reader does not work on (the enrolment
    itself is shown, under the reading rules, with the enrolments)."""
    return [
        field
        for field in model._meta.concrete_fields
        if not (model is Candidate and field.name in CANDIDATE_LIST_BOOKKEEPING)
    ]


def access_export(candidate: Candidate, *, user: User | None = None) -> dict:
    """What the portal holds about the person that `user` may read, as JSON-ready data: each model's rows, and
    their history. For the AVG role (or without a user) that is everything: `complete` says which it is.

    Many-to-many links are left out: an import's list of candidates names other people.
    """
    export: dict = {
        "exported_at": timezone.now().isoformat(),
        "candidate_id": candidate.pk,
        "complete": is_complete_export(user),
        "records": {},
        "history": {},
    }
    for kind, label, model, rows in _sources(candidate, user):
        fields = _exported_fields(model)
        export[kind][label] = {
            "title": str(model._meta.verbose_name_plural),
            "rows": [{field.name: _json_value(row, field) for field in fields} for row in rows],
        }
    return export


@dataclass(frozen=True)
class AccessSection:
    """One kind of row on the readable page of an access request."""

    label: str
    title: str
    is_history: bool
    rows: list[list[tuple[str, str]]]  # per row: (field label, shown value)


def access_report(candidate: Candidate, *, user: User | None = None) -> list[AccessSection]:
    """The same data as access_export, as labelled values for the readable page; sections without rows left out."""
    sections = []
    for kind, label, model, rows in _sources(candidate, user):
        fields = _exported_fields(model)
        shown = [[(str(field.verbose_name), _display_value(row, field)) for field in fields] for row in rows]
        if shown:
            sections.append(
                AccessSection(
                    label=label,
                    title=str(model._meta.verbose_name_plural),
                    is_history=kind == "history",
                    rows=shown,
                )
            )
    return sections


# --- Erasure --------------------------------------------------------------------------------------------------


def _blank_values(model: type[models.Model]) -> dict:
    label = model._meta.label_lower
    values = {}
    for name in ERASED_FIELDS[label]:
        field = model._meta.get_field(name)
        replacement = REPLACEMENTS.get((label, name))
        values[name] = replacement if replacement is not None else (None if field.null else "")
    return values


def _blank_admin_log(person_model: PersonModel, pks: list) -> None:
    """The admin log names each changed row by its str(), which for these rows holds the person's name."""
    content_type = ContentType.objects.get_for_model(person_model.model, for_concrete_model=False)
    LogEntry.objects.filter(content_type=content_type, object_id__in=[str(pk) for pk in pks]).update(
        object_repr=ANONYMISED_NAME
    )


def record_access_export(*, candidate: Candidate, user, request=None, fmt: str) -> None:
    """The audit event of an access request; a complete one (notes for the coaching team included) says so."""
    detail = f"{fmt}, complete" if is_complete_export(user) else fmt
    record_event(action=AuditAction.ACCESS_EXPORT, user=user, request=request, target=candidate, detail=detail)


@entry_point
def anonymise_candidate(candidate: Candidate, *, by=None, reason: str) -> Candidate:
    """Erase what describes the person, in every row about them and in their history; keep every row and status.
    Referral lists waiting for confirmation that hold the person are deleted.

    Queryset updates rather than save(): no signal writes a new historical row with the old values. The
    candidate keeps its id, its enrolments and their statuses, and which selection requirements its record met,
    so every evaluation figure stays the same.
    """
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    refuse_if_anonymised(locked)
    now = timezone.now()
    # The candidate row itself also carries the moment of the erasure, and what the completeness figures counted
    # of the record, decided by the completeness module while the data is still there.
    erasure_marks = {
        "anonymised_at": now,
        "updated_at": now,
        "requirements_met_when_erased": requirements_met_at_erasure(locked),
    }
    # Referral lists waiting for confirmation are compared with the person's data, so before it is blanked.
    pending_uploads_remove_about(candidate=locked)
    for person_model in person_models():
        pks = list(person_model.rows(locked).values_list("pk", flat=True))
        if not pks:
            continue
        blanks = _blank_values(person_model.model)
        extra = erasure_marks if person_model.model is Candidate else {}
        if blanks or extra:
            person_model.model._default_manager.filter(pk__in=pks).update(**blanks, **extra)
        if blanks:
            history = _history_rows(person_model, locked)
            if history is not None:
                history.update(**blanks)
        _blank_admin_log(person_model, pks)

    candidate.refresh_from_db()
    logger.info("Candidate %s anonymised by %s", candidate.pk, getattr(by, "pk", None) or "the retention task")
    record_event(action=AuditAction.ERASURE, user=by, target=candidate, detail=reason)
    return candidate


# --- Retention --------------------------------------------------------------------------------------------------


def _activity_field(model: type[models.Model]) -> str | None:
    for name in ACTIVITY_FIELDS:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.DateTimeField | models.DateField):
            return name
    return None


class LastActivity(TypedDict):
    last_activity: datetime


def with_last_activity(candidates: QuerySet[Candidate]) -> "QuerySet[WithAnnotations[Candidate, LastActivity]]":
    """The candidates with `last_activity`: the latest change to them or to any row about them; one query."""
    latest = []
    for person_model in person_models()[1:]:
        field = _activity_field(person_model.model)
        if field is None:
            continue
        rows = person_model.model._default_manager.filter(**{person_model.path: OuterRef("pk")}).order_by()
        newest = rows.values(person_model.path).annotate(newest=Max(field)).values("newest")[:1]
        # A candidate without such rows falls back to their own last change (SQLite's MAX is NULL with a NULL).
        latest.append(Coalesce(Subquery(newest, output_field=models.DateTimeField()), F("updated_at")))
    return candidates.annotate(last_activity=Greatest(F("updated_at"), *latest) if latest else F("updated_at"))


def retention_cutoff(*, months: int, today: date) -> datetime:
    """The moment `months` months before the start of `today`: activity before it is past the retention period."""
    day = add_months(today, -months)
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def inactive_candidates(
    *, months: int | None = None, today: date | None = None
) -> "QuerySet[WithAnnotations[Candidate, LastActivity]]":
    """Candidates not anonymised yet whose last activity is older than the retention period and who are not in a
    running track (selected or started); oldest activity first."""
    months = settings.RETENTION_MONTHS if months is None else months
    cutoff = retention_cutoff(months=months, today=today or timezone.localdate())
    running = Candidate.objects.filter(enrolments__status__in=IN_PLAY).values("pk")
    candidates = Candidate.objects.filter(anonymised_at__isnull=True, updated_at__lt=cutoff).exclude(pk__in=running)
    return (
        with_last_activity(candidates)
        .filter(last_activity__lt=cutoff)
        .select_related("adviser")
        .order_by(F("last_activity").asc(), "pk")
    )


def anonymise_inactive(
    *, months: int | None = None, today: date | None = None, candidates: Iterable[Candidate] | None = None
) -> list[int]:
    """Anonymise every candidate past the retention period, each in its own transaction; the ids anonymised.

    `candidates` is a list inactive_candidates gave earlier (the command prints it first); by default it is
    asked for now. A candidate anonymised meanwhile by someone else is skipped, so a second run does nothing.
    """
    months = settings.RETENTION_MONTHS if months is None else months
    reason = _("No activity for %(months)s months (retention period)") % {"months": months}
    if candidates is None:
        candidates = list(inactive_candidates(months=months, today=today))
    done = []
    for candidate in candidates:
        try:
            anonymise_candidate(candidate, by=None, reason=reason)
        except CandidateAnonymised:
            continue
        done.append(candidate.pk)
    return done
