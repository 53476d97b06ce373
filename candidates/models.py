import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.audit import history_user
from core.models import TimeStampedModel
from pilots.models import ReferenceItem, ReferenceKind

from .lifecycle import (
    ENROLMENT_LIFECYCLE,
    POSITIVE_OUTFLOW,
    EnrolmentQuerySet,
    EnrolmentStatus,
    OutcomeKind,
)

postcode_validator = RegexValidator(r"^[1-9][0-9]{3} ?[A-Z]{2}$", _("Enter a Dutch postcode such as 1234 AB."))


class LanguageLevel(models.TextChoices):
    """CEFR levels; the codes sort in the order of the levels."""

    A0 = "A0", _("A0 (no command)")
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


class ReferralSource(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    UWV = "uwv", _("UWV")
    SELF = "self", _("Self-registration")
    EMPLOYER = "employer", _("Employer")
    OTHER = "other", _("Other")


class BenefitType(models.TextChoices):
    NONE = "none", _("No benefit")
    SOCIAL_ASSISTANCE = "social_assistance", _("Social assistance (bijstand)")
    UNEMPLOYMENT = "unemployment", _("Unemployment benefit (WW)")
    DISABILITY = "disability", _("Disability benefit (WIA, Wajong)")
    OTHER = "other", _("Other benefit")


class Weekday(models.TextChoices):
    MONDAY = "mon", _("Monday")
    TUESDAY = "tue", _("Tuesday")
    WEDNESDAY = "wed", _("Wednesday")
    THURSDAY = "thu", _("Thursday")
    FRIDAY = "fri", _("Friday")
    SATURDAY = "sat", _("Saturday")
    SUNDAY = "sun", _("Sunday")


class EducationLevel(models.TextChoices):
    NONE = "none", _("No completed education")
    PRIMARY = "primary", _("Primary school")
    VMBO = "vmbo", _("VMBO or similar")
    MBO1 = "mbo1", _("MBO level 1 (entrance)")
    MBO2 = "mbo2", _("MBO level 2")
    MBO3 = "mbo3", _("MBO level 3")
    MBO4 = "mbo4", _("MBO level 4")
    HAVO_VWO = "havo_vwo", _("HAVO or VWO")
    HIGHER = "higher", _("HBO or university")
    FOREIGN_UNKNOWN = "foreign_unknown", _("Foreign diploma, level not assessed")


# Columns of Candidate the services keep for the candidate list's sorting: not about the person, left out of the
# history and of an access request (they could name a cohort of a pilot the reader does not work on).
CANDIDATE_LIST_BOOKKEEPING = (
    "current_enrolment",
    "sort_pilot_name",
    "sort_cohort_name",
    "current_pilot",
    "in_several_pilots",
)


# The parts of a candidate's name, in the order Candidate.full_name writes them.
NAME_FIELDS = ("first_name", "last_name_prefix", "last_name")


def name_fields(path: str) -> tuple[str, ...]:
    """NAME_FIELDS on the path of a relation to a candidate ("candidate" gives "candidate__first_name", ...): what a
    query that shows the name reads, with only() or values()."""
    return tuple(f"{path}__{field}" for field in NAME_FIELDS)


def joined_name(parts) -> str:
    """The name as Candidate.full_name writes it, from the parts in NAME_FIELDS' order (a row read as values)."""
    return " ".join(part for part in parts if part)


class Candidate(TimeStampedModel):
    """A job seeker. Only what the track needs: never a citizen service number (BSN)."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name_prefix = models.CharField(_("prefix"), max_length=20, blank=True, help_text=_("For example “van der”."))
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True, validators=[postcode_validator])
    city = models.CharField(_("city"), max_length=100, blank=True)

    referral_source = models.CharField(_("referral source"), max_length=32, choices=ReferralSource.choices)
    referring_organisation = models.ForeignKey(
        "pilots.Organisation",
        verbose_name=_("referring organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referred_candidates",
    )
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adviser"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidates",
    )

    speaking_level = models.CharField(_("speaking"), max_length=2, choices=LanguageLevel.choices, blank=True)
    listening_level = models.CharField(_("listening"), max_length=2, choices=LanguageLevel.choices, blank=True)
    reading_level = models.CharField(_("reading"), max_length=2, choices=LanguageLevel.choices, blank=True)
    writing_level = models.CharField(_("writing"), max_length=2, choices=LanguageLevel.choices, blank=True)

    benefit_type = models.CharField(
        _("benefit type"), max_length=32, choices=BenefitType.choices, default=BenefitType.NONE
    )
    is_status_holder = models.BooleanField(_("status holder"), default=False)
    education_level = models.CharField(
        _("highest education"), max_length=32, choices=EducationLevel.choices, blank=True
    )
    available_days = models.JSONField(_("available days"), default=list, blank=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(_("hours a week available"), null=True, blank=True)

    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_purpose = models.CharField(_("consent given for"), max_length=255, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when the person's data was erased (on request or after the retention period); the row stays so that
    # the evaluation figures keep counting the group.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    # The keys of the selection requirements (candidates.completeness) the record met when its data was erased, so
    # that the completeness figures count it as before; None while the data is there. Flags, not the data itself.
    requirements_met_when_erased = models.JSONField(
        _("requirements met when erased"), null=True, blank=True, editable=False
    )
    # The candidate's latest enrolment (by created_at, then pk), kept by the services that create enrolments
    # (candidates.services.current_enrolment_refresh), so that the list sorts on the cohort with a join instead
    # of a subquery per candidate. Bookkeeping, not history: left out of the history tables.
    current_enrolment = models.ForeignKey(
        "Enrolment",
        verbose_name=_("current enrolment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # The pilot and cohort names of the current enrolment, kept beside it (current_enrolment_refresh, also when a
    # cohort or pilot is renamed), so that sorting the list on the cohort reads an index instead of joining and
    # sorting every candidate in scope. NULL without an enrolment, so that those sort where a join put them.
    sort_pilot_name = models.CharField(  # noqa: DJ001
        _("pilot, for sorting"), max_length=200, null=True, blank=True, editable=False
    )
    sort_cohort_name = models.CharField(  # noqa: DJ001
        _("cohort, for sorting"), max_length=100, null=True, blank=True, editable=False
    )
    # Which pilots the candidate is enrolled in, kept for the scope of the candidate list (candidates.selectors.
    # candidate_list): the pilot of the current enrolment, and whether another enrolment lies in another pilot. Most
    # candidates have one pilot, so "may this user see them" is a condition on the candidate's own row, which the
    # database counts from an index, rather than a search through the enrolments per candidate. Kept with
    # current_enrolment (current_enrolment_refresh).
    current_pilot = models.ForeignKey(
        "pilots.Pilot",
        verbose_name=_("pilot of the current enrolment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    in_several_pilots = models.BooleanField(_("enrolled in several pilots"), default=False, editable=False)

    history = HistoricalRecords(get_user=history_user, excluded_fields=list(CANDIDATE_LIST_BOOKKEEPING))

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            # The default order, to its last column, so that a list can read any page of it from the index.
            models.Index(fields=["last_name", "first_name", "id"], name="candidate_name_pk_idx"),
            models.Index(fields=["date_of_birth"], name="candidate_birth_idx"),
            models.Index(fields=["created_at"], name="candidate_created_idx"),
            # An adviser's caseload as ids (candidates.selectors.advised_by), read from the index alone.
            models.Index(fields=["adviser", "id"], name="candidate_adviser_pk_idx"),
            # The list sorted on the cohort (CandidateTable), to its last column.
            models.Index(
                fields=["sort_pilot_name", "sort_cohort_name", "last_name", "id"], name="candidate_cohort_sort_idx"
            ),
            # The filters and the exact postcode search of the candidate list.
            models.Index(fields=["postcode"], name="candidate_postcode_idx"),
            models.Index(fields=["referral_source"], name="candidate_referral_idx"),
            # The few candidates whose enrolments lie in more than one pilot: the list's scope looks at their
            # enrolments (candidates.selectors.candidate_list).
            models.Index(fields=["id"], condition=Q(in_several_pilots=True), name="candidate_several_pilots_idx"),
            *[
                models.Index(fields=[f"{skill}_level"], name=f"candidate_{skill}_idx")
                for skill in ("speaking", "listening", "reading", "writing")
            ],
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(referral_source__in=ReferralSource.values), name="candidate_referral_source_valid"
            ),
            models.CheckConstraint(condition=Q(benefit_type__in=BenefitType.values), name="candidate_benefit_valid"),
            models.CheckConstraint(
                condition=Q(education_level__in=["", *EducationLevel.values]), name="candidate_education_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(consent_given_at__isnull=True) | ~Q(consent_purpose=""),
                name="candidate_consent_has_purpose",
                violation_error_message=_("Record what the consent was given for."),
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{skill}_level__in": ["", *LanguageLevel.values]}),
                    name=f"candidate_{skill}_level_valid",
                )
                for skill in ("speaking", "listening", "reading", "writing")
            ],
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("candidates:candidate-detail", kwargs={"pk": self.pk})

    @property
    def full_name(self) -> str:
        return joined_name(getattr(self, field) for field in NAME_FIELDS)

    @property
    def short_name(self) -> str:
        """First name and the initial of the last name: enough for an adviser's digest or a host's proposal to
        recognise the person by, little for anyone else who reads the mail."""
        initial = self.last_name.strip()[:1].upper()
        return f"{self.first_name} {initial}." if initial else self.first_name

    @property
    def has_consent(self) -> bool:
        return self.consent_given_at is not None


class BarrierKind(models.TextChoices):
    """The barrier kinds the portal started with. The list is data (pilots.ReferenceItem of kind barrier): these
    are the codes code and the demo refer to."""

    CHILDCARE = "childcare", _("Childcare")
    TRANSPORT = "transport", _("Transport")
    POVERTY_TRAP = "poverty_trap", _("Poverty trap (armoedeval)")
    HEALTH = "health", _("Health")
    DEBTS = "debts", _("Debts")
    HOUSING = "housing", _("Housing")


class CandidateBarrier(TimeStampedModel):
    """A precondition that can stand in the way of taking part, with what is done about it."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="barriers"
    )
    # A code of the barrier list (pilots.ReferenceItem); the list may grow, so the column holds any code.
    kind = models.CharField(_("barrier"), max_length=32)
    note = models.CharField(_("note"), max_length=255, blank=True)
    resolved = models.BooleanField(_("resolved"), default=False)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("barrier")
        verbose_name_plural = _("barriers")
        ordering = ["candidate", "kind"]
        # The barrier filter of the candidate list looks up open barriers of one kind.
        indexes = [models.Index(fields=["kind", "resolved"], name="candidatebarrier_kind_idx")]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "kind"], name="candidatebarrier_unique_kind"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def get_kind_display(self) -> str:
        """The label from the barrier list; pilots.selectors.with_reference_label annotates `kind_label`."""
        annotated = getattr(self, "kind_label", None)
        if annotated is not None:
            return annotated
        return ReferenceItem.objects.label(ReferenceKind.BARRIER, self.kind)


S = EnrolmentStatus


class DropoutReason(models.TextChoices):
    """The dropout reasons the portal started with. The list is data (pilots.ReferenceItem of kind dropout_reason):
    these are the codes the rules refer to (FOUND_WORK, OTHER) and the demo uses."""

    HEALTH = "health", _("Health")
    CARE_FOR_FAMILY = "care_for_family", _("Care for family or children")
    TRANSPORT = "transport", _("Transport")
    MONEY = "money", _("Money / poverty trap")
    MOTIVATION = "motivation", _("Motivation")
    LANGUAGE = "language", _("Language")
    FOUND_WORK = "found_work", _("Found work elsewhere")
    MOVED = "moved", _("Moved")
    OTHER = "other", _("Other")


class Enrolment(TimeStampedModel):
    """A candidate in one cohort, moving through the life cycle one allowed step at a time."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.PROTECT, related_name="enrolments"
    )
    cohort = models.ForeignKey(
        "pilots.Cohort", verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="enrolments"
    )
    cohort_class = models.ForeignKey(
        "pilots.CohortClass",
        verbose_name=_("class"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    status = models.CharField(
        _("status"), max_length=32, choices=EnrolmentStatus.choices, default=EnrolmentStatus.REGISTERED
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    # A code of the dropout reason list (pilots.ReferenceItem).
    dropout_reason = models.CharField(_("dropout reason"), max_length=32, blank=True)
    reserve_position = models.PositiveIntegerField(
        _("place on the reserve list"), null=True, blank=True, help_text=_("1 is the first to be promoted.")
    )
    interest_confirmed_on = models.DateField(
        _("interest last confirmed on"), null=True, blank=True, help_text=_("Reserves reconfirm their interest.")
    )
    # The total score of the latest screening (Screening's order), kept by the screening service
    # (services.enrolment_latest_score_refresh) for the pipeline board, which sorts a pilot's thousands of
    # enrolments by it. Bookkeeping: left out of the history, which has each screening.
    latest_screening_score = models.PositiveSmallIntegerField(
        _("latest screening score"), null=True, blank=True, editable=False
    )

    objects = EnrolmentQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user, excluded_fields=["latest_screening_score"])

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["cohort", "candidate"]
        indexes = [
            models.Index(fields=["cohort", "status"], name="enrolment_cohort_status_idx"),
            # The status filter without a cohort, and each candidate's latest enrolment in the list.
            models.Index(fields=["status"], name="enrolment_status_idx"),
            models.Index(fields=["candidate", "-created_at"], name="enrolment_candidate_latest_idx"),
            # The evaluation figures (reports.figures) read a pilot's enrolments several times over: with these
            # columns in the index, each read is an index-only scan rather than a visit to every row's page.
            models.Index(
                fields=["cohort", "status", "id", "candidate", "started_on", "dropout_reason"],
                name="enrolment_cohort_figures_idx",
            ),
            # The evaluations due (progress_selectors.evaluations_due_enrolments): the started enrolments and those
            # that ended lately, without reading every finished enrolment of the cohorts.
            models.Index(fields=["cohort", "status", "ended_on"], name="enrolment_cohort_ended_idx"),
            # An adviser's enrolments found from the caseload (candidates.selectors.advised_by): the stage, the
            # cohort and the id of each from the index alone, without a visit to the row.
            models.Index(fields=["candidate", "status", "cohort", "id"], name="enrolment_candidate_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "cohort"], name="enrolment_unique_candidate_cohort"),
            models.CheckConstraint(condition=Q(status__in=EnrolmentStatus.values), name="enrolment_status_valid"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(started_on__isnull=False, ended_on__gte=models.F("started_on")),
                name="enrolment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(dropout_reason="") | Q(status__in=[S.DROPPED_OUT, S.OUTFLOW]),
                name="enrolment_dropout_reason_only_after_dropout",
            ),
            models.CheckConstraint(
                condition=Q(reserve_position__isnull=True) | Q(status=S.RESERVE),
                name="enrolment_reserve_position_only_on_reserve",
            ),
            models.UniqueConstraint(
                fields=["cohort", "reserve_position"],
                condition=Q(reserve_position__isnull=False),
                name="enrolment_unique_reserve_position",
            ),
            models.CheckConstraint(
                condition=~Q(status=S.DROPPED_OUT) | ~Q(dropout_reason=""),
                name="enrolment_dropout_has_reason",
                violation_error_message=_("A dropout needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} – {self.cohort}"

    def allowed_statuses(self) -> list[str]:
        return sorted(ENROLMENT_LIFECYCLE.allowed_targets(self.status), key=EnrolmentStatus.values.index)

    def get_dropout_reason_display(self) -> str:
        """The label from the dropout reason list; with_reference_label annotates `dropout_reason_label`."""
        annotated = getattr(self, "dropout_reason_label", None)
        if annotated is not None:
            return annotated
        return ReferenceItem.objects.label(ReferenceKind.DROPOUT_REASON, self.dropout_reason)


class EnrolmentTransition(models.Model):
    """One step in an enrolment's life cycle: who moved it, when and why. Never edited."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=32, choices=EnrolmentStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=32, choices=EnrolmentStatus.choices)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), db_index=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        # By the enrolment's own column: ordering by "enrolment" would follow Enrolment's ordering through
        # cohort, pilot and candidate and sort every change in the table to return a handful.
        ordering = ["enrolment_id", "at", "pk"]
        indexes = [
            models.Index(fields=["enrolment", "at"], name="enrolmenttransition_enr_at_idx"),
            # Whether an enrolment ever went to a status (the screened figure of reports.figures), from the index.
            models.Index(fields=["enrolment", "to_status"], name="enrolmenttransition_enr_to_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_status__in=EnrolmentStatus.values), name="enrolmenttransition_to_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '–'} → {self.get_to_status_display()}"


class ContractType(models.TextChoices):
    GROUP_HELPER = "group_helper", _("Contract as group helper (groepshulp)")
    BBL = "bbl", _("BBL work-study contract")
    REGULAR = "regular", _("Regular job")
    OTHER = "other", _("Other")


class Outcome(TimeStampedModel):
    """Where an enrolment led: the outflow after completing or leaving the track."""

    enrolment = models.OneToOneField(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="outcome"
    )
    kind = models.CharField(_("outcome"), max_length=32, choices=OutcomeKind.choices)
    employer = models.ForeignKey(
        "employers.Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcomes",
    )
    employer_name = models.CharField(
        _("employer or school"), max_length=200, blank=True, help_text=_("When it is not one of the host employers.")
    )
    contract_type = models.CharField(_("contract type"), max_length=32, choices=ContractType.choices, blank=True)
    education_level = models.PositiveSmallIntegerField(_("MBO level"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(_("hours a week"), null=True, blank=True)
    next_step = models.CharField(
        _("next step"), max_length=255, blank=True, help_text=_("For example BBL to pedagogisch medewerker level 3.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OutcomeKind.values), name="outcome_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind=OutcomeKind.CONTRACT_AT_HOST) | Q(employer__isnull=False),
                name="outcome_contract_at_host_names_employer",
                violation_error_message=_("A contract at the host needs the host employer."),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True) | Q(hours_per_week__lte=60),
                name="outcome_hours_per_week_range",
            ),
            models.CheckConstraint(
                condition=Q(education_level__isnull=True) | Q(education_level__gte=1, education_level__lte=4),
                name="outcome_education_level_range",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_positive(self) -> bool:
        """Work or education: positive outflow."""
        return self.kind in POSITIVE_OUTFLOW


class AppointmentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("Did not show up")


class ScreeningAppointment(TimeStampedModel):
    """A planned screening conversation with a candidate for a cohort."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="appointments"
    )
    starts_at = models.DateTimeField(_("date and time"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"), default=45)
    location = models.CharField(_("place"), max_length=200)
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("adviser"), on_delete=models.PROTECT, related_name="appointments"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("planned by"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("screening appointment")
        verbose_name_plural = _("screening appointments")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AppointmentStatus.values), name="screeningappointment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=480),
                name="screeningappointment_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.candidate} {self.starts_at:%Y-%m-%d %H:%M}"


class Recommendation(models.TextChoices):
    SELECT = "select", _("Select")
    RESERVE = "reserve", _("Reserve")
    NOT_SUITABLE = "not_suitable", _("Not suitable")


SCORE_FIELDS = ("interest", "motivation", "language", "availability")


def _score_field(label):
    return models.PositiveSmallIntegerField(label, validators=[MinValueValidator(1), MaxValueValidator(5)])


class Screening(TimeStampedModel):
    """The structured record of a screening: four scores from 1 to 5, each with a note."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="screenings"
    )
    screened_on = models.DateField(_("screened on"))
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("adviser"), on_delete=models.PROTECT, related_name="screenings"
    )
    interest_score = _score_field(_("interest"))
    interest_note = models.TextField(_("note on interest"), blank=True)
    motivation_score = _score_field(_("motivation"))
    motivation_note = models.TextField(_("note on motivation"), blank=True)
    language_score = _score_field(_("language level"))
    language_note = models.TextField(_("note on language level"), blank=True)
    availability_score = _score_field(_("availability"))
    availability_note = models.TextField(_("note on availability"), blank=True)
    barriers_met = models.JSONField(_("barriers met"), default=list, blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=16, choices=Recommendation.choices)
    total_score = models.GeneratedField(
        expression=F("interest_score") + F("motivation_score") + F("language_score") + F("availability_score"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
        verbose_name=_("combined score"),
    )

    # The combined score is computed by the database from the four scores the history keeps.
    history = HistoricalRecords(excluded_fields=["total_score"], get_user=history_user)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["-screened_on", "-pk"]
        constraints = [
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}_score__gte": 1, f"{name}_score__lte": 5}),
                    name=f"screening_{name}_score_range",
                )
                for name in SCORE_FIELDS
            ],
            models.CheckConstraint(
                condition=Q(recommendation__in=Recommendation.values), name="screening_recommendation_valid"
            ),
        ]
        indexes = [
            # An enrolment's latest screening and its score (the selection ranks a cohort by it, and the screening
            # service reads it to keep Enrolment.latest_screening_score), read from the index alone without sorting
            # the screenings. The score is a last key column rather than an INCLUDE, which SQLite (the tests) does
            # not know.
            models.Index(
                fields=["enrolment", "-screened_on", "-id", "total_score"], name="screening_enrolment_latest_idx"
            ),
        ]

    MAX_SCORE = 5 * len(SCORE_FIELDS)

    def __str__(self) -> str:
        return f"{self.enrolment.candidate} {self.screened_on}"


class Note(TimeStampedModel):
    """A free note of an adviser on a candidate."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("note"))

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:50]


class AdviserChange(models.Model):
    """A candidate handed from one adviser to another (caseload hand-over), kept for the timeline."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="adviser_changes"
    )
    from_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("from"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    to_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("adviser change")
        verbose_name_plural = _("adviser changes")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.from_adviser} → {self.to_adviser}"


class CandidateImport(models.Model):
    """One bulk import of a referral list: who, when, which file and how many rows."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    file_name = models.CharField(_("file name"), max_length=255)
    cohort = models.ForeignKey(
        "pilots.Cohort", verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="imports"
    )
    rows_total = models.PositiveIntegerField(_("rows in the file"))
    rows_imported = models.PositiveIntegerField(_("rows imported"))
    rows_skipped = models.PositiveIntegerField(_("rows skipped"))
    candidates = models.ManyToManyField(Candidate, verbose_name=_("candidates"), related_name="imports", blank=True)

    class Meta:
        verbose_name = _("candidate import")
        verbose_name_plural = _("candidate imports")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_imported__lte=F("rows_total")), name="candidateimport_counts_consistent"
            ),
        ]

    def __str__(self) -> str:
        return self.file_name


PENDING_UPLOAD_DIR = "imports/pending"
# Readable by the portal's own user only: the file holds the names, birth dates and phone numbers of a whole list.
_pending_upload_storage = FileSystemStorage(file_permissions_mode=0o600, directory_permissions_mode=0o700)


def pending_upload_storage() -> FileSystemStorage:
    return _pending_upload_storage


def pending_upload_path(instance: "PendingUpload", filename: str) -> str:
    # Named by the row's id: the name the user gave it may name a person, and stays in the row only.
    return f"{PENDING_UPLOAD_DIR}/{instance.pk.hex}"


class PendingUpload(models.Model):
    """A referral list that was uploaded and checked, waiting for its owner to confirm or cancel the import.

    It holds personal data of everyone on the list, so it is a record with an owner and an expiry rather than a
    bare file: confirming or cancelling deletes it, the periodic task deletes it once expired (with any file in
    the folder that has no row), and erasing a candidate deletes the uploads that hold them
    (candidates.pending_uploads).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    cohort = models.ForeignKey(
        "pilots.Cohort", verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="pending_uploads"
    )
    file = models.FileField(_("file"), upload_to=pending_upload_path, storage=pending_upload_storage, max_length=255)
    file_name = models.CharField(_("file name"), max_length=255)
    consent_purpose = models.CharField(_("consent given for"), max_length=255)
    # The municipality, UWV or WSP that sent the list: recorded as every imported person's referrer, so that its
    # own system sees their status through the API.
    referring_organisation = models.ForeignKey(
        "pilots.Organisation",
        verbose_name=_("referring organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("upload waiting for confirmation")
        verbose_name_plural = _("uploads waiting for confirmation")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="pendingupload_expires_after_upload"
            ),
        ]

    def __str__(self) -> str:
        return self.file_name


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    CHECKING = "checking", _("Being checked")
    CHECKED = "checked", _("Checked, waiting for your confirmation")
    IMPORTING = "importing", _("Being imported")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportJob(models.Model):
    """A large referral list checked, and once its owner confirms, imported by a worker (candidates.import_jobs).

    The row holds what its page shows: the status, how far the check is, the row-by-row report and, when it
    failed, why. The report names the people on the list, so the job is deleted with its expiry, like the upload.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    cohort = models.ForeignKey(
        "pilots.Cohort", verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    upload = models.ForeignKey(
        PendingUpload,
        verbose_name=_("upload"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    # Set once the owner confirms: from then on the worker imports rather than checks.
    confirmed = models.BooleanField(_("confirmed"), default=False)
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_importable = models.PositiveIntegerField(_("rows to import"), default=0)
    rows_with_errors = models.PositiveIntegerField(_("rows with errors"), default=0)
    rows_duplicate = models.PositiveIntegerField(_("rows possibly already registered"), default=0)
    ignored_headers = models.JSONField(_("ignored columns"), default=list, blank=True)
    report = models.JSONField(_("row report"), default=list, blank=True)
    # What the check promised to import (the lines of the importable rows); a later check that differs is shown
    # again before anything is imported.
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)
    check_changed = models.BooleanField(_("check changed since confirmed"), default=False)
    error = models.TextField(_("error"), blank=True)
    celery_task_id = models.CharField(_("task id"), max_length=255, blank=True)
    candidate_import = models.ForeignKey(
        CandidateImport,
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ImportJobStatus.values), name="importjob_status_valid"),
            models.CheckConstraint(
                condition=Q(rows_checked__lte=F("rows_total")), name="importjob_checked_within_total"
            ),
        ]

    def __str__(self) -> str:
        return self.file_name


# --- During and after the track: attendance, results, certificates, coaching, evaluations, follow-up -------


class AttendanceKind(models.TextChoices):
    SCHOOL = "school", _("School day")
    INTERNSHIP = "internship", _("Internship day")


class AttendanceSession(TimeStampedModel):
    """A day of a cohort (or a lesson of one of its modules) on which attendance is recorded."""

    cohort = models.ForeignKey(
        "pilots.Cohort", verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="attendance_sessions"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=AttendanceKind.choices)
    cohort_module = models.ForeignKey(
        "pilots.CohortModule",
        verbose_name=_("module"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendance_sessions",
        help_text=_("Empty for the cohort's school or internship day as a whole."),
    )
    # Days made from the weekly rhythm follow it when it changes; a day added by hand stays.
    from_rhythm = models.BooleanField(_("from the weekly rhythm"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance session")
        verbose_name_plural = _("attendance sessions")
        ordering = ["cohort", "date", "kind", "pk"]
        constraints = [
            # Two partial constraints, because NULL modules are never equal to each other in a unique index.
            models.UniqueConstraint(
                fields=["cohort", "date", "kind", "cohort_module"],
                condition=Q(cohort_module__isnull=False),
                name="attendancesession_unique_module_day",
            ),
            models.UniqueConstraint(
                fields=["cohort", "date", "kind"],
                condition=Q(cohort_module__isnull=True),
                name="attendancesession_unique_day",
            ),
            models.CheckConstraint(condition=Q(kind__in=AttendanceKind.values), name="attendancesession_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.cohort} {self.date:%Y-%m-%d} {self.get_kind_display()}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT_WITH_NOTICE = "absent_with_notice", _("Absent with notice")
    ABSENT_WITHOUT_NOTICE = "absent_without_notice", _("Absent without notice")
    SICK = "sick", _("Sick")


class Attendance(models.Model):
    """Whether a candidate was there on one session; one mark per candidate and session, corrected in place."""

    session = models.ForeignKey(
        AttendanceSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="marks"
    )
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(_("attendance"), max_length=32, choices=AttendanceStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "enrolment"]
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_unique_mark"),
            models.CheckConstraint(condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.candidate}: {self.get_status_display()}"


class ModuleResultStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    PASSED = "passed", _("Passed")
    NOT_PASSED = "not_passed", _("Not passed")
    EXEMPT = "exempt", _("Exempt")


class ModuleResult(TimeStampedModel):
    """Where a candidate stands in one module of the cohort's learning line."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="module_results"
    )
    cohort_module = models.ForeignKey(
        "pilots.CohortModule", verbose_name=_("module"), on_delete=models.PROTECT, related_name="results"
    )
    status = models.CharField(_("result"), max_length=16, choices=ModuleResultStatus.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("module result")
        verbose_name_plural = _("module results")
        ordering = ["enrolment", "cohort_module"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "cohort_module"], name="moduleresult_unique_per_module"),
            models.CheckConstraint(condition=Q(status__in=ModuleResultStatus.values), name="moduleresult_status_valid"),
            models.CheckConstraint(
                condition=Q(status=ModuleResultStatus.IN_PROGRESS) | Q(date__isnull=False),
                name="moduleresult_decided_has_date",
                violation_error_message=_("A decided result needs its date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort_module}: {self.get_status_display()}"


class Certificate(TimeStampedModel):
    """A certificate a candidate obtained, such as VCA; some expire."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="certificates"
    )
    cohort_module = models.ForeignKey(
        "pilots.CohortModule",
        verbose_name=_("module"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    name = models.CharField(_("certificate"), max_length=100)
    number = models.CharField(_("certificate number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["enrolment", "issued_on", "name"]
        indexes = [models.Index(fields=["expires_on"], name="certificate_expires_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("issued_on")),
                name="certificate_expires_after_issue",
                violation_error_message=_("A certificate expires after the day it was issued."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CoachKind(models.TextChoices):
    JOB_COACH = "job_coach", _("Job coach (municipality)")
    WORK_COACH = "work_coach", _("Work coach (employer)")
    ADVISER = "adviser", _("Adviser")
    TRAINER = "trainer", _("Trainer")


class NoteVisibility(models.TextChoices):
    COACHING_TEAM = "coaching_team", _("Coaching team only")
    SHARED_WITH_ADVISER = "shared_with_adviser", _("Shared with the adviser")


class CoachingNote(TimeStampedModel):
    """A note of a coach or trainer on how a candidate is doing; host employers never read these."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="coaching_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    coach_kind = models.CharField(_("written as"), max_length=16, choices=CoachKind.choices)
    visibility = models.CharField(
        _("visible to"), max_length=32, choices=NoteVisibility.choices, default=NoteVisibility.COACHING_TEAM
    )
    text = models.TextField(_("note"))

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("coaching note")
        verbose_name_plural = _("coaching notes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(coach_kind__in=CoachKind.values), name="coachingnote_kind_valid"),
            models.CheckConstraint(
                condition=Q(visibility__in=NoteVisibility.values), name="coachingnote_visibility_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:50]


class EvaluationMoment(models.TextChoices):
    MID_TERM = "mid_term", _("Mid-term evaluation")
    END = "end", _("End evaluation")


class EvaluationAdvice(models.TextChoices):
    CONTINUE = "continue", _("Continue")
    EXTRA_SUPPORT = "extra_support", _("Continue with extra support")
    STOP = "stop", _("Stop")


class Evaluation(TimeStampedModel):
    """The mid-term or end evaluation of a candidate: progress on the goals, attendance and the advice."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="evaluations"
    )
    moment = models.CharField(_("moment"), max_length=16, choices=EvaluationMoment.choices)
    held_on = models.DateField(_("held on"))
    attendance_note = models.TextField(_("note on attendance"), blank=True)
    advice = models.CharField(_("advice"), max_length=16, choices=EvaluationAdvice.choices)
    next_step = models.TextField(_("next step"), blank=True)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["enrolment", "held_on"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "moment"], name="evaluation_unique_moment"),
            models.CheckConstraint(condition=Q(moment__in=EvaluationMoment.values), name="evaluation_moment_valid"),
            models.CheckConstraint(condition=Q(advice__in=EvaluationAdvice.values), name="evaluation_advice_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.candidate}: {self.get_moment_display()}"


class EvaluationGoal(models.Model):
    """One learning goal of an evaluation, scored from 1 (no progress) to 5 (reached)."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="goals"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    goal = models.CharField(_("goal"), max_length=255)
    score = models.PositiveSmallIntegerField(_("progress"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("evaluation goal")
        verbose_name_plural = _("evaluation goals")
        ordering = ["evaluation", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="evaluationgoal_score_range"),
        ]

    def __str__(self) -> str:
        return self.goal


class FollowUpMonths(models.IntegerChoices):
    THREE = 3, _("3 months")
    SIX = 6, _("6 months")
    TWELVE = 12, _("12 months")


class FollowUp(TimeStampedModel):
    """The check, at 3, 6 or 12 months after outflow, of whether someone is still working, and where."""

    outcome = models.ForeignKey(Outcome, verbose_name=_("outcome"), on_delete=models.CASCADE, related_name="followups")
    months = models.PositiveSmallIntegerField(_("after"), choices=FollowUpMonths.choices)
    due_on = models.DateField(_("due on"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    still_working = models.BooleanField(_("still working"), null=True, blank=True)
    same_employer = models.BooleanField(_("same employer"), null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(_("hours a week"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["answered_on", "due_on"], name="followup_open_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "months"], name="followup_unique_moment"),
            models.CheckConstraint(condition=Q(months__in=FollowUpMonths.values), name="followup_months_valid"),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True) | Q(hours_per_week__gte=1, hours_per_week__lte=60),
                name="followup_hours_per_week_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome.enrolment.candidate}: {self.get_months_display()}"


class FollowUpDigest(models.Model):
    """The weekly e-mail of due follow-ups sent to one adviser; its row makes a second run that week send nothing."""

    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("adviser"), on_delete=models.CASCADE, related_name="+"
    )
    week_start = models.DateField(_("week of"))
    sent_at = models.DateTimeField(_("sent at"))
    followup_count = models.PositiveSmallIntegerField(_("follow-ups listed"), default=0)

    class Meta:
        verbose_name = _("follow-up digest")
        verbose_name_plural = _("follow-up digests")
        ordering = ["-week_start", "adviser"]
        constraints = [
            models.UniqueConstraint(fields=["adviser", "week_start"], name="followupdigest_once_a_week"),
        ]

    def __str__(self) -> str:
        return f"{self.adviser} {self.week_start:%G-W%V}"
