"""The candidate's timeline: everything that happened to a candidate, newest first, in two queries.

Each kind of event is a source: a query of its rows, written as the columns every source shares (COLUMNS), and a
function that tells a row as a TimelineEvent. All sources are read together in one query (UNION ALL), ordered and
cut in the database, and the users the rows name in one more; however long the history, the page reads it twice.
The candidate's page adds the placements' sources (employers.selectors.candidate_timeline).

A saved change of an audited row (django-simple-history) is told by naming the fields that differ from the row's
previous version; that comparison is part of the same query (change_source), so a save that changed only
untold fields never takes a place in the cut.
"""

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Expression, F, Func, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.roles import Role
from pilots.selectors import pilot_list

from .models import (
    AdviserChange,
    Candidate,
    CandidateImport,
    Enrolment,
    EnrolmentTransition,
    Note,
    Outcome,
    Screening,
    ScreeningAppointment,
)
from .selectors import NOTE_READER_ROLES, enrolment_list

# The kinds of event in the order in which they follow each other when they share a moment: one
# service call records the appointment or screening and the status change it causes at once.
TIMELINE_ICONS = {
    "import": "file-earmark-arrow-up",
    "registered": "person-plus",
    "appointment": "calendar-event",
    "screening": "clipboard-check",
    "outcome": "flag",
    "status": "arrow-right-circle",
    "placement": "building",
    "adviser": "people",
    "note": "chat-left-text",
    "change": "pencil-square",
}
_TIMELINE_RANK = {kind: rank for rank, kind in enumerate(TIMELINE_ICONS)}

# The most events the candidate's page shows: the newest.
TIMELINE_SHOWN = 100


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str  # a key of TIMELINE_ICONS
    title: str
    detail: str = ""
    by: object = None  # the user who did it; None when the portal did it by itself

    @property
    def icon(self) -> str:
        return TIMELINE_ICONS.get(self.kind, "dot")


# The columns of a timeline row, the same for every source (a UNION needs one type per column): when, in which
# order among the events of the same moment (rank, then the source, then tie_break and then tie_break_2: how the
# rows of one source follow each other), who did it (by_id), up to two more users a title names, the names of the
# cohort and the employer, free text, a moment, a day and a number the title may need, and which fields a saved
# change changed (change_source).
COLUMNS: dict[str, models.Field] = {
    "at": models.DateTimeField(),
    "rank": models.IntegerField(),
    "source": models.IntegerField(),
    "tie_break": models.BigIntegerField(),
    "tie_break_2": models.BigIntegerField(),
    "by_id": models.BigIntegerField(),
    "user_2_id": models.BigIntegerField(),
    "user_3_id": models.BigIntegerField(),
    "cohort": models.TextField(),
    "employer": models.TextField(),
    "text_1": models.TextField(),
    "text_2": models.TextField(),
    "text_3": models.TextField(),
    "text_4": models.TextField(),
    "moment": models.DateTimeField(),
    "day": models.DateField(),
    "number": models.IntegerField(),
    "changed": models.BigIntegerField(),
}
_PREFIX = "timeline_"
# Newest first; events of the same moment in the order in which they follow each other (rank), then as each
# source lists them.
_ORDER = (
    f"-{_PREFIX}at",
    f"-{_PREFIX}rank",
    f"{_PREFIX}source",
    f"{_PREFIX}tie_break",
    f"{_PREFIX}tie_break_2",
)

Row = Mapping[str, Any]
Users = Mapping[int, Any]


@dataclass(frozen=True)
class TimelineSource:
    """One kind of event: its rows as some of COLUMNS (`columns`, expressions over `rows`; the rest are NULL),
    and how a row is told (`tell(row, users)`, with the users the rows name, by id)."""

    kind: str
    rows: QuerySet
    columns: Mapping[str, Any]
    tell: Callable[[Row, Users], TimelineEvent]


class _TypedNull(Expression):
    """A NULL of a column's type: what Cast(Value(None), output_field=...) says, for a fraction of what the ORM
    spends to copy, resolve and compile one. A timeline query holds well over a hundred of them."""

    def resolve_expression(self, *args, **kwargs):
        return self  # nothing to resolve, and nothing in it changes

    def as_sql(self, compiler, connection):
        return f"CAST(NULL AS {self.output_field.cast_db_type(connection)})", []


_NULLS = {name: _TypedNull(output_field=field) for name, field in COLUMNS.items()}


def _columns(source: TimelineSource, position: int) -> dict[str, Any]:
    given = {
        **source.columns,
        "rank": Value(_TIMELINE_RANK.get(source.kind, 0)),
        "source": Value(position),
    }
    unknown = set(given) - set(COLUMNS)
    if unknown:
        raise ValueError(f"Not a timeline column: {sorted(unknown)}")
    # Typed NULLs: PostgreSQL matches a UNION's column types pairwise, and an untyped NULL would be text. The
    # columns are named apart from the models' fields (an annotation may not take a field's name).
    return {f"{_PREFIX}{name}": given.get(name, _NULLS[name]) for name in COLUMNS}


def timeline_read(
    sources: Iterable[TimelineSource], *, limit: int | None = None, known_users: Iterable = ()
) -> list[TimelineEvent]:
    """The events of the sources, newest first, at most `limit` of them: one query for the rows, one for the users
    they name, unless `known_users` (already loaded) holds them all."""
    sources = list(sources)
    parts = [source.rows.order_by().values(**_columns(source, position)) for position, source in enumerate(sources)]
    combined = parts[0].union(*parts[1:], all=True).order_by(*_ORDER)
    rows = [
        {name[len(_PREFIX) :]: value for name, value in row.items()}
        for row in (combined if limit is None else combined[:limit])
    ]
    users = {known.pk: known for known in known_users if known is not None}
    named = {row[column] for row in rows for column in ("by_id", "user_2_id", "user_3_id")} - {None} - set(users)
    if named:
        users.update(get_user_model().objects.in_bulk(named))
    return [sources[row["source"]].tell(row, users) for row in rows]


def label(model: type[models.Model], field_name: str, value) -> str:
    """What get_<field>_display() says for a value of a field with choices."""
    return str(dict(model._meta.get_field(field_name).flatchoices).get(value, value))  # type: ignore[union-attr]


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


# --- Saved changes of audited rows ---------------------------------------------------------------------------

# Per audited model, the fields whose change the timeline does not list from the history: bookkeeping, and
# what another event already tells (a status change, a hand-over, an answer of the employer).
UNTOLD_FIELDS = frozenset({"id", "created_at", "updated_at"})
_UNTOLD_CANDIDATE_FIELDS = UNTOLD_FIELDS | {"adviser", "consent_recorded_by", "anonymised_at", "current_enrolment"}
_UNTOLD_ENROLMENT_FIELDS = UNTOLD_FIELDS | {
    "candidate",
    "cohort",
    "status",
    "status_changed_at",
    "started_on",
    "ended_on",
    "dropout_reason",
    "reserve_position",
    "interest_confirmed_on",
}
_UNTOLD_OUTCOME_FIELDS = UNTOLD_FIELDS | {"enrolment", "recorded_by"}


def _told_fields(model: type[models.Model], history_model, untold: frozenset[str]) -> list[models.Field]:
    kept = {field.attname for field in history_model._meta.concrete_fields}
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in untold and not field.generated and field.attname in kept
    ]


class _Sum(Func):
    """a + b + c, flat: nested pairs of a long sum overflow SQLite's parser."""

    arg_joiner = " + "
    template = "(%(expressions)s)"
    output_field = models.BigIntegerField()


# A field's place in the sum of _changed_fields is a bit of a 64-bit integer.
_MOST_TOLD_FIELDS = 62


class _Differs(Func):
    """`bit` when a field of a version differs from the same field of the version it is compared with, else 0; two
    NULLs do not differ. One flat expression per field: the change sources compare dozens of fields, and a
    CASE built from lookups costs the ORM many times more to build and compile on every page."""

    template = "CASE WHEN %(expressions)s THEN %(bit)s ELSE 0 END"
    arg_joiner = " IS DISTINCT FROM "
    output_field = models.BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite's null-safe "differs".
        return self.as_sql(compiler, connection, arg_joiner=" IS NOT ", **extra_context)


def _changed_fields(fields: list[models.Field]) -> Any:
    """In a query of a row's earlier versions (correlated to a version), which fields differ from the version: the
    sum of 2**i over the fields i (by their place in `fields`) that differ, 0 when none."""
    if len(fields) > _MOST_TOLD_FIELDS:
        raise ValueError(f"More than {_MOST_TOLD_FIELDS} fields to compare")
    parts: list[Any] = [Value(0)]
    for place, field in enumerate(fields):
        parts.append(_Differs(F(field.attname), OuterRef(field.attname), bit=2**place))
    return _Sum(*parts)


@cache
def _changes_of(
    model: type[models.Model], history_model: type[models.Model], untold: frozenset[str]
) -> "tuple[list[models.Field], Subquery[Any]]":
    """The told fields of a model and, for a version (the outer row), which of them differ from the version of the
    same row before it (`_changed_fields`).

    Built once per model: the comparison of dozens of fields is the same expression on every page, and building and
    resolving it anew was most of what telling the changes cost. A query copies an expression before it resolves
    it, so the one built here stays as it is. The version before is looked up by the row's id alone: a version
    belongs to one row, so the row's earlier versions are those of the same scope.
    """
    before = history_model._default_manager.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    fields = _told_fields(model, history_model, untold)
    changed = Subquery(
        before.order_by("-history_date", "-history_id").values(changed=_changed_fields(fields))[:1],
        output_field=models.BigIntegerField(),
    )
    return fields, changed


def change_source(
    model: type[models.Model],
    versions: QuerySet,
    untold: frozenset[str],
    title: Callable[[Row, str], str],
    **columns,
) -> TimelineSource:
    """An event for each saved change of an audited row, naming the fields that changed, never their values.

    `versions` are the row's history versions (those the user may see); each change is compared with the version
    of the same row before it. Creating a row is told by its own event, so only changes count; a save that changed
    only untold fields adds nothing. `title(row, fields)` says what changed, from the row's `columns` (expressions
    over the versions).
    """
    history_model: type[models.Model] = versions.model
    fields, changed = _changes_of(model, history_model, untold)
    # No earlier version: NULL, and NULL > 0 holds for no row.
    rows = versions.filter(history_type="~").alias(changed=changed).filter(changed__gt=0)

    def tell(row: Row, users: Users) -> TimelineEvent:
        changed = row["changed"]
        labels = ", ".join(str(field.verbose_name) for place, field in enumerate(fields) if changed & 2**place)
        return TimelineEvent(at=row["at"], kind="change", title=title(row, labels), by=users.get(row["by_id"]))

    return TimelineSource(
        kind="change",
        rows=rows,
        columns={
            "at": F("history_date"),
            "tie_break": F("history_id"),
            "by_id": F("history_user_id"),
            "changed": F("changed"),
            **columns,
        },
        tell=tell,
    )


# --- What the candidates app records -------------------------------------------------------------------------


def _registered(candidate: Candidate) -> TimelineSource:
    def tell(row: Row, users: Users) -> TimelineEvent:
        return TimelineEvent(
            at=row["at"],
            kind="registered",
            title=_("Registered in the portal"),
            detail=_("Consent recorded for: %(purpose)s") % {"purpose": candidate.consent_purpose}
            if candidate.has_consent
            else "",
            by=users.get(row["by_id"]),
        )

    return TimelineSource(
        kind="registered",
        rows=Candidate.objects.filter(pk=candidate.pk),
        columns={"at": F("created_at"), "tie_break": F("pk"), "by_id": F("consent_recorded_by_id")},
        tell=tell,
    )


def _status_title(row: Row) -> str:
    cohort, to_status = row["cohort"], label(EnrolmentTransition, "to_status", row["text_2"])
    if not row["text_1"]:
        return _("Enrolled in %(cohort)s as %(status)s") % {"cohort": cohort, "status": to_status}
    if row["text_1"] == row["text_2"]:
        return _("%(cohort)s: still %(status)s") % {"cohort": cohort, "status": to_status}
    return _("%(cohort)s: %(from)s → %(to)s") % {
        "cohort": cohort,
        "from": label(EnrolmentTransition, "from_status", row["text_1"]),
        "to": to_status,
    }


# The enrolments whose events a timeline lists: a query of them, or their ids when the caller has read them.
Enrolments = QuerySet[Enrolment] | list[int]


def _statuses(enrolments: Enrolments) -> TimelineSource:
    return TimelineSource(
        kind="status",
        rows=EnrolmentTransition.objects.filter(enrolment__in=enrolments),
        columns={
            "at": F("at"),
            # The transitions' own order (Meta.ordering): by enrolment, then as they were recorded.
            "tie_break": F("enrolment_id"),
            "tie_break_2": F("pk"),
            "by_id": F("by_user_id"),
            "cohort": F("enrolment__cohort__name"),
            "text_1": F("from_status"),
            "text_2": F("to_status"),
            "text_3": F("reason"),
        },
        tell=lambda row, users: TimelineEvent(
            at=row["at"], kind="status", title=_status_title(row), detail=row["text_3"], by=users.get(row["by_id"])
        ),
    )


def _appointments(enrolments: Enrolments) -> TimelineSource:
    def tell(row: Row, users: Users) -> TimelineEvent:
        title = _("Screening appointment for %(cohort)s on %(when)s") % {
            "cohort": row["cohort"],
            "when": _when(row["moment"]),
        }
        detail = _("%(place)s, with %(adviser)s (%(status)s)") % {
            "place": row["text_1"],
            "adviser": users.get(row["user_2_id"]),
            "status": label(ScreeningAppointment, "status", row["text_2"]),
        }
        return TimelineEvent(at=row["at"], kind="appointment", title=title, detail=detail, by=users.get(row["by_id"]))

    return TimelineSource(
        kind="appointment",
        rows=ScreeningAppointment.objects.filter(enrolment__in=enrolments),
        columns={
            "at": F("created_at"),
            "tie_break": F("pk"),
            "by_id": F("created_by_id"),
            "user_2_id": F("adviser_id"),
            "cohort": F("enrolment__cohort__name"),
            "text_1": F("location"),
            "text_2": F("status"),
            "moment": F("starts_at"),
        },
        tell=tell,
    )


def _screenings(enrolments: Enrolments) -> TimelineSource:
    def tell(row: Row, users: Users) -> TimelineEvent:
        title = _("Screened for %(cohort)s: %(total)s of %(max)s points") % {
            "cohort": row["cohort"],
            "total": row["number"],
            "max": Screening.MAX_SCORE,
        }
        detail = _("Screened on %(day)s; recommendation: %(recommendation)s") % {
            "day": date_format(row["day"], "DATE_FORMAT"),
            "recommendation": label(Screening, "recommendation", row["text_1"]),
        }
        return TimelineEvent(at=row["at"], kind="screening", title=title, detail=detail, by=users.get(row["by_id"]))

    return TimelineSource(
        kind="screening",
        rows=Screening.objects.filter(enrolment__in=enrolments),
        columns={
            "at": F("created_at"),
            "tie_break": -F("pk"),  # Meta.ordering: the newest first
            "by_id": F("adviser_id"),
            "cohort": F("enrolment__cohort__name"),
            "number": F("total_score"),
            "day": F("screened_on"),
            "text_1": F("recommendation"),
        },
        tell=tell,
    )


def _outcomes(enrolments: Enrolments) -> TimelineSource:
    def tell(row: Row, users: Users) -> TimelineEvent:
        title = _("Outcome for %(cohort)s: %(outcome)s") % {
            "cohort": row["cohort"],
            "outcome": label(Outcome, "kind", row["text_1"]),
        }
        where = row["employer"] if row["employer"] is not None else row["text_2"]
        parts = (where, label(Outcome, "contract_type", row["text_3"]), row["text_4"])
        detail = " · ".join(part for part in parts if part)
        return TimelineEvent(at=row["at"], kind="outcome", title=title, detail=detail, by=users.get(row["by_id"]))

    return TimelineSource(
        kind="outcome",
        rows=Outcome.objects.filter(enrolment__in=enrolments),
        columns={
            "at": F("created_at"),
            "tie_break": F("pk"),
            "by_id": F("recorded_by_id"),
            "cohort": F("enrolment__cohort__name"),
            "employer": F("employer__organisation__name"),
            "text_1": F("kind"),
            "text_2": F("employer_name"),
            "text_3": F("contract_type"),
            "text_4": F("next_step"),
        },
        tell=tell,
    )


def _imports(imports: QuerySet[CandidateImport]) -> TimelineSource:
    return TimelineSource(
        kind="import",
        rows=imports,
        columns={
            "at": F("at"),
            "tie_break": F("pk"),
            "by_id": F("uploaded_by_id"),
            "cohort": F("cohort__name"),
            "text_1": F("file_name"),
        },
        tell=lambda row, users: TimelineEvent(
            at=row["at"],
            kind="import",
            title=_("Imported from %(file)s") % {"file": row["text_1"]},
            detail=_("Into %(cohort)s") % {"cohort": row["cohort"]},
            by=users.get(row["by_id"]),
        ),
    )


def _adviser_changes(candidate: Candidate) -> TimelineSource:
    def tell(row: Row, users: Users) -> TimelineEvent:
        title = _("Adviser changed from %(from)s to %(to)s") % {
            "from": users.get(row["user_2_id"]) or _("nobody"),
            "to": users.get(row["user_3_id"]),
        }
        return TimelineEvent(
            at=row["at"], kind="adviser", title=title, detail=row["text_1"], by=users.get(row["by_id"])
        )

    return TimelineSource(
        kind="adviser",
        rows=AdviserChange.objects.filter(candidate=candidate),
        columns={
            "at": F("at"),
            "tie_break": F("pk"),
            "by_id": F("by_user_id"),
            "user_2_id": F("from_adviser_id"),
            "user_3_id": F("to_adviser_id"),
            "text_1": F("reason"),
        },
        tell=tell,
    )


def _notes(candidate: Candidate) -> TimelineSource:
    return TimelineSource(
        kind="note",
        rows=Note.objects.filter(candidate=candidate),
        columns={"at": F("created_at"), "tie_break": F("pk"), "by_id": F("author_id"), "text_1": F("text")},
        tell=lambda row, users: TimelineEvent(
            at=row["at"], kind="note", title=_("Note"), detail=row["text_1"], by=users.get(row["by_id"])
        ),
    )


def _changes(*, candidate: Candidate, enrolments: Enrolments) -> list[TimelineSource]:
    """What the history tables hold beyond the other events: edits of the person's details, of an enrolment or
    an outcome."""
    return [
        change_source(
            Candidate,
            Candidate.history.filter(id=candidate.pk),
            _UNTOLD_CANDIDATE_FIELDS,
            lambda row, fields: _("Details changed: %(fields)s") % {"fields": fields},
        ),
        change_source(
            Enrolment,
            Enrolment.history.filter(id__in=enrolments),
            _UNTOLD_ENROLMENT_FIELDS,
            lambda row, fields: _("%(cohort)s: changed %(fields)s") % {"cohort": row["cohort"], "fields": fields},
            cohort=F("cohort__name"),
        ),
        change_source(
            Outcome,
            Outcome.history.filter(enrolment_id__in=enrolments),
            _UNTOLD_OUTCOME_FIELDS,
            lambda row, fields: (
                _("Outcome for %(cohort)s changed: %(fields)s") % {"cohort": row["cohort"], "fields": fields}
            ),
            cohort=F("enrolment__cohort__name"),
        ),
    ]


def candidate_sources(
    *, candidate: Candidate, user=None, enrolment_ids: Collection[int] | None = None
) -> list[TimelineSource]:
    """What happened to a candidate in this app, as timeline sources: the candidate's page adds the placements
    (employers.selectors.candidate_timeline) and reads them together (timeline_read).

    With a user, only what that user may see: the enrolments of their pilots, and the notes only for the roles
    that work with them. A caller that has read the candidate's enrolments the user may see already passes their
    ids (`enrolment_ids`): the sources then name them instead of each repeating the user's scope, which is most of
    what planning the query costs.
    """
    enrolments: Enrolments
    imports = CandidateImport.objects.filter(candidates=candidate)
    if user is None:
        enrolments = Enrolment.objects.filter(candidate=candidate)
        show_notes = True
    else:
        enrolments = enrolment_list(user=user).filter(candidate=candidate) if enrolment_ids is None else []
        if user.role != Role.ADMINISTRATOR:
            imports = imports.filter(cohort__pilot__in=pilot_list(user=user))
        show_notes = user.role in NOTE_READER_ROLES
    if enrolment_ids is not None:
        # The ids themselves rather than a query of the candidate's enrolments among them: the caller read them as
        # the candidate's, and each source names them in a plain IN list that costs little to build and to plan.
        enrolments = list(enrolment_ids)
    return [
        _registered(candidate),
        _statuses(enrolments),
        _appointments(enrolments),
        _screenings(enrolments),
        _outcomes(enrolments),
        _imports(imports),
        _adviser_changes(candidate),
        *([_notes(candidate)] if show_notes else []),
        *_changes(candidate=candidate, enrolments=enrolments),
    ]


def known_users(*, candidate: Candidate, user=None) -> list:
    """The users a timeline may name that are in memory already: the reader, and the candidate's adviser and
    consent recorder when the candidate was read with them."""
    known = [user]
    for relation in (Candidate.adviser, Candidate.consent_recorded_by):
        if relation.is_cached(candidate):
            known.append(getattr(candidate, relation.field.name))
    return known
