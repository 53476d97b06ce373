"""Reads of report jobs, scoped to what the user may see, of the cohorts a report's period counts, and the public
figures of an evaluation remembered by their raw figures."""

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, Max, Min, OuterRef, QuerySet
from django.utils import timezone

from core.roles import Role
from pilots.models import Cohort, Pilot
from pilots.selectors import pilot_list

from . import disclosure, figures
from .figures import Evaluation, in_period, public_figures
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


# The warning names this many cohorts a period leaves out and counts the rest.
LEFT_OUT_LISTED = 10


@dataclass(frozen=True)
class PeriodCheck:
    """What a period does to the cohorts of a request: how many it counts, and the first it leaves out."""

    start: datetime.date
    end: datetime.date
    counted: int
    left_out: list[Cohort]  # the first LEFT_OUT_LISTED, by start date, with their pilot
    left_out_total: int
    cohorts_chosen: bool  # the request names cohorts, rather than all cohorts of its pilots

    @property
    def left_out_more(self) -> int:
        return self.left_out_total - len(self.left_out)

    @property
    def empty(self) -> bool:
        """The report would count no cohort although there are cohorts to count."""
        return self.counted == 0 and self.left_out_total > 0


def check_period(
    *, pilots: Iterable[Pilot], cohorts: Iterable[Cohort], start: datetime.date, end: datetime.date
) -> PeriodCheck:
    """The cohorts a report counts (those that start within the period, both days included, as
    reports.figures counts them) against the ones it leaves out, in two queries."""
    chosen = [cohort.pk for cohort in cohorts]
    scope = Cohort.objects.filter(pilot__in=[pilot.pk for pilot in pilots])
    if chosen:
        scope = scope.filter(pk__in=chosen)
    within = in_period(start, end)
    counts = scope.aggregate(counted=Count("pk", filter=within), left_out=Count("pk", filter=~within))
    left_out = scope.exclude(within).select_related("pilot").order_by("start_date", "pilot__name", "name", "pk")
    return PeriodCheck(
        start=start,
        end=end,
        counted=counts["counted"],
        left_out=list(left_out[:LEFT_OUT_LISTED]) if counts["left_out"] else [],
        left_out_total=counts["left_out"],
        cohorts_chosen=bool(chosen),
    )


def default_period(pilots: Iterable[Pilot]) -> tuple[datetime.date, datetime.date]:
    """From the first to the last cohort start of the pilots, so that the report counts every cohort.

    Without any cohort, last year and this year: a period a coordinator would choose by hand.
    """
    span = Cohort.objects.filter(pilot__in=pilots).aggregate(first=Min("start_date"), last=Max("start_date"))
    if span["first"] is None:
        today = timezone.localdate()
        return datetime.date(today.year - 1, 1, 1), datetime.date(today.year, 12, 31)
    return span["first"], span["last"]


# The code that decides what is hidden, so that a deployment that changes it never reads what older code decided.
_SUPPRESSION_CODE = hashlib.sha256(
    b"".join(Path(module.__file__ or "").read_bytes() for module in (disclosure, figures))
).hexdigest()[:16]
# A day: the raw figures name the day they were counted on, so a key is not asked for after it anyway.
PUBLIC_FIGURES_TIMEOUT = 24 * 60 * 60


def public_figures_of(evaluation: Evaluation) -> Evaluation:
    """public_figures(evaluation), remembered in the cache under the raw figures themselves.

    Deciding which counts to hide (reports.disclosure) costs far more than counting them, and the same raw figures
    always give the same public ones: the key is a digest of every raw figure (their dataclass repr, which names
    each field and value, the day they were counted on included), the threshold and the suppression code. So a
    remembered answer is never one for other figures: any change in the data that changes a count changes the key.
    """
    if evaluation.public:
        return evaluation
    raw = f"{_SUPPRESSION_CODE}|{settings.REPORT_SMALL_COUNT_THRESHOLD}|{evaluation!r}"
    key = "reports:public-figures:" + hashlib.sha256(raw.encode()).hexdigest()
    public = cache.get(key)
    if public is None:
        public = public_figures(evaluation)
        cache.set(key, public, PUBLIC_FIGURES_TIMEOUT)
    return public
