"""Demo data of the four pilots in DOMAIN.md, loaded by `manage.py seed_demo`.

The logins below are printed at the end of the command and used by the tests; their users,
organisations and names are declared in `data.py`.
"""

from django.utils.translation import gettext_lazy as _

from core.roles import Role

# Shared by every demo user; a demo database is never a production database.
DEMO_PASSWORD = "opstap-demo"  # noqa: S105

# One login per role: (username, role, what that person sees).
DEMO_LOGINS = [
    (
        "adviseur",
        Role.ADVISER,
        _(
            "Adviser at WSP Midden-Utrecht: registers, screens and selects the candidates of the groepshulp pilot, "
            "proposes internships to the childcare hosts and records outcomes."
        ),
    ),
    (
        "werkgever",
        Role.EMPLOYER_CONTACT,
        _(
            "Contact of a childcare host in Midden-Utrecht: sees only the candidates proposed to this organisation "
            "and confirms or declines them."
        ),
    ),
    (
        "coordinator",
        Role.COORDINATOR,
        _(
            "Project lead at WSP Midden-Utrecht: pilots, cohorts, partners, targets and the funnel of the "
            "pilots the WSP runs."
        ),
    ),
    (
        "opleider",
        Role.TRAINING_PARTNER,
        _("Training partner at ROC Midden-Nederland: the cohorts it trains and their participants."),
    ),
    (
        "beheerder",
        Role.ADMINISTRATOR,
        _("Administrator: every pilot of every region, and the management site."),
    ),
]

# Advisers and coordinators of the other regions, so that scoping per region can be seen.
REGIONAL_LOGINS = [
    "adviseur-rotterdam",
    "coordinator-rotterdam",
    "adviseur-gelderland",
    "coordinator-gelderland",
    "adviseur-groningen",
    "coordinator-groningen",
]

# The coaching teams of the other pilots (training partners): they record attendance, module results and
# certificates and write coaching notes, as the work coach of Laurens, the job coach in Groningen and so on.
COACH_LOGINS = [
    "docent-albeda",
    "werkcoach-laurens",
    "docent-astrum",
    "jobcoach-groningen",
    "trainer-groningen",
]
