from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from core.audit import history_user
from core.models import TimeStampedModel


class Region(TimeStampedModel):
    """A labour-market region (arbeidsmarktregio), such as Midden-Utrecht or Rijnmond."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("labour-market region")
        verbose_name_plural = _("labour-market regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReferenceKind(models.TextChoices):
    """The lists of reference data that are rows, not code: a coordinator or the administrator extends them."""

    SECTOR = "sector", _("Sector")
    DROPOUT_REASON = "dropout_reason", _("Dropout reason")
    BARRIER = "barrier", _("Barrier")


def english_active() -> bool:
    return (translation.get_language() or "").startswith("en")


class ReferenceItemQuerySet(models.QuerySet["ReferenceItem"]):
    def of(self, kind: str) -> "ReferenceItemQuerySet":
        return self.filter(kind=kind).order_by("position", "pk")

    def active(self) -> "ReferenceItemQuerySet":
        return self.filter(active=True)

    def codes(self, kind: str, *, active_only: bool = True) -> set[str]:
        """The codes of one list, one query; a new value must be one of the active ones."""
        items = self.of(kind)
        return set((items.active() if active_only else items).values_list("code", flat=True))

    def labels(self, kind: str) -> dict[str, str]:
        """Code to label in the current language for every item of one list (inactive ones too), in their order."""
        return {item.code: item.display_label for item in self.of(kind)}

    def label(self, kind: str, code: str) -> str:
        """The label of one code; an unknown code shows as itself rather than as nothing."""
        if not code:
            return ""
        item = self.filter(kind=kind, code=code).first()
        return item.display_label if item else code


class ReferenceItem(TimeStampedModel):
    """One entry of a list of reference data (a sector, a dropout reason, a barrier).

    Rows store the `code`, which never changes once made: the reports group by it. The labels may change and an
    item may be switched off, after which it is no longer offered but still shown where it was used.
    """

    kind = models.CharField(_("list"), max_length=32, choices=ReferenceKind.choices)
    code = models.CharField(
        _("code"),
        max_length=32,
        validators=[
            RegexValidator(
                r"^[a-z][a-z0-9_]*$",
                _("Use lower-case letters, digits and underscores only, starting with a letter."),
            )
        ],
        help_text=_("A short fixed name the reports use, for example horeca. It cannot be changed later."),
    )
    label = models.CharField(_("name (Dutch)"), max_length=100)
    label_en = models.CharField(
        _("name (English)"), max_length=100, blank=True, help_text=_("Shown in English; empty shows the Dutch name.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True, help_text=_("Only active items can be chosen."))

    objects = ReferenceItemQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("reference item")
        verbose_name_plural = _("reference data")
        ordering = ["kind", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"],
                name="referenceitem_unique_code",
                violation_error_message=_("This list already has an item with this code."),
            ),
            models.CheckConstraint(condition=Q(kind__in=ReferenceKind.values), name="referenceitem_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        if english_active() and self.label_en:
            return self.label_en
        return self.label


class OrganisationKind(models.TextChoices):
    WSP = "wsp", _("Employer service point (WSP)")
    MUNICIPALITY = "municipality", _("Municipality")
    UWV = "uwv", _("UWV")
    COLLEGE = "college", _("College / training partner")
    LEARN_WORK_COMPANY = "learn_work_company", _("Learn-work company")
    LEARN_WORK_DESK = "learn_work_desk", _("Learn-work desk")
    HOST_EMPLOYER = "host_employer", _("Host employer")
    COACHING_PROVIDER = "coaching_provider", _("Coaching provider")
    BRANCH_ORGANISATION = "branch_organisation", _("Branch organisation")


class Organisation(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    # Empty when not known; a number given belongs to one organisation only.
    kvk_number = models.CharField(
        _("KvK number"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{8}\Z", _("A KvK number has exactly eight digits."), code="invalid_kvk")],
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"),
            models.UniqueConstraint(
                fields=["kvk_number"],
                condition=~Q(kvk_number=""),
                name="organisation_unique_kvk_number",
                violation_error_message=_("Another organisation already has this KvK number."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Sector(models.TextChoices):
    """The sectors the portal started with. The list itself is data (ReferenceItem of kind sector): these are
    the codes code and the demo refer to, and the labels the first migration gave them."""

    CHILDCARE = "childcare", _("Childcare")
    ELDERLY_CARE = "elderly_care", _("Elderly care")
    CARE_WELFARE = "care_welfare", _("Care and welfare")
    INSTALLATION = "installation", _("Installation technology")
    HOME_CARE = "home_care", _("Home care")
    OTHER = "other", _("Other")


class TrackKind(models.TextChoices):
    PRE_TRAINING = "pre_training", _("Pre-training track (voorschakeltraject)")
    PRE_TRACK = "pre_track", _("Pre-track before BBL (voortraject)")
    WORK_STUDY_POOL = "work_study_pool", _("Work-study pool (leerlingpoule)")
    WORK_FIT = "work_fit", _("Work-fit track (werkfittraject)")


class PilotStatus(models.TextChoices):
    DESIGN = "design", _("Design")
    RECRUITMENT = "recruitment", _("Recruitment")
    RUNNING = "running", _("Running")
    EVALUATION = "evaluation", _("Evaluation")
    CLOSED = "closed", _("Closed")


class Pilot(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="pilots")
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="led_pilots",
        help_text=_("The organisation that runs the pilot; its advisers and coordinators work on it."),
    )
    # A code of the sector list (ReferenceItem); not a foreign key, so that reports and the demo keep using codes.
    sector = models.CharField(_("sector"), max_length=32)
    track_kind = models.CharField(_("kind of track"), max_length=32, choices=TrackKind.choices)
    target_qualification = models.CharField(_("target qualification"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    duration_weeks = models.PositiveSmallIntegerField(
        _("duration in weeks"), validators=[MinValueValidator(1), MaxValueValidator(156)]
    )
    internship_days_per_week = models.PositiveSmallIntegerField(
        _("internship days per week"), default=0, validators=[MaxValueValidator(5)]
    )
    school_days_per_week = models.PositiveSmallIntegerField(
        _("school days per week"), default=0, validators=[MaxValueValidator(5)]
    )
    target_group = models.CharField(
        _("target group"),
        max_length=200,
        blank=True,
        help_text=_("Who the pilot is for, for example status holders or people on benefits."),
    )
    planned_places = models.PositiveSmallIntegerField(
        _("planned places"),
        null=True,
        blank=True,
        help_text=_("The places the pilot planned at the outset, over all its cohorts; the seats may differ."),
    )
    target_outflow_percentage = models.PositiveSmallIntegerField(
        _("target positive outflow (%)"),
        validators=[MaxValueValidator(100)],
        help_text=_("Of those who started, the percentage that should flow out to work, BBL or education."),
    )
    target_work_percentage = models.PositiveSmallIntegerField(
        _("target outflow to work (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Of those who started, the percentage that should flow out to work; leave empty without one."),
    )
    target_bbl_percentage = models.PositiveSmallIntegerField(
        _("target outflow to BBL (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Of those who started, the percentage that should start a BBL work-study place."),
    )
    status = models.CharField(_("status"), max_length=16, choices=PilotStatus.choices, default=PilotStatus.DESIGN)
    partners = models.ManyToManyField(
        Organisation, through="PilotPartner", verbose_name=_("partners"), related_name="pilots"
    )

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_weeks__gte=1), name="pilot_duration_positive"),
            models.CheckConstraint(
                condition=Q(target_outflow_percentage__lte=100), name="pilot_target_outflow_percentage"
            ),
            models.CheckConstraint(
                condition=Q(target_work_percentage__isnull=True) | Q(target_work_percentage__lte=100),
                name="pilot_target_work_percentage",
            ),
            models.CheckConstraint(
                condition=Q(target_bbl_percentage__isnull=True) | Q(target_bbl_percentage__lte=100),
                name="pilot_target_bbl_percentage",
            ),
            models.CheckConstraint(
                condition=Q(internship_days_per_week__lte=5 - F("school_days_per_week")),
                name="pilot_weekly_rhythm_fits_week",
                violation_error_message=_("Internship and school days together cannot exceed five a week."),
            ),
            models.CheckConstraint(condition=Q(status__in=PilotStatus.values), name="pilot_status_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("pilots:pilot-detail", kwargs={"slug": self.slug})

    def get_sector_display(self) -> str:
        """The sector's label from the sector list; a selector that annotates `sector_label` saves the query."""
        annotated = getattr(self, "sector_label", None)
        if annotated is not None:
            return annotated
        return ReferenceItem.objects.label(ReferenceKind.SECTOR, self.sector)

    @property
    def weekly_rhythm(self) -> str:
        internship = ngettext(
            "%(count)s internship day", "%(count)s internship days", self.internship_days_per_week
        ) % {"count": self.internship_days_per_week}
        school = ngettext("%(count)s school day", "%(count)s school days", self.school_days_per_week) % {
            "count": self.school_days_per_week
        }
        return _("%(internship)s and %(school)s a week") % {"internship": internship, "school": school}


class PartnerRole(models.TextChoices):
    WSP = "wsp", _("Employer service point (WSP)")
    MUNICIPALITY = "municipality", _("Municipality")
    UWV = "uwv", _("UWV")
    TRAINING_PARTNER = "training_partner", _("College / training partner")
    LEARN_WORK_COMPANY = "learn_work_company", _("Learn-work company")
    LEARN_WORK_DESK = "learn_work_desk", _("Learn-work desk")
    HOST_EMPLOYER = "host_employer", _("Host employer")
    COACHING_PROVIDER = "coaching_provider", _("Coaching provider")
    BRANCH_ORGANISATION = "branch_organisation", _("Branch organisation")
    FUNDER = "funder", _("Funder")


class PilotPartner(TimeStampedModel):
    """An organisation's role in one pilot: the same college can train in one and coach in another."""

    pilot = models.ForeignKey(Pilot, verbose_name=_("pilot"), on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="partnerships"
    )
    role = models.CharField(_("role"), max_length=32, choices=PartnerRole.choices)
    contribution = models.CharField(_("contribution"), max_length=255, blank=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("pilot partner")
        verbose_name_plural = _("pilot partners")
        ordering = ["pilot", "role", "organisation"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "organisation", "role"], name="pilotpartner_unique_role"),
            models.CheckConstraint(condition=Q(role__in=PartnerRole.values), name="pilotpartner_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class CohortQuerySet(models.QuerySet["Cohort"]):
    def open(self) -> "CohortQuerySet":
        """The cohorts that are not closed: the only ones that take new candidates, seat offers and proposals
        (pilots.services.cohort_check_open refuses the rest)."""
        return self.filter(closed_at__isnull=True)


class Cohort(TimeStampedModel):
    """One run of a pilot, with a fixed number of seats; the reserve list waits beside it."""

    pilot = models.ForeignKey(Pilot, verbose_name=_("pilot"), on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    seats = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1)])
    # The weekly rhythm as weekday codes; both empty means the default derived from the pilot's counts.
    internship_weekdays = models.JSONField(_("internship days"), default=list, blank=True)
    school_weekdays = models.JSONField(_("school days"), default=list, blank=True)
    location = models.CharField(
        _("location"), max_length=200, blank=True, help_text=_("Where the classes are held, for example an address.")
    )
    trainer = models.ForeignKey(
        Organisation,
        verbose_name=_("training organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trained_cohorts",
    )
    # Closed: the round is over and takes no more candidates (pilots.services.cohort_close).
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "core.User", verbose_name=_("closed by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = CohortQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["pilot", "start_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "name"], name="cohort_unique_name_per_pilot"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="cohort_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="cohort_seats_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.pilot} – {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("pilots:cohort-detail", kwargs={"pk": self.pk})


class CohortClass(TimeStampedModel):
    """A class (group) within a cohort; the leerlingpoule ran three."""

    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="classes")
    name = models.CharField(_("name"), max_length=100)
    seats = models.PositiveSmallIntegerField(_("seats"), null=True, blank=True, validators=[MinValueValidator(1)])
    # Empty dates follow the cohort's.
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    trainer = models.ForeignKey(
        Organisation,
        verbose_name=_("training organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trained_classes",
    )

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["cohort", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="cohortclass_unique_name"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="cohortclass_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(seats__isnull=True) | Q(seats__gte=1), name="cohortclass_seats_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ModuleKind(models.TextChoices):
    LANGUAGE = "language", _("Language")
    NUMERACY = "numeracy", _("Numeracy")
    EMPLOYEE_SKILLS = "employee_skills", _("Employee skills")
    SECTOR = "sector", _("Sector module")
    TRADE_JARGON = "trade_jargon", _("Trade jargon")
    CERTIFICATE = "certificate", _("Certificate")
    PRACTICE = "practice", _("Shadowing and practice days")


class Module(TimeStampedModel):
    """A part of the pilot's learning line, with the organisation that teaches it."""

    pilot = models.ForeignKey(Pilot, verbose_name=_("pilot"), on_delete=models.CASCADE, related_name="modules")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=ModuleKind.choices)
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="modules",
    )
    planned_hours = models.PositiveSmallIntegerField(_("planned hours"), default=0)
    start_week = models.PositiveSmallIntegerField(_("first week"), default=1, validators=[MinValueValidator(1)])
    end_week = models.PositiveSmallIntegerField(_("last week"), default=1, validators=[MinValueValidator(1)])
    certificate_name = models.CharField(
        _("certificate"), max_length=100, blank=True, help_text=_("For example VCA; empty when none is issued.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["pilot", "position", "start_week", "name"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "name"], name="module_unique_name_per_pilot"),
            models.CheckConstraint(
                condition=Q(start_week__gte=1) & Q(end_week__gte=F("start_week")),
                name="module_weeks_in_order",
                violation_error_message=_("The last week cannot be before the first week."),
            ),
            models.CheckConstraint(condition=Q(kind__in=ModuleKind.values), name="module_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class TrackWeekday(models.TextChoices):
    """The days a track can be planned on; the codes are those of the candidates' available days."""

    MONDAY = "mon", _("Monday")
    TUESDAY = "tue", _("Tuesday")
    WEDNESDAY = "wed", _("Wednesday")
    THURSDAY = "thu", _("Thursday")
    FRIDAY = "fri", _("Friday")


class CohortModule(TimeStampedModel):
    """A module of one cohort's learning line: a copy of one of the pilot's modules, or the cohort's own.

    Cohorts inherit the pilot's learning line and may differ from it (another provider, other weeks, an
    extra module), so attendance, results and certificates refer to the cohort's modules.
    """

    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="learning_line")
    module = models.ForeignKey(
        Module,
        verbose_name=_("module of the pilot"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cohort_modules",
        help_text=_("Empty for a module of this cohort only."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=ModuleKind.choices)
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cohort_modules",
    )
    planned_hours = models.PositiveSmallIntegerField(_("planned hours"), default=0)
    start_week = models.PositiveSmallIntegerField(_("first week"), default=1, validators=[MinValueValidator(1)])
    end_week = models.PositiveSmallIntegerField(_("last week"), default=1, validators=[MinValueValidator(1)])
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    certificate_name = models.CharField(
        _("certificate"), max_length=100, blank=True, help_text=_("For example VCA; empty when none is issued.")
    )
    is_unit_certificate = models.BooleanField(
        _("certificate per unit"),
        default=False,
        help_text=_("The certificate counts on its own, also when the whole track is not completed."),
    )

    class Meta:
        verbose_name = _("module of a cohort")
        verbose_name_plural = _("modules of a cohort")
        ordering = ["cohort", "position", "start_week", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="cohortmodule_unique_name_per_cohort"),
            models.UniqueConstraint(
                fields=["cohort", "module"],
                condition=Q(module__isnull=False),
                name="cohortmodule_pilot_module_once_per_cohort",
            ),
            models.CheckConstraint(
                condition=Q(start_week__gte=1) & Q(end_week__gte=F("start_week")),
                name="cohortmodule_weeks_in_order",
                violation_error_message=_("The last week cannot be before the first week."),
            ),
            models.CheckConstraint(condition=Q(kind__in=ModuleKind.values), name="cohortmodule_kind_valid"),
            models.CheckConstraint(
                condition=Q(is_unit_certificate=False) | ~Q(certificate_name=""),
                name="cohortmodule_unit_certificate_has_name",
                violation_error_message=_("Name the certificate that is issued per unit."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
