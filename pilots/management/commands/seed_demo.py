from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from core.roles import Role
from pilots.demo import COACH_LOGINS, DEMO_LOGINS, DEMO_PASSWORD, REGIONAL_LOGINS, data
from pilots.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the demo data of the four pilots (partners, figures, people and their history); safe to run again."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            figures = load_demo()

        for pilot in figures:
            self.stdout.write(
                _("%(pilot)s – cohorts: %(cohorts)s, enrolments: %(enrolments)s, started: %(started)s, work: %(work)s")
                % {
                    "pilot": pilot.name,
                    "cohorts": pilot.cohorts,
                    "enrolments": pilot.enrolments,
                    "started": pilot.started,
                    "work": pilot.to_work,
                }
            )
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(_("Demo logins, all with the password %(password)s:") % {"password": DEMO_PASSWORD})
        )
        for username, role, description in DEMO_LOGINS:
            self.stdout.write(
                _("  %(username)s (%(role)s): %(description)s")
                % {"username": username, "role": Role(role).label, "description": description}
            )
        self.stdout.write(
            _("Advisers and coordinators of the other regions: %(usernames)s")
            % {"usernames": ", ".join(REGIONAL_LOGINS)}
        )
        # The coaches' job title and organisation are demo data, in Dutch like the rest of it.
        users = {spec.username: spec for spec in data.USERS}
        for username in COACH_LOGINS:
            spec = users[username]
            self.stdout.write(
                _("  %(username)s (%(role)s): %(description)s")
                % {
                    "username": username,
                    "role": Role(spec.role).label,
                    "description": f"{spec.job_title}, {spec.organisation}",
                }
            )
