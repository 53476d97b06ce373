"""Report jobs in the browser: ask for a report, follow it, download it, try a failed one again."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.permissions import AuthenticatedRequest, role_required
from pilots.selectors import pilot_list

from .forms import ReportRequestForm
from .models import ReportJob, ReportJobStatus
from .selectors import REPORT_READERS, report_job_list
from .services import (
    ReportJobNotRetryableError,
    report_download_record,
    request_report,
    retry_report,
    running_too_long,
)

logger = logging.getLogger(__name__)
JOBS_PER_PAGE = 25


def _job(request: AuthenticatedRequest, pk: int) -> ReportJob:
    # A job the user may not see does not exist for them.
    return get_object_or_404(report_job_list(user=request.user), pk=pk)


# A report is normally claimed within seconds and built within a minute; a job queued or running longer than this
# share of the hard time limit (a minute by default) is taking longer than usual.
USUAL_SHARE_OF_TIME_LIMIT = 5
# The periodic task that starts a job again whose worker died (reports.tasks.watch_report_jobs), in the schedule.
WATCH_SCHEDULE_ENTRY = "watch-report-jobs"
# How late the watch may be before the page says that it should have come by now: the run itself takes a moment.
WATCH_SLACK = timedelta(minutes=1)


def _usual_duration() -> timedelta:
    return timedelta(seconds=settings.REPORT_TIME_LIMIT / USUAL_SHARE_OF_TIME_LIMIT)


def _next_watch_after(moment: datetime) -> datetime:
    """When reports.tasks.watch_report_jobs first runs after the moment, as beat schedules it."""
    schedule = settings.CELERY_BEAT_SCHEDULE[WATCH_SCHEDULE_ENTRY]["schedule"]
    if isinstance(schedule, timedelta):
        return moment + schedule  # an interval has no fixed times: this is the latest it comes
    start, delta, _now = schedule.remaining_delta(moment)  # a crontab: its next time after the moment
    return start + delta


def delay_message(job: ReportJob, *, now: datetime) -> str | None:
    """What happens next to a job queued or running longer than usual; None while it is not.

    The watch takes a job running longer than running_too_long() for one whose worker died and starts it again
    (or, after the last attempt, fails it for a "try again"); it sends a queued job again that long after the
    last time it was sent. This tells the coordinator by when that happens, at its first run past that moment.
    """
    if job.status == ReportJobStatus.RUNNING and job.started_at is not None:
        since = job.started_at
    elif job.status == ReportJobStatus.QUEUED and not job.waiting_for_queue:
        since = job.last_dispatch_at or job.created_at
    else:
        return None  # done or failed, or waiting for a broker that is away, which its own message explains
    if now - since <= _usual_duration():
        return None
    watch = _next_watch_after(since + running_too_long())
    at = formats.time_format(timezone.localtime(watch))
    if now > watch + WATCH_SLACK:
        # The watch did not come: beat or the workers are down, which only the administrator can put right.
        return _(
            "This is taking much longer than usual: the portal should have taken it up again at %(time)s and has "
            "not. Please tell the administrator."
        ) % {"time": at}
    if job.status == ReportJobStatus.QUEUED:
        return _(
            "This is taking longer than usual. If it has not started by %(time)s, the portal sends it again by "
            "itself. You may wait on this page or come back later."
        ) % {"time": at}
    if job.attempts >= settings.REPORT_MAX_ATTEMPTS:
        return _(
            "This is taking longer than usual. If it is not ready by %(time)s, the portal stops it and you can "
            "try again on this page."
        ) % {"time": at}
    return _(
        "This is taking longer than usual. If it is not ready by %(time)s, the portal starts it again by itself. "
        "You may wait on this page or come back later."
    ) % {"time": at}


def status_message(job: ReportJob) -> str:
    """What the coordinator reads under the state."""
    if job.status == ReportJobStatus.QUEUED:
        if job.waiting_for_queue:
            return _("The queue cannot be reached right now. The report will be made as soon as the queue is back.")
        return _with_delay(_("The report is waiting for its turn."), job)
    if job.status == ReportJobStatus.RUNNING:
        return _with_delay(_("The report is being made."), job)
    if job.status == ReportJobStatus.DONE:
        return _("The report is ready.")
    return job.get_failure_display() or _("Something went wrong while making the report.")


def _with_delay(message: str, job: ReportJob) -> str:
    delay = delay_message(job, now=timezone.now())
    return f"{message} {delay}" if delay else message


@role_required(*REPORT_READERS)
def job_new(request: AuthenticatedRequest) -> HttpResponse:
    initial = {}
    if request.method == "GET" and (slugs := request.GET.getlist("pilot")):
        # The dashboards link here with their pilots; the form's period then spans those pilots' cohorts.
        initial["pilots"] = list(pilot_list(user=request.user).filter(slug__in=slugs).order_by("name"))
    form = ReportRequestForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = request_report(
                user=request.user,
                pilots=form.cleaned_data["pilots"],
                cohorts=form.cleaned_data["cohorts"],
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # The state below says how far it is, and changes as the job goes on; this message stays true.
            messages.success(request, _("Your report has been asked for."))
            return redirect(job)
    return render(request, "reports/job_new.html", {"form": form})


@role_required(*REPORT_READERS)
def job_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(report_job_list(user=request.user), JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reports/job_list.html", {"page": page, "jobs": page.object_list})


@role_required(*REPORT_READERS)
def job_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "reports/job_detail.html", {"job": job, "message": status_message(job)})


@never_cache
@role_required(*REPORT_READERS)
def job_status(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    """The job's state for the page's polling script."""
    job = _job(request, pk)
    done = job.status == ReportJobStatus.DONE
    return JsonResponse(
        {
            "id": job.pk,
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress,
            "message": status_message(job),
            "waiting_for_queue": job.waiting_for_queue,
            "finished": job.status in (ReportJobStatus.DONE, ReportJobStatus.FAILED),
            "download_url": reverse("reports:job-download", args=[job.pk]) if done else None,
        }
    )


@role_required(*REPORT_READERS)
def job_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """The PDF, as an attachment, to a user who may see the job; every download is recorded."""
    job = _job(request, pk)
    if job.status != ReportJobStatus.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        logger.error("Report job %s is done but its file %s is missing", job.pk, job.file.name)
        raise Http404 from None
    report_download_record(job=job, user=request.user, request=request)
    first_pilot = next(iter(job.pilots.all()), None)
    name = "-".join(
        part
        for part in (
            "rapportage",
            first_pilot.slug if first_pilot else "",
            job.period_start.strftime("%Y%m%d"),
            job.period_end.strftime("%Y%m%d"),
        )
        if part
    )
    return FileResponse(handle, as_attachment=True, filename=f"{name}.pdf", content_type="application/pdf")


@require_POST
@role_required(*REPORT_READERS)
def job_retry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        retry_report(job=job, user=request.user)
    except ReportJobNotRetryableError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The report is being made again."))
    return redirect(job)
