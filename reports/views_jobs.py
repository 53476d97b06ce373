"""Report jobs in the browser: ask for a report, follow it, download it, try a failed one again."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.permissions import AuthenticatedRequest, role_required
from pilots.selectors import pilot_list

from .forms import ReportRequestForm
from .models import ReportJob, ReportJobStatus
from .selectors import REPORT_READERS, report_job_list
from .services import ReportJobNotRetryableError, report_download_record, request_report, retry_report

logger = logging.getLogger(__name__)
JOBS_PER_PAGE = 25


def _job(request: AuthenticatedRequest, pk: int) -> ReportJob:
    # A job the user may not see does not exist for them.
    return get_object_or_404(report_job_list(user=request.user), pk=pk)


def status_message(job: ReportJob) -> str:
    """What the coordinator reads under the state."""
    if job.status == ReportJobStatus.QUEUED:
        if job.waiting_for_queue:
            return _("The queue cannot be reached right now. The report will be made as soon as the queue is back.")
        return _("The report is waiting for its turn.")
    if job.status == ReportJobStatus.RUNNING:
        return _("The report is being made.")
    if job.status == ReportJobStatus.DONE:
        return _("The report is ready.")
    return job.get_failure_display() or _("Something went wrong while making the report.")


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
            messages.success(request, _("Your report has been asked for. This page shows how far it is."))
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
