"""Reads of report jobs, scoped to what the user may see."""

from django.db.models import Exists, OuterRef, QuerySet

from core.roles import Role
from pilots.models import Pilot
from pilots.selectors import pilot_list

from .models import ReportJob

REPORT_READERS = (Role.COORDINATOR, Role.ADMINISTRATOR)


def report_job_list(*, user) -> QuerySet[ReportJob]:
    """Report jobs the user may see: those all of whose pilots the user sees (pilots.selectors.pilot_list).

    So a coordinator sees the reports of their own organisation's pilots, whoever asked for them, and never a
    report that compares one of them with a pilot they do not work on. Other roles see none.
    """
    jobs = ReportJob.objects.select_related("requested_by").prefetch_related("pilots", "cohorts")
    if not user.is_authenticated or user.role not in REPORT_READERS:
        return jobs.none()
    if user.role == Role.ADMINISTRATOR:
        return jobs
    links = ReportJob.pilots.through.objects.filter(reportjob_id=OuterRef("pk"))
    hidden_pilots = Pilot.objects.exclude(pk__in=pilot_list(user=user).values("pk"))
    return jobs.filter(Exists(links)).exclude(Exists(links.filter(pilot__in=hidden_pilots)))


def recent_report_jobs(*, user, limit: int = 5) -> QuerySet[ReportJob]:
    """The user's own latest report jobs, for their start page."""
    return report_job_list(user=user).filter(requested_by=user)[:limit]
