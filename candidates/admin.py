import re
from typing import cast

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import BLANK_CHOICE_DASH, QuerySet
from django.db.models.expressions import RawSQL
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import (
    HistoryAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyTabularInline,
    RowLinksChangeList,
    TransitionActionForm,
    adopt,
    model_field_names,
    posted_action_value,
    refusal_of,
    register_history,
    transition_action,
)
from core.models import User
from core.paginator import IdsFirstPaginator
from pilots.admin import reference_filter
from pilots.forms import reference_choices_of
from pilots.models import Cohort, CohortClass, ReferenceKind

from .lifecycle import ENROLMENT_LIFECYCLE
from .models import (
    AdviserChange,
    Attendance,
    AttendanceSession,
    Candidate,
    CandidateBarrier,
    CandidateImport,
    Certificate,
    CoachingNote,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    Evaluation,
    EvaluationGoal,
    FollowUp,
    FollowUpDigest,
    ModuleResult,
    Note,
    Outcome,
    PendingUpload,
    Screening,
    ScreeningAppointment,
    Weekday,
)
from .progress import OUTFLOW_FIELDS, outflow_record
from .services import enrolment_create, enrolment_transition

# What an administrator may record about an outcome is what outflow_record takes.
OUTCOME_FIELDS = OUTFLOW_FIELDS

_COMPACT_POSTCODE = re.compile(r"[1-9][0-9]{3}[A-Z]{2}")


def _outcome_details(cleaned_data: dict) -> dict:
    return {name: cleaned_data[name] for name in OUTCOME_FIELDS if name in cleaned_data}


def _outcome_may_be_recorded(enrolment: Enrolment) -> bool:
    # An outcome goes with outflow: for a track that can flow out now, or already did.
    return enrolment.status == EnrolmentStatus.OUTFLOW or ENROLMENT_LIFECYCLE.is_allowed(
        enrolment.status, EnrolmentStatus.OUTFLOW
    )


class CandidateBarrierForm(forms.ModelForm):
    """A barrier's kind chosen from the barrier list (reference data), not typed."""

    kind = forms.ChoiceField(label=_("barrier"), choices=reference_choices_of(ReferenceKind.BARRIER))

    class Meta:
        model = CandidateBarrier
        fields = ("kind", "note", "resolved")


class CandidateBarrierInline(admin.TabularInline):
    model = CandidateBarrier
    form = CandidateBarrierForm
    extra = 0
    fields = ("kind", "note", "resolved")


class CandidateEnrolmentInline(ReadOnlyTabularInline):
    """The candidate's enrolments at a glance; each one changes only on its own page, step by step."""

    model = Enrolment
    fields = ("cohort", "status", "status_changed_at", "started_on", "ended_on")
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cohort__pilot")


def referring_organisation_ids() -> RawSQL:
    """The ids of the organisations that referred a candidate, as a subquery.

    Read by skipping through the index on the referring organisation, one probe per organisation found, rather
    than by reading every candidate for the distinct ones (what RelatedOnlyFieldListFilter asks the database, which
    reads the whole table for it).
    """
    table = Candidate._meta.db_table
    column = Candidate._meta.get_field("referring_organisation").column
    # Only the model's own table and column names go into the text; it takes no input.
    return RawSQL(  # noqa: S611
        f"WITH RECURSIVE found(id) AS (SELECT MIN({column}) FROM {table} UNION ALL "  # noqa: S608
        f"SELECT (SELECT MIN(later.{column}) FROM {table} later WHERE later.{column} > found.id) "
        "FROM found WHERE found.id IS NOT NULL) SELECT id FROM found WHERE id IS NOT NULL",
        (),
    )


class ReferringOrganisationFilter(admin.RelatedOnlyFieldListFilter):
    """The organisations that referred a candidate (a region holds thousands of organisations), found through the
    index (referring_organisation_ids)."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False, limit_choices_to={"pk__in": referring_organisation_ids()}, ordering=ordering
        )


# What a row of the administration's candidate list shows (CandidateAdmin.list_display, and the name each row's box
# is labelled with): the page's rows are read with these columns only, not all of the candidate's.
CHANGELIST_FIELDS = (
    "first_name",
    "last_name_prefix",
    "last_name",
    "email",
    "phone",
    "postcode",
    "city",
    "referral_source",
    "consent_given_at",
    "adviser",
    "adviser__first_name",
    "adviser__last_name",
    "adviser__username",
)


class CandidateChangeListPaginator(IdsFirstPaginator):
    """IdsFirstPaginator, reading the page's rows with the list's columns only (CHANGELIST_FIELDS)."""

    def ordered_queryset(self) -> QuerySet:
        return self.object_list.only(*CHANGELIST_FIELDS)  # type: ignore[attr-defined]


# The label of ModelAdmin's own box, translated by the administration's catalogue (a name, not a literal, so that it
# stays out of the portal's own).
ACTION_CHECKBOX_LABEL = "Select this object for an action - {}"


@admin.register(Candidate)
class CandidateAdmin(HistoryAdmin):
    list_display = ("full_name", "email", "phone", "postcode", "city", "referral_source", "adviser", "has_consent")
    # Only the organisations that referred a candidate. Registration dates as a filter rather than a date
    # hierarchy, which reads the date of every candidate (of every one found by a search) to draw its links.
    list_filter = (
        "referral_source",
        "benefit_type",
        "is_status_holder",
        "consent_given_at",
        ("referring_organisation", ReferringOrganisationFilter),
        "created_at",
    )
    list_select_related = ("adviser",)
    # A changelist counts only the filtered rows, never the whole table as well.
    show_full_result_count = False
    # A far page reads its ids from the index of the name order (Candidate.Meta), then only its own rows. Half of
    # the admin's hundred: drawing a row's columns is most of what a page of this list costs.
    paginator = CandidateChangeListPaginator
    list_per_page = 50
    search_fields = ("first_name", "last_name_prefix", "last_name", "email", "phone", "postcode")
    search_help_text = _("Search by name, e-mail, phone or postcode.")
    autocomplete_fields = ("referring_organisation", "adviser")
    readonly_fields = ("consent_recorded_by", "created_at", "updated_at")
    inlines = (CandidateBarrierInline, CandidateEnrolmentInline)

    def get_changelist(self, request, **kwargs):
        return RowLinksChangeList

    def action_checkbox(self, obj):
        # The same box ModelAdmin draws, written out rather than rendered through a form widget's template: a page
        # of the list draws fifty.
        label = format_html(gettext(ACTION_CHECKBOX_LABEL), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj: Candidate) -> str:
        return obj.full_name

    @admin.display(description=_("consent"), boolean=True)
    def has_consent(self, obj: Candidate) -> bool:
        return obj.has_consent

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Weekdays as tick boxes rather than a JSON text box.
        if db_field.name == "available_days":
            return forms.MultipleChoiceField(
                label=capfirst(db_field.verbose_name),
                choices=Weekday.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Postcodes are stored with or without the space; find both whichever way they are typed.
        compact = search_term.replace(" ", "").upper()
        if _COMPACT_POSTCODE.fullmatch(compact):
            results |= queryset.filter(postcode__in=[compact, f"{compact[:4]} {compact[4:]}"])
        return results, may_have_duplicates

    def save_model(self, request, obj, form, change):
        # Whoever records or withdraws the consent is accountable for it.
        if {"consent_given_at", "consent_purpose"} & set(form.changed_data):
            obj.consent_recorded_by = request.user if obj.consent_given_at else None
        super().save_model(request, obj, form, change)


@admin.register(CandidateBarrier)
class CandidateBarrierAdmin(HistoryAdmin):
    form = CandidateBarrierForm
    list_display = ("kind", "candidate", "resolved", "note")
    list_filter = (reference_filter("kind", ReferenceKind.BARRIER), "resolved")
    list_select_related = ("candidate",)
    show_full_result_count = False
    search_fields = ("candidate__first_name", "candidate__last_name", "note")
    autocomplete_fields = ("candidate",)


class EnrolmentActionForm(TransitionActionForm):
    dropout_reason = forms.ChoiceField(
        label=_("Dropout reason"),
        choices=reference_choices_of(ReferenceKind.DROPOUT_REASON, blank=BLANK_CHOICE_DASH[0][1]),
        required=False,
    )


class EnrolmentAddForm(forms.ModelForm):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Enrolment
        fields = ("candidate", "cohort")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A closed cohort takes no one (pilots.services.cohort_check_open): it is not a valid choice here either.
        if "cohort" in self.fields:
            cast(forms.ModelChoiceField, self.fields["cohort"]).queryset = Cohort.objects.open()


class EnrolmentChangeForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = ("cohort_class",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "cohort_class" in self.fields:
            cohort_class = cast(forms.ModelChoiceField, self.fields["cohort_class"])
            cohort_class.queryset = CohortClass.objects.filter(cohort_id=self.instance.cohort_id)


class EnrolmentTransitionInline(ReadOnlyTabularInline):
    model = EnrolmentTransition
    fields = ("at", "from_status", "to_status", "by_user", "reason")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by_user")


class OutcomeInlineFormSet(BaseInlineFormSet):
    by_user: User | None = None  # the person saving; set per request by OutcomeInline.get_formset

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            if form.has_changed() and not form.errors:
                refusal = refusal_of(
                    outflow_record, enrolment=self.instance, by_user=self.by_user, **_outcome_details(form.cleaned_data)
                )
                if refusal:
                    raise ValidationError(str(refusal))


class OutcomeInline(admin.StackedInline):
    model = Outcome
    formset = OutcomeInlineFormSet
    fields = (*OUTCOME_FIELDS, "recorded_by")
    readonly_fields = ("recorded_by",)
    autocomplete_fields = ("employer",)
    max_num = 1
    can_delete = False

    def get_formset(self, request, obj=None, **kwargs):
        # A fresh subclass of OutcomeInlineFormSet per request, so the user stays with this request.
        formset = cast(type[OutcomeInlineFormSet], super().get_formset(request, obj, **kwargs))
        formset.by_user = request.user
        return formset


def _move_enrolment(enrolment: Enrolment, status: str, request) -> None:
    enrolment_transition.within(
        enrolment=enrolment,
        to_status=status,
        by_user=request.user,
        reason=posted_action_value(request, "reason"),
        dropout_reason=posted_action_value(request, "dropout_reason") if status == EnrolmentStatus.DROPPED_OUT else "",
    )


@admin.register(Enrolment)
class EnrolmentAdmin(HistoryAdmin):
    """Enrolments are added through enrolment_create and move only through enrolment_transition.

    On the change page only the class is editable; the life-cycle fields change with the actions.
    """

    list_display = ("candidate", "cohort", "status", "status_changed_at", "started_on", "ended_on")
    list_filter = ("status", "cohort__pilot", reference_filter("dropout_reason", ReferenceKind.DROPOUT_REASON))
    list_select_related = ("candidate", "cohort__pilot")
    show_full_result_count = False
    search_fields = (
        "candidate__first_name",
        "candidate__last_name",
        "candidate__email",
        "cohort__name",
        "cohort__pilot__name",
    )
    autocomplete_fields = ("candidate", "cohort")
    date_hierarchy = "status_changed_at"
    action_form = EnrolmentActionForm
    actions = (
        transition_action(EnrolmentStatus.SCREENING_PLANNED, _("Plan screening"), _move_enrolment),
        transition_action(EnrolmentStatus.SCREENED, _("Mark as screened"), _move_enrolment),
        transition_action(EnrolmentStatus.SELECTED, _("Select"), _move_enrolment),
        transition_action(EnrolmentStatus.RESERVE, _("Put on the reserve list"), _move_enrolment),
        transition_action(EnrolmentStatus.NOT_SELECTED, _("Do not select (give a reason)"), _move_enrolment),
        transition_action(EnrolmentStatus.STARTED, _("Mark as started"), _move_enrolment),
        transition_action(EnrolmentStatus.COMPLETED, _("Mark as completed"), _move_enrolment),
        transition_action(
            EnrolmentStatus.DROPPED_OUT, _("Mark as dropped out (choose a dropout reason)"), _move_enrolment
        ),
    )
    editable_on_change = ("cohort_class",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = EnrolmentChangeForm if obj is not None else EnrolmentAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["candidate", "cohort", "reason"]
        return [*model_field_names(self.model), "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # Everything but the class is read-only, including life-cycle fields added later.
        return [name for name in self.get_fields(request, obj) if name not in self.editable_on_change]

    def get_inlines(self, request, obj):
        if obj is None:
            return ()  # a new enrolment has no history yet
        if _outcome_may_be_recorded(obj):
            return (EnrolmentTransitionInline, OutcomeInline)
        return (EnrolmentTransitionInline,)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        enrolment = enrolment_create.within(
            candidate=obj.candidate, cohort=obj.cohort, by_user=request.user, reason=form.cleaned_data["reason"]
        )
        adopt(obj, enrolment)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Outcome:
            super().save_formset(request, form, formset, change)
            return
        # Through the service, which also takes the enrolment to outflow; the change message reads these lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for outcome_form in formset.forms:
            if not outcome_form.has_changed():
                continue
            is_new = outcome_form.instance.pk is None
            outcome = outflow_record.within(
                enrolment=form.instance, by_user=request.user, **_outcome_details(outcome_form.cleaned_data)
            )
            if is_new:
                formset.new_objects.append(outcome)
            else:
                formset.changed_objects.append((outcome, outcome_form.changed_data))


@admin.register(EnrolmentTransition)
class EnrolmentTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("enrolment", "from_status", "to_status", "by_user", "at", "reason")
    list_filter = ("to_status", "from_status")
    list_select_related = ("enrolment__candidate", "enrolment__cohort__pilot", "by_user")
    show_full_result_count = False
    search_fields = ("enrolment__candidate__first_name", "enrolment__candidate__last_name", "reason")
    date_hierarchy = "at"
    # Newest first, on the indexed time of the change rather than the model's grouping by enrolment.
    ordering = ("-at", "-pk")


class OutcomeAdminForm(forms.ModelForm):
    by_user: User | None = None  # the person saving; set per request by OutcomeAdmin.get_form

    class Meta:
        model = Outcome
        fields = ("enrolment", *OUTCOME_FIELDS)

    def clean(self):
        super().clean()
        cleaned_data = self.cleaned_data
        if self.errors:
            return cleaned_data
        # The enrolment is read-only, so not in the form, once the outcome exists.
        enrolment = cleaned_data.get("enrolment") or self.instance.enrolment
        refusal = refusal_of(
            outflow_record, enrolment=enrolment, by_user=self.by_user, **_outcome_details(cleaned_data)
        )
        if refusal:
            raise ValidationError(str(refusal))
        return cleaned_data


@admin.register(Outcome)
class OutcomeAdmin(HistoryAdmin):
    """Outcomes are written through outflow_record, which also takes the enrolment to outflow."""

    form = OutcomeAdminForm
    list_display = ("enrolment", "kind", "employer_or_school", "contract_type", "start_date", "recorded_by")
    list_filter = ("kind", "contract_type")
    list_select_related = ("enrolment__candidate", "enrolment__cohort__pilot", "employer__organisation", "recorded_by")
    show_full_result_count = False
    search_fields = (
        "enrolment__candidate__first_name",
        "enrolment__candidate__last_name",
        "employer__organisation__name",
        "employer_name",
        "next_step",
    )
    autocomplete_fields = ("enrolment", "employer")
    date_hierarchy = "start_date"

    @admin.display(description=_("employer or school"))
    def employer_or_school(self, obj: Outcome) -> str:
        return str(obj.employer) if obj.employer else obj.employer_name

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.by_user = request.user  # a fresh class per request, so this stays with this request
        return form

    def get_readonly_fields(self, request, obj=None):
        return ("enrolment", "recorded_by") if obj is not None else ("recorded_by",)

    def save_model(self, request, obj, form, change):
        adopt(
            obj,
            outflow_record.within(enrolment=obj.enrolment, by_user=request.user, **_outcome_details(form.cleaned_data)),
        )


@admin.register(ScreeningAppointment)
class ScreeningAppointmentAdmin(HistoryAdmin):
    list_display = ["enrolment", "starts_at", "location", "adviser", "status"]
    list_filter = ["status", "enrolment__cohort__pilot"]
    list_select_related = ["enrolment__candidate", "enrolment__cohort__pilot", "adviser"]
    show_full_result_count = False
    search_fields = ["enrolment__candidate__first_name", "enrolment__candidate__last_name", "location"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["enrolment"]
    autocomplete_fields = ["adviser"]
    readonly_fields = ["created_by"]


@admin.register(Screening)
class ScreeningAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    """Screenings are recorded by advisers in the portal; the administration only reads them."""

    list_display = ["enrolment", "screened_on", "adviser", "total_score", "recommendation"]
    list_filter = ["recommendation", "enrolment__cohort__pilot"]
    list_select_related = ["enrolment__candidate", "enrolment__cohort__pilot", "adviser"]
    show_full_result_count = False
    search_fields = ["enrolment__candidate__first_name", "enrolment__candidate__last_name"]
    date_hierarchy = "screened_on"


@admin.register(Note)
class NoteAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["candidate", "author", "created_at"]
    list_select_related = ["candidate", "author"]
    show_full_result_count = False
    search_fields = ["candidate__first_name", "candidate__last_name", "text"]
    date_hierarchy = "created_at"


@admin.register(AdviserChange)
class AdviserChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["candidate", "from_adviser", "to_adviser", "by_user", "at"]
    list_select_related = ["candidate", "from_adviser", "to_adviser", "by_user"]
    show_full_result_count = False
    search_fields = ["candidate__first_name", "candidate__last_name"]
    date_hierarchy = "at"


@admin.register(CandidateImport)
class CandidateImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["file_name", "cohort", "uploaded_by", "at", "rows_total", "rows_imported", "rows_skipped"]
    list_select_related = ["cohort__pilot", "uploaded_by"]
    show_full_result_count = False
    list_filter = ["cohort__pilot"]
    search_fields = ["file_name"]
    date_hierarchy = "at"
    exclude = ["candidates"]


@admin.register(PendingUpload)
class PendingUploadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who uploaded which list for which cohort, and when it is deleted; never the file, which holds a whole list
    of people. Confirming, cancelling, the periodic task and erasure delete these (candidates.pending_uploads)."""

    list_display = ["file_name", "cohort", "owner", "created_at", "expires_at"]
    list_select_related = ["cohort__pilot", "owner"]
    show_full_result_count = False
    list_filter = ["cohort__pilot"]
    fields = ["file_name", "cohort", "owner", "consent_purpose", "created_at", "expires_at"]
    date_hierarchy = "created_at"


# --- During and after the track ---------------------------------------------------------------------------
# Recorded in the portal through candidates.progress, which checks who may record what and when; the
# administration reads them.

_ENROLMENT_PATHS = ("enrolment__candidate", "enrolment__cohort__pilot")
_CANDIDATE_SEARCH = ("enrolment__candidate__first_name", "enrolment__candidate__last_name")


class AttendanceMarkInline(ReadOnlyTabularInline):
    model = Attendance
    fields = ("enrolment", "status", "recorded_by", "recorded_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*_ENROLMENT_PATHS, "recorded_by")


@admin.register(AttendanceSession)
class AttendanceSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Sessions come from the cohort's weekly rhythm (attendance_week_sessions) or a module's lesson days."""

    list_display = ("date", "kind", "cohort", "cohort_module", "created_by")
    list_filter = ("kind", "cohort__pilot")
    list_select_related = ("cohort__pilot", "cohort_module", "created_by")
    show_full_result_count = False
    search_fields = ("cohort__name", "cohort__pilot__name", "cohort_module__name")
    date_hierarchy = "date"
    inlines = (AttendanceMarkInline,)


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("enrolment", "session", "status", "recorded_by", "recorded_at")
    list_filter = ("status", "session__kind", "session__cohort__pilot")
    list_select_related = (*_ENROLMENT_PATHS, "session__cohort__pilot", "recorded_by")
    show_full_result_count = False
    search_fields = _CANDIDATE_SEARCH
    date_hierarchy = "recorded_at"


@admin.register(ModuleResult)
class ModuleResultAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("enrolment", "cohort_module", "status", "date", "recorded_by")
    list_filter = ("status", "enrolment__cohort__pilot")
    list_select_related = (*_ENROLMENT_PATHS, "cohort_module", "recorded_by")
    show_full_result_count = False
    search_fields = (*_CANDIDATE_SEARCH, "cohort_module__name")
    date_hierarchy = "date"


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "enrolment", "number", "issued_on", "expires_on", "recorded_by")
    list_filter = ("enrolment__cohort__pilot",)
    list_select_related = (*_ENROLMENT_PATHS, "recorded_by")
    show_full_result_count = False
    search_fields = (*_CANDIDATE_SEARCH, "name", "number")
    date_hierarchy = "issued_on"


@admin.register(CoachingNote)
class CoachingNoteAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ("enrolment", "author", "coach_kind", "visibility", "created_at")
    list_filter = ("coach_kind", "visibility", "enrolment__cohort__pilot")
    list_select_related = (*_ENROLMENT_PATHS, "author")
    show_full_result_count = False
    search_fields = (*_CANDIDATE_SEARCH, "text")
    date_hierarchy = "created_at"


class EvaluationGoalInline(ReadOnlyTabularInline):
    model = EvaluationGoal
    fields = ("position", "goal", "score", "note")


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("enrolment", "moment", "held_on", "advice", "by_user")
    list_filter = ("moment", "advice", "enrolment__cohort__pilot")
    list_select_related = (*_ENROLMENT_PATHS, "by_user")
    show_full_result_count = False
    search_fields = _CANDIDATE_SEARCH
    date_hierarchy = "held_on"
    inlines = (EvaluationGoalInline,)


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("outcome", "candidate", "months", "due_on", "answered_on", "still_working", "same_employer")
    list_filter = ("months", "still_working", "answered_on", "outcome__enrolment__cohort__pilot")
    list_select_related = ("outcome__enrolment__candidate", "recorded_by")
    show_full_result_count = False
    search_fields = ("outcome__enrolment__candidate__first_name", "outcome__enrolment__candidate__last_name")
    date_hierarchy = "due_on"

    @admin.display(description=_("candidate"), ordering="outcome__enrolment__candidate__last_name")
    def candidate(self, obj: FollowUp) -> str:
        return str(obj.outcome.enrolment.candidate)


@admin.register(FollowUpDigest)
class FollowUpDigestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("adviser", "week_start", "sent_at", "followup_count")
    list_select_related = ("adviser",)
    show_full_result_count = False
    search_fields = ("adviser__username", "adviser__first_name", "adviser__last_name")
    date_hierarchy = "week_start"


# Every saved version of the audited models, read-only.
register_history(Candidate, CandidateBarrier, Enrolment, Outcome, ScreeningAppointment, Screening, Note, CoachingNote)
