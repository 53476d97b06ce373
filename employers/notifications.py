"""E-mail to host employers about placement proposals, queued in the outbox (core.outbox) with the change.

Host employers log in rarely, so the mail carries what they need to decide to click, and nothing more:
the candidate's first name and initial, the cohort, the proposed dates and days, and a link. The template
context is built here from exactly those values, so a template cannot reach the benefit type, barriers,
screening notes or the adviser's motivation (which may mention them).
"""

from collections.abc import Iterable

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from core.models import User
from core.outbox import queue_mail

from .models import Placement

PLACEMENT_DETAIL_URL_NAME = "employers:placement-detail"
# Where the placement page lives, used until the page's URL name is registered.
PLACEMENT_DETAIL_FALLBACK_PATH = "/werkgevers/plaatsing/{pk}/"


def placement_url(placement: Placement) -> str:
    """The absolute link to the placement page, for use outside a request (mail, tasks)."""
    try:
        path = reverse(PLACEMENT_DETAIL_URL_NAME, kwargs={"pk": placement.pk})
    except NoReverseMatch:
        path = PLACEMENT_DETAIL_FALLBACK_PATH.format(pk=placement.pk)
    return settings.SITE_URL.rstrip("/") + path


def _context(placement: Placement) -> dict:
    return {
        "candidate_name": placement.enrolment.candidate.short_name,
        "cohort": str(placement.enrolment.cohort),
        "start_date": placement.start_date,
        "end_date": placement.end_date,
        "days_per_week": placement.days_per_week,
        "url": placement_url(placement),
    }


def _queue(template: str, context: dict, recipients: Iterable[User], *, key: str) -> int:
    """Queue the mail to each contact in the current transaction; returns how many were queued now."""
    # Mail is written outside any request, in the portal's language, whatever the sender's language was.
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"employers/email/{template}_subject.txt", context).split())
        body = render_to_string(f"employers/email/{template}.txt", context)
    # One message per contact, so no contact sees the addresses of the others.
    return sum(
        queue_mail(key=key, recipient=user.email, subject=subject, body=body) for user in recipients if user.email
    )


def queue_placement_proposed(placement: Placement, *, recipients: Iterable[User]) -> int:
    """Tell the employer's contacts about a new proposal; returns the number of messages queued."""
    return _queue("placement_proposed", _context(placement), recipients, key=f"placement-proposed:{placement.pk}")


def queue_placement_reminder(placement: Placement, *, recipients: Iterable[User]) -> int:
    """Remind the employer's contacts of a proposal still waiting for an answer."""
    context = {**_context(placement), "working_days": settings.PLACEMENT_REMINDER_WORKING_DAYS}
    return _queue("placement_reminder", context, recipients, key=f"placement-reminder:{placement.pk}")
