from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from candidates.models import postcode_validator
from core.models import TimeStampedModel
from core.statemachine import Lifecycle
from pilots.models import Sector


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
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)

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


class EmployerLocation(TimeStampedModel):
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True, validators=[postcode_validator])
    city = models.CharField(_("city"), max_length=100)

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


class PlacementKind(models.TextChoices):
    INTERNSHIP = "internship", _("Internship")
    BBL_CONTRACT = "bbl_contract", _("BBL work-study contract")
    JOB = "job", _("Job")


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


P = PlacementStatus
PLACEMENT_LIFECYCLE = Lifecycle(
    PlacementStatus,
    {
        P.PROPOSED: {P.CONFIRMED, P.DECLINED},
        P.CONFIRMED: {P.ACTIVE, P.ENDED},
        P.DECLINED: set(),
        P.ACTIVE: {P.ENDED},
        P.ENDED: set(),
    },
)
# Placements that take one of the employer's offered places.
PLACE_HOLDING_STATUSES = frozenset({P.CONFIRMED, P.ACTIVE})
OPEN_STATUSES = frozenset({P.PROPOSED, P.CONFIRMED, P.ACTIVE})


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
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="placement_one_open_per_employer",
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
