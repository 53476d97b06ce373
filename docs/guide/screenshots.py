"""Make the guide's screenshots from the demo data: `make screenshots`.

A fresh SQLite database in a temporary folder is migrated and filled with the demo (`seed_demo`); this process
serves the portal from it on a free port, and Debian's chromium, driven by Playwright, logs in with the demo
logins and saves each page of the guide as a PNG in docs/guide/img/. The chapters (docs/guide/*.md) show those
files; tests/test_screenshots.py runs a short version of this script and checks the chapters against SHOTS.

    python docs/guide/screenshots.py                    # every picture, into docs/guide/img/
    python docs/guide/screenshots.py --chapter gastwerkgever --quick --out /tmp/shots
    python docs/guide/screenshots.py --list             # the file names, without making them

Nothing is downloaded: the browser is /usr/bin/chromium (the Debian package `make setup` installs).
"""

import argparse
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GUIDE_DIR = Path(__file__).resolve().parent
ROOT = GUIDE_DIR.parent.parent
IMG_DIR = GUIDE_DIR / "img"

sys.path.insert(0, str(ROOT))
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# The browser's own widgets (a date field's dd-mm-jjjj) in Dutch like the pages, where Debian's chromium-l10n is
# installed; without it they stay in American English.
SCREENSHOT_ARGS = [*CHROMIUM_ARGS, "--lang=nl-NL"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 30_000
DATABASE_NAME = "opstap.sqlite3"

# The demo login each chapter of the guide is written for (pilots/demo/__init__.py, the README's "Demo logins").
CHAPTER_LOGINS = {
    "adviseur": "adviseur",
    "coordinator": "coordinator",
    "opleider": "opleider",
    "gastwerkgever": "werkgever",
    "beheerder": "beheerder",
}

# Page is playwright.sync_api.Page; imported late, so that --list needs neither Playwright nor Django.
Step = Callable[[Any], None]


@dataclass(frozen=True)
class Shot:
    """One picture: whose chapter, which page (a path, or a function that finds it in the demo), and how."""

    name: str
    chapter: str
    path: str | Callable[[], str]
    # Done on the page before the picture: open a tab, fill in a form, follow a link.
    step: Step | None = None
    phone: bool = False
    full_page: bool = False
    # Part of the short run the test makes (--quick).
    quick: bool = False

    @property
    def file_name(self) -> str:
        return f"{self.name}.png"


# --- Where the pictures are taken: the demo's objects, found once the database is filled -------------------


def _url(name: str, **kwargs: Any) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs or None)


def _groepshulp_rounds() -> list[Any]:
    """The groepshulp cohorts by start: the demo's first round has run its track, the last one is being selected."""
    from pilots.models import Cohort

    rounds = list(
        Cohort.objects.filter(pilot__slug__startswith="groepshulp").select_related("pilot").order_by("start_date")
    )
    assert rounds, "the demo has no groepshulp cohort"
    return rounds


def _enrolment(cohort: Any, *statuses: str) -> Any:
    from candidates.models import Enrolment

    enrolment = (
        Enrolment.objects.filter(cohort=cohort, status__in=statuses).order_by("candidate__last_name", "pk").first()
    )
    assert enrolment is not None, f"the demo's {cohort} has no enrolment in {statuses}"
    return enrolment


def _track_done() -> Any:
    """A candidate of the first round who went through the whole track: the fullest page."""
    from candidates.models import EnrolmentStatus

    return _enrolment(_groepshulp_rounds()[0], EnrolmentStatus.OUTFLOW)


def _to_place() -> Any:
    """A candidate selected for the next round who has no internship yet: the one to propose to a host."""
    from candidates.models import Enrolment, EnrolmentStatus

    enrolment = (
        Enrolment.objects.filter(
            cohort=_groepshulp_rounds()[-1], status=EnrolmentStatus.SELECTED, placements__isnull=True
        )
        .order_by("candidate__last_name", "pk")
        .first()
    )
    return enrolment or _enrolment(_groepshulp_rounds()[-1], EnrolmentStatus.SELECTED)


def _to_screen() -> Any:
    from candidates.models import EnrolmentStatus

    return _enrolment(_groepshulp_rounds()[-1], EnrolmentStatus.SCREENING_PLANNED)


def _werkgever_placement(*statuses: str) -> Any:
    """A placement of the demo host contact's own organisation, in one of the statuses."""
    from core.models import User
    from employers.models import Placement

    user = User.objects.get(username=CHAPTER_LOGINS["gastwerkgever"])
    placement = (
        Placement.objects.filter(employer__organisation=user.organisation, status__in=statuses)
        .order_by("-status_changed_at", "pk")
        .first()
    )
    assert placement is not None, f"the demo host has no placement in {statuses}"
    return placement


def _groepshulp_slug() -> str:
    return _groepshulp_rounds()[0].pilot.slug


def adviser_start() -> str:
    return _url("candidates:adviser-start")


def candidate_new() -> str:
    return _url("candidates:candidate-create")


def screening() -> str:
    return _url("candidates:screening-record", pk=_to_screen().pk)


def candidate_page() -> str:
    return _url("candidates:candidate-detail", pk=_track_done().candidate_id)


def cohort_selection() -> str:
    return _url("candidates:cohort-selection", pk=_groepshulp_rounds()[-1].pk)


def placement_proposal_form() -> str:
    return _url("employers:placement-propose", enrolment_pk=_to_place().pk)


def coaching_page() -> str:
    return _url("candidates:coaching", pk=_track_done().pk)


def board() -> str:
    return _url("candidates:board", slug=_groepshulp_slug())


def coordinator_start() -> str:
    return _url("pilots:coordinator-start")


def pilot_page() -> str:
    return _url("pilots:pilot-detail", slug=_groepshulp_slug())


def dashboard() -> str:
    return _url("reports:dashboard", slug=_groepshulp_slug())


def report_form() -> str:
    return f"{_url('reports:job-new')}?pilot={_groepshulp_slug()}"


def training_start() -> str:
    return _url("pilots:training-start")


def attendance() -> str:
    return _url("pilots:attendance", pk=_groepshulp_rounds()[0].pk)


def results() -> str:
    return _url("pilots:results", pk=_groepshulp_rounds()[0].pk)


def employer_start() -> str:
    return _url("employers:start")


def proposal() -> str:
    from employers.models import PlacementStatus

    return _url("employers:placement-detail", pk=_werkgever_placement(PlacementStatus.PROPOSED).pk)


def contract_offers() -> str:
    return _url("employers:contract-offers")


def seat_offers() -> str:
    return _url("employers:seat-offers")


def admin_index() -> str:
    return _url("admin:index")


def admin_user_new() -> str:
    return _url("admin:core_user_add")


def admin_users() -> str:
    return _url("admin:core_user_changelist")


def admin_outbox() -> str:
    return _url("admin:core_outboxmessage_changelist")


# --- Steps on a page before its picture ---------------------------------------------------------------------


def ask_for_report(page: Any) -> None:
    """Send the report form as it stands (the pilot and its whole period) and wait for the job's page."""
    page.locator("main form [type=submit]").last.click()
    page.wait_for_url("**/rapportages/*/")
    # The page follows the job by itself (static/js/report-job.js) until the download button shows.
    page.locator("[data-report-job][data-status=done]").wait_for(timeout=120_000)


SHOTS: list[Shot] = [
    # The adviser (WSP-adviseur).
    Shot("adviseur-start", "adviseur", adviser_start, quick=True),
    Shot("adviseur-kandidaat-aanmelden", "adviseur", candidate_new),
    Shot("adviseur-screening", "adviseur", screening),
    Shot("adviseur-selectie", "adviseur", cohort_selection),
    Shot("adviseur-stage-voorstellen", "adviseur", placement_proposal_form),
    Shot("adviseur-kandidaat", "adviseur", candidate_page),
    Shot("adviseur-start-telefoon", "adviseur", adviser_start, phone=True),
    # The coordinator.
    Shot("coordinator-start", "coordinator", coordinator_start, quick=True),
    Shot("coordinator-pilot", "coordinator", pilot_page),
    Shot("coordinator-bord", "coordinator", board),
    Shot("coordinator-dashboard", "coordinator", dashboard),
    Shot("coordinator-rapportage-aanvragen", "coordinator", report_form),
    Shot("coordinator-rapportage", "coordinator", report_form, step=ask_for_report),
    # The training partner (opleider).
    Shot("opleider-start", "opleider", training_start, quick=True),
    Shot("opleider-aanwezigheid", "opleider", attendance),
    Shot("opleider-resultaten", "opleider", results),
    Shot("opleider-coaching", "opleider", coaching_page),
    Shot("opleider-aanwezigheid-telefoon", "opleider", attendance, phone=True),
    # The host employer's contact (gastwerkgever).
    Shot("gastwerkgever-start", "gastwerkgever", employer_start, quick=True),
    Shot("gastwerkgever-voorstel", "gastwerkgever", proposal),
    Shot("gastwerkgever-stageplaatsen", "gastwerkgever", seat_offers),
    Shot("gastwerkgever-contractaanbod", "gastwerkgever", contract_offers),
    Shot("gastwerkgever-voorstel-telefoon", "gastwerkgever", proposal, phone=True, quick=True),
    # The administrator (beheerder).
    Shot("beheerder-start", "beheerder", admin_index, quick=True),
    Shot("beheerder-gebruiker-toevoegen", "beheerder", admin_user_new),
    Shot("beheerder-gebruikers", "beheerder", admin_users),
    Shot("beheerder-berichten", "beheerder", admin_outbox),
]


# --- The portal on a fresh demo database --------------------------------------------------------------------


def configure(var_dir: Path) -> None:
    """Settings for a throwaway demo, whatever the environment says (CI sets PostgreSQL and Redis)."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            # DEBUG serves static files without collectstatic's manifest; the pages look the same.
            "DEBUG": "true",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "OPSTAP_VAR_DIR": str(var_dir),
            "DATABASE_URL": f"sqlite:///{var_dir / DATABASE_NAME}",
            "MEDIA_ROOT": str(var_dir / "media"),
            "STATIC_ROOT": str(var_dir / "static"),
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "WARNING",
            # Empty rather than absent, so that a .env file cannot fill them in.
            "REDIS_URL": "",
            "OTP_REQUIRED_ROLES": "",
            # Playwright's sync API runs an event loop in this thread, which Django otherwise takes for async code.
            "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
        }
    )
    import django

    django.setup()


def load_demo() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)


@contextmanager
def serve() -> Iterator[str]:
    """The portal on a free port of this machine, in a thread of this process; yields its address."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    connections.close_all()  # each request thread opens its own connection to the SQLite file
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    thread = threading.Thread(target=server.serve_forever, name="guide-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- The pictures -------------------------------------------------------------------------------------------


def log_in(page: Any, base_url: str, username: str) -> None:
    from pilots.demo import DEMO_PASSWORD

    page.goto(f"{base_url}{_url('login')}")
    form = page.locator("main form").first
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    form.locator("[type=submit]").click()
    page.wait_for_url(lambda url: "/inloggen/" not in url)


def take(shots: list[Shot], out_dir: Path, base_url: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise SystemExit(f"The screenshots need Debian's chromium at {CHROMIUM} (apt-get install chromium).")
    out_dir.mkdir(parents=True, exist_ok=True)
    made = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=SCREENSHOT_ARGS)
        try:
            for chapter in dict.fromkeys(shot.chapter for shot in shots):
                for phone in (False, True):
                    group = [shot for shot in shots if shot.chapter == chapter and shot.phone == phone]
                    if group:
                        made += _take_group(browser, group, out_dir, base_url, phone=phone)
        finally:
            browser.close()
    return made


def _take_group(browser: Any, shots: list[Shot], out_dir: Path, base_url: str, *, phone: bool) -> list[Path]:
    """The pictures of one chapter on one screen size, in one browser profile logged in as that role."""
    context = browser.new_context(
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport=PHONE if phone else DESKTOP,
        is_mobile=phone,
        has_touch=phone,
        reduced_motion="reduce",
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    made = []
    try:
        log_in(page, base_url, CHAPTER_LOGINS[shots[0].chapter])
        for shot in shots:
            path = shot.path() if callable(shot.path) else shot.path
            page.goto(f"{base_url}{path}")
            page.wait_for_load_state("networkidle")
            if shot.step is not None:
                shot.step(page)
            target = out_dir / shot.file_name
            page.screenshot(path=str(target), full_page=shot.full_page, animations="disabled")
            print(f"{target}  ({page.url.removeprefix(base_url)})")
            made.append(target)
    finally:
        context.close()
    return made


def chosen(chapters: list[str] | None, quick: bool) -> list[Shot]:
    return [shot for shot in SHOTS if (not chapters or shot.chapter in chapters) and (shot.quick or not quick)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make the guide's screenshots from the demo data.")
    parser.add_argument("--out", type=Path, default=IMG_DIR, help="folder for the PNG files (docs/guide/img)")
    parser.add_argument(
        "--chapter", action="append", choices=sorted(CHAPTER_LOGINS), help="only this chapter's pictures (repeatable)"
    )
    parser.add_argument("--quick", action="store_true", help="only a picture or two per chapter (the test)")
    parser.add_argument("--list", action="store_true", help="print the file names and stop")
    parser.add_argument(
        "--var-dir",
        type=Path,
        help="keep the demo database in this folder and use it again next time, instead of a fresh one",
    )
    args = parser.parse_args(argv)
    shots = chosen(args.chapter, args.quick)
    if args.list:
        for shot in shots:
            print(shot.file_name)
        return 0
    with tempfile.TemporaryDirectory(prefix="opstap-guide-") as temp_dir:
        var_dir = args.var_dir or Path(temp_dir)
        var_dir.mkdir(parents=True, exist_ok=True)
        fresh = not (var_dir / DATABASE_NAME).exists()
        configure(var_dir.resolve())
        if fresh:
            print("Loading the demo into a fresh database ...", flush=True)
            load_demo()
        with serve() as base_url:
            made = take(shots, args.out, base_url)
    print(f"{len(made)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
