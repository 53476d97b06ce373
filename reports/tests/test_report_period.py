"""The period of a report asked for in the browser: by default it spans every cohort, and a period that leaves
cohorts out is said so before the job is made."""

import datetime
from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory
from reports.models import ReportJob
from reports.selectors import LEFT_OUT_LISTED

pytestmark = pytest.mark.django_db


def english(message: str) -> str:
    with translation.override("en"):
        return gettext(message)


def day(value: datetime.date) -> str:
    with translation.override("en"):
        return date_format(value, "DATE_FORMAT")


class _Region(HTMLParser):
    """The text of the warning region and of each of its list items."""

    def __init__(self) -> None:
        super().__init__()
        self.attrs: dict[str, str | None] | None = None
        self.depth = 0
        self.text: list[str] = []
        self.items: list[str] = []
        self.inputs: list[str | None] = []
        self._item: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag not in ("input", "br", "img")
            if tag == "li":
                self._item = []
            if tag == "input":
                self.inputs.append(dict(attrs).get("name"))
        elif "data-period-warning" in dict(attrs):
            self.attrs, self.depth = dict(attrs), 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            if tag == "li" and self._item is not None:
                self.items.append(" ".join(" ".join(self._item).split()))
                self._item = None

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            if self._item is not None:
                self._item.append(data)


def warning(response) -> _Region | None:
    region = _Region()
    region.feed(response.content.decode())
    return region if region.attrs is not None else None


def text(region: _Region) -> str:
    return " ".join(" ".join(region.text).split())


@pytest.fixture
def client_en(client, coordinator):
    client.force_login(coordinator)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def pilot(organisation):
    return PilotFactory(lead_organisation=organisation, name="Groepshulp Midden-Utrecht", slug="groepshulp")


def cohort(pilot, name: str, start: datetime.date):
    return CohortFactory(pilot=pilot, name=name, start_date=start, end_date=start + datetime.timedelta(weeks=15))


def post(client, *pilots, start: str, end: str, cohorts=(), confirm: bool = False):
    data = {
        "pilots": [pilot.pk for pilot in pilots],
        "cohorts": [cohort.pk for cohort in cohorts],
        "period_start": start,
        "period_end": end,
    }
    if confirm:
        data["confirm_period"] = "on"
    return client.post(reverse("reports:job-new"), data)


# --- The period the form opens with ------------------------------------------------------------------------


def test_the_form_opened_for_a_pilot_spans_its_first_to_its_last_cohort_start(client_en, pilot, organisation):
    cohort(pilot, "Voorjaar 2024", datetime.date(2024, 2, 5))
    cohort(pilot, "Najaar 2027", datetime.date(2027, 9, 6))
    cohort(PilotFactory(lead_organisation=organisation), "Ander", datetime.date(2019, 1, 7))

    response = client_en.get(reverse("reports:job-new"), {"pilot": pilot.slug})

    form = response.context["form"]
    assert (form["period_start"].value(), form["period_end"].value()) == (
        datetime.date(2024, 2, 5),
        datetime.date(2027, 9, 6),
    )
    content = response.content.decode()
    assert 'value="2024-02-05"' in content and 'value="2027-09-06"' in content


def test_the_form_opened_for_several_pilots_spans_the_cohorts_of_all_of_them(client_en, pilot, organisation):
    other = PilotFactory(lead_organisation=organisation, name="WelSlagen", slug="welslagen")
    cohort(pilot, "Ronde 1", datetime.date(2026, 3, 2))
    cohort(other, "Ronde 1", datetime.date(2027, 10, 4))

    response = client_en.get(reverse("reports:job-new"), {"pilot": [pilot.slug, other.slug]})

    form = response.context["form"]
    assert form.initial["pilots"] == [pilot, other]
    assert (form["period_start"].value(), form["period_end"].value()) == (
        datetime.date(2026, 3, 2),
        datetime.date(2027, 10, 4),
    )


def test_the_form_opened_without_a_pilot_spans_the_cohorts_of_the_users_own_pilots(client_en, pilot, organisation):
    cohort(pilot, "Ronde 1", datetime.date(2028, 1, 10))
    cohort(PilotFactory(lead_organisation=organisation), "Ronde 1", datetime.date(2028, 6, 5))
    foreign = PilotFactory(lead_organisation=OrganisationFactory(name="WSP Elders"))
    cohort(foreign, "Ronde elders", datetime.date(2015, 1, 5))

    form = client_en.get(reverse("reports:job-new")).context["form"]

    assert (form["period_start"].value(), form["period_end"].value()) == (
        datetime.date(2028, 1, 10),
        datetime.date(2028, 6, 5),
    )


def test_the_form_opened_for_a_pilot_without_cohorts_keeps_last_and_this_year(client_en, pilot, organisation):
    busy = PilotFactory(lead_organisation=organisation, slug="druk")
    cohort(busy, "Ronde 1", datetime.date(2030, 1, 7))
    today = timezone.localdate()

    spanned = client_en.get(reverse("reports:job-new"), {"pilot": busy.slug}).context["form"]
    new = client_en.get(reverse("reports:job-new"), {"pilot": pilot.slug}).context["form"]

    assert spanned["period_start"].value() == datetime.date(2030, 1, 7)
    assert (new["period_start"].value(), new["period_end"].value()) == (
        datetime.date(today.year - 1, 1, 1),
        datetime.date(today.year, 12, 31),
    )


def test_the_period_the_form_opens_with_makes_the_job_at_once_and_counts_every_cohort(client_en, pilot):
    cohort(pilot, "Voorjaar 2024", datetime.date(2024, 2, 5))
    cohort(pilot, "Najaar 2027", datetime.date(2027, 9, 6))
    form = client_en.get(reverse("reports:job-new"), {"pilot": pilot.slug}).context["form"]

    response = post(
        client_en,
        pilot,
        start=form["period_start"].value().isoformat(),
        end=form["period_end"].value().isoformat(),
    )

    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.period_start, job.period_end) == (datetime.date(2024, 2, 5), datetime.date(2027, 9, 6))


# --- A period that leaves cohorts out ----------------------------------------------------------------------


def test_a_period_that_leaves_out_a_cohort_is_sent_back_with_a_warning_naming_it(client_en, pilot):
    cohort(pilot, "Voorjaar 2025", datetime.date(2025, 3, 3))
    cohort(pilot, "Najaar 2026", datetime.date(2026, 9, 7))
    jobs = ReportJob.objects.count()

    response = post(client_en, pilot, start="2026-01-01", end="2026-12-31")

    assert response.status_code == 200
    assert ReportJob.objects.count() == jobs
    region = warning(response)
    assert region is not None
    assert (region.attrs["role"], region.attrs["tabindex"]) == ("alert", "-1")
    assert english("The period leaves out cohorts") in text(region)
    assert region.items == [f"Voorjaar 2025 (Groepshulp Midden-Utrecht), starts {day(datetime.date(2025, 3, 3))}"]
    # The confirmation is offered inside the warning, with its label.
    assert region.inputs == ["confirm_period"]
    assert english("Make the report with this period anyway") in text(region)
    assert '<label for="id_confirm_period"' in response.content.decode()


def test_confirming_a_period_that_leaves_out_a_cohort_makes_exactly_one_job(client_en, pilot):
    cohort(pilot, "Voorjaar 2025", datetime.date(2025, 3, 3))
    cohort(pilot, "Najaar 2026", datetime.date(2026, 9, 7))
    warned = post(client_en, pilot, start="2026-01-01", end="2026-12-31")
    assert warned.status_code == 200 and not ReportJob.objects.exists()

    response = post(client_en, pilot, start="2026-01-01", end="2026-12-31", confirm=True)

    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.period_start, job.period_end) == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))


def test_a_period_widened_to_cover_every_cohort_makes_the_job_without_a_warning(client_en, pilot):
    cohort(pilot, "Voorjaar 2025", datetime.date(2025, 3, 3))
    cohort(pilot, "Najaar 2026", datetime.date(2026, 9, 7))
    warned = post(client_en, pilot, start="2025-03-04", end="2026-09-07")
    assert warning(warned) is not None and not ReportJob.objects.exists()

    # The first and the last day belong to the period.
    response = post(client_en, pilot, start="2025-03-03", end="2026-09-07")

    assert response.status_code == 302
    assert ReportJob.objects.count() == 1


def test_a_period_in_which_no_cohort_starts_is_refused_even_when_confirmed(client_en, pilot):
    cohort(pilot, "Voorjaar 2025", datetime.date(2025, 3, 3))

    response = post(client_en, pilot, start="2030-01-01", end="2030-12-31", confirm=True)

    assert response.status_code == 200
    assert not ReportJob.objects.exists()
    assert response.context["form"].errors["period_start"] == [
        english("The period holds no cohort of the chosen pilots.")
    ]
    region = warning(response)
    assert region is not None and region.attrs["role"] == "alert"
    assert english("The report would contain no cohort") in text(region)
    assert region.items == [f"Voorjaar 2025 (Groepshulp Midden-Utrecht), starts {day(datetime.date(2025, 3, 3))}"]
    assert region.inputs == []  # no tick makes an empty report


def test_the_chosen_cohorts_are_what_the_period_is_held_against(client_en, pilot):
    cohort(pilot, "Voorjaar 2025", datetime.date(2025, 3, 3))
    september = cohort(pilot, "September", datetime.date(2026, 9, 7))
    october = cohort(pilot, "Oktober", datetime.date(2026, 10, 5))

    # Both chosen: October is left out, the cohort not chosen is no concern of this report.
    warned = post(client_en, pilot, cohorts=[september, october], start="2026-09-01", end="2026-09-30")
    region = warning(warned)
    assert region is not None
    assert region.items == [f"Oktober (Groepshulp Midden-Utrecht), starts {day(datetime.date(2026, 10, 5))}"]
    assert not ReportJob.objects.exists()

    # Only a cohort in the period chosen: made at once, though the pilot has cohorts outside it.
    made = post(client_en, pilot, cohorts=[september], start="2026-09-01", end="2026-09-30")
    assert made.status_code == 302
    assert list(ReportJob.objects.get().cohorts.all()) == [september]


def test_chosen_cohorts_of_which_none_starts_in_the_period_are_refused(client_en, pilot):
    cohort(pilot, "September", datetime.date(2026, 9, 7))
    march = cohort(pilot, "Maart", datetime.date(2026, 3, 2))

    response = post(client_en, pilot, cohorts=[march], start="2026-09-01", end="2026-12-31", confirm=True)

    assert response.context["form"].errors["period_start"] == [
        english("None of the chosen cohorts starts in the period.")
    ]
    assert not ReportJob.objects.exists()


def test_the_warning_lists_the_first_cohorts_and_says_how_many_more(client_en, pilot):
    cohort(pilot, "Binnen", datetime.date(2026, 9, 7))
    for number in range(LEFT_OUT_LISTED + 3):
        cohort(pilot, f"Oud {number:02}", datetime.date(2020, 1, 6) + datetime.timedelta(weeks=number))

    response = post(client_en, pilot, start="2026-01-01", end="2026-12-31")

    region = warning(response)
    assert region is not None
    assert [item.split(" (")[0] for item in region.items] == [f"Oud {number:02}" for number in range(LEFT_OUT_LISTED)]
    assert "And 3 more cohorts." in text(region)
    assert not ReportJob.objects.exists()
