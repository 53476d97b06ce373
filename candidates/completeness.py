"""Which fields a selection needs, and which a candidate's record still lacks.

Matching fails on incomplete records (the benefits agency's national candidate search listed
42% of its people without an education level), so advisers see the gaps per candidate and
per cohort.

Erasure keeps which requirements a record met (not the data that met them), so that the completeness figures of
every report stay the same after a candidate's data is erased.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Case, Count, Q, QuerySet, When
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Candidate


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str | Promise  # a lazy translation
    fields: tuple[str, ...]  # any one filled in satisfies the requirement

    def is_met(self, candidate: Candidate) -> bool:
        kept = candidate.requirements_met_when_erased
        if kept is not None:
            # The data was erased: the record counts as it was then (requirements_met_at_erasure).
            return self.key in kept
        return any(getattr(candidate, name) not in (None, "", []) for name in self.fields)


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("date_of_birth", _("date of birth"), ("date_of_birth",)),
    Requirement("contact", _("e-mail or phone"), ("email", "phone")),
    Requirement("postcode", _("postcode"), ("postcode",)),
    Requirement("education_level", _("highest education"), ("education_level",)),
    Requirement("speaking_level", _("speaking level"), ("speaking_level",)),
    Requirement("listening_level", _("listening level"), ("listening_level",)),
    Requirement("reading_level", _("reading level"), ("reading_level",)),
    Requirement("writing_level", _("writing level"), ("writing_level",)),
    Requirement("available_days", _("available days"), ("available_days",)),
    Requirement("consent", _("consent"), ("consent_given_at",)),
)

# The model fields the check reads, for .only() in list queries.
CHECKED_FIELDS = sorted(
    {"requirements_met_when_erased", *(name for requirement in REQUIREMENTS for name in requirement.fields)}
)


def requirements_met_at_erasure(candidate: Candidate) -> list[str]:
    """What erasure keeps of the record for the completeness figures: the keys of the requirements it meets.

    Called on the record as it is just before its data is erased; from then on is_met answers from these keys,
    so that a cohort's or a pilot's completeness counts the person as before. A requirement added later is not
    met by a record erased before it: there is nothing left to check it against.
    """
    return [requirement.key for requirement in REQUIREMENTS if requirement.is_met(candidate)]


def _empty(name: str) -> Q:
    field = Candidate._meta.get_field(name)
    if isinstance(field, models.JSONField):
        return Q(**{f"{name}__isnull": True}) | Q(**{name: []})
    if isinstance(field, models.CharField | models.TextField):
        return Q(**{name: ""}) | Q(**{f"{name}__isnull": True}) if field.null else Q(**{name: ""})
    return Q(**{f"{name}__isnull": True})


def missing_condition(requirement: Requirement) -> Q:
    """Requirement.is_met as a query condition for records whose data is still there: none of its fields filled."""
    condition = Q()
    for name in requirement.fields:
        condition &= _empty(name)
    return condition


def gap_count():
    """How many requirements a record with its data misses, as an expression of the row (the database counts)."""
    missing = [Case(When(missing_condition(requirement), then=1), default=0) for requirement in REQUIREMENTS]
    return sum(missing[1:], start=missing[0])


def missing_requirements(candidate: Candidate) -> list[Requirement]:
    return [requirement for requirement in REQUIREMENTS if not requirement.is_met(candidate)]


def completeness_percentage(candidate: Candidate) -> int:
    met = len(REQUIREMENTS) - len(missing_requirements(candidate))
    return round(100 * met / len(REQUIREMENTS))


@dataclass(frozen=True)
class GroupCompleteness:
    candidates: int
    complete: int
    percentage: int  # share of all requirements met over the group
    missing_by_requirement: dict[str, int]


def group_completeness(candidates: Iterable[Candidate]) -> GroupCompleteness:
    """How complete a group's records are (a cohort, an adviser's caseload)."""
    return _group_completeness(*_count_gaps(candidates))


def _count_gaps(candidates: Iterable[Candidate]) -> tuple[int, int, dict[str, int]]:
    """The records, the complete ones and the records missing each requirement, counted one record at a time."""
    total = complete = 0
    missing: dict[str, int] = {requirement.key: 0 for requirement in REQUIREMENTS}
    for candidate in candidates:
        total += 1
        gaps = missing_requirements(candidate)
        complete += not gaps
        for requirement in gaps:
            missing[requirement.key] += 1
    return total, complete, missing


def _group_completeness(total: int, complete: int, missing: dict[str, int]) -> GroupCompleteness:
    met = total * len(REQUIREMENTS) - sum(missing.values())
    percentage = round(100 * met / (total * len(REQUIREMENTS))) if total else 100
    return GroupCompleteness(candidates=total, complete=complete, percentage=percentage, missing_by_requirement=missing)


def group_completeness_counted(candidates: QuerySet[Candidate]) -> GroupCompleteness:
    """group_completeness of a queryset (each candidate once), with the same figures, counted by the database in
    one query, for a group of thousands as a pilot's report has: the records that still hold their data by the
    conditions of missing_condition, the erased ones grouped by what erasure kept of them (Requirement.is_met).
    """
    # Complete: no requirement missing (gap_count() == 0), written so that the database stops at the first gap
    # rather than adding up all of them for every record.
    any_missing = Q()
    for requirement in REQUIREMENTS:
        any_missing |= missing_condition(requirement)
    groups = (
        candidates.order_by()
        .values("requirements_met_when_erased")
        .annotate(
            n=Count("pk"),
            complete=Count("pk", filter=~any_missing),
            **{f"missing_{r.key}": Count("pk", filter=missing_condition(r)) for r in REQUIREMENTS},
        )
    )
    total = complete = 0
    missing: dict[str, int] = {requirement.key: 0 for requirement in REQUIREMENTS}
    group: dict[str, Any]
    for group in groups:  # type: ignore[assignment]
        kept = group["requirements_met_when_erased"]
        total += group["n"]
        if kept is None:
            complete += group["complete"]
            for key in missing:
                missing[key] += group[f"missing_{key}"]
            continue
        gaps = [key for key in missing if key not in kept]
        complete += 0 if gaps else group["n"]
        for key in gaps:
            missing[key] += group["n"]
    return _group_completeness(total, complete, missing)
