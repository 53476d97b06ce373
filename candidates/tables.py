"""The candidate list as a sortable, paginated table. Every cell renders from the row itself: no query per row.

The page's rows are written by {% candidate_rows %} (candidates/templatetags/candidate_rows.py), the same cells as the
render_ methods here draw, without a template node or a format_html per cell.
"""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .completeness import completeness_percentage, missing_requirements
from .models import EnrolmentStatus
from .validators import age_on, format_phone

# Enrolment statuses drawn with the badge colours of the portal: in progress, in the cohort, waiting, ended.
STATUS_BADGE_CLASSES: dict[str, str] = {
    EnrolmentStatus.REGISTERED: "status-neutral",
    EnrolmentStatus.SCREENING_PLANNED: "status-neutral",
    EnrolmentStatus.SCREENED: "status-recruitment",
    EnrolmentStatus.SELECTED: "status-running",
    EnrolmentStatus.STARTED: "status-running",
    EnrolmentStatus.RESERVE: "status-evaluation",
    EnrolmentStatus.NOT_SELECTED: "status-closed",
    EnrolmentStatus.DROPPED_OUT: "status-closed",
    EnrolmentStatus.COMPLETED: "status-recruitment",
    EnrolmentStatus.OUTFLOW: "status-running",
}

PAGE_SIZES = (25, 50, 100)
MAX_PAGE_SIZE = 200


def status_badge_class(status: str) -> str:
    return STATUS_BADGE_CLASSES.get(status, "status-neutral")


def status_badge(status: str):
    return format_html(
        '<span class="badge rounded-pill status-badge {}">{}</span>',
        status_badge_class(status),
        EnrolmentStatus(status).label,
    )


class CandidateTable(tables.Table):
    name = tables.Column(
        verbose_name=_("Name"), accessor="last_name", order_by=("last_name", "first_name", "last_name_prefix", "pk")
    )
    age = tables.Column(verbose_name=_("Age"), accessor="date_of_birth", order_by=("-date_of_birth", "pk"))
    contact = tables.Column(verbose_name=_("Phone / e-mail"), empty_values=(), orderable=False)
    postcode = tables.Column(verbose_name=_("Postcode"), order_by=("postcode", "last_name", "pk"))
    cohort = tables.Column(
        verbose_name=_("Cohort and status"),
        accessor="current_cohort_name",
        empty_values=(),
        # The pilot and cohort of the candidate's current enrolment, kept on the candidate with an index of this order
        # (Candidate.sort_pilot_name), so that a page is read from the index rather than by sorting the whole scope.
        order_by=("sort_pilot_name", "sort_cohort_name", "last_name", "pk"),
    )
    adviser = tables.Column(
        verbose_name=_("Adviser"), empty_values=(), order_by=("adviser__last_name", "adviser__first_name", "pk")
    )
    completeness = tables.Column(verbose_name=_("Complete"), empty_values=(), orderable=False)
    registered = tables.Column(verbose_name=_("Registered"), accessor="created_at", order_by=("created_at", "pk"))

    class Meta:
        template_name = "candidates/_cand_table.html"
        attrs = {"class": "table table-hover align-middle mb-0"}
        order_by_field = "sort"
        page_field = "page"
        per_page_field = "per_page"
        empty_text = _("No candidates match these filters.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def render_name(self, record):
        return format_html('<a href="{}">{}</a>', reverse("candidates:candidate-detail", args=[record.pk]), record)

    def render_age(self, value):
        return format_html(
            '<span class="tabular-nums">{}</span><br><span class="small text-body-secondary">{}</span>',
            age_on(value, self.today),
            date_format(value, "SHORT_DATE_FORMAT"),
        )

    def render_contact(self, record):
        parts = []
        if record.phone:
            parts.append(
                format_html('<a href="tel:{}">{}</a>', record.phone.replace(" ", ""), format_phone(record.phone))
            )
        if record.email:
            parts.append(format_html('<a href="mailto:{}">{}</a>', record.email, record.email))
        return format_html_join(mark_safe("<br>"), "{}", ((part,) for part in parts)) or "–"

    def render_cohort(self, record):
        if not record.current_status:
            return format_html('<span class="text-body-secondary">{}</span>', gettext("Not enrolled"))
        return format_html(
            '{}<br><span class="small text-body-secondary">{}</span> {}',
            record.current_cohort_name,
            record.current_pilot_name,
            status_badge(record.current_status),
        )

    def render_adviser(self, record):
        return str(record.adviser) if record.adviser_id else "–"

    def render_completeness(self, record):
        missing = missing_requirements(record)
        title = gettext("Missing: %(fields)s") % {"fields": ", ".join(str(r.label) for r in missing)} if missing else ""
        return format_html(
            '<span class="tabular-nums{}" title="{}">{}%</span>',
            " text-body-secondary" if missing else " fw-semibold",
            title,
            completeness_percentage(record),
        )

    def render_registered(self, value):
        return date_format(timezone.localtime(value).date(), "SHORT_DATE_FORMAT")


def page_size(value) -> int:
    """The page size asked for in the URL, within reason: a shared link cannot ask for 50,000 rows at once."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return PAGE_SIZES[0]
    return min(max(size, 1), MAX_PAGE_SIZE)
