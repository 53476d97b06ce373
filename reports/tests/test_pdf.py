import re
from datetime import datetime
from io import BytesIO
from pathlib import Path
from urllib.request import OpenerDirector

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from pypdf import PdfReader

from candidates.models import Candidate, DropoutReason, EnrolmentStatus, OutcomeKind
from candidates.tests.factories import EnrolmentFactory, OutcomeFactory
from pilots.tests.factories import CohortFactory, PilotFactory
from reports import pdf as report_pdf
from reports.pdf import (
    BASE_URL,
    STATIC_BASE_URL,
    STYLESHEET,
    RefusedURLError,
    SafeURLFetcher,
    build_report_pdf,
    render_pdf,
    report_html,
)

pytestmark = pytest.mark.django_db

S = EnrolmentStatus
MADE_AT = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.get_default_timezone())


def _pilot(name="Groepshulp kinderopvang"):
    """33 applied, 28 screened, 23 selected, 18 started, 11 completed, 6 to work; 2 dropped out (hidden)."""
    cohort = CohortFactory(pilot=PilotFactory(name=name, target_outflow_percentage=75))
    for status, n in [(S.REGISTERED, 5), (S.RESERVE, 5), (S.SELECTED, 5), (S.STARTED, 5), (S.COMPLETED, 5)]:
        for _ in range(n):
            EnrolmentFactory(cohort=cohort, status=status, candidate__first_name="Zwaantje")
    for _ in range(6):
        enrolment = EnrolmentFactory(cohort=cohort, status=S.OUTFLOW, candidate__last_name="Quispelhoorn")
        OutcomeFactory(enrolment=enrolment, kind=OutcomeKind.JOB_ELSEWHERE)
    for _ in range(2):
        EnrolmentFactory(cohort=cohort, status=S.DROPPED_OUT, dropout_reason=DropoutReason.HEALTH)
    return cohort.pilot


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def _nl(text: str) -> str:
    with translation.override("nl"):
        return gettext(text)


def test_the_pdf_holds_the_pilot_the_funnel_and_page_numbers_in_its_fonts_but_no_candidate_name(settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    pilot = _pilot()
    steps = []

    pdf = build_report_pdf(pilots=[pilot], made_at=MADE_AT, progress=steps.append)

    assert pdf.startswith(b"%PDF")
    assert steps == [10, 60, 100]
    reader = PdfReader(BytesIO(pdf))
    assert [round(float(side)) for side in reader.pages[0].mediabox[2:]] == [595, 842]  # A4 in points
    text = _text(pdf)
    assert "Groepshulp kinderopvang" in text
    for stage, count in [("Applied", 33), ("Screened", 28), ("Selected", 23), ("Started", 18), ("Completed", 11)]:
        assert re.search(rf"{re.escape(_nl(stage))}\s+{count}\b", text), stage
    assert "33,3%" in text  # outflow to work: 6 of 18, in Dutch notation
    assert _nl("Target not met") in text
    assert "< 5" in text  # the two dropouts for health
    page_one = _nl("page %(page)s of %(pages)s") % {"page": 2, "pages": len(reader.pages)}
    assert page_one in text  # the cover has no page number; the summary is page 2
    # The report's stylesheet was applied: its fonts, from Debian's packages, rather than WeasyPrint's default.
    fonts = {str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert any("DejaVu-Sans" in font for font in fonts), fonts
    assert not any("Serif" in font for font in fonts), fonts
    names = {name for candidate in Candidate.objects.all() for name in (candidate.first_name, candidate.last_name)}
    assert {"Zwaantje", "Quispelhoorn"} <= names
    assert not [name for name in names if re.search(rf"\b{re.escape(name)}\b", text)]


def test_the_pdf_is_tagged_for_screen_readers_with_its_language_title_and_embedded_fonts():
    pdf = build_report_pdf(pilots=[_pilot()], made_at=MADE_AT)

    reader = PdfReader(BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert str(catalog["/Lang"]) == "nl"
    assert "Groepshulp kinderopvang" in reader.metadata.title
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()
    fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    # A composite (Type0) font keeps its descriptor in its descendant font.
    fonts += [descendant.get_object() for font in fonts for descendant in font.get("/DescendantFonts", [])]
    descriptors = [font["/FontDescriptor"].get_object() for font in fonts if "/FontDescriptor" in font]
    assert descriptors
    assert all({"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor) for descriptor in descriptors)


def test_a_pilot_without_candidates_renders():
    pilot = PilotFactory(name="Werkfit leeg")

    pdf = build_report_pdf(pilots=[pilot], made_at=MADE_AT)

    assert "Werkfit leeg" in _text(pdf)


def test_several_pilots_are_compared():
    first, second = _pilot("Groepshulp kinderopvang"), PilotFactory(name="WelSlagen Rotterdam")
    CohortFactory(pilot=second)

    html = report_html(pilots=[first, second], made_at=MADE_AT)

    comparison = re.search(r'<section[^>]*aria-labelledby="comparison-title".*?</section>', html, re.S)
    assert comparison
    assert "Groepshulp kinderopvang" in comparison.group(0)
    assert "WelSlagen Rotterdam" in comparison.group(0)
    assert 'aria-labelledby="comparison-title"' not in report_html(pilots=[first], made_at=MADE_AT)


def test_a_name_with_markup_is_escaped_and_its_urls_are_never_fetched(monkeypatch):
    pilot = _pilot('<script>x</script><b>vet</b><img src="http://example.org/x.png"><img src="file:///etc/passwd">')
    html = report_html(pilots=[pilot], made_at=MADE_AT)

    assert "&lt;script&gt;x&lt;/script&gt;&lt;b&gt;vet&lt;/b&gt;" in html
    assert "<script>" not in html
    assert "<b>vet</b>" not in html
    assert '<img src="http' not in html

    fetched = []
    original = SafeURLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(SafeURLFetcher, "fetch", spy)
    pdf = render_pdf(html)

    assert fetched == [STATIC_BASE_URL + STYLESHEET]
    assert "<b>vet</b>" in _text(pdf)  # shown as the text it is


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x.png",
        "https://example.org/x.css",
        "file:///etc/passwd",
        "data:text/css,body{color:red}",
        STATIC_BASE_URL + "css/opstap.css",  # a static file, but not one the report needs
        STATIC_BASE_URL + "css/../../etc/passwd",
        STATIC_BASE_URL + STYLESHEET + "?x=1",
        "https://opstap.invalid.example.org/static/" + STYLESHEET,
    ],
)
def test_the_fetcher_refuses_everything_but_the_report_stylesheet(url):
    with pytest.raises(RefusedURLError):
        SafeURLFetcher().fetch(url)


def test_the_fetcher_serves_the_stylesheet_from_the_static_files():
    response = SafeURLFetcher().fetch(STATIC_BASE_URL + STYLESHEET)

    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_an_external_image_in_the_html_is_not_fetched(monkeypatch):
    # WeasyPrint's own fetcher opens every URL through urllib's opener; the report's fetcher never reaches it.
    opened = []
    monkeypatch.setattr(OpenerDirector, "open", lambda self, *args, **kwargs: opened.append(args))
    html = (
        f'<html><head><link rel="stylesheet" href="{BASE_URL}static/{STYLESHEET}"></head><body><p>x</p>'
        '<img src="http://example.org/x.png"><img src="file:///etc/passwd">'
        '<link rel="stylesheet" href="file:///etc/passwd"></body></html>'
    )

    assert render_pdf(html).startswith(b"%PDF")
    assert opened == []


def test_the_cover_names_the_chosen_cohorts_the_regions_and_the_day_made():
    pilot = PilotFactory(name="Leerlingpoule", region__name="Regio Gelderland")
    chosen, other = CohortFactory(pilot=pilot, name="Klas juni"), CohortFactory(pilot=pilot, name="Klas september")

    html = report_html(pilots=[pilot], cohorts=[chosen], made_at=MADE_AT)

    cover = re.search(r'<section class="cover".*?</section>', html, re.S).group(0)
    assert chosen.name in cover
    assert other.name not in html
    assert "Regio Gelderland" in cover
    with translation.override(settings.LANGUAGE_CODE):
        assert date_format(MADE_AT, "j F Y") in cover
    assert f'lang="{settings.LANGUAGE_CODE}"' in html


def test_the_page_numbers_follow_the_translation(monkeypatch):
    monkeypatch.setattr(report_pdf, "gettext", lambda text: "blz. %(page)s/%(pages)s")
    assert report_pdf._page_label() == {"before": "blz. ", "between": "/", "after": ""}

    monkeypatch.setattr(report_pdf, "gettext", lambda text: "%(pages)s pages, this is %(page)s")
    assert report_pdf._page_label() == {"before": "", "between": " / ", "after": ""}


def _report_queries(size: int) -> int:
    cohort = CohortFactory()
    for _ in range(size):
        OutcomeFactory(enrolment=EnrolmentFactory(cohort=cohort, status=S.OUTFLOW))
    with CaptureQueriesContext(connection) as queries:
        report_html(pilots=[cohort.pilot], made_at=MADE_AT)
    return len(queries)


def test_the_number_of_queries_of_the_report_does_not_grow_with_the_candidates():
    # The templates run no query of their own: the figures' fixed number and the pilots are all.
    assert _report_queries(2) == _report_queries(25)


def test_the_stylesheet_prints_a4_with_repeated_table_headers_and_local_fonts():
    css = (Path(settings.BASE_DIR) / "static" / STYLESHEET).read_text()

    assert re.search(r"@page\s*\{[^}]*size:\s*A4", css)
    assert re.search(r"thead\s*\{\s*display:\s*table-header-group", css)
    assert re.search(r"\btr\s*\{\s*break-inside:\s*avoid", css)
    assert "counter(page)" in css and "counter(pages)" in css
    assert '"DejaVu Sans", "Liberation Sans"' in css
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
