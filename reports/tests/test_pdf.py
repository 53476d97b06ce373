import re
import shutil
import subprocess
from datetime import datetime
from html import unescape
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
from employers.models import PlacementStatus
from employers.tests.factories import EmployerFactory, PlacementFactory, SeatOfferFactory
from pilots.tests.factories import CohortFactory, ModuleFactory, PilotFactory
from reports import pdf as report_pdf
from reports.document import COUNT, DAYS, PLACES, RATE, STATUS, TARGET, TEXT, Cell, evaluation_document
from reports.figures import HIDDEN_MARK, STAGE_LABELS, TargetStatus, pilot_evaluation
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
    """33 applied, 28 screened, 23 selected, 18 started, 11 completed, 6 to work; 2 dropped out (hidden), and so 5
    still in the track (hidden as well, lest 18 - 11 - 5 give the 2 away)."""
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


def _stage(key: str) -> str:
    """The label of a stage as the report prints it, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(STAGE_LABELS[key])


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
    # The funnel table: count, rate in Dutch notation and the stage the rate is taken over.
    for stage, count, rate, base in [
        ("applied", "33", "–", ""),
        ("screened", "28", "84,8%", "applied"),
        ("selected", "23", "82,1%", "screened"),
        ("started", "18", "78,3%", "selected"),
        ("completed", "11", "61,1%", "started"),
        ("outflow", "6", "33,3%", "started"),  # positive outflow, all of it to work: 6 of 18
    ]:
        row = rf"^\s*{re.escape(_stage(stage))}\s+{count}\s+{rate}\s*{re.escape(_stage(base).lower() if base else '')}$"
        assert re.search(row, text, re.M), stage
    assert _nl("Target not met") in text
    # The two dropouts for health are an "x", and so is what is still in the track; neither number is printed.
    for stage in ("dropped_out", "in_track"):
        assert re.search(rf"^\s*{re.escape(_stage(stage))}\s+{HIDDEN_MARK}\s", text, re.M), stage
    assert not re.search(rf"{re.escape(_stage('dropped_out'))}\s+2\b", text)
    assert not re.search(rf"{re.escape(_stage('in_track'))}\s+5\b", text)
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


def _section(html: str, key: str) -> str:
    """The section of the report with that key (reports.document), as the PDF's HTML has it."""
    match = re.search(rf'<section[^>]*aria-labelledby="section-{key}".*?</section>', html, re.S)
    assert match, key
    return match.group(0)


def _plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _tables(html: str) -> dict[str, list[list[str]]]:
    """Each table of the HTML by its caption: the text of the cells of its body and total rows."""
    tables = {}
    for table in re.findall(r"<table[^>]*>(.*?)</table>", html, re.S):
        caption = _plain(re.search(r"<caption>(.*?)</caption>", table, re.S).group(1))
        assert caption not in tables, caption
        rows = "".join(re.findall(r"<(?:tbody|tfoot)>(.*?)</(?:tbody|tfoot)>", table, re.S))
        tables[caption] = [
            [_plain(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", rows, re.S)
        ]
    return tables


def test_several_pilots_are_compared():
    first, second = _pilot("Groepshulp kinderopvang"), PilotFactory(name="WelSlagen Rotterdam")
    CohortFactory(pilot=second)

    html = report_html(pilots=[first, second], made_at=MADE_AT)

    # The pilots side by side are the second table of the side-by-side section, after the cohorts.
    section = _section(html, "side-by-side")
    cohorts, pilots = _tables(section).values()
    assert [row[0] for row in pilots] == [
        f"Groepshulp kinderopvang {first.region.name}",
        f"WelSlagen Rotterdam {second.region.name}",
        _nl("Total"),
    ]
    # Each pilot's own funnel: the first one's, and nothing yet for the second. Completed is not checked: the greedy
    # secondary suppression hides the first pilot's 11 here, although hiding what is still in the track would do.
    assert pilots[0][1:5] + pilots[0][6:7] == ["33", "28", "23", "18", "6"]
    assert pilots[1][1:5] + pilots[1][6:7] == ["0"] * 5
    assert "2" not in [cell for row in pilots + cohorts for cell in row]
    assert len(cohorts) == 2 + 1  # a cohort of each, and the total
    assert len(_tables(_section(report_html(pilots=[first], made_at=MADE_AT), "side-by-side"))) == 1


def _dutch(cell: Cell) -> str:
    """A number of the report as the PDF must print it: Dutch notation, "x" where hidden, "–" where unknown."""
    if cell.hidden:
        return HIDDEN_MARK
    if cell.value is None:
        return "–"
    if cell.kind in (COUNT, PLACES):
        return f"{cell.value:,}".replace(",", ".")
    if cell.kind == RATE:
        return f"{cell.value:.1f}".replace(".", ",") + "%"
    if cell.kind == DAYS:
        return f"{cell.value:g}".replace(".", ",")
    assert cell.kind == TARGET
    return f"{cell.value}%"


def test_every_table_of_the_pdf_shows_the_numbers_of_the_report(settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    pilot = _pilot()
    cohort = pilot.cohorts.get()
    ModuleFactory(pilot=pilot, name="Taal op de werkvloer")
    host = EmployerFactory(organisation__name="Kinderopvang De Vlinder")
    SeatOfferFactory(employer=host, cohort=cohort, places=1250)  # places are not people: shown, and grouped
    for enrolment in cohort.enrolments.filter(status=S.OUTFLOW):
        PlacementFactory(enrolment=enrolment, employer=host, status=PlacementStatus.CONFIRMED)

    html = report_html(pilots=[pilot], made_at=MADE_AT)

    with translation.override(settings.LANGUAGE_CODE):
        document = evaluation_document(pilot_evaluation(pilots=[pilot], today=MADE_AT.date()))
        statuses = {status.value: str(status.label) for status in TargetStatus}
    printed = _tables(html)
    tables = [table for section in document.sections for table in section.tables if table.rows]
    assert {table.caption for table in tables} == set(printed)
    for table in tables:
        rows = printed[table.caption]
        expected = [*table.rows, *([table.total] if table.total else [])]
        assert len(rows) == len(expected), table.key
        for row, cells in zip(expected, rows, strict=True):
            assert cells[0] == " ".join(part for part in (row.label, row.note) if part), table.key
            for cell, text in zip(row.cells, cells[1:], strict=True):
                if cell.numeric:
                    assert text == _dutch(cell), (table.key, row.label)
                elif cell.kind == STATUS and cell.value is not None:
                    assert text.endswith(statuses[cell.value]), (table.key, row.label)
                elif cell.kind == TEXT:
                    assert text == cell.value, (table.key, row.label)
    # The figures of this pilot, as the report has them.
    employers = printed[document.section("employers").tables[0].caption]
    assert employers == [
        ["Kinderopvang De Vlinder", "1.250", "0", "6", "0", "0"],
        [_nl("Total"), "1.250", "0", "6", "0", "0"],
    ]
    funnel = printed[document.section("funnel").tables[0].caption]
    assert [row[1] for row in funnel] == ["33", "28", "0", "23", "0", "5", "18", "11", "x", "x", "6"]
    assert "Taal op de werkvloer" in [row[0] for row in printed[document.section("modules").tables[0].caption]]


def _lines(pdf: bytes, html: str) -> str:
    """The text of the PDF a line at a time, as pdftotext lays it out; without pdftotext, the rows of the HTML."""
    if shutil.which("pdftotext"):
        result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
        return result.stdout.decode()
    return "\n".join(_plain(row) for row in re.split(r"</tr>|</p>|</h\d>|<br>", html))


def test_the_text_of_the_pdf_has_the_funnel_and_the_outflow_of_the_report(settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    pilot = _pilot()
    html = report_html(pilots=[pilot], made_at=MADE_AT)

    text = _lines(render_pdf(html), html)

    with translation.override(settings.LANGUAGE_CODE):
        document = evaluation_document(pilot_evaluation(pilots=[pilot], today=MADE_AT.date()), with_charts=False)
        funnel = document.section("funnel").tables[0]
        outflow = document.section("outflow").tables[0]
    for row in funnel.rows:
        count, rate, base = row.cells
        numbers = r"\s+".join(re.escape(_dutch(cell)) for cell in (count, rate))
        assert re.search(rf"^\s*{re.escape(row.label)}\s+{numbers}\s*{re.escape(base.value)}\s*$", text, re.M), (
            row.label
        )
    for row in outflow.rows:
        count, rate, target, _status = row.cells
        numbers = r"\s+".join(re.escape(_dutch(cell)) for cell in (count, rate, target))
        assert re.search(rf"^\s*{re.escape(row.label)}\s+{numbers}\s", text, re.M), row.label
    # The dropouts and what is still in the track are hidden, so the comparison covered an "x" as well.
    assert [row.cells[0].hidden for row in funnel.rows].count(True) == 2


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
