"""The administrator's home: the portal page an administrator lands on, with the administration one link away.

Accounts, reference data, the audit trail and the queues, each a count and a link: what needs the administrator's
eye today. The mail queue is core's outbox, the report queue the reports app's jobs, so the page stands on top.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core import outbox
from core.audit import audit_event_list
from core.invitations import status_counts
from core.models import User
from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from reports.models import ReportJobStatus
from reports.selectors import report_job_list

LATEST_AUDIT_EVENTS = 5


@dataclass(frozen=True)
class Link:
    label: Promise | str
    url: str


# The portal's own pages for reference data, by URL name, shown once they exist; until then the block lists the
# administration's pages for the same rows.
REFERENCE_DATA_PAGES: tuple[tuple[Promise, str], ...] = (
    (_("Regions, sectors, dropout reasons and barriers"), "pilots:reference-list"),
)
REFERENCE_DATA_ADMIN_PAGES: tuple[tuple[Promise, str, dict[str, str] | None], ...] = (
    (_("Sectors"), "admin:pilots_referenceitem_changelist", {"kind__exact": "sector"}),
    (_("Dropout reasons"), "admin:pilots_referenceitem_changelist", {"kind__exact": "dropout_reason"}),
    (_("Barriers"), "admin:pilots_referenceitem_changelist", {"kind__exact": "barrier"}),
    (_("Labour-market regions"), "admin:pilots_region_changelist", None),
    (_("Organisations"), "admin:pilots_organisation_changelist", None),
)


def _link(label: Promise | str, name: str, query: dict[str, str] | None = None) -> Link | None:
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    return Link(label, f"{url}?{urlencode(query)}" if query else url)


def reference_data_links() -> tuple[list[Link], bool]:
    """The links of the reference-data block, and whether they are the portal's own pages (else the admin's)."""
    portal = [link for label, name in REFERENCE_DATA_PAGES if (link := _link(label, name))]
    if portal:
        return portal, True
    return [link for label, name, query in REFERENCE_DATA_ADMIN_PAGES if (link := _link(label, name, query))], False


def report_queue_counts(*, user) -> dict[str, int]:
    """Report jobs that failed, that are being made, and that wait their turn."""
    return report_job_list(user=user).aggregate(
        failed=Count("pk", filter=Q(status=ReportJobStatus.FAILED)),
        running=Count("pk", filter=Q(status=ReportJobStatus.RUNNING)),
        waiting=Count("pk", filter=Q(status=ReportJobStatus.QUEUED)),
    )


@role_required(Role.ADMINISTRATOR)
def admin_home(request: AuthenticatedRequest) -> HttpResponse:
    reference_links, reference_in_portal = reference_data_links()
    return render(
        request,
        "start/admin_home.html",
        {
            "people": status_counts(User.objects.all()),
            "reference_links": reference_links,
            "reference_in_portal": reference_in_portal,
            "audit_events": audit_event_list()[:LATEST_AUDIT_EVENTS],
            "mail": {"waiting": outbox.waiting(), "stuck": outbox.stuck(), "failed": outbox.failed()},
            "reports": report_queue_counts(user=request.user),
        },
    )
