"""The API's cohorts (scope cohorts:read) and referrals (scope referrals:write).

A client sees the cohorts of the pilots its organisation works on (pilots.selectors.cohort_list, as its users do);
of the candidates, only those its organisation referred (Candidate.referring_organisation).
"""

import json
from datetime import date, datetime

from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Header, Router, Schema, Status
from pydantic import create_model

from core.api import PROBLEM_CONTENT_TYPE, api_auth, problems, request_client, request_fingerprint
from core.models import ApiClient, ApiScope
from pilots.models import Cohort
from pilots.selectors import cohort_list

from .importing import COLUMNS, MAX_ROWS
from .lifecycle import EnrolmentStatus
from .models import Enrolment
from .referrals import referrals_receive
from .selectors import candidate_list, with_seat_counts

router = Router(tags=["cohorts"])


class CohortOut(Schema):
    id: int
    name: str
    pilot: str
    pilot_name: str
    start_date: date
    end_date: date
    seats: int
    seats_taken: int
    closed: bool


class StatusCount(Schema):
    status: str
    label: str
    count: int


class CohortStatusOut(CohortOut):
    statuses: list[StatusCount]


class ReferredCandidateOut(Schema):
    id: int
    first_name: str
    last_name_prefix: str
    last_name: str
    date_of_birth: date | None
    status: str
    status_label: str
    status_changed_at: datetime | None


# A row of a referral list: the columns of the import template, by their field names, as text the import reads
# (dates as 14-03-1988 or 1988-03-14, days as "ma, di, do", yes/no as "ja"/"nee"). Every value is checked by the
# import's own rules, row by row: a row with errors is reported, never a reason to refuse the whole list.
ReferralRow = create_model(
    "ReferralRow",
    __base__=Schema,
    **{  # type: ignore[call-overload]
        column.field: (
            str | None,
            Field(None, max_length=255, description=f"Column “{column.header}” of the import template."),
        )
        for column in COLUMNS
    },
)


class ReferralsIn(Schema):
    consent_purpose: str = Field(
        ...,
        min_length=1,
        max_length=255,
        description="What the referred people gave their consent for, as recorded with each of them.",
    )
    rows: list[ReferralRow] = Field(..., min_length=1, max_length=MAX_ROWS)  # type: ignore[valid-type]


class ReferralRowOut(Schema):
    row: int
    status: str = Field(..., description="registered, invalid or duplicate")
    candidate_id: int | None
    errors: list[str]


class ReferralsOut(Schema):
    cohort: int
    received: int
    registered: int
    skipped: int
    rows: list[ReferralRowOut]


def client_cohorts(client: ApiClient) -> QuerySet[Cohort]:
    """The cohorts of the pilots the client's organisation works on, with the seats taken."""
    return with_seat_counts(cohort_list(user=client.account))


def _cohort_out(cohort) -> dict:
    return {
        "id": cohort.pk,
        "name": cohort.name,
        "pilot": cohort.pilot.slug,
        "pilot_name": cohort.pilot.name,
        "start_date": cohort.start_date,
        "end_date": cohort.end_date,
        "seats": cohort.seats,
        "seats_taken": cohort.selected_count,
        "closed": cohort.closed_at is not None,
    }


@router.get(
    "/cohorts",
    response={200: list[CohortOut], **problems()},
    auth=api_auth(ApiScope.COHORTS_READ),
    url_name="cohort_list",
)
def cohorts(request: HttpRequest):
    """The cohorts of the pilots the client's organisation leads or is a partner in."""
    return [_cohort_out(cohort) for cohort in client_cohorts(request_client(request))]


@router.get(
    "/cohorts/{cohort_id}",
    response={200: CohortStatusOut, **problems(404)},
    auth=api_auth(ApiScope.COHORTS_READ),
    url_name="cohort_detail",
)
def cohort_detail(request: HttpRequest, cohort_id: int):
    """The cohort with the number of its enrolments in each status of the life cycle, and the seats taken."""
    cohort = get_object_or_404(client_cohorts(request_client(request)), pk=cohort_id)
    counts = dict(
        Enrolment.objects.filter(cohort=cohort).values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {
        **_cohort_out(cohort),
        "statuses": [
            {"status": status.value, "label": str(status.label), "count": counts.get(status.value, 0)}
            for status in EnrolmentStatus
        ],
    }


@router.get(
    "/cohorts/{cohort_id}/candidates",
    response={200: list[ReferredCandidateOut], **problems(404)},
    auth=api_auth(ApiScope.COHORTS_READ),
    url_name="cohort_candidates",
)
def cohort_candidates(request: HttpRequest, cohort_id: int):
    """The candidates of the cohort that the client's organisation referred, each with their current status."""
    client = request_client(request)
    cohort = get_object_or_404(client_cohorts(client), pk=cohort_id)
    enrolments = (
        Enrolment.objects.filter(cohort=cohort, candidate__in=candidate_list(user=client.account))
        .select_related("candidate")
        .order_by("candidate__last_name", "candidate__first_name", "pk")
    )
    return [
        {
            "id": enrolment.candidate.pk,
            "first_name": enrolment.candidate.first_name,
            "last_name_prefix": enrolment.candidate.last_name_prefix,
            "last_name": enrolment.candidate.last_name,
            "date_of_birth": enrolment.candidate.date_of_birth,
            "status": enrolment.status,
            "status_label": str(enrolment.get_status_display()),
            "status_changed_at": enrolment.status_changed_at,
        }
        for enrolment in enrolments
    ]


@router.post(
    "/cohorts/{cohort_id}/referrals",
    response={201: ReferralsOut, **problems(404, 409, 422)},
    auth=api_auth(ApiScope.REFERRALS_WRITE),
    url_name="cohort_referrals",
)
def referrals(
    request: HttpRequest,
    cohort_id: int,
    payload: ReferralsIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=255),
):
    """Register the people of a referral list in the cohort, with the web import's checks and duplicate rules.

    The answer says per row whether the person was registered, or why not. Send an Idempotency-Key: a retry with
    the same key and body gets the first answer again and registers nobody twice.
    """
    client = request_client(request)
    cohort = get_object_or_404(client_cohorts(client), pk=cohort_id)
    body = payload.model_dump(mode="json")
    status, answer = referrals_receive(
        client=client,
        cohort=cohort,
        rows=body["rows"],
        consent_purpose=payload.consent_purpose,
        idempotency_key=idempotency_key,
        fingerprint=request_fingerprint(path=request.path, body=body),
    )
    if status >= 400:
        return HttpResponse(json.dumps(answer), status=status, content_type=PROBLEM_CONTENT_TYPE)
    return Status(status, answer)
