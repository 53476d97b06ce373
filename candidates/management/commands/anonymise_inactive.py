"""Anonymise the candidates past the retention period, or with --dry-run only list who would be."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from candidates.privacy import anonymise_inactive, inactive_candidates


class Command(BaseCommand):
    help = "Anonymise candidates with no activity for RETENTION_MONTHS months (not in a running track)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only list who would be anonymised.")
        parser.add_argument(
            "--months", type=int, default=None, help="The retention period in months (default: RETENTION_MONTHS)."
        )

    def handle(self, *args, dry_run: bool, months: int | None, **options) -> None:
        months = settings.RETENTION_MONTHS if months is None else months
        if months < 1:
            self.stderr.write("--months must be at least 1.")
            raise SystemExit(2)
        candidates = list(inactive_candidates(months=months))
        # Ids and dates only: a list of who is about to be erased should not spread their names.
        for candidate in candidates:
            self.stdout.write(
                f"{candidate.pk}\tregistered {candidate.created_at:%Y-%m-%d}\t"
                f"last activity {candidate.last_activity:%Y-%m-%d}\tadviser {candidate.adviser_id or '-'}"
            )
        if dry_run:
            self.stdout.write(f"{len(candidates)} candidate(s) would be anonymised (no activity for {months} months).")
            return
        done = anonymise_inactive(months=months, candidates=candidates)
        self.stdout.write(f"{len(done)} candidate(s) anonymised (no activity for {months} months).")
