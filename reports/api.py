"""The API's figures and reports (scope figures:read): a pilot's evaluation figures, with the small counts hidden as
in the PDF, and report jobs asked for, followed and downloaded like the coordinator's (reports.views_jobs)."""

import json
import logging
from dataclasses import asdict
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from core.api import Conflict, NotFound, Unprocessable, api_auth, problems, request_client
from core.models import ApiClient, ApiScope
from pilots.models import Pilot
from pilots.selectors import pilot_list

from .figures import Evaluation, pilot_evaluation, public_figures
from .models import ReportJob, ReportJobStatus
from .services import api_download_url, report_download_record, request_report_by_client

logger = logging.getLogger(__name__)

router = Router(tags=["figures"], auth=api_auth(ApiScope.FIGURES_READ))


class PilotOut(Schema):
    slug: str
    name: str
    region: str
    status: str


class PeriodQuery(Schema):
    period_start: date | None = Field(None, description="Count the cohorts that start on or after this day.")
    period_end: date | None = Field(None, description="Count the cohorts that start on or before this day.")


class ReportJobIn(Schema):
    pilots: list[str] = Field(..., min_length=1, max_length=50, description="The slugs of the pilots.")
    period_start: date
    period_end: date


class ReportJobOut(Schema):
    id: int
    status: str
    status_label: str
    progress: int
    pilots: list[str]
    period_start: date
    period_end: date
    created_at: datetime
    finished_at: datetime | None
    download_url: str | None


PDF_RESPONSE = {
    "description": "The report",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}


def client_pilots(client: ApiClient) -> QuerySet[Pilot]:
    """The pilots the client's organisation works on, as its users see them."""
    return pilot_list(user=client.account).order_by("name")


def client_report_jobs(client: ApiClient) -> QuerySet[ReportJob]:
    """The report jobs this client asked for."""
    return ReportJob.objects.filter(requested_by=client.account).prefetch_related("pilots")


def figures_json(evaluation: Evaluation) -> dict:
    """The public figures as JSON: hidden counts, and what is computed from them, are null."""
    return json.loads(json.dumps(asdict(public_figures(evaluation)), cls=DjangoJSONEncoder))


def _job_out(job: ReportJob) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "progress": job.progress,
        "pilots": [pilot.slug for pilot in job.pilots.all()],
        "period_start": job.period_start,
        "period_end": job.period_end,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "download_url": api_download_url(job) if job.status == ReportJobStatus.DONE else None,
    }


@router.get("/pilots", response={200: list[PilotOut], **problems()}, url_name="pilot_list")
def pilots(request: HttpRequest):
    """The pilots the client's organisation leads or is a partner in."""
    return [
        {"slug": pilot.slug, "name": pilot.name, "region": pilot.region.name, "status": pilot.status}
        for pilot in client_pilots(request_client(request))
    ]


@router.get("/pilots/{slug}/figures", response={200: Evaluation, **problems(404, 422)}, url_name="pilot_figures")
def pilot_figures(request: HttpRequest, slug: str, period: Query[PeriodQuery]):
    """The pilot's evaluation figures, as the evaluation report shows them: a count that could point at a person
    (and every count, rate or median it could be worked out from) is null."""
    pilot = get_object_or_404(client_pilots(request_client(request)), slug=slug)
    if period.period_start and period.period_end and period.period_end < period.period_start:
        raise Unprocessable(_("The end of the period cannot be before its start."))
    evaluation = pilot_evaluation(pilots=[pilot], period_start=period.period_start, period_end=period.period_end)
    return figures_json(evaluation)


@router.post("/report-jobs", response={202: ReportJobOut, **problems(404, 422)}, url_name="report_job_create")
def report_job_create(request: HttpRequest, payload: ReportJobIn):
    """Ask for the evaluation report (PDF) of pilots; follow it at its address, or wait for the webhook."""
    client = request_client(request)
    slugs = list(dict.fromkeys(payload.pilots))
    chosen = list(client_pilots(client).filter(slug__in=slugs))
    if len(chosen) != len(slugs):
        raise NotFound(_("One of the pilots does not exist or is not visible to this client."))
    try:
        job = request_report_by_client(
            client=client, pilots=chosen, period_start=payload.period_start, period_end=payload.period_end
        )
    except ValidationError as exc:
        raise Unprocessable(" ".join(exc.messages)) from exc
    return Status(202, _job_out(client_report_jobs(client).get(pk=job.pk)))


@router.get("/report-jobs/{job_id}", response={200: ReportJobOut, **problems(404)}, url_name="report_job_detail")
def report_job_detail(request: HttpRequest, job_id: int):
    """The job's state; once done, the address of its PDF."""
    return _job_out(get_object_or_404(client_report_jobs(request_client(request)), pk=job_id))


@router.get(
    "/report-jobs/{job_id}/download",
    response={200: None, **problems(404, 409)},
    url_name="report_job_download",
    openapi_extra={"responses": {200: PDF_RESPONSE}},
)
def report_job_download(request: HttpRequest, job_id: int):
    """The PDF of a finished job; every download is recorded."""
    client = request_client(request)
    job = get_object_or_404(client_report_jobs(client), pk=job_id)
    if job.status != ReportJobStatus.DONE or not job.file:
        raise Conflict(_("The report is not ready."))
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        logger.error("Report job %s is done but its file %s is missing", job.pk, job.file.name)
        raise NotFound() from None
    report_download_record(job=job, user=client.account, request=request)
    return FileResponse(handle, as_attachment=True, filename=f"rapportage-{job.pk}.pdf", content_type="application/pdf")
