"""make load's users: advisers, trainers, employer contacts and coordinators on their usual pages, with reports.

Run by benchmarks/load.py (make load), which builds the region, starts gunicorn, PostgreSQL's database and a
Celery worker, and passes the logins and pages in BENCH_LOAD_TARGETS (the dataset's JSON file). Each simulated
user logs in once as its role's bench login, then walks its journey with a few seconds' thinking between pages.
"""

import json
import os
import random
import re
from urllib.parse import urlencode

from locust import HttpUser, between, task

TARGETS = json.loads(open(os.environ["BENCH_LOAD_TARGETS"]).read())  # noqa: SIM115
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Portal(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 3)

    def on_start(self) -> None:
        page = self.client.get("/inloggen/", name="login page")
        self.send_secure_cookies()
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/inloggen/",
            data={
                "csrfmiddlewaretoken": token,
                "username": TARGETS["logins"][self.role],
                "password": TARGETS["password"],
            },
            headers={"Referer": f"{self.host}/inloggen/"},
            allow_redirects=False,
            name="log in",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")
        self.send_secure_cookies()

    def send_secure_cookies(self) -> None:
        """The production settings mark the session and CSRF cookies Secure, which requests keeps from plain HTTP;
        on loopback they are sent all the same. After every response: the session cookie comes anew each time."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def page(self, path: str, name: str) -> None:
        # Not followed: a redirect to the login page would otherwise pass for a fast page.
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{path} answered {response.status_code}")
        self.send_secure_cookies()


class Adviser(Portal):
    role = "adviser"
    weight = 4

    @task(3)
    def start_page(self) -> None:
        self.page("/kandidaten/start/", "adviser start")

    @task(3)
    def candidates(self) -> None:
        query = random.choice(
            [{}, {"q": TARGETS["search"]}, {"status": "screened"}, {"sort": "cohort"}, {"page": random.randint(2, 5)}]
        )
        self.page(f"/kandidaten/?{urlencode(query)}", "candidate list")

    @task(2)
    def candidate(self) -> None:
        self.page(f"/kandidaten/{TARGETS['candidate_id']}/", "candidate page")


class Trainer(Portal):
    role = "training_partner"
    weight = 2

    @task(2)
    def start_page(self) -> None:
        self.page("/pilots/opleidingspartner/", "trainer start")

    @task(3)
    def attendance(self) -> None:
        self.page(f"/pilots/cohort/{TARGETS['running_cohort_id']}/aanwezigheid/", "attendance grid")


class EmployerContact(Portal):
    role = "employer_contact"
    weight = 2

    @task
    def start_page(self) -> None:
        self.page("/werkgevers/start/", "employer start")


class Coordinator(Portal):
    role = "coordinator"
    weight = 2

    @task(2)
    def start_page(self) -> None:
        self.page("/pilots/coordinator/", "coordinator start")

    @task(2)
    def pilot(self) -> None:
        self.page(f"/pilots/{TARGETS['pilot_slug']}/", "pilot page")

    @task(2)
    def cohort(self) -> None:
        self.page(f"/pilots/cohort/{TARGETS['cohort_id']}/", "cohort page")

    @task(1)
    def board(self) -> None:
        self.page(f"/kandidaten/bord/{TARGETS['pilot_slug']}/", "pipeline board")

    @task(2)
    def dashboard(self) -> None:
        self.page(f"/rapportages/pilot/{TARGETS['pilot_slug']}/", "evaluation dashboard")

    @task(1)
    def report(self) -> None:
        """Ask for a report of the pilot and follow its page, as the coordinator's browser does."""
        form = self.client.get(f"/rapportages/nieuw/?pilot={TARGETS['pilot_slug']}", name="report form")
        self.send_secure_cookies()
        token = CSRF.search(form.text)
        pilot = re.search(r'name="pilots" value="(\d+)"[^>]*checked', form.text) or re.search(
            r'name="pilots" value="(\d+)"', form.text
        )
        start = re.search(r'name="period_start" value="([^"]*)"', form.text)
        end = re.search(r'name="period_end" value="([^"]*)"', form.text)
        if not (token and pilot and start and end):
            return
        with self.client.post(
            "/rapportages/nieuw/",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "pilots": pilot.group(1),
                "period_start": start.group(1),
                "period_end": end.group(1),
                "confirm_period": "on",
            },
            headers={"Referer": f"{self.host}/rapportages/nieuw/"},
            allow_redirects=False,
            name="report request",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"the report request answered {response.status_code}")
                return
            job = response.headers["Location"]
        self.send_secure_cookies()
        self.page(job, "report job page")
        self.page(job.rstrip("/") + "/status/", "report job status")
