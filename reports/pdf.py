"""The evaluation report as a PDF: the public figures rendered by templates/reports/pdf/ and printed by WeasyPrint.

`build_report_pdf` is what the report job and `manage.py build_report` call; `report_html` and `render_pdf` are
its two halves, kept apart so that the HTML can be checked on its own and WeasyPrint's share of the time measured.

WeasyPrint fetches nothing from the network or the disk here: `SafeURLFetcher` hands it the report's own
stylesheet and refuses every other URL, whatever an HTML page or a name typed by a user might point at.
"""

import mimetypes
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from pilots.models import Cohort, Pilot

from .document import evaluation_document
from .figures import pilot_evaluation, public_figures

# The base of every URL in the report. The .invalid top-level domain never resolves (RFC 2606), so even a
# fetcher that let a URL through could not reach anything with it.
BASE_URL = "https://opstap.invalid/"
STATIC_BASE_URL = BASE_URL + "static/"
STYLESHEET = "css/report-pdf.css"

Progress = Callable[[int], None]
# The sections on the first page after the cover, before the summary: what the pilot set out to do.
OPENING_SECTIONS = ("design",)


class RefusedURLError(ValueError):
    """A URL the report may not fetch."""


class SafeURLFetcher(URLFetcher):
    """Serves the listed static files of the project from disk and refuses every other URL.

    No http(s) to the outside, no file:// and no data: URLs: the report needs nothing but its stylesheet.
    WeasyPrint logs a refused URL and leaves the image or stylesheet out.
    """

    def __init__(self, allowed: Iterable[str] = (STYLESHEET,)):
        super().__init__()
        self.allowed = frozenset(allowed)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        base = urlsplit(STATIC_BASE_URL)
        name = parts.path.removeprefix(base.path)
        # An exact name from the list: no "..", no query tricks, no other host.
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or parts.query or name not in self.allowed:
            raise RefusedURLError(f"The report does not fetch {url[:200]}")
        path = finders.find(name)
        if path is None:
            raise RefusedURLError(f"The static file {name} is missing.")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=Path(path).read_bytes(), headers={"Content-Type": content_type})


def _page_label() -> dict[str, str]:
    """The words around the page numbers of "page 3 of 12", in the language of the report.

    CSS puts the numbers in (counter(page), counter(pages)); the words come from the translation and reach the
    page margin as named strings, since the stylesheet is a static file. A translation that names the total
    before the page number gets "3 / 12".
    """
    page, pages = "\x00page\x00", "\x00pages\x00"
    text = gettext("page %(page)s of %(pages)s") % {"page": page, "pages": pages}
    before, found, rest = text.partition(page)
    between, found_pages, after = rest.partition(pages)
    if not (found and found_pages):
        return {"before": "", "between": " / ", "after": ""}
    return {"before": before, "between": between, "after": after}


def _as_datetime(made_at: datetime | date | None) -> datetime:
    if made_at is None:
        return timezone.localtime()
    if isinstance(made_at, datetime):
        return timezone.localtime(made_at) if timezone.is_aware(made_at) else made_at
    return datetime(made_at.year, made_at.month, made_at.day)


def report_html(
    *,
    pilots: Iterable[Pilot] | QuerySet[Pilot],
    cohorts: Iterable[Cohort] | QuerySet[Cohort] | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    made_at: datetime | date | None = None,
    progress: Progress | None = None,
) -> str:
    """The report's HTML, in the site's language, from the public figures of the pilots' (chosen) cohorts.

    `cohorts` narrows the report to those cohorts of the pilots; the period keeps the cohorts that start within
    it. `made_at` is the moment shown on the cover and the day follow-ups are counted as due (default: now).
    `progress(percent)`, when given, hears of 10 and 60 on the way.
    """
    made = _as_datetime(made_at)
    chosen_cohorts = None if cohorts is None else list(cohorts)
    with translation.override(settings.LANGUAGE_CODE):
        # Inside the override: the figures carry translated labels (outcome kinds, dropout reasons, barriers).
        evaluation = public_figures(
            pilot_evaluation(
                pilots=pilots,
                cohorts=chosen_cohorts,
                period_start=period_start,
                period_end=period_end,
                today=made.date(),
            )
        )
        if progress is not None:
            progress(10)
        document = evaluation_document(evaluation, cohorts_chosen=chosen_cohorts is not None)
        context = {
            "evaluation": evaluation,
            "document": document,
            "opening": [section for section in document.sections if section.key in OPENING_SECTIONS],
            "body": [section for section in document.sections if section.key not in OPENING_SECTIONS],
            "made_at": made,
            "threshold": settings.REPORT_SMALL_COUNT_THRESHOLD,
            "page_label": _page_label(),
            "stylesheet_url": STATIC_BASE_URL + STYLESHEET,
            "LANGUAGE_CODE": settings.LANGUAGE_CODE,
        }
        html = render_to_string("reports/pdf/base.html", context)
    if progress is not None:
        progress(60)
    return html


# A tagged PDF (PDF/UA-1): headings, tables and reading order a screen reader can follow, with the document's
# language and title from the HTML and every font embedded, as Dutch public bodies must offer.
PDF_VARIANT = "pdf/ua-1"


def render_pdf(html: str) -> bytes:
    """The tagged PDF of the report's HTML; WeasyPrint may fetch the report's stylesheet and nothing else."""
    return HTML(string=html, base_url=BASE_URL, url_fetcher=SafeURLFetcher()).write_pdf(pdf_variant=PDF_VARIANT)


def build_report_pdf(
    *,
    pilots: Iterable[Pilot] | QuerySet[Pilot],
    cohorts: Iterable[Cohort] | QuerySet[Cohort] | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    made_at: datetime | date | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The evaluation report as PDF bytes; `progress(percent)` hears of 10, 60 and 100 on the way."""
    html = report_html(
        pilots=pilots,
        cohorts=cohorts,
        period_start=period_start,
        period_end=period_end,
        made_at=made_at,
        progress=progress,
    )
    pdf = render_pdf(html)
    if progress is not None:
        progress(100)
    return pdf
