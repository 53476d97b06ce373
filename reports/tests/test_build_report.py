from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import gettext
from pypdf import PdfReader

from pilots.tests.factories import CohortFactory, PilotFactory

pytestmark = pytest.mark.django_db


def test_build_report_writes_the_pdf(tmp_path):
    pilot = PilotFactory(name="Werkfit Groningen", slug="werkfit")
    cohort = CohortFactory(pilot=pilot)
    out = tmp_path / "rapport.pdf"
    stdout = StringIO()

    call_command(
        "build_report", "werkfit", "--cohort", str(cohort.pk), "--from", "2026-01-01", "--out", str(out), stdout=stdout
    )

    assert out.read_bytes().startswith(b"%PDF")
    assert "Werkfit Groningen" in PdfReader(out).pages[1].extract_text()
    assert str(out) in stdout.getvalue()


def test_build_report_names_the_file_after_the_pilot_and_the_day(tmp_path, monkeypatch):
    PilotFactory(slug="welslagen")
    monkeypatch.chdir(tmp_path)

    call_command("build_report", "welslagen", stdout=StringIO())

    [written] = tmp_path.glob("evaluatie-welslagen-*.pdf")
    assert written.read_bytes().startswith(b"%PDF")


def test_build_report_refuses_an_unknown_slug():
    PilotFactory(slug="bekend")

    with pytest.raises(CommandError, match="onbekend"):
        call_command("build_report", "bekend", "onbekend", stdout=StringIO())


def test_build_report_refuses_a_cohort_of_another_pilot():
    PilotFactory(slug="eigen")
    other = CohortFactory()

    with pytest.raises(CommandError, match=str(other.pk)):
        call_command("build_report", "eigen", "--cohort", str(other.pk), stdout=StringIO())


@pytest.mark.parametrize("args", [["--from", "1-9-2026"], ["--to", "2026-13-01"]])
def test_build_report_refuses_a_bad_date(args):
    PilotFactory(slug="datum")

    with pytest.raises(CommandError, match="2026-09-01"):
        call_command("build_report", "datum", *args, stdout=StringIO())


def test_build_report_refuses_a_period_that_ends_before_it_starts():
    PilotFactory(slug="omgekeerd")

    with pytest.raises(CommandError) as refused:
        call_command("build_report", "omgekeerd", "--from", "2026-12-01", "--to", "2026-01-01", stdout=StringIO())
    assert str(refused.value) == gettext("The first day of the period lies after the last day.")
