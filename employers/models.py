from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from candidates.models import ContractType, postcode_validator
from core.audit import history_user
from core.models import TimeStampedModel
from pilots.models import ReferenceItem, ReferenceKind

from .lifecycle import OPEN, EndReason, PlacementStatus


def validate_kvk_number(value: str) -> None:
    """A KvK number has exactly eight digits (the chamber of commerce publishes no check digit)."""
    if not (len(value) == 8 and value.isascii() and value.isdigit()):
        raise ValidationError(_("A KvK number has exactly eight digits."), code="invalid_kvk")


class Employer(TimeStampedModel):
    """A host employer: an organisation that offers internship places and, afterwards, work."""

    organisation = models.OneToOneField(
        "pilots.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="employer"
    )
    kvk_number = models.CharField(_("KvK number"), max_length=8, unique=True, validators=[validate_kvk_number])
    # A code of the sector list (ReferenceItem), like Pilot.sector: a coordinator can add a sector such as horeca.
    sector = models.CharField(_("sector"), max_length=32)

    class Meta:
        verbose_name = _("host employer")
        verbose_name_plural = _("host employers")
        ordering = ["organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kvk_number__regex=r"^[0-9]{8}$"),
                name="employer_kvk_number_eight_digits",
                violation_error_message=_("A KvK number has exactly eight digits."),
            ),
        ]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name

    def get_sector_display(self) -> str:
        """The sector's label from the sector list; a selector that annotates `sector_label` saves the query."""
        annotated = getattr(self, "sector_label", None)
        if annotated is not None:
            return annotated
        return ReferenceItem.objects.label(ReferenceKind.SECTOR, self.sector)


class EmployerLocation(TimeStampedModel):
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True, validators=[postcode_validator])
    city = models.CharField(_("city"), max_length=100)
    # The supervisor (werkbegeleider) at this location; a placement may name another one (Placement.supervisor_name).
    supervisor_name = models.CharField(_("supervisor (werkbegeleider)"), max_length=200, blank=True)
    supervisor_phone = models.CharField(_("supervisor's phone"), max_length=32, blank=True)
    supervisor_email = models.EmailField(_("supervisor's e-mail"), blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["employer", "name"]
        constraints = [models.UniqueConstraint(fields=["employer", "name"], name="employerlocation_unique_name")]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"


class SeatOffer(TimeStampedModel):
    """Internship places an employer offers a cohort, per location; offers may grow during recruitment."""

    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="seat_offers"
    )
    cohort = models.ForeignKey(
        "pilots.Cohort", verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="seat_offers"
    )
    location = models.ForeignKey(
        EmployerLocation,
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seat_offers",
    )
    places = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("seat offer")
        verbose_name_plural = _("seat offers")
        ordering = ["cohort", "employer"]
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="seatoffer_places_positive"),
            models.UniqueConstraint(
                fields=["employer", "cohort", "location"],
                condition=Q(location__isnull=False),
                name="seatoffer_unique_per_location",
            ),
            models.UniqueConstraint(
                fields=["employer", "cohort"],
                condition=Q(location__isnull=True),
                name="seatoffer_unique_without_location",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} – {self.cohort}: {self.places}"


class SeatOfferChange(models.Model):
    """One change of a seat offer's places (45 became 52): who, when, from and to. Never edited."""

    seat_offer = models.ForeignKey(
        SeatOffer, verbose_name=_("seat offer"), on_delete=models.CASCADE, related_name="changes"
    )
    # A new offer starts from zero places.
    from_places = models.PositiveSmallIntegerField(_("from"))
    to_places = models.PositiveSmallIntegerField(_("to"))
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("seat offer change")
        verbose_name_plural = _("seat offer changes")
        ordering = ["seat_offer", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_places} → {self.to_places}"


class PlacementKind(models.TextChoices):
    INTERNSHIP = "internship", _("Internship")
    BBL_CONTRACT = "bbl_contract", _("BBL work-study contract")
    JOB = "job", _("Job")


P = PlacementStatus


class DeclineReason(models.TextChoices):
    NO_SUPERVISOR = "no_supervisor", _("No supervisor available")
    NO_FIT = "no_fit", _("Does not fit the team or the work")
    LANGUAGE = "language", _("Language level too low for this workplace")
    AVAILABILITY = "availability", _("Days or hours do not match")
    DISTANCE = "distance", _("Travel distance")
    PLACES_FILLED = "places_filled", _("No places left")
    OTHER = "other", _("Other")


class Placement(TimeStampedModel):
    """A candidate of a cohort placed with a host employer; the cohort comes with the enrolment."""

    enrolment = models.ForeignKey(
        "candidates.Enrolment", verbose_name=_("enrolment"), on_delete=models.PROTECT, related_name="placements"
    )
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="placements"
    )
    location = models.ForeignKey(
        EmployerLocation,
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=PlacementKind.choices, default=PlacementKind.INTERNSHIP)
    status = models.CharField(_("status"), max_length=16, choices=PlacementStatus.choices, default=P.PROPOSED)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    supervisor_name = models.CharField(_("supervisor (werkbegeleider)"), max_length=200, blank=True)
    days_per_week = models.PositiveSmallIntegerField(
        _("days per week"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notified_at = models.DateTimeField(_("employer e-mailed at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decline_reason = models.CharField(
        _("reason for declining"), max_length=32, choices=DeclineReason.choices, blank=True
    )
    answer_note = models.TextField(_("note with the answer"), blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=32, choices=EndReason.choices, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["employer", "status"], name="placement_employer_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PlacementStatus.values), name="placement_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=PlacementKind.values), name="placement_kind_valid"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="placement_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(days_per_week__isnull=True) | Q(days_per_week__gte=1, days_per_week__lte=5),
                name="placement_days_per_week_range",
            ),
            # One open proposal or placement per candidate and employer at a time.
            models.UniqueConstraint(
                fields=["enrolment", "employer"],
                condition=Q(status__in=sorted(OPEN)),
                name="placement_one_open_per_employer",
            ),
            models.CheckConstraint(
                condition=Q(decline_reason__in=["", *DeclineReason.values]), name="placement_decline_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(end_reason__in=["", *EndReason.values]), name="placement_end_reason_valid"
            ),
            # The adviser's queue shows why a host said no, so a decline always carries a reason.
            models.CheckConstraint(
                condition=~Q(status=P.DECLINED) | ~Q(decline_reason=""),
                name="placement_declined_has_reason",
                violation_error_message=_("A declined placement needs a reason."),
            ),
            models.CheckConstraint(
                condition=~Q(status=P.ENDED) | (~Q(end_reason="") & Q(ended_on__isnull=False)),
                name="placement_ended_has_reason_and_date",
                violation_error_message=_("An ended placement needs a reason and an end date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.candidate} @ {self.employer}"

    @property
    def candidate(self):
        return self.enrolment.candidate

    @property
    def cohort(self):
        return self.enrolment.cohort


class PlacementTransition(models.Model):
    """One step in a placement's life cycle: who, when and why. Never edited."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=PlacementStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=PlacementStatus.choices)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), db_index=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("placement status change")
        verbose_name_plural = _("placement status changes")
        ordering = ["placement", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '–'} → {self.get_to_status_display()}"


class JointVacancy(TimeStampedModel):
    """One vacancy published for several host employers at once, such as the leerlingpoule's for eight employers."""

    cohort = models.ForeignKey(
        "pilots.Cohort", verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="vacancies"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    published_on = models.DateField(_("published on"))
    closes_on = models.DateField(_("closes on"), null=True, blank=True, help_text=_("Empty: no fixed closing date."))
    employers = models.ManyToManyField(Employer, verbose_name=_("employers"), related_name="vacancies")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("joint vacancy")
        verbose_name_plural = _("joint vacancies")
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(closes_on__gte=F("published_on")),
                name="jointvacancy_closes_after_publication",
                violation_error_message=_("A vacancy cannot close before it is published."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class VacancyApplication(TimeStampedModel):
    """A candidate's one application to a joint vacancy; the enrolment in the vacancy's cohort carries the rest."""

    vacancy = models.ForeignKey(
        JointVacancy, verbose_name=_("vacancy"), on_delete=models.PROTECT, related_name="applications"
    )
    enrolment = models.ForeignKey(
        "candidates.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="vacancy_applications",
    )
    applied_on = models.DateField(_("applied on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("vacancy application")
        verbose_name_plural = _("vacancy applications")
        ordering = ["vacancy", "applied_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["vacancy", "enrolment"], name="vacancyapplication_once_per_vacancy"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.candidate} – {self.vacancy}"


class ContractTerm(models.TextChoices):
    FIXED_TERM = "fixed_term", _("Fixed term")
    PERMANENT = "permanent", _("Permanent")
    ON_CALL = "on_call", _("On call")


class ContractOfferStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ContractOffer(TimeStampedModel):
    """A contract a host employer offers a candidate during or after the track.

    The kind uses the outcome's contract types, so an accepted offer becomes the outcome without translation.
    """

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract_offers",
    )
    enrolment = models.ForeignKey(
        "candidates.Enrolment", verbose_name=_("enrolment"), on_delete=models.PROTECT, related_name="contract_offers"
    )
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="contract_offers"
    )
    kind = models.CharField(_("kind of contract"), max_length=32, choices=ContractType.choices)
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours a week"), validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    start_date = models.DateField(_("start date"))
    contract_type = models.CharField(_("contract type"), max_length=16, choices=ContractTerm.choices)
    duration_months = models.PositiveSmallIntegerField(
        _("duration in months"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Required for a fixed-term contract."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ContractOfferStatus.choices, default=ContractOfferStatus.OFFERED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("contract offer")
        verbose_name_plural = _("contract offers")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ContractType.values), name="contractoffer_kind_valid"),
            models.CheckConstraint(
                condition=Q(contract_type__in=ContractTerm.values), name="contractoffer_contract_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ContractOfferStatus.values), name="contractoffer_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=1, hours_per_week__lte=40),
                name="contractoffer_hours_per_week_range",
                violation_error_message=_("A contract has from 1 to 40 hours a week."),
            ),
            models.CheckConstraint(
                condition=~Q(contract_type=ContractTerm.FIXED_TERM) | Q(duration_months__isnull=False),
                name="contractoffer_fixed_term_has_duration",
                violation_error_message=_("A fixed-term contract needs its duration in months."),
            ),
            models.CheckConstraint(
                condition=Q(duration_months__isnull=True) | Q(duration_months__gte=1),
                name="contractoffer_duration_positive",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ContractOfferStatus.ACCEPTED, ContractOfferStatus.DECLINED])
                | Q(answered_at__isnull=False),
                name="contractoffer_answer_has_moment",
            ),
            # An enrolment has one outcome, so it can accept one offer.
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(status=ContractOfferStatus.ACCEPTED),
                name="contractoffer_one_accepted_per_enrolment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.employer}"
