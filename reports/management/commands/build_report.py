"""`manage.py build_report`: the evaluation report PDF of one or more pilots, from the command line.

The same PDF as the report job makes (reports.pdf.build_report_pdf), written to a file.
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from pilots.models import Cohort, Pilot
from reports.pdf import build_report_pdf


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("%(option)s %(value)s is not a date; write it as YYYY-MM-DD, for example 2026-09-01.")
            % {"option": option, "value": value}
        ) from None


class Command(BaseCommand):
    help = "Build the evaluation report PDF of one or more pilots (all their cohorts, or the chosen ones)."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="+", metavar="PILOT_SLUG", help="the pilot(s); several are compared")
        parser.add_argument(
            "--cohort", dest="cohorts", type=int, action="append", metavar="ID", help="only this cohort (repeatable)"
        )
        parser.add_argument("--from", dest="period_start", metavar="YYYY-MM-DD", help="cohorts that start on or after")
        parser.add_argument("--to", dest="period_end", metavar="YYYY-MM-DD", help="cohorts that start on or before")
        parser.add_argument("--out", metavar="FILE", help="default: evaluatie-<slug>-<date>.pdf in this directory")

    def handle(self, *args, slugs, cohorts, period_start, period_end, out, **options):
        pilots = list(Pilot.objects.filter(slug__in=slugs).order_by("name"))
        unknown = sorted(set(slugs) - {pilot.slug for pilot in pilots})
        if unknown:
            raise CommandError(_("No pilot with the slug %(slugs)s.") % {"slugs": ", ".join(unknown)})
        start, end = _date(period_start, "--from"), _date(period_end, "--to")
        if start and end and start > end:
            raise CommandError(_("The first day of the period lies after the last day."))
        chosen = None
        if cohorts:
            chosen = list(Cohort.objects.filter(pk__in=cohorts, pilot__in=pilots))
            strangers = sorted(set(cohorts) - {cohort.pk for cohort in chosen})
            if strangers:
                raise CommandError(
                    _("Cohort %(ids)s is not a cohort of the chosen pilots.")
                    % {"ids": ", ".join(str(pk) for pk in strangers)}
                )
        made_at = timezone.localtime()
        path = Path(out or f"evaluatie-{'-'.join(dict.fromkeys(slugs))}-{made_at.date().isoformat()}.pdf")
        pdf = build_report_pdf(pilots=pilots, cohorts=chosen, period_start=start, period_end=end, made_at=made_at)
        try:
            path.write_bytes(pdf)
        except OSError as error:
            raise CommandError(_("Could not write %(path)s: %(error)s") % {"path": path, "error": error}) from error
        self.stdout.write(_("Wrote %(path)s (%(size)s kB).") % {"path": path, "size": max(1, len(pdf) // 1024)})
