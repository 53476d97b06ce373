"""The filters of the candidate list, shared by the list page and its CSV and XLSX exports.

Everything lives in the URL (GET), so a filtered list can be bookmarked and shared. The list
query reads only the candidates' own columns and the adviser (a join), filters with EXISTS
and sorts on indexed columns, so the database picks a page without looking at the rest; the
current cohort and status are read afterwards for the rows shown (with_current_enrolments),
in one query per page. Sorting on the cohort uses the pilot and cohort names of the candidate's
current enrolment, which the services keep on the candidate with an index (Candidate.sort_pilot_name).
"""

import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import cache
from typing import TypedDict, cast

import django_filters
import django_filters.fields
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core import widgets
from core.roles import Role
from pilots.forms import reference_choices_of
from pilots.models import Cohort, Pilot, PilotPartner, ReferenceKind
from pilots.selectors import pilot_list

from .completeness import CHECKED_FIELDS
from .models import Candidate, CandidateBarrier, Enrolment, EnrolmentStatus, LanguageLevel, ReferralSource
from .selectors import candidate_current_enrolments, candidate_list, candidate_list_count

LANGUAGE_SKILLS = (
    ("speaking", _("Speaking")),
    ("listening", _("Listening")),
    ("reading", _("Reading")),
    ("writing", _("Writing")),
)


class CurrentEnrolment(TypedDict):
    """What the list and the export read of the latest enrolment the user may see (CandidateFilter annotates it)."""

    current_status: str | None
    current_cohort_id: int | None
    current_cohort_name: str | None
    current_pilot_name: str | None


# What the list and the export read of a candidate: the columns, and what the completeness check needs.
ROW_FIELDS = sorted(
    {
        "first_name",
        "last_name_prefix",
        "last_name",
        "date_of_birth",
        "email",
        "phone",
        "postcode",
        "city",
        "referral_source",
        "created_at",
        "adviser",
        "adviser__first_name",
        "adviser__last_name",
        "adviser__username",
        *CHECKED_FIELDS,
    }
)

_PHONE_NOISE = re.compile(r"[\s\-().]")
_PHONE_QUERY = re.compile(r"^\+?[0-9]{3,}$")
_FULL_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Z]{2})$")
_PARTIAL_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Z]?)$")


def _phone_digits(text: str) -> str:
    """The search text in the form phone numbers are stored in (E.164): '06-1234' → '+3161234', '0032 470' → '+32470'.

    Only the start of a number is rewritten: a part of one ('1234') is searched as typed.
    """
    digits = _PHONE_NOISE.sub("", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+31" + digits[1:]
    if digits.startswith("+31"):
        digits = "+31" + digits[3:].removeprefix("0")
    return digits


def search_condition(text: str) -> tuple[Q, bool]:
    """Match on name, e-mail, phone or postcode, as an adviser would type them.

    Returns the condition and whether it compares phone numbers without their spaces (the
    queryset then needs the `phone_digits` alias).
    """
    text = " ".join(text.split())
    condition = Q(email__icontains=text)
    # Every word must occur in some part of the name, so "jan de vries" and "vries jan" both find Jan de Vries.
    name = Q()
    for word in text.split(" "):
        name &= Q(first_name__icontains=word) | Q(last_name_prefix__icontains=word) | Q(last_name__icontains=word)
    condition |= name

    upper = text.upper()
    if match := _FULL_POSTCODE.match(upper):
        condition |= Q(postcode=f"{match.group(1)} {match.group(2)}")
    elif match := _PARTIAL_POSTCODE.match(upper):
        # Postcodes are stored in capitals; istartswith compares UPPER(postcode), which the trigram index holds.
        condition |= Q(postcode__istartswith=f"{match.group(1)} {match.group(2)}".rstrip())

    digits = _phone_digits(text)
    uses_phone = bool(_PHONE_QUERY.match(digits))
    if uses_phone:
        condition |= Q(phone_digits__contains=digits)
    return condition, uses_phone


def adviser_choices(*, user, pilot_ids: list[int] | None = None) -> QuerySet:
    """Advisers whose candidates the user may meet: those of organisations in the user's pilots.

    The organisations come from the pilots and their partners (small tables) as subqueries, so the choices
    neither join nor scan candidates and need no DISTINCT: a user is in the advisers' group once. `pilot_ids`: the
    keys of pilot_list(user=user), when read already.
    """
    advisers = get_user_model().objects.filter(groups__name=Role.ADVISER)
    if user.role != Role.ADMINISTRATOR:
        pilots: QuerySet[Pilot] = pilot_list(user=user) if pilot_ids is None else Pilot.objects.filter(pk__in=pilot_ids)
        advisers = advisers.filter(
            Q(organisation_id__in=pilots.values("lead_organisation_id"))
            | Q(organisation_id__in=PilotPartner.objects.filter(pilot__in=pilots).values("organisation_id"))
        )
    return advisers.order_by("last_name", "first_name", "username")


class _ChoicesOnceIterator(django_filters.fields.ModelChoiceIterator):
    field: "ChoicesOnceField"

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.field.rows()

    def __len__(self) -> int:
        return len(self.field.rows()) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.field.rows())


class ChoicesOnceField(django_filters.fields.ModelChoiceField):
    """A model choice read once per form: checking the chosen value and drawing the options share one query
    (Django's field asks the database for each). The query reads each choice's key and the columns of its label
    (`label_fields`, written by `label_of` as the model's __str__ writes them) rather than model instances, and
    the options are written in Python (core.widgets.Select): a few hundred cohorts are a few hundred options on
    every page of the list. The chosen value cleans to an instance of the model that holds only its key, which is
    what filtering on it needs."""

    iterator = _ChoicesOnceIterator
    widget = widgets.Select
    label_fields: tuple[str, ...] = ()
    label_of: Callable[..., str] = staticmethod(str)

    def rows(self) -> list[tuple[object, str]]:
        """The (key, label) of each choice, in the queryset's order."""
        if "_rows" not in self.__dict__:
            # Each label escaped here, once: the widget leaves safe text as it is.
            self.__dict__["_rows"] = (
                [
                    (key, escape(self.label_of(*values)))
                    for key, *values in self.queryset.values_list(self.to_field_name or "pk", *self.label_fields)
                ]
                if self.queryset is not None
                else []
            )
        return self.__dict__["_rows"]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        key = self.to_field_name or "pk"
        chosen = str(getattr(value, key, value))
        for row_key, _label in self.rows():
            if str(row_key) == chosen and self.queryset is not None:
                return self.queryset.model(**{key: row_key})
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})


class ChoicesOnceFilter(django_filters.ModelChoiceFilter):
    field_class = ChoicesOnceField

    def __init__(self, *args, label_fields: tuple[str, ...], label_of: Callable[..., str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.label_fields = label_fields
        self.label_of = label_of

    @property
    def field(self) -> ChoicesOnceField:
        field = super().field
        assert isinstance(field, ChoicesOnceField)
        field.label_fields = self.label_fields
        field.label_of = self.label_of
        return field


def _cohort_label(pilot_name: str, name: str) -> str:
    return f"{pilot_name} – {name}"  # as Cohort.__str__


def _user_label(first_name: str, last_name: str, username: str) -> str:
    return f"{first_name} {last_name}".strip() or username  # as User.__str__ (AbstractUser.get_full_name)


def crispy_field_html(field: forms.BoundField) -> SafeString:
    """A filter as crispy's bootstrap5 field.html draws it (`{{ field|as_crispy_field }}`): its label, its widget
    with the same classes and attributes, and its errors, for the widgets this form has (selects and inputs, no
    check boxes, no help texts). Written in Python: crispy renders four templates per field, which for the eleven
    filters cost more than the rest of the list."""
    widget = field.field.widget
    # What crispy's {% crispy_field %} adds to the widget's classes: its own name, then Bootstrap's.
    class_name = widget.__class__.__name__.lower()
    css_class = widget.attrs.get("class", "")
    if not css_class:
        css_class = class_name
    elif css_class.find(class_name) == -1:
        css_class += f" {class_name}"
    bootstrap = "form-select" if isinstance(widget, forms.Select) else "form-control"
    for name in [bootstrap, "is-invalid"] if field.errors else [bootstrap]:
        if name not in css_class.split():
            css_class += f" {name}"
    widget.attrs["class"] = css_class
    label = (
        format_html('<label for="{}" class="form-label">{}</label>', field.id_for_label, field.label)
        if field.label
        else ""
    )
    errors = (
        format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            getattr(field.errors, "field_id", field.auto_id),
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((number, field.auto_id, error) for number, error in enumerate(field.errors, start=1)),
            ),
        )
        if field.errors
        else ""
    )
    return format_html('<div id="div_{}" class="mb-3">{}{}{}</div>', field.auto_id, label, field.as_widget(), errors)


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class CandidateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.SearchInput(attrs={"autofocus": True, "placeholder": _("Name, e-mail, phone or postcode")}),
    )
    pilot = ChoicesOnceFilter(
        label=_("Pilot"),
        queryset=Pilot.objects.none(),
        method="filter_by_enrolment",
        empty_label=_("All pilots"),
        label_fields=("name",),
        label_of=str,  # as Pilot.__str__
    )
    cohort = ChoicesOnceFilter(
        label=_("Cohort"),
        queryset=Cohort.objects.none(),
        method="filter_by_enrolment",
        empty_label=_("All cohorts"),
        label_fields=("pilot__name", "name"),
        label_of=_cohort_label,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=EnrolmentStatus.choices,
        method="filter_by_enrolment",
        empty_label=_("Any status"),
        widget=widgets.Select,
    )
    skill = django_filters.ChoiceFilter(
        label=_("Language skill"),
        choices=LANGUAGE_SKILLS,
        method="filter_by_language",
        empty_label=_("All four skills"),
        widget=widgets.Select,
    )
    level = django_filters.ChoiceFilter(
        label=_("Language level at least"),
        choices=LanguageLevel.choices,
        method="filter_by_language",
        empty_label=_("Any level"),
        widget=widgets.Select,
    )
    barrier = django_filters.ChoiceFilter(
        label=_("Open barrier"),
        choices=reference_choices_of(ReferenceKind.BARRIER),
        method="filter_barrier",
        empty_label=_("Any"),
        widget=widgets.Select,
    )
    adviser = ChoicesOnceFilter(
        label=_("Adviser"),
        queryset=get_user_model().objects.none(),
        empty_label=_("All advisers"),
        label_fields=("first_name", "last_name", "username"),
        label_of=_user_label,
    )
    referral_source = django_filters.ChoiceFilter(
        label=_("Referral source"),
        choices=ReferralSource.choices,
        empty_label=_("All sources"),
        widget=widgets.Select,
    )
    registered_from = django_filters.DateFilter(
        label=_("Registered from"), method="filter_registered_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    registered_until = django_filters.DateFilter(
        label=_("Registered until"), method="filter_registered_until", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Candidate
        fields: list[str] = []

    def __init__(self, data=None, *, user, **kwargs) -> None:
        # Always bound: the rows get their cohort and status columns from filter_queryset. The scope follows below.
        super().__init__(data if data is not None else QueryDict(), Candidate.objects.all(), **kwargs)
        self.user = user
        # The choices read only their keys and what their labels show (ChoicesOnceField): a few hundred rows for a
        # large region, each drawn as an option on every page of the list.
        pilot_filter = cast(ChoicesOnceFilter, self.filters["pilot"])
        pilot_filter.queryset = pilot_list(user=user).select_related(None)
        # The pilots of the choices are pilot_list(user=user): read once (the form's field is a copy of this one and
        # keeps the rows), the scope, the count, the cohorts and the advisers hold their keys as values.
        self.pilot_ids: list[int] | None = (
            None if user.role == Role.ADMINISTRATOR else [cast(int, key) for key, _label in pilot_filter.field.rows()]
        )
        self.queryset = candidate_list(user=user, pilot_ids=self.pilot_ids)
        # The cohorts the user may see, without seat counts (candidates.selectors.with_seat_counts): those add a
        # scan of every enrolment to each page.
        cohorts = Cohort.objects.all() if self.pilot_ids is None else Cohort.objects.filter(pilot_id__in=self.pilot_ids)
        cast(django_filters.ModelChoiceFilter, self.filters["cohort"]).queryset = cohorts.order_by(
            "start_date", "pilot__name", "name"
        )
        cast(django_filters.ModelChoiceFilter, self.filters["adviser"]).queryset = adviser_choices(
            user=user, pilot_ids=self.pilot_ids
        )
        # The barrier list (reference data) read at most once per form: checking the chosen barrier and drawing the
        # options would each read it.
        self.filters["barrier"].extra["choices"] = cache(reference_choices_of(ReferenceKind.BARRIER))

    def count(self) -> int:
        """len(self.qs): the same filters on the candidates without the scope, counted by candidate_list_count."""
        self.errors  # noqa: B018 - validates the form, as self.qs does, before filter_queryset reads it
        return candidate_list_count(
            user=self.user, candidates=self.filter_queryset(Candidate.objects.all()), pilot_ids=self.pilot_ids
        )

    @cached_property
    def fields_html(self) -> dict[str, SafeString]:
        """Each filter of the form drawn as crispy draws it (crispy_field_html), by name, for _cand_filters.html."""
        return {name: crispy_field_html(self.form[name]) for name in self.form.fields}

    # The pilot, cohort and status filters describe one and the same enrolment; they are combined
    # in filter_queryset, so a candidate who is "selected" in another cohort does not match.
    def filter_by_enrolment(self, queryset, name, value):
        return queryset

    def filter_by_language(self, queryset, name, value):
        return queryset

    def filter_search(self, queryset, name, value):
        if not value.strip():
            return queryset
        condition, uses_phone = search_condition(value)
        if uses_phone:
            queryset = queryset.alias(phone_digits=Replace("phone", Value(" "), Value("")))
        return queryset.filter(condition)

    def filter_barrier(self, queryset, name, value):
        open_barrier = CandidateBarrier.objects.filter(candidate=OuterRef("pk"), kind=value, resolved=False)
        return queryset.filter(Exists(open_barrier))

    def filter_registered_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def filter_registered_until(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + timedelta(days=1)))

    def filter_queryset(self, queryset):
        # The scope (candidate_list) is a condition on the candidate's own row, so the filters add to it directly,
        # without a self-join on the primary key; count() applies them to the candidates without the scope.
        queryset = super().filter_queryset(queryset)
        cleaned = self.form.cleaned_data

        level = cleaned.get("level")
        if level:
            skills = [cleaned["skill"]] if cleaned.get("skill") else [code for code, _label in LANGUAGE_SKILLS]
            # The CEFR codes sort in the order of the levels, and an empty level sorts before all of them.
            queryset = queryset.filter(**{f"{skill}_level__gte": level for skill in skills})

        match = self.enrolment_match()
        if match:
            queryset = queryset.filter(Exists(self._enrolments().filter(candidate=OuterRef("pk"), **match)))
        return queryset.select_related("adviser").only(*ROW_FIELDS)

    def _enrolments(self) -> QuerySet[Enrolment]:
        """The enrolments of enrolment_list(user=...) for the list's readers, with the user's cohorts as a subquery
        rather than a join: the database then checks each enrolment it finds through the index of its candidate
        against one list of cohorts, instead of joining the cohorts and the pilots again for every candidate."""
        if self.pilot_ids is None:  # an administrator
            return Enrolment.objects.all()
        # The cohorts of cohort_list(user=...), from the pilots read already.
        return Enrolment.objects.filter(cohort__in=Cohort.objects.filter(pilot_id__in=self.pilot_ids).values("pk"))

    def enrolment_match(self) -> dict:
        """What the pilot, cohort and status filters ask of one enrolment; empty without them."""
        cleaned = self.form.cleaned_data if self.is_bound and hasattr(self.form, "cleaned_data") else {}
        match = {}
        if cleaned.get("pilot"):
            match["cohort__pilot"] = cleaned["pilot"]
        if cleaned.get("cohort"):
            match["cohort"] = cleaned["cohort"]
        if cleaned.get("status"):
            match["status"] = cleaned["status"]
        return match

    def with_current_enrolments(self, candidates: list[Candidate]) -> list[Candidate]:
        """The rows with what the list shows of their latest enrolment the user may see (CurrentEnrolment); with
        an enrolment filter, the latest one that matched. One query, however many rows."""
        latest = candidate_current_enrolments(
            user=self.user, candidate_ids=[candidate.pk for candidate in candidates], match=self.enrolment_match()
        )
        for candidate in candidates:
            current = latest.get(candidate.pk)
            candidate.current_status = current["status"] if current else None  # type: ignore[attr-defined]
            candidate.current_cohort_id = current["cohort_id"] if current else None  # type: ignore[attr-defined]
            candidate.current_cohort_name = current["cohort__name"] if current else None  # type: ignore[attr-defined]
            candidate.current_pilot_name = current["cohort__pilot__name"] if current else None  # type: ignore[attr-defined]
        return candidates
